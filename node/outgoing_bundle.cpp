#include "node/outgoing_bundle.h"

#include <algorithm>
#include <cctype>

#include "ledger/git.h"

namespace uet::node {

expected<std::string> outgoing_bundle(engine::environment& env, const std::filesystem::path& repo,
                                      const std::string& commit,
                                      const std::vector<std::string>& node_has,
                                      const std::string& tag) {
  if (std::find(node_has.begin(), node_has.end(), commit) != node_has.end())
    return std::string();
  std::string safe = tag;
  for (auto& c : safe)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.')
      c = '-';
  const std::string ref = "refs/uet/outgoing/" + safe;
  if (auto made = ledger::git(env, repo, {"update-ref", ref, commit}); !made)
    return made.error().context("naming " + commit + " for its bundle: ");
  // "-": the bundle on stdout, no file to clean up after.
  std::vector<std::string> args{"bundle", "create", "--quiet", "-", ref};
  if (!node_has.empty()) {
    args.push_back("--not");
    args.insert(args.end(), node_has.begin(), node_has.end());
  }
  auto made = ledger::git(env, repo, args);
  (void)ledger::git(env, repo, {"update-ref", "-d", ref});
  if (!made && made.message().find("empty bundle") != std::string::npos)
    return std::string(); // the commit is in what the node holds (an older base)
  if (!made)
    return made.error().context("bundling " + commit + " for a worker node: ");
  return made;
}

} // namespace uet::node
