#include "tests/support/node_process.h"

#include <fstream>

namespace uet::test {

const std::string sh_tools = "tools:\n  sh:\n    argv: [\"/bin/sh\", \"-c\", \"{prompt}\"]\n";

node::tls_files certs_of(const fs::path& dir, const std::string& name) {
  return {dir / name / "cert.pem", dir / name / "key.pem", dir / name / "ca.pem"};
}

node_process::node_process(const fs::path& dir, std::vector<std::string> args,
                           const std::string& tools_yaml)
    : out_(dir / "node.out") {
  fs::create_directories(dir);
  write_file(dir / "tools.yaml", tools_yaml);
  engine::process_request req;
  req.argv = {binary().string(), "node", "--tools", (dir / "tools.yaml").string(), "--slots", "2"};
  req.argv.insert(req.argv.end(), args.begin(), args.end());
  req.cwd = dir;
  req.output_file = out_;
  req.cancel = &stop_;
  req.timeout = std::chrono::seconds(900); // outlives a sanitized run on a loaded machine
  thread_ = std::thread([this, req] { result_ = engine::run_process(req); });
  // Up to 60 s: a sanitized build on a loaded machine starts slowly.
  for (int i = 0; i < 1200 && port_ == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto text = read_out();
    auto at = text.find("listening on 127.0.0.1:");
    if (at != std::string::npos)
      port_ = std::uint16_t(std::stoi(text.substr(at + 23)));
    auto pid = text.find("(pid ");
    if (pid != std::string::npos && pid_ == 0)
      pid_ = std::atoi(text.c_str() + pid + 5);
  }
}

node_process::~node_process() {
  stop_ = true;
  thread_.join();
}

std::string node_process::read_out() const {
  std::ifstream in(out_);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace uet::test
