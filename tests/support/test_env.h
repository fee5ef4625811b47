// Shared helpers for tests: temporary directories, files, real git
// repositories, and running the real uet-actors binary.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/environment.h"
#include "engine/subprocess.h"

namespace uet::test {

namespace fs = std::filesystem;

/// A fresh directory under $TMPDIR, removed with its contents on destruction
/// (kept when UET_KEEP_TEST_DIRS=1, for debugging).
class temp_dir {
public:
  explicit temp_dir(const std::string& tag = "uet");
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& rel) const { return path_ / rel; }

private:
  fs::path path_;
};

/// Writes content to path, creating parent directories.
void write_file(const fs::path& path, const std::string& content);
std::string read_text(const fs::path& path);

/// Runs the uet-actors binary with args in cwd.
engine::process_result run_cli(const std::vector<std::string>& args, const fs::path& cwd,
                               const std::map<std::string, std::string>& env = {},
                               std::chrono::milliseconds timeout = std::chrono::seconds(120));

/// Runs a command; REQUIREs that it exits 0. Returns its output.
std::string must_run(const std::vector<std::string>& argv, const fs::path& cwd);

/// `git init` in dir with an identity, files committed as the first commit.
void make_git_repo(const fs::path& dir, const std::map<std::string, std::string>& files = {
                                            {"README.md", "# test repo\n"}});

/// True once pid is dead (a zombie counts: its parent may be a container
/// init that reaps late); waits up to ~2 s.
bool process_ends(int pid);

fs::path source_dir();
fs::path binary();

/// How many times `what` occurs in text (overlaps counted).
std::size_t occurrences(const std::string& text, const std::string& what);

/// The bundled demo (examples/demo) copied into dir, its repository made
/// fresh by its reset.sh.
void copy_demo(const fs::path& dir);

/// Counts run_process calls, then runs them for real.
class counting_environment final : public engine::environment_wrapper {
public:
  counting_environment() : environment_wrapper(engine::environment::real()) {}
  engine::process_result run_process(const engine::process_request& req) override {
    ++processes;
    return environment_wrapper::run_process(req);
  }
  std::atomic<int> processes{0};
};

} // namespace uet::test
