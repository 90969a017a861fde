#!/usr/bin/python3
"""The JVM backend on two JDKs, side by side: which one should bin/ncdc prefer?

    /usr/bin/python3 benchmarks/jmh/jdks.py [--reps 5] [--warmup 2] [--only NAME] [--jdk HOME --jdk HOME]

Needs cli/target/ncdc.jar (mvn -q -B -DskipTests package). For each case of benchmarks/jvm/compare.py (its list, imported), runs
`JDK/bin/java --add-modules jdk.incubator.vector -jar cli/target/ncdc.jar bench ... --loop` on each JDK in turn,
--reps times (17/25/17/25/...), so that load from other processes falls on both alike. Prints, per case, each JDK's
median and best step latency, the speed ratio of the second JDK over the first (median over the adjacent pairs, with
the range; above 1: the second is faster) and the most bytes a step allocated in any run, as a Markdown table. A
run whose step allocates was timed before C2 compiled the step (the Vector API boxes its vectors until then).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.path.join(ROOT, "cli", "target", "ncdc.jar")
DEFAULT_JDKS = ["/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/temurin-25-jdk-amd64"]

sys.path.insert(0, os.path.join(ROOT, "benchmarks", "jvm"))
from compare import CASES as PEER_CASES, fmt, latency  # noqa: E402  (one list of cases, shared with compare.py)

# name, parameters, `ncdc bench` arguments: compare.py's cases, each once (several there differ only in the peer)
CASES = []
for _name, _params, _args, _peer, _threads in PEER_CASES:
    if all(_args != c[2] for c in CASES):
        CASES.append((_name, _params, _args))


def version(home):
    with open(os.path.join(home, "release")) as f:
        for line in f:
            if line.startswith("JAVA_VERSION="):
                return line.split("=", 1)[1].strip().strip('"')
    return "?"


def bench(home, args, warmup):
    cmd = [os.path.join(home, "bin", "java"), "--add-modules", "jdk.incubator.vector", "-jar", JAR, "bench", *args, "--loop",
           "--warmup", str(warmup)]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    a = re.search(r"allocated: ([0-9.]+) ([KMG]?B) per step", out)
    return latency(out), float(a.group(1)) * {"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}[a.group(2)]


def fmt_bytes(b):
    if b >= 1 << 20:
        return f"{b / (1 << 20):.3g} MB"
    if b >= 1 << 10:
        return f"{b / (1 << 10):.3g} KB"
    return f"{b:.0f} B"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--warmup", type=float, default=2, help="ncdc bench --warmup, seconds (default 2)")
    ap.add_argument("--only", default=None, help="only the cases whose name contains this text")
    ap.add_argument("--jdk", action="append", help="a JDK home (give two; default: JDK 17 and Temurin 25)")
    a = ap.parse_args()
    jdks = a.jdk or DEFAULT_JDKS
    if len(jdks) != 2:
        sys.exit("jdks.py: give two --jdk homes")
    if not os.path.isfile(JAR):
        sys.exit("jdks.py: build cli/target/ncdc.jar first (mvn -q -B -DskipTests package)")
    names = [version(h) for h in jdks]
    rows = []
    for name, params, args in CASES:
        if a.only and a.only.lower() not in name.lower():
            continue
        times = {h: [] for h in jdks}
        alloc = {h: [] for h in jdks}
        for _ in range(a.reps):
            for h in jdks:
                t, al = bench(h, args, a.warmup)
                times[h].append(t)
                alloc[h].append(al)
        ratios = [t0 / t1 for t0, t1 in zip(times[jdks[0]], times[jdks[1]])]
        row = (name, params, *[f"{fmt(statistics.median(times[h]))} ({fmt(min(times[h]))})" for h in jdks],
               statistics.median(ratios), min(ratios), max(ratios), " / ".join(fmt_bytes(max(alloc[h])) for h in jdks))
        rows.append(row)
        print(f"{name} ({params}): " + ", ".join(f"{n}: " + " ".join(f"{fmt(t)} [{fmt_bytes(al)}]" for t, al in zip(times[h], alloc[h]))
                                                 for n, h in zip(names, jdks))
              + f"; ratio {row[4]:.2f} ({row[5]:.2f}-{row[6]:.2f})", file=sys.stderr)
    load = open("/proc/loadavg").read().split()[:3]
    print(f"JDKs: {names[0]} ({jdks[0]}), {names[1]} ({jdks[1]}); {a.reps} alternations; {os.cpu_count()} vCPUs; "
          f"load average at the end {' '.join(load)}.\n")
    print(f"| case | parameters | JDK {names[0]}: median (best) | JDK {names[1]}: median (best) | {names[1]} over {names[0]} in speed (median, min-max) | most allocated per step |")
    print("|---|---|---|---|---|---|")
    for name, params, t0, t1, r, lo, hi, al in rows:
        print(f"| {name} | {params} | {t0} | {t1} | {r:.2f} ({lo:.2f}-{hi:.2f}) | {al} |")


if __name__ == "__main__":
    main()
