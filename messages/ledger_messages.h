// Workstream actor -> patch-ledger actor: one patch to validate, apply,
// verify and commit (or quarantine); the verdict comes back as the reply.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/std_inspect.h"
#include "messages/vocabulary.h"

namespace uet::msg {

struct patch_request {
  std::string run_id;
  std::string workstream_id;
  std::string title;
  std::string patch_id;
  int attempt = 1;
  std::string diff;
  std::vector<std::string> allowed_paths;
  std::vector<std::string> verify_commands;
  std::int64_t verify_timeout_ms = 0;
  std::string verify_log;
  std::map<std::string, std::string> env;
  /// A patch a killed run left in the ledger (validated .. verified), sent
  /// again by `resume` with its stored diff: where it was. The ledger
  /// re-checks it and takes the recovery edge (applied/verified -> queued).
  std::optional<patch_state> resume_from;
};

struct patch_verdict {
  bool empty = false;
  patch_state final_state = patch_state::created; ///< committed or quarantined, unless empty
  std::string commit_sha;
  bool already_committed = false;
  std::string reason;
  std::vector<std::string> details;
  /// The ledger's count of commits made this run, this one included (0: no
  /// new commit). The highest seen names the newest integration head, so a
  /// base commit can be chosen without asking the ledger, whatever order
  /// verdicts arrive in.
  std::uint64_t head_seq = 0;
  /// The run was stopped (Ctrl-C) before the patch could be judged: neither
  /// committed nor quarantined; the workstream is interrupted.
  bool interrupted = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, patch_request& x) {
  return f(caf::meta::type_name("patch_request"), x.run_id, x.workstream_id, x.title, x.patch_id,
           x.attempt, x.diff, x.allowed_paths, x.verify_commands, x.verify_timeout_ms, x.verify_log,
           x.env, x.resume_from);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, patch_verdict& x) {
  return f(caf::meta::type_name("patch_verdict"), x.empty, x.final_state, x.commit_sha,
           x.already_committed, x.reason, x.details, x.head_seq, x.interrupted);
}

} // namespace uet::msg
