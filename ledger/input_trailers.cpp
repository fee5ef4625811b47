#include "ledger/input_trailers.h"

#include "ledger/git.h"

namespace uet::ledger {

namespace {

bool branch_exists(engine::environment& env, const std::filesystem::path& repo,
                   const std::string& branch) {
  auto r = git_run(env, repo, {"rev-parse", "--verify", "--quiet", "refs/heads/" + branch});
  return r && r->exit_code == 0;
}

} // namespace

expected<std::map<std::string, branch_input>> read_input_trailers(engine::environment& env,
                                                                  const std::filesystem::path& repo,
                                                                  const std::string& branch) {
  std::map<std::string, branch_input> out;
  if (!branch_exists(env, repo, branch))
    return out;
  auto log = git(env, repo,
                 {"log",
                  "--format=%H%x09%(trailers:key=UET-Workstream,valueonly)%x09%(trailers:key="
                  "UET-Input,valueonly)%x00",
                  "refs/heads/" + branch, "--"});
  if (!log)
    return log.error().context("cannot read the UET-Input trailers of " + branch + ": ");
  // Newest first: the first commit seen of a workstream is its newest.
  std::size_t pos = 0;
  while (pos < log->size()) {
    auto end = log->find('\0', pos);
    auto rec = log->substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? log->size() : end + 1;
    auto t1 = rec.find('\t');
    auto t2 = t1 == std::string::npos ? t1 : rec.find('\t', t1 + 1);
    if (t2 == std::string::npos)
      continue;
    auto first = rec.find_first_not_of('\n');
    auto commit = rec.substr(first, t1 - first);
    auto ws = chomp(rec.substr(t1 + 1, t2 - t1 - 1));
    auto fp = chomp(rec.substr(t2 + 1));
    if (!ws.empty() && ws.find('\n') == std::string::npos)
      out.emplace(ws, branch_input{commit, fp.substr(0, fp.find('\n'))});
  }
  return out;
}

expected<std::string> branch_base(engine::environment& env, const std::filesystem::path& repo,
                                  const std::string& branch, const std::string& base_ref) {
  if (!branch_exists(env, repo, branch)) {
    auto r = git_run(env, repo, {"rev-parse", "--verify", "--quiet", base_ref + "^{commit}"});
    return r && r->exit_code == 0 ? chomp(r->out) : std::string();
  }
  auto r = git(env, repo,
               {"rev-list", "--first-parent", "--invert-grep", "--grep=^UET-Patch: ", "-n", "1",
                "refs/heads/" + branch, "--"});
  if (!r)
    return r.error().context("cannot find what " + branch + " builds on: ");
  return chomp(*r);
}

} // namespace uet::ledger
