// What the integration branch says about workstream inputs
// (ledger/workstream_inputs.h): each workstream's newest commit with its
// UET-Input trailer, and the base the branch builds on. The branch is the
// truth for what was committed: a run killed between a commit and its
// record in the database still left the trailer.
// Blocking (git processes): call from the run layer or a detached actor.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/expected.h"
#include "engine/environment.h"

namespace uet::ledger {

/// One commit's UET trailers (git log, newest first).
struct trailer_commit {
  std::string sha;
  std::string workstream;            ///< UET-Workstream
  std::string input;                 ///< UET-Input
  std::string run;                   ///< UET-Run
  std::string patch;                 ///< UET-Patch
  std::vector<std::string> rollback; ///< UET-Rollback: the runs it undid
};

/// git log --format= for trailer_commit, and its parser.
extern const char* const trailer_format;
std::vector<trailer_commit> parse_trailer_log(const std::string& log);

struct branch_input {
  std::string commit;      ///< the workstream's newest commit on the branch
  std::string fingerprint; ///< its UET-Input trailer ("" when it has none)
};

/// Workstream id (its UET-Workstream trailer) -> its newest commit. Empty
/// when the branch does not exist.
expected<std::map<std::string, branch_input>> read_input_trailers(engine::environment& env,
                                                                  const std::filesystem::path& repo,
                                                                  const std::string& branch);

/// The newest commit of the branch's first-parent history without a
/// UET-Patch trailer: the commit it was made from, or the last base it
/// merged in, or a commit someone made on it by hand. When the branch does
/// not exist yet: what base_ref names ("" if nothing).
expected<std::string> branch_base(engine::environment& env, const std::filesystem::path& repo,
                                  const std::string& branch, const std::string& base_ref);

} // namespace uet::ledger
