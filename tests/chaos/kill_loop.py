#!/usr/bin/env python3
"""kill -9 at random moments, then resume, until a run ends by itself.

Builds a 46-workstream pipeline (tools that sleep and write a file, an
acceptance command each), starts `run phase-all --parallel 4` and kills the
orchestrator with SIGKILL after a random 0.05-1.2 s, then `resume`s and kills
again, until one of them finishes. Then checks that every workstream is on
the integration branch at most once (exactly once when committed), that the
state database agrees (`db check`), and that nothing is left running. It
repeats with fresh projects until --kills kills have been made.

  tests/chaos/kill_loop.py [--kills 100] [--inject SPEC] [--seed N] [--bin PATH]

Prints one line per project and a total; exits 1 on any violation.
"""
import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
N = 46

TOOLS = """tools:
  sh:
    adapter: subprocess
    argv: ["/bin/sh", "-eu", "-c", "{prompt}"]
    timeout_s: 3
    circuit_breaker: {failure_rate_threshold: 1.0, minimum_calls: 1000, window: 1000}
"""


def ws_id(i):
    return "w%02d" % i


def make_project(d, marker):
    repo = os.path.join(d, "repo")
    os.makedirs(repo)
    git = ["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
    open(os.path.join(repo, "README.md"), "w").write("# kill loop\n")
    subprocess.run(git + ["add", "README.md"], check=True)
    subprocess.run(git + ["commit", "-qm", "init"], check=True)
    open(os.path.join(d, "uet.yaml"), "w").write(
        "project: kill-loop\nrepo: repo\nmax_workers: 4\nsandbox: required\n")
    open(os.path.join(d, "tools.yaml"), "w").write(TOOLS)
    os.makedirs(os.path.join(d, "workstreams"))
    rng = random.Random(7)
    for i in range(N):
        wid = ws_id(i)
        deps = [ws_id(i - b) for b in (10, 13) if i - b >= 0 and (b == 10 or i % 3 == 0)]
        sleep = "0.%02d" % rng.randint(5, 40)
        doc = (
            "workstream_id: %s\ntitle: %s\nexecution_request:\n  tool_id: sh\n"
            "  prompt: \"sleep %s; echo %s > %s.txt # %s\"\n"
            "constraints:\n  file_scope:\n    allowed_paths: [\"%s.txt\"]\n"
            "dependencies: [%s]\n"
            "acceptance_criteria:\n  commands: [\"test \\\"$(cat %s.txt)\\\" = %s\"]\n"
            "resilience_policy: {max_retries: 3, backoff: {initial_ms: 5, max_ms: 40}}\n"
            % (wid, wid, sleep, wid, wid, marker, wid, ", ".join(deps), wid, wid)
        )
        open(os.path.join(d, "workstreams", wid + ".yaml"), "w").write(doc)


def cli(binary, d, *args, timeout=300):
    return subprocess.run([binary, "-C", d] + list(args), capture_output=True, text=True,
                          timeout=timeout)


def processes_with(needle):
    n = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = open("/proc/%s/cmdline" % pid, "rb").read()
        except OSError:
            continue
        n += needle.encode() in cmd
    return n


def verify(binary, d, marker):
    problems = []
    status = json.loads(cli(binary, d, "status", "--json").stdout)
    states = {w["workstream_id"]: w["state"] for w in status["workstreams"]}
    log = subprocess.run(["git", "-C", os.path.join(d, "repo"), "log",
                          "--format=%(trailers:key=UET-Patch,valueonly)", "uet/integration"],
                         capture_output=True, text=True, check=True).stdout
    on_branch = {}
    for line in log.split("\n"):
        m = re.match(r"^[^.]+\.(.+)\.\d+$", line.strip())
        if m:
            on_branch[m.group(1)] = on_branch.get(m.group(1), 0) + 1
    for i in range(N):
        wid = ws_id(i)
        n, state = on_branch.get(wid, 0), states.get(wid, "missing")
        if n > 1:
            problems.append("%s committed %d times" % (wid, n))
        if (state == "committed") != (n == 1):
            problems.append("%s is %s in the database and %d times on the branch" % (wid, state, n))
        if state not in ("committed", "quarantined", "blocked"):
            problems.append("%s ended %s" % (wid, state))
    check = cli(binary, d, "db", "check")
    if check.returncode != 0:
        problems.append("db check: " + check.stdout + check.stderr)
    time.sleep(0.2)
    if processes_with(marker):
        problems.append("processes left running")
    return states, problems


def one_project(binary, args, budget, rng):
    with tempfile.TemporaryDirectory(prefix="uet-kill-") as d:
        marker = "kill-loop-%d-%d" % (os.getpid(), rng.randint(0, 1 << 30))
        make_project(d, marker)
        kills, started = 0, False
        while True:
            cmd = [binary, "-C", d]
            if not started:
                cmd += ["run", "phase-all", "--parallel", "4", "--seed", str(args.seed)]
                if args.inject:
                    cmd += ["--inject", args.inject]
            else:
                cmd += ["resume"]
            errfile = tempfile.TemporaryFile(mode="w+")
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errfile, text=True)
            started = True
            if kills < budget:
                try:
                    proc.wait(timeout=rng.uniform(0.05, 1.2))
                except subprocess.TimeoutExpired:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                    kills += 1
                    continue
            else:
                proc.wait(timeout=600)
            errfile.seek(0)
            err = errfile.read()
            if proc.returncode == 2 and "no run to resume" in err:
                started = False  # killed before its first row: nothing happened, run again
                continue
            if proc.returncode not in (0, 1):
                return kills, None, ["the run ended with exit %d: %s" % (proc.returncode,
                                                                       err[-2000:])]
            states, problems = verify(binary, d, marker)
            return kills, states, problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--inject", default="")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "uet-actors"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    total, projects, failed = 0, 0, False
    committed = quarantined = blocked = 0
    t0 = time.time()
    while total < args.kills:
        kills, states, problems = one_project(args.bin, args, min(25, args.kills - total), rng)
        total += kills
        projects += 1
        states = states or {}
        c = sum(s == "committed" for s in states.values())
        q = sum(s == "quarantined" for s in states.values())
        b = sum(s == "blocked" for s in states.values())
        committed, quarantined, blocked = committed + c, quarantined + q, blocked + b
        print("project %d: %d kills; %d committed exactly once, %d quarantined, %d blocked%s"
              % (projects, kills, c, q, b, "" if not problems else "; PROBLEMS: " +
                 "; ".join(problems)), flush=True)
        failed |= bool(problems)
    print("kill loop%s: %d kills over %d projects in %.0f s: %d committed exactly once, "
          "%d quarantined, %d blocked, %s"
          % (" with --inject '%s'" % args.inject if args.inject else "", total, projects,
             time.time() - t0, committed, quarantined, blocked,
             "VIOLATIONS" if failed else "0 lost, 0 twice"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
