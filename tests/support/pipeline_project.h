// A throwaway pipeline project for end-to-end tests: a real git repository
// (repo/), uet.yaml, tools.yaml and one YAML file per workstream.
#pragma once

#include <map>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/test_env.h"

namespace uet::test {

class pipeline_project {
public:
  /// tools_yaml is the whole tools.yaml; workstreams maps id -> the rest of
  /// the workstream document (workstream_id is added).
  pipeline_project(const std::string& tools_yaml,
                   const std::map<std::string, std::string>& workstreams,
                   const std::map<std::string, std::string>& repo_files = {
                       {"README.md", "# test repo\n"}});

  const fs::path& root() const { return dir_.path(); }
  fs::path repo() const { return dir_.path() / "repo"; }
  /// A scratch directory beside the project, for tools' counters and pid files.
  fs::path scratch() const { return dir_.path() / "scratch"; }
  /// Writes workstreams/<id>.yaml: body, workstream_id added (as the
  /// constructor does; a test changes a spec between runs with it).
  void write_workstream(const std::string& id, const std::string& body) const;

  engine::process_result run(const std::vector<std::string>& args,
                             std::chrono::milliseconds timeout = std::chrono::seconds(120),
                             std::map<std::string, std::string> env = {}) const;
  /// `status --json` of the latest run.
  nlohmann::json status() const;
  /// git -C repo args..., output trimmed.
  std::string git(const std::vector<std::string>& args) const;
  /// How many commits on the integration branch carry a UET-Patch trailer.
  int patch_commits() const;

private:
  temp_dir dir_{"uet-e2e"};
};

/// tools.yaml with one tool, `sh`: its prompt is a shell script (sh -eu -c).
extern const std::string sh_tool;
/// sh_tool plus `shc`, which also passes the {conflict} text as $1.
extern const std::string sh_and_shc_tools;

/// Lines of $SCRATCH/<name>, where a test's tools and checks count their
/// runs (0 when it does not exist).
int lines_of(const pipeline_project& p, const std::string& name);

/// Every committed patch's commit has the tree its acceptance passed on
/// (`ledger --state committed --json`: commit_sha against verified_tree).
void require_verdict_trees_match(const pipeline_project& p);

/// How many processes have `needle` in their command line (a test's marker
/// in a prompt: what of a run is still running).
int processes_with(const std::string& needle);

/// A workstream document for the `sh` tool: the prompt, one allowed path
/// (glob), its dependencies as YAML, and `extra` YAML appended.
std::string ws(const std::string& prompt, const std::string& scope, const std::string& deps = "[]",
               const std::string& extra = "");

/// Once a tool has written `ready` (polled every 25 ms for up to poll_for),
/// waits `settle`, then sends `sig` to the pid in `pidfile` (default: the
/// pid in `ready`). Join the thread after the run it stops.
std::thread signal_when_written(fs::path ready, std::chrono::milliseconds settle, int sig,
                                std::chrono::milliseconds poll_for = std::chrono::seconds(10),
                                fs::path pidfile = {});

/// A workstream's state in `status --json` ("<missing>" when absent).
std::string ws_state(const nlohmann::json& status, const std::string& id);

} // namespace uet::test
