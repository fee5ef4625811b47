#include "ledger/tool_sandbox.h"

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

namespace uet::ledger {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_small(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(p, ec)))
    return std::nullopt;
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string first_line(const std::string& s) {
  auto nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

fs::path canonical_or_self(const fs::path& p) {
  std::error_code ec;
  auto c = fs::weakly_canonical(p, ec);
  return ec ? p : c;
}

fs::path expand_home(const std::string& p) {
  const char* home = std::getenv("HOME");
  if (home && (p == "~" || p.rfind("~/", 0) == 0))
    return fs::path(home) / p.substr(p.size() > 1 ? 2 : 1);
  return p;
}

} // namespace

expected<std::unique_ptr<tool_sandbox>> tool_sandbox::open(const fs::path& worktree,
                                                           const sandbox_policy& policy) {
  std::unique_ptr<tool_sandbox> box(new tool_sandbox);
  auto wt = canonical_or_self(worktree);
  auto pointer = read_small(wt / ".git");
  if (!pointer || pointer->rfind("gitdir: ", 0) != 0)
    return fail(wt.string() + "/.git is not a worktree's gitdir file");
  fs::path private_dir = first_line(pointer->substr(8));
  if (private_dir.is_relative())
    private_dir = wt / private_dir;
  private_dir = canonical_or_self(private_dir);
  auto common_rel = read_small(private_dir / "commondir");
  fs::path common = common_rel ? fs::path(first_line(*common_rel)) : private_dir;
  if (common.is_relative())
    common = private_dir / common;
  common = canonical_or_self(common);
  box->pointers_[wt / ".git"] = *pointer;
  for (const char* f : {"commondir", "gitdir"})
    if (auto c = read_small(private_dir / f))
      box->pointers_[private_dir / f] = *c;
  if (policy.mode == sandbox_mode::off)
    return box;

  std::string tmpl = (fs::temp_directory_path() / "uet-tool-XXXXXX").string();
  if (!::mkdtemp(tmpl.data()))
    return fail("cannot make a temporary directory for the sandbox from " + tmpl);
  box->tmp_ = tmpl;
  auto rules = std::make_shared<engine::sandbox_rules>();
  rules->required = policy.mode == sandbox_mode::required;
  rules->writable = {wt, private_dir, common / "objects", box->tmp_};
  for (const auto& w : policy.write) {
    auto p = expand_home(w);
    std::error_code ec;
    fs::create_directories(p, ec); // declared: the tool may make it its own
    rules->writable.push_back(canonical_or_self(p));
  }
  for (const auto& d : engine::sandbox_devices())
    rules->writable.push_back(d);
  for (const auto& [file, content] : box->pointers_)
    rules->read_only_files.push_back(file);
  box->rules_ = std::move(rules);
  return box;
}

tool_sandbox::~tool_sandbox() {
  std::error_code ec;
  if (!tmp_.empty())
    fs::remove_all(tmp_, ec);
}

std::map<std::string, std::string> tool_sandbox::env() const {
  if (tmp_.empty())
    return {};
  return {{"TMPDIR", tmp_.string()}, {"TMP", tmp_.string()}, {"TEMP", tmp_.string()}};
}

std::vector<std::string> tool_sandbox::tampered() {
  std::vector<std::string> out;
  for (const auto& [file, content] : pointers_) {
    auto now = read_small(file);
    if (now && *now == content)
      continue;
    std::error_code ec;
    fs::remove_all(file, ec); // a directory or a link put in its place
    std::ofstream(file, std::ios::binary | std::ios::trunc) << content;
    out.push_back(file.string() + (now ? " (changed)" : " (replaced or removed)"));
  }
  return out;
}

} // namespace uet::ledger
