// What `--inject` did to a run, read from its events: per site:kind, how
// many faults fell and what the run made of them (the workstream retried and
// committed, went on and committed anyway, was quarantined, or the run
// stopped first), plus the breakers that opened and the workstreams blocked.
// Pure: the caller reads the events.
#pragma once

#include <string>
#include <vector>

#include "persistence/state_reader.h"

namespace uet::run {

struct fault_tally {
  std::string fault; ///< "adapter:crash"
  int injected = 0;
  int recovered = 0;   ///< its attempt failed, a later one committed
  int absorbed = 0;    ///< its attempt went on and committed (or changed nothing)
  int quarantined = 0; ///< its workstream ended quarantined
  int unfinished = 0;  ///< its workstream had not ended when the run did
  int retried = 0;     ///< no workstream's (a database commit, a git command): tried again
};

struct fault_report {
  std::vector<fault_tally> faults; ///< in order of first appearance
  int breakers_opened = 0;
  int blocked = 0; ///< workstreams blocked by a dependency that failed
  bool empty() const { return faults.empty(); }
};

fault_report tally_faults(const std::vector<persistence::event_row>& events);

/// "adapter:crash x5: 4 recovered by a retry, 1 quarantined", one per fault,
/// then the breakers and blocked workstreams.
std::vector<std::string> fault_lines(const fault_report& r);

} // namespace uet::run
