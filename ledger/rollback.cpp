#include "ledger/rollback.h"

#include <algorithm>
#include <map>

#include "ledger/git.h"
#include "ledger/input_trailers.h"

namespace uet::ledger {

namespace {

expected<std::vector<trailer_commit>> history(engine::environment& env,
                                              const std::filesystem::path& repo,
                                              const std::string& branch, bool first_parent) {
  std::vector<std::string> args{"log", std::string("--format=") + trailer_format};
  if (first_parent)
    args.push_back("--first-parent");
  args.insert(args.end(), {"refs/heads/" + branch, "--"});
  auto log = git(env, repo, args);
  if (!log)
    return log.error().context("cannot read the history of " + branch + ": ");
  return parse_trailer_log(*log);
}

std::string subject(engine::environment& env, const std::filesystem::path& repo,
                    const std::string& sha) {
  auto s = git(env, repo, {"log", "-1", "--format=%s", sha});
  return sha.substr(0, 10) + (s ? " " + chomp(*s) : std::string());
}

} // namespace

expected<rollback_plan> plan_rollback(engine::environment& env, const std::filesystem::path& repo,
                                      const std::string& branch, const std::string& run_id,
                                      bool cascade) {
  auto line = history(env, repo, branch, true);
  if (!line)
    return line.error();
  rollback_plan plan;
  if (line->empty())
    return fail(error_kind::bad_input, "the branch " + branch + " has no commits");
  plan.head = line->front().sha;
  // Newest first: the run's oldest commit is the last one seen; a rollback
  // commit naming it, seen first, means it is done.
  std::size_t oldest = line->size();
  for (std::size_t i = 0; i < line->size(); ++i) {
    const auto& c = (*line)[i];
    if (std::count(c.rollback.begin(), c.rollback.end(), run_id) > 0 && oldest == line->size()) {
      plan.done = true;
      return plan;
    }
    if (c.run == run_id && !c.patch.empty())
      oldest = i;
  }
  if (oldest == line->size() || oldest + 1 >= line->size()) {
    plan.done = true;
    return plan;
  }
  plan.before = (*line)[oldest + 1].sha;
  plan.runs.push_back(run_id);
  std::map<std::string, int> later;
  for (std::size_t i = 0; i < oldest; ++i) {
    const auto& c = (*line)[i];
    if (c.run == run_id && !c.patch.empty())
      continue;
    if (!c.patch.empty() && !c.run.empty()) {
      if (later[c.run]++ == 0)
        plan.runs.push_back(c.run);
    } else {
      plan.on_top.push_back(subject(env, repo, c.sha));
    }
  }
  for (const auto& [run, n] : later)
    plan.on_top.push_back(run + " (" + std::to_string(n) + " commit" + (n == 1 ? "" : "s") + ")");
  if (!cascade)
    plan.runs.resize(1);
  return plan;
}

expected<std::string> apply_rollback(engine::environment& env, const std::filesystem::path& repo,
                                     const std::string& branch, const rollback_plan& plan,
                                     bool reset) {
  std::string target = plan.before;
  if (!reset) {
    std::string message = "uet: roll back run " + plan.runs.front() + "\n\n";
    for (const auto& run : plan.runs)
      message += "UET-Rollback: " + run + "\n";
    auto commit =
        git(env, repo, {"commit-tree", plan.before + "^{tree}", "-p", plan.head, "-m", message},
            std::nullopt, commit_identity(env, repo));
    if (!commit)
      return commit.error();
    target = chomp(*commit);
  }
  if (auto r = git(env, repo,
                   {"update-ref", "-m", "uet-actors: roll back " + plan.runs.front(),
                    "refs/heads/" + branch, target, plan.head});
      !r)
    return r.error().context("the branch moved while rolling back: ");
  return target;
}

expected<std::set<std::string>> live_patches(engine::environment& env,
                                             const std::filesystem::path& repo,
                                             const std::string& branch) {
  auto all = history(env, repo, branch, false);
  if (!all)
    return all.error();
  std::set<std::string> undone, live;
  for (const auto& c : *all) {
    undone.insert(c.rollback.begin(), c.rollback.end());
    if (!c.patch.empty() && !undone.count(c.run))
      live.insert(c.patch);
  }
  return live;
}

} // namespace uet::ledger
