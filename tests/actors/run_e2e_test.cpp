// `uet-actors run` end to end: real actors, real tool processes, a real git
// repository and a real SQLite file, through the real binary.
#include <catch2/catch.hpp>
#include <csignal>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/pipeline_project.h"

using namespace uet::test;

TEST_CASE("run: dependents read what their dependencies wrote, one commit per workstream") {
  // b and c fail unless a's file is already in their worktree, d unless b's and c's are.
  pipeline_project p(sh_tool, {{"a", ws("echo A > a.txt", "a.txt")},
                               {"b", ws("cat a.txt > b.txt; echo B >> b.txt", "b.txt", "[a]")},
                               {"c", ws("cat a.txt > c.txt; echo C >> c.txt", "c.txt", "[a]")},
                               {"d", ws("cat b.txt c.txt > d.txt", "d.txt", "[b, c]")},
                               {"e", ws("echo E > e.txt", "e.txt")}});
  auto r = p.run({"run", "phase-all", "--parallel", "3"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(p.patch_commits() == 5);
  CHECK(p.git({"show", "uet/integration:d.txt"}) == "A\nB\nA\nC");
  auto st = p.status();
  CHECK(st["state"] == "succeeded");
  CHECK(st["counts"]["committed"] == 5);
  // Telemetry: one JSON object per event.
  auto tel = read_text(p.root() / ".uet" / "telemetry.jsonl");
  CHECK(tel.find("\"event\":\"run_finished\"") != std::string::npos);
}

TEST_CASE("run: workers reuse worktrees, and every attempt starts from a clean checkout") {
  // Each tool fails if an earlier attempt's files are still there, or if
  // HEAD is not detached, then leaves ignored files behind. w1's first
  // attempt also leaves an untracked file and fails (a failed attempt's
  // change is never captured); w2's first makes a nested repository with a
  // commit, stages it, switches to a branch of its own, commits, and fails.
  std::map<std::string, std::string> specs;
  for (int i = 1; i <= 6; ++i) {
    auto id = "w" + std::to_string(i);
    std::string first_fails;
    if (i == 1)
      first_fails = "if [ ! -e \"$SCRATCH/w1.once\" ]; then touch \"$SCRATCH/w1.once\" "
                    "stray.txt; exit 1; fi\n";
    if (i == 2)
      first_fails = "if [ ! -e \"$SCRATCH/w2.once\" ]; then touch \"$SCRATCH/w2.once\"\n"
                    "mkdir nested && (cd nested && git init -q && echo n > n.txt && git add n.txt "
                    "&& git -c user.name=t -c user.email=t@t commit -qm n)\n"
                    "git add --all 2>/dev/null; git checkout -q -b tool-w2\n"
                    "git -c user.name=t -c user.email=t@t commit -qm w2; exit 1; fi\n";
    // w3's static check (it runs in the worktree after the edit) makes and
    // stages a nested repository of its own.
    std::string check =
        i == 3 ? "acceptance_criteria:\n  static: [\"mkdir nested2 && cd nested2 && git init -q "
                 "&& echo n > n && git add n && git -c user.name=t -c user.email=t@t commit -qm n "
                 "&& cd .. && git add nested2\"]\n"
               : "";
    specs[id] = ws("pwd >> \"$SCRATCH/dirs\"\ntest ! -e build\ntest ! -e stray.txt\n"
                   "test ! -e nested\ntest ! -e nested2\n! git symbolic-ref -q HEAD\n" +
                       first_fails + "mkdir build && echo junk > build/out.o\necho " + id + " > " +
                       id + ".txt",
                   id + ".txt", "[]", check);
  }
  // Two failed first attempts must not open the tool's circuit breaker.
  // Unconfined: w2's branch of its own is a write the sandbox would deny.
  auto tool = sh_tool + "    circuit_breaker: {minimum_calls: 10, window: 10}\n    sandbox: off\n";
  pipeline_project p(tool, specs, {{"README.md", "# test\n"}, {".gitignore", "build/\n"}});
  fs::create_directories(p.scratch());
  auto r = p.run({"run", "phase-all", "--parallel", "2"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(p.patch_commits() == 6);
  auto st = p.status();
  for (const auto& w : st["workstreams"]) {
    INFO(w.dump());
    CHECK(w["attempts"] == (w["workstream_id"] == "w1" || w["workstream_id"] == "w2" ? 2 : 1));
  }
  std::set<std::string> dirs;
  std::istringstream in(read_text(p.scratch() / "dirs"));
  for (std::string line; std::getline(in, line);)
    dirs.insert(line);
  INFO(read_text(p.scratch() / "dirs"));
  CHECK(dirs.size() <= 2); // eight attempts, two workers: two worktrees
  // w2's commit went nowhere: not on the integration branch; its branch
  // stays where the tool left it.
  CHECK(p.git({"log", "--format=[%s]", "uet/integration"}).find("[w2]") == std::string::npos);
  CHECK(p.git({"log", "-1", "--format=%s", "tool-w2"}) == "w2");
  std::size_t left = 0;
  for (auto& e : fs::directory_iterator(p.root() / ".uet" / "worktrees"))
    left += e.path().filename() != "integration";
  CHECK(left == 0);
}

TEST_CASE("run: an attempt that changes nothing runs no git process in its worktree") {
  // git is a logging shim in front of the real one. Tools that only read
  // leave their worktree untouched (tree_snapshot.h): no `git add`, no
  // `git diff`, no reset or clean between attempts. w's change is staged
  // and printed in-process (stage_in_process.h, diff_in_process.h): no git
  // process either. w writes only its change's file, so its worktree needs
  // no clean either (it holds exactly w's commit), nor does the integration
  // worktree the run adds.
  std::map<std::string, std::string> specs;
  for (int i = 1; i <= 5; ++i)
    specs["r" + std::to_string(i)] = ws("cat README.md > /dev/null", "r.txt");
  specs["w"] = ws("echo w > w.txt", "w.txt", "[r1, r2, r3, r4, r5]");
  pipeline_project p(sh_tool, specs);
  auto bin = p.scratch() / "bin";
  auto real_git = must_run({"sh", "-c", "command -v git"}, p.root());
  real_git.erase(real_git.find_last_not_of("\n") + 1);
  write_file(bin / "git", "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$SCRATCH/git.log\"\nexec " +
                              real_git + " \"$@\"\n");
  fs::permissions(bin / "git", fs::perms::owner_all, fs::perm_options::add);
  auto r = p.run({"run", "phase-all", "--parallel", "2"}, std::chrono::seconds(120),
                 {{"PATH", bin.string() + ":" + std::getenv("PATH")}});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(p.patch_commits() == 1); // w's change is still captured and committed
  auto st = p.status();
  CHECK(st["counts"]["skipped"] == 5);
  std::map<std::string, int> calls;
  std::istringstream log(read_text(p.scratch() / "git.log"));
  for (std::string line; std::getline(log, line);)
    for (const char* verb :
         {" add --all", " diff --cached --binary", " diff --cached --raw", " clean ", " reset "})
      calls[verb] += line.find(verb) != std::string::npos;
  INFO(read_text(p.scratch() / "git.log"));
  CHECK(calls[" add --all"] == 0);           // w's change is staged in-process
  CHECK(calls[" diff --cached --raw"] == 0); // its admission reads the index in-process
  CHECK(calls[" diff --cached --binary"] == 0); // and its patch printed in-process
  CHECK(calls[" clean "] == 0); // the integration worktree is new: a clean checkout
}

TEST_CASE("run: a later run starts the workstreams that took longest before first") {
  // Independent, changing nothing, one worker. With no history the order is
  // file order (a, b, z); z took longest, so the next run starts it first.
  auto noted = [](const std::string& id, const std::string& extra) {
    return ws("echo " + id + " >> \"$SCRATCH/order\"" + extra, id + ".txt");
  };
  pipeline_project p(
      sh_tool, {{"a", noted("a", "")}, {"b", noted("b", "")}, {"z", noted("z", "\nsleep 0.4")}});
  fs::create_directories(p.scratch());
  for (const char* force : {"", "--force"}) { // unchanged, they would not run again
    std::vector<std::string> args{"run", "phase-all", "--parallel", "1"};
    if (*force)
      args.push_back(force);
    auto r = p.run(args);
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
  }
  auto order = read_text(p.scratch() / "order");
  CHECK(order.substr(0, 8) == "a\nb\nz\nz\n"); // a and b after: their few ms may tie either way
}

TEST_CASE("run: a tool that fails twice then succeeds is retried and commits") {
  auto prompt = "n=$(cat \"$SCRATCH/count\" 2>/dev/null || echo 0); n=$((n+1)); "
                "echo $n > \"$SCRATCH/count\"; [ $n -ge 3 ]; echo ok > f.txt";
  pipeline_project p(
      sh_tool, {{"flaky", ws(prompt, "f.txt", "[]",
                             "resilience_policy:\n  max_retries: 2\n  backoff: "
                             "{initial_ms: 10, multiplier: 2.0, max_ms: 100, jitter: 0.1}\n")}});
  auto r = p.run({"run", "phase-all", "--seed", "7"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto st = p.status();
  CHECK(ws_state(st, "flaky") == "committed");
  CHECK(st["workstreams"][0]["attempts"] == 3);
  CHECK(read_text(p.scratch() / "count") == "3\n");
  CHECK(p.patch_commits() == 1);
}

TEST_CASE("run: an always-failing tool trips its breaker, dependents blocked, others commit") {
  const std::string tools = sh_tool + R"(  bad:
    adapter: subprocess
    argv: ["/bin/sh", "-c", "echo spawned >> \"$SCRATCH/spawns\"; exit 1"]
    circuit_breaker: {failure_rate_threshold: 0.5, minimum_calls: 2, window: 4, open_ms: 60000, half_open_calls: 1}
)";
  std::string bad = "title: bad\nexecution_request: {tool_id: bad, prompt: x}\n"
                    "constraints: {file_scope: {allowed_paths: [\"x\"]}}\n"
                    "resilience_policy: {max_retries: 2, backoff: {initial_ms: 5, max_ms: 20}}\n";
  pipeline_project p(tools, {{"bad1", bad},
                             {"bad2", bad},
                             {"bad3", bad},
                             {"after-bad", ws("echo x > y.txt", "y.txt", "[bad1]")},
                             {"good", ws("echo g > g.txt", "g.txt")}});
  auto r = p.run({"run", "phase-all", "--parallel", "1"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  auto st = p.status();
  CHECK(ws_state(st, "bad1") == "quarantined");
  CHECK(ws_state(st, "bad2") == "quarantined");
  CHECK(ws_state(st, "bad3") == "quarantined");
  CHECK(ws_state(st, "after-bad") == "blocked");
  CHECK(ws_state(st, "good") == "committed");
  // 3 workstreams x 3 attempts were asked for; the breaker opened after 2
  // failures, so only 2 processes ever started.
  auto spawns = read_text(p.scratch() / "spawns");
  CHECK(std::count(spawns.begin(), spawns.end(), '\n') == 2);
  auto ev = p.run({"events", "--json"}).output;
  CHECK(ev.find("\"breaker_open\"") != std::string::npos);
  CHECK(ev.find("\"breaker_rejected\"") != std::string::npos);
  CHECK(p.patch_commits() == 1);
}

TEST_CASE("run: a hanging tool is killed at its timeout with its grandchildren") {
  auto prompt = "sleep 300 & echo $! > \"$SCRATCH/grandchild\"; sleep 300";
  // timeout_s is a constraint of the workstream: put it under constraints.
  auto spec = ws(prompt, "x", "[]", "resilience_policy: {max_retries: 0}\n");
  spec.insert(spec.find("constraints:\n") + 13, "  timeout_s: 1\n");
  pipeline_project p(sh_tool, {{"hang", spec}});
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(ws_state(p.status(), "hang") == "quarantined");
  auto pid = std::stoi(read_text(p.scratch() / "grandchild"));
  CHECK(process_ends(pid));
}

TEST_CASE("run: a prompt full of shell metacharacters reaches the tool byte for byte") {
  const std::string tools = R"(tools:
  echo:
    adapter: subprocess
    argv: ["/bin/sh", "-c", "printf '%s' \"$1\" > prompt.txt", "sh", "{prompt}"]
)";
  const std::string prompt = "a $(touch pwned) ; `id` | && > < \"dq\" 'sq' \\ $HOME *\n"
                             "second line\twith tab\n\nlast";
  std::string yaml_prompt; // a YAML double-quoted scalar of the prompt
  for (char c : prompt) {
    if (c == '"' || c == '\\')
      yaml_prompt += '\\';
    if (c == '\n') {
      yaml_prompt += "\\n";
      continue;
    }
    if (c == '\t') {
      yaml_prompt += "\\t";
      continue;
    }
    yaml_prompt += c;
  }
  pipeline_project p(tools,
                     {{"meta", "execution_request:\n  tool_id: echo\n  prompt: \"" + yaml_prompt +
                                   "\"\nconstraints: {file_scope: {allowed_paths: "
                                   "[prompt.txt]}}\n"}});
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto committed =
      must_run({"git", "-C", p.repo().string(), "show", "uet/integration:prompt.txt"}, p.root());
  CHECK(committed == prompt);
  CHECK_FALSE(fs::exists(p.repo() / "pwned"));
}

TEST_CASE("run: a patch outside allowed_paths is quarantined and never applied") {
  pipeline_project p(sh_tool,
                     {{"sneaky", ws("echo x > allowed.txt; echo y > secret.txt", "allowed.txt",
                                    "[]", "resilience_policy: {max_retries: 0}\n")}});
  auto head = p.git({"rev-parse", "HEAD"});
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("secret.txt: outside allowed_paths") != std::string::npos);
  CHECK(ws_state(p.status(), "sneaky") == "quarantined");
  CHECK(p.git({"rev-parse", "uet/integration"}) == head);
  bool quarantined = false;
  for (auto& e : fs::directory_iterator(p.root() / ".uet" / "ledger" / "quarantine"))
    quarantined = quarantined || e.path().extension() == ".json";
  CHECK(quarantined);
}

TEST_CASE("run: a second run of the same project is refused while one is writing") {
  pipeline_project p(sh_tool, {{"slow", ws("sleep 3; echo s > s.txt", "s.txt")}});
  std::thread first([&] { (void)p.run({"run", "phase-all"}); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  auto second = p.run({"run", "phase-all"});
  first.join();
  INFO(second.output);
  CHECK(second.exit_code == 3);
  CHECK(second.output.find("another writer") != std::string::npos);
  CHECK(p.patch_commits() == 1);
}

TEST_CASE("run: Ctrl-C (or a hang-up) ends the tools, marks the run interrupted, exits 130") {
  const int sig = GENERATE(SIGINT, SIGHUP);
  auto prompt = "echo $PPID > \"$SCRATCH/uet.pid\"; sleep 300 & echo $! > \"$SCRATCH/grandchild\"; "
                "sleep 300";
  pipeline_project p(
      sh_tool, {{"long", ws(prompt, "x")}, {"later", ws("echo l > l.txt", "l.txt", "[long]")}});
  auto killer = signal_when_written(p.scratch() / "uet.pid", std::chrono::milliseconds(200), sig);
  auto r = p.run({"run", "phase-all"}, std::chrono::seconds(60));
  killer.join();
  INFO(r.output);
  INFO("signal " << sig);
  CHECK(r.exit_code == 130);
  CHECK(process_ends(std::stoi(read_text(p.scratch() / "grandchild"))));
  auto st = p.status();
  CHECK(st["state"] == "interrupted");
  CHECK(ws_state(st, "later") == "pending");
  auto check = must_run(
      {"sqlite3", (p.root() / ".uet" / "state.db").string(), "PRAGMA integrity_check;"}, p.root());
  CHECK(check == "ok\n");
}

TEST_CASE("run: Ctrl-C during the ledger's verification ends it, quarantines nothing, resumes") {
  // The check hangs once, and only on the integration tree (the ledger's
  // own verification, which `verify: always` asks for), not in the
  // workstream's worktree (RUNTIME).
  auto check = "      case \"$PWD\" in */integration) if [ ! -e \"$SCRATCH/hung\" ]; then\n"
               "        touch \"$SCRATCH/hung\"; echo $PPID > \"$SCRATCH/uet.pid\"\n"
               "        sleep 300 & echo $! > \"$SCRATCH/grandchild\"; sleep 300\n"
               "      fi;; esac\n";
  pipeline_project p(
      sh_tool,
      {{"v",
        ws("echo v > v.txt", "v.txt", "[]",
           std::string("verify: always\nacceptance_criteria:\n  commands:\n    - |\n") + check)}});
  auto head = p.git({"rev-parse", "HEAD"});
  auto ctrl_c = signal_when_written(p.scratch() / "uet.pid", std::chrono::milliseconds(200), SIGINT,
                                    std::chrono::seconds(20));
  auto r = p.run({"run", "phase-all"}, std::chrono::seconds(60));
  ctrl_c.join();
  INFO(r.output);
  CHECK(r.exit_code == 130);
  CHECK(process_ends(std::stoi(read_text(p.scratch() / "grandchild"))));
  auto st = p.status();
  CHECK(st["state"] == "interrupted");
  CHECK(ws_state(st, "v") == "pending");
  CHECK(p.git({"rev-parse", "uet/integration"}) == head);
  auto qdir = p.root() / ".uet" / "ledger" / "quarantine";
  CHECK((!fs::exists(qdir) || fs::is_empty(qdir)));
  auto resumed = p.run({"resume"});
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
  CHECK(p.patch_commits() == 1);
  CHECK(p.git({"show", "uet/integration:v.txt"}) == "v");
}

TEST_CASE("run: while a half-open breaker's trial runs, another call waits for its verdict") {
  // flaky fails once (the breaker opens for 300 ms). When gate (another
  // tool) commits, t1 and t2 start together: t1 is the one trial call, t2
  // must wait for its verdict, not be quarantined.
  const std::string tools = R"(tools:
  flaky:
    adapter: subprocess
    argv: ["/bin/sh", "-eu", "-c", "{prompt}"]
    circuit_breaker: {failure_rate_threshold: 0.5, minimum_calls: 1, window: 4, open_ms: 300, half_open_calls: 1}
  other:
    adapter: subprocess
    argv: ["/bin/sh", "-eu", "-c", "{prompt}"]
)";
  auto spec = [](const std::string& tool, const std::string& prompt, const std::string& file,
                 const std::string& deps) {
    return "title: t\nexecution_request: {tool_id: " + tool + ", prompt: '" + prompt +
           "'}\nconstraints: {file_scope: {allowed_paths: [\"" + file +
           "\"]}}\ndependencies: " + deps + "\nresilience_policy: {max_retries: 0}\n";
  };
  pipeline_project p(tools,
                     {{"bad", spec("flaky", "exit 1", "b.txt", "[]")},
                      {"gate", spec("other", "sleep 2; echo g > g.txt", "g.txt", "[]")},
                      {"t1", spec("flaky", "sleep 1; echo 1 > t1.txt", "t1.txt", "[gate]")},
                      {"t2", spec("flaky", "sleep 1; echo 2 > t2.txt", "t2.txt", "[gate]")}});
  auto r = p.run({"run", "phase-all", "--parallel", "3"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  auto st = p.status();
  CHECK(ws_state(st, "bad") == "quarantined");
  CHECK(ws_state(st, "t1") == "committed");
  CHECK(ws_state(st, "t2") == "committed");
  auto ev = p.run({"events", "--json"}).output;
  CHECK(ev.find("\"breaker_half_open\"") != std::string::npos);
}

TEST_CASE("run: Ctrl-C does not wait out a retry's backoff") {
  pipeline_project p(sh_tool,
                     {{"flaky", ws("echo $PPID > \"$SCRATCH/uet.pid\"; exit 1", "f.txt", "[]",
                                   "resilience_policy: {max_retries: 3, backoff: "
                                   "{initial_ms: 60000, max_ms: 60000, jitter: 0}}\n")}});
  // 500 ms after the tool ran, the run is in the 60 s backoff.
  auto ctrl_c =
      signal_when_written(p.scratch() / "uet.pid", std::chrono::milliseconds(500), SIGINT);
  auto t0 = std::chrono::steady_clock::now();
  auto r = p.run({"run", "phase-all"}, std::chrono::seconds(50));
  ctrl_c.join();
  INFO(r.output);
  CHECK(r.exit_code == 130);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30));
  auto st = p.status();
  CHECK(st["state"] == "interrupted");
  CHECK(ws_state(st, "flaky") == "pending");
}

TEST_CASE("run: a reader that closes the output early does not kill the run") {
  pipeline_project p(sh_tool, {{"a", ws("sleep 1; echo a > a.txt", "a.txt")},
                               {"b", ws("sleep 1; echo b > b.txt", "b.txt", "[a]")}});
  // `| head -c 1`: every write after the first line meets a closed pipe.
  must_run({"/bin/sh", "-c", "\"$0\" -C \"$1\" run phase-all --json | head -c 1 >/dev/null",
            binary().string(), p.root().string()},
           p.root());
  auto st = p.status();
  CHECK(st["state"] == "succeeded");
  CHECK(p.patch_commits() == 2);
}

TEST_CASE("run: --json stays valid when a problem names a file that is not UTF-8") {
  pipeline_project p(sh_tool, {{"bad", ws("printf x > \"$(printf 'bad\\377name.txt')\"", "src/x",
                                          "[]", "resilience_policy: {max_retries: 0}\n")}});
  auto r = p.run({"run", "phase-all", "--json"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  auto nl = r.output.find_last_of('\n', r.output.size() - 2);
  auto last =
      nlohmann::json::parse(r.output.substr(nl == std::string::npos ? 0 : nl + 1), nullptr, false);
  REQUIRE_FALSE(last.is_discarded());
  CHECK(last["event"] == "summary");
  CHECK(last["quarantined"] == 1);
}

TEST_CASE("run: a tool that moves the integration branch itself gets nothing in") {
  // Worktrees share the repository's refs; the ledger alone writes the branch.
  auto sneaky = "c=$(git commit-tree -p uet/integration -m foreign-commit "
                "$(printf '100644 blob %s\\tinjected.txt\\n' $(echo evil | git hash-object -w "
                "--stdin) | git mktree))\n"
                "git update-ref refs/heads/uet/integration $c\necho s > s.txt";
  bool sandboxed = GENERATE(true, false);
  pipeline_project p(
      sh_tool + (sandboxed ? "" : "    sandbox: off\n"),
      {{"sneaky", ws(sneaky, "s.txt")}, {"after", ws("echo a > a.txt", "a.txt", "[sneaky]")}});
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(p.git({"ls-tree", "--name-only", "uet/integration"}).find("injected.txt") ==
        std::string::npos);
  CHECK(p.git({"log", "--format=%s", "uet/integration"}).find("foreign-commit") ==
        std::string::npos);
  if (sandboxed) { // the write is denied, and the tool quarantined for trying
    CHECK(r.exit_code == 1);
    CHECK(p.patch_commits() == 0);
    CHECK(r.output.find("sneaky: QUARANTINED: the sandbox denied a write to " +
                        fs::canonical(p.repo()).string() +
                        "/.git/refs/heads/uet/integration.lock") != std::string::npos);
    return;
  }
  CHECK(r.exit_code == 0); // unconfined, the ledger's guard puts the branch back
  CHECK(p.patch_commits() == 2);
  CHECK(r.output.find("WARNING: the integration branch had been moved outside the ledger") !=
        std::string::npos);
  CHECK(p.run({"events", "--json"}).output.find("\"branch_restored\"") != std::string::npos);
}

TEST_CASE("run-workstream: refused until its dependencies are on the integration branch") {
  // a first writes outside its scope (quarantined), so b, which reads a's
  // file, would otherwise run and commit on a base without it.
  pipeline_project p(sh_tool, {{"a", ws("if [ -e \"$SCRATCH/fixed\" ]; then echo a > a.txt; "
                                        "else echo x > secret.txt; fi",
                                        "a.txt", "[]", "resilience_policy: {max_retries: 0}\n")},
                               {"b", ws("cat a.txt > b.txt", "b.txt", "[a]")},
                               {"noop", ws("true", "n.txt")},
                               {"c", ws("echo c > c.txt", "c.txt", "[noop]")}});
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 1);
  // A dry run "skips" every workstream: that is no evidence a is done.
  REQUIRE(p.run({"run", "phase-all", "--dry-run"}).exit_code == 0);
  auto refused = p.run({"run-workstream", "b"});
  INFO(refused.output);
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("run-workstream: dependencies outside it are not on uet/integration "
                            "yet: b needs a") == 0);
  write_file(p.scratch() / "fixed", "");
  REQUIRE(p.run({"run-workstream", "a"}).exit_code == 0);
  auto b = p.run({"run-workstream", "b"});
  INFO(b.output);
  CHECK(b.exit_code == 0);
  CHECK(p.git({"show", "uet/integration:b.txt"}) == "a");
  // A dependency that changed nothing (skipped) has no commit, and is done.
  auto c = p.run({"run-workstream", "c"});
  INFO(c.output);
  CHECK(c.exit_code == 0);
}

TEST_CASE("run: --dry-run runs the actors and writes the rows, but no tool and no commit") {
  pipeline_project p(
      sh_tool, {{"a", ws("echo a > a.txt", "a.txt")}, {"b", ws("echo b > b.txt", "b.txt", "[a]")}});
  auto head = p.git({"rev-parse", "HEAD"});
  auto r = p.run({"run", "phase-all", "--dry-run"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto st = p.status();
  CHECK(st["counts"]["skipped"] == 2);
  CHECK_FALSE(fs::exists(p.repo() / "a.txt"));
  CHECK(p.git({"rev-parse", "HEAD"}) == head);
}

TEST_CASE("run: --json prints one JSON object per event and a summary") {
  pipeline_project p(sh_tool, {{"a", ws("echo a > a.txt", "a.txt")}});
  auto r = p.run({"run", "phase-all", "--json"});
  REQUIRE(r.exit_code == 0);
  std::size_t start = 0, objects = 0;
  std::string last;
  while (start < r.output.size()) {
    auto nl = r.output.find('\n', start);
    auto line = r.output.substr(start, nl - start);
    start = nl == std::string::npos ? r.output.size() : nl + 1;
    if (line.empty())
      continue;
    INFO(line);
    auto j = nlohmann::json::parse(line); // throws (fails) on anything not JSON
    ++objects;
    last = j["event"];
  }
  CHECK(objects >= 5);
  CHECK(last == "summary");
}

TEST_CASE("resume: a patch committed on the branch but not in the database is repaired") {
  // What a kill between `git commit` and the database update leaves: the
  // branch has b's commit, the database has b's patch 'verified' (or no row).
  pipeline_project p(sh_tool, {{"a", ws("echo a > a.txt", "a.txt")},
                               {"b", ws("echo b > b.txt", "b.txt", "[a]")},
                               {"c", ws("echo c > c.txt", "c.txt")}});
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 0);
  auto db = (p.root() / ".uet" / "state.db").string();
  must_run({"sqlite3", db,
            "UPDATE patch_ledger SET status='verified', committed_at=NULL, commit_sha=NULL "
            "WHERE workstream_id='b'; DELETE FROM patch_ledger WHERE workstream_id='c';"
            "UPDATE workstreams SET state='running', finished_at=NULL "
            "WHERE workstream_id IN ('b','c'); UPDATE uet_runs SET state='running', "
            "finished_at=NULL;"},
           p.root());
  REQUIRE(p.run({"db", "check"}).exit_code == 1);
  auto r = p.run({"resume"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto check = p.run({"db", "check"});
  INFO(check.output);
  CHECK(check.exit_code == 0);
  CHECK(p.patch_commits() == 3);
  auto ledger = nlohmann::json::parse(p.run({"ledger", "--state", "committed", "--json"}).output);
  CHECK(ledger.size() == 3);
  auto st = p.status();
  for (const auto& w : st["workstreams"])
    CHECK(w["attempts"] == 1); // found on the branch: its attempt is kept
}

TEST_CASE("resume: counts what the earlier run skipped as skipped, and refuses lost workstreams") {
  pipeline_project p(sh_tool, {{"noop", ws("true", "n.txt")},
                               {"a", ws("echo a > a.txt", "a.txt")},
                               {"b", ws("echo b > b.txt", "b.txt")}});
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 0);
  auto db = (p.root() / ".uet" / "state.db").string();
  // As if the run had been killed with b not started.
  must_run({"sqlite3", db,
            "UPDATE workstreams SET state='pending', finished_at=NULL WHERE workstream_id='b';"
            "UPDATE uet_runs SET state='running', finished_at=NULL;"},
           p.root());
  auto b_spec = read_text(p.root() / "workstreams" / "b.yaml");
  fs::remove(p.root() / "workstreams" / "b.yaml");
  auto refused = p.run({"resume"});
  INFO(refused.output);
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("resume: run ") == 0);
  CHECK(refused.output.find("b (pending)") != std::string::npos);
  CHECK(p.status()["recorded_state"] == "running"); // untouched (its process is gone: crashed)
  write_file(p.root() / "workstreams" / "b.yaml", b_spec);
  auto r = p.run({"resume", "--json"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto nl = r.output.find_last_of('\n', r.output.size() - 2);
  auto summary = nlohmann::json::parse(r.output.substr(nl + 1));
  CHECK(summary["committed"] == 2);
  CHECK(summary["skipped"] == 1);
  CHECK(p.status()["counts"]["skipped"] == 1);
}

TEST_CASE(
    "resume: a killed run's tools still running are ended before their worktrees are reused") {
  // The first attempt's tool outlives a kill -9 of uet-actors and would
  // write into the worktree the resumed run reuses (same run, same path).
  auto prompt = "if [ ! -e \"$SCRATCH/once\" ]; then touch \"$SCRATCH/once\"\n"
                "  echo $PPID > \"$SCRATCH/uet.pid\"; echo $$ > \"$SCRATCH/tool.pid\"\n"
                "  sleep 300; echo late > late.txt\nfi\necho a > a.txt";
  pipeline_project p(sh_tool, {{"a", ws(prompt, "*.txt")}});
  auto killer = signal_when_written(p.scratch() / "tool.pid", std::chrono::milliseconds(100),
                                    SIGKILL, std::chrono::seconds(10), p.scratch() / "uet.pid");
  auto first = p.run({"run", "phase-all"});
  killer.join();
  REQUIRE(first.signal == SIGKILL);
  auto tool = std::stoi(read_text(p.scratch() / "tool.pid"));
  REQUIRE_FALSE(process_ends(tool)); // orphaned, not ended by anyone yet
  auto r = p.run({"resume"});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("ended 2 process(es) an earlier run left running") != std::string::npos);
  CHECK(process_ends(tool));
  CHECK(p.git({"show", "uet/integration:a.txt"}) == "a");
  CHECK(p.git({"ls-tree", "--name-only", "uet/integration"}).find("late.txt") == std::string::npos);
}

TEST_CASE("run: what a tool started in a session of its own ends with its step") {
  // setsid leaves the tool's process group, which is what a timeout or the
  // step's end kills; its cgroup (or, without one, its environment token)
  // still holds it (engine/containment.h). UET_CONTAINMENT=none keeps it.
  const char* contain = GENERATE("", "none");
  pipeline_project p(sh_tool,
                     {{"a", ws("setsid sh -c 'echo $$ > \"$SCRATCH/daemon.pid\"; exec sleep 60' "
                               "</dev/null >/dev/null 2>&1 &\n"
                               "while [ ! -s \"$SCRATCH/daemon.pid\" ]; do sleep 0.01; done\n"
                               "echo a > a.txt",
                               "a.txt")}});
  std::map<std::string, std::string> env;
  if (*contain)
    env["UET_CONTAINMENT"] = contain;
  auto r = p.run({"run", "phase-all"}, std::chrono::seconds(120), env);
  INFO(contain << "\n" << r.output);
  REQUIRE(r.exit_code == 0);
  auto daemon = std::stoi(read_text(p.scratch() / "daemon.pid"));
  CHECK(process_ends(daemon) == (*contain == '\0'));
  ::kill(daemon, SIGKILL);
}

TEST_CASE("resume: a workstream that has not run again yet keeps its attempt count") {
  pipeline_project p(sh_tool,
                     {{"a", ws("exit 1", "a.txt", "[]", "resilience_policy: {max_retries: 0}\n")}});
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 1);
  // As if the run had been killed with a waiting to be tried again; a now
  // waits for a gate, and the resumed run is killed while the gate runs.
  must_run({"sqlite3", (p.root() / ".uet" / "state.db").string(),
            "UPDATE workstreams SET state='pending'; UPDATE uet_runs SET state='running';"},
           p.root());
  write_file(p.root() / "workstreams" / "gate.yaml",
             "workstream_id: gate\n" +
                 ws("if [ ! -e \"$SCRATCH/once\" ]; then "
                    "touch \"$SCRATCH/once\"; echo $PPID > \"$SCRATCH/uet.pid\"; "
                    "sleep 30; fi",
                    "g.txt"));
  write_file(p.root() / "workstreams" / "a.yaml",
             "workstream_id: a\n" +
                 ws("exit 1", "a.txt", "[gate]", "resilience_policy: {max_retries: 0}\n"));
  auto killer =
      signal_when_written(p.scratch() / "uet.pid", std::chrono::milliseconds(300), SIGKILL);
  auto killed = p.run({"resume"}, std::chrono::seconds(60));
  killer.join();
  REQUIRE(killed.signal == SIGKILL);
  auto attempts_of_a = [&] {
    auto st = p.status(); // a local: the loop must not range over a temporary's member
    for (const auto& w : st["workstreams"])
      if (w["workstream_id"] == "a")
        return w["attempts"].get<int>();
    return -1;
  };
  CHECK(attempts_of_a() == 1);
  auto r = p.run({"resume"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(attempts_of_a() == 2); // numbered after the first run's attempt
}

TEST_CASE("resume: after kill -9 mid-run, every workstream ends committed exactly once") {
  std::map<std::string, std::string> specs;
  std::string prev = "[]";
  for (int i = 1; i <= 6; ++i) {
    auto id = "w" + std::to_string(i);
    specs[id] = ws("echo $PPID > \"$SCRATCH/uet.pid\"; sleep 0.3; echo " + id + " > " + id + ".txt",
                   id + ".txt", i % 2 == 0 ? prev : "[]");
    prev = "[" + id + "]";
  }
  pipeline_project p(sh_tool, specs);
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(900));
    auto pidfile = p.scratch() / "uet.pid";
    for (int i = 0; i < 100 && !fs::exists(pidfile); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ::kill(std::stoi(read_text(pidfile)), SIGKILL);
  });
  auto first = p.run({"run", "phase-all", "--parallel", "2"});
  killer.join();
  INFO(first.output);
  REQUIRE(first.signal == SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(500)); // orphaned tools finish
  auto r = p.run({"resume"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto st = p.status();
  CHECK(st["state"] == "succeeded");
  CHECK(st["counts"]["committed"] == 6);
  CHECK(p.patch_commits() == 6);
  for (int i = 1; i <= 6; ++i) {
    auto id = "w" + std::to_string(i);
    CHECK(p.git({"show", "uet/integration:" + id + ".txt"}) == id);
  }
  auto check = must_run(
      {"sqlite3", (p.root() / ".uet" / "state.db").string(), "PRAGMA integrity_check;"}, p.root());
  CHECK(check == "ok\n");
  // Nothing left behind but the integration worktree.
  std::size_t left = 0;
  for (auto& e : fs::directory_iterator(p.root() / ".uet" / "worktrees"))
    left += e.path().filename() != "integration";
  CHECK(left == 0);
}
