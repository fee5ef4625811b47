#!/usr/bin/env python3
"""Benchmarks of the patch ledger's gate (verify once, on the future tree),
with the peers run in the same go. Entry point: bench/run_gate.sh.

  checks [--check-s S ...]  46 workstreams of a mixed DAG, each writing one
      Python module whose value depends on its dependencies' modules; each
      acceptance command imports its module and checks the value (S extra
      seconds of `sleep` first: 0 ~ a bare `python3 -c`, 0.3 ~ a small test
      suite). `--parallel 4`, `--engine legacy` and the sequential script a
      user would write (topological order: tool, check, git add + commit),
      against the run's bound max(critical path, work / 4, CPU / 2) from the
      durations and CPU measured in an instrumented sequential run; and
      `ninja -j4` running each tool then its check on the same DAG, no git:
      the floor of any executor that starts these processes here. The bound
      again from ninja's own durations (`.ninja_log`): the same tools and
      checks as four slots on two cores make them, no pipeline added.
  files  the same DAG of sleeps, each writing one file (a real patch, no
      acceptance command), first run without history, beside `ninja -j4`.
  chain [--n N --tool-s T --check-s C]  a chain of N such workstreams (each
      module imports the one before), where the critical path is the run:
      `--parallel 4` with dependents starting early (the default) and with
      `early_start: false`, `--engine legacy`, the sequential script; against
      the chain's bound without early starts, sum(tool + check), and with
      them, max over k of (tool_1..tool_k + check_k).

Every side runs the same absolute interpreter path (no pyenv shim: one adds
~0.3 s to each call). Python 3 standard library only; uses run_engine.py's
helpers. Environment: RUNS (runs per measurement; medians), BUILD_DIR.
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_engine as re_  # noqa: E402

OUT = os.path.join(re_.OUT, "run-gate")
SH_TOOL = """tools:
  sh:
    adapter: subprocess
    argv: ["/bin/sh", "-c", "{prompt}"]
    timeout_s: 120
"""


def interpreter():
    """The real python3, not a shim: the same path on every side."""
    for d in ("/usr/bin", "/bin", "/usr/local/bin"):
        p = os.path.join(d, "python3")
        if os.access(p, os.X_OK):
            return p
    return sys.executable


def the_dag(seed):
    s, dur, deps = re_.pick_dag(seed, 46, 1900, 10000)
    names = ["t%02d" % i for i in range(len(dur))]
    return s, names, dur, deps


def module_values(names, deps):
    """Each module's value: its own number plus its dependencies' values."""
    val = {}
    for i, n in enumerate(names):  # indexes are topological
        val[n] = i + 1 + sum(val[names[d]] for d in deps[i])
    return val


def pipeline(names, dur, deps, check_s, py):
    val = module_values(names, deps)
    out = []
    for i, n in enumerate(names):
        dn = [names[d] for d in deps[i]]
        body = ["import m_%s" % d for d in dn]
        body.append("VALUE = %d%s" % (i + 1, "".join(" + m_%s.VALUE" % d for d in dn)))
        prompt = "sleep %.3f; printf '%%s\\n' %s > m_%s.py" % (
            dur[i] / 1000.0, " ".join("'%s'" % l for l in body), n)
        check = "%s -B -c 'import m_%s; assert m_%s.VALUE == %d'" % (py, n, n, val[n])
        if check_s > 0:
            check = "sleep %g; %s" % (check_s, check)
        out.append({"id": n, "tool": "sh", "prompt": prompt, "allowed": ["m_%s.py" % n],
                    "deps": dn, "commands": [check]})
    return out


def sequential_script(path, wss):
    """What a user writes instead: in order, tool, check, commit."""
    lines = ["#!/bin/sh", "set -e", 'cd "$(dirname "$0")/seq-repo"']
    for w in wss:
        lines += ["sh -c %s" % sh_quote(w["prompt"]),
                  "sh -c %s" % sh_quote(w["commands"][0]) if w.get("commands") else "",
                  "git add -A", "git commit -q -m %s" % w["id"]]
    with open(path, "w") as f:
        f.write("\n".join(l for l in lines if l) + "\n")
    os.chmod(path, 0o755)


def sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def fresh_repo(path):
    re_.make_repo(path, {"README.md": "modules\n"})


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def instrumented_sequential(repo, wss):
    """Per workstream: tool and check wall and CPU, and the commit's."""
    fresh_repo(repo)
    rows = {}
    for w in wss:
        t0, c0 = time.perf_counter(), children_cpu()
        subprocess.run(["sh", "-c", w["prompt"]], cwd=repo, check=True)
        t1, c1 = time.perf_counter(), children_cpu()
        if w.get("commands"):
            subprocess.run(["sh", "-c", w["commands"][0]], cwd=repo, check=True)
        t2, c2 = time.perf_counter(), children_cpu()
        re_.git(repo, "add", "-A")
        re_.git(repo, "commit", "-q", "-m", w["id"])
        t3, c3 = time.perf_counter(), children_cpu()
        rows[w["id"]] = {"tool": t1 - t0, "check": t2 - t1, "commit": t3 - t2,
                         "cpu": (c1 - c0) + (c2 - c1), "commit_cpu": c3 - c2}
    return rows


def bound(wss, rows, workers=4, cores=2):
    idx = {w["id"]: i for i, w in enumerate(wss)}
    dur = [rows[w["id"]]["tool"] + rows[w["id"]]["check"] for w in wss]
    deps = [[idx[d] for d in w["deps"]] for w in wss]
    cp = max(re_.levels(dur, deps))
    work = sum(dur)
    cpu = sum(rows[w["id"]]["cpu"] for w in wss)
    return {"cp": cp, "work": work, "cpu": cpu,
            "bound": max(cp, work / workers, cpu / cores)}


def ninja_peer(base, wss):
    """The same DAG under `ninja -j4`, each node its tool then its check in
    one directory, no git at all: the floor of any executor that starts
    these processes on this machine. Returns a function that runs it once
    and returns its wall and each node's duration (s) from `.ninja_log`:
    the tool and the check as they take four slots sharing two cores."""
    peer = os.path.join(base, "ninja")
    work = os.path.join(peer, "work")
    os.makedirs(peer, exist_ok=True)
    cmds = {w["id"]: "cd %s && sh -c %s && sh -c %s" % (
        sh_quote(work), sh_quote(w["prompt"]), sh_quote(w["commands"][0])) for w in wss}
    re_.write_peers(peer, [w["id"] for w in wss], {w["id"]: w["deps"] for w in wss},
                    {k: v.replace("$", "$$") for k, v in cmds.items()})

    def run():
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        wall = re_.run_ninja(peer, 4)
        return wall, ninja_durations(os.path.join(peer, ".ninja_log"))
    return run


def ninja_durations(log):
    """Node -> seconds, from a `.ninja_log` (v5: start ms, end ms, mtime, output, hash)."""
    out = {}
    with open(log) as f:
        for line in f:
            if line.startswith("#"):
                continue
            start, end, _, name = line.split("\t")[:4]
            out[name] = (int(end) - int(start)) / 1000.0
    return out


def contended_bound(wss, durs, cpu, workers=4, cores=2):
    """The bound again, from durations measured under ninja -j4 in the same
    go instead of alone: what four slots on two cores make of the same
    processes, before any pipeline adds anything."""
    idx = {w["id"]: i for i, w in enumerate(wss)}
    dur = [durs[w["id"]] for w in wss]
    deps = [[idx[d] for d in w["deps"]] for w in wss]
    cp = max(re_.levels(dur, deps))
    return {"cp": cp, "work": sum(dur), "bound": max(cp, sum(dur) / workers, cpu / cores)}


def uet_side(binary, proj, args, tag, runs):
    walls, spans, busy = [], [], []
    for _ in range(runs):
        re_.reset_uet_state(proj)
        fresh_repo(os.path.join(proj, "repo"))
        r = re_.run_uet(binary, proj, args, tag)
        if r["summary"]["committed"] != 46:
            raise SystemExit("%s: %s" % (tag, r["stdout"][-3000:]))
        walls.append(r["wall"])
        spans.append(r["span"])
        busy.append(re_.ledger_busy(os.path.join(proj, ".uet", "state.db"), r["summary"]["run_id"]))
    return walls, spans, busy


def cmd_checks(a):
    binary = re_.snapshot_binary("gate")
    other = re_.snapshot_binary("gate-other", a.also_build) if a.also_build else None
    py = interpreter()
    seed, names, dur, deps = the_dag(a.seed)
    print("Interpreter for every side: %s. DAG seed %d: 46 workstreams, %d edges; tool sleeps "
          "50..400 ms (total %.2f s, longest chain %.2f s).\n"
          % (py, seed, sum(len(d) for d in deps), sum(dur) / 1000.0,
             max(re_.levels(dur, deps)) / 1000.0))
    rows_out = []
    for check_s in a.check_s:
        base = os.path.join(OUT, "checks-%g" % check_s)
        os.makedirs(base, exist_ok=True)
        wss = pipeline(names, dur, deps, check_s, py)
        proj = os.path.join(base, "proj")
        re_.write_project(proj, SH_TOOL, wss, 4)
        script = os.path.join(base, "sequential.sh")
        sequential_script(script, wss)
        measured = instrumented_sequential(os.path.join(base, "instr-repo"), wss)
        b = bound(wss, measured)
        ninja = ninja_peer(base, wss)
        seq, par, leg, nin, cb = [], [], [], [], []
        for _ in range(a.runs):
            fresh_repo(os.path.join(base, "seq-repo"))
            seq.append(re_.timed([script], base)["wall"])
            wall, durs = ninja()
            nin.append(wall)
            cb.append(contended_bound(wss, durs, b["cpu"]))
        par_w, par_span, par_busy = uet_side(binary, proj, ["phase-all", "--parallel", "4"],
                                             "par", a.runs)
        leg_w, _, _ = uet_side(binary, proj, ["phase-all", "--engine", "legacy"], "leg", a.runs)
        oth_w = uet_side(other, proj, ["phase-all", "--parallel", "4"], "other",
                         a.runs)[0] if other else []
        s, p, l = statistics.median(seq), statistics.median(par_w), statistics.median(leg_w)
        n = statistics.median(nin)
        c = sorted(cb, key=lambda x: x["bound"])[len(cb) // 2]
        busy = statistics.median(par_busy) / statistics.median(par_span)
        rows_out.append([
            "~%.2f s" % (statistics.mean(m["check"] for m in measured.values())),
            re_.f3(s), "%s (**%.2fx**)" % (re_.f3(p), s / p), "%s (%.2fx)" % (re_.f3(l), s / l),
            "%s = max(CP %s, work/4 %s, CPU/2 %s)" % (re_.f3(b["bound"]), re_.f3(b["cp"]),
                                                     re_.f3(b["work"] / 4), re_.f3(b["cpu"] / 2)),
            "**%.2fx**" % (p / b["bound"]), "%.0f%%" % (100 * busy),
            "%s (%.2fx of the bound)" % (re_.f3(n), n / b["bound"]), "**%.2fx**" % (p / n),
            "%s = max(CP %s, work/4 %s)" % (re_.f3(c["bound"]), re_.f3(c["cp"]),
                                            re_.f3(c["work"] / 4)),
            "%.2fx" % (n / c["bound"]), "**%.2fx**" % (p / c["bound"])]
            + (["%s (%.2fx)" % (re_.f3(statistics.median(oth_w)),
                                s / statistics.median(oth_w))] if other else []))
    print("### 46 workstreams, acceptance commands that import and check (median of %d)\n"
          % a.runs)
    print(re_.md_table(["check costs", "sequential script (s)", "`--parallel 4` (s)",
                        "`--engine legacy` (s)", "bound at 4 workers, 2 cores (s)",
                        "parallel / bound", "ledger busy", "`ninja -j4`, tool + check, no git (s)",
                        "parallel / ninja", "bound from ninja's durations (s)",
                        "ninja / it", "parallel / it"]
                       + (["`--parallel 4` of %s (s)" % a.also_build] if other else []), rows_out))


def cmd_files(a):
    binary = re_.snapshot_binary("gate-files")
    other = re_.snapshot_binary("gate-files-other", a.also_build) if a.also_build else None
    seed, names, dur, deps = the_dag(a.seed)
    base = os.path.join(OUT, "files")
    proj = os.path.join(base, "proj")
    os.makedirs(base, exist_ok=True)
    wss = []
    for i, n in enumerate(names):
        wss.append({"id": n, "tool": "sh", "allowed": ["out/%s" % n],
                    "deps": [names[d] for d in deps[i]],
                    "prompt": "sleep %.3f; mkdir -p out; echo %s > out/%s" % (dur[i] / 1000.0, n, n)})
    re_.write_project(proj, SH_TOOL, wss, 4)
    deps_by = {w["id"]: w["deps"] for w in wss}
    re_.write_peers(proj, names, deps_by, {w["id"]: "sh -c %s" % sh_quote(
        "sleep %.3f" % (dur[i] / 1000.0)) for i, w in enumerate(wss)})
    cp, work = max(re_.levels(dur, deps)) / 1000.0, sum(dur) / 1000.0
    bnd = max(cp, work / 4)
    walls, spans, nin, oth = [], [], [], []
    for _ in range(a.runs):
        for b, out in [(binary, None), (other, oth)] if other else [(binary, None)]:
            re_.reset_uet_state(proj)
            fresh_repo(os.path.join(proj, "repo"))
            r = re_.run_uet(b, proj, ["phase-all", "--parallel", "4"], "files")
            if r["summary"]["committed"] != len(names):
                raise SystemExit(r["stdout"][-3000:])
            if out is None:
                walls.append(r["wall"])
                spans.append(r["span"])
            else:
                out.append(r["span"])
        nin.append(re_.run_ninja(proj, 4))
    w, s, n = (statistics.median(x) for x in (walls, spans, nin))
    extra = []
    if other:
        o = statistics.median(oth)
        extra = [["scheduler span of %s" % a.also_build, re_.f3(o), "%+.1f%%" % (100 * (o / bnd - 1))]]
    print("### 46 workstreams that each write one file (no acceptance), 4 workers, first run "
          "without history (median of %d)\n" % a.runs)
    print("Bound max(CP %.3f, work/4 %.3f) = **%.3f s**.\n" % (cp, work / 4, bnd))
    print(re_.md_table(["executor", "wall (s)", "over bound"], [
        ["uet-actors run (process wall)", re_.f3(w), "%+.1f%%" % (100 * (w / bnd - 1))],
        ["uet-actors run: scheduler span", re_.f3(s), "%+.1f%%" % (100 * (s / bnd - 1))],
        ["ninja -j4 (the sleeps only, no git)", re_.f3(n), "%+.1f%%" % (100 * (n / bnd - 1))]]
        + extra))


def chain_pipeline(n, tool_s, check_s, py):
    names = ["c%02d" % i for i in range(n)]
    deps = [[] if i == 0 else [i - 1] for i in range(n)]
    wss = pipeline(names, [tool_s * 1000.0] * n, deps, check_s, py)
    return names, wss


def set_early_start(proj, on):
    path = os.path.join(proj, "uet.yaml")
    with open(path) as f:
        lines = [l for l in f.read().splitlines() if not l.startswith("early_start:")]
    lines.append("early_start: %s" % ("true" if on else "false"))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def chain_side(binary, proj, args, tag, runs, n):
    walls = []
    for _ in range(runs):
        re_.reset_uet_state(proj)
        fresh_repo(os.path.join(proj, "repo"))
        r = re_.run_uet(binary, proj, args, tag)
        if r["summary"]["committed"] != n:
            raise SystemExit("%s: %s" % (tag, r["stdout"][-3000:]))
        walls.append(r["wall"])
    return statistics.median(walls)


def cmd_chain(a):
    binary = re_.snapshot_binary("gate-chain")
    py = interpreter()
    base = os.path.join(OUT, "chain")
    proj = os.path.join(base, "proj")
    os.makedirs(base, exist_ok=True)
    names, wss = chain_pipeline(a.n, a.tool_s, a.check_s, py)
    re_.write_project(proj, SH_TOOL, wss, 4)
    script = os.path.join(base, "sequential.sh")
    sequential_script(script, wss)
    m = instrumented_sequential(os.path.join(base, "instr-repo"), wss)
    classic = sum(m[w]["tool"] + m[w]["check"] for w in names)
    pipelined, tools = 0.0, 0.0
    for w in names:
        tools += m[w]["tool"]
        pipelined = max(pipelined, tools + m[w]["check"])
    seq = []
    for _ in range(a.runs):
        fresh_repo(os.path.join(base, "seq-repo"))
        seq.append(re_.timed([script], base)["wall"])
    s = statistics.median(seq)
    set_early_start(proj, True)
    early = chain_side(binary, proj, ["phase-all", "--parallel", "4"], "early", a.runs, a.n)
    set_early_start(proj, False)
    late = chain_side(binary, proj, ["phase-all", "--parallel", "4"], "late", a.runs, a.n)
    leg = chain_side(binary, proj, ["phase-all", "--engine", "legacy"], "leg", a.runs, a.n)
    set_early_start(proj, True)
    print("### A chain of %d workstreams, tools %.2f s, checks %.2f s + import (median of %d)\n"
          % (a.n, a.tool_s, a.check_s, a.runs))
    print("Bounds from the instrumented sequential run: without early starts sum(tool + check) "
          "= **%.3f s**; with them max_k(tool_1..k + check_k) = **%.3f s**.\n"
          % (classic, pipelined))
    print(re_.md_table(["side", "wall (s)", "vs script", "/ its bound"], [
        ["sequential script", re_.f3(s), "1.00x", "%.2fx" % (s / classic)],
        ["`--parallel 4` (early starts)", re_.f3(early), "**%.2fx**" % (s / early),
         "**%.2fx**" % (early / pipelined)],
        ["`--parallel 4`, `early_start: false`", re_.f3(late), "%.2fx" % (s / late),
         "%.2fx" % (late / classic)],
        ["`--engine legacy`", re_.f3(leg), "%.2fx" % (s / leg), "%.2fx" % (leg / classic)]]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    runs = int(os.environ.get("RUNS", "0") or 0)
    p = sub.add_parser("checks")
    p.add_argument("--check-s", type=float, nargs="*", default=[0.0, 0.3])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--runs", type=int, default=runs or 3)
    p.add_argument("--also-build", help="also time --parallel 4 of this build's binary")
    p = sub.add_parser("files")
    p.add_argument("--also-build", help="also time this build's binary")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--runs", type=int, default=runs or 5)
    p = sub.add_parser("chain")
    p.add_argument("--n", type=int, default=10)
    p.add_argument("--tool-s", type=float, default=0.3)
    p.add_argument("--check-s", type=float, default=0.3)
    p.add_argument("--runs", type=int, default=runs or 3)
    a = ap.parse_args()
    {"checks": cmd_checks, "files": cmd_files, "chain": cmd_chain}[a.cmd](a)
    re_.finish()


if __name__ == "__main__":
    main()
