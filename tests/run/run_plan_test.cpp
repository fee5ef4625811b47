// resolve_run: what a request and (on resume) the database's record become.
// Pure: no files, no processes.
#include <catch2/catch.hpp>

#include "run/run_plan.h"

using namespace uet;

namespace {

config::project_bundle bundle() {
  config::project_bundle b;
  b.config = config::default_project("/p");
  b.config.max_workers = 3;
  for (const auto* id : {"a", "b", "c"}) {
    config::workstream_spec ws;
    ws.id = id;
    ws.tool_id = "sh";
    ws.phase = std::string(id) == "c" ? "late" : "";
    b.workstreams.push_back(ws);
  }
  b.workstreams[1].dependencies = {"a"};
  b.config.phases["early"] = {"a", "b"};
  return b;
}

run::resume_record record(const std::string& phase_id, const std::string& engine,
                          const std::string& options) {
  run::resume_record r;
  r.run.run_id = "run-old";
  r.run.phase_id = phase_id;
  r.run.engine = engine;
  r.run.state = "interrupted";
  r.run.options_json = options;
  return r;
}

run::run_request all() {
  run::run_request r;
  r.target = {run_target::kind::phase, "phase-all"};
  return r;
}

} // namespace

TEST_CASE("run plan: phase-all selects every workstream with the project's defaults") {
  auto p = run::resolve_run(all(), bundle(), nullptr, "run-new", 42);
  REQUIRE(p);
  CHECK(p->run_id == "run-new");
  CHECK_FALSE(p->resumed);
  CHECK(p->ids == std::vector<std::string>{"a", "b", "c"});
  CHECK(p->selects_all);
  CHECK(p->engine == engine_kind::uet);
  CHECK(p->parallel == 3);
  CHECK(p->seed == 42);
  CHECK_FALSE(p->dry_run);
}

TEST_CASE("run plan: the legacy engine runs one at a time whatever --parallel says") {
  auto req = all();
  req.parallel = 8;
  req.engine = engine_kind::legacy;
  auto p = run::resolve_run(req, bundle(), nullptr, "r", 1);
  REQUIRE(p);
  CHECK(p->parallel == 1);
}

TEST_CASE("run plan: a named phase and a single workstream select their own") {
  run::run_request req;
  req.target = {run_target::kind::phase, "late"};
  auto late = run::resolve_run(req, bundle(), nullptr, "r", 1);
  REQUIRE(late);
  CHECK(late->ids == std::vector<std::string>{"c"});
  CHECK_FALSE(late->selects_all);
  req.target = {run_target::kind::workstream, "b"};
  auto one = run::resolve_run(req, bundle(), nullptr, "r", 1);
  REQUIRE(one);
  CHECK(one->ids == std::vector<std::string>{"b"});
  CHECK(one->target.to_phase_id() == "workstream:b");
}

TEST_CASE("run plan: an unknown phase or workstream is bad input naming it") {
  run::run_request req;
  req.target = {run_target::kind::phase, "nope"};
  auto phase = run::resolve_run(req, bundle(), nullptr, "r", 1);
  REQUIRE_FALSE(phase);
  CHECK(phase.kind() == error_kind::bad_input);
  CHECK(phase.message().find("unknown phase 'nope'") != std::string::npos);
  req.target = {run_target::kind::workstream, "zz"};
  auto ws = run::resolve_run(req, bundle(), nullptr, "r", 1);
  REQUIRE_FALSE(ws);
  CHECK(ws.kind() == error_kind::bad_input);
  CHECK(ws.message().find("no workstream 'zz'") != std::string::npos);
}

TEST_CASE("run plan: resume takes the run's target and options, the request's own flags win") {
  auto r = record("workstream:b", "uet", R"({"parallel":2,"dry_run":true,"seed":7})");
  run::run_request req;
  req.resume = "";
  req.target = {run_target::kind::phase, "ignored"};
  auto p = run::resolve_run(req, bundle(), &r, "run-new", 1);
  REQUIRE(p);
  CHECK(p->run_id == "run-old");
  CHECK(p->resumed);
  CHECK(p->target == run_target{run_target::kind::workstream, "b"});
  CHECK(p->parallel == 2);
  CHECK(p->dry_run);
  CHECK(p->seed == 7);
  req.parallel = 5;
  req.seed = 9;
  auto own = run::resolve_run(req, bundle(), &r, "run-new", 1);
  REQUIRE(own);
  CHECK(own->parallel == 5);
  CHECK(own->seed == 9);
}

TEST_CASE("run plan: a resumed run whose engine this build does not know is bad input") {
  auto r = record("phase-all", "quantum", "{}");
  auto p = run::resolve_run({}, bundle(), &r, "r", 1);
  REQUIRE_FALSE(p);
  CHECK(p.kind() == error_kind::bad_input);
  CHECK(p.message().find("'quantum'") != std::string::npos);
}

TEST_CASE("run plan: options are stored as the JSON resume reads back") {
  auto p = run::resolve_run(all(), bundle(), nullptr, "r", 11);
  REQUIRE(p);
  auto r = record("phase-all", "uet", run::options_json(*p));
  auto again = run::resolve_run({}, bundle(), &r, "x", 99);
  REQUIRE(again);
  CHECK(again->seed == 11);
  CHECK(again->parallel == p->parallel);
}
