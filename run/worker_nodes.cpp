#include "run/worker_nodes.h"

#include <algorithm>

#include "node/node_server.h"

namespace uet::run {

expected<void> check_node_addresses(const std::vector<std::string>& addresses,
                                    const node::tls_files& tls) {
  if (tls.any() && !tls.complete())
    return fail(error_kind::bad_input,
                "--tls-cert, --tls-key and --tls-ca go together: give all three or none");
  std::set<std::string> seen;
  for (const auto& a : addresses) {
    node::node_options o;
    if (auto ok = node::parse_listen(a, o); !ok)
      return fail(error_kind::bad_input, "--nodes: " + ok.message());
    if (o.port == 0)
      return fail(error_kind::bad_input, "--nodes: " + a + " has no port");
    if (!seen.insert(o.host + ":" + std::to_string(o.port)).second)
      return fail(error_kind::bad_input, "--nodes: " + a + " is named twice");
    if (!node::is_loopback(o.host) && !tls.complete())
      return fail(error_kind::bad_input,
                  "--nodes: " + a +
                      " is not a loopback address: reaching it needs mutual TLS (--tls-cert, "
                      "--tls-key, --tls-ca; see 'uet-actors node gen-certs')");
  }
  return {};
}

expected<std::vector<actors::remote_node>> reach_nodes(caf::actor_system& sys,
                                                       const std::vector<std::string>& addresses,
                                                       const node::tls_files& tls,
                                                       const std::set<std::string>& tools) {
  std::vector<actors::remote_node> out;
  std::set<std::string> ids;
  for (const auto& a : addresses) {
    node::node_options o;
    (void)node::parse_listen(a, o); // check_node_addresses read it already
    auto reached = node::reach_node(sys, o.host, o.port, tls);
    if (!reached)
      return reached.error();
    const auto& hello = reached->hello;
    for (const auto& t : tools)
      if (!std::binary_search(hello.tools.begin(), hello.tools.end(), t))
        return fail(
            error_kind::bad_input,
            "node " + hello.node_id + " (" + a + ") has no tool '" + t +
                "', which this run uses; its tools.yaml lists: " + node::tools_listed(hello.tools));
    if (!ids.insert(hello.node_id).second)
      return fail(error_kind::bad_input,
                  "two nodes answer as " + hello.node_id + " (give each its own --id)");
    out.push_back(actors::remote_node{a, reached->actor, hello});
  }
  return out;
}

} // namespace uet::run
