// The typed interface of every actor (ARCHITECTURE.md "Actors and their
// messages"): the whole protocol in one place. A handler signature that does
// not match its interface fails to compile.
#pragma once

#include <string>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/type_ids.h"

namespace uet::msg {

/// Shows a run to its user (progress line, plain lines or JSON): receives a
/// copy of every event the persistence actor records.
using reporter_actor = caf::typed_actor<caf::reacts_to<persistence::event_appended>,
                                        caf::replies_to<sync_atom>::with<std::string>>;

/// The only read-write database connection. Write commands are fire and
/// forget (batched into one transaction per mailbox drain); sync_atom replies
/// once everything sent before it is durable: "" or the error text.
using persistence_actor = caf::typed_actor<
    caf::reacts_to<persistence::run_started>, caf::reacts_to<persistence::run_state_changed>,
    caf::reacts_to<persistence::workstream_state_changed>, caf::reacts_to<workstream_states>,
    caf::reacts_to<persistence::step_started>, caf::reacts_to<persistence::step_finished>,
    caf::reacts_to<persistence::event_appended>, caf::reacts_to<persistence::patch_recorded>,
    caf::reacts_to<persistence::patch_status_changed>, caf::reacts_to<drain_atom>,
    caf::replies_to<sync_atom>::with<std::string>>;

/// The only writer of the integration branch: one patch at a time. Its
/// verdicts carry the new head (commit_sha, head_seq), where new worktrees
/// start.
using ledger_actor = caf::typed_actor<caf::replies_to<patch_request>::with<patch_verdict>>;

/// Runs one workstream attempt's blocking work (worktree, tool, checks) on
/// its own thread; removes its worktree when it exits.
using adapter_actor = caf::typed_actor<caf::replies_to<edit_request>::with<edit_result>,
                                       caf::replies_to<check_request>::with<check_result>>;

/// One attempt of one workstream: EDIT -> STATIC -> RUNTIME -> ledger.
/// Reports a ws_outcome to the supervisor that spawned it, then quits.
using workstream_actor = caf::typed_actor<caf::reacts_to<start_atom>>;

/// Retries, backoff, circuit breakers, crash detection.
using supervisor_actor =
    caf::typed_actor<caf::reacts_to<ws_job>, caf::reacts_to<ws_outcome>,
                     caf::reacts_to<retry_atom, ws_job>, caf::reacts_to<stop_atom>>;

/// Holds the DAG and the slots; run_atom replies when the run is over.
using scheduler_actor = caf::typed_actor<caf::replies_to<run_atom>::with<run_summary>,
                                         caf::reacts_to<ws_outcome>, caf::reacts_to<stop_atom>>;

} // namespace uet::msg
