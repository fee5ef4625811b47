#include "ledger/patch_state.h"

namespace uet::ledger {

bool is_terminal(patch_state s) {
  return s == patch_state::committed || s == patch_state::quarantined;
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

const char* to_string(patch_state s) {
  switch (s) {
  case patch_state::created:
    return "created";
  case patch_state::validated:
    return "validated";
  case patch_state::queued:
    return "queued";
  case patch_state::applied:
    return "applied";
  case patch_state::verified:
    return "verified";
  case patch_state::committed:
    return "committed";
  case patch_state::quarantined:
    return "quarantined";
  }
  return "?";
}

std::optional<patch_state> parse_patch_state(std::string_view s) {
  for (auto st :
       {patch_state::created, patch_state::validated, patch_state::queued, patch_state::applied,
        patch_state::verified, patch_state::committed, patch_state::quarantined})
    if (s == to_string(st))
      return st;
  return std::nullopt;
}

} // namespace uet::ledger
