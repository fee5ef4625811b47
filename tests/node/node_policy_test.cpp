// node/node_policy: where a node may listen and what it runs, without a
// network.
#include <catch2/catch.hpp>

#include "node/node_policy.h"
#include "tests/support/test_env.h"

using namespace uet;
using namespace uet::node;

TEST_CASE("node policy: --listen HOST:PORT") {
  node_options o;
  REQUIRE(parse_listen("127.0.0.1:7000", o));
  CHECK(o.host == "127.0.0.1");
  CHECK(o.port == 7000);
  REQUIRE(parse_listen("[::1]:0", o));
  CHECK(o.host == "::1");
  CHECK(o.port == 0);
  for (auto bad : {"7000", ":7000", "host:", "host:70000", "host:7x"}) {
    INFO(bad);
    auto r = parse_listen(bad, o);
    REQUIRE_FALSE(r);
    CHECK(r.kind() == error_kind::bad_input);
    CHECK(r.message().find(bad) != std::string::npos);
  }
}

TEST_CASE("node policy: no listening beyond loopback without all of mutual TLS") {
  test::temp_dir d("uet-node-policy");
  test::write_file(d / "c.pem", "x");
  node_options o;
  CHECK(check_node_options(o)); // 127.0.0.1, no TLS
  o.host = "localhost";
  CHECK(check_node_options(o));
  o.host = "0.0.0.0";
  auto open = check_node_options(o);
  REQUIRE_FALSE(open);
  CHECK(open.message().find("refusing to listen on 0.0.0.0 without mutual TLS") == 0);
  o.tls = {d / "c.pem", d / "c.pem", ""};
  auto half = check_node_options(o);
  REQUIRE_FALSE(half);
  CHECK(half.message().find("all three") != std::string::npos);
  o.tls = {d / "c.pem", d / "c.pem", d / "missing.pem"};
  auto missing = check_node_options(o);
  REQUIRE_FALSE(missing);
  CHECK(missing.message().find("--tls-ca " + (d / "missing.pem").string() + ": no such file") == 0);
  o.tls = {d / "c.pem", d / "c.pem", d / "c.pem"};
  CHECK(check_node_options(o));
  o.slots = 0;
  CHECK_FALSE(check_node_options(o));
}

TEST_CASE("node policy: a tool the node does not list is refused, naming its tools") {
  msg::node_edit_request r;
  r.tool_id = "sh";
  CHECK(refusal("n1", {"script", "sh"}, r).empty());
  r.tool_id = "/bin/rm";
  CHECK(refusal("n1", {"script", "sh"}, r) ==
        "node n1 has no tool '/bin/rm' (its tools.yaml lists: script, sh); a node runs only the "
        "tools it lists itself");
  CHECK(refusal("n1", {}, r).find("lists: none") != std::string::npos);
}
