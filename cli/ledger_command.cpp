// `uet-actors ledger`: the patch ledger as the database has it. Reads only:
// the database is opened read-only and never created.
#include <algorithm>
#include <array>
#include <iostream>
#include <map>
#include <set>

#include "base/exit_code.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "config/loader.h"
#include "persistence/migrations.h"
#include "persistence/state_reader.h"

namespace uet::cli {

namespace fs = std::filesystem;
using namespace uet::persistence;

namespace {

json or_null(const std::optional<std::string>& s) {
  return s ? json(*s) : json(nullptr);
}

// The first line of an error message, so each patch stays one table row.
std::string first_line(const std::optional<std::string>& s) {
  if (!s)
    return "";
  return s->substr(0, s->find('\n'));
}

/// (run, workstream) -> the workstream's outcome in that run (workstreams.state).
using outcome_map = std::map<std::pair<std::string, std::string>, std::string>;

/// The outcome of every workstream the rows' runs (and `run`) had: a
/// patch's status and its workstream's outcome are two things, and the
/// table shows both so that `ledger` and `status` agree.
expected<outcome_map> workstream_outcomes(state_reader& reader, const std::vector<patch_row>& rows,
                                          const std::optional<std::string>& run) {
  std::set<std::string> runs;
  for (const auto& r : rows)
    runs.insert(r.run_id);
  if (run)
    runs.insert(*run);
  outcome_map out;
  for (const auto& id : runs) {
    auto ws = reader.workstreams(id);
    if (!ws)
      return ws.error();
    for (const auto& w : *ws)
      out[{id, w.workstream_id}] = w.state;
  }
  return out;
}

std::string outcome_of(const outcome_map& outcomes, const patch_row& r) {
  auto it = outcomes.find({r.run_id, r.workstream_id});
  return it == outcomes.end() ? "-" : it->second;
}

void print_table(const std::vector<patch_row>& rows, const outcome_map& outcomes) {
  std::vector<std::array<std::string, 6>> cells;
  cells.push_back({"PATCH", "WORKSTREAM", "STATUS", "WORKSTREAM ENDED", "COMMIT", "ERROR"});
  for (const auto& r : rows)
    cells.push_back({r.patch_id, r.workstream_id, r.status, outcome_of(outcomes, r),
                     r.commit_sha ? r.commit_sha->substr(0, 12) : "-",
                     first_line(r.error_message)});
  std::array<std::size_t, 6> width{};
  for (const auto& row : cells)
    for (std::size_t c = 0; c < row.size(); ++c)
      width[c] = std::max(width[c], row[c].size());
  for (const auto& row : cells) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size())
        line += std::string(width[c] - row[c].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    std::cout << line << '\n';
  }
}

/// Workstreams quarantined before making a patch (their tool failed): in
/// `status` as quarantined, but no row here; said so rather than left out.
void note_patchless_quarantines(const std::vector<patch_row>& rows, const outcome_map& outcomes) {
  std::set<std::pair<std::string, std::string>> with_patch;
  for (const auto& r : rows)
    with_patch.insert({r.run_id, r.workstream_id});
  std::string list;
  for (const auto& [key, state] : outcomes)
    if (state == "quarantined" && !with_patch.count(key))
      list += (list.empty() ? "" : ", ") + key.second + " (" + key.first + ")";
  if (!list.empty())
    std::cout << "quarantined workstreams without a quarantined patch (their tool failed before "
                 "making one; 'uet-actors status' says why): "
              << list << '\n';
}

} // namespace

int ledger_command(const ledger_args& a) {
  if (a.state) {
    const auto& valid = patch_statuses();
    if (std::find(valid.begin(), valid.end(), *a.state) == valid.end()) {
      std::string list;
      for (const auto& s : valid)
        list += (list.empty() ? "" : ", ") + s;
      std::cerr << "ledger: --state: unknown state '" << *a.state << "' (valid: " << list << ")\n";
      return to_int(exit_code::bad_input);
    }
  }
  config::problem_list problems;
  auto cfg = config::load_project_config(fs::current_path(), config::read_environment(), problems);
  if (config::count_errors(problems)) {
    print_problems(std::cerr, problems);
    std::cerr << "ledger: fix the project configuration first\n";
    return to_int(exit_code::bad_input);
  }
  auto db = database::open_read_only(cfg.state_db);
  if (!db) {
    std::cerr << "ledger: " << db.message() << '\n';
    return to_int(exit_code::internal);
  }
  if (auto v = current_version(*db); !v || *v < 1) {
    std::cerr << "ledger: "
              << (v ? "state db " + cfg.state_db.string() +
                          " has no schema yet (run 'uet-actors db migrate')"
                    : v.message())
              << '\n';
    return to_int(exit_code::internal);
  }
  state_reader reader(*db);
  if (a.run) {
    // A run id that names no run is a typo to report, not an empty ledger.
    auto run = reader.run(*a.run);
    if (!run) {
      std::cerr << "ledger: " << run.message() << '\n';
      return to_int(exit_code::internal);
    }
    if (!*run) {
      std::cerr << "ledger: --run: no run '" << *a.run
                << "' ('uet-actors status' lists the latest)\n";
      return to_int(exit_code::bad_input);
    }
  }
  auto rows = reader.patches(patch_filter{a.state, a.run, false});
  if (!rows) {
    std::cerr << "ledger: " << rows.message() << '\n';
    return to_int(exit_code::internal);
  }
  auto outcomes = workstream_outcomes(reader, *rows, a.run);
  if (!outcomes) {
    std::cerr << "ledger: " << outcomes.message() << '\n';
    return to_int(exit_code::internal);
  }
  if (a.json) {
    json arr = json::array();
    for (const auto& r : *rows)
      arr.push_back(json{{"patch_id", r.patch_id},
                         {"workstream_state", outcome_of(*outcomes, r)},
                         {"run_id", r.run_id},
                         {"workstream_id", r.workstream_id},
                         {"attempt", r.attempt},
                         {"status", r.status},
                         {"created_at", r.created_at},
                         {"applied_at", or_null(r.applied_at)},
                         {"verified_at", or_null(r.verified_at)},
                         {"committed_at", or_null(r.committed_at)},
                         {"commit_sha", or_null(r.commit_sha)},
                         {"error_message", or_null(r.error_message)},
                         {"verified_by", or_null(r.verified_by)},
                         {"verified_tree", or_null(r.verified_tree)}});
    print_json(arr);
  } else if (rows->empty()) {
    std::cout << "no patches" << (a.state ? " in state " + *a.state : "")
              << (a.run ? " in run " + *a.run : "") << '\n';
  } else {
    print_table(*rows, *outcomes);
  }
  if (!a.json && a.state && *a.state == "quarantined")
    note_patchless_quarantines(*rows, *outcomes);
  return 0;
}

} // namespace uet::cli
