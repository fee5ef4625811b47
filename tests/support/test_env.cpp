#include "tests/support/test_env.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace uet::test {

temp_dir::temp_dir(const std::string& tag) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/" + tag + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data()))
    throw std::runtime_error("mkdtemp failed for " + tmpl);
  path_ = fs::path(buf.data());
}

temp_dir::~temp_dir() {
  const char* keep = std::getenv("UET_KEEP_TEST_DIRS");
  if (keep && std::string(keep) == "1")
    return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  REQUIRE(out.good());
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool process_ends(int pid) {
  for (int i = 0; i < 100; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line))
      return true;
    auto close = line.rfind(')');
    if (close != std::string::npos && close + 2 < line.size() &&
        (line[close + 2] == 'Z' || line[close + 2] == 'X'))
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

fs::path source_dir() {
  return UET_SOURCE_DIR;
}
fs::path binary() {
  // UET_TEST_BINARY runs the end-to-end tests against another build (to see
  // a test fail on the tree before a fix).
  const char* other = std::getenv("UET_TEST_BINARY");
  return other && *other ? fs::path(other) : fs::path(UET_BINARY);
}

engine::process_result run_cli(const std::vector<std::string>& args, const fs::path& cwd,
                               const std::map<std::string, std::string>& env,
                               std::chrono::milliseconds timeout) {
  engine::process_request req;
  req.argv.push_back(binary().string());
  req.argv.insert(req.argv.end(), args.begin(), args.end());
  req.cwd = cwd;
  req.env = env;
  req.timeout = timeout;
  return engine::run_process(req);
}

std::string must_run(const std::vector<std::string>& argv, const fs::path& cwd) {
  engine::process_request req;
  req.argv = argv;
  req.cwd = cwd;
  req.timeout = std::chrono::seconds(60);
  auto r = engine::run_process(req);
  INFO(argv[0] << " output: " << r.output);
  REQUIRE(r.ok());
  return r.output;
}

void make_git_repo(const fs::path& dir, const std::map<std::string, std::string>& files) {
  fs::create_directories(dir);
  for (const auto& [rel, content] : files)
    write_file(dir / rel, content);
  must_run({"git", "init", "-q", "-b", "main"}, dir);
  must_run({"git", "config", "user.name", "uet-test"}, dir);
  must_run({"git", "config", "user.email", "uet-test@localhost"}, dir);
  must_run({"git", "add", "-A"}, dir);
  must_run({"git", "commit", "-q", "-m", "initial"}, dir);
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

void copy_demo(const fs::path& dir) {
  auto demo = source_dir() / "examples" / "demo";
  for (const char* part : {"seed", "workstreams", "tools.yaml", "uet.yaml", "reset.sh"})
    fs::copy(demo / part, dir / part, fs::copy_options::recursive);
  must_run({"/bin/sh", (dir / "reset.sh").string()}, dir);
}

} // namespace uet::test
