#!/usr/bin/env python3
"""Peak memory and time of one workstream against the size of its patch.

One workstream writes a text file of N bytes (base64 of random bytes, so the
patch is N bytes of diff that git cannot compress away); `uet-actors run`
captures, admits, applies and commits it (patch_limits raised to 64 MiB).
Its peak RSS comes from `run --json` (the orchestrator alone, not git). The
peer is what a user would write instead: the same tool in the repository,
then `git add` + `git commit`, timed the same way, its peak RSS the largest
of its git processes (/usr/bin/time). Sizes in bytes as arguments; RUNS runs
each, medians. Python 3 standard library only; not part of the product or CI.

  bench/patch_size.py [N ...]      default: 1 KB 100 KB 1 MB 5 MB 10 MB 20 MB
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.abspath(os.environ.get("BUILD_DIR") or os.path.join(ROOT, "build"))
RUNS = int(os.environ.get("RUNS", "3"))
GIT_ENV = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@localhost",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@localhost")


def tool_script(size):
    # base64 writes 4 bytes per 3: ask for 3/4 of the size.
    return "mkdir -p src; head -c %d /dev/urandom | base64 > src/data.txt" % (size * 3 // 4)


def make_repo(root):
    repo = os.path.join(root, "repo")
    os.makedirs(repo)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    with open(os.path.join(repo, "README.md"), "w") as f:
        f.write("# bench\n")
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-qm", "init"], cwd=repo, check=True, env=GIT_ENV)
    return repo


def uet_once(size):
    root = tempfile.mkdtemp(prefix="uet-bench-patch-")
    try:
        make_repo(root)
        with open(os.path.join(root, "uet.yaml"), "w") as f:
            f.write('project: b\nrepo: repo\n'
                    'patch_limits: {max_bytes: "64 MiB", max_file_bytes: "64 MiB"}\n')
        with open(os.path.join(root, "tools.yaml"), "w") as f:
            f.write('tools:\n  sh:\n    argv: ["/bin/sh", "-c", "{prompt}"]\n')
        os.makedirs(os.path.join(root, "workstreams"))
        with open(os.path.join(root, "workstreams", "w.yaml"), "w") as f:
            f.write("workstream_id: w\nexecution_request:\n  tool_id: sh\n  prompt: %s\n"
                    "constraints:\n  file_scope: {allowed_paths: [\"src/**\"]}\n"
                    % json.dumps(tool_script(size)))
        t0 = time.monotonic()
        r = subprocess.run([os.path.join(BUILD, "uet-actors"), "run", "phase-all", "--json"],
                           cwd=root, capture_output=True, text=True, env=GIT_ENV)
        wall = time.monotonic() - t0
        summary = json.loads(r.stdout.strip().splitlines()[-1])
        if summary["state"] != "succeeded":
            sys.exit("run failed: %s" % r.stdout[-2000:])
        return wall, summary["peak_rss_kb"]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def timed_kb(cmd, cwd):
    """Peak RSS (KiB) of cmd, by /usr/bin/time."""
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, cwd=cwd, env=GIT_ENV,
                       capture_output=True, text=True, check=True)
    return int(r.stderr.strip().splitlines()[-1])


def peer_once(size):
    root = tempfile.mkdtemp(prefix="uet-bench-peer-")
    try:
        repo = make_repo(root)
        t0 = time.monotonic()
        subprocess.run(["/bin/sh", "-c", tool_script(size)], cwd=repo, check=True)
        kb = max(timed_kb(["git", "add", "--all"], repo),
                 timed_kb(["git", "commit", "-qm", "w"], repo))
        return time.monotonic() - t0, kb
    finally:
        shutil.rmtree(root, ignore_errors=True)


def median_of(f, size):
    runs = [f(size) for _ in range(RUNS)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 100000, 1000000, 5000000, 10000000,
                                               20000000]
    print("| patch | uet-actors wall | uet-actors peak RSS | script wall | script peak RSS "
          "(git) | RSS vs 1 KB patch |")
    print("|---|---|---|---|---|---|")
    base = None
    for size in sizes:
        uw, ukb = median_of(uet_once, size)
        pw, pkb = median_of(peer_once, size)
        base = base or ukb
        print("| %s | %.2f s | %.1f MiB | %.2f s | %.1f MiB | %.2fx |"
              % (human(size), uw, ukb / 1024, pw, pkb / 1024, ukb / base))


def human(n):
    for unit, f in (("MB", 1000000), ("KB", 1000)):
        if n >= f:
            return "%g %s" % (n / f, unit)
    return "%d B" % n


if __name__ == "__main__":
    main()
