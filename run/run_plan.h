// The first, pure step of a run: what the user asked (run_request), with
// what an interrupted run left in the database when it is resumed
// (resume_record), becomes what will run (run_plan). No file, process or
// clock is touched here: the caller passes the new run id and seed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.h"
#include "config/loader.h"
#include "messages/vocabulary.h"
#include "persistence/ledger_check.h"
#include "persistence/state_reader.h"

namespace uet::run {

/// `run PHASE`, `run-workstream ID` or `resume [RUN_ID]`, as typed.
struct run_request {
  run_target target; ///< ignored on resume: the run's own
  std::optional<int> parallel;
  bool dry_run = false;
  std::optional<engine_kind> engine;
  std::optional<std::uint64_t> seed;
  /// --inject SPEC (engine/fault_plan.h); on resume, replaces the run's own
  /// ("none" drops it).
  std::optional<std::string> inject;
  /// resume: the run to continue ("" = the latest); its target and options
  /// come from the database.
  std::optional<std::string> resume;
  /// `--force [IDS...]`: run them (no ids: all) even if unchanged.
  bool force = false;
  std::vector<std::string> force_ids = {};
};

/// What the database holds of the run `resume` continues.
struct resume_record {
  persistence::run_row run;
  std::map<std::string, persistence::workstream_row> workstreams;
  std::map<std::string, persistence::db_patch> patches; ///< every run's, by id
};

struct run_plan {
  std::string run_id;
  bool resumed = false;
  run_target target;
  engine_kind engine = engine_kind::uet;
  bool dry_run = false;
  int parallel = 1;
  std::uint64_t seed = 0;
  std::string inject;           ///< the faults to inject, normalized; "" for none
  std::vector<std::string> ids; ///< the workstreams it runs, in file order
  bool selects_all = false;     ///< ids are every workstream of the project
};

/// Merges a resumed run's target and options (the request's own --parallel
/// --seed and --inject win), checks the selection and settles engine, workers, seed
/// and dry run. Fails (kind bad_input) on an unknown phase or workstream or
/// a resumed run the database describes in a way this build cannot read.
expected<run_plan> resolve_run(const run_request& req, const config::project_bundle& bundle,
                               const resume_record* resume, const std::string& new_run_id,
                               std::uint64_t random_seed);

/// The run's options as uet_runs.options_json stores them.
std::string options_json(const run_plan& plan);

} // namespace uet::run
