#!/usr/bin/env python3
"""Brian2's CUBA example over ten seeds: the band of mean firing rate and ISI CV that examples/cuba.ncd must fall in.

The network exactly as in Brian2's documentation (examples/CUBA.py): 4000 LIF neurons, 3200 excitatory and 800
inhibitory, p = 0.02, taum 20 ms, taue 5 ms, taui 10 ms, Vt -50 mV, Vr -60 mV, El -49 mV, refractory 5 ms,
we = 60 * 0.27 / 10 mV, wi = -20 * 4.5 / 10 mV, v uniform in [Vr, Vt), method 'exact', dt 0.1 ms, 1 s. For each
seed it records every spike and reports

- rate: spikes / (4000 * 1 s), in Hz;
- cv: the coefficient of variation of the inter-spike intervals, averaged over neurons with at least 3 spikes.

CubaTest computes the same two figures the same way from ncd's run. Writes tests/fixtures/cuba/brian2.csv
(seed, rate, cv) and prints the band. Runs with Debian's python3-brian (Brian2 2.5) and its numpy target (no C++
compiler run, so no compilation time in the figures):

    /usr/bin/python3 benchmarks/peers/cuba_brian2.py [--seeds 10]
"""
import argparse
import os
import time

import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, defaultclock, ms, mV, prefs, run, seed, start_scope)


def cuba(s, target="numpy"):
    start_scope()
    seed(s)
    prefs.codegen.target = target
    defaultclock.dt = 0.1 * ms
    taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
    Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
    eqs = """
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    """
    P = NeuronGroup(4000, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms, method="exact")
    P.v = "Vr + rand() * (Vt - Vr)"
    P.ge = 0 * mV
    P.gi = 0 * mV
    we = (60 * 0.27 / 10) * mV
    wi = (-20 * 4.5 / 10) * mV
    Ce = Synapses(P, P, on_pre="ge += we")
    Ci = Synapses(P, P, on_pre="gi += wi")
    Ce.connect("i<3200", p=0.02)
    Ci.connect("i>=3200", p=0.02)
    m = SpikeMonitor(P)
    t0 = time.perf_counter()
    run(1000 * ms)
    secs = time.perf_counter() - t0
    return np.asarray(m.i), np.asarray(m.t / ms), secs


def stats(i, t_ms, n=4000, seconds=1.0):
    """Mean rate (Hz) and the mean ISI CV over neurons with at least 3 spikes."""
    rate = len(i) / (n * seconds)
    cvs = []
    for k in range(n):
        ts = np.sort(t_ms[i == k])
        if len(ts) >= 3:
            isi = np.diff(ts)
            cvs.append(isi.std() / isi.mean())
    return rate, float(np.mean(cvs))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=10)
    args = ap.parse_args()
    rows = []
    for s in range(args.seeds):
        i, t, secs = cuba(s)
        rate, cv = stats(i, t)
        rows.append((s, rate, cv))
        print(f"seed {s}: rate {rate:.3f} Hz, ISI CV {cv:.3f} ({secs:.1f} s for 1 s, numpy target)", flush=True)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "cuba")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "brian2.csv"), "w") as f:
        f.write("seed,rate_hz,isi_cv\n")
        for s, r, c in rows:
            f.write(f"{s},{r:.6f},{c:.6f}\n")
    r = np.array([x[1] for x in rows])
    c = np.array([x[2] for x in rows])
    print(f"band over {len(rows)} seeds: rate {r.min():.3f}..{r.max():.3f} Hz, CV {c.min():.3f}..{c.max():.3f}")


if __name__ == "__main__":
    main()
