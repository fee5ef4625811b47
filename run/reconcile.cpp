#include "run/reconcile.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "ledger/patch_state.h"
#include "ledger/patch_store.h"

namespace uet::run {

namespace {

bool finished(const persistence::workstream_row& row) {
  auto s = parse_ws_state(row.state);
  return s == ws_state::committed || s == ws_state::skipped;
}

/// Per workstream, the highest attempt of this run's patches on the branch.
std::unordered_map<std::string, int> attempts_on_branch(const ledger::trailer_index& branch,
                                                        const std::string& run_id) {
  std::unordered_map<std::string, int> out;
  for (const auto& [patch, commits] : branch)
    if (auto id = ledger::parse_patch_id(patch, run_id))
      out[id->workstream_id] = std::max(out[id->workstream_id], id->attempt);
  return out;
}

/// Per workstream, this run's patch of the highest attempt.
std::unordered_map<std::string, resend> last_patches(const resume_record& resume) {
  std::unordered_map<std::string, resend> out;
  for (const auto& [patch_id, row] : resume.patches) {
    auto id = ledger::parse_patch_id(patch_id, resume.run.run_id);
    auto state = parse_patch_state(row.status);
    if (!id || !state)
      continue;
    auto& best = out[id->workstream_id];
    if (best.patch_id.empty() || id->attempt > best.attempt)
      best = resend{0, id->attempt, patch_id, *state};
  }
  return out;
}

} // namespace

reconciliation reconcile(const resume_record& resume, const ledger::trailer_index& branch,
                         const std::vector<std::string>& node_ids) {
  reconciliation r;
  const auto on_branch = attempts_on_branch(branch, resume.run.run_id);
  const auto patches = last_patches(resume);
  r.prior_attempts.assign(node_ids.size(), 0);
  for (std::uint32_t i = 0; i < node_ids.size(); ++i) {
    const auto& id = node_ids[i];
    auto row = resume.workstreams.find(id);
    bool have_row = row != resume.workstreams.end();
    auto branch_it = on_branch.find(id);
    int branch_n = branch_it == on_branch.end() ? 0 : branch_it->second;
    r.prior_attempts[i] = std::max(have_row ? row->second.attempts : 0, branch_n);
    if (have_row && finished(row->second)) {
      r.already_committed.push_back(i);
      if (parse_ws_state(row->second.state) == ws_state::skipped)
        r.already_skipped.push_back(i);
    } else if (branch_n > 0) {
      r.already_committed.push_back(i);
      r.found_on_branch.push_back(i);
    } else if (auto p = patches.find(id); p != patches.end() &&
                                          !ledger::is_terminal(p->second.state) &&
                                          p->second.attempt >= r.prior_attempts[i]) {
      auto again = p->second;
      again.node = i;
      r.resubmit.push_back(std::move(again));
    }
  }
  std::set<std::string> present(node_ids.begin(), node_ids.end());
  for (const auto& [id, row] : resume.workstreams)
    if (!present.count(id) && !finished(row))
      r.gone.push_back(id + " (" + row.state + ")");
  return r;
}

} // namespace uet::run
