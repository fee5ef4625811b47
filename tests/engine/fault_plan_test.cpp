#include <catch2/catch.hpp>

#include <thread>

#include "engine/fault_plan.h"

using namespace uet::engine;

namespace {

fault_plan plan_of(const std::string& spec, std::uint64_t seed = 7) {
  auto p = parse_fault_spec(spec, seed);
  REQUIRE(p.ok());
  return *p;
}

fault_call tool_call(const std::string& ws, int attempt) {
  return fault_call{fault_site::adapter, ws, "aider", attempt, 0};
}

} // namespace

TEST_CASE("fault spec: the issue's matrix parses, with every option") {
  auto p = plan_of("adapter:crash:p=0.2;adapter:hang:p=0.05;adapter:exit:p=0.1;"
                   "adapter:garbage:p=0.1;persistence:busy:p=0.1;patch:corrupt:p=0.1");
  REQUIRE(p.rules.size() == 6);
  CHECK(p.rules[1].kind == fault_kind::hang);
  CHECK(p.rules[1].p == Approx(0.05));
  auto q = plan_of(" git:fail:after=3:times=1 ; ; actor:crash:ws=b:tool=sh ");
  REQUIRE(q.rules.size() == 2);
  CHECK(q.rules[0].after == 3);
  CHECK(q.rules[0].times == std::optional<std::uint64_t>(1));
  CHECK(q.rules[1].ws == std::optional<std::string>("b"));
  CHECK(q.rules[1].tool == std::optional<std::string>("sh"));
  CHECK(q.spec == "git:fail:after=3:times=1;actor:crash:ws=b:tool=sh");
  CHECK(plan_of("none").empty());
  CHECK(plan_of("").empty());
}

TEST_CASE("fault spec: each mistake is named with its rule") {
  auto bad = [](const std::string& spec) {
    auto p = parse_fault_spec(spec, 1);
    REQUIRE_FALSE(p.ok());
    CHECK(p.kind() == uet::error_kind::bad_input);
    return p.message();
  };
  CHECK_THAT(bad("adapter"), Catch::Contains("expected site:kind"));
  CHECK_THAT(bad("disk:full"), Catch::Contains("unknown site 'disk'"));
  CHECK_THAT(bad("persistence:crash"),
             Catch::Contains("site persistence has no kind 'crash' (busy, ioerr, full)"));
  CHECK_THAT(bad("adapter:exit:p=1.5"), Catch::Contains("p=1.5 is not a probability"));
  CHECK_THAT(bad("adapter:exit:p=x"), Catch::Contains("not a probability"));
  CHECK_THAT(bad("adapter:exit:after=-1"), Catch::Contains("after=-1 is not a whole number"));
  CHECK_THAT(bad("adapter:exit:colour=red"), Catch::Contains("unknown option 'colour'"));
  CHECK_THAT(bad("adapter:exit;git:fail:ws="), Catch::Contains("rule 'git:fail:ws='"));
}

TEST_CASE("fault decisions depend on seed and call, not on the order calls come in") {
  auto spec = "adapter:exit:p=0.3";
  fault_injector a(plan_of(spec, 42)), b(plan_of(spec, 42));
  std::vector<bool> forward, backward(200);
  for (int i = 0; i < 200; ++i)
    forward.push_back(a.decide(tool_call("ws-" + std::to_string(i), 1)).has_value());
  for (int i = 199; i >= 0; --i)
    backward[i] = b.decide(tool_call("ws-" + std::to_string(i), 1)).has_value();
  CHECK(forward == backward);
  auto fired = std::count(forward.begin(), forward.end(), true);
  CHECK(fired > 30); // ~60 expected of 200 at p = 0.3
  CHECK(fired < 90);
  fault_injector other(plan_of(spec, 43));
  std::vector<bool> reseeded;
  for (int i = 0; i < 200; ++i)
    reseeded.push_back(other.decide(tool_call("ws-" + std::to_string(i), 1)).has_value());
  CHECK(reseeded != forward);
}

TEST_CASE("fault rules: filters and after and times and the first matching rule wins") {
  fault_injector inj(plan_of("adapter:exit:ws=b:after=1:times=2;adapter:slow:tool=aider"));
  CHECK(inj.decide(tool_call("a", 1)) == fault_kind::slow); // not b: the second rule
  CHECK(inj.decide(tool_call("b", 1)) == fault_kind::slow); // b's first call passes rule 1
  CHECK(inj.decide(tool_call("b", 2)) == fault_kind::exit);
  CHECK(inj.decide(tool_call("b", 3)) == fault_kind::exit);
  CHECK(inj.decide(tool_call("b", 4)) == fault_kind::slow); // times=2 spent
  CHECK_FALSE(inj.decide(fault_call{fault_site::adapter, "c", "sh", 1, 0}));
  CHECK_FALSE(inj.decide(fault_call{fault_site::git, "", "", 0, 0}));
}

TEST_CASE(
    "fault injector: sites without a workstream count their calls and notices reach the sink") {
  fault_injector inj(plan_of("persistence:busy:p=0.5", 3));
  std::vector<fault_notice> seen;
  inj.set_sink([&](const fault_notice& n) { seen.push_back(n); });
  std::vector<bool> first;
  for (int i = 0; i < 40; ++i)
    first.push_back(inj.decide({fault_site::persistence, "", "", 0, 0}, "batch").has_value());
  fault_injector again(plan_of("persistence:busy:p=0.5", 3));
  std::vector<bool> second;
  for (int i = 0; i < 40; ++i)
    second.push_back(again.decide({fault_site::persistence, "", "", 0, 0}).has_value());
  CHECK(first == second); // the nth commit fails or not, whatever the time
  auto n = std::count(first.begin(), first.end(), true);
  CHECK(static_cast<std::size_t>(n) == seen.size());
  CHECK(n > 5);
  REQUIRE_FALSE(seen.empty());
  CHECK(seen[0].kind == fault_kind::busy);
  CHECK(seen[0].detail == "batch");
  CHECK(inj.targets(fault_site::persistence));
  CHECK_FALSE(inj.targets(fault_site::git));
}

TEST_CASE("fault injector: concurrent callers get the same per-call verdicts") {
  auto spec = "adapter:crash:p=0.5";
  fault_injector serial(plan_of(spec, 9)), parallel(plan_of(spec, 9));
  std::vector<int> want(400), got(400);
  for (int i = 0; i < 400; ++i)
    want[i] = serial.decide(tool_call("w" + std::to_string(i % 40), i / 40 + 1)).has_value();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = t; i < 400; i += 4)
        got[i] = parallel.decide(tool_call("w" + std::to_string(i % 40), i / 40 + 1)).has_value();
    });
  for (auto& th : threads)
    th.join();
  CHECK(got == want);
}
