// uet-actors run PHASE / run-workstream ID / resume [RUN_ID]: parses into a
// run request, hands it to the run layer (run/run_session.h), and prints
// what came back: the summary, or the error with its exit code.
// Ctrl-C (SIGINT), SIGTERM or SIGHUP: running tools are ended, the run is
// recorded as interrupted, exit 130.
#include <iostream>
#include <map>
#include <sys/resource.h>
#include <unistd.h>

#include "base/exit_code.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "run/run_session.h"

namespace uet::cli {

namespace {

exit_code exit_code_of(const msg::run_summary& s) {
  if (!s.stopped_because.empty())
    return exit_code::interrupted; // stopped cleanly; `resume` finishes it
  if (!s.db_error.empty())
    return exit_code::internal; // the run's record is incomplete
  switch (s.state) {
  case run_state::succeeded:
    return exit_code::ok;
  case run_state::interrupted:
    return exit_code::interrupted;
  case run_state::pending:
  case run_state::running:
  case run_state::failed:
    return exit_code::partial;
  }
  return exit_code::partial;
}

int injected(const run::fault_report& f) {
  int n = 0;
  for (const auto& t : f.faults)
    n += t.injected;
  return n;
}

json faults_json(const run::run_result& r) {
  json out = json::array();
  for (const auto& t : r.faults->faults)
    out.push_back({{"fault", t.fault},
                   {"injected", t.injected},
                   {"recovered", t.recovered},
                   {"absorbed", t.absorbed},
                   {"quarantined", t.quarantined},
                   {"unfinished", t.unfinished},
                   {"retried", t.retried}});
  return out;
}

/// This process's largest resident set so far (the orchestrator alone: git
/// and tools are other processes).
long peak_rss_kb() {
  rusage self{};
  ::getrusage(RUSAGE_SELF, &self);
  return self.ru_maxrss;
}

void print_json_summary(const run::run_result& r, int code) {
  const auto& s = *r.summary;
  // One more JSON line after the events: the run's result.
  auto problems = s.problems;
  if (!s.db_error.empty() && s.db_error != s.stopped_because)
    problems.push_back("state database: " + s.db_error);
  json j{{"event", "summary"},
         {"run_id", s.run_id},
         {"state", to_string(s.state)},
         {"committed", s.committed},
         {"quarantined", s.quarantined},
         {"blocked", s.blocked},
         {"skipped", s.skipped},
         {"total", s.total},
         {"elapsed_ms", s.elapsed_ms},
         {"peak_rss_kb", peak_rss_kb()},
         {"committed_unchecked", s.unchecked},
         {"skipped_unchanged", s.unchanged},
         {"problems", problems},
         {"exit_code", code}};
  if (!s.stopped_because.empty())
    j["stopped_because"] = s.stopped_because;
  if (r.faults) {
    j["inject"] = r.plan.inject;
    j["seed"] = r.plan.seed;
    j["faults"] = faults_json(r);
    j["breakers_opened"] = r.faults->breakers_opened;
  }
  std::cout << j.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
}

/// The summary's problems, with the workstreams blocked by one failure in
/// one line ("blocked by fmt-round (5): a, b, c, d, e") instead of five
/// copies of its reason, which the failed one's own line gives.
std::vector<std::string> problem_lines(const std::vector<std::string>& problems) {
  std::vector<std::string> out;
  std::map<std::string, std::vector<std::string>> blocked_by; // dependency -> blocked ids
  std::vector<std::string> order;
  for (const auto& p : problems) {
    auto at = p.find(": blocked: dependency ");
    auto failed = at == std::string::npos ? at : p.find(" failed: ", at);
    if (failed == std::string::npos) {
      out.push_back(p);
      continue;
    }
    auto dep = p.substr(at + 22, failed - at - 22);
    if (blocked_by[dep].empty())
      order.push_back(dep);
    blocked_by[dep].push_back(p.substr(0, at));
  }
  for (const auto& dep : order) {
    const auto& ids = blocked_by[dep];
    std::string line = "blocked by " + dep + " (" + std::to_string(ids.size()) + "):";
    for (std::size_t i = 0; i < ids.size() && i < 20; ++i)
      line += (i ? ", " : " ") + ids[i];
    if (ids.size() > 20)
      line += ", ... (status lists all)";
    out.push_back(line);
  }
  return out;
}

int print_summary(const run::run_result& r, bool json_mode) {
  const auto& s = *r.summary;
  int code = to_int(exit_code_of(s));
  if (json_mode) {
    print_json_summary(r, code);
    return code;
  }
  const auto& ctx = *r.context;
  auto& out = std::cout;
  out << "run " << s.run_id << ": " << to_string(s.state) << ": " << s.committed << " committed, "
      << s.skipped << " skipped"
      << (s.unchanged ? " (" + std::to_string(s.unchanged) + " unchanged)" : std::string()) << ", "
      << s.quarantined << " quarantined, " << s.blocked << " blocked of " << s.total << " in "
      << s.elapsed_ms / 1000.0 << " s\n";
  if (s.unchecked)
    out << "  " << s.unchecked << " of the committed had no acceptance command: committed on their "
        << "tool's exit code alone (require_acceptance: true in uet.yaml refuses that)\n";
  for (const auto& line : problem_lines(s.problems))
    out << "  " << line << '\n';
  if (!s.stopped_because.empty())
    out << "  stopped: " << s.stopped_because << '\n';
  if (r.faults) {
    out << "faults injected (--inject '" << r.plan.inject << "' --seed " << r.plan.seed
        << "): " << (r.faults->empty() ? "none fell" : std::to_string(injected(*r.faults))) << '\n';
    for (const auto& line : run::fault_lines(*r.faults))
      out << "  " << line << '\n';
  }
  if (!s.db_error.empty() && s.db_error != s.stopped_because)
    out << "  state database: " << s.db_error << " (this run's record is incomplete)\n";
  if (!r.plan.dry_run)
    out << "integration branch: " << ctx.project.integration_branch << " (git log --oneline "
        << ctx.project.integration_branch << ")\n";
  out << "details: uet-actors status " << s.run_id << "; logs in "
      << config::display_path(ctx.project.root, ctx.logs_dir) << '\n';
  return code;
}

/// A dry run says what a real run would start, and why.
void print_predictions(const actors::run_context& ctx) {
  const auto& predicted = ctx.inputs.predicted;
  std::size_t same = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) {
    if (predicted[i].verdict == ledger::input_verdict::unchanged)
      ++same;
    else
      std::cout << "  " << ctx.spec(static_cast<std::uint32_t>(i)).id << ": "
                << describe(predicted[i]) << '\n';
  }
  std::cout << "  " << same << " of " << predicted.size()
            << " unchanged since their last result (not run; --force runs them)\n";
}

void print_header(const actors::run_context& ctx, const run::run_plan& plan) {
  std::cout << (plan.resumed ? "resuming run " : "run ") << ctx.run_id << ": "
            << ctx.target.to_phase_id() << ", " << plural(ctx.workstreams.size(), "workstream")
            << ", "
            << (ctx.engine == engine_kind::legacy ? "legacy engine (sequential)"
                                                  : plural(ctx.parallel, "worker"))
            << (plan.dry_run ? ", dry run" : "") << '\n';
  if (plan.dry_run)
    print_predictions(ctx);
  std::cout << std::flush;
}

run::run_request to_request(const run_args& a) {
  run::run_request r;
  r.target = {a.single_workstream ? run_target::kind::workstream : run_target::kind::phase,
              a.phase};
  r.parallel = a.parallel;
  r.dry_run = a.dry_run;
  if (a.engine)
    r.engine = parse_engine_kind(*a.engine); // the command line accepts only known names
  r.seed = a.seed;
  r.inject = a.inject;
  r.resume = a.resume;
  r.force = a.force;
  r.force_ids = a.force_ids;
  return r;
}

} // namespace

int run_command(const run_args& a) {
  // Messages name the command the user typed.
  const std::string cmd = a.resume ? "resume" : a.single_workstream ? "run-workstream" : "run";
  auto project = run::load_checked_project(std::filesystem::current_path());
  if (project.errors) {
    print_problems(std::cerr, project.bundle.problems);
    std::cerr << cmd << ": the project is invalid ("
              << count_words(project.errors, project.warnings)
              << "); fix it first ('uet-actors validate')\n";
    return to_int(exit_code::bad_input);
  }
  run::run_options opts;
  opts.report =
      a.json ? actors::report_mode::json
             : (::isatty(STDOUT_FILENO) ? actors::report_mode::tty : actors::report_mode::plain);
  opts.note = [&](const std::string& line) { std::cerr << cmd << ": " << line << '\n'; };
  if (!a.json)
    opts.on_start = print_header;
  opts.nodes = a.nodes;
  opts.node_tls = {a.tls_cert, a.tls_key, a.tls_ca};
  auto r = run::execute(to_request(a), std::move(project), opts);
  if (!r) {
    std::cerr << cmd << ": " << r.message() << '\n';
    return to_int(exit_code_for(r.kind()));
  }
  if (!r->nothing_to_do.empty()) {
    std::cout << cmd << ": " << r->nothing_to_do << '\n';
    return to_int(exit_code::ok);
  }
  if (!r->warning.empty())
    std::cerr << cmd << ": warning: " << r->warning << '\n';
  return print_summary(*r, a.json);
}

} // namespace uet::cli
