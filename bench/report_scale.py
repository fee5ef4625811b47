#!/usr/bin/env python3
"""`report --html` / `--trace` at scale: a state database of a finished run of
N workstreams (default 1,000 and 10,000) is written directly (the schema made
by `uet-actors db migrate`; a layered DAG, 4 slots, 3 steps per attempt, 3%
retried, 1% quarantined, 2% blocked, every event a real run records), then
timed, in turns, beside the peers:
  - the page a user would script: Python's sqlite3 + html.escape, one table
    row per workstream and per step attempt (no timeline, no DAG);
  - `sqlite3 state.db .dump` (reading every row once).
Then headless Chromium loads each page (--dump-dom), to show it still opens.
  bench/report_scale.py [N ...]   (RUNS=5; after scripts/build.sh)
Python 3 standard library only."""
import datetime as dt
import html
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "uet-actors")
OUT = os.path.join(ROOT, "bench", "out", "report")
RUNS = int(os.environ.get("RUNS", "5"))
T0 = dt.datetime(2026, 12, 5, 8, 0, 0, tzinfo=dt.timezone.utc)


def iso(s):
    return (T0 + dt.timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%S.") + \
        "%03dZ" % int(((T0 + dt.timedelta(seconds=s)).microsecond) / 1000)


def make_db(proj, n, seed=7):
    os.makedirs(proj, exist_ok=True)
    with open(os.path.join(proj, "uet.yaml"), "w") as f:
        f.write("project: scale\nrepo: repo\nbase_ref: main\nintegration_branch: uet/i\n"
                "workstreams: workstreams/\ntools: tools.yaml\nstate_db: state.db\n"
                "max_workers: 4\nphases: {}\n")
    db = os.path.join(proj, "state.db")
    if os.path.exists(db):
        os.remove(db)
    subprocess.run([BIN, "db", "migrate"], cwd=proj, check=True, capture_output=True)
    rnd = random.Random(seed)
    c = sqlite3.connect(db)
    run = "run-scale-%d" % n
    ids = ["ws-%05d" % i for i in range(n)]
    width = max(1, n // 40)  # 40 layers
    deps = {w: ([ids[rnd.randrange(0, (i // width) * width)] for _ in range(2)]
                if i >= width else []) for i, w in enumerate(ids)}
    slots = [0.0] * 4
    done = {}
    ev = []
    steps = []
    wss = []
    patches = []
    for i, w in enumerate(ids):
        ready = max([done.get(d, 0.0) for d in deps[w]] + [0.0])
        blocked = rnd.random() < 0.02
        if blocked:
            wss.append((run, w, "blocked", 0, None, None, "dependency failed", iso(ready)))
            ev.append((run, w, "workstream_blocked", iso(ready), json.dumps({"reason": "x"})))
            continue
        k = min(range(4), key=lambda s: slots[s])
        t = max(ready, slots[k])
        start = t
        attempts = 2 if rnd.random() < 0.03 else 1
        quarantined = rnd.random() < 0.01
        ev.append((run, w, "workstream_started", iso(t), json.dumps({"attempt": 1, "tool": "aider"})))
        ev.append((run, w, "workstream_inputs", iso(t), json.dumps(
            {"inputs": {"deps": {d: "0" * 40 for d in deps[w]}}, "reason": "never run"})))
        for a in range(1, attempts + 1):
            for step in ("edit", "static", "runtime"):
                d = rnd.uniform(0.05, 0.6)
                failed = (a < attempts and step == "edit") or (quarantined and step == "runtime")
                state = "failed" if failed else "succeeded"
                steps.append(("%s.%s.%s.%d" % (run, w, step, a), run, w, step, a, state,
                              1 if failed else 0, iso(t), iso(t + d), None,
                              "check failed: assert x == 1" if failed else None))
                ev.append((run, w, "step_finished", iso(t + d), json.dumps(
                    {"attempt": a, "step": step, "state": state, "error": ""})))
                t += d
                if failed:
                    break
            if a < attempts:
                ev.append((run, w, "workstream_retry", iso(t), json.dumps(
                    {"attempt": a, "next_attempt": a + 1, "delay_ms": 50, "reason": "exit 1"})))
                t += 0.05
        pid = "%s.%s.%d" % (run, w, attempts)
        st = "quarantined" if quarantined else "committed"
        for j, s in enumerate(("created", "validated", "queued", "applied", "verified", st)):
            ev.append((run, w, "patch_" + s, iso(t + 0.01 * j), json.dumps({"patch_id": pid, "attempt": attempts})))
        patches.append((pid, run, w, attempts, "", st, iso(t), iso(t + 0.03), iso(t + 0.04),
                        None if quarantined else iso(t + 0.05)))
        t += 0.05
        slots[k] = t
        done[w] = t
        wss.append((run, w, st, attempts, iso(start), iso(t),
                    "check failed" if quarantined else None, iso(t)))
        ev.append((run, w, "workstream_" + st, iso(t), json.dumps({"attempts": attempts})))
    end = max(slots)
    c.execute("INSERT INTO uet_runs (run_id, project_id, phase_id, state, engine, max_workers, "
              "started_at, finished_at) VALUES (?, 'scale', 'phase-all', 'failed', 'uet', 4, ?, ?)",
              (run, iso(0), iso(end)))
    c.executemany("INSERT INTO workstreams (run_id, workstream_id, state, attempts, started_at, "
                  "finished_at, reason, updated_at) VALUES (?,?,?,?,?,?,?,?)", wss)
    c.executemany("INSERT INTO step_attempts (step_attempt_id, run_id, workstream_id, step, attempt, "
                  "state, exit_code, started_at, finished_at, log_path, error) VALUES "
                  "(?,?,?,?,?,?,?,?,?,?,?)", steps)
    c.executemany("INSERT INTO run_events (run_id, workstream_id, event_type, timestamp, payload) "
                  "VALUES (?,?,?,?,?)", sorted(ev, key=lambda e: e[3]))
    c.executemany("INSERT INTO patch_ledger (patch_id, run_id, workstream_id, attempt, content, "
                  "status, created_at, applied_at, verified_at, committed_at) VALUES "
                  "(?,?,?,?,?,?,?,?,?,?)", patches)
    c.commit()
    c.close()
    return db, len(steps), len(ev)


PEER = r'''
import html, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
out = ["<!DOCTYPE html><meta charset=utf-8><table>"]
for row in c.execute("SELECT workstream_id, state, attempts, started_at, finished_at, reason FROM workstreams"):
    out.append("<tr>" + "".join("<td>%s</td>" % html.escape(str(v)) for v in row) + "</tr>")
out.append("</table><table>")
for row in c.execute("SELECT workstream_id, step, attempt, state, started_at, finished_at FROM step_attempts"):
    out.append("<tr>" + "".join("<td>%s</td>" % html.escape(str(v)) for v in row) + "</tr>")
open(sys.argv[2], "w").write("".join(out) + "</table>")
'''


def timed(cmd, cwd):
    """Wall seconds and peak RSS (MB) of one run of cmd."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit("failed: %s" % " ".join(cmd))
    return time.perf_counter() - t, usage.ru_maxrss / 1024


def chromium_load(page, profile):
    cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--user-data-dir=" + profile, "--dump-dom", "file://" + page]
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True)
    return time.perf_counter() - t, r.returncode == 0 and len(r.stdout) > 1000


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    os.makedirs(OUT, exist_ok=True)
    peer = os.path.join(OUT, "peer_page.py")
    with open(peer, "w") as f:
        f.write(PEER)
    print("| N | step attempts / events | report --html (s) | page (MB) | peak RSS (MB) | --trace (s) "
          "| trace (MB) | peer: Python table (s) | peer page (MB) | sqlite3 .dump (s) | html / Python "
          "| Chromium opens page / peer page (s) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        proj = os.path.join(OUT, "n%d" % n)
        db, nsteps, nev = make_db(proj, n)
        page, trace, ppage = (os.path.join(proj, x) for x in ("report.html", "trace.json", "peer.html"))
        sides = {"html": [BIN, "report", "--html", page], "trace": [BIN, "report", "--trace", trace],
                 "peer": ["python3", peer, db, ppage], "dump": ["sqlite3", db, ".dump"]}
        times = {k: [] for k in sides}
        rss = {k: [] for k in sides}
        for _ in range(RUNS):
            for k, cmd in sides.items():
                wall, peak = timed(cmd, proj)
                times[k].append(wall)
                rss[k].append(peak)
        med = {k: statistics.median(v) for k, v in times.items()}
        peak = {k: max(v) for k, v in rss.items()}
        load, ok = chromium_load(page, os.path.join(proj, "profile-a"))
        pload, pok = chromium_load(ppage, os.path.join(proj, "profile-b"))
        mb = lambda p: os.path.getsize(p) / 1e6
        print("| %d | %d / %d | %.2f | %.1f | %.0f | %.2f | %.1f | %.2f | %.1f | %.2f | %.2fx | %.1f%s / %.1f%s |" % (
            n, nsteps, nev, med["html"], mb(page), peak["html"], med["trace"], mb(trace), med["peer"], mb(ppage),
            med["dump"], med["html"] / med["peer"], load, "" if ok else " (failed)", pload,
            "" if pok else " (failed)"))


if __name__ == "__main__":
    main()
