#!/usr/bin/env python3
"""Reference outputs for the circuits of examples/gallery/, computed independently in numpy.

For each circuit: inputs and parameters drawn from a fixed seed, the expected outputs of T steps (for a stateful
circuit, T steps of its recurrence, from the equations in its header comment, not from the ncd text), written to
tests/fixtures/gallery/NAME.npz. GalleryTest runs examples/gallery/NAME.ncd on the interpreter and the JVM backend
with these inputs and parameters and compares. Keys of a fixture:

  meta.circuit   the circuit to run (uint8, ASCII)        meta.steps   T (int32)
  meta.rtol      relative tolerance (float64)             meta.atol    absolute tolerance (float64)
  param.PATH     a parameter, by its instance path as `ncdc ir` prints it, in SI base units (as --params reads them)
  input.NAME     an input fed at every step (--input), in its declared unit
  sequence.NAME  an input fed one entry per step (--sequence), [T, ...], in its declared unit
  expect.NAME    the output NAME at every step, [T, ...], in its declared unit (bool outputs compared exactly)

Arrays are laid out in the axis order the .ncd file declares. Run:  /usr/bin/python3 benchmarks/peers/gallery.py
(numpy only). Each fixture is a few KB.
"""
import os
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "gallery")
F32 = np.float32
CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def f32(x):
    return np.asarray(x, dtype=F32)


def glorot(rng, fan_out, fan_in):
    lim = np.sqrt(6.0 / (fan_in + fan_out))
    return f32(rng.uniform(-lim, lim, (fan_out, fan_in)))


def softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def write(name, circuit, steps, rtol, atol, params=None, inputs=None, sequences=None, expect=None):
    arrays = {
        "meta.circuit": np.frombuffer(circuit.encode("ascii"), dtype=np.uint8),
        "meta.steps": np.array([steps], dtype=np.int32),
        "meta.rtol": np.array([rtol], dtype=np.float64),
        "meta.atol": np.array([atol], dtype=np.float64),
    }
    for prefix, d in (("param.", params), ("input.", inputs), ("sequence.", sequences), ("expect.", expect)):
        for k, v in (d or {}).items():
            v = np.asarray(v)
            arrays[prefix + k] = v.astype(F32) if v.dtype.kind == "f" else v
    for k, v in (sequences or {}).items():
        assert np.asarray(v).shape[0] == steps, (name, k)
    for k, v in (expect or {}).items():
        assert np.asarray(v).shape[0] == steps, (name, k)
    os.makedirs(OUT, exist_ok=True)
    np.savez_compressed(os.path.join(OUT, name + ".npz"), **arrays)


@case
def leaky_rnn():
    rng = np.random.default_rng(1)
    T, inp, hid = 8, 3, 8
    p = {"W_in": glorot(rng, hid, inp), "W_rec": glorot(rng, hid, hid),
         "b": f32(rng.normal(0, 0.1, hid)), "tau_raw": f32(rng.normal(1, 1, hid))}
    xs, h0 = f32(rng.normal(0, 1, (T, inp))), f32(rng.normal(0, 0.5, hid))
    tau = 1 + softplus(p["tau_raw"].astype(np.float64))
    h, out = h0.astype(np.float64), []
    for t in range(T):
        h = (1 - 1 / tau) * h + np.tanh(p["W_rec"] @ h + p["W_in"] @ xs[t] + p["b"]) / tau
        out.append(h)
    write("leaky_rnn", "LeakyRNN", T, 1e-5, 1e-6, p, {"h0": h0}, {"x": xs}, {"out": out})


@case
def al_rnn():
    rng = np.random.default_rng(2)
    T, M, P, inp = 10, 8, 3, 2
    p = {"A": f32(rng.uniform(0.5, 0.9, M)), "W": f32(rng.normal(0, 0.3, (M, M))),
         "C": glorot(rng, M, inp), "h": f32(rng.normal(0, 0.1, M))}
    ss, z0 = f32(rng.normal(0, 1, (T, inp))), f32(rng.normal(0, 1, M))
    z, out = z0.astype(np.float64), []
    for t in range(T):
        phi = np.concatenate([z[:M - P], np.maximum(z[M - P:], 0)])
        z = p["A"] * z + p["W"] @ phi + p["C"] @ ss[t] + p["h"]
        out.append(z)
    write("al_rnn", "ALRNN", T, 1e-5, 1e-6, p, {"z0": z0}, {"s": ss}, {"out": out})


def rk4(f, u, dt):
    k1 = f(u)
    k2 = f(u + dt / 2 * k1)
    k3 = f(u + dt / 2 * k2)
    k4 = f(u + dt * k3)
    return u + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


@case
def lorenz63():
    # chaotic: 10 steps of dt = 0.01 keep f32 and f64 within 1e-5 relative
    T, dt = 10, 0.01
    sigma, rho, beta = 10.0, 28.0, 8.0 / 3.0
    f = lambda u: np.array([sigma * (u[1] - u[0]), u[0] * (rho - u[2]) - u[1], u[0] * u[1] - beta * u[2]])
    u0 = f32([1.0, 1.0, 20.0])
    u, out = u0.astype(np.float64), []
    for t in range(T):
        u = rk4(f, u, dt)
        out.append(u)
    out = np.array(out)
    write("lorenz63", "Lorenz63", T, 1e-5, 1e-5, None, {"x0": u0[0], "y0": u0[1], "z0": u0[2]}, None,
          {"x": out[:, 0], "y": out[:, 1], "z": out[:, 2]})


@case
def lorenz96():
    rng = np.random.default_rng(4)
    T, n, dt, F = 10, 40, 0.01, 8.0
    f = lambda x: (np.roll(x, -1) - np.roll(x, 2)) * np.roll(x, 1) - x + F
    x0 = f32(F + rng.normal(0, 1, n))
    x, out = x0.astype(np.float64), []
    for t in range(T):
        x = rk4(f, x, dt)
        out.append(x)
    write("lorenz96", "Lorenz96", T, 1e-5, 1e-5, None, {"x0": x0}, None, {"out": out})


def main(names):
    for name in names or CASES:
        CASES[name]()
        path = os.path.join(OUT, name + ".npz")
        print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
