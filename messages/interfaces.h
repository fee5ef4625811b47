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
/// copy of every event the persistence actor records, with its telemetry
/// line (the JSON form, made once).
using reporter_actor = caf::typed_actor<caf::reacts_to<event, std::string>,
                                        caf::replies_to<sync_atom>::with<std::string>>;

/// The only read-write database connection. Records are fire and forget
/// (batched into one transaction per mailbox drain); sync_atom replies once
/// everything sent before it is durable: "" or the first error the database
/// gave in this run (it stays until the process ends: a run whose record is
/// incomplete must say so). Writes the database refuses for a while
/// (busy, I/O error, disk full) are retried with backoff, then given up:
/// whoever sent watch_atom (the scheduler) hears (stop_atom, why).
using persistence_actor =
    caf::typed_actor<caf::reacts_to<run_opened>, caf::reacts_to<run_state_set>,
                     caf::reacts_to<ws_state_set>, caf::reacts_to<ws_states_set>,
                     caf::reacts_to<step_begun>, caf::reacts_to<step_ended>, caf::reacts_to<event>,
                     caf::reacts_to<patch_created>, caf::reacts_to<patch_state_set>,
                     caf::reacts_to<drain_atom>, caf::replies_to<sync_atom>::with<std::string>,
                     caf::reacts_to<watch_atom>>;

/// The only writer of the integration branch: the gate. A patch_request
/// joins the queue; the ledger answers its sender with patch_news (tests to
/// run, then a verdict) and lands patches in queue order as their tests
/// pass (patch_tested). cancel_atom (the run stops): nothing joins or lands
/// from then on, a verification under way ends, and every queued patch
/// hears `interrupted`.
using ledger_actor = caf::typed_actor<caf::reacts_to<patch_request>, caf::reacts_to<patch_tested>,
                                      caf::reacts_to<cancel_atom>>;

/// The ledger's blocking half (git, its own verification), on its own
/// thread; it answers with the news the front routes to each patch's sender.
using ledger_worker_actor = caf::typed_actor<
    caf::replies_to<patch_request>::with<patch_news_batch>,
    caf::replies_to<patch_tested>::with<patch_news_batch>,
    caf::replies_to<withdraw_atom, std::string, std::string>::with<patch_news_batch>,
    caf::replies_to<cancel_atom>::with<patch_news_batch>>;

/// Runs one workstream attempt's work (worktree, tool, checks): locally on
/// a thread of its own, or (later) on a node. cancel_atom ends what runs.
using adapter_actor = caf::typed_actor<caf::replies_to<edit_request>::with<edit_result>,
                                       caf::replies_to<check_request>::with<check_result>,
                                       caf::reacts_to<cancel_atom>>;

/// A local adapter's blocking half, on its own thread.
using adapter_worker_actor = caf::typed_actor<caf::replies_to<edit_request>::with<edit_result>,
                                              caf::replies_to<check_request>::with<check_result>>;

/// A worker node (`uet-actors node`), published over CAF's networking:
/// hello_atom says what it offers; a node_edit_request whose tool the node
/// does not have is answered with an edit_result naming the tools it has.
using node_actor = caf::typed_actor<caf::replies_to<hello_atom>::with<node_hello>,
                                    caf::replies_to<node_edit_request>::with<edit_result>>;

/// One attempt of one workstream: EDIT -> the ledger's gate -> STATIC ->
/// RUNTIME on the patch's future tree (again after each reset) -> landed.
/// Reports an attempt_outcome to the supervisor that spawned it, then
/// quits. cancel_atom: the run stops; what runs is ended, nothing new starts.
using workstream_actor = caf::typed_actor<caf::reacts_to<start_atom>, caf::reacts_to<cancel_atom>,
                                          caf::reacts_to<patch_news>>;

/// Retries, backoff, circuit breakers, crash detection. ws_speculation: an
/// attempt's patch is in the gate (passed on to the scheduler); reset_atom:
/// the scheduler takes back a dependent it started early (its dependency's
/// patch left the gate), answered to the scheduler with reset_atom once its
/// attempt is gone.
using supervisor_actor =
    caf::typed_actor<caf::reacts_to<ws_job>, caf::reacts_to<attempt_outcome>,
                     caf::reacts_to<retry_atom, ws_job>, caf::reacts_to<stop_atom>,
                     caf::reacts_to<ws_speculation>, caf::reacts_to<reset_atom, std::uint32_t>>;

/// Holds the DAG and the slots; run_atom replies when the run is over.
/// stop_atom: stop the run (Ctrl-C): cancels what runs, starts nothing new;
/// with a reason, the run stops because of it (the database stays
/// unwritable), and the summary says so. ws_speculation: a workstream's
/// patch is in the gate, or left it (its dependents may start early, or
/// must wait again); reset_atom: a dependent taken back waits again.
using scheduler_actor =
    caf::typed_actor<caf::replies_to<run_atom>::with<run_summary>, caf::reacts_to<ws_done>,
                     caf::reacts_to<stop_atom>, caf::reacts_to<stop_atom, std::string>,
                     caf::reacts_to<ws_speculation>, caf::reacts_to<reset_atom, std::uint32_t>>;

} // namespace uet::msg
