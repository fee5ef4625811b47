// The sandbox one tool or acceptance-command step runs in, laid out for a
// git worktree (engine/sandbox.h is the mechanism): it may write beneath
// the worktree, the worktree's private git directory (index, HEAD: what
// `git add` and `git commit` there need), the object store they write to,
// a private temporary directory (TMPDIR, removed with this object) and the
// paths its tool declares. The repository's config, hooks and info/, other
// worktrees, the integration worktree and .uet/ stay read-only.
//
// The files that tell git where the worktree's repository is (the
// worktree's `.git` file, and `commondir`/`gitdir` in its private git
// directory) sit inside writable directories; re-pointing them would
// redirect the ledger's own git calls. They are bind-mounted read-only for
// the process where a mount namespace can be had, and compared afterwards
// in any case: tampered() puts them back and says so.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/expected.h"
#include "base/sandbox_policy.h"
#include "engine/sandbox.h"

namespace uet::ledger {

class tool_sandbox {
public:
  /// For a step in `worktree` under `policy`. Fails when the worktree's git
  /// layout cannot be read or the temporary directory cannot be made.
  static expected<std::unique_ptr<tool_sandbox>> open(const std::filesystem::path& worktree,
                                                      const sandbox_policy& policy);
  ~tool_sandbox();
  tool_sandbox(const tool_sandbox&) = delete;
  tool_sandbox& operator=(const tool_sandbox&) = delete;

  /// For process_request::sandbox; null when the policy is off.
  std::shared_ptr<const engine::sandbox_rules> rules() const { return rules_; }
  /// TMPDIR, TMP and TEMP: the private temporary directory (none when off).
  std::map<std::string, std::string> env() const;
  /// After the process: "<file> (changed)" for each pointer file it
  /// changed, each put back as it was; empty when none.
  std::vector<std::string> tampered();

private:
  tool_sandbox() = default;
  std::shared_ptr<const engine::sandbox_rules> rules_;
  std::filesystem::path tmp_;
  std::map<std::filesystem::path, std::string> pointers_; ///< file -> content
};

} // namespace uet::ledger
