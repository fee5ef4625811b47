// Workstream actor <-> adapter actor: run the tool in the workstream's
// worktree and capture its change; run acceptance checks in that worktree.
// Everything a remote node would need travels in the message (argv already
// templated, the base commit), nothing by reference. A `cancel_atom` to the
// adapter ends what it is running (its process groups) as Ctrl-C does.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "base/patch_limits.h"
#include "base/resource_limits.h"
#include "base/sandbox_policy.h"
#include "messages/vocabulary.h"

namespace uet {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, resource_limits& x) {
  return f(caf::meta::type_name("resource_limits"), x.cpu_s, x.address_space_mb, x.file_size_mb,
           x.open_files);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, patch_limits& x) {
  return f(caf::meta::type_name("patch_limits"), x.max_bytes, x.max_files, x.max_file_bytes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sandbox_policy& x) {
  return f(caf::meta::type_name("sandbox_policy"), x.mode, x.write);
}

} // namespace uet

namespace uet::msg {

struct edit_request {
  std::string run_id;
  std::string workstream_id;
  int attempt = 1;
  std::string base_commit;       ///< the worktree starts here
  std::vector<std::string> argv; ///< placeholders already substituted
  std::map<std::string, std::string> env;
  std::int64_t timeout_ms = 0;
  std::string log_path; ///< the EDIT step log
  std::int64_t max_output_bytes = 16 << 20;
  resource_limits limits; ///< set before the tool's first instruction
  /// What the captured change must pass to become a patch, and where its
  /// diff is written (ledger/patch_admission.h, admission_rules).
  uet::patch_limits admit_limits;
  bool allow_submodules = false;
  std::string diff_spill;
  std::string diff_keep;       ///< where a diff past 1 MiB is left (the ledger's patches/<id>.diff)
  sandbox_policy sandbox = {}; ///< where the tool may write (ledger/tool_sandbox.h)
  /// What a node needs to build the command from its own registry (a node
  /// never runs argv it is sent): the tool, the prompt, the scope.
  std::string tool_id = {};
  std::string prompt = {};
  std::vector<std::string> scope = {};
};

struct edit_result {
  bool worktree_ok = false; ///< false: git failed before the tool ran (see error)
  bool started = false;     ///< the tool process started
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;
  bool cancelled = false;
  std::int64_t elapsed_ms = 0;
  std::string description; ///< "exit code 3", "timed out after 5 s", ...
  std::string error;       ///< worktree or capture failure
  std::string diff;        ///< the change, empty when nothing changed
  /// The tool did what no retry may undo (wrote into the repository's git
  /// directory): the attempt is quarantined with this reason.
  std::string refused;
  std::string diff_file = {}; ///< or, past 1 MiB, the file holding the change (diff empty)
  std::string tail = {};      ///< a failed tool's last lines of output
  /// The worker node that ran it was lost (killed, disconnected, silent)
  /// before it answered: no verdict on the tool; the attempt runs again
  /// elsewhere without spending a retry.
  std::string lost_node = {};
  /// The tree the change makes on the attempt's base (its worktree's index
  /// after the capture), when known; "" from a worker node, whose objects
  /// this repository lacks.
  std::string result_tree = {};
  /// The tool itself succeeded (what its circuit breaker counts), whatever
  /// git did around it.
  bool tool_ok() const {
    return started && exit_code == 0 && signal == 0 && !timed_out && !cancelled;
  }
  /// The tool ran, so its breaker has a call to count: not when git failed
  /// before it, nor when Ctrl-C ended it.
  bool tool_called() const { return worktree_ok && !cancelled; }
  bool ok() const { return worktree_ok && tool_ok() && error.empty() && refused.empty(); }
};

struct check_request {
  step_kind step = step_kind::static_checks;
  std::vector<std::string> commands;
  std::map<std::string, std::string> env;
  std::int64_t timeout_ms = 0;
  std::string log_path;
  /// The commit they test (the patch's future tree; "": the worktree as it
  /// is), and whether the worktree must be made a checkout of it first
  /// (else it holds that tree already: the change just captured, on the
  /// base the commit was made on).
  std::string commit;
  bool check_out = false;
  sandbox_policy sandbox = {}; ///< the tool's: the commands run as confined as it
};

struct check_result {
  bool passed = false;
  int exit_code = 0;
  std::string failed_command;
  std::string reason;
  bool cancelled = false; ///< ended by cancel_atom: no verdict on the change
  std::string tail = {};  ///< the failing command's last lines of output
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, edit_request& x) {
  return f(caf::meta::type_name("edit_request"), x.run_id, x.workstream_id, x.attempt,
           x.base_commit, x.argv, x.env, x.timeout_ms, x.log_path, x.max_output_bytes, x.limits,
           x.admit_limits, x.allow_submodules, x.diff_spill, x.diff_keep, x.sandbox, x.tool_id,
           x.prompt, x.scope);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, edit_result& x) {
  return f(caf::meta::type_name("edit_result"), x.worktree_ok, x.started, x.exit_code, x.signal,
           x.timed_out, x.cancelled, x.elapsed_ms, x.description, x.error, x.diff, x.refused,
           x.diff_file, x.tail, x.lost_node, x.result_tree);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, check_request& x) {
  return f(caf::meta::type_name("check_request"), x.step, x.commands, x.env, x.timeout_ms,
           x.log_path, x.commit, x.check_out, x.sandbox);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, check_result& x) {
  return f(caf::meta::type_name("check_result"), x.passed, x.exit_code, x.failed_command, x.reason,
           x.cancelled, x.tail);
}

} // namespace uet::msg
