// Every type that crosses an actor boundary, registered once (CAF 0.17.6
// type-ID block; the actor system config loads it with
// add_message_types<caf::id_block::uet_actors>()).
#pragma once

#include <caf/atom.hpp>
#include <caf/type_id.hpp>

#include "messages/ledger_messages.h"
#include "messages/persistence_messages.h"
#include "messages/run_messages.h"
#include "messages/tool_messages.h"

CAF_BEGIN_TYPE_ID_BLOCK(uet_actors, caf::first_custom_type_id)

CAF_ADD_TYPE_ID(uet_actors, (uet::msg::ws_job))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::ws_outcome))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::run_summary))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::edit_request))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::edit_result))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::check_request))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::check_result))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::patch_request))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::patch_verdict))
CAF_ADD_TYPE_ID(uet_actors, (uet::persistence::run_started))
CAF_ADD_TYPE_ID(uet_actors, (uet::persistence::run_state_changed))
CAF_ADD_TYPE_ID(uet_actors, (uet::persistence::workstream_state_changed))
CAF_ADD_TYPE_ID(uet_actors, (uet::persistence::step_started))
CAF_ADD_TYPE_ID(uet_actors, (uet::persistence::step_finished))
CAF_ADD_TYPE_ID(uet_actors, (uet::persistence::event_appended))
CAF_ADD_TYPE_ID(uet_actors, (uet::persistence::patch_recorded))
CAF_ADD_TYPE_ID(uet_actors, (uet::persistence::patch_status_changed))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::workstream_states))

CAF_END_TYPE_ID_BLOCK(uet_actors)

// Atoms (CAF 0.17: at most 10 characters, all prefixed so that none equals a
// CAF built-in atom by accident).
CAF_ADD_ATOM(uet_actors, uet::msg, run_atom, "uet_run")
CAF_ADD_ATOM(uet_actors, uet::msg, stop_atom, "uet_stop")
CAF_ADD_ATOM(uet_actors, uet::msg, start_atom, "uet_start")
CAF_ADD_ATOM(uet_actors, uet::msg, drain_atom, "uet_drain")
CAF_ADD_ATOM(uet_actors, uet::msg, sync_atom, "uet_sync")
CAF_ADD_ATOM(uet_actors, uet::msg, retry_atom, "uet_retry")
