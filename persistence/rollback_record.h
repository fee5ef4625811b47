// The database side of `uet-actors rollback` (ledger/rollback.h moves the
// branch first; the branch is the truth): committed patches of the run, and
// of runs after it, that the branch no longer holds become 'rolled_back',
// in one transaction with a `run_rolled_back` event on the run. Running it
// again changes nothing more, so a rollback killed between the branch and
// the database is finished by running it again.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "base/expected.h"
#include "persistence/database.h"

namespace uet::persistence {

struct rolled_back_patch {
  std::string patch_id;
  std::string run_id;
  std::string workstream_id;
};

/// live: the patches the branch still holds (ledger::live_patches). detail:
/// the event's payload (JSON). Returns the patches it moved (none: it was
/// done already, and then no event is written).
expected<std::vector<rolled_back_patch>> record_rollback(database& db, const std::string& run_id,
                                                         const std::set<std::string>& live,
                                                         const std::string& detail);

} // namespace uet::persistence
