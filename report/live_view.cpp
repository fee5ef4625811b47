#include "report/live_view.h"

#include <algorithm>

#include "base/clock.h"
#include "report/run_report.h"
#include "report/svg_charts.h"

namespace uet::report {

namespace {

bool finished_state(const std::string& s) {
  return s == "committed" || s == "quarantined" || s == "blocked" || s == "skipped";
}

std::string fit(std::string line, int width) {
  if (width > 3 && line.size() > std::size_t(width))
    line = line.substr(0, std::size_t(width) - 3) + "...";
  return line;
}

std::string bar(std::int64_t done, std::int64_t total, int width) {
  width = std::max(10, width);
  int filled = total ? int(double(done) / double(total) * width) : 0;
  return "[" + std::string(std::size_t(filled), '#') +
         std::string(std::size_t(width - filled), '.') + "]";
}

std::string counts_text(const live_snapshot& s) {
  std::string out;
  for (const auto& [state, n] : s.counts)
    out += (out.empty() ? "" : ", ") + std::to_string(n) + ' ' + state;
  return out;
}

} // namespace

expected<live_snapshot> read_live(persistence::database& db, const std::string& run_id,
                                  double now) {
  persistence::state_reader reader(db);
  auto run = reader.run(run_id);
  if (!run)
    return run.error();
  if (!*run)
    return fail(error_kind::bad_input, "no run '" + run_id + "'");
  live_snapshot s;
  s.run = **run;
  s.state = s.run.state;
  const double start = iso8601_seconds(s.run.started_at);
  const double end = s.run.finished_at ? iso8601_seconds(*s.run.finished_at) : now;
  s.elapsed_s = start < 0 ? 0 : std::max(0.0, end - start);
  auto counts = reader.workstream_counts(run_id);
  auto steps = reader.step_attempts(run_id);
  auto patches = reader.patch_counts(run_id);
  if (!counts)
    return counts.error();
  if (!steps)
    return steps.error();
  if (!patches)
    return patches.error();
  s.counts = *counts;
  for (const auto& [state, n] : s.counts) {
    s.total += n;
    s.done += finished_state(state) ? n : 0;
  }
  for (const auto& [state, n] : *patches)
    if (!ledger_end_state(state) && n > 0)
      s.ledger[state] = n;
  for (const auto& a : *steps) {
    if (!a.finished_at && s.run.state == "running")
      s.running.push_back(
          {a.workstream_id, a.step, a.attempt, std::max(0.0, now - iso8601_seconds(a.started_at))});
    else if (a.finished_at && failed_step(a.state))
      s.failures.push_back({a.workstream_id, a.step, *a.finished_at, a.error.value_or(a.state)});
  }
  std::sort(s.running.begin(), s.running.end(),
            [](const auto& a, const auto& b) { return a.for_s > b.for_s; });
  std::sort(s.failures.begin(), s.failures.end(),
            [](const auto& a, const auto& b) { return a.at > b.at; });
  if (s.failures.size() > 3)
    s.failures.resize(3);
  return s;
}

std::vector<std::string> live_screen(const live_snapshot& s, int width, std::size_t max_running) {
  std::vector<std::string> out;
  out.push_back("run " + s.run.run_id + " (" + s.run.phase_id + "): " + s.state + ", " +
                fixed(s.elapsed_s, 1) + " s");
  out.push_back(bar(s.done, s.total, std::min(width, 100) - 20) + ' ' + std::to_string(s.done) +
                '/' + std::to_string(s.total) + " done");
  out.push_back("  " + counts_text(s));
  out.push_back("running (" + std::to_string(s.running.size()) + ", " +
                std::to_string(s.run.max_workers) + " slots):");
  for (std::size_t i = 0; i < s.running.size() && i < max_running; ++i) {
    const auto& r = s.running[i];
    out.push_back("  " + r.workstream_id + "  " + r.step + " (attempt " +
                  std::to_string(r.attempt) + ")  " + fixed(r.for_s, 1) + " s");
  }
  if (s.running.size() > max_running)
    out.push_back("  ... and " + std::to_string(s.running.size() - max_running) + " more");
  std::string ledger;
  for (const auto& [state, n] : s.ledger)
    ledger += (ledger.empty() ? "" : ", ") + std::to_string(n) + ' ' + state;
  out.push_back("ledger: " + (ledger.empty() ? std::string("empty") : ledger));
  out.push_back("last failures:" + std::string(s.failures.empty() ? " none" : ""));
  for (const auto& f : s.failures)
    out.push_back("  " + f.at.substr(11, 12) + "  " + f.workstream_id + " " + f.step + ": " +
                  f.error);
  for (auto& line : out)
    line = fit(line, width);
  return out;
}

std::string live_line(const live_snapshot& s, bool with_clock) {
  std::string line = (with_clock ? fixed(s.elapsed_s, 1) + " s " : std::string()) + s.state + ": " +
                     std::to_string(s.done) + '/' + std::to_string(s.total) + " done (" +
                     counts_text(s) + ")";
  if (!s.running.empty()) {
    line += ", " + std::to_string(s.running.size()) + " running:";
    for (std::size_t i = 0; i < s.running.size() && i < 5; ++i)
      line += (i ? ", " : " ") + s.running[i].workstream_id;
    if (s.running.size() > 5)
      line += ", ...";
  }
  std::int64_t queued = 0;
  for (const auto& [state, n] : s.ledger)
    queued += n;
  if (queued)
    line += "; ledger " + std::to_string(queued);
  return line;
}

} // namespace uet::report
