// The run's closed sets: each name parses back to its value, and nothing else
// parses. The names are SPEC §3's (the database's CHECK lists use them).
#include <catch2/catch.hpp>

#include "base/exit_code.h"
#include "messages/vocabulary.h"
#include "persistence/state_reader.h"

using namespace uet;

namespace {

template <class E, class Parse>
void round_trips(E first, E last, Parse parse) {
  for (auto i = static_cast<int>(first); i <= static_cast<int>(last); ++i) {
    auto v = static_cast<E>(i);
    INFO(to_string(v));
    REQUIRE(parse(to_string(v)));
    CHECK(*parse(to_string(v)) == v);
  }
  CHECK_FALSE(parse(""));
  CHECK_FALSE(parse("Committed"));
}

} // namespace

TEST_CASE("vocabulary: every state, step and engine name parses back to itself") {
  round_trips(engine_kind::uet, engine_kind::legacy, parse_engine_kind);
  round_trips(run_state::pending, run_state::interrupted, parse_run_state);
  round_trips(ws_state::pending, ws_state::skipped, parse_ws_state);
  round_trips(step_kind::edit, step_kind::runtime, parse_step_kind);
  round_trips(step_state::running, step_state::cancelled, parse_step_state);
  round_trips(patch_state::created, patch_state::quarantined, parse_patch_state);
  CHECK(std::string(to_string(step_kind::static_checks)) == "static");
  CHECK(std::string(to_string(breaker_state::half_open)) == "half_open");
}

TEST_CASE("vocabulary: the database accepts exactly the states the vocabulary names") {
  CHECK(persistence::workstream_states() == std::vector<std::string>{"pending", "ready", "running",
                                                                     "committed", "quarantined",
                                                                     "blocked", "skipped"});
  CHECK(persistence::run_states() ==
        std::vector<std::string>{"pending", "running", "succeeded", "failed", "interrupted"});
  CHECK(persistence::patch_statuses().size() == 8);
}

TEST_CASE("vocabulary: a workstream's end is a state, interrupted going back to pending") {
  CHECK(state_of(ws_end::committed) == ws_state::committed);
  CHECK(state_of(ws_end::skipped) == ws_state::skipped);
  CHECK(state_of(ws_end::quarantined) == ws_state::quarantined);
  CHECK(state_of(ws_end::interrupted) == ws_state::pending);
}

TEST_CASE("vocabulary: a run's target is its phase id and back, dots and colons kept") {
  run_target one{run_target::kind::workstream, "a.b:c"};
  CHECK(one.to_phase_id() == "workstream:a.b:c");
  CHECK(run_target::parse(one.to_phase_id()) == one);
  run_target phase{run_target::kind::phase, "phase-all"};
  CHECK(run_target::parse("phase-all") == phase);
}

TEST_CASE("errors: each kind maps to its exit code in one place") {
  CHECK(exit_code_for(error_kind::bad_input) == exit_code::bad_input);
  for (auto k : {error_kind::internal, error_kind::busy, error_kind::io, error_kind::git,
                 error_kind::conflict})
    CHECK(exit_code_for(k) == exit_code::internal);
  auto f = fail(error_kind::git, "git log failed").context("resume: ");
  CHECK(f.kind == error_kind::git);
  CHECK(f.message == "resume: git log failed");
}
