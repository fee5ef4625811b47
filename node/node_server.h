// A running worker node: its own actor system with CAF's middleman (and
// caf::openssl for mutual TLS), BASP heartbeats and a connection timeout
// set, and the node actor published on the address it was given, and on
// that one only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "base/expected.h"
#include "config/tools.h"
#include "messages/interfaces.h"
#include "messages/node_messages.h"
#include "messages/tool_messages.h"
#include "node/node_policy.h"

namespace uet::node {

/// Both ends' actor system (the middleman, caf::openssl when the TLS files
/// are complete, heartbeat and timeout, the message types) and the node
/// actor it serves or reaches (node_server.cpp).
struct node_runtime;

/// Loads CAF's middleman into cfg, and caf::openssl with the TLS files when
/// they are complete; sets BASP heartbeats and the connection timeout, after
/// which a silent peer counts as gone. Both ends use it (the node, and a run
/// with --nodes).
void enable_networking(caf::actor_system_config& cfg, const tls_files& tls,
                       std::chrono::milliseconds heartbeat, std::chrono::milliseconds timeout);

/// A node reached, and what it offers.
struct reached_node {
  msg::node_actor actor;
  msg::node_hello hello;
};

/// Connects to the node at host:port through sys's middleman (over TLS when
/// tls is complete) and asks its hello. Blocks: not on a scheduler thread.
expected<reached_node> reach_node(caf::actor_system& sys, const std::string& host,
                                  std::uint16_t port, const tls_files& tls);

class node_server {
public:
  /// Checks o (check_node_options), opens the work directory, starts the
  /// system and publishes. tools: the node's own registry.
  static expected<std::unique_ptr<node_server>> start(const node_options& o,
                                                      config::tool_registry tools);
  ~node_server();
  node_server(const node_server&) = delete;
  node_server& operator=(const node_server&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& node_id() const { return node_id_; }

private:
  node_server();
  std::unique_ptr<node_runtime> rt_;
  std::uint16_t port_ = 0;
  std::string node_id_;
};

/// The settings a peer needs to reach a node (the coordinator, the tests):
/// an actor system with the middleman, and caf::openssl when tls is
/// complete, plus the node's message types. Connects and returns the node.
class node_client {
public:
  static expected<std::unique_ptr<node_client>> connect(const std::string& host, std::uint16_t port,
                                                        const tls_files& tls);
  ~node_client();
  node_client(const node_client&) = delete;
  node_client& operator=(const node_client&) = delete;

  expected<msg::node_hello> hello();
  expected<msg::edit_result> edit(const msg::node_edit_request& r);

private:
  node_client();
  std::unique_ptr<node_runtime> rt_;
};

} // namespace uet::node
