// Workstream actor <-> patch-ledger actor (the gate, ledger/patch_pipeline.h).
// A workstream sends its patch (patch_request); the ledger answers with
// patch_news, as many as it takes: `test` (check out this speculative
// commit and run the acceptance there), again after a reset, then a final
// one (committed, refused, failed, conflict, interrupted). The workstream
// reports each test (patch_tested) with the epoch it tested.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/std_inspect.h"
#include "messages/tool_messages.h"
#include "messages/vocabulary.h"

namespace uet::msg {

struct patch_request {
  std::string run_id;
  std::string workstream_id;
  std::string title;
  std::string patch_id;
  int attempt = 1;
  std::string diff;
  std::string diff_file; ///< or the diff in this file (a big one), diff empty
  std::vector<std::string> allowed_paths;
  std::vector<std::string> verify_commands; ///< for verify: always (the ledger runs them too)
  std::int64_t verify_timeout_ms = 0;
  std::string verify_log;
  std::map<std::string, std::string> env;
  bool verify_always = false;
  /// A patch a killed run left in the ledger (created .. verified), sent
  /// again by `resume` with its stored diff: where it was. The ledger
  /// re-checks it and takes the recovery edge (applied/verified -> queued).
  std::optional<patch_state> resume_from;
  sandbox_policy sandbox = {}; ///< the tool's: verify: always runs as confined as it
  std::string input = {};      ///< the workstream's input fingerprint (UET-Input trailer)
  /// The commit the diff was made on and the tree it made there, when the
  /// edit step knows them (ledger::patch_submission).
  std::string base_commit = {};
  std::string result_tree = {};
  /// Its dependencies' patches it was made on, still in the gate
  /// (ledger::patch_submission::after).
  std::vector<std::string> after = {};
};

struct patch_news {
  std::string patch_id;
  gate_news_kind kind = gate_news_kind::empty;
  std::string commit; ///< test: the speculative commit; committed: the commit
  std::string parent; ///< test: what the patch was applied on
  std::uint64_t epoch = 0;
  bool already_committed = false;
  std::string reason;
  std::vector<std::string> details;
  /// committed: the ledger's count of commits made this run, this one
  /// included. The highest seen names the newest integration head, so a
  /// base commit can be chosen without asking the ledger, whatever order
  /// news arrive in.
  std::uint64_t head_seq = 0;
  std::uint64_t order = 0; ///< test: the patch's join order in the gate
};

struct patch_tested {
  std::string patch_id;
  std::uint64_t epoch = 0;
  bool passed = false;
  std::string reason;
  std::string failed_command;
  std::string tested_by; ///< the step attempt whose commands passed ("" for none)
};

/// What the ledger's worker hands its front for routing.
struct patch_news_batch {
  std::vector<patch_news> news;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, patch_request& x) {
  return f(caf::meta::type_name("patch_request"), x.run_id, x.workstream_id, x.title, x.patch_id,
           x.attempt, x.diff, x.diff_file, x.allowed_paths, x.verify_commands, x.verify_timeout_ms,
           x.verify_log, x.env, x.verify_always, x.resume_from, x.sandbox, x.input, x.base_commit,
           x.result_tree, x.after);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, patch_news& x) {
  return f(caf::meta::type_name("patch_news"), x.patch_id, x.kind, x.commit, x.parent, x.epoch,
           x.already_committed, x.reason, x.details, x.head_seq, x.order);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, patch_tested& x) {
  return f(caf::meta::type_name("patch_tested"), x.patch_id, x.epoch, x.passed, x.reason,
           x.failed_command, x.tested_by);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, patch_news_batch& x) {
  return f(caf::meta::type_name("patch_news_batch"), x.news);
}

} // namespace uet::msg
