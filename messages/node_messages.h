// Coordinator <-> worker node (`uet-actors node`), over CAF's networking
// with mutual TLS. A node runs tools of its own registry (its tools.yaml):
// a request names a tool_id and the prompt, never a command line, so a
// coordinator cannot make a node run a program it did not list.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/tool_messages.h" // patch_limits and its inspect

namespace uet::msg {

/// What a node offers, in answer to hello_atom.
struct node_hello {
  std::string node_id;
  int slots = 1;
  std::vector<std::string> tools; ///< its registry's tool ids, sorted
  std::string version;
  bool mutual_tls = false; ///< it accepts only peers with a certificate from its CA
};

/// One attempt's edit, for a node to run with its own tool `tool_id`.
struct node_edit_request {
  std::string session; ///< the coordinator's run session; a new one drops the old one's work
  std::string run_id;
  std::string workstream_id;
  int attempt = 1;
  std::string tool_id;
  std::string prompt;
  std::string base_commit;
  std::vector<std::string> scope; ///< allowed_paths
  std::int64_t timeout_ms = 0;
  /// A `git bundle` holding base_commit, when the node may not have it
  /// (hello or an earlier answer says what it has); "" otherwise.
  std::string bundle = {};
  /// What the change must pass to become a patch: the workstream's limits
  /// as the coordinator resolved them, not the node's defaults.
  uet::patch_limits admit_limits = {};
  bool allow_submodules = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_hello& x) {
  return f(caf::meta::type_name("node_hello"), x.node_id, x.slots, x.tools, x.version,
           x.mutual_tls);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_edit_request& x) {
  return f(caf::meta::type_name("node_edit_request"), x.session, x.run_id, x.workstream_id,
           x.attempt, x.tool_id, x.prompt, x.base_commit, x.scope, x.timeout_ms, x.bundle,
           x.admit_limits, x.allow_submodules);
}

} // namespace uet::msg
