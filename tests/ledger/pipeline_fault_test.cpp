// The patch ledger with failures injected through the environment seam
// (engine/environment.h): real git for every call but the one that fails.
#include <catch2/catch.hpp>

#include "ledger/integration.h"
#include "ledger/patch_pipeline.h"
#include "ledger/patch_store.h"
#include "tests/ledger/ledger_fixture.h"

using namespace uet;
using namespace uet::ledger;
using Catch::Matchers::Contains;
using uet::test::git_in;
namespace fs = std::filesystem;

namespace {

/// Fails the next `times` git calls whose subcommand is `subcommand` as git
/// would (exit 128, a fatal message); everything else runs for real.
class failing_git final : public engine::environment_wrapper {
public:
  failing_git(std::string subcommand, int times)
      : environment_wrapper(engine::environment::real()), subcommand_(std::move(subcommand)),
        left_(times) {}

  engine::process_result run_process(const engine::process_request& req) override {
    bool git = !req.argv.empty() && fs::path(req.argv[0]).filename() == "git";
    bool match =
        git && std::find(req.argv.begin() + 1, req.argv.end(), subcommand_) != req.argv.end();
    if (!match || left_ == 0)
      return environment_wrapper::run_process(req);
    --left_;
    ++failed;
    engine::process_result r;
    r.started = true;
    r.exit_code = 128;
    r.error_output = "fatal: injected failure of git " + subcommand_;
    return r;
  }

  bool sees_every_git_call() override { return true; }

  int failed = 0;

private:
  std::string subcommand_;
  int left_;
};

struct fault_fixture {
  explicit fault_fixture(engine::environment& env)
      : repo(
            std::map<std::string, std::string>{{"README.md", "# readme\n"}, {"src/a.txt", "a\n"}}) {
    integration_config cfg{repo.repo, repo.tmp / "integration", "uet/integration", "HEAD"};
    auto tree = integration_tree::open(env, cfg);
    INFO((tree ? "" : tree.message()));
    REQUIRE(tree);
    pipe.emplace(std::move(*tree), patch_store(repo.tmp / "ledger"));
  }

  patch_submission patch(const std::string& ws, const std::string& file) {
    repo.base = head();
    patch_submission s;
    s.run_id = "run-1";
    s.workstream_id = ws;
    s.patch_id = make_patch_id("run-1", ws, 1);
    s.allowed_paths = {"src/**"};
    s.diff = repo.capture([&](const fs::path& wt) { test::write_file(wt / file, ws + "\n"); });
    return s;
  }

  std::string head() const { return git_in(repo.repo, {"rev-parse", "uet/integration"}); }

  test::repo_fixture repo;
  std::optional<patch_pipeline> pipe;
};

} // namespace

TEST_CASE("ledger fault: a speculative commit git fails to make quarantines, the next is whole") {
  failing_git env("apply", 1);
  fault_fixture f(env);
  auto before = f.head();
  auto first = f.patch("one", "src/one.txt");
  auto o = f.pipe->submit(first);
  CHECK(env.failed == 1);
  CHECK(o.final_state == patch_state::quarantined);
  CHECK_THAT(o.reason, Contains("cannot make its speculative commit"));
  CHECK_THAT(o.reason, Contains("injected failure of git apply"));
  CHECK(f.head() == before);
  CHECK(fs::exists(f.pipe->store().quarantine_json_path(first.patch_id)));
  // The speculation index may hold part of the first patch when git fails;
  // the next patch's commit holds nothing of it.
  auto second = f.patch("two", "src/two.txt");
  auto o2 = f.pipe->submit(second);
  REQUIRE(o2.final_state == patch_state::committed);
  CHECK(git_in(f.repo.repo, {"show", "--name-only", "--format=", "uet/integration"}) ==
        "src/two.txt");
}

TEST_CASE("ledger fault: a branch whose trailers git cannot read opens as an error, kind git") {
  failing_git env("log", 1);
  test::repo_fixture repo(std::map<std::string, std::string>{{"README.md", "# readme\n"}});
  integration_config cfg{repo.repo, repo.tmp / "integration", "uet/integration", "HEAD"};
  git_in(repo.repo, {"branch", "uet/integration"});
  auto tree = integration_tree::open(env, cfg);
  REQUIRE_FALSE(tree);
  CHECK(env.failed == 1);
  CHECK(tree.kind() == error_kind::git);
  CHECK_THAT(tree.message(), Contains("cannot read the UET-Patch trailers of uet/integration"));
}
