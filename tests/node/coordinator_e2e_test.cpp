// `run --nodes` (issue 15): a coordinator and two `uet-actors node`
// processes on loopback with mutual TLS. Every workstream is committed
// once whichever machine ran it; a node killed (kill -9) or silent
// (SIGSTOP) mid-run has its attempts run again elsewhere under the same
// keys; a coordinator killed mid-run is resumed with the nodes still up,
// and they drop the dead one's work.
#include <signal.h>

#include <atomic>
#include <set>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include "tests/support/node_process.h"
#include "tests/support/pipeline_project.h"

using namespace uet;
using namespace uet::test;

namespace {

/// Two nodes (2 slots each) with certificates from one CA, and the
/// coordinator's options that reach them.
class two_nodes {
public:
  explicit two_nodes(const std::string& tools_yaml) {
    auto gen = run_cli({"node", "gen-certs", (dir_ / "certs").string()}, dir_.path());
    INFO(gen.output);
    REQUIRE(gen.exit_code == 0);
    for (const char* id : {"node-a", "node-b"}) {
      auto tls = certs_of(dir_ / "certs", "node");
      nodes_.push_back(std::make_unique<node_process>(
          dir_ / id,
          std::vector<std::string>{"--id", id, "--work-dir", (dir_ / id / "work").string(),
                                   "--tls-cert", tls.cert.string(), "--tls-key", tls.key.string(),
                                   "--tls-ca", tls.ca.string()},
          tools_yaml));
      REQUIRE(nodes_.back()->port() != 0);
    }
  }
  node_process& a() { return *nodes_[0]; }
  node_process& b() { return *nodes_[1]; }
  /// `--nodes A,B --tls-cert ... --tls-key ... --tls-ca ...`
  std::vector<std::string> options() const {
    auto tls = certs_of(dir_ / "certs", "coordinator");
    return {"--nodes",    nodes_[0]->address() + "," + nodes_[1]->address(),
            "--tls-cert", tls.cert.string(),
            "--tls-key",  tls.key.string(),
            "--tls-ca",   tls.ca.string()};
  }

private:
  temp_dir dir_{"uet-nodes"};
  std::vector<std::unique_ptr<node_process>> nodes_;
};

/// A run's limit: generous, for a sanitized build on a loaded machine.
constexpr std::chrono::seconds run_limit{400};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

/// One column of a query on the project's state database.
std::vector<std::string> column(const pipeline_project& p, const std::string& sql) {
  SQLite::Database db((p.root() / ".uet" / "state.db").string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, sql);
  std::vector<std::string> out;
  while (q.executeStep())
    out.push_back(q.getColumn(0).getString());
  return out;
}

/// Waits until a step of the project's run is running on `node`; false
/// after `limit`.
bool running_on(const pipeline_project& p, const std::string& node,
                std::chrono::seconds limit = std::chrono::seconds(60)) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    try {
      if (!column(p, "SELECT step_attempt_id FROM step_attempts WHERE state = 'running' AND "
                     "node = '" +
                         node + "'")
               .empty())
        return true;
    } catch (const SQLite::Exception&) { // not made yet, or busy
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

/// n independent workstreams, each sleeping then writing its file, with an
/// acceptance command that checks it.
std::map<std::string, std::string> sleepers(int n, const std::string& sleep) {
  std::map<std::string, std::string> specs;
  for (int i = 0; i < n; ++i) {
    auto id = "s" + std::to_string(10 + i);
    specs[id] = ws("sleep " + sleep + "; echo " + id + " > " + id + ".txt", id + ".txt", "[]",
                   "acceptance_criteria:\n  commands: [\"test -s " + id + ".txt\"]\n");
  }
  return specs;
}

void require_all_committed_once(const pipeline_project& p, int n) {
  CHECK(p.patch_commits() == n);
  auto st = p.status();
  for (const auto& w : st["workstreams"])
    CHECK(w["state"] == "committed");
  auto check = p.run({"db", "check"});
  INFO(check.output);
  CHECK(check.exit_code == 0);
}

} // namespace

TEST_CASE("nodes: a coordinator and 2 nodes (mutual TLS) run a 40-workstream DAG, each "
          "workstream committed once, both nodes worked, the tree is a local run's") {
  // Four layers of ten: w<i> builds on w<i-10>, and its check reads both files.
  std::map<std::string, std::string> specs;
  for (int i = 0; i < 40; ++i) {
    auto id = "w" + std::to_string(10 + i);
    std::string deps = "[]";
    std::string check = "test -s " + id + ".txt";
    if (i >= 10) {
      auto dep = "w" + std::to_string(i);
      deps = "[" + dep + "]";
      check += " && test -s " + dep + ".txt";
    }
    specs[id] = ws("sleep 0.2; echo " + id + " > " + id + ".txt", id + ".txt", deps,
                   "acceptance_criteria:\n  commands: [\"" + check + "\"]\n");
  }
  two_nodes nodes(sh_tool);
  pipeline_project remote(sh_tool, specs);
  auto r = remote.run(with({"run", "phase-all", "--parallel", "1"}, nodes.options()), run_limit);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("worker node node-a (127.0.0.1:") != std::string::npos);
  require_all_committed_once(remote, 40);
  auto used = column(remote, "SELECT DISTINCT coalesce(node, 'local') FROM step_attempts "
                             "WHERE step = 'edit' ORDER BY 1");
  CHECK(used == std::vector<std::string>{"local", "node-a", "node-b"});
  // Checks run here, where the ledger commits what they verified.
  CHECK(column(remote, "SELECT 1 FROM step_attempts WHERE step != 'edit' AND node IS NOT NULL")
            .empty());
  CHECK(remote.run({"status"}).output.find("node-a") != std::string::npos);

  pipeline_project local(sh_tool, specs);
  auto l = local.run({"run", "phase-all", "--parallel", "2"}, run_limit);
  INFO(l.output);
  REQUIRE(l.exit_code == 0);
  CHECK(remote.git({"rev-parse", "uet/integration^{tree}"}) ==
        local.git({"rev-parse", "uet/integration^{tree}"}));
}

TEST_CASE("nodes: kill -9 of a node mid-run: its attempts run again elsewhere under the same "
          "keys, every workstream committed once") {
  two_nodes nodes(sh_tool);
  pipeline_project p(sh_tool, sleepers(10, "1.5"));
  std::thread killer([&] {
    if (running_on(p, "node-a")) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      ::kill(nodes.a().pid(), SIGKILL);
    }
  });
  auto r = p.run(with({"run", "phase-all", "--parallel", "1"}, nodes.options()), run_limit);
  killer.join();
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  require_all_committed_once(p, 10);
  auto lost = column(p, "SELECT workstream_id FROM step_attempts WHERE node = 'node-a' AND "
                        "state = 'failed' AND error LIKE '%node-a%lost%'");
  REQUIRE_FALSE(lost.empty());
  for (const auto& id : lost) { // a later attempt of the same workstream landed it
    auto later = column(p, "SELECT coalesce(node, 'local') FROM step_attempts WHERE "
                           "workstream_id = '" +
                               id +
                               "' AND step = 'edit' AND state = "
                               "'succeeded'");
    CHECK(later.size() == 1);
    CHECK(later != std::vector<std::string>{"node-a"});
  }
  // The run's log says which node went, once.
  auto events = column(p, "SELECT json_extract(payload, '$.node') FROM run_events WHERE "
                          "event_type = 'node_lost'");
  CHECK(events == std::vector<std::string>{"node-a"});
  // node-b kept its connection: nothing of its was lost.
  CHECK(
      column(p, "SELECT 1 FROM step_attempts WHERE node = 'node-b' AND state = 'failed'").empty());
}

TEST_CASE("nodes: a silent node (SIGSTOP) is given up within heartbeat + timeout, after "
          "SIGCONT it drops the work, nothing lands twice") {
  two_nodes nodes(sh_tool);
  pipeline_project p(sh_tool, sleepers(8, "1"));
  std::atomic<std::int64_t> stopped_at{0};
  std::thread stopper([&] {
    if (running_on(p, "node-a")) {
      ::kill(nodes.a().pid(), SIGSTOP);
      stopped_at = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
    }
  });
  auto r = p.run(with({"run", "phase-all", "--parallel", "1"}, nodes.options()), run_limit);
  stopper.join();
  ::kill(nodes.a().pid(), SIGCONT);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  REQUIRE(stopped_at > 0);
  require_all_committed_once(p, 8);
  // Given up 1 s heartbeat + 5 s timeout after it went silent (and a
  // margin for a loaded machine), not at the tool's own 30 s limit.
  auto ends = column(p, "SELECT CAST(ROUND((julianday(finished_at) - 2440587.5) * 86400000) AS "
                        "INTEGER) FROM step_attempts WHERE node = 'node-a' AND state = 'failed'");
  REQUIRE_FALSE(ends.empty());
  for (const auto& end : ends)
    CHECK(std::stoll(end) - stopped_at < 15000);
  // Woken, it finds its coordinator's connection gone and stops that work:
  // a late result has nowhere to go.
  bool dropped = false;
  for (int i = 0; i < 200 && !dropped; ++i) {
    dropped = nodes.a().read_out().find("stopped ") != std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(dropped);
  CHECK(p.patch_commits() == 8);
}

TEST_CASE("nodes: kill -9 of the coordinator mid-run, resume with the nodes still up: every "
          "workstream committed once, the nodes dropped the dead run's work") {
  auto specs = sleepers(6, "2");
  // a's check says who the coordinator is (checks run on the coordinator,
  // wherever the tool ran) and is where it is killed, the nodes busy.
  specs["a"] = ws("echo a > a.txt", "a.txt", "[]",
                  "acceptance_criteria:\n  commands: [\"echo $PPID > $SCRATCH/uet.pid; touch "
                  "$SCRATCH/a.testing; sleep 3\"]\n");
  two_nodes nodes(sh_tool);
  pipeline_project p(sh_tool, specs);
  auto killer = signal_when_written(p.scratch() / "a.testing", std::chrono::milliseconds(500),
                                    SIGKILL, std::chrono::seconds(30), p.scratch() / "uet.pid");
  auto first = p.run(with({"run", "phase-all", "--parallel", "1"}, nodes.options()), run_limit);
  killer.join();
  INFO(first.output);
  REQUIRE(first.signal == SIGKILL);
  CHECK(p.patch_commits() == 0);
  auto r = p.run(with({"resume"}, nodes.options()), run_limit);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  require_all_committed_once(p, 7);
  auto said = nodes.a().read_out() + nodes.b().read_out();
  CHECK(said.find("stopped ") != std::string::npos);
}

TEST_CASE("nodes: a node that cannot be reached or lacks a tool the run uses stops the run "
          "before anything is written, naming it") {
  temp_dir d("uet-nodes");
  node_process other(d / "other", {"--id", "node-other"},
                     "tools:\n  other:\n    argv: [\"/bin/true\"]\n");
  REQUIRE(other.port() != 0);
  pipeline_project p(sh_tool, sleepers(2, "0"));
  auto lacks = p.run({"run", "phase-all", "--nodes", other.address()});
  INFO(lacks.output);
  CHECK(lacks.exit_code == 2);
  CHECK(lacks.output.find("node node-other (" + other.address() +
                          ") has no tool 'sh', which this run uses; its tools.yaml lists: "
                          "other") != std::string::npos);
  auto gone = p.run({"run", "phase-all", "--nodes", "127.0.0.1:1"});
  INFO(gone.output);
  CHECK(gone.exit_code == 3);
  CHECK(gone.output.find("connecting to node 127.0.0.1:1") != std::string::npos);
  auto beyond = p.run({"run", "phase-all", "--nodes", "192.0.2.7:7420"});
  CHECK(beyond.exit_code == 2);
  CHECK(beyond.output.find("needs mutual TLS") != std::string::npos);
  // Nothing ran: no run is recorded, the branch was never made.
  CHECK(p.run({"status"}).exit_code != 0);
  CHECK(p.patch_commits() == 0);
}

TEST_CASE("nodes: a dependent started early edits on a node, on its dependency's speculative "
          "commit") {
  // One local slot, held by a through its check: b, ready as soon as a's
  // patch is in the gate, goes to a node. Its tool reads a.txt, which only
  // a's speculative commit holds, so the bundle must carry that commit; a's
  // check waits (up to 30 s, for a sanitized build) for b's tool to have started.
  pipeline_project p(sh_tool, {{"a", ws("echo a > a.txt", "a.txt", "[]",
                                        "acceptance_criteria:\n  commands: [\"for i in $(seq "
                                        "600); do test -e $SCRATCH/b.started && break; sleep "
                                        "0.05; done; date +%s%N > $SCRATCH/a.checked\"]\n")}});
  // b's tool runs on a node, whose environment has no $SCRATCH: the path
  // is written out, and the node's tool may write there.
  const auto scratch = p.scratch().string();
  p.write_workstream("b", ws("date +%s%N > " + scratch + "/b.started; cat a.txt > b.txt", "b.txt",
                             "[a]", "acceptance_criteria:\n  commands: [\"grep -qx a b.txt\"]\n"));
  two_nodes nodes(sh_tool + "    sandbox:\n      write: [\"" + scratch + "\"]\n");
  auto r = p.run(with({"run", "phase-all", "--parallel", "1"}, nodes.options()), run_limit);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  require_all_committed_once(p, 2);
  auto b_edits = column(p, "SELECT coalesce(node, 'local') FROM step_attempts WHERE "
                           "workstream_id = 'b' AND step = 'edit'");
  REQUIRE(b_edits.size() == 1); // one attempt: its base was right the first time
  CHECK(b_edits[0] != "local");
  CHECK(std::stoll(read_text(p.scratch() / "b.started")) <
        std::stoll(read_text(p.scratch() / "a.checked")));
  CHECK(p.git({"show", "uet/integration:b.txt"}) == "a");
  require_verdict_trees_match(p);
}
