// Every type that crosses an actor boundary, registered once (CAF 0.17.6
// type-ID block; the actor system config loads it with
// add_message_types<caf::id_block::uet_actors>()).
#pragma once

#include <caf/atom.hpp>
#include <caf/type_id.hpp>

#include "messages/events.h"
#include "messages/ledger_messages.h"
#include "messages/node_messages.h"
#include "messages/record_messages.h"
#include "messages/run_messages.h"
#include "messages/tool_messages.h"

CAF_BEGIN_TYPE_ID_BLOCK(uet_actors, caf::first_custom_type_id)

// scheduler, supervisor, workstream
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::ws_job))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::attempt_outcome))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::ws_done))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::ws_speculation))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::run_summary))
// adapter
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::edit_request))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::edit_result))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::check_request))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::check_result))
// patch ledger
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::patch_request))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::patch_news))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::patch_tested))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::patch_news_batch))
// persistence, reporter
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::run_opened))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::run_state_set))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::ws_state_set))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::ws_states_set))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::step_begun))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::step_ended))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::event))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::patch_created))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::patch_state_set))
// worker node
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::node_hello))
CAF_ADD_TYPE_ID(uet_actors, (uet::msg::node_edit_request))

CAF_END_TYPE_ID_BLOCK(uet_actors)

// Atoms (CAF 0.17: at most 10 characters, all prefixed so that none equals a
// CAF built-in atom by accident), grouped by the actor they address.
// scheduler
CAF_ADD_ATOM(uet_actors, uet::msg, run_atom, "uet_run")
CAF_ADD_ATOM(uet_actors, uet::msg, stop_atom, "uet_stop")
// supervisor
CAF_ADD_ATOM(uet_actors, uet::msg, retry_atom, "uet_retry")
// scheduler <-> supervisor: a dependent started early goes back to waiting
CAF_ADD_ATOM(uet_actors, uet::msg, reset_atom, "uet_reset")
// workstream
CAF_ADD_ATOM(uet_actors, uet::msg, start_atom, "uet_start")
// workstream, adapter, patch ledger
CAF_ADD_ATOM(uet_actors, uet::msg, cancel_atom, "uet_cancel")
// patch ledger's worker
CAF_ADD_ATOM(uet_actors, uet::msg, withdraw_atom, "uet_wdraw")
// persistence, reporter
CAF_ADD_ATOM(uet_actors, uet::msg, drain_atom, "uet_drain")
CAF_ADD_ATOM(uet_actors, uet::msg, sync_atom, "uet_sync")
CAF_ADD_ATOM(uet_actors, uet::msg, watch_atom, "uet_watch")
// worker node
CAF_ADD_ATOM(uet_actors, uet::msg, hello_atom, "uet_hello")
