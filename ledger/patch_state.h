// The patch state machine (SPEC §3 patch_ledger.status):
//
//   created -> validated -> queued -> applied -> verified -> committed
//      \___________\__________\_________\__________\-----> quarantined
//
// plus one recovery edge: applied or verified -> queued, taken only when a
// restarted ledger has reset the integration tree and found no commit for the
// patch (the crash came before `git commit`), so it must be applied again.
// committed and quarantined are terminal. Anything else is illegal and is
// refused, so a bug cannot, say, commit a patch that was never verified.
// The states themselves are the run's vocabulary (messages/vocabulary.h).
#pragma once

#include "messages/vocabulary.h"

namespace uet::ledger {

using uet::parse_patch_state;
using uet::patch_state;
using uet::to_string;

bool can_transition(patch_state from, patch_state to);
bool is_terminal(patch_state s);

} // namespace uet::ledger
