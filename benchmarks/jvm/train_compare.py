#!/usr/bin/env python3
"""Training-step throughput: ncd's JVM backend against PyTorch eager autograd, side by side on this machine.

    python3 benchmarks/jvm/train_compare.py [--reps 1] [--threads 1,2] [--only gpt|mlp] [--python /tmp/torchvenv/bin/python]

Cases (docs/performance.md, "Training"): `gpt`, one step of benchmarks/jvm/tiny_gpt.ncd's `train Fit` (a 4-layer
decoder-only transformer, d_model 128, 4 heads, ff 512, vocabulary 32, sequence 64, batch 32, Adam) and `mlp`, one
step of benchmarks/jvm/mlp_train.ncd's (784-512-512-10, batch 256, Adam), against the same models in PyTorch
(benchmarks/peers/train_step.py). For each case and thread count, ours and theirs run alternately --reps times, each
in a fresh process: after W warm-up steps the median step time of the next K (ours: ncd.bench.TrainSteps in
benchmarks/jmh/target/benchmarks.jar, the trainer's own fit loop on random data from an .npz; theirs: the same
number of steps). The ratio is ours/theirs in throughput (above 1: ours is faster).

Needs the build (`mvn -o -q -B install -DskipTests`: benchmarks/jmh/target/benchmarks.jar) and, for the peer, a Python
with torch (--python; torch is never a build dependency). numpy for the data: this script's own Python.
The workplace may set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, which pin an old OpenBLAS kernel: they are removed from
the peer's environment (and the kernel torch uses is printed).
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile

import numpy as np

from peer_env import peer_env

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.path.join(ROOT, "benchmarks", "jmh", "target", "benchmarks.jar")

CASES = {
    # name: (ncd file, description, batch, warm-up steps, timed steps)
    "gpt": ("benchmarks/jvm/tiny_gpt.ncd", "tiny GPT: 4 layers, d_model 128, 4 heads, ff 512, vocab 32, seq 64, batch 32, Adam", 32, 10, 20),
    "mlp": ("benchmarks/jvm/mlp_train.ncd", "MLP 784-512-512-10 ReLU, cross-entropy, batch 256, Adam", 256, 20, 40),
}


def java():
    """The JDK bin/ncdc would pick: NCD_JAVA, else JAVA_HOME, else the newest JDK with jdk.incubator.vector in /usr/lib/jvm."""
    for v in (os.environ.get("NCD_JAVA"), os.environ.get("JAVA_HOME")):
        if v:
            return os.path.join(v, "bin", "java") if os.path.isdir(v) else v
    best, best_v = "java", ()
    base = "/usr/lib/jvm"
    for d in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        rel = os.path.join(base, d, "release")
        if os.path.islink(os.path.join(base, d)) or not os.path.isfile(rel):
            continue
        text = open(rel).read()
        m = re.search(r'JAVA_VERSION="([0-9.]+)', text)
        if not m or "jdk.incubator.vector" not in text:
            continue
        v = tuple(int(x) for x in m.group(1).split("."))
        if v > best_v:
            best, best_v = os.path.join(base, d, "bin", "java"), v
    return best


def make_data(case, n, path):
    rng = np.random.default_rng(0)
    if case == "gpt":
        t = rng.integers(0, 32, (n, 65)).astype(np.int32)
        np.savez(path, tokens=t[:, :64], targets=t[:, 1:])
    else:
        np.savez(path, x=rng.standard_normal((n, 784)).astype(np.float32), label=rng.integers(0, 10, n).astype(np.int32))


def ours(jv, case, data, threads):
    file, _, _, w, k = CASES[case]
    out = subprocess.run([jv, "--add-modules", "jdk.incubator.vector", "-cp", JAR, "ncd.bench.TrainSteps", file, data, str(threads), str(w), str(k)],
                         cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"ncd {case} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def theirs(py, case, threads):
    _, _, _, w, k = CASES[case]
    env = peer_env(threads)
    out = subprocess.run([py, os.path.join(ROOT, "benchmarks", "peers", "train_step.py"), case, str(threads), "--warmup", str(w), "--steps", str(k)],
                         env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"torch {case} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def fmt(secs):
    return f"{secs:.3g} s" if secs >= 1 else f"{secs * 1e3:.3g} ms"


def load():
    return open("/proc/loadavg").read().split()[:3]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--only", default=None, choices=sorted(CASES))
    default_py = "/tmp/torchvenv/bin/python" if os.path.exists("/tmp/torchvenv/bin/python") else "python3"
    ap.add_argument("--python", default=default_py, help="a Python with torch for the peer (default: %(default)s)")
    a = ap.parse_args()
    if not os.path.isfile(JAR):
        sys.exit(f"{JAR} is missing: build first (mvn -o -q -B install -DskipTests)")
    jv = java()
    threads = [int(t) for t in a.threads.split(",")]
    load0 = load()
    rows, javas, peers = [], set(), set()
    with tempfile.TemporaryDirectory() as tmp:
        for case in [a.only] if a.only else list(CASES):
            _, desc, batch, w, k = CASES[case]
            data = os.path.join(tmp, case + ".npz")
            make_data(case, (w + k) * batch, data)
            for n in threads:
                o, t, ratios = [], [], []
                for _ in range(a.reps):
                    r = ours(jv, case, data, n)
                    javas.add(r["java"])
                    p = theirs(a.python, case, n)
                    peers.add(f'{p["version"]} ({p["kernel"]}; Adam {p["adam"]})')
                    mo, mt = statistics.median(r["times"]), statistics.median(p["times"])
                    o.append(mo)
                    t.append(mt)
                    ratios.append(mt / mo)
                    print(f"{case}, {n} thread(s): ncd {fmt(mo)} (loss {r['first_loss']:.3f} -> {r['last_loss']:.3f}), "
                          f"torch {fmt(mt)} (loss -> {p['last_loss']:.3f}), ratio {mt / mo:.2f}; load {' '.join(load())}", file=sys.stderr)
                rows.append((desc, n, statistics.median(o), statistics.median(t), statistics.median(ratios), min(ratios), max(ratios)))
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    print(f"Machine: {cpu}, {os.cpu_count()} vCPUs; ncd on {', '.join(sorted(javas))}; peer: {', '.join(sorted(peers))}; "
          f"{a.reps} repetition(s), warm-up then the median of the timed steps; load average (1, 5, 15 min) "
          f"{' '.join(load0)} at the start, {' '.join(load())} at the end.\n")
    print("| case | threads | ncd step (median) | torch step (median) | ncd steps/s | torch steps/s | ncd/torch (min-max) |")
    print("|---|---|---|---|---|---|---|")
    for desc, n, o, t, r, lo, hi in rows:
        rng = f" ({lo:.2f}-{hi:.2f})" if a.reps > 1 else ""
        print(f"| {desc} | {n} | {fmt(o)} | {fmt(t)} | {1 / o:.2f} | {1 / t:.2f} | **{r:.2f}**{rng} |")


if __name__ == "__main__":
    main()
