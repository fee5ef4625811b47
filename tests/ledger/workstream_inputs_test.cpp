// ledger/workstream_inputs.h: the fingerprint and the reason a workstream
// runs again, part by part.
#include <catch2/catch.hpp>

#include "ledger/workstream_inputs.h"

using namespace uet;
using ledger::input_record;
using ledger::workstream_inputs;

namespace {

config::workstream_spec spec() {
  config::workstream_spec ws;
  ws.id = "w";
  ws.title = "a title";
  ws.tool_id = "sh";
  ws.prompt = "echo hi > a.txt";
  ws.allowed_paths = {"a.txt"};
  ws.commands = {"test -f a.txt"};
  ws.dependencies = {"d"};
  return ws;
}

config::tool_spec tool() {
  config::tool_spec t;
  t.id = "sh";
  t.argv = {"/bin/sh", "-c", "{prompt}"};
  return t;
}

workstream_inputs inputs_of(const config::workstream_spec& ws, const config::tool_spec& t,
                            std::string dep_commit = "c1", std::string base = "b1") {
  auto tl = t;
  return {ledger::spec_parts(ws, &tl), std::move(base), {{"d", std::move(dep_commit)}}};
}

auto always = [](const std::string&) { return true; };

} // namespace

TEST_CASE(
    "inputs: each changed part is the reason named, title, priority and retries are not inputs") {
  auto ws = spec();
  auto t = tool();
  auto was = inputs_of(ws, t);
  input_record rec{"run-1", was.fingerprint(), "c9", was};
  CHECK(ledger::why_run(was, &rec, always).empty());
  CHECK(ledger::why_run(was, nullptr, always) == "never run");

  auto same = ws;
  same.title = "another title";
  same.priority = 7;
  same.resilience.max_retries = 5;
  CHECK(ledger::why_run(inputs_of(same, t), &rec, always).empty());

  auto prompt = ws;
  prompt.prompt += " ";
  CHECK(ledger::why_run(inputs_of(prompt, t), &rec, always) == "prompt changed");
  auto scope = ws;
  scope.allowed_paths.push_back("b.txt");
  CHECK(ledger::why_run(inputs_of(scope, t), &rec, always) == "scope changed");
  auto checks = ws;
  checks.commands.push_back("true");
  CHECK(ledger::why_run(inputs_of(checks, t), &rec, always) == "acceptance commands changed");
  auto t2 = t;
  t2.env["MODEL"] = "bigger";
  CHECK(ledger::why_run(inputs_of(ws, t2), &rec, always).rfind("tool changed", 0) == 0);
  auto timeout = ws;
  timeout.timeout_s = 5;
  CHECK(ledger::why_run(inputs_of(timeout, t), &rec, always) == "settings changed");
  CHECK(ledger::why_run(inputs_of(ws, t, "c2"), &rec, always) ==
        "dependency d re-committed (c1 -> c2)");
  CHECK(ledger::why_run(inputs_of(ws, t, "c1", "b2"), &rec, always) == "base moved (b1 -> b2)");
}

TEST_CASE("inputs: a record whose commit left the branch is void, one from a trailer only says "
          "less") {
  auto ws = spec();
  auto t = tool();
  auto now = inputs_of(ws, t);
  input_record gone{"run-1", now.fingerprint(), "0123456789abcdef", now};
  CHECK(ledger::why_run(now, &gone, [](const std::string&) { return false; }) ==
        "its commit 0123456789 is no longer on the integration branch");
  input_record trailer{"", "another fingerprint", "c9", std::nullopt};
  CHECK(ledger::why_run(now, &trailer, always) == "inputs changed");
  trailer.fingerprint = now.fingerprint();
  CHECK(ledger::why_run(now, &trailer, always).empty());
}

TEST_CASE("inputs: the recorded inputs survive their JSON, and garbage is no record") {
  auto now = inputs_of(spec(), tool());
  auto back = ledger::parse_inputs_json(ledger::inputs_json(now));
  REQUIRE(back);
  CHECK(back->fingerprint() == now.fingerprint());
  CHECK_FALSE(ledger::parse_inputs_json("{\"parts\": 3}"));
  CHECK_FALSE(ledger::parse_inputs_json("not json"));
}
