// `uet-actors node` as a real process for tests (on loopback), and the
// certificates `node gen-certs` makes.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "node/node_policy.h"
#include "tests/support/test_env.h"

namespace uet::test {

/// tools.yaml with `sh`: its prompt is a shell script.
extern const std::string sh_tools;

/// The files `node gen-certs DIR` made for `name`.
node::tls_files certs_of(const fs::path& dir, const std::string& name);

/// A `uet-actors node` process (2 slots unless args say otherwise) started
/// in dir with tools_yaml, ended (SIGTERM) when this goes.
class node_process {
public:
  node_process(const fs::path& dir, std::vector<std::string> args,
               const std::string& tools_yaml = sh_tools);
  ~node_process();
  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  /// What it printed so far.
  std::string read_out() const;
  std::uint16_t port() const { return port_; }
  /// "127.0.0.1:PORT", for --nodes.
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int pid() const { return pid_; }
  const engine::process_result& result() const { return result_; }

private:
  fs::path out_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  engine::process_result result_;
  std::uint16_t port_ = 0;
  int pid_ = 0;
};

} // namespace uet::test
