#!/usr/bin/env python3
"""Brian2's CUBA network (benchmarks/peers/cuba_brian2.py's, unchanged) timed on Brian2's cython target: the figure
docs/performance.md compares ncd's CUBA with.

Runs the network `--runs` times in one process with prefs.codegen.target = 'cython' and prints, per run, the wall
time of the whole script up to then and the time of `run(1000 * ms)` alone. The first run compiles the generated
Cython (about 45 s of CPU on a fresh cache, most of it inside `run`); later runs, and later processes, reuse the
compiled kernels from Brian2's cache (~/.cython/brian_extensions), so their `run` time is the simulation itself.
It costs a C compiler and most of a minute of CPU on a cold cache: run it once, on a quiet machine when possible.

    /usr/bin/python3 benchmarks/peers/cuba_brian2_cython.py [--runs 3] [--seed 0]
"""
import argparse
import os
import sys
import time

T0 = time.perf_counter()
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cuba_brian2 import cuba, stats  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    for k in range(args.runs):
        i, t, secs = cuba(args.seed, target="cython")
        rate, cv = stats(i, t)
        print(f"run {k}: run(1 s) took {secs:.2f} s ({secs / 10:.3f} ms a step of 0.1 ms); wall since start "
              f"{time.perf_counter() - T0:.1f} s; rate {rate:.3f} Hz, ISI CV {cv:.3f} (cython target)", flush=True)


if __name__ == "__main__":
    main()
