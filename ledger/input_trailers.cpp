#include "ledger/input_trailers.h"

#include <set>

#include "ledger/base_follow.h"
#include "ledger/git.h"
#include "ledger/integration.h"
#include "ledger/object_store.h"

namespace uet::ledger {

const char* const trailer_format =
    "%H%x09%(trailers:key=UET-Workstream,valueonly)%x09%(trailers:key=UET-Input,valueonly)%x09%("
    "trailers:key=UET-Run,valueonly)%x09%(trailers:key=UET-Patch,valueonly)%x09%(trailers:key=UET-"
    "Rollback,valueonly,separator=%x2C)%x00";

std::vector<trailer_commit> parse_trailer_log(const std::string& log) {
  std::vector<trailer_commit> out;
  std::size_t pos = 0;
  while (pos < log.size()) {
    auto end = log.find('\0', pos);
    auto rec = log.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? log.size() : end + 1;
    std::vector<std::string> f;
    std::size_t p = rec.find_first_not_of('\n');
    if (p == std::string::npos)
      continue;
    while (true) {
      auto t = rec.find('\t', p);
      f.push_back(chomp(rec.substr(p, t == std::string::npos ? std::string::npos : t - p)));
      if (t == std::string::npos)
        break;
      p = t + 1;
    }
    if (f.size() != 6)
      continue;
    auto one = [](const std::string& v) { return v.substr(0, v.find('\n')); };
    trailer_commit c{f[0], one(f[1]), one(f[2]), one(f[3]), one(f[4]), {}};
    std::size_t q = 0;
    while (q < f[5].size()) {
      auto comma = f[5].find(',', q);
      auto id = f[5].substr(q, comma == std::string::npos ? std::string::npos : comma - q);
      if (!id.empty())
        c.rollback.push_back(id);
      q = comma == std::string::npos ? f[5].size() : comma + 1;
    }
    out.push_back(std::move(c));
  }
  return out;
}

namespace {

bool branch_exists(engine::environment& env, const std::filesystem::path& repo,
                   const std::string& branch) {
  auto head = existing_branch(env, repo, branch);
  return head && *head;
}

} // namespace

expected<std::map<std::string, branch_input>> read_input_trailers(engine::environment& env,
                                                                  const std::filesystem::path& repo,
                                                                  const std::string& branch) {
  std::map<std::string, branch_input> out;
  if (!branch_exists(env, repo, branch))
    return out;
  auto log = git(env, repo,
                 {"log", std::string("--format=") + trailer_format, "refs/heads/" + branch, "--"});
  if (!log)
    return log.error().context("cannot read the UET-Input trailers of " + branch + ": ");
  // Newest first: the first commit seen of a workstream is its newest, and
  // a rollback commit comes before the commits of the runs it undid.
  std::set<std::string> rolled_back;
  for (const auto& c : parse_trailer_log(*log)) {
    rolled_back.insert(c.rollback.begin(), c.rollback.end());
    if (!c.workstream.empty() && !rolled_back.count(c.run))
      out.emplace(c.workstream, branch_input{c.sha, c.input});
  }
  return out;
}

expected<std::string> branch_base(engine::environment& env, const std::filesystem::path& repo,
                                  const std::string& branch, const std::string& base_ref) {
  if (!branch_exists(env, repo, branch)) {
    auto base = base_commit(env, repo, base_ref);
    return base ? *base : std::string();
  }
  if (!env.sees_every_git_call())
    if (auto known = first_parent_without(repo, branch, {"UET-Patch: ", "UET-Rollback: "}))
      return *known;
  auto r = git(env, repo,
               {"rev-list", "--first-parent", "--invert-grep", "--grep=^UET-Patch: ",
                "--grep=^UET-Rollback: ", "-n", "1", "refs/heads/" + branch, "--"});
  if (!r)
    return r.error().context("cannot find what " + branch + " builds on: ");
  return chomp(*r);
}

} // namespace uet::ledger
