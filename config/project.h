// The project configuration (SPEC §1, uet.yaml) with its defaults and the
// environment overrides. All paths are absolute after loading: relative ones
// are taken from the project root (the directory holding uet.yaml).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/patch_limits.h"
#include "base/sandbox_policy.h"
#include "config/problem.h"
#include "config/value.h"
#include "messages/vocabulary.h"

namespace uet::config {

struct project_config {
  std::filesystem::path root;
  std::string project;
  std::filesystem::path repo;
  std::string base_ref = "HEAD";
  /// base_policy: follow (a run brings a moved base_ref into the branch
  /// first: ledger/base_follow.h) or pin (the branch stays on the base it
  /// was made from).
  bool follow_base = true;
  std::string integration_branch = "uet/integration";
  std::filesystem::path workstreams_dir;
  std::filesystem::path tools_file;
  std::filesystem::path state_db;
  std::filesystem::path ledger_dir;
  int max_workers = 4;
  std::map<std::string, std::vector<std::string>> phases;
  std::vector<std::string> nodes;
  /// node_tls: {cert, key, ca}: what reaches the nodes over mutual TLS
  /// (the command line's --tls-* win).
  std::filesystem::path node_tls_cert, node_tls_key, node_tls_ca;
  verify_mode verify = verify_mode::identity;
  uet::patch_limits patch_limits; ///< what a change may be; a workstream may override
  /// How tools and acceptance commands are sandboxed, unless a tool says.
  sandbox_policy sandbox;
  /// A workstream without acceptance commands is an error (else a warning):
  /// it would be committed on its tool's exit code alone.
  bool require_acceptance = false;
  /// A dependent may start its edit on its dependencies' patches in the
  /// gate, before they land (docs/architecture.md, "Dependents start
  /// early"); false: only once they are committed.
  bool early_start = true;
  // From the environment only.
  bool dry_run = false;
  bool debug = false;
  engine_kind engine = engine_kind::uet;
};

/// The variables SPEC §1 defines, read once from the process environment.
using env_map = std::map<std::string, std::string>;
env_map read_environment();

/// Defaults for a project rooted at root (no uet.yaml).
project_config default_project(const std::filesystem::path& root);

/// Applies a parsed uet.yaml over the defaults, recording problems.
void apply_project_file(project_config& cfg, const value& doc, const std::string& file,
                        problem_list& out);

/// Applies PIPELINE_DB_PATH, PIPELINE_MAX_WORKERS, PIPELINE_DRY_RUN,
/// UET_PATCH_LEDGER_DIR, UET_DEBUG and PIPELINE_ENGINE; a bad value is a
/// problem in file "environment" naming the variable.
void apply_environment(project_config& cfg, const env_map& env, problem_list& out);

/// True when s is a valid git branch name (the subset of git-check-ref-format
/// rules that matter for a branch we create).
bool is_valid_branch_name(const std::string& s);

} // namespace uet::config
