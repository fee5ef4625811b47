// Retries that cannot help end early (engine/repeat_guard.h), in real runs:
// a tool failing the same way every time, a tool going back and forth.
#include <catch2/catch.hpp>

#include "tests/support/pipeline_project.h"

using namespace uet::test;

namespace {

/// Bumps $SCRATCH/n and leaves the new count in $n.
const std::string count_attempt =
    "n=$(cat \"$SCRATCH/n\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > \"$SCRATCH/n\"\n";

int attempts_made(const pipeline_project& p) {
  return std::stoi(read_text(p.scratch() / "n"));
}

} // namespace

TEST_CASE("repeat: a tool failing with the same message every time stops at max_error_repeats") {
  pipeline_project p(
      sh_tool,
      {{"stuck", ws(count_attempt + "echo \"attempt $n at $(date +%s%N): ImportError: no module "
                                    "named calc\" >&2; exit 1",
                    "x.txt", "[]",
                    "resilience_policy: {max_retries: 6, max_error_repeats: 2, backoff: "
                    "{initial_ms: 5, max_ms: 10}}\n")}});
  fs::create_directories(p.scratch());
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(attempts_made(p) == 2); // not 7
  auto st = p.status();
  CHECK(ws_state(st, "stuck") == "quarantined");
  auto events = p.run({"events", "--json"}).output;
  CHECK(events.find("\"workstream_stopped_early\"") != std::string::npos);
  CHECK(r.output.find("gave up after 2 attempts: repeating error: the same failure 2 times in a "
                      "row") != std::string::npos);
}

TEST_CASE("repeat: different failures in a row are retried as usual") {
  pipeline_project p(sh_tool,
                     {{"varied", ws(count_attempt + "echo \"failure kind $(printf '\\\\%o' "
                                                    "$((96 + n)))\" >&2; exit 1",
                                    "x.txt", "[]",
                                    "resilience_policy: {max_retries: 3, max_error_repeats: 2, "
                                    "backoff: {initial_ms: 5, max_ms: 10}}\n")}});
  fs::create_directories(p.scratch());
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(attempts_made(p) == 4);
  CHECK(r.output.find("repeating error") == std::string::npos);
}

TEST_CASE("repeat: a tool alternating between two patches stops at oscillation_threshold") {
  // Odd attempts write A, even ones B; the check wants C.
  pipeline_project p(
      sh_tool,
      {{"flip", ws(count_attempt + "if [ $((n % 2)) = 1 ]; then echo A > v.txt; else echo B > "
                                   "v.txt; fi",
                   "v.txt", "[]",
                   "resilience_policy: {max_retries: 8, oscillation_threshold: 2, backoff: "
                   "{initial_ms: 5, max_ms: 10}}\nacceptance_criteria: {commands: [\"grep -q C "
                   "v.txt\"]}\n")}});
  fs::create_directories(p.scratch());
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(attempts_made(p) == 4); // A, B, A again (1), B again (2)
  CHECK(r.output.find("oscillating between 2 patches") != std::string::npos);
  CHECK(p.patch_commits() == 0);
}
