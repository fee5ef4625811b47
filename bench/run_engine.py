#!/usr/bin/env python3
"""Run-engine benchmarks of `uet-actors run`, with peers run in the same go.

Entry points are the shell wrappers (they check prerequisites first):
  bench/run_dry.sh       [N ...]   dry runs of N no-op workstreams
  bench/run_makespan.sh            46-task mixed DAG of sleeps, 4 workers
  bench/run_parallel.sh            10 x `sleep 1`: --parallel N vs --engine legacy
  bench/run_real.sh      [N ...]   N trivial real workstreams on a 20-file repo
Each writes its inputs and scratch under bench/out/ and prints Markdown
tables. Environment: RUNS (runs per measurement; medians are reported).

Python 3 standard library only. Nothing here is part of the product or CI.
"""
import argparse
import bisect
import collections
import datetime as dt
import heapq
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out")
# BUILD_DIR: another build (e.g. of the tree before a change, in a clone) to
# measure beside this one in the same go.
BUILD = os.path.abspath(os.environ.get("BUILD_DIR") or os.path.join(ROOT, "build"))
GIT_ENV = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@localhost",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@localhost")

# --------------------------------------------------------------------------
# helpers


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def snapshot_binary(tag, build=None):
    """Copies build/uet-actors (or build's) so that a concurrent rebuild
    cannot swap the binary in the middle of a series of runs."""
    build = os.path.abspath(build or BUILD)
    src = os.path.join(build, "uet-actors")
    if not os.access(src, os.X_OK):
        sys.exit(src + " is missing: run scripts/build.sh first")
    bindir = os.path.join(OUT, "bin")
    os.makedirs(bindir, exist_ok=True)
    dst = os.path.join(bindir, "uet-actors." + tag)
    tmp = dst + ".tmp%d" % os.getpid()
    shutil.copy2(src, tmp)
    os.replace(tmp, dst)
    subprocess.run([dst, "--version"], check=True, stdout=subprocess.DEVNULL)
    mtime = dt.datetime.fromtimestamp(os.path.getmtime(src), dt.timezone.utc)
    tree = os.path.dirname(build)
    head = subprocess.run(["git", "-C", tree, "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    log("binary: %s built %s (tree %s at %s + uncommitted changes), snapshot %s"
        % (src, mtime.strftime("%Y-%m-%d %H:%M UTC"), tree, head, os.path.relpath(dst, ROOT)))
    print("Binary: %s (tree at %s).\n" % (src, head))
    print("Run of %s; load average at start %.1f (2 cores).\n"
          % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.getloadavg()[0]))
    return dst


def timed(cmd, cwd, stdout_path=None, env=None, wrap=None):
    """Runs cmd under /usr/bin/time. Returns dict: wall (s, monotonic),
    rss_mb, rc, t_launch/t_exit (epoch s), stdout (text if stdout_path)."""
    fd, tf = tempfile.mkstemp(prefix="uet-bench-time-")
    os.close(fd)
    out = open(stdout_path, "w") if stdout_path else subprocess.DEVNULL
    full = ["/usr/bin/time", "-f", "%e %M", "-o", tf] + (wrap or []) + list(cmd)
    errf = tempfile.TemporaryFile()
    t_launch = time.time()
    p0 = time.perf_counter()
    proc = subprocess.Popen(full, cwd=cwd, stdout=out, stderr=errf, env=env)
    # CPU of the measured program's own threads (utime + stime) and of the
    # children it has waited for (cutime + cstime), sampled from /proc until
    # it exits (the last few ms are lost).
    cpu_own = cpu_children = 0.0
    threads = {}  # tid -> (name, cpu s), last seen
    tick = os.sysconf("SC_CLK_TCK")
    target = None
    while proc.poll() is None:
        try:
            if target is None:
                kids = open("/proc/%d/task/%d/children" % (proc.pid, proc.pid)).read().split()
                if wrap:  # time -> strace -> program: follow one more level
                    kids = [k for c in kids for k in
                            open("/proc/%s/task/%s/children" % (c, c)).read().split()]
                target = int(kids[0]) if kids else None
            if target is not None:
                f = open("/proc/%d/stat" % target).read().rsplit(")", 1)[1].split()
                cpu_own = (int(f[11]) + int(f[12])) / tick
                cpu_children = (int(f[13]) + int(f[14])) / tick
                for tid in os.listdir("/proc/%d/task" % target):
                    try:
                        st = open("/proc/%d/task/%s/stat" % (target, tid)).read()
                    except OSError:
                        continue
                    comm = st[st.index("(") + 1:st.rindex(")")]
                    g = st.rsplit(")", 1)[1].split()
                    threads[tid] = (comm, (int(g[11]) + int(g[12])) / tick)
        except (OSError, IndexError, ValueError):
            pass
        time.sleep(0.02)
    wall = time.perf_counter() - p0
    t_exit = time.time()
    errf.seek(0)
    stderr = errf.read()
    errf.close()
    if stdout_path:
        out.close()
    lines = [l for l in open(tf).read().splitlines() if l.strip()]
    os.unlink(tf)
    rss_kb = int(lines[-1].split()[1]) if lines else 0
    res = {"wall": wall, "rss_mb": rss_kb / 1024.0, "rc": proc.returncode, "t_launch": t_launch,
           "t_exit": t_exit, "stderr": stderr.decode(errors="replace"), "cpu_own": cpu_own,
           "cpu_children": cpu_children, "cpu_threads": collections.Counter()}
    for name, c in threads.values():
        res["cpu_threads"][name] += c
    if stdout_path:
        res["stdout"] = open(stdout_path, errors="replace").read()
    return res


SUMMARY_RE = re.compile(r"^run (\S+): (\w+): (\d+) committed, (\d+) skipped, (\d+) quarantined, "
                        r"(\d+) blocked of (\d+) in ([0-9.]+) s", re.M)


def parse_summary(stdout):
    m = SUMMARY_RE.search(stdout)
    if not m:
        return None
    return {"run_id": m.group(1), "state": m.group(2), "committed": int(m.group(3)),
            "skipped": int(m.group(4)), "quarantined": int(m.group(5)),
            "blocked": int(m.group(6)), "total": int(m.group(7)),
            "elapsed": float(m.group(8))}


def iso(ts):
    """'2026-11-23T15:10:23.521Z' -> epoch seconds."""
    if ts is None:
        return None
    return dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=dt.timezone.utc).timestamp()


def db_query(path, sql, args=()):
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def run_uet(binary, proj, args, tag):
    """One `uet-actors run` in proj; returns timings plus the run's DB
    timeline (launch -> run row written -> finished_at -> exit)."""
    stdout_path = os.path.join(proj, ".bench-stdout-%s.txt" % tag)
    r = timed([binary, "run"] + args, proj, stdout_path)
    s = parse_summary(r["stdout"])
    if s is None:
        raise SystemExit("no run summary from %s %s (rc %d):\n%s\n%s"
                         % (proj, args, r["rc"], r["stdout"][-2000:], r["stderr"][-2000:]))
    r["summary"] = s
    db = os.path.join(proj, ".uet", "state.db")
    row = db_query(db, "select started_at, finished_at from uet_runs where run_id = ?",
                   (s["run_id"],))[0]
    r["t_started"], r["t_finished"] = iso(row[0]), iso(row[1])
    r["load"] = r["t_started"] - r["t_launch"]    # load + validate + locks + db open
    r["span"] = r["t_finished"] - r["t_started"]  # actors: first to last state change
    r["tail"] = r["t_exit"] - r["t_finished"]     # remaining db writes + printing + exit
    return r


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def f2(x):
    return "%.2f" % x


def f3(x):
    return "%.3f" % x


def git(repo, *args, stdin=None):
    return subprocess.run(["git", "-C", repo] + list(args), check=True, capture_output=True,
                          text=True, input=stdin, env=GIT_ENV).stdout


def make_repo(path, files):
    """A fresh git repository with one commit holding files {relpath: text}."""
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    for rel, text in files.items():
        full = os.path.join(path, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)
    subprocess.run(["git", "init", "-q", "-b", "main", path], check=True, env=GIT_ENV)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "base")


def write_project(proj, tools_yaml, workstreams, workers, repo="repo"):
    """workstreams: list of dicts id, prompt, tool, allowed, deps, priority."""
    os.makedirs(os.path.join(proj, "workstreams"), exist_ok=True)
    for f in os.listdir(os.path.join(proj, "workstreams")):
        os.unlink(os.path.join(proj, "workstreams", f))
    with open(os.path.join(proj, "uet.yaml"), "w") as f:
        f.write("project: %s\nrepo: %s\nmax_workers: %d\n"
                % (json.dumps("bench-" + os.path.basename(proj)), repo, workers))
    with open(os.path.join(proj, "tools.yaml"), "w") as f:
        f.write(tools_yaml)
    for w in workstreams:
        lines = ["workstream_id: %s" % w["id"], "title: %s" % w.get("title", w["id"])]
        if w.get("priority"):
            lines.append("priority: %d" % w["priority"])
        lines += ["execution_request:", "  tool_id: %s" % w["tool"],
                  "  prompt: %s" % json.dumps(w["prompt"]),
                  "constraints:", "  file_scope:",
                  "    allowed_paths: %s" % json.dumps(w["allowed"])]
        if w.get("commands"):
            lines += ["acceptance_criteria:", "  commands: %s" % json.dumps(w["commands"])]
        if w.get("deps"):
            lines.append("dependencies: [%s]" % ", ".join(w["deps"]))
        with open(os.path.join(proj, "workstreams", w["id"] + ".yaml"), "w") as f:
            f.write("\n".join(lines) + "\n")


SLEEP_TOOL = """tools:
  sleep:
    adapter: subprocess
    argv: ["sleep", "{prompt}"]
    timeout_s: 60
"""


def write_peers(proj, names, deps, commands):
    """The same DAG as a Makefile and a build.ninja (targets never exist, so
    every run runs every recipe)."""
    with open(os.path.join(proj, "Makefile"), "w") as f:
        f.write(".PHONY: all %s\nall: %s\n" % (" ".join(names), " ".join(names)))
        for n in names:
            f.write("%s:%s\n\t@%s\n" % (n, "".join(" " + d for d in deps[n]), commands[n]))
    with open(os.path.join(proj, "build.ninja"), "w") as f:
        f.write("rule run\n  command = $cmd\n")
        for n in names:
            f.write("build %s: run%s\n  cmd = %s\n" % (
                n, (" |" + "".join(" " + d for d in deps[n])) if deps[n] else "", commands[n]))
        f.write("build all: phony %s\ndefault all\n" % " ".join(names))


def run_make(proj, jobs):
    return timed(["make", "-s", "-j%d" % jobs, "all"], proj)["wall"]


def run_ninja(proj, jobs):
    for f in (".ninja_log", ".ninja_deps"):
        try:
            os.unlink(os.path.join(proj, f))
        except FileNotFoundError:
            pass
    return timed(["ninja", "-j%d" % jobs, "all"], proj)["wall"]


def reset_uet_state(proj, repo_files=None):
    shutil.rmtree(os.path.join(proj, ".uet"), ignore_errors=True)
    if repo_files is not None:
        make_repo(os.path.join(proj, "repo"), repo_files)


# --------------------------------------------------------------------------
# 1. dry runs

# The product's write statements (persistence/state_writer.cpp), for the
# SQLite floor: the same rows in one transaction, from Python.
SQL_WS_STATE = (
    "INSERT INTO workstreams (run_id, workstream_id, state, attempts, started_at, finished_at,"
    " reason, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (run_id, workstream_id) DO UPDATE SET state = excluded.state,"
    " attempts = excluded.attempts,"
    " started_at = COALESCE(workstreams.started_at, excluded.started_at),"
    " finished_at = excluded.finished_at, reason = excluded.reason,"
    " updated_at = excluded.updated_at")


def ws_row(run, ws, state, attempts, ts, reason):
    """The upsert's parameters: started_at and finished_at worked out from
    the state, as persistence/state_writer.cpp binds them."""
    final = state in ("committed", "quarantined", "blocked", "skipped")
    return (run, ws, state, attempts, ts if state == "running" else None, ts if final else None,
            reason, ts)


SQL_EVENT = ("INSERT INTO run_events (run_id, workstream_id, event_type, timestamp, payload)"
             " VALUES (?, ?, ?, ?, ?)")


def strip_checks(sql):
    """Removes every CHECK (...) clause from a CREATE TABLE statement."""
    out, i = [], 0
    while True:
        j = sql.find("CHECK (", i)
        if j < 0:
            out.append(sql[i:])
            return "".join(out)
        out.append(sql[i:j])
        depth, k = 0, j + len("CHECK ")
        while True:
            if sql[k] == "(":
                depth += 1
            elif sql[k] == ")":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        i = k + 1


def in_to_or(sql):
    """x IN ('a', 'b', ...) -> (x = 'a' OR x = 'b' OR ...): the same test,
    but SQLite compiles it to comparisons instead of filling an ephemeral
    b-tree with the list on every execution."""
    def rep(m):
        items = [i.strip() for i in m.group(2).split(",")]
        return "(" + " OR ".join("%s = %s" % (m.group(1), i) for i in items) + ")"
    return re.sub(r"(\??\w+) IN \(((?:\s*'[^']*'\s*,?)+)\)", rep, sql)


def sqlite_floor(schema_db, n, workdir, mode="product"):
    """Seconds to write what a dry run of n workstreams writes (3 upserts and
    2 events per workstream, the run row twice) with the product's SQL,
    schema and pragmas, in one transaction, from Python. mode "or": every
    IN list (CHECK constraints and the upsert) written as OR chains;
    "nocheck": CHECK constraints dropped."""
    checks = mode != "nocheck"
    ws_sql = in_to_or(SQL_WS_STATE) if mode == "or" else SQL_WS_STATE
    path = os.path.join(workdir, "floor-%s.db" % mode)
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(path + suffix)
        except FileNotFoundError:
            pass
    ddl = [r[0] for r in db_query(schema_db, "select sql from sqlite_master where sql is not null"
                                  " and name not like 'sqlite_%' order by type desc")]
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    for s in ddl:
        con.execute(strip_checks(s) if mode == "nocheck" else in_to_or(s) if mode == "or" else s)
    ids = ["ws-%06d" % i for i in range(n)]
    ts = "2026-11-23T10:00:00.000Z"
    run = "run-floor"
    t0 = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO uet_runs (run_id, project_id, phase_id, state, engine, max_workers,"
                " started_at, options) VALUES (?, 'p', 'phase-all', 'running', 'uet', 4, ?, '{}')",
                (run, ts))
    con.executemany(ws_sql, [ws_row(run, i, "pending", 0, ts, None) for i in ids])
    con.execute(SQL_EVENT, (run, None, "run_started", ts, '{"dry_run":true}'))
    for i in ids:
        con.execute(ws_sql, ws_row(run, i, "running", 1, ts, None))
        con.execute(SQL_EVENT, (run, i, "workstream_started", ts, '{"attempt":1,"tool":"noop"}'))
        con.execute(ws_sql, ws_row(run, i, "skipped", 1, ts, "dry run"))
        con.execute(SQL_EVENT, (run, i, "workstream_skipped", ts,
                                '{"attempts":1,"commit":"","reason":"dry run"}'))
    con.execute("UPDATE uet_runs SET state = 'succeeded', finished_at = ? WHERE run_id = ?",
                (ts, run))
    con.execute(SQL_EVENT, (run, None, "run_finished", ts, "{}"))
    con.execute("COMMIT")
    t = time.perf_counter() - t0
    con.close()
    return t


def cmd_dry(a):
    sizes = a.sizes or [1000, 2000, 5000, 10000]
    runs = a.runs
    binary = snapshot_binary("dry")
    gen = os.path.join(BUILD, "uet-bench-gen")
    base = os.path.join(OUT, "run-dry")
    rows, brk, counts, peers = [], [], [], []
    per_ws = {}
    for n in sizes:
        proj = os.path.join(base, str(n))
        shutil.rmtree(proj, ignore_errors=True)
        subprocess.run([gen, proj, str(n)], check=True, stdout=subprocess.DEVNULL)
        res = []
        v_walls, nin, mk, fl, fl_or, fl_nc = [], [], [], [], [], []
        for k in range(runs):
            # Interleaved with the peers, so that noise hits every column alike.
            reset_uet_state(proj)
            r = run_uet(binary, proj, ["phase-all", "--dry-run", "--parallel", str(a.parallel)],
                        "dry")
            if r["summary"]["skipped"] != n or r["rc"] != 0:
                raise SystemExit("dry run of %d: unexpected summary %s rc %d"
                                 % (n, r["summary"], r["rc"]))
            res.append(r)
            v_walls.append(timed([binary, "validate"], proj)["wall"])
            nin.append(timed(["ninja", "-n", "-j%d" % a.parallel], proj)["wall"])
            mk.append(timed(["make", "-n", "-j%d" % a.parallel, "all"], proj)["wall"])
            db = os.path.join(proj, ".uet", "state.db")
            fl.append(sqlite_floor(db, n, base, "product"))
            fl_or.append(sqlite_floor(db, n, base, "or"))
            fl_nc.append(sqlite_floor(db, n, base, "nocheck"))
        # Row counts of the last run (each run starts from an empty .uet/).
        db = os.path.join(proj, ".uet", "state.db")
        run_id = res[-1]["summary"]["run_id"]
        c = {t: db_query(db, "select count(*) from %s where run_id = ?" % t, (run_id,))[0][0]
             for t in ("uet_runs", "workstreams", "run_events", "step_attempts", "patch_ledger")}
        by_state = dict(db_query(db, "select state, count(*) from workstreams where run_id = ?"
                                 " group by state", (run_id,)))
        tele = sum(1 for _ in open(os.path.join(proj, ".uet", "telemetry.jsonl")))
        counts.append((n, c["uet_runs"], c["workstreams"], by_state, c["run_events"],
                       2 * n + 2, tele, c["step_attempts"], c["patch_ledger"]))
        wall = median([r["wall"] for r in res])
        per_ws[n] = wall / n
        rows.append([n, f3(wall), "%.0f" % (n / wall), "%.0f" % median([r["rss_mb"] for r in res]),
                     "%.0f" % max(r["rss_mb"] for r in res),
                     "%.1f" % (1e6 * wall / n)])
        brk.append([n, f3(median([r["load"] for r in res])), f3(median(v_walls)),
                    f3(median([r["span"] for r in res])),
                    "%.0f" % (n / median([r["span"] for r in res])),
                    f3(median([r["tail"] for r in res])), f3(wall)])
        peers.append([n, f3(wall), f3(median(v_walls)), f3(median(nin)), f3(median(mk)),
                      f3(median(fl)), f3(median(fl_or)), f3(median(fl_nc))])
        log("dry %d: wall %.3f s" % (n, wall))
    print("### Dry run: `run phase-all --dry-run --parallel %d` (median of %d)\n" % (a.parallel,
                                                                                     runs))
    print(md_table(["N", "wall (s)", "workstreams/s", "RSS median (MB)", "RSS max (MB)",
                    "µs per workstream"], rows))
    if len(sizes) > 1:
        lo, hi = sizes[0], sizes[-1]
        print("\nLinearity: wall per workstream at %d is %.2fx that at %d (1.00x = linear)."
              % (hi, per_ws[hi] / per_ws[lo], lo))
    print("\n### Where the wall time goes (medians, s)\n")
    print("load = process start to the run's row (parse + validate + locks + db open); span = "
          "run started_at to finished_at (actors; every state change sent); tail = "
          "finished_at to exit (last database writes, last output, shutdown).\n")
    print(md_table(["N", "load", "(`validate` alone)", "span", "workstreams/s in span", "tail",
                    "wall"], brk))
    print("\n### Peers in the same go (medians, s)\n")
    print(md_table(["N", "uet dry run", "uet validate", "ninja -n", "make -n",
                    "SQLite floor: same rows, product SQL + schema, 1 txn (Python)",
                    "same, IN lists as OR chains", "same, no CHECK constraints"], peers))
    print("\n### Rows written by the last run\n")
    print(md_table(["N", "uet_runs", "workstreams", "workstreams by state", "run_events",
                    "expected events (2N+2)", "telemetry.jsonl lines", "step_attempts",
                    "patch_ledger"],
                   [[c[0], c[1], c[2], ", ".join("%s %d" % kv for kv in sorted(c[3].items())),
                     c[4], c[5], c[6], c[7], c[8]] for c in counts]))


PROFILE_ROWS = [
    ("whole run (instructions)", "PROGRAM TOTALS"),
    ("config::load_project: parse + validate, both threads (config/loader.cpp)", "uet::config::load_project(std"),
    ("  of which yaml-cpp's parser (YAML::Parser::HandleNextDocument)", "YAML::Parser::HandleNextDocument("),
    ("persistence write_pending (actors/persistence_actor.cpp)", "(anonymous namespace)::write_pending("),
    ("  state_writer::write: SQLite (persistence/state_writer.cpp)", "state_writer::write(std::vector"),
    ("    of which run_events inserts (multi-row)", "statements::append<uet::persistence::event_appended>("),
    ("    of which workstreams upserts (multi-row)", "statements::append<uet::persistence::workstream_state_changed>("),
    ("    sqlite3BtreeCreateTable (ephemeral b-trees for IN lists)", "sqlite3BtreeCreateTable"),
    ("    sqlite3BtreeOpen (ephemeral b-trees)", "???:sqlite3BtreeOpen"),
    ("    sqlite3BtreeClose (ephemeral b-trees)", "???:sqlite3BtreeClose"),
    ("    memset (all callers; almost all SQLite zeroing ephemeral pages)", "memset-vec-unaligned-erms.S"),
    ("telemetry_line: telemetry + --json lines (persistence/telemetry_line.cpp)", "persistence/telemetry_line.cpp:uet::persistence::telemetry_line["),
    ("reporter: one line per event (actors/reporter_actor.cpp)", "reporter_actor.cpp:caf::trivial_match_case<uet::actors::reporter_behavior"),
    ("scheduler actor (actors/scheduler_actor.cpp)", "scheduler_actor.cpp:_ZN3caf18trivial_match_caseIZN3uet6actors18scheduler_behavior"),
    ("workstream actors (actors/workstream_actor.cpp)", "workstream_actor.cpp:caf::trivial_match_case<uet::actors::workstream_behavior"),
    ("iso8601_now (base/clock.cpp)", "base/clock.cpp:uet::iso8601_now["),
]


def cmd_dry_profile(a):
    """callgrind of one dry run (instructions, so machine noise does not
    matter): inclusive cost of the parts that matter, as % of the run."""
    n = a.sizes[0] if a.sizes else 1000
    binary = snapshot_binary("dry-profile")
    proj = os.path.join(OUT, "run-dry", "profile-%d" % n)
    shutil.rmtree(proj, ignore_errors=True)
    subprocess.run([os.path.join(BUILD, "uet-bench-gen"), proj, str(n)], check=True,
                   stdout=subprocess.DEVNULL)
    out = os.path.join(proj, "callgrind.out")
    subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, binary, "run",
                    "phase-all", "--dry-run", "--parallel", str(a.parallel)], cwd=proj,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # From the project directory: run elsewhere, callgrind_annotate splits
    # some functions by how it resolves their source paths.
    ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", out],
                         cwd=proj, capture_output=True, text=True).stdout.splitlines()
    cost = {}
    for label, pat in PROFILE_ROWS:
        best = 0
        for line in ann:
            m = re.match(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$", line)
            if m and pat in m.group(2):
                best = max(best, int(m.group(1).replace(",", "")))
        cost[label] = best
    total = cost[PROFILE_ROWS[0][0]]
    print("### callgrind of `run phase-all --dry-run` on %d workstreams (inclusive "
          "instructions)\n" % n)
    rows = [[label, "{:,}".format(c), "%.1f%%" % (100.0 * c / total)]
            for label, c in cost.items()]
    print(md_table(["part", "instructions", "share"], rows))
    ev = cost[PROFILE_ROWS[5][0]]
    up = cost[PROFILE_ROWS[6][0]]
    print("\nPer row: a run_events insert costs %.0f k instructions (%d rows); a workstreams "
          "upsert %.0f k (%d executions: pending, running, skipped per workstream). Raw "
          "profile: %s (callgrind_annotate --inclusive=yes)."
          % (ev / 1000.0 / (2 * n + 2), 2 * n + 2, up / 1000.0 / (3 * n), 3 * n,
             os.path.relpath(out, ROOT)))


# --------------------------------------------------------------------------
# 2. makespan of a 46-task mixed DAG


def mixed_dag(seed, n):
    """Chains, joins and loose tasks; durations 50..400 ms (the shape of
    bench/makespan_sim.cpp). Returns durations (ms) and deps by index."""
    rng = random.Random(seed)
    dur, deps = [], []
    for i in range(n):
        dur.append(rng.randint(50, 400))
        d = []
        if i > 0:
            shape = rng.randrange(10)
            if shape < 3:
                d = [i - 1]
            elif shape < 6:
                d = sorted({rng.randrange(i) for _ in range(1 + rng.randrange(3))})
        deps.append(d)
    return dur, deps


def levels(dur, deps):
    """Bottom level (longest path from a node to a sink, node included)."""
    n = len(dur)
    succ = [[] for _ in range(n)]
    for i, ds in enumerate(deps):
        for d in ds:
            succ[d].append(i)
    lv = [0.0] * n
    for i in reversed(range(n)):  # indexes are topological
        lv[i] = dur[i] + max((lv[s] for s in succ[i]), default=0)
    return lv


def depth_nodes(deps):
    dep = [1] * len(deps)
    for i, ds in enumerate(deps):
        dep[i] = 1 + max((dep[d] for d in ds), default=0)
    return max(dep)


def simulate(dur, deps, workers, key):
    """Zero-overhead list scheduling: whenever a worker is free, start the
    ready task with the smallest key. Returns the makespan (ms)."""
    n = len(dur)
    succ = [[] for _ in range(n)]
    waiting = [len(ds) for ds in deps]
    for i, ds in enumerate(deps):
        for d in ds:
            succ[d].append(i)
    ready = [(key(i), i) for i in range(n) if waiting[i] == 0]
    heapq.heapify(ready)
    running, now, free = [], 0.0, workers
    while ready or running:
        while free and ready:
            _, i = heapq.heappop(ready)
            heapq.heappush(running, (now + dur[i], i))
            free -= 1
        now, i = heapq.heappop(running)
        free += 1
        for s in succ[i]:
            waiting[s] -= 1
            if waiting[s] == 0:
                heapq.heappush(ready, (key(s), s))
    return now


def pick_dag(seed, n, cp_target, work_target):
    """The first seed from `seed` whose DAG has a critical path within 3% of
    cp_target and total work within 3% of work_target (both ms)."""
    for s in range(seed, seed + 100000):
        dur, deps = mixed_dag(s, n)
        cp, work = max(levels(dur, deps)), sum(dur)
        if abs(cp - cp_target) <= 0.03 * cp_target and abs(work - work_target) <= 0.03 * work_target:
            return s, dur, deps
    raise SystemExit("no DAG found near the targets")


def dag_project(proj, names, dur_ms, deps_by_name, workers, priorities=None, scale=1.0):
    """A uet project (tool: sleep {prompt}) plus Makefile and build.ninja
    running the same sleeps. scale=0: every sleep is 0 (pure overhead)."""
    ws, cmds = [], {}
    for n in names:
        secs = "%.3f" % (dur_ms[n] * scale / 1000.0)
        ws.append({"id": n, "title": "sleep %s" % secs, "tool": "sleep", "prompt": secs,
                   "allowed": ["out/%s" % n], "deps": deps_by_name[n],
                   "priority": (priorities or {}).get(n, 0)})
        cmds[n] = "sleep %s" % secs
    write_project(proj, SLEEP_TOOL, ws, workers)
    write_peers(proj, names, deps_by_name, cmds)


def cmd_makespan(a):
    runs, workers = a.runs, a.workers
    binary = snapshot_binary("makespan")
    seed, dur, deps = pick_dag(a.seed, a.tasks, 1900, 10000)
    n = len(dur)
    # Names carry no hint of the structure: uet breaks ties by file name,
    # make follows the order of `all`'s prerequisites.
    perm = list(range(n))
    random.Random(seed).shuffle(perm)
    names_of = {i: "t%02d" % perm[i] for i in range(n)}
    names = sorted(names_of.values())
    dur_ms = {names_of[i]: dur[i] for i in range(n)}
    deps_by_name = {names_of[i]: sorted(names_of[d] for d in deps[i]) for i in range(n)}
    lv = levels(dur, deps)
    unit_lv = levels([1] * n, deps)
    cp, work = max(lv), sum(dur)
    bound = max(cp, work / workers)
    name_rank = {names_of[i]: r for r, i in enumerate(sorted(range(n), key=lambda i: names_of[i]))}
    rank = [name_rank[names_of[i]] for i in range(n)]
    sim_uet = simulate(dur, deps, workers, lambda i: (-unit_lv[i], rank[i]))
    sim_cp = simulate(dur, deps, workers, lambda i: (-lv[i], rank[i]))
    sim_order = simulate(dur, deps, workers, lambda i: rank[i])
    n_edges = sum(len(d) for d in deps)
    cp_nodes, depth = 0, depth_nodes(deps)
    # nodes on the duration-critical path
    succ = [[] for _ in range(n)]
    for k, ds in enumerate(deps):
        for d in ds:
            succ[d].append(k)
    node = max((k for k in range(n) if not deps[k]), key=lambda k: lv[k])
    while True:
        cp_nodes += 1
        nxt = [s for s in succ[node] if abs(lv[node] - dur[node] - lv[s]) < 1e-9]
        if not nxt:
            break
        node = nxt[0]
    base = os.path.join(OUT, "run-makespan")
    os.makedirs(base, exist_ok=True)
    with open(os.path.join(base, "dag.json"), "w") as f:
        json.dump({"seed": seed, "durations_ms": dur_ms, "dependencies": deps_by_name}, f,
                  indent=1, sort_keys=True)
    repo_files = {"README.md": "makespan benchmark\n"}
    prio = {names_of[i]: int(round(lv[i] / 10.0)) for i in range(n)}  # 10 ms units
    variants = [("uet", "sleeps", None, 1.0), ("uet-hist", "sleeps", None, 1.0),
                ("uet-prio", "sleeps", prio, 1.0), ("uet0", "zero", None, 0.0)]
    projs = {}
    for key, sub, pr, scale in variants:
        p = os.path.join(base, key)
        dag_project(p, names, dur_ms, deps_by_name, workers, pr, scale)
        projs[key] = p
    meas = collections.defaultdict(list)
    extra = collections.defaultdict(list)
    # uet-hist keeps its .uet/state.db from run to run (after one unmeasured
    # run): the scheduler weighs each task by its past duration.
    reset_uet_state(projs["uet-hist"], repo_files)
    run_uet(binary, projs["uet-hist"], ["phase-all", "--parallel", str(workers)], "uet-hist")
    for k in range(runs):
        for key in ("uet", "uet-hist", "uet-prio", "uet0"):
            if key != "uet-hist":
                reset_uet_state(projs[key], repo_files)
            r = run_uet(binary, projs[key], ["phase-all", "--parallel", str(workers)], key)
            s = r["summary"]
            if s["skipped"] != n:
                raise SystemExit("makespan run: unexpected summary %s" % s)
            meas[key].append(r["wall"])
            extra[key + "-elapsed"].append(s["elapsed"])
            extra[key + "-span"].append(r["span"])
            extra[key + "-load"].append(r["load"])
            extra[key + "-tail"].append(r["tail"])
            extra[key + "-cpu"].append(r["cpu_own"])
            extra[key + "-cafcpu"].append(r["cpu_threads"]["caf.multiplexer"])
            if key in ("uet", "uet0"):
                extra[key + "-timeline"].append(ws_timeline(
                    projs[key], s["run_id"], {x: dur_ms[x] * (1 if key == "uet" else 0)
                                              for x in names}))
        for key in ("uet", "uet0"):
            meas["make" + key[3:]].append(run_make(projs[key], workers))
            meas["ninja" + key[3:]].append(run_ninja(projs[key], workers))
        log("makespan run %d/%d done" % (k + 1, runs))
    b = bound / 1000.0

    def over(x):
        return "%+.1f%%" % (100.0 * (x / b - 1))

    print("### Makespan: %d-task mixed DAG of sleeps, %d workers (median of %d)\n"
          % (n, workers, runs))
    print("DAG: seed %d, %d edges, %d waves (longest chain in tasks); critical path %.3f s over "
          "%d tasks; work %.3f s; lower bound max(CP, work/%d) = **%.3f s**. Zero-overhead "
          "list-scheduling simulations of the same DAG: uet's order (unit weights, ties by "
          "name) %.3f s (%s), duration critical path first %.3f s (%s), name order only %.3f s "
          "(%s).\n" % (seed, n_edges, depth, cp / 1000, cp_nodes, work / 1000, workers, b,
                       sim_uet / 1000, over(sim_uet / 1000), sim_cp / 1000, over(sim_cp / 1000),
                       sim_order / 1000, over(sim_order / 1000)))
    rows = []
    for label, key in [("uet-actors run, first run: no history (process wall)", "uet"),
                       ("uet-actors run, with history: weights from past runs (process wall)",
                        "uet-hist"),
                       ("uet-actors run, priority = duration bottom level (process wall)",
                        "uet-prio"),
                       ("make -j%d" % workers, "make"), ("ninja -j%d" % workers, "ninja")]:
        m = median(meas[key])
        rows.append([label, f3(m), over(m), f3(min(meas[key])), f3(max(meas[key]))])
    for label, key in [("uet-actors run: scheduler span (summary elapsed)", "uet-elapsed"),
                       ("uet-actors run, with history: scheduler span", "uet-hist-elapsed"),
                       ("uet-actors run, priority: scheduler span", "uet-prio-elapsed")]:
        m = median(extra[key])
        rows.append([label, f3(m), over(m), f3(min(extra[key])), f3(max(extra[key]))])
    print(md_table(["executor", "makespan (s)", "over bound", "min", "max"], rows))
    print("\nSame DAG, every sleep 0 (pure per-task overhead; %d tasks, longest chain %d "
          "tasks):\n" % (n, depth))
    z = median(meas["uet0"])
    rows0 = [["uet-actors run (process wall)", f3(z), "%.1f" % (1000 * z / depth),
              "%.1f" % (1000 * z / n)],
             ["uet-actors run: scheduler span", f3(median(extra["uet0-elapsed"])),
              "%.1f" % (1000 * median(extra["uet0-elapsed"]) / depth),
              "%.1f" % (1000 * median(extra["uet0-elapsed"]) / n)],
             ["make -j%d" % workers, f3(median(meas["make0"])),
              "%.1f" % (1000 * median(meas["make0"]) / depth),
              "%.1f" % (1000 * median(meas["make0"]) / n)],
             ["ninja -j%d" % workers, f3(median(meas["ninja0"])),
              "%.1f" % (1000 * median(meas["ninja0"]) / depth),
              "%.1f" % (1000 * median(meas["ninja0"]) / n)]]
    print(md_table(["executor", "makespan (s)", "ms per chain task", "ms per task"], rows0))
    print("\nuet-actors process wall = load %.3f + span %.3f + tail %.3f s (medians, sleeps); "
          "zero sleeps: load %.3f + span %.3f + tail %.3f s."
          % (median(extra["uet-load"]), median(extra["uet-span"]), median(extra["uet-tail"]),
             median(extra["uet0-load"]), median(extra["uet0-span"]), median(extra["uet0-tail"])))
    for key, label in (("uet", "sleeps"), ("uet0", "zero sleeps")):
        tl = extra[key + "-timeline"]
        agg = {k: median([t[k] for t in tl]) for k in tl[0]}
        print("\nPer workstream (%s; medians over runs of per-run means, ms): %s."
              % (label, ", ".join("%s %.1f" % kv for kv in agg.items())))
    print("\nuet-actors own CPU (medians): %.2f s with sleeps (CAF scheduler workers %.2f s), "
          "%.2f s with zero sleeps (CAF workers %.2f s)."
          % (median(extra["uet-cpu"]), median(extra["uet-cafcpu"]), median(extra["uet0-cpu"]),
             median(extra["uet0-cafcpu"])))
    ovh = median([t["overhead"] for t in extra["uet-timeline"]])
    sim_ovh = simulate([d + ovh for d in dur], deps, workers, lambda i: (-unit_lv[i], rank[i]))
    sim_ovh_cp = simulate([d + ovh for d in dur], deps, workers, lambda i: (-lv[i], rank[i]))
    print("\nAttribution: bound %.3f s -> uet's order with zero overhead %.3f s -> the same order "
          "with each task %.1f ms longer (the measured mean overhead per workstream: started "
          "event to done event, minus the sleep) %.3f s -> measured scheduler span %.3f s -> "
          "process wall %.3f s. With duration-aware order and the same overhead: %.3f s."
          % (b, sim_uet / 1000, ovh, sim_ovh / 1000, median(extra["uet-elapsed"]),
             median(meas["uet"]), sim_ovh_cp / 1000))


def events_and_edit_steps(proj, run_id):
    """The run's database path; per workstream, the first time of each event
    type; and its edit step's (start, end), as datetimes."""
    db = os.path.join(proj, ".uet", "state.db")
    ev = collections.defaultdict(dict)
    for ws, typ, ts in db_query(db, "select workstream_id, event_type, timestamp from run_events"
                                " where run_id = ? and workstream_id is not null", (run_id,)):
        ev[ws].setdefault(typ, iso(ts))
    steps = {ws: (iso(s), iso(f)) for ws, s, f in db_query(
        db, "select workstream_id, started_at, finished_at from step_attempts where run_id = ?"
        " and step = 'edit'", (run_id,))}
    return db, ev, steps


def ws_timeline(proj, run_id, dur_ms):
    """Mean per-workstream intervals (ms) of a run without changes: started
    event -> edit step start (worktree lease, adapter) -> edit end (worktree +
    tool + diff) -> workstream done event."""
    _, ev, steps = events_and_edit_steps(proj, run_id)
    out = collections.defaultdict(list)
    for ws, e in ev.items():
        if ws not in steps or "workstream_started" not in e:
            continue
        s, f = steps[ws]
        done = e.get("workstream_skipped") or e.get("workstream_committed")
        out["start->edit"].append(1000 * (s - e["workstream_started"]))
        out["edit step"].append(1000 * (f - s))
        out["edit step - sleep"].append(1000 * (f - s) - dur_ms[ws])
        out["edit end->done"].append(1000 * (done - f))
        out["overhead"].append(1000 * (done - e["workstream_started"]) - dur_ms[ws])
    return {k: statistics.mean(v) for k, v in out.items()}


# --------------------------------------------------------------------------
# 3. 10 independent sleeps


def cmd_parallel(a):
    runs, n = a.runs, a.tasks
    binary = snapshot_binary("parallel")
    proj = os.path.join(OUT, "run-parallel")
    names = ["p%02d" % i for i in range(n)]
    dag_project(proj, names, {x: a.seconds * 1000 for x in names}, {x: [] for x in names}, 4)
    repo_files = {"README.md": "parallel benchmark\n"}
    configs = [("legacy", ["--engine", "legacy"]), ("p4", ["--parallel", "4"]),
               ("p5", ["--parallel", "5"]), ("p10", ["--parallel", "10"])]
    meas = collections.defaultdict(list)
    for k in range(runs):
        for key, args in configs:
            reset_uet_state(proj, repo_files)
            r = run_uet(binary, proj, ["phase-all"] + args, key)
            if r["summary"]["skipped"] != n:
                raise SystemExit("parallel run: unexpected summary %s" % r["summary"])
            meas[key].append(r["wall"])
            meas[key + "-elapsed"].append(r["summary"]["elapsed"])
            meas[key + "-cpu"].append(r["cpu_own"])
        for j in (1, 4):
            meas["make%d" % j].append(run_make(proj, j))
            meas["ninja%d" % j].append(run_ninja(proj, j))
        log("parallel run %d/%d done" % (k + 1, runs))
    seq = median(meas["legacy"])
    print("### %d independent `sleep %g` workstreams (median of %d)\n" % (n, a.seconds, runs))
    rows = []
    for label, key, slots in [("uet-actors run --engine legacy (sequential)", "legacy", 1),
                              ("uet-actors run --parallel 4", "p4", 4),
                              ("uet-actors run --parallel 5", "p5", 5),
                              ("uet-actors run --parallel 10", "p10", 10)]:
        m = median(meas[key])
        rounds = -(-n // slots)
        rows.append([label, f3(m), f3(median(meas[key + "-elapsed"])), "%.2fx" % (seq / m),
                     "%.2fx" % (n / rounds), "%.0f%%" % (100 * (seq / m) / (n / rounds)),
                     "%.2f" % median(meas[key + "-cpu"])])
    for label, key, slots in [("peer: make -j1", "make1", 1), ("peer: make -j4", "make4", 4),
                              ("peer: ninja -j1", "ninja1", 1), ("peer: ninja -j4", "ninja4", 4)]:
        m = median(meas[key])
        rounds = -(-n // slots)
        base_key = key[:-1] + "1"
        rows.append([label, f3(m), "–", "%.2fx" % (median(meas[base_key]) / m),
                     "%.2fx" % (n / rounds),
                     "%.0f%%" % (100 * (median(meas[base_key]) / m) / (n / rounds)), "–"])
    print(md_table(["configuration", "wall (s)", "scheduler span (s)",
                    "speed-up vs its sequential run", "theoretical max (N / rounds)",
                    "share of the max", "uet-actors own CPU (s)"], rows))


# --------------------------------------------------------------------------
# 4. real workstreams on a small repository

SH_TOOL = """tools:
  sh:
    adapter: subprocess
    argv: ["/bin/sh", "-c", "{prompt}"]
    timeout_s: 60
"""


def real_project(proj, n, layers, deps_per, workers, seed=7):
    rng = random.Random(seed)
    ws, per_layer = [], -(-n // layers)
    for i in range(n):
        wid = "ws-%04d" % i
        layer = i // per_layer
        deps = []
        if layer > 0:
            deps = sorted({"ws-%04d" % rng.randrange(layer * per_layer) for _ in range(deps_per)})
        ws.append({"id": wid, "tool": "sh",
                   "prompt": "mkdir -p out && echo %s > out/f%04d.txt" % (wid, i),
                   "allowed": ["out/f%04d.txt" % i], "deps": deps})
    write_project(proj, SH_TOOL, ws, workers)


REPO20 = dict([("README.md", "small repository\n")] +
              [("src/m%02d.txt" % i, "module %d\n" % i * 20) for i in range(19)])

EXEC_RE = re.compile(r'^(\d+) +([\d:.]+) execve\("[^"]*", \[(.*?)\](?:\.\.\.)?, (.*)$')
EXEC_RESUMED_RE = re.compile(r"^(\d+) +[\d:.]+ <\.\.\. execve resumed>.* = (-?\d+)")
EXIT_RE = re.compile(r"^(\d+) +([\d:.]+) \+\+\+ exited with")
CLONE_RE = re.compile(r"^(\d+) +[\d:.]+ (?:(?:clone3?|vfork|fork)\(.*\)|"
                      r"<\.\.\. (?:clone3?|vfork|fork) resumed>.*) = (\d+)$")


def hms(t):
    h, m, s = t.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def classify(argv):
    if not argv:
        return "?"
    prog = os.path.basename(argv[0])
    if prog != "git":
        return prog + (" -c" if len(argv) > 1 and argv[1] == "-c" else "")
    i = 1
    while i < len(argv) and argv[i] in ("-C", "-c"):
        i += 2
    sub = argv[i] if i < len(argv) else "?"
    if sub == "worktree" and i + 1 < len(argv):
        sub += " " + argv[i + 1]
    if sub == "rev-parse" and "HEAD" in argv:
        sub += " HEAD"
    return "git " + sub


def parse_exec_trace(path, root_pid):
    """Top-level processes the run started (children of uet-actors' threads):
    class -> list of durations (s), from an `strace -f -tt` trace."""
    parent, start, end, argv_of, pending = {}, {}, {}, {}, {}
    threads = {root_pid}
    for line in open(path, errors="replace"):
        m = CLONE_RE.match(line)
        if m:
            parent[int(m.group(2))] = int(m.group(1))
            continue
        m = EXEC_RE.match(line)
        if m:
            pid = int(m.group(1))
            cand = (hms(m.group(2)), re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(3)))
            if m.group(4).endswith(" = 0"):
                if pid not in argv_of:
                    start[pid], argv_of[pid] = cand
            elif m.group(4).endswith("<unfinished ...>"):
                pending[pid] = cand
            continue
        m = EXEC_RESUMED_RE.match(line)
        if m:
            pid = int(m.group(1))
            if m.group(2) == "0" and pid in pending and pid not in argv_of:
                start[pid], argv_of[pid] = pending[pid]
            pending.pop(pid, None)
            continue
        m = EXIT_RE.match(line)
        if m:
            end[int(m.group(1))] = hms(m.group(2))
    # uet-actors' threads are the pids that never exec'd (other than root).
    for pid, par in parent.items():
        if pid not in argv_of:
            threads.add(pid)
    out, nested = collections.defaultdict(list), collections.defaultdict(list)
    for pid, argv in argv_of.items():
        if pid == root_pid or pid not in end:
            continue
        if parent.get(pid) in threads:
            out[classify(argv)].append(end[pid] - start[pid])
            continue
        top = parent.get(pid)  # a grandchild: git's own helpers, the tool's children
        while top is not None and parent.get(top) not in threads:
            top = parent.get(top)
        if top in argv_of:
            nested["%s -> %s" % (classify(argv_of[top]), classify(argv))].append(
                end[pid] - start[pid])
    return out, nested


def patch_timeline(db, run_id):
    """Per patch: its state events in order (state, epoch s)."""
    out = {}
    for ws_id, typ, ts, payload in db_query(
            db, "SELECT workstream_id, event_type, timestamp, payload FROM run_events"
                " WHERE run_id = ? AND event_type LIKE 'patch_%' ORDER BY id", (run_id,)):
        p = json.loads(payload or "{}")
        out.setdefault(p.get("patch_id", ws_id), []).append((typ[6:], iso(ts)))
    return out


def ledger_busy(db, run_id):
    """The ledger's serial work as the union of: joining (created or queued
    -> applied) and landing (from when the patch could land, the later of
    its verified and the commit ahead of it, to its commit)."""
    tl = patch_timeline(db, run_id)
    spans, commits = [], []
    for pid, evs in tl.items():
        start = None
        for st, t in evs:
            if st in ("created", "queued"):
                start = t if start is None else start
            elif st == "applied" and start is not None:
                spans.append((start, t))
                start = None
            elif st in ("quarantined",) and start is not None:
                spans.append((start, t))
                start = None
        v = [t for st, t in evs if st == "verified"]
        c = [t for st, t in evs if st == "committed"]
        if v and c:
            commits.append((c[-1], v[-1]))
    commits.sort()
    prev = None
    for c, v in commits:
        spans.append((max(v, prev) if prev is not None else v, c))
        prev = c
    spans.sort()
    total, end = 0.0, None
    for a, b in spans:
        if end is None or a > end:
            total += b - a
            end = b
        elif b > end:
            total += b - end
            end = b
    return total


def real_breakdown(proj, run_id):
    db, ev, steps = events_and_edit_steps(proj, run_id)
    pl = {ws: tuple(iso(x) for x in r) for ws, *r in db_query(
        db, "select workstream_id, created_at, applied_at, verified_at, committed_at from"
        " patch_ledger where run_id = ?", (run_id,))}
    st, fin = db_query(db, "select started_at, finished_at from uet_runs where run_id = ?",
                       (run_id,))[0]
    span = iso(fin) - iso(st)
    parts = collections.defaultdict(list)
    busy = []
    for ws, e in ev.items():
        if ws not in steps or ws not in pl or "workstream_started" not in e:
            continue
        s, f = steps[ws]
        cr, ap, ve, co = pl[ws]
        parts["a. started -> edit step (worktree lease, adapter spawn)"].append(s - e["workstream_started"])
        parts["b. edit step (worktree prepare + tool + git add + git diff)"].append(f - s)
        parts["c. edit end -> patch created (to the ledger, waiting in its mailbox)"].append(cr - f)
        parts["d. created -> applied (scope check, patch file, git apply --cached onto its "
              "future tree, commit)"].append(ap - cr)
        parts["e. applied -> verified (the workstream tests its future tree: no checks "
              "here)"].append(ve - ap)
        parts["f. verified -> committed (after the patches ahead; the branch moved by "
              "compare-and-swap)"].append(co - ve)
        parts["g. committed -> workstream_committed"].append(
            e.get("workstream_committed", co) - co)
        busy.append((cr, co))
    return parts, ledger_busy(db, run_id) / span if span else 0.0, span, len(busy)


def git_floor(proj, n, workers):
    """The same changes through the same git commands, scripted, with no
    engine (no actors, no database, no scope check): `workers` shells
    (xargs -P) each take a change, read the integration head, add a worktree
    there, run the tool, git add + git diff, then (one at a time, under a
    lock, like the ledger) git apply --index + git commit on the integration
    worktree, and remove their worktree. Worktree add/remove also hold a
    lock: run concurrently they race on .git/worktrees/ ("failed to read
    .git/worktrees/X/commondir")."""
    script = os.path.join(proj, "git-floor.sh")
    one = ('i=$1; d=$2; wt=$d/floor/wt/$i; '
           'head=$(git -C "$d/floor/int" rev-parse HEAD) && '
           'flock "$d/floor/wt.lock" git -C "$d/repo" worktree add --quiet --detach "$wt" "$head" && '
           '(cd "$wt" && /bin/sh -c "mkdir -p out && echo ws-$i > out/f$i.txt") && '
           'git -C "$wt" add --all -- . && '
           'git -C "$wt" diff --cached --binary --full-index "$head" -- > "$d/floor/p/$i.diff" && '
           'flock "$d/floor/int.lock" sh -c "git -C \\"$d/floor/int\\" apply --index '
           '\\"$d/floor/p/$i.diff\\" && git -C \\"$d/floor/int\\" commit -q -m ws-$i" && '
           'flock "$d/floor/wt.lock" git -C "$d/repo" worktree remove --force --force "$wt"')
    with open(script, "w") as f:
        f.write("""#!/bin/sh
set -eu
cd "$(dirname "$0")"
d=$(pwd)
rm -rf floor && mkdir -p floor/wt floor/p
git -C repo worktree prune
git -C repo branch -f floor-int "$(git -C repo rev-parse HEAD)"
git -C repo worktree add --quiet "$d/floor/int" floor-int
seq -f %%04g 0 %d | xargs -P %d -I{} sh -c '%s' _ {} "$d"
git -C floor/int rev-list --count HEAD > floor/commits
git -C repo worktree remove --force --force "$d/floor/int"
""" % (n - 1, workers, one))
    os.chmod(script, 0o755)
    reset_uet_state(proj, REPO20)
    t = timed(["/bin/sh", script], proj, env=GIT_ENV)
    if t["rc"] != 0:
        raise SystemExit("git floor failed: %s" % t["stderr"][-2000:])
    commits = int(open(os.path.join(proj, "floor", "commits")).read()) - 1
    if commits != n:
        raise SystemExit("git floor: %d commits for %d changes" % (commits, n))
    return t["wall"]


def shell_loop(proj, n):
    """What a user writes instead: one change after another in the
    repository itself, each written and committed (git add + git commit)."""
    script = os.path.join(proj, "shell-loop.sh")
    with open(script, "w") as f:
        f.write("""#!/bin/sh
set -eu
cd "$(dirname "$0")/loop-repo"
for i in $(seq -f %%04g 0 %d); do
  /bin/sh -c "mkdir -p out && echo ws-$i > out/f$i.txt"
  git add -A
  git commit -q -m "ws-$i"
done
""" % (n - 1))
    os.chmod(script, 0o755)
    make_repo(os.path.join(proj, "loop-repo"), REPO20)
    t = timed(["/bin/sh", script], proj, env=GIT_ENV)
    if t["rc"] != 0:
        raise SystemExit("shell loop failed: %s" % t["stderr"][-2000:])
    return t["wall"]


def cmd_real(a):
    sizes = a.sizes or [200, 500, 1000]
    runs, workers = a.runs, a.parallel
    binary = snapshot_binary("real")
    base = os.path.join(OUT, "run-real")
    rows, details, cpu_rows = [], [], []
    for n in sizes:
        proj = os.path.join(base, str(n))
        shutil.rmtree(proj, ignore_errors=True)
        real_project(proj, n, a.layers, 2, workers)
        res, floors, loops = [], [], []
        if a.loop:
            loops.append(shell_loop(proj, n))
            log("real %d shell loop: %.2f s" % (n, loops[-1]))
        if a.floor:
            floors.append(git_floor(proj, n, workers))
            log("real %d scripted equivalent: %.2f s" % (n, floors[-1]))
        for k in range(runs):
            reset_uet_state(proj, REPO20)
            r = run_uet(binary, proj, ["phase-all", "--parallel", str(workers)], "real")
            s = r["summary"]
            if s["committed"] != n:
                raise SystemExit("real run of %d: %s\n%s" % (n, s, r["stdout"][-3000:]))
            commits = int(git(os.path.join(proj, "repo"), "rev-list", "--count",
                              "uet/integration").strip())
            r["commits"] = commits
            r["breakdown"] = real_breakdown(proj, s["run_id"])
            res.append(r)
            log("real %d run %d: wall %.2f s" % (n, k + 1, r["wall"]))
        wall = median([r["wall"] for r in res])
        span = median([r["span"] for r in res])
        rows.append([n, f3(wall), "%.1f" % (n / wall), f3(span), "%.1f" % (n / span),
                     f3(median([r["load"] for r in res])), f3(median([r["tail"] for r in res])),
                     "%.0f" % median([r["rss_mb"] for r in res]), res[-1]["commits"] - 1,
                     (f3(median(floors)) + " (%.1f/s)" % (n / median(floors))) if floors else "–",
                     (f3(median(loops)) + " (%.1f/s)" % (n / median(loops))) if loops else "–"])
        cpu_rows.append([n, f3(wall), "%.1f" % (2 * wall),
                         "%.2f" % median([r["cpu_children"] for r in res]),
                         "%.2f" % median([r["cpu_own"] for r in res]),
                         "%.2f" % median([r["cpu_threads"]["caf.multiplexer"] for r in res]),
                         "%.2f" % median([r["cpu_threads"]["caf.actor"] for r in res]),
                         "%.1f" % (1000 * median([r["cpu_threads"]["caf.multiplexer"] / n
                                                  for r in res]))])
        details.append((n, res))
    print("### %d-layer DAG of trivial real workstreams on a 20-file repo, `--parallel %d` "
          "(median of %d)\n" % (a.layers, workers, runs))
    print(md_table(["N", "wall (s)", "workstreams/s", "span (s)", "workstreams/s in span",
                    "load (s)", "tail (s)", "RSS (MB)", "commits on uet/integration",
                    "scripted equivalent: same git commands, xargs -P + flock, no engine "
                    "(s; 1 run; --scripted)",
                    "shell loop: write, git add, git commit, one after another (s; 1 run; "
                    "--loop)"], rows))
    print("\n### CPU (medians, s; sampled from /proc)\n")
    print(md_table(["N", "wall", "core-seconds available (2 cores)",
                    "children: git, tools (waited for)", "uet-actors own threads",
                    "  CAF scheduler workers (\"caf.multiplexer\", 4 threads)",
                    "  detached actors (\"caf.actor\": ledger, adapters, database)",
                    "CAF workers, ms per workstream"], cpu_rows))
    n, res = details[-1]
    print("\n### Where a workstream's time goes (N = %d, mean per workstream, ms; medians over "
          "runs)\n" % n)
    keys = list(res[0]["breakdown"][0].keys())
    brows = []
    for k in keys:
        brows.append([k, "%.1f" % (1000 * median([statistics.mean(r["breakdown"][0][k])
                                                  for r in res])),
                      "%.1f" % (1000 * median([statistics.median(r["breakdown"][0][k])
                                               for r in res])),
                      "%.1f" % (1000 * median([max(r["breakdown"][0][k]) for r in res]))])
    print(md_table(["interval", "mean", "median", "max"], brows))
    util = median([r["breakdown"][1] for r in res])
    print("\nPatch ledger busy (union of its serial work: joining, created -> applied, and "
          "landing, from when a patch could land to its commit): %.0f%% of the span."
          % (100 * util))
    # What one worktree costs at the start of the run (the 20-file base) and
    # at its end (base + N files), measured alone after the runs.
    repo = os.path.join(base, str(n), "repo")
    probe = os.path.join(OUT, "run-real", "wt-probe")
    cost = {}
    for ref in ("main", "uet/integration"):
        adds, rms = [], []
        for _ in range(7):
            t0 = time.perf_counter()
            git(repo, "worktree", "add", "--quiet", "--detach", probe, ref)
            t1 = time.perf_counter()
            git(repo, "worktree", "remove", "--force", "--force", probe)
            adds.append(t1 - t0)
            rms.append(time.perf_counter() - t1)
        files = len(git(repo, "ls-tree", "-r", "--name-only", ref).split())
        cost[ref] = (files, median(adds), median(rms))
    print("\nOne worktree, alone after the runs (median of 7): %s." % "; ".join(
        "%d files: add %.1f ms, remove %.1f ms" % (f, 1000 * a, 1000 * r)
        for f, a, r in cost.values()))


def cmd_real_trace(a):
    """One traced run: every process uet-actors starts, by kind, with its
    duration (strace -f, execve/clone/exit only)."""
    n, workers = a.sizes[0] if a.sizes else 200, a.parallel
    binary = snapshot_binary("real-trace")
    proj = os.path.join(OUT, "run-real", "trace-%d" % n)
    shutil.rmtree(proj, ignore_errors=True)
    real_project(proj, n, a.layers, 2, workers)
    reset_uet_state(proj, REPO20)
    trace = os.path.join(proj, "exec.trace")
    r = timed([binary, "run", "phase-all", "--parallel", str(workers)], proj,
              os.path.join(proj, ".bench-stdout.txt"),
              wrap=["strace", "-f", "--seccomp-bpf", "-tt", "-s", "200", "-e",
                    "trace=execve,clone,clone3,vfork,fork", "-o", trace])
    s = parse_summary(r["stdout"])
    root = None
    for line in open(trace):
        if "execve(" in line:
            root = int(line.split()[0])
            break
    by, nested = parse_exec_trace(trace, root)
    total = sum(sum(v) for v in by.values())
    print("### Processes started per workstream (strace -f of one run, N = %d, --parallel %d; "
          "traced wall %.2f s, %s)\n" % (n, workers, r["wall"], s["state"] if s else "?"))
    rows = []
    for k, v in sorted(by.items(), key=lambda kv: -sum(kv[1])):
        rows.append([k, len(v), "%.2f" % (len(v) / n), "%.1f" % (1000 * statistics.mean(v)),
                     "%.1f" % (1000 * statistics.median(v)), "%.1f" % (1000 * sum(v) / n),
                     "%.0f%%" % (100 * sum(v) / total)])
    print(md_table(["process", "count", "per workstream", "mean ms", "median ms",
                    "ms per workstream", "share of process time"], rows))
    print("\nProcess time per workstream, all kinds: %.1f ms (wall per workstream %.1f ms with "
          "%d workers; tracing adds overhead to process start-up).\n"
          % (1000 * total / n, 1000 * r["wall"] / n, workers))
    print("Processes those start in turn (included in the times above):\n")
    print(md_table(["started by -> process", "count", "per workstream", "mean ms"],
                   [[k, len(v), "%.2f" % (len(v) / n), "%.1f" % (1000 * statistics.mean(v))]
                    for k, v in sorted(nested.items(), key=lambda kv: -sum(kv[1]))]))


# --------------------------------------------------------------------------


def finish():
    print("\nLoad average at the end: %.1f (1 min), %.1f (5 min)." % os.getloadavg()[:2])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    runs = int(os.environ.get("RUNS", "0") or 0)
    p = sub.add_parser("dry")
    p.add_argument("sizes", nargs="*", type=int)
    p.add_argument("--parallel", type=int, default=4)
    p.add_argument("--runs", type=int, default=runs or 5)
    p = sub.add_parser("dry-profile")
    p.add_argument("sizes", nargs="*", type=int)
    p.add_argument("--parallel", type=int, default=4)
    p = sub.add_parser("makespan")
    p.add_argument("--tasks", type=int, default=46)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--runs", type=int, default=runs or 5)
    p = sub.add_parser("parallel")
    p.add_argument("--tasks", type=int, default=10)
    p.add_argument("--seconds", type=float, default=1.0)
    p.add_argument("--runs", type=int, default=runs or 5)
    for name in ("real", "real-trace"):
        p = sub.add_parser(name)
        p.add_argument("sizes", nargs="*", type=int)
        p.add_argument("--parallel", type=int, default=2)
        p.add_argument("--layers", type=int, default=1)
        p.add_argument("--runs", type=int, default=runs or 3)
        p.add_argument("--scripted", dest="floor", action="store_true",
                       help="also time the scripted equivalent (same git commands, no engine)")
        p.add_argument("--loop", action="store_true",
                       help="also time a shell loop that writes each file and commits it")
    a = ap.parse_args()
    {"dry": cmd_dry, "dry-profile": cmd_dry_profile, "makespan": cmd_makespan, "parallel": cmd_parallel, "real": cmd_real,
     "real-trace": cmd_real_trace}[a.cmd](a)
    finish()


if __name__ == "__main__":
    main()
