#!/usr/bin/python3
"""The JVM backend on two JDKs, side by side: which one should bin/ncdc prefer?

    /usr/bin/python3 benchmarks/jmh/jdks.py [--reps 5] [--warmup 2] [--only NAME] [--jdk HOME --jdk HOME]

Needs cli/target/ncdc.jar (mvn -q -B -DskipTests package). For each case of benchmarks/jvm/compare.py, runs
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

CASES = [
    # name, parameters, `ncdc bench` arguments (the cases of benchmarks/jvm/compare.py)
    ("sgemm", "1024^3 f32, 1 thread", ["benchmarks/jvm/sgemm.ncd", "--axis", "m=1024,n=1024,k=1024", "--threads", "1"]),
    ("sgemm", "1024^3 f32, 2 threads", ["benchmarks/jvm/sgemm.ncd", "--axis", "m=1024,n=1024,k=1024", "--threads", "2"]),
    ("MLP", "784-512-512-10, batch 256, 1 thread", ["benchmarks/jvm/mlp.ncd", "--axis", "batch=256", "--threads", "1"]),
    ("MLP", "784-512-512-10, batch 1, 1 thread", ["benchmarks/jvm/mlp.ncd", "--axis", "batch=1", "--threads", "1"]),
    ("transformer layer", "d256, 8 heads, ff 1024, 8 x 128, 1 thread",
     ["benchmarks/jvm/transformer.ncd", "--axis", "batch=8,seq=128,key=128", "--threads", "1"]),
    ("Game of Life", "512^2, per generation", ["benchmarks/jvm/life.ncd", "--axis", "row=512,col=512"]),
    ("echo-state reservoir", "1000 units, per step, 1 thread", ["benchmarks/jvm/reservoir.ncd", "--threads", "1"]),
]

UNIT = {"s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}


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
    m = re.search(r"latency per step: median ([0-9.]+) (s|ms|us|ns)", out)
    a = re.search(r"allocated: ([0-9.]+) ([KMG]?B) per step", out)
    return float(m.group(1)) * UNIT[m.group(2)], float(a.group(1)) * {"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}[a.group(2)]


def fmt_bytes(b):
    if b >= 1 << 20:
        return f"{b / (1 << 20):.3g} MB"
    if b >= 1 << 10:
        return f"{b / (1 << 10):.3g} KB"
    return f"{b:.0f} B"


def fmt(secs):
    if secs >= 1e-3:
        return f"{secs * 1e3:.3g} ms"
    return f"{secs * 1e6:.3g} us"


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
