#include "ledger/patch_admission.h"

#include <cstdio>
#include <cstdlib>

#include "ledger/git.h"
#include "ledger/workspace.h"

namespace uet::ledger {

namespace {

/// The next NUL-terminated field of raw at pos, or nullopt at the end.
std::optional<std::string> next_field(const std::string& raw, std::size_t& pos) {
  if (pos >= raw.size())
    return std::nullopt;
  auto end = raw.find('\0', pos);
  if (end == std::string::npos)
    end = raw.size();
  auto field = raw.substr(pos, end - pos);
  pos = end + 1;
  return field;
}

} // namespace

expected<staged_change> parse_raw_diff(const std::string& raw,
                                       std::vector<std::pair<std::string, std::string>>* blobs) {
  // -z: ":<old mode> <new mode> <old id> <new id> <status>\0<path>\0", and a
  // second path after renames and copies.
  staged_change c;
  std::size_t pos = 0;
  while (auto head = next_field(raw, pos)) {
    if (head->empty() || (*head)[0] != ':')
      return fail("unexpected git diff --raw output: '" + head->substr(0, 80) + "'");
    char mode_old[16] = {}, mode_new[16] = {}, id_old[72] = {}, id_new[72] = {}, status[16] = {};
    if (std::sscanf(head->c_str(), ":%15s %15s %71s %71s %15s", mode_old, mode_new, id_old, id_new,
                    status) != 5)
      return fail("unexpected git diff --raw line: '" + head->substr(0, 80) + "'");
    auto path = next_field(raw, pos);
    if (!path)
      return fail("git diff --raw output cut short after '" + *head + "'");
    if (status[0] == 'R' || status[0] == 'C') {
      path = next_field(raw, pos); // the new name is the one written
      if (!path)
        return fail("git diff --raw output cut short after a rename");
    }
    ++c.files;
    std::string new_mode = mode_new, new_id = id_new;
    if (new_mode == "160000" || std::string(mode_old) == "160000") {
      if (new_mode == "160000") { // a removed gitlink takes nothing nested in
        c.gitlinks.push_back(*path);
        c.gitlink_commits.push_back(new_id);
      }
      continue;
    }
    if (blobs && new_id.find_first_not_of('0') != std::string::npos) // all zeros: deleted
      blobs->emplace_back(*path, new_id);
  }
  return c;
}

expected<staged_change> staged_change_of(engine::environment& env,
                                         const std::filesystem::path& worktree,
                                         const std::string& base_commit) {
  if (!env.sees_every_git_call())
    if (auto c = staged_change_in_process(worktree, base_commit))
      return std::move(*c);
  std::vector<std::string> args = stable_diff_config();
  args.insert(args.end(), {"diff", "--cached", "--raw", "-z", "--no-abbrev", "-M",
                           "--ignore-submodules=none", base_commit, "--"});
  auto raw = git(env, worktree, args);
  if (!raw)
    return raw.error().context("cannot measure the change: ");
  std::vector<std::pair<std::string, std::string>> blobs;
  auto c = parse_raw_diff(*raw, &blobs);
  if (!c || blobs.empty())
    return c;
  std::string ids;
  for (const auto& b : blobs)
    ids += b.second + "\n";
  auto sizes = git(env, worktree, {"cat-file", "--batch-check=%(objectsize)"}, ids);
  if (!sizes)
    return sizes.error().context("cannot measure the change: ");
  std::size_t pos = 0;
  for (const auto& b : blobs) {
    auto nl = sizes->find('\n', pos);
    auto size = std::strtoll(sizes->c_str() + pos, nullptr, 10);
    if (size > c->largest_bytes) {
      c->largest_bytes = size;
      c->largest_path = b.first;
    }
    if (nl == std::string::npos)
      break;
    pos = nl + 1;
  }
  return c;
}

std::string human_bytes(std::int64_t bytes) {
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024)
    return std::to_string(bytes) + " bytes";
  double v = static_cast<double>(bytes);
  int u = -1;
  while (v >= 1024 && u < 3) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  bool whole = v == static_cast<double>(static_cast<std::int64_t>(v));
  std::snprintf(buf, sizeof buf, whole ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

std::string admission_problem(const staged_change& c, const patch_limits& limits,
                              bool allow_submodules) {
  if (!c.gitlinks.empty() && !allow_submodules) {
    std::string paths;
    for (const auto& p : c.gitlinks)
      paths += (paths.empty() ? "" : ", ") + p;
    return paths +
           (c.gitlinks.size() == 1 ? " is a nested git repository"
                                   : " are nested git repositories") +
           "; submodules are not supported by workstreams (constraints.allow_submodules)";
  }
  if (c.files > limits.max_files)
    return "the change touches " + std::to_string(c.files) + " files, limit " +
           std::to_string(limits.max_files) + " (patch_limits.max_files)";
  if (c.largest_bytes > limits.max_file_bytes)
    return c.largest_path + " is " + human_bytes(c.largest_bytes) + ", limit " +
           human_bytes(limits.max_file_bytes) + " (patch_limits.max_file_bytes)";
  return {};
}

namespace {

/// The url .gitmodules gives the submodule at path, or "".
std::string submodule_url(engine::environment& env, const std::filesystem::path& worktree,
                          const std::string& path) {
  auto paths =
      git_run(env, worktree,
              {"config", "--file", ".gitmodules", "-z", "--get-regexp", "^submodule\\..*\\.path$"});
  if (!paths || paths->exit_code != 0)
    return {};
  // -z: "submodule.<name>.path\n<value>\0" per entry.
  std::size_t pos = 0;
  while (auto entry = next_field(paths->out, pos)) {
    auto nl = entry->find('\n');
    if (nl == std::string::npos || entry->substr(nl + 1) != path)
      continue;
    auto key = entry->substr(0, nl);                      // submodule.<name>.path
    auto url_key = key.substr(0, key.size() - 4) + "url"; // submodule.<name>.url
    auto url = git(env, worktree, {"config", "--file", ".gitmodules", "--get", url_key});
    return url ? chomp(*url) : std::string();
  }
  return {};
}

} // namespace

std::string submodule_problem(engine::environment& env, const std::filesystem::path& worktree,
                              const staged_change& c) {
  for (std::size_t i = 0; i < c.gitlinks.size(); ++i) {
    const auto& path = c.gitlinks[i];
    auto url = submodule_url(env, worktree, path);
    if (url.empty())
      return path + " is a gitlink that .gitmodules does not name (with a url); a submodule "
                    "needs one (git submodule add)";
    if (url.rfind("./", 0) == 0 || url.rfind("../", 0) == 0)
      return path + ": its url '" + url +
             "' is relative; allow_submodules needs an absolute url to check the commit exists";
    char tmpl[] = "/tmp/uet-submodule-probe-XXXXXX";
    if (!::mkdtemp(tmpl))
      return path + ": cannot make a scratch repository to check its commit";
    std::filesystem::path probe(tmpl);
    auto fetched = git(env, probe, {"init", "-q", "--bare"});
    if (fetched)
      fetched = git(env, probe,
                    {"-c", "protocol.ext.allow=never", // the url is the tool's to write
                     "fetch", "-q", "--depth=1", "--", url, c.gitlink_commits[i]});
    std::error_code ec;
    std::filesystem::remove_all(probe, ec);
    if (!fetched)
      return path + ": its commit " + c.gitlink_commits[i].substr(0, 12) +
             " cannot be fetched from " + url + " (" + fetched.message() + "); push it there first";
  }
  return {};
}

std::string diff_size_problem(std::int64_t bytes, const patch_limits& limits) {
  if (bytes <= limits.max_bytes)
    return {};
  return "the patch is " + human_bytes(bytes) + ", limit " + human_bytes(limits.max_bytes) +
         " (patch_limits.max_bytes)";
}

} // namespace uet::ledger
