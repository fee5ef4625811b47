// `uet-actors node` as a real process on loopback with mutual TLS (issue
// 15): a coordinator's certificate from the node's CA gets an answer; a
// certificate from another CA, plain BASP, and a TLS client with no
// certificate are refused; a raw header announcing a 4 GiB payload leaves
// the node's memory alone; a request for a tool the node lacks is refused.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include <catch2/catch.hpp>

#include "node/node_server.h"
#include "tests/support/node_process.h"
#include "tests/support/test_env.h"

using namespace uet;
using namespace uet::test;

namespace {

long rss_kb(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stol(line.substr(6));
  return -1;
}

/// Connects to 127.0.0.1:port, writes bytes, waits for the peer to close
/// (or 3 s).
void send_raw(std::uint16_t port, const std::string& bytes) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  (void)!::write(fd, bytes.data(), bytes.size());
  timeval tv{3, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[256];
  while (::read(fd, buf, sizeof buf) > 0) {
  }
  ::close(fd);
}

} // namespace

TEST_CASE("node: mutual TLS on loopback, peers without the CA's certificate refused") {
  temp_dir d("uet-node");
  auto gen = run_cli({"node", "gen-certs", (d / "certs").string()}, d.path());
  INFO(gen.output);
  REQUIRE(gen.exit_code == 0);
  REQUIRE(run_cli({"node", "gen-certs", (d / "other").string(), "--names", "intruder"}, d.path())
              .exit_code == 0);
  // gen-certs never replaces a CA.
  CHECK(run_cli({"node", "gen-certs", (d / "certs").string()}, d.path()).exit_code == 2);
  auto mine = certs_of(d / "certs", "node");
  node_process n(d.path(), {"--tls-cert", mine.cert.string(), "--tls-key", mine.key.string(),
                            "--tls-ca", mine.ca.string(), "--id", "node-a"});
  INFO(n.read_out());
  REQUIRE(n.port() != 0);
  CHECK(n.read_out().find("node node-a (pid ") == 0);
  CHECK(n.read_out().find("(2 slots; tools: sh; mutual TLS)") != std::string::npos);

  SECTION("the coordinator's certificate: hello, and a tool the node lacks refused") {
    auto c =
        node::node_client::connect("127.0.0.1", n.port(), certs_of(d / "certs", "coordinator"));
    INFO((c ? "" : c.message()));
    REQUIRE(c);
    auto hello = (*c)->hello();
    REQUIRE(hello);
    CHECK(hello->node_id == "node-a");
    CHECK(hello->slots == 2);
    CHECK(hello->tools == std::vector<std::string>{"sh"});
    CHECK(hello->mutual_tls);
    msg::node_edit_request r;
    r.tool_id = "rm";
    r.prompt = "-rf /";
    auto refused = (*c)->edit(r);
    REQUIRE(refused);
    CHECK(refused->error.find("node node-a has no tool 'rm' (its tools.yaml lists: sh)") == 0);
    CHECK_FALSE(refused->started);
  }
  SECTION("another CA's certificate, plain BASP, and TLS without a certificate are refused") {
    auto intruder =
        node::node_client::connect("127.0.0.1", n.port(), certs_of(d / "other", "intruder"));
    CHECK_FALSE(intruder);
    auto plain = node::node_client::connect("127.0.0.1", n.port(), {});
    CHECK_FALSE(plain);
    engine::process_request s;
    s.argv = {"openssl", "s_client",       "-connect", "127.0.0.1:" + std::to_string(n.port()),
              "-CAfile", mine.ca.string(), "-brief",   "-ign_eof"};
    s.timeout = std::chrono::seconds(20);
    auto anon = engine::run_process(s);
    INFO(anon.output);
    CHECK(anon.exit_code != 0);
    CHECK(anon.output.find("certificate required") != std::string::npos);
    // And the node still serves its coordinator afterwards.
    auto c =
        node::node_client::connect("127.0.0.1", n.port(), certs_of(d / "certs", "coordinator"));
    REQUIRE(c);
    CHECK((*c)->hello());
  }
  SECTION("a raw BASP header announcing a 4 GiB payload does not grow the node") {
    REQUIRE(n.pid() > 0);
    auto before = rss_kb(n.pid());
    REQUIRE(before > 0);
    // BASP 0.17 header: operation, padding, flags, payload_len = 0xffffffff, ...
    std::string header(40, '\0');
    header[0] = 1; // server handshake
    header[4] = header[5] = header[6] = header[7] = '\xff';
    for (int i = 0; i < 4; ++i)
      send_raw(n.port(), header);
    auto after = rss_kb(n.pid());
    INFO("RSS before " << before << " kB, after " << after << " kB");
    CHECK(after - before < 8 * 1024);
    auto c =
        node::node_client::connect("127.0.0.1", n.port(), certs_of(d / "certs", "coordinator"));
    REQUIRE(c);
    CHECK((*c)->hello());
  }
}

TEST_CASE("node: refuses to listen beyond loopback without mutual TLS, stops on SIGTERM") {
  temp_dir d("uet-node");
  write_file(d / "tools.yaml", "tools:\n  sh:\n    argv: [\"/bin/sh\", \"-c\", \"{prompt}\"]\n");
  auto open = run_cli({"node", "--listen", "0.0.0.0:0"}, d.path());
  CHECK(open.exit_code == 2);
  CHECK(open.output.find("refusing to listen on 0.0.0.0 without mutual TLS") != std::string::npos);
  auto badtools = run_cli({"node", "--tools", "nope.yaml"}, d.path());
  CHECK(badtools.exit_code == 2);
  CHECK(badtools.output.find("nope.yaml") != std::string::npos);
  {
    node_process n(d.path(), {});
    REQUIRE(n.port() != 0);
    CHECK(n.read_out().find("loopback only, no TLS") != std::string::npos);
    auto c = node::node_client::connect("127.0.0.1", n.port(), {});
    REQUIRE(c);
    CHECK((*c)->hello()->mutual_tls == false);
  }
}

TEST_CASE("node: runs an edit with its own tool on a commit sent as a bundle, returns the diff") {
  temp_dir d("uet-node");
  make_git_repo(d / "src", {{"README.md", "# src\n"}});
  must_run({"git", "bundle", "create", (d / "head.bundle").string(), "HEAD"}, d / "src");
  const auto base = must_run({"git", "rev-parse", "HEAD"}, d / "src").substr(0, 40);
  node_process n(d.path(), {"--id", "node-e", "--work-dir", (d / "work").string()},
                 sh_tools + "  boxed:\n    argv: [\"/bin/sh\", \"-c\", \"{prompt}\"]\n"
                            "    sandbox: required\n");
  REQUIRE(n.port() != 0);
  auto c = node::node_client::connect("127.0.0.1", n.port(), {});
  REQUIRE(c);
  msg::node_edit_request r;
  r.session = "s1";
  r.run_id = "run-1";
  r.workstream_id = "greet";
  r.tool_id = "sh";
  r.prompt = "printf 'hi\\n' > a.txt";
  r.scope = {"a.txt"};
  r.base_commit = base;

  SECTION("without the commit, it says what it lacks") {
    auto lacks = (*c)->edit(r);
    REQUIRE(lacks);
    CHECK(lacks->error == "node node-e lacks commit " + base + ": send it as a bundle");
    CHECK_FALSE(lacks->started);
  }
  SECTION("with it, the change comes back as a diff that applies to the sender's repository") {
    r.bundle = read_text(d / "head.bundle");
    auto e = (*c)->edit(r);
    REQUIRE(e);
    INFO(e->error << e->description);
    CHECK(e->error.empty());
    CHECK(e->worktree_ok);
    CHECK(e->started);
    CHECK(e->exit_code == 0);
    CHECK(e->diff.find("+++ b/a.txt") != std::string::npos);
    CHECK(e->diff.find("+hi") != std::string::npos);
    write_file(d / "change.diff", e->diff);
    must_run({"git", "apply", "--check", (d / "change.diff").string()}, d / "src");
    // The node keeps the commit: a second attempt needs no bundle.
    r.bundle.clear();
    r.attempt = 2;
    r.prompt = "printf 'again\\n' > a.txt";
    auto again = (*c)->edit(r);
    REQUIRE(again);
    CHECK(again->error.empty());
    CHECK(again->diff.find("+again") != std::string::npos);
    CHECK(again->diff.find("+hi") == std::string::npos); // a fresh worktree at the base
  }
  SECTION("the change is admitted by the limits sent, not the node's defaults") {
    r.bundle = read_text(d / "head.bundle");
    r.prompt = "printf 1 > a.txt; printf 2 > b.txt";
    r.scope = {"a.txt", "b.txt"};
    r.admit_limits.max_files = 1;
    auto e = (*c)->edit(r);
    REQUIRE(e);
    INFO(e->error << e->description);
    CHECK(e->refused.find("the change touches 2 files, limit 1 (patch_limits.max_files)") == 0);
    CHECK(e->diff.empty());
  }
  SECTION("a tool that writes outside its worktree is stopped as a local one is") {
    r.bundle = read_text(d / "head.bundle");
    r.tool_id = "boxed";
    r.prompt = "printf x > a.txt; printf planted > '" + (d / "outside.txt").string() + "'";
    auto e = (*c)->edit(r);
    REQUIRE(e);
    INFO(e->error << e->description << e->refused);
    CHECK(e->refused.find("the sandbox denied a write to " + (d / "outside.txt").string()) == 0);
    CHECK(e->diff.empty());
    CHECK_FALSE(fs::exists(d / "outside.txt"));
  }
}
