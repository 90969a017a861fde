#!/usr/bin/env python3
"""Reference spike trains for the neurons of stdlib/std/neurons.ncd, as examples/neuron_zoo.ncd drives them,
computed in numpy (float64) from the models' published equations, not from the ncd text.

Each model is integrated over T = 5000 steps of 0.1 ms with the scheme the compiler picks for it (ALIF: the exact
propagator of its two linear equations; Izhikevich and AdEx: classical RK4, the input held over the step), then once
more with RK4 at a ten times finer step: the spike counts of the two must agree (within one spike per neuron, or 5% of
the count), which
checks that 0.1 ms is fine enough for the model and that the reference is not just the same scheme twice.
Order within a step, as Brian2's: integrate, threshold on the integrated values, reset.

Writes tests/fixtures/neuron_zoo.npz:
  CIRCUIT.spikes     int32 [k, 2]: (step, cell) of every spike, in time order
  Alif4.threshold    float32 [T, 4]: the threshold v_th + beta a in mV, a at the start of each step
NeuronZooTest runs each circuit on every backend: the same number of spikes per cell, each within one step.
Run:  /usr/bin/python3 benchmarks/peers/neuron_zoo.py
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "neuron_zoo.npz")
T, DT = 5000, 0.1  # steps, ms


def rk4(f, x, h):
    k1 = f(x)
    k2 = f(x + h / 2 * k1)
    k3 = f(x + h / 2 * k2)
    k4 = f(x + h * k3)
    return x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def alif():
    # mV, ms, nA, Mohm
    tau, R, tau_a, beta, v_th, v_reset, v_rest = 20.0, 10.0, 200.0, 1.6, -50.0, -65.0, -65.0
    I = 1.6 + 0.5 * np.arange(4) - 0.1 * (np.arange(4) == 3)
    v, a = np.full(4, v_rest), np.zeros(4)
    spikes, thr = [], []
    v_inf = v_rest + R * I
    for t in range(T):
        thr.append(v_th + beta * a)
        v1 = v_inf + (v - v_inf) * np.exp(-DT / tau)
        a1 = a * np.exp(-DT / tau_a)
        s = v1 > v_th + beta * a1
        v, a = np.where(s, v_reset, v1), np.where(s, a1 + 1, a1)
        spikes += [(t, i) for i in np.flatnonzero(s)]
    return spikes, np.array(thr)


def izhikevich(h, steps):
    I = 10.0
    a = np.array([0.02, 0.1, 0.02, 0.02])
    b = np.full(4, 0.2)
    c = np.array([-65.0, -65.0, -50.0, -55.0])
    d = np.array([8.0, 2.0, 2.0, 4.0])

    def f(x):
        v, u = x
        return np.array([0.04 * v * v + 5 * v + 140 - u + I, a * (b * v - u)])

    x = np.array([np.full(4, -65.0), b * -65.0])
    spikes = []
    for t in range(steps):
        x = rk4(f, x, h)
        s = x[0] >= 30
        x[1] = np.where(s, x[1] + d, x[1])
        x[0] = np.where(s, c, x[0])
        spikes += [(t, i) for i in np.flatnonzero(s)]
    return spikes


def adex(h, steps):
    # pF, nS, mV, ms, nA: nS mV = pA, so currents in pA here
    C, gL, EL, VT, DT_, tau_w, a, b = 281.0, 30.0, -70.6, -50.4, 2.0, 144.0, 4.0, 80.5
    I = 600.0 + 200.0 * np.arange(4)

    def f(x):
        v, w = x
        return np.array([(-gL * (v - EL) + gL * DT_ * np.exp((v - VT) / DT_) - w + I) / C, (a * (v - EL) - w) / tau_w])

    x = np.array([np.full(4, EL), np.zeros(4)])
    spikes = []
    for t in range(steps):
        x = rk4(f, x, h)
        s = x[0] > VT + 5 * DT_
        x[1] = np.where(s, x[1] + b, x[1])
        x[0] = np.where(s, EL, x[0])
        spikes += [(t, i) for i in np.flatnonzero(s)]
    return spikes


def counts(spikes):
    return np.bincount([i for _, i in spikes], minlength=4)


def main():
    arrays = {}
    s, thr = alif()
    arrays["Alif4.spikes"], arrays["Alif4.threshold"] = np.array(s, np.int32), thr.astype(np.float32)
    for name, model in (("Izhikevich4", izhikevich), ("AdEx4", adex)):
        coarse, fine = model(DT, T), model(DT / 10, T * 10)
        assert (np.abs(counts(coarse) - counts(fine)) <= np.maximum(1, 0.05 * counts(fine))).all(), (name, counts(coarse), counts(fine))
        arrays[name + ".spikes"] = np.array(coarse, np.int32)
        print(name, "spikes per cell", counts(coarse), "(a ten times finer step:", counts(fine), ")")
    print("Alif4 spikes per cell", counts(s))
    np.savez_compressed(OUT, **arrays)
    print(OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
