// reconcile: an interrupted run's rows against its integration branch. Pure.
#include <catch2/catch.hpp>

#include "run/reconcile.h"

using namespace uet;

namespace {

run::resume_record record() {
  run::resume_record r;
  r.run.run_id = "run-1";
  r.run.state = "running";
  auto row = [&](const std::string& id, const std::string& state, int attempts) {
    persistence::workstream_row w;
    w.run_id = "run-1";
    w.workstream_id = id;
    w.state = state;
    w.attempts = attempts;
    r.workstreams[id] = w;
  };
  row("done", "committed", 1);
  row("noop", "skipped", 1);
  row("killed-after-commit", "running", 1);
  row("in-ledger", "running", 2);
  row("retrying", "ready", 3);
  row("waiting", "pending", 0);
  r.patches["run-1.killed-after-commit.1"] = {"verified", std::nullopt};
  r.patches["run-1.in-ledger.1"] = {"quarantined", std::nullopt};
  r.patches["run-1.in-ledger.2"] = {"applied", std::nullopt};
  r.patches["run-1.retrying.2"] = {"queued", std::nullopt}; // an older attempt's
  r.patches["run-0.waiting.1"] = {"queued", std::nullopt};  // another run's
  return r;
}

const std::vector<std::string> nodes{"done",      "noop",     "killed-after-commit",
                                     "in-ledger", "retrying", "waiting"};

} // namespace

TEST_CASE("reconcile: done rows stay done, the branch's commits count as done") {
  ledger::trailer_index branch{{"run-1.killed-after-commit.1", {"c1"}}, {"run-0.done.4", {"c0"}}};
  auto r = run::reconcile(record(), branch, nodes);
  CHECK(r.already_committed == std::vector<std::uint32_t>{0, 1, 2});
  CHECK(r.already_skipped == std::vector<std::uint32_t>{1});
  CHECK(r.found_on_branch == std::vector<std::uint32_t>{2});
  CHECK(r.gone.empty());
}

TEST_CASE("reconcile: attempt numbers continue after the highest the rows or the branch saw") {
  ledger::trailer_index branch{{"run-1.waiting.5", {"c5"}}};
  auto r = run::reconcile(record(), branch, nodes);
  CHECK(r.prior_attempts == std::vector<int>{1, 1, 1, 2, 3, 5});
}

TEST_CASE("reconcile: a last attempt's patch left in the ledger is sent again, no other") {
  auto r = run::reconcile(record(), {}, nodes);
  REQUIRE(r.resubmit.size() == 2);
  CHECK(r.resubmit[0].node == 2);
  CHECK(r.resubmit[0].state == patch_state::verified);
  CHECK(r.resubmit[1].node == 3);
  CHECK(r.resubmit[1].attempt == 2);
  CHECK(r.resubmit[1].patch_id == "run-1.in-ledger.2");
  CHECK(r.resubmit[1].state == patch_state::applied);
  // retrying's queued patch is attempt 2 of 3: attempt 3 superseded it.
}

TEST_CASE("reconcile: unfinished workstreams no longer selected are named") {
  auto r = run::reconcile(record(), {}, {"done", "noop", "in-ledger"});
  CHECK(r.gone == std::vector<std::string>{"killed-after-commit (running)", "retrying (ready)",
                                           "waiting (pending)"});
}
