// Resume, reconciled: what the database says about an interrupted run
// against what its integration branch holds. The branch wins: a run killed
// between `git commit` and the database update is committed all the same
// (exactly once), and attempt numbers continue after the highest either
// side has seen, so no new attempt reuses a patch id. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/integration.h"
#include "messages/vocabulary.h"
#include "run/run_plan.h"

namespace uet::run {

/// A patch the killed run left in the ledger (created .. verified), not on
/// the branch, of the workstream's last attempt: sent again, not re-made.
struct resend {
  std::uint32_t node = 0;
  int attempt = 1;
  std::string patch_id;
  patch_state state = patch_state::queued;
};

struct reconciliation {
  std::vector<int> prior_attempts;              ///< per node
  std::vector<std::uint32_t> already_committed; ///< done before: committed or skipped
  std::vector<std::uint32_t> already_skipped;   ///< of those, the skipped
  std::vector<std::uint32_t> found_on_branch;   ///< committed on the branch, not in the database
  std::vector<resend> resubmit;
  /// "id (state)" of each unfinished workstream the run no longer selects:
  /// resuming without them would report the run as succeeded.
  std::vector<std::string> gone;
};

/// node_ids: the plan's workstreams, in node order.
reconciliation reconcile(const resume_record& resume, const ledger::trailer_index& branch,
                         const std::vector<std::string>& node_ids);

} // namespace uet::run
