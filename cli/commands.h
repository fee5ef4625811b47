// One function per subcommand; each returns the process exit code (SPEC §2).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace uet::cli {

int validate_command(bool json);

struct convert_args {
  std::string in;
  std::string out;
  bool check = false;
  bool force = false;
  bool json = false;
};
int convert_command(const convert_args& args);

struct plan_args {
  std::string phase;
  bool json = false;
  bool dot = false;
  std::optional<int> workers;
};
int plan_command(const plan_args& args);

int init_command(const std::string& dir, bool force);

int health_command(bool json);

struct db_args {
  std::string action; ///< migrate, rollback or check
  bool json = false;
};
int db_command(const db_args& args);

struct node_args {
  std::string listen = "127.0.0.1:0";
  int slots = 1;
  std::string tools = "tools.yaml";
  std::string work_dir = ".uet-node";
  std::string id;
  std::string tls_cert, tls_key, tls_ca;
  std::string certs_dir; ///< gen-certs DIR ("" = run the node)
  std::vector<std::string> cert_names = {"node", "coordinator"};
};
/// `node`: a worker node until SIGINT/SIGTERM; `node gen-certs DIR`.
int node_command(const node_args& args);

struct report_args {
  std::string run_id; ///< "" = the latest
  bool metrics = false;
  bool json = false;
  bool prometheus = false;
  std::string html;  ///< write the report page here ("" = no)
  std::string trace; ///< write Chrome trace-event JSON here ("" = no)
};
/// `status --watch`: refreshes every interval_s seconds until the run ends.
int status_watch(const std::string& run_id, double interval_s);
int report_command(const report_args& args);

struct rollback_args {
  std::string run_id;
  bool reset = false;   ///< move the branch back instead of a revert commit
  bool cascade = false; ///< also roll back later runs on top of it
  bool json = false;
};
int rollback_command(const rollback_args& args);

struct ledger_args {
  std::optional<std::string> state; ///< a patch status
  std::optional<std::string> run;   ///< a run id
  bool json = false;
};
int ledger_command(const ledger_args& args);

struct run_args {
  std::string phase; ///< or the workstream id for run-workstream
  bool single_workstream = false;
  std::optional<int> parallel;
  bool dry_run = false;
  std::optional<std::string> engine;
  std::optional<std::uint64_t> seed;
  std::optional<std::string> inject;
  bool json = false;
  /// resume: the run to continue ("" = the latest); phase and options are
  /// read from the database.
  std::optional<std::string> resume;
  /// `--force [IDS...]`: run them (no ids: every selected one) even when
  /// their inputs have not changed.
  bool force = false;
  std::vector<std::string> force_ids;
  /// `--nodes HOST:PORT,...` and the TLS files that reach them.
  std::vector<std::string> nodes;
  std::string tls_cert, tls_key, tls_ca;
};
int run_command(const run_args& args);

/// `__fault KIND SEED -- ARGV...` (args after the command name): runs ARGV
/// as a tool would run, under the adapter fault KIND (engine/fault_plan.h).
int fault_shim(int argc, char** argv);

/// all: every run, newest first (RUN_ID is then ignored).
int status_command(const std::string& run_id, bool json, bool all = false);
int events_command(const std::string& run_id, bool json);

} // namespace uet::cli
