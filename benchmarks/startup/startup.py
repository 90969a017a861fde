#!/usr/bin/env python3
"""Start-up time of bin/ncdc: wall time to exit (and CPU time) of short commands, repeated, median and max.

    benchmarks/startup/startup.py                 # `ncdc check` of every example, and `ncdc run examples/mlp.ncd`
    benchmarks/startup/startup.py --runs 10 --env NCD_AOT=off   # without the JDK 25 AOT cache

Each command runs --runs times after one untimed run (which also records the AOT cache, NCD_AOT=wait, when the JDK
has none yet). `ncdc run` is timed to its first line of output. Prints one row per command: median and max wall
time, median CPU time (user + system, of ncdc and its children). The machine's load shows in the wall times: the CPU
times are the steadier figure on a shared machine.
"""
import argparse
import glob
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NCDC = os.path.join(ROOT, "bin", "ncdc")


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def once(args, env, first_line):
    c0, t0 = cpu(), time.perf_counter()
    p = subprocess.Popen([NCDC] + args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if first_line:
        p.stdout.readline()
        wall = time.perf_counter() - t0
        p.communicate()
    else:
        out, err = p.communicate()
        wall = time.perf_counter() - t0
        if p.returncode != 0 or err.strip():
            sys.exit(f"startup.py: `ncdc {' '.join(args)}` exited {p.returncode}, stderr:\n{err.decode()}")
    return wall, cpu() - c0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="set for every run")
    ap.add_argument("files", nargs="*", help="examples to check (default: examples/*.ncd)")
    a = ap.parse_args()
    env = dict(os.environ)
    for kv in a.env:
        k, v = kv.split("=", 1)
        env[k] = v
    warm = dict(env)
    warm.setdefault("NCD_AOT", "wait")
    files = a.files or sorted(glob.glob(os.path.join(ROOT, "examples", "*.ncd")))
    cases = [(["check", os.path.relpath(f, ROOT)], False) for f in files]
    cases.append((["run", "examples/mlp.ncd", "--circuit", "Classifier", "--steps", "1"], True))
    print(f"{'command':<44} {'median':>8} {'max':>8} {'cpu':>8}   ({a.runs} runs, load {os.getloadavg()[0]:.1f})")
    medians = []
    for args, first_line in cases:
        once(args, warm, first_line)
        walls, cpus = zip(*(once(args, env, first_line) for _ in range(a.runs)))
        med = statistics.median(walls)
        if args[0] == "check":
            medians.append(med)
        name = "ncdc " + " ".join(args[:2]) + (" (first line)" if first_line else "")
        print(f"{name:<44} {med:8.3f} {max(walls):8.3f} {statistics.median(cpus):8.3f}", flush=True)
    if medians:
        print(f"{'check, all examples: median of medians, max':<44} {statistics.median(medians):8.3f} {max(medians):8.3f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
