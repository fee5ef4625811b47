// What a worker node accepts, as pure functions: where it may listen (a
// non-loopback address only with mutual-TLS material: CAF's BASP
// authenticates nobody, and its TLS without a CA is anonymous), and which
// requests it runs (tools of its own registry only).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.h"
#include "messages/node_messages.h"

namespace uet::node {

struct tls_files {
  std::filesystem::path cert, key, ca;
  bool any() const { return !cert.empty() || !key.empty() || !ca.empty(); }
  bool complete() const { return !cert.empty() && !key.empty() && !ca.empty(); }
};

struct node_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0; ///< 0: the system picks one (printed at start)
  int slots = 1;
  std::filesystem::path tools_file = "tools.yaml";
  std::filesystem::path work_dir = ".uet-node";
  tls_files tls;
  std::string node_id; ///< "": HOSTNAME/PID
  /// BASP heartbeats and the silence after which a peer counts as gone
  /// (CAF's defaults: no heartbeat, no timeout).
  std::chrono::milliseconds heartbeat{1000};
  std::chrono::milliseconds connection_timeout{5000};
};

/// "HOST:PORT" (HOST may be [v6]) into options; bad_input naming the text.
expected<void> parse_listen(const std::string& text, node_options& into);

bool is_loopback(const std::string& host);

/// Refuses what must not start: a non-loopback address without all three
/// TLS files, half a TLS triple, files that are not there, slots < 1.
expected<void> check_node_options(const node_options& o);

/// A node's tools as its messages list them: "a, b", or "none".
std::string tools_listed(const std::vector<std::string>& tools);

/// What a node answers for a base commit it lacks, and whether an answer is
/// that one (the coordinator then sends the whole history as a bundle).
std::string lacks_commit(const std::string& node_id, const std::string& commit);
bool is_lacks_commit(const std::string& error);

/// Why a node refuses a request ("" when it takes it): a tool it does not
/// have is named with the tools it has.
std::string refusal(const std::string& node_id, const std::vector<std::string>& tools,
                    const msg::node_edit_request& r);

} // namespace uet::node
