// persistence/telemetry_line: the hand-written line is byte for byte the one
// nlohmann::json builds (the implementation it replaced), for the events the
// actors make and for awkward strings.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "persistence/telemetry_line.h"

using namespace uet::persistence;
using nlohmann::json;

namespace {

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The previous implementation (the persistence actor built the line with nlohmann::json).
std::string reference_line(const event_appended& e) {
  json j{{"run_id", e.run_id},
         {"workstream_id", e.workstream_id ? json(*e.workstream_id) : json(nullptr)},
         {"event", e.event_type},
         {"timestamp", e.timestamp}};
  if (!e.payload_json.empty())
    j["payload"] = json::parse(e.payload_json, nullptr, false);
  return dump(j);
}

// As actors/records.h make_event stores a payload.
event_appended event(std::string run, std::optional<std::string> ws, std::string type,
                     const json& payload) {
  return {std::move(run), std::move(ws), std::move(type), "2026-11-22T10:15:30.123Z",
          dump(payload)};
}

} // namespace

TEST_CASE("telemetry line: equals nlohmann's for the events a run makes") {
  std::vector<event_appended> events = {
      event("run-20261122-101530-ab12", std::nullopt, "run_started",
            json{{"phase", "phase-all"},
                 {"workstreams", 10000},
                 {"parallel", 4},
                 {"engine", "uet"},
                 {"dry_run", true}}),
      event("run-1", "ws-000001", "workstream_started", json{{"attempt", 1}, {"tool", "noop"}}),
      event("run-1", "ws-000001", "workstream_skipped",
            json{{"attempts", 1}, {"commit", ""}, {"reason", "dry run"}}),
      event("run-1", "ws.a_b-c", "workstream_retry",
            json{{"attempt", 2}, {"delay_ms", 1500}, {"jitter", 0.25}, {"reason", "exit 1"}}),
      event("run-1", std::nullopt, "run_finished",
            json{{"state", "failed"}, {"elapsed_ms", 123456789012LL}, {"ratio", 1e-7}}),
      event(
          "run-1", "ws", "tool_output",
          json{{"text",
                "a \"quoted\" \\ line\nwith\ttabs\x01\x1f and \x7f, é, 日本, \xF0\x9F\x98\x80"},
               {"bad_utf8", "\xff\xfe half \xC3"},
               {"nested", {{"list", {1, -2, 3.5, nullptr, false, "x"}}, {"empty", json::object()}}},
               {"big", 18446744073709551615ULL},
               {"neg", -9223372036854775807LL}}),
      event("run-1", "ws", "empty_object", json::object()),
      event("run-1", "ws", "array", json::array({1, 2})),
      {"run-1", std::string("ws"), "no_payload", "t", ""},
      {"run-1", std::nullopt, "no_payload_no_ws", "t", ""},
  };
  for (const auto& e : events) {
    INFO(e.event_type);
    CHECK(telemetry_line(e) == reference_line(e));
  }
}

TEST_CASE("telemetry line: identifiers with quotes, escapes and non-ASCII are escaped the same") {
  for (std::string s :
       {"plain", "", "q\"uote", "back\\slash", "new\nline", "\x01", "del\x7f", "caf\xC3\xA9",
        "bad\xff", "trunc\xE6\x97", "\xED\xA0\x80 surrogate", "mixed \"\\\n\xC3\xA9\xff"}) {
    INFO(json(s).dump(-1, ' ', true, json::error_handler_t::replace));
    event_appended e{s, s, s, s, "{\"k\":1}"};
    CHECK(telemetry_line(e) == reference_line(e));
  }
}

TEST_CASE("telemetry line: random bytes in every field, compact payloads") {
  std::mt19937 rng(42);
  auto random_string = [&](std::size_t max) {
    std::string s(rng() % (max + 1), '\0');
    for (auto& c : s) // mostly printable, some control, quote, backslash, high bytes
      c = static_cast<char>(rng() % 4 == 0 ? rng() % 256 : 0x20 + rng() % 0x5f);
    return s;
  };
  for (int i = 0; i < 2000; ++i) {
    json payload{{random_string(6), random_string(20)}, {"n", static_cast<int>(rng())}};
    auto e = event(random_string(12),
                   i % 3 ? std::optional<std::string>(random_string(12)) : std::nullopt,
                   random_string(12), payload);
    e.timestamp = random_string(24);
    INFO(i);
    REQUIRE(telemetry_line(e) == reference_line(e));
  }
}

TEST_CASE("telemetry line: a payload spread over lines is compacted, so the line stays one") {
  event_appended e{"run-1", std::nullopt, "hand_made", "t", "{\n  \"b\": [1, 2],\n  \"a\": 1\n}"};
  CHECK(telemetry_line(e) == reference_line(e));
  CHECK(telemetry_line(e).find('\n') == std::string::npos);
  // A compact payload is copied as stored (run_events.payload holds the same).
  event_appended c{"run-1", std::nullopt, "hand_made", "t", "{\"b\":[1,2],\"a\":1}"};
  CHECK(
      telemetry_line(c) ==
      R"({"event":"hand_made","payload":{"b":[1,2],"a":1},"run_id":"run-1","timestamp":"t","workstream_id":null})");
}
