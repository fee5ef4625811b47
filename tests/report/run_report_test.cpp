// report/: the model the page and the trace draw, from a real run's
// database, and the trace's spans against the database's own rows.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "persistence/database.h"
#include "persistence/state_reader.h"
#include "report/html_report.h"
#include "report/run_report.h"
#include "report/trace_json.h"
#include "tests/support/pipeline_project.h"

using namespace uet;
using namespace uet::test;

TEST_CASE("pack_lanes: fewest lanes, a lane reused once free") {
  using report::pack_lanes;
  CHECK(pack_lanes({}).empty());
  CHECK(pack_lanes({{0, 1}, {0.5, 2}, {1, 3}, {2, 4}}) == std::vector<int>{0, 1, 0, 1});
  CHECK(pack_lanes({{0, 10}, {1, 2}, {2, 3}, {3, 4}}) == std::vector<int>{0, 1, 1, 1});
  CHECK(pack_lanes({{0, 5}, {0, 5}, {0, 5}}) == std::vector<int>{0, 1, 2});
}

TEST_CASE("html_escape leaves no markup") {
  CHECK(report::html_escape("<img src=x onerror=alert(1)>") ==
        "&lt;img src=x onerror=alert(1)&gt;");
  CHECK(report::html_escape("a\"b'c&d") == "a&quot;b&#39;c&amp;d");
}

namespace {

/// A run with a retry (flaky fails its first edit) and a chain a -> b.
struct small_run {
  pipeline_project p{sh_tool,
                     {{"flaky", ws("if [ ! -e \"$SCRATCH/failed\" ]; then touch "
                                   "\"$SCRATCH/failed\"; exit 1; fi; echo f > f.txt",
                                   "f.txt", "[]",
                                   "resilience_policy: {max_retries: 1, backoff: {initial_ms: 5, "
                                   "max_ms: 10}}\n")},
                      {"a", ws("echo a > a.txt", "a.txt")},
                      {"b", ws("echo b > b.txt", "b.txt", "[a]")}}};
  std::optional<persistence::database> db;
  persistence::run_row run;

  small_run() {
    REQUIRE(p.run({"run", "phase-all", "--parallel", "2"}).exit_code == 0);
    auto opened = persistence::database::open_read_only(p.root() / ".uet" / "state.db");
    REQUIRE(opened);
    db.emplace(std::move(*opened));
    auto latest = persistence::state_reader(*db).latest_run();
    REQUIRE(latest);
    REQUIRE(*latest);
    run = **latest;
  }
};

} // namespace

TEST_CASE("read_report: workstreams, bars, retries, patch flow and the critical path") {
  small_run s;
  auto r = report::read_report(*s.db, s.run, {{"b", {"B's title", {"a"}}}});
  REQUIRE(r);
  REQUIRE(r->workstreams.size() == 3);
  CHECK(r->bars.size() == 4); // flaky: edit (failed) + edit; a: edit; b: edit
  CHECK(r->metrics.failures_by_tool == std::map<std::string, int>{{"sh", 1}});
  REQUIRE(r->markers.size() == 1);
  CHECK(r->markers[0].kind == "retry");
  CHECK(r->markers[0].workstream_id == "flaky");
  CHECK(r->lanes >= 1);
  CHECK(r->lanes <= 3);
  for (const auto& b : r->bars) {
    CHECK(b.start_s >= 0);
    CHECK(b.end_s >= b.start_s);
    CHECK(b.end_s <= r->wall_s + 0.002);
  }
  // Three patches, all committed, each through every ledger state once.
  REQUIRE(!r->flow.empty());
  CHECK(r->flow.front().state == "created");
  CHECK(r->flow.front().reached == 3);
  CHECK(r->flow.back().state == "committed");
  CHECK(r->flow.back().reached == 3);
  // b (from the spec map) depends on a; a's dependencies come from its recorded inputs.
  const auto& b = r->workstreams[1];
  REQUIRE(b.id == "b");
  CHECK(b.title == "B's title");
  CHECK(b.dependencies == std::vector<std::string>{"a"});
  CHECK(r->metrics.lower_bound_s > 0);
  CHECK(r->metrics.lower_bound_s <= r->wall_s + 0.002);
  CHECK(r->metrics.lower_bound_s >= r->metrics.critical_path_s);
}

TEST_CASE("report --trace: trace-event JSON whose spans are the database's step attempts") {
  small_run s;
  auto out = s.p.run({"report", "--trace", (s.p.root() / "trace.json").string()});
  INFO(out.output);
  REQUIRE(out.exit_code == 0);
  auto trace = nlohmann::json::parse(read_text(s.p.root() / "trace.json"));
  REQUIRE(trace["traceEvents"].is_array());
  std::map<std::string, nlohmann::json> steps; // "ws step attempt" -> span
  int ledger_spans = 0;
  for (const auto& e : trace["traceEvents"]) {
    REQUIRE(e.contains("ph"));
    REQUIRE(e.contains("pid"));
    REQUIRE(e.contains("name"));
    if (e["ph"] == "X") {
      REQUIRE(e["ts"].is_number_integer());
      REQUIRE(e["dur"].is_number_integer());
      CHECK(e["dur"].get<std::int64_t>() >= 0);
      REQUIRE(e.contains("tid"));
      if (e["cat"] == "step")
        steps[e["args"]["workstream"].get<std::string>() + " " +
              e["args"]["step"].get<std::string>() + " " +
              std::to_string(e["args"]["attempt"].get<int>())] = e;
      else
        ++ledger_spans;
    }
  }
  auto rows = persistence::state_reader(*s.db).step_attempts(s.run.run_id);
  REQUIRE(rows);
  REQUIRE(steps.size() == rows->size());
  const double origin = iso8601_seconds(s.run.started_at);
  for (const auto& row : *rows) {
    auto key = row.workstream_id + " " + row.step + " " + std::to_string(row.attempt);
    INFO(key);
    REQUIRE(steps.count(key));
    const auto& e = steps[key];
    CHECK(e["args"]["state"] == row.state);
    double start_us = (iso8601_seconds(row.started_at) - origin) * 1e6;
    double end_us = (iso8601_seconds(*row.finished_at) - origin) * 1e6;
    CHECK(e["ts"].get<double>() == Approx(start_us).margin(1));
    CHECK(e["dur"].get<double>() == Approx(end_us - start_us).margin(2));
  }
  CHECK(ledger_spans == 3 * 5); // created .. verified, per patch
  CHECK(trace["otherData"]["run_id"] == s.run.run_id);
}

TEST_CASE("html_page: above its limits the timeline is binned by pixel and the DAG by wave") {
  report::run_report r;
  r.run.run_id = "run-big";
  r.wall_s = 1000;
  r.lanes = 4;
  r.metrics.slots = 4;
  const std::size_t n = report::dag_node_limit + 100;
  for (std::size_t i = 0; i < n; ++i) {
    report::workstream_view w;
    w.id = "ws-" + std::to_string(i);
    w.state = i % 50 ? "committed" : "quarantined";
    if (i >= 10)
      w.dependencies = {"ws-" + std::to_string(i - 10)};
    r.workstreams.push_back(w);
  }
  for (std::size_t i = 0; i < report::bar_limit + 1; ++i)
    r.bars.push_back({"ws-" + std::to_string(i % n), i / 4 % 2 ? "edit" : "runtime", 1, "succeeded",
                      double(i) * 0.3, double(i) * 0.3 + 0.25, int(i % 4), ""});
  auto page = report::html_page(r);
  CHECK(occurrences(page, "<rect class=\"bar binned") > 4);
  CHECK(occurrences(page, "<rect class=\"bar binned") <= 4 * 1000);
  CHECK(occurrences(page, "<rect class=\"bar step-") == 0);
  CHECK(page.find("<svg id=\"dag\" class=\"aggregated\"") != std::string::npos);
  CHECK(occurrences(page, "<g class=\"node") == 0);
  // Every workstream is still listed, once.
  for (std::size_t i = 0; i < n; i += 97)
    CHECK(occurrences(page, "<tr data-workstream=\"ws-" + std::to_string(i) + "\">") == 1);
  r.bars.resize(10);
  r.workstreams.resize(20);
  page = report::html_page(r);
  CHECK(occurrences(page, "<rect class=\"bar step-") == 10);
  CHECK(occurrences(page, "<g class=\"node") == 20);
}

TEST_CASE("read_report: an injected fault is marked, with the retry it caused, on the page") {
  pipeline_project p(sh_tool, {{"a", ws("echo a > a.txt", "a.txt", "[]",
                                        "resilience_policy: {max_retries: 1, backoff: "
                                        "{initial_ms: 5, max_ms: 10}}\n")}});
  auto run = p.run({"run", "phase-all", "--inject", "adapter:crash:ws=a:times=1"});
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  auto db = persistence::database::open_read_only(p.root() / ".uet" / "state.db");
  REQUIRE(db);
  auto latest = persistence::state_reader(*db).latest_run();
  REQUIRE(latest);
  REQUIRE(*latest);
  auto r = report::read_report(*db, **latest, {});
  REQUIRE(r);
  std::map<std::string, int> kinds;
  for (const auto& m : r->markers)
    ++kinds[m.kind];
  CHECK(kinds["fault"] == 1);
  CHECK(kinds["retry"] == 1);
  auto page = report::html_page(*r);
  CHECK(occurrences(page, "<g class=\"marker marker-fault\">") == 1);
  CHECK(occurrences(page, "<g class=\"marker marker-retry\">") == 1);
  CHECK(page.find("injected crash at adapter") != std::string::npos);
}
