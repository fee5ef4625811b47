// What a coordinator sends a node that may lack a commit (real git).
#include <catch2/catch.hpp>

#include "node/outgoing_bundle.h"
#include "tests/support/test_env.h"

using namespace uet;
using namespace uet::test;

namespace {

std::string rev(const fs::path& repo, const std::string& what) {
  return must_run({"git", "rev-parse", what}, repo).substr(0, 40);
}

} // namespace

TEST_CASE("outgoing bundle: the commit and its history, less what the node holds, and nothing "
          "when it holds the commit or a descendant") {
  temp_dir d("uet-bundle");
  make_git_repo(d / "src", {{"a.txt", "a\n"}});
  auto& env = engine::environment::real();
  const auto first = rev(d / "src", "HEAD");
  write_file(d / "src" / "b.txt", "b\n");
  must_run({"git", "add", "b.txt"}, d / "src");
  must_run({"git", "commit", "-qm", "b"}, d / "src");
  const auto second = rev(d / "src", "HEAD");

  auto whole = node::outgoing_bundle(env, d / "src", second, {}, "run-1-w-1");
  REQUIRE(whole);
  REQUIRE_FALSE(whole->empty());
  // The node's repository (empty) takes it and then has the commit.
  fs::create_directories(d / "node");
  must_run({"git", "init", "-q"}, d / "node");
  write_file(d / "whole.bundle", *whole);
  must_run({"git", "bundle", "unbundle", (d / "whole.bundle").string()}, d / "node");
  CHECK(must_run({"git", "cat-file", "-t", second}, d / "node") == "commit\n");

  // Less what it holds: smaller, and enough for a repository holding `first`.
  auto thin = node::outgoing_bundle(env, d / "src", second, {first}, "run-1-w-2");
  REQUIRE(thin);
  CHECK(thin->size() < whole->size());
  CHECK(must_run({"git", "for-each-ref", "refs/uet/"}, d / "src").empty()); // no ref left

  CHECK(node::outgoing_bundle(env, d / "src", second, {second}, "t")->empty());
  CHECK(node::outgoing_bundle(env, d / "src", first, {second}, "t")->empty());
  CHECK_FALSE(node::outgoing_bundle(env, d / "src", std::string(40, 'f'), {}, "t"));
}
