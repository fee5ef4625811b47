#!/usr/bin/env python3
"""Throughput of `run --nodes`: this machine's slots alone, then + 1 node,
then + 2 nodes (`uet-actors node` processes on loopback, mutual TLS, their
own slots), with the sequential shell loop a user would write as the peer,
all in the same go. Also the overhead a remote attempt adds (bundle,
messages, the node's worktree), from the runs' own step_attempts: a remote
edit's duration minus a local one's, for the same tool.

  python3 bench/run_nodes.py [--n 24] [--sleep 1.0] [--slots 2] [--runs 3]

Writes scratch under bench/out/nodes/ and prints a Markdown table.
Python 3 standard library only; not part of the product or CI.
"""
import argparse
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out", "nodes")
BINARY = os.path.join(ROOT, "build", "uet-actors")
GIT_ENV = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@localhost",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@localhost")
TOOLS = """tools:
  sh:
    adapter: subprocess
    argv: ["/bin/sh", "-eu", "-c", "{prompt}"]
    timeout_s: 60
"""


def sh(args, cwd=None, **kw):
    return subprocess.run(args, cwd=cwd, check=True, env=GIT_ENV, **kw)


def make_project(path, n, sleep, local_slots):
    shutil.rmtree(path, ignore_errors=True)
    repo = os.path.join(path, "repo")
    os.makedirs(repo)
    sh(["git", "init", "-q", "-b", "main"], cwd=repo)
    with open(os.path.join(repo, "README.md"), "w") as f:
        f.write("bench\n")
    sh(["git", "add", "."], cwd=repo)
    sh(["git", "commit", "-qm", "init"], cwd=repo)
    with open(os.path.join(path, "uet.yaml"), "w") as f:
        f.write("project: nodes-bench\nrepo: repo\nmax_workers: %d\n" % local_slots)
    with open(os.path.join(path, "tools.yaml"), "w") as f:
        f.write(TOOLS)
    wsdir = os.path.join(path, "workstreams")
    os.makedirs(wsdir)
    for i in range(n):
        wid = "w%03d" % i
        with open(os.path.join(wsdir, wid + ".yaml"), "w") as f:
            f.write("workstream_id: %s\ntitle: bench\nexecution_request:\n  tool_id: sh\n"
                    "  prompt: \"sleep %s; echo %s > %s.txt\"\nconstraints:\n  file_scope:\n"
                    "    allowed_paths: [\"%s.txt\"]\nacceptance_criteria:\n"
                    "  commands: [\"test -s %s.txt\"]\ndependencies: []\n"
                    % (wid, sleep, wid, wid, wid, wid))
    return path


def shell_loop(path, n, sleep):
    """The user's own script: tool, check, add, commit, one after another."""
    repo = os.path.join(path, "repo")
    t0 = time.monotonic()
    for i in range(n):
        wid = "w%03d" % i
        script = ("sleep %s; echo %s > %s.txt; test -s %s.txt; git add %s.txt; "
                  "git commit -qm %s" % (sleep, wid, wid, wid, wid, wid))
        sh(["sh", "-eu", "-c", script], cwd=repo)
    return time.monotonic() - t0


class Node:
    def __init__(self, name, slots, certs):
        self.dir = os.path.join(OUT, name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        with open(os.path.join(self.dir, "tools.yaml"), "w") as f:
            f.write(TOOLS)
        c = os.path.join(certs, "node")
        self.out = open(os.path.join(self.dir, "node.out"), "w+")
        self.proc = subprocess.Popen(
            [BINARY, "node", "--listen", "127.0.0.1:0", "--slots", str(slots), "--tools",
             "tools.yaml", "--work-dir", "work", "--id", name, "--tls-cert", c + "/cert.pem",
             "--tls-key", c + "/key.pem", "--tls-ca", c + "/ca.pem"],
            cwd=self.dir, stdout=self.out, stderr=subprocess.STDOUT)
        self.address = None
        for _ in range(400):
            time.sleep(0.05)
            self.out.seek(0)
            m = re.search(r"listening on (127\.0\.0\.1:\d+)", self.out.read())
            if m:
                self.address = m.group(1)
                break
        if not self.address:
            sys.exit(name + " did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def run_uet(path, local_slots, nodes, certs):
    args = [BINARY, "-C", path, "run", "phase-all", "--parallel", str(local_slots)]
    if nodes:
        c = os.path.join(certs, "coordinator")
        args += ["--nodes", ",".join(n.address for n in nodes), "--tls-cert",
                 c + "/cert.pem", "--tls-key", c + "/key.pem", "--tls-ca", c + "/ca.pem"]
    t0 = time.monotonic()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - t0


def edit_durations(path):
    """Median edit step seconds, here and on nodes, from step_attempts."""
    db = sqlite3.connect(os.path.join(path, ".uet", "state.db"))
    rows = db.execute("SELECT node IS NOT NULL, (julianday(finished_at) - julianday(started_at))"
                      " * 86400 FROM step_attempts WHERE step = 'edit' AND state = 'succeeded'")
    local, remote = [], []
    for is_remote, secs in rows:
        (remote if is_remote else local).append(secs)
    med = lambda xs: statistics.median(xs) if xs else float("nan")
    return med(local), med(remote)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=24)
    ap.add_argument("--sleep", default="1.0")
    ap.add_argument("--slots", type=int, default=2, help="local slots, and each node's")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    certs = os.path.join(OUT, "certs")
    shutil.rmtree(certs, ignore_errors=True)
    subprocess.run([BINARY, "node", "gen-certs", certs], check=True, stdout=subprocess.DEVNULL)
    nodes = [Node("node-a", a.slots, certs), Node("node-b", a.slots, certs)]
    rows = {"shell loop (sequential)": [], "local only": [], "+ 1 node": [], "+ 2 nodes": []}
    overhead = []
    try:
        for run in range(a.runs):
            p = make_project(os.path.join(OUT, "loop"), a.n, a.sleep, a.slots)
            rows["shell loop (sequential)"].append(shell_loop(p, a.n, a.sleep))
            for label, use in (("local only", []), ("+ 1 node", nodes[:1]), ("+ 2 nodes", nodes)):
                p = make_project(os.path.join(OUT, "proj"), a.n, a.sleep, a.slots)
                rows[label].append(run_uet(p, a.slots, use, certs))
                if use:
                    local, remote = edit_durations(p)
                    overhead.append(remote - local)
            print("run %d done" % (run + 1), file=sys.stderr, flush=True)
    finally:
        for n in nodes:
            n.stop()
    work = a.n * float(a.sleep)
    print("| setup | slots | wall (median of %d) | bound: work / slots | wall / bound | "
          "speed-up vs shell loop |" % a.runs)
    print("|---|---|---|---|---|---|")
    loop = statistics.median(rows["shell loop (sequential)"])
    for label, slots in (("shell loop (sequential)", 1), ("local only", a.slots),
                         ("+ 1 node", 2 * a.slots), ("+ 2 nodes", 3 * a.slots)):
        wall = statistics.median(rows[label])
        bound = work / slots
        print("| %s | %d | %.2f s | %.2f s | %.2f | %.2fx |"
              % (label, slots, wall, bound, wall / bound, loop / wall))
    print("\nA remote edit takes %.0f ms longer than a local one (median over runs of the "
          "per-run medians: bundle, messages, the node's worktree)."
          % (1000 * statistics.median(overhead)))


if __name__ == "__main__":
    main()
