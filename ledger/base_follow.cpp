#include "ledger/base_follow.h"

#include "ledger/git.h"
#include "ledger/object_store.h"

namespace uet::ledger {

namespace {

std::string lines_joined(const std::string& text, std::size_t from_line) {
  std::string out;
  std::size_t pos = 0, line = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    auto item = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    if (line++ >= from_line && !item.empty())
      out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

bool is_ancestor(engine::environment& env, const std::filesystem::path& repo, const std::string& a,
                 const std::string& b) {
  if (a == b)
    return true; // a commit is its own ancestor: no process to ask
  auto r = git_run(env, repo, {"merge-base", "--is-ancestor", a, b});
  return r && r->exit_code == 0;
}

} // namespace

expected<std::string> base_commit(engine::environment& env, const std::filesystem::path& repo,
                                  const std::string& base_ref) {
  if (!env.sees_every_git_call())
    if (auto known = named_commit(repo, base_ref))
      return *known;
  auto named = git(env, repo, {"rev-parse", "--verify", base_ref + "^{commit}"});
  if (!named)
    return fail(error_kind::bad_input, "base_ref '" + base_ref + "' does not name a commit in " +
                                           repo.string() + ": " + named.message());
  return chomp(*named);
}

expected<std::optional<base_move>>
follow_base(engine::environment& env, const std::filesystem::path& repo, const std::string& branch,
            const std::string& base_ref, const std::string& head) {
  auto named = base_commit(env, repo, base_ref);
  if (!named)
    return named.error();
  auto base = *named;
  if (is_ancestor(env, repo, base, head))
    return std::optional<base_move>();
  const auto ref = "refs/heads/" + branch;
  base_move move{"fast-forward", head, base, base};
  if (!is_ancestor(env, repo, head, base)) {
    auto merged = git_run(
        env, repo, {"merge-tree", "--write-tree", "--name-only", "--no-messages", head, base});
    if (!merged)
      return merged.error();
    if (merged->exit_code == 1)
      return fail(error_kind::bad_input,
                  "base_ref '" + base_ref + "' (" + base.substr(0, 10) +
                      ") moved and conflicts with " + branch +
                      " in: " + lines_joined(merged->out, 1) + ". Resolve it by hand (git switch " +
                      branch + " && git merge " + base_ref +
                      ", fix, commit, git switch -) and run again, or build on the old base with "
                      "base_policy: pin in uet.yaml");
    if (merged->exit_code != 0)
      return fail(error_kind::git,
                  "git merge-tree " + head + " " + base + " failed: " + chomp(merged->err));
    auto tree = merged->out.substr(0, merged->out.find('\n'));
    auto commit =
        git(env, repo,
            {"commit-tree", tree, "-p", head, "-p", base, "-m",
             "uet: bring in " + base_ref + " (" + base.substr(0, 10) + ")\n\nUET-Base: " + base},
            std::nullopt, commit_identity(env, repo));
    if (!commit)
      return commit.error();
    move.how = "merge";
    move.to = chomp(*commit);
  }
  if (auto r = git(env, repo,
                   {"update-ref", "-m", "uet-actors: follow " + base_ref, ref, move.to, head});
      !r)
    return r.error();
  return std::optional<base_move>(move);
}

} // namespace uet::ledger
