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
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace uet::ledger {

enum class patch_state { created, validated, queued, applied, verified, committed, quarantined };

bool can_transition(patch_state from, patch_state to);
bool is_terminal(patch_state s);

const char* to_string(patch_state s);
std::optional<patch_state> parse_patch_state(std::string_view s);

} // namespace uet::ledger
