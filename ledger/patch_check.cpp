#include "ledger/patch_check.h"

#include <filesystem>

#include "config/rules.h"
#include "ledger/scope.h"

namespace uet::ledger {

namespace {

// Where a symlink at link_path pointing to target resolves, relative to the
// repository root; starts with ".." (or is absolute) when it leaves the repo.
std::string resolve_link(const std::string& link_path, const std::string& target) {
  if (!target.empty() && target[0] == '/')
    return target;
  auto dir = std::filesystem::path(link_path).parent_path();
  return (dir / target).lexically_normal().generic_string();
}

bool leaves_repo(const std::string& resolved) {
  return resolved.empty() || resolved[0] == '/' || resolved == ".." ||
         resolved.rfind("../", 0) == 0;
}

} // namespace

std::vector<std::string> touched_paths(const file_change& f) {
  std::vector<std::string> out;
  if (!f.old_path.empty())
    out.push_back(f.old_path);
  if (!f.new_path.empty() && f.new_path != f.old_path)
    out.push_back(f.new_path);
  return out;
}

namespace {

/// The scope and safety checks of a parsed patch.
patch_check check_parsed(expected<std::vector<file_change>> parsed,
                         const std::vector<std::string>& allowed_paths) {
  patch_check res;
  if (!parsed) {
    res.outcome = check_outcome::malformed;
    res.reasons.push_back("the patch does not parse: " + parsed.message());
    return res;
  }
  res.files = std::move(*parsed);
  if (res.files.empty()) {
    res.outcome = check_outcome::malformed;
    res.reasons.push_back("the patch holds no file changes");
    return res;
  }
  for (const auto& f : res.files) {
    for (const auto& path : touched_paths(f)) {
      if (auto why = config::relative_path_problem(path))
        res.reasons.push_back(path + ": " + *why);
      else if (!in_scope(allowed_paths, path))
        res.reasons.push_back(path + ": outside allowed_paths" +
                              (f.kind == change_kind::rename
                                   ? " (" + f.old_path + " renamed to " + f.new_path + ")"
                                   : std::string()));
    }
    if (f.symlink && !f.new_path.empty()) {
      auto resolved = resolve_link(f.new_path, f.symlink_target);
      if (f.symlink_target.empty())
        res.reasons.push_back(f.new_path + ": symlink whose target cannot be read from the patch");
      else if (leaves_repo(resolved))
        res.reasons.push_back(f.new_path + ": symlink to '" + f.symlink_target +
                              "' points outside the repository");
      else if (config::relative_path_problem(resolved))
        res.reasons.push_back(f.new_path + ": symlink to '" + f.symlink_target +
                              "' points into .git/");
    }
  }
  if (!res.reasons.empty())
    res.outcome = check_outcome::rejected;
  return res;
}

} // namespace

patch_check check_patch(std::string_view diff, const std::vector<std::string>& allowed_paths) {
  if (diff.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    patch_check res;
    res.outcome = check_outcome::empty;
    return res;
  }
  return check_parsed(parse_diff(diff), allowed_paths);
}

patch_check check_patch_file(const std::filesystem::path& diff_file,
                             const std::vector<std::string>& allowed_paths) {
  std::error_code ec;
  if (std::filesystem::file_size(diff_file, ec) == 0 && !ec) {
    patch_check res;
    res.outcome = check_outcome::empty;
    return res;
  }
  return check_parsed(parse_diff_file(diff_file), allowed_paths);
}

} // namespace uet::ledger
