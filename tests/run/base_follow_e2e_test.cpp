// The integration branch follows its base (base_policy: follow, the
// default): a colleague's commit on main between two runs is brought in
// before the second runs, and its checks see it. Real runs, real git.
#include <catch2/catch.hpp>

#include "tests/support/pipeline_project.h"

using namespace uet::test;

namespace {

const std::string checks_see_colleague =
    "acceptance_criteria: {commands: [\"if test -f colleague.txt; then echo saw >> "
    "\\\"$SCRATCH/seen\\\"; fi\"]}\n";

void colleague_commits(const pipeline_project& p, const std::string& file,
                       const std::string& text) {
  write_file(p.repo() / file, text);
  p.git({"add", file});
  p.git({"-c", "user.name=colleague", "-c", "user.email=c@example.com", "commit", "-q", "-m",
         "colleague: " + file});
}

} // namespace

TEST_CASE("base: main moves between two runs, the second brings it in and its checks see it") {
  pipeline_project p(sh_tool, {{"a", ws("echo a > a.txt", "a.txt", "[]", checks_see_colleague)}});
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 0);
  colleague_commits(p, "colleague.txt", "hello\n");
  auto main_tip = p.git({"rev-parse", "main"});
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("brought into uet/integration by a merge (base_policy: follow)") !=
        std::string::npos);
  CHECK(p.git({"show", "uet/integration:colleague.txt"}) == "hello");
  CHECK(p.git({"merge-base", "--is-ancestor", main_tip, "uet/integration"}).empty());
  CHECK(read_text(p.scratch() / "seen") == "saw\n"); // a ran again: its base moved
  auto events = p.run({"events", "--json"}).output;
  CHECK(occurrences(events, "\"base_followed\"") == 1);
  CHECK(events.find("\"how\":\"merge\"") != std::string::npos);
  CHECK(p.patch_commits() == 1);
  // Nothing moved since: nothing runs, nothing is merged.
  auto again = p.run({"run", "phase-all"});
  CHECK(again.output.find("brought into") == std::string::npos);
  CHECK(again.output.find("1 skipped (1 unchanged)") != std::string::npos);
}

TEST_CASE("base: a branch with nothing of its own fast-forwards to the base") {
  pipeline_project p(sh_tool, {{"a", ws("true", "a.txt", "[]", checks_see_colleague)}});
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 0); // skipped: the branch is main's tip
  colleague_commits(p, "colleague.txt", "hi\n");
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("by a fast-forward") != std::string::npos);
  CHECK(p.git({"rev-parse", "uet/integration"}) == p.git({"rev-parse", "main"}));
}

TEST_CASE("base: a base that conflicts with the branch stops the run, exit 2, naming the file") {
  pipeline_project p(sh_tool, {{"a", ws("echo ours > a.txt", "a.txt", "[]", "")},
                               {"b", ws("touch \"$SCRATCH/b-ran\"; echo b > b.txt", "b.txt")}});
  REQUIRE(p.run({"run", "phase-all", "--force"}).exit_code == 0);
  fs::remove(p.scratch() / "b-ran");
  auto tip = p.git({"rev-parse", "uet/integration"});
  colleague_commits(p, "a.txt", "theirs\n");
  write_file(p.root() / "workstreams" / "b.yaml",
             "workstream_id: b\n" + ws("touch \"$SCRATCH/b-ran\"; echo b2 > b.txt", "b.txt"));
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("base_ref 'HEAD' (") != std::string::npos);
  CHECK(r.output.find("moved and conflicts with uet/integration in: a.txt") != std::string::npos);
  CHECK(r.output.find("base_policy: pin") != std::string::npos);
  CHECK(p.git({"rev-parse", "uet/integration"}) == tip); // untouched
  CHECK_FALSE(fs::exists(p.scratch() / "b-ran"));        // nothing ran

  // Pinned, the run builds on the old base.
  write_file(p.root() / "uet.yaml", read_text(p.root() / "uet.yaml") + "base_policy: pin\n");
  auto pinned = p.run({"run", "phase-all"});
  INFO(pinned.output);
  CHECK(pinned.exit_code == 0);
  CHECK(fs::exists(p.scratch() / "b-ran"));
  CHECK(p.git({"show", "uet/integration:a.txt"}) == "ours");
}
