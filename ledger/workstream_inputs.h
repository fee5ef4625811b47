// What a workstream's commit is built from (its "inputs", like Nextflow's
// task hash or Bazel's action key): its spec, its tool's definition, the
// base the integration branch follows, and the commits of its dependencies
// it was built on. A workstream whose inputs equal those recorded with its
// last result on the branch is not run again: its tool is not started.
// Pure: hashing only (git's SHA-1 through object_store.h), no git process.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/tools.h"
#include "config/workstream.h"

namespace uet::ledger {

struct workstream_inputs {
  /// "prompt", "tool", "scope", "acceptance", "settings" -> a hash of each
  /// (spec_parts); which one changed is the reason a workstream runs again.
  std::map<std::string, std::string> parts;
  /// The commit the integration branch builds on: the newest commit of its
  /// first-parent history that no run made (where it was made from, or the
  /// base it last brought in). A colleague's commit there is an input too.
  std::string base;
  /// Each dependency -> its newest commit on the branch ("" none yet).
  std::map<std::string, std::string> deps;

  /// One hash of all of the above (the UET-Input trailer).
  std::string fingerprint() const;
};

/// The parts of a workstream's spec and of its tool's tools.yaml entry that
/// decide what its tool does and how it is checked; the title, priority and
/// retry settings are not among them.
std::map<std::string, std::string> spec_parts(const config::workstream_spec& ws,
                                              const config::tool_spec* tool);

/// What a workstream's last result recorded: from its workstream_inputs
/// event, or only from the UET-Input trailer of its newest commit (then
/// inputs is none, and a change cannot be named more precisely).
struct input_record {
  std::string run_id;
  std::string fingerprint;
  std::string commit; ///< the workstream's newest commit when recorded ("" none)
  std::optional<workstream_inputs> inputs;
};

/// Why a workstream must run, given its inputs now and its record (null:
/// none); "" when unchanged. commit_on_branch(c): c is on the integration
/// branch (a record whose commit is gone, after a reset, is void).
std::string why_run(const workstream_inputs& now, const input_record* record,
                    const std::function<bool(const std::string&)>& commit_on_branch);

/// What a run would do with a workstream, predicted before it starts.
enum class input_verdict : std::uint8_t {
  unchanged, ///< not run: its inputs are those of its last result
  runs,      ///< its own inputs changed (reason says which)
  may_run,   ///< a dependency runs: it runs if that one's patch changes
};

struct input_prediction {
  input_verdict verdict = input_verdict::runs;
  std::string reason; ///< "" when unchanged
};

/// "runs (prompt changed)", "runs if lib-format's patch changes", "unchanged".
std::string describe(const input_prediction& p);

/// The event payload's "inputs" object and back (nullopt: not one).
std::string inputs_json(const workstream_inputs& in);
std::optional<workstream_inputs> parse_inputs_json(const std::string& text);

} // namespace uet::ledger
