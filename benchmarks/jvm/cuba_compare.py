#!/usr/bin/python3
"""CUBA (examples/cuba.ncd) on ncd's JVM backend against Brian2's cython target, side by side in one run.

    python3 benchmarks/jvm/cuba_compare.py [--runs 3] [--python /usr/bin/python3] [--no-cold]

The network is Brian2's CUBA example (4000 LIF neurons, p = 0.02, dt = 0.1 ms), 1 s of network time (10,000 steps).
Four figures, each side measured here, now:

- simulation alone: ncd's median step (`ncdc bench --runs 100`) x 10,000 against Brian2's fastest `run(1 * second)`
  once its kernels are compiled and loaded (benchmarks/peers/cuba_brian2_cython.py, several runs in one process);
- first run, wall time including compilation: `ncdc run examples/cuba.ncd --steps 10000 --out DIR` as a new user
  types it (JVM start, parse, check, compile, run, writing the spikes), median of --runs, against a Brian2 process
  on an empty Cython cache (a fresh HOME, so ~/.cython/brian_extensions is empty) up to the end of its first
  `run(1 * second)`, Python start and imports included;
- compile time: ncd's, as `ncdc bench` reports it by stage; Brian2's is most of its first run (printed, not derived);
- the network's statistics (mean rate, ISI CV) on both sides, so that the two ran the same kind of network.

Brian2's cold run costs most of a minute of CPU (a C compiler over the generated Cython); `--no-cold` skips it.
Run it on a quiet machine: the load average is printed with the figures.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_env import peer_env  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NCDC = os.path.join(ROOT, "bin", "ncdc")
BRIAN2 = os.path.join(ROOT, "benchmarks", "peers", "cuba_brian2_cython.py")
STEPS = 10_000
UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def ncd_bench():
    """(median seconds per step, compile seconds) from `ncdc bench`."""
    out = subprocess.run([NCDC, "bench", "examples/cuba.ncd", "--circuit", "CUBA", "--runs", "100"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    step = re.search(r"latency per step: median ([0-9.]+) (s|ms|us|ns)", out)
    comp = re.search(r"compile: ([0-9.]+) (s|ms|us)", out)
    return float(step.group(1)) * UNITS[step.group(2)], float(comp.group(1)) * UNITS[comp.group(2)]


def ncd_first_run(out_dir):
    """Wall seconds of one `ncdc run` of 10,000 steps, and the spikes it wrote."""
    t0 = time.perf_counter()
    subprocess.run([NCDC, "run", "examples/cuba.ncd", "--circuit", "CUBA", "--steps", str(STEPS), "--out", out_dir],
                   cwd=ROOT, capture_output=True, text=True, check=True)
    return time.perf_counter() - t0


def ncd_stats(py, out_dir):
    """Rate and ISI CV of ncd's spikes (a bool [step, neuron] .npy), computed as cuba_brian2.stats does."""
    code = ("import sys, numpy as np; sys.path.insert(0, sys.argv[2]); from cuba_brian2 import stats\n"
            "s = np.load(sys.argv[1]); t, i = np.nonzero(s); r, cv = stats(i, t * 0.1); print(r, cv)")
    npy = next(os.path.join(out_dir, f) for f in os.listdir(out_dir) if f.endswith(".npy"))
    out = subprocess.run([py, "-c", code, npy, os.path.join(ROOT, "benchmarks", "peers")], capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def brian2(py, home, runs):
    """Per run: (seconds of run(1 s), wall seconds since the process started, rate, cv)."""
    env = peer_env(1)
    env["HOME"] = home
    t0 = time.perf_counter()
    p = subprocess.Popen([py, BRIAN2, "--runs", str(runs)], env=env, cwd=home, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    rows = []
    for line in p.stdout:
        m = re.match(r"run \d+: run\(1 s\) took ([0-9.]+) s .* rate ([0-9.]+) Hz, ISI CV ([0-9.]+)", line)
        if m:
            rows.append((float(m.group(1)), time.perf_counter() - t0, float(m.group(2)), float(m.group(3))))
    if p.wait() != 0 or not rows:
        sys.exit(f"{BRIAN2} failed (exit {p.returncode}); is Brian2 installed for {py}?")
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3, help="ncd first runs and Brian2 runs per process (default 3)")
    ap.add_argument("--python", default="/usr/bin/python3", help="Brian2's interpreter (default: Debian's python3)")
    ap.add_argument("--no-cold", action="store_true", help="skip Brian2's run on an empty cache")
    a = ap.parse_args()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"CUBA, 1 s of network time (10,000 steps of 0.1 ms); {cpu}, {os.cpu_count()} vCPUs; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average {load()} at the start", flush=True)

    step, compile_s = ncd_bench()
    print(f"ncd: median step {step * 1e6:.1f} us, compile {compile_s * 1e3:.0f} ms (ncdc bench --runs 100)", flush=True)
    walls, tmp = [], tempfile.mkdtemp(prefix="cuba_compare_")
    try:
        for k in range(a.runs):
            walls.append(ncd_first_run(os.path.join(tmp, f"run{k}")))
        rate, cv = ncd_stats(a.python, os.path.join(tmp, "run0"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"ncd: ncdc run --steps 10000 walls {', '.join(f'{w:.2f}' for w in walls)} s; rate {rate:.3f} Hz, "
          f"ISI CV {cv:.3f}", flush=True)

    home = tempfile.mkdtemp(prefix="cuba_brian2_home_")
    try:
        cold = None
        if not a.no_cold:
            cold = brian2(a.python, home, 1)[0]
            print(f"Brian2, empty cache: first run(1 s) {cold[0]:.2f} s, wall to its end {cold[1]:.1f} s", flush=True)
        warm = brian2(a.python, home, a.runs)
        print("Brian2, compiled kernels: run(1 s) " + ", ".join(f"{r[0]:.2f}" for r in warm) + " s", flush=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)

    ours_sim, theirs_sim = step * STEPS, min(r[0] for r in warm)
    ours_first = statistics.median(walls)
    print()
    print("| CUBA, 1 s of network time | ncd (jvm) | Brian2 (cython) | ncd faster by |")
    print("|---|---|---|---|")
    print(f"| simulation alone | {ours_sim:.3f} s ({step * 1e6:.1f} us a step) | {theirs_sim:.3f} s (fastest of "
          f"{len(warm)} cached runs; first of them {warm[0][0]:.2f} s) | {theirs_sim / ours_sim:.2f}x |")
    if cold:
        print(f"| first run, wall incl. compilation | {ours_first:.2f} s (median of {len(walls)}) | {cold[1]:.1f} s "
              f"(empty cache) | {cold[1] / ours_first:.1f}x |")
    print(f"| compile | {compile_s * 1e3:.0f} ms (ncdc bench, all stages) | most of the first run above | |")
    print(f"| mean rate, ISI CV | {rate:.3f} Hz, {cv:.3f} (seed 1, 2) | {warm[0][2]:.3f} Hz, {warm[0][3]:.3f} (seed 0) | |")
    print(f"\nload average {load()} at the end")


if __name__ == "__main__":
    main()
