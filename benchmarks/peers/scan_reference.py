#!/usr/bin/env python3
"""Make the numpy references that ncd's `scan` (docs/language.md#scans) is checked against.

For each circuit of tests/fixtures/scan/scans.ncd the script draws inputs and parameters with numpy (one seeded
RandomState per case), computes the circuit's outputs in float64 with plain Python loops, written from the
math (circuits.md), not from the ncd code, and writes tests/fixtures/scan/CASE.npz (float64 arrays):

  input.NAME   every input of the circuit, in its declared axis order
  param.PATH   every parameter, by its ncd instance path (Lstm only)
  out.NAME     every output, in its declared axis order

ScanReferenceTest (tests module) runs each circuit on the interpreter and the JVM backend with these inputs and
parameters and compares every output. numpy only; from the repository root:

  python3 benchmarks/peers/scan_reference.py
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "scan")


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm():
    r = np.random.RandomState(1)
    T, I, H = 6, 3, 4
    p = {}
    for g in "ifog":
        p["W" + g] = r.normal(0, 0.5, (H, I))
        p["U" + g] = r.normal(0, 0.5, (H, H))
        p["b" + g] = r.normal(0, 0.1, H)
    xs = r.uniform(-1, 1, (T, I))
    h, c, hs = np.zeros(H), np.zeros(H), []
    for t in range(T):
        gate = {g: p["W" + g] @ xs[t] + p["U" + g] @ h + p["b" + g] for g in "ifog"}
        c = sigmoid(gate["f"]) * c + sigmoid(gate["i"]) * np.tanh(gate["g"])
        h = sigmoid(gate["o"]) * np.tanh(c)
        hs.append(h)
    arrays = {"input.xs": xs, "out.hs": np.array(hs), "out.h": h, "out.c": c}
    for g in "ifog":
        arrays["param.W" + g] = p["W" + g]
        arrays["param.U" + g] = p["U" + g]
        arrays["param.b" + g] = p["b" + g]
    return arrays


def lorenz():
    sigma, rho, beta, dt = 10.0, 28.0, 8.0 / 3.0, 0.01

    def f(u):
        x, y, z = u
        return np.array([sigma * (y - x), x * (rho - z) - y, x * y - beta * z])

    u0 = np.array([1.0, 1.0, 20.0])
    u, path = u0, []
    for _ in range(10):
        k1 = f(u)
        k2 = f(u + dt / 2 * k1)
        k3 = f(u + dt / 2 * k2)
        k4 = f(u + dt * k3)
        u = u + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        path.append(u)
    return {"input.u0": u0, "out.path": np.array(path), "out.u": u}


def nested():
    r = np.random.RandomState(3)
    xs = r.uniform(-1, 1, (6, 5))
    h, vs = np.zeros(5), []
    for t in range(6):
        v, path = h, []
        for k in range(10):
            v = v + 0.05 * (1 + k) * (xs[t] - v)
            path.append(v)
        h = v
        vs.append(path)
    return {"input.xs": xs, "out.vs": np.array(vs), "out.h": h}


def per_neuron():
    r = np.random.RandomState(4)
    xs = r.uniform(-1, 1, (5, 6))
    a = r.uniform(0.2, 0.9, 5)
    ys = np.zeros((5, 6))
    for n in range(5):
        h = 0.0
        for t in range(6):
            h = a[n] * h + (1 - a[n]) * xs[n, t]
            ys[n, t] = h
    return {"input.xs": xs, "input.a": a, "out.viaFor": ys, "out.viaCall": ys}


def hopfield():
    # three stored patterns (Hebbian weights, no self-connections), started from the first with 3 bits flipped
    r = np.random.RandomState(5)
    N = 16
    pats = np.where(r.uniform(size=(3, N)) < 0.5, -1.0, 1.0)
    W = pats.T @ pats / N
    np.fill_diagonal(W, 0)
    s0 = pats[0].copy()
    s0[[1, 6, 11]] *= -1
    s, runs = s0, 0
    for _ in range(20):
        s1 = np.where(W @ s >= 0, 1.0, -1.0)
        runs += 1
        done = np.array_equal(s1, s)
        s = s1
        if done:
            break
    assert 1 < runs < 20, runs   # converges, after more than one run: the count is tested
    return {"input.W": W, "input.s0": s0, "out.s": s, "out.runs": np.array(float(runs))}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, make in [("lstm", lstm), ("lorenz", lorenz), ("nested", nested), ("perneuron", per_neuron), ("hopfield", hopfield)]:
        arrays = {k: np.asarray(v, dtype=np.float64) for k, v in make().items()}
        np.savez(os.path.join(OUT, name + ".npz"), **arrays)
        print(name, ", ".join(f"{k} {v.shape}" for k, v in arrays.items()))


if __name__ == "__main__":
    main()
