#include "ledger/patch_state.h"

namespace uet::ledger {

bool is_terminal(patch_state s) {
  return s == patch_state::committed || s == patch_state::quarantined ||
         s == patch_state::rolled_back;
}

bool can_transition(patch_state from, patch_state to) {
  if (is_terminal(from))
    return false;
  if (to == patch_state::quarantined)
    return true;
  switch (from) {
  case patch_state::created:
    return to == patch_state::validated;
  case patch_state::validated:
    return to == patch_state::queued;
  case patch_state::queued:
    return to == patch_state::applied;
  case patch_state::applied:
    return to == patch_state::verified || to == patch_state::queued;
  case patch_state::verified:
    return to == patch_state::committed || to == patch_state::queued;
  default:
    return false;
  }
}

} // namespace uet::ledger
