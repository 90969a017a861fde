#!/usr/bin/env python3
"""Reference outputs for the circuits of examples/gallery/, computed independently in numpy.

For each circuit: inputs and parameters drawn from a fixed seed, the expected outputs of T steps (for a stateful
circuit, T steps of its recurrence, from the equations in its header comment, not from the ncd text), written to
tests/fixtures/gallery/NAME.npz. GalleryTest runs examples/gallery/NAME.ncd on the interpreter and the JVM backend
with these inputs and parameters and compares. Keys of a fixture:

  meta.circuit   the circuit to run (uint8, ASCII)        meta.steps   T (int32)
  meta.rtol      relative tolerance (float64)             meta.atol    absolute tolerance (float64)
  param.PATH     a parameter, by its instance path as `ncdc ir` prints it, in its declared unit (as --params reads it)
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
    write("lorenz63", "Lorenz63", T, 1e-5, 1e-5, None, {"u0": u0}, None, {"out": out})


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


@case
def dense_am():
    rng = np.random.default_rng(5)
    T, P, D, beta = 3, 6, 16, 4.0
    X = f32(rng.normal(0, 0.3, (P, D)))  # small enough that the softmax is not one-hot: every pattern counts
    query = f32(X[2] + rng.normal(0, 0.3, D))  # a noisy version of pattern 2
    xi, out = query.astype(np.float64), []
    for t in range(T):
        p = softmax(beta * (X @ xi))
        assert p.max() < 0.99
        xi = X.T.astype(np.float64) @ p
        out.append(xi)
    write("dense_am", "Retrieve", T, 1e-5, 1e-5, {"X": X}, {"query": query}, None, {"out": out})


@case
def lif_refractory():
    # in float32, as the circuit computes, so that no spike flips on a rounding at the threshold
    rng = np.random.default_rng(6)
    T, N = 100, 10
    tau_m, R, dt, t_ref = F32(20e-3), F32(10e6), F32(0.1e-3), F32(2e-3)
    v_rest, v_reset, v_th = F32(-65e-3), F32(-65e-3), F32(-50e-3)
    I_nA = f32(rng.uniform(2.0, 5.0, (T, N)))
    v0_mV = f32(rng.uniform(-60, -50.5, N))
    decay = F32(np.exp(-dt / tau_m))
    v, refr = v0_mV * F32(1e-3), np.zeros(N, F32)
    spikes, vs = [], []
    for t in range(T):
        active = refr <= 0
        v_inf = v_rest + R * (I_nA[t] * F32(1e-9))
        v1 = np.where(active, v_inf + (v - v_inf) * decay, v_reset).astype(F32)
        s = v1 > v_th
        v = np.where(s, v_reset, v1).astype(F32)
        refr = np.where(s, t_ref, np.maximum(refr - dt, F32(0))).astype(F32)
        spikes.append(s)
        vs.append(v * F32(1e3))
    assert np.array(spikes).sum() > 5, "the fixture should have spikes"
    write("lif_refractory", "LIFRef", T, 1e-5, 1e-4, None, {"v0": v0_mV}, {"I": I_nA},
          {"spike": np.array(spikes), "v": vs})


@case
def vq_codebook():
    rng = np.random.default_rng(7)
    T, tok, K, D = 3, 5, 12, 4
    C = f32(rng.normal(0, 1, (K, D)))
    zs = f32(rng.normal(0, 1, (T, tok, D)))
    d2 = ((zs[:, :, None, :].astype(np.float64) - C[None, None]) ** 2).sum(-1)
    k = d2.argmin(-1).astype(np.int32)
    srt = np.sort(d2, -1)
    assert (srt[..., 1] - srt[..., 0]).min() > 1e-3, "no near ties"
    write("vq_codebook", "Quantize", T, 1e-6, 1e-6, {"C": C}, None, {"z": zs}, {"y": C[k], "k": k})


@case
def elm_neuron():
    rng = np.random.default_rng(8)
    T, syn, mem, hid, out_dim, dt = 8, 6, 4, 8, 2, 1e-3
    p = {"tau": f32(rng.uniform(2, 20, mem)),  # ms: a parameter file holds the declared unit (`in ms`)
         "l1.W": glorot(rng, hid, syn + mem), "l1.b": f32(rng.normal(0, 0.1, hid)),
         "l2.W": glorot(rng, mem, hid), "l2.b": f32(rng.normal(0, 0.1, mem)),
         "readout.W": glorot(rng, out_dim, mem), "readout.b": f32(rng.normal(0, 0.1, out_dim))}
    xs = f32(rng.normal(0, 1, (T, syn)))
    lam = np.exp(-dt / (p["tau"].astype(np.float64) * 1e-3))
    m, out = np.zeros(mem), []
    for t in range(T):
        h = np.maximum(p["l1.W"] @ np.concatenate([xs[t], m]) + p["l1.b"], 0)
        m = lam * m + (1 - lam) * (p["l2.W"] @ h + p["l2.b"])
        out.append(p["readout.W"] @ m + p["readout.b"])
    write("elm_neuron", "ELM", T, 1e-5, 1e-6, p, None, {"x": xs}, {"out": out})


@case
def vit_patch():
    rng = np.random.default_rng(9)
    T, P, C, D = 2, 4, 3, 6
    images = f32(rng.normal(0, 1, (T, 8, 8, C)))
    p = {"W": glorot(rng, D, P * P * C), "b": f32(rng.normal(0, 0.1, D)),
         "cls": f32(rng.normal(0, 1, (1, D))), "pos": f32(rng.normal(0, 1, (5, D)))}
    out = []
    for img in images.astype(np.float64):
        # the usual einops-free patchify: [8, 8, C] -> [2, 4, 2, 4, C] -> [2, 2, 4, 4, C] -> [4, 48]
        patches = img.reshape(2, P, 2, P, C).transpose(0, 2, 1, 3, 4).reshape(4, P * P * C)
        e = patches @ p["W"].T + p["b"]
        out.append(np.concatenate([p["cls"], e], 0) + p["pos"])
    write("vit_patch", "PatchEmbed", T, 1e-5, 1e-6, p, None, {"image": images}, {"out": out})


def conv3x3(x, W, b):
    """x [I, R, C], W [O, I, 3, 3]: cross-correlation with zero padding (as PyTorch's Conv2d(padding=1))."""
    I, R, C = x.shape
    xp = np.zeros((I, R + 2, C + 2))
    xp[:, 1:-1, 1:-1] = x
    y = np.zeros((W.shape[0], R, C))
    for i in range(3):
        for j in range(3):
            y += np.einsum("oi,irc->orc", W[:, :, i, j], xp[:, i:i + R, j:j + C])
    return y + b[:, None, None]


@case
def unet():
    rng = np.random.default_rng(10)
    T = 2
    he = lambda o, i: f32(rng.normal(0, np.sqrt(2 / (i * 9)), (o, i, 3, 3)))
    p = {"enc.W": he(4, 2), "enc.b": f32(rng.normal(0, 0.1, 4)), "mid.W": he(4, 4), "mid.b": f32(rng.normal(0, 0.1, 4)),
         "dec.W": he(2, 8), "dec.b": f32(rng.normal(0, 0.1, 2))}
    xs = f32(rng.normal(0, 1, (T, 2, 8, 8)))
    out = []
    for x in xs.astype(np.float64):
        e = np.maximum(conv3x3(x, p["enc.W"], p["enc.b"]), 0)
        pooled = e.reshape(4, 4, 2, 4, 2).max(axis=(2, 4))
        m = np.maximum(conv3x3(pooled, p["mid.W"], p["mid.b"]), 0)
        u = m.repeat(2, axis=1).repeat(2, axis=2)
        out.append(conv3x3(np.concatenate([e, u], 0), p["dec.W"], p["dec.b"]))
    write("unet", "UNet", T, 1e-5, 1e-5, p, None, {"x": xs}, {"out": out})


@case
def multigrid():
    rng = np.random.default_rng(11)
    T = 3
    names = ["A0", "S0", "R0", "P0", "A1", "S1", "R1", "P1", "A2", "S2"]
    p = {n: f32(rng.normal(0, 0.3, 3)) for n in names}
    k = {n: v.astype(np.float64) for n, v in p.items()}
    conv = lambda u, w: np.convolve(u, w[::-1], mode="same")  # y[i] = sum_j w[j] u[i + j - 1], zero padded
    smooth = lambda u, f, A, S: u + conv(f - conv(u, A), S)
    restrict = lambda r, R: conv(r, R)[0::2]

    def prolong(e, P):
        z = np.zeros(2 * len(e))
        z[0::2] = e
        return conv(z, P)

    f = f32(rng.normal(0, 1, 16)).astype(np.float64)
    u, out = np.zeros(16), []
    for t in range(T):
        u1 = smooth(u, f, k["A0"], k["S0"])
        f1 = restrict(f - conv(u1, k["A0"]), k["R0"])
        v1 = conv(f1, k["S1"])
        f2 = restrict(f1 - conv(v1, k["A1"]), k["R1"])
        v2 = smooth(conv(f2, k["S2"]), f2, k["A2"], k["S2"])
        w1 = smooth(v1 + prolong(v2, k["P1"]), f1, k["A1"], k["S1"])
        u = smooth(u1 + prolong(w1, k["P0"]), f, k["A0"], k["S0"])
        out.append(u)
    write("multigrid", "VCycle", T, 1e-5, 1e-5, p, {"f": f32(f)}, None, {"out": out})


@case
def lmu():
    rng = np.random.default_rng(12)
    T, q, inp, hid, theta = 10, 6, 2, 5, 16.0
    # A and B from the paper's formulas, written with loops (not index arithmetic) as an independent check
    A = np.zeros((q, q))
    for i in range(q):
        for j in range(q):
            A[i, j] = (2 * i + 1) / theta * (-1.0 if i < j else (-1.0) ** (i - j + 1))
    B = np.array([(2 * i + 1) * (-1.0) ** i / theta for i in range(q)])
    A_bar, B_bar = np.eye(q) + A, B  # forward Euler, dt = 1 step
    p = {"e_x": f32(rng.normal(0, 0.5, inp)), "e_h": f32(rng.normal(0, 0.5, hid)), "e_m": f32(rng.normal(0, 0.5, q)),
         "W_x": glorot(rng, hid, inp), "W_h": glorot(rng, hid, hid), "W_m": glorot(rng, hid, q)}
    xs = f32(rng.normal(0, 1, (T, inp)))
    m, h, out = np.zeros(q), np.zeros(hid), []
    for t in range(T):
        u = p["e_x"] @ xs[t] + p["e_h"] @ h + p["e_m"] @ m
        m = A_bar @ m + B_bar * u
        h = np.tanh(p["W_x"] @ xs[t] + p["W_h"] @ h + p["W_m"] @ m)
        out.append(h)
    write("lmu", "LMU", T, 1e-5, 1e-6, p, None, {"x": xs}, {"out": out})


@case
def bdh():
    rng = np.random.default_rng(13)
    T, n, d, lam = 8, 32, 8, 0.9
    p = {"D_x": f32(rng.normal(0, 0.5, (n, d))), "D_y": f32(rng.normal(0, 0.5, (n, d))),
         "E": f32(rng.normal(0, 0.2, (d, n)))}
    vs = f32(rng.normal(0, 1, (T, d)))
    # the state written out as the attention it is: a_t = sum over past tau of lam^(t-1-tau) (x_t . x_tau) v_tau
    xs_hist, out = [], []
    for t in range(T):
        v = vs[t].astype(np.float64)
        x = np.maximum(p["D_x"] @ v, 0)
        a = sum(lam ** (t - 1 - tau) * (x @ x_tau) * vs[tau] for tau, x_tau in enumerate(xs_hist)) if xs_hist else np.zeros(d)
        y = np.maximum(p["D_y"] @ a, 0) * x
        out.append(p["E"] @ y)
        xs_hist.append(x)
    write("bdh", "BDH", T, 1e-5, 1e-5, p, None, {"v": vs}, {"out": out})


@case
def ctm():
    rng = np.random.default_rng(14)
    T, N, M, Hd, inp, r = 6, 6, 4, 3, 3, 0.8
    p = {"W_syn": glorot(rng, N, N), "W_x": glorot(rng, N, inp), "b": f32(rng.normal(0, 0.1, N)),
         "W_out": f32(rng.normal(0, 0.3, (2, N, N))), "W1": f32(rng.normal(0, 0.5, (N, Hd, M))),
         "b1": f32(rng.normal(0, 0.1, (N, Hd))), "w2": f32(rng.normal(0, 0.5, (N, Hd)))}
    x = f32(rng.normal(0, 1, inp))
    z, H, zs, out = np.zeros(N), np.zeros((N, M)), [], []
    for t in range(T):
        a = p["W_syn"] @ z + p["W_x"] @ x + p["b"]
        H = np.concatenate([H[:, 1:], a[:, None]], 1)
        z = np.array([p["w2"][k] @ np.maximum(p["W1"][k] @ H[k] + p["b1"][k], 0) for k in range(N)])
        zs.append(z)
        # synchronisation from the whole history of z (not a running state): sum_tau r^(t-tau) z_tau z_tau^T
        wts = np.array([r ** (t - tau) for tau in range(t + 1)])
        S = sum(w * np.outer(zt, zt) for w, zt in zip(wts, zs)) / np.sqrt(wts.sum())
        pairs = np.triu_indices(N)
        out.append(p["W_out"][:, pairs[0], pairs[1]] @ S[pairs])
    write("ctm", "CTM", T, 1e-5, 1e-6, p, {"x": x}, None, {"out": out})


@case
def fno():
    rng = np.random.default_rng(15)
    T, C, N, K = 2, 3, 16, 5
    R_re, R_im = f32(rng.normal(0, 0.3, (C, C, K))), f32(rng.normal(0, 0.3, (C, C, K)))
    # R is c64: ncd stores it as f32 with a last axis of (re, im)
    p = {"R": np.stack([R_re, R_im], axis=-1), "W": glorot(rng, C, C), "b": f32(rng.normal(0, 0.1, C))}
    R = R_re.astype(np.float64) + 1j * R_im
    vs = f32(rng.normal(0, 1, (T, C, N)))
    out = []
    for v in vs.astype(np.float64):
        vh = np.fft.rfft(v, axis=-1)[:, :K]                  # [chan, mode]
        yh = np.zeros((C, N // 2 + 1), dtype=complex)
        yh[:, :K] = np.einsum("oik,ik->ok", R, vh)
        s = np.fft.irfft(yh, n=N, axis=-1)
        out.append(np.maximum(s + p["W"] @ v + p["b"][:, None], 0))
    write("fno", "FNOLayer", T, 1e-5, 1e-5, p, None, {"v": vs}, {"out": out})

def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm_seq(p, xs, pre=""):
    """An LSTM over xs [time, inp] from h = c = 0: the hidden states [time, hid] and the final (h, c), in f64."""
    P = {k: p[pre + k].astype(np.float64) for k in ("W_i", "W_f", "W_o", "W_g", "U_i", "U_f", "U_o", "U_g",
                                                     "b_i", "b_f", "b_o", "b_g")}
    hid = P["b_i"].shape[0]
    h, c, hs = np.zeros(hid), np.zeros(hid), []
    for x in xs.astype(np.float64):
        i = sigmoid(P["W_i"] @ x + P["U_i"] @ h + P["b_i"])
        f = sigmoid(P["W_f"] @ x + P["U_f"] @ h + P["b_f"])
        o = sigmoid(P["W_o"] @ x + P["U_o"] @ h + P["b_o"])
        g = np.tanh(P["W_g"] @ x + P["U_g"] @ h + P["b_g"])
        c = f * c + i * g
        h = o * np.tanh(c)
        hs.append(h)
    return np.array(hs), h, c


def lstm_params(rng, inp, hid, pre=""):
    p = {}
    for gate in "ifog":
        p[pre + "W_" + gate] = glorot(rng, hid, inp)
        p[pre + "U_" + gate] = glorot(rng, hid, hid)
        p[pre + "b_" + gate] = f32(rng.normal(1.0 if gate == "f" else 0.0, 0.1, hid))
    return p


@case
def lstm():
    # each step of the circuit is one whole, independent sequence of 7
    rng = np.random.default_rng(16)
    T, time, inp, hid = 2, 7, 3, 5
    p = lstm_params(rng, inp, hid)
    xs = f32(rng.normal(0, 1, (T, time, inp)))
    runs = [lstm_seq(p, x) for x in xs]
    write("lstm", "LSTM", T, 1e-5, 1e-6, p, None, {"xs": xs},
          {"hs": [r[0] for r in runs], "h": [r[1] for r in runs], "c": [r[2] for r in runs]})


@case
def gru():
    rng = np.random.default_rng(17)
    T, time, inp, hid = 2, 6, 3, 6
    p = {}
    for gate in "zrn":
        p["W_" + gate] = glorot(rng, hid, inp)
        p["U_" + gate] = glorot(rng, hid, hid)
        p["b_" + gate] = f32(rng.normal(0, 0.1, hid))
    P = {k: v.astype(np.float64) for k, v in p.items()}
    xs, h0 = f32(rng.normal(0, 1, (T, time, inp))), f32(rng.normal(0, 0.5, hid))
    hss, finals = [], []
    for seq in xs.astype(np.float64):
        h, hs = h0.astype(np.float64), []
        for x in seq:
            z = sigmoid(P["W_z"] @ x + P["U_z"] @ h + P["b_z"])
            r = sigmoid(P["W_r"] @ x + P["U_r"] @ h + P["b_r"])
            n = np.tanh(P["W_n"] @ x + P["U_n"] @ (r * h) + P["b_n"])
            h = (1 - z) * n + z * h
            hs.append(h)
        hss.append(hs)
        finals.append(h)
    write("gru", "GRU", T, 1e-5, 1e-6, p, {"h0": h0}, {"xs": xs}, {"hs": hss, "h": finals})

@case
def bilstm():
    rng = np.random.default_rng(18)
    T, time, inp, hid = 2, 6, 3, 4
    p = {**lstm_params(rng, inp, hid, "fwd."), **lstm_params(rng, inp, hid, "bwd.")}
    xs = f32(rng.normal(0, 1, (T, time, inp)))
    ys, hs = [], []
    for x in xs:
        hs_f, h_f, _ = lstm_seq(p, x, "fwd.")
        hs_r, h_b, _ = lstm_seq(p, x[::-1], "bwd.")
        ys.append(np.concatenate([hs_f, hs_r[::-1]], 1))
        hs.append(np.concatenate([h_f, h_b]))
    write("bilstm", "BiLSTM", T, 1e-5, 1e-6, p, None, {"xs": xs}, {"ys": ys, "h": hs})

@case
def hopfield():
    # synchronous updates until a fixed point; the probes are stored patterns with 10 of 32 units flipped. The fields
    # are multiples of 1/32, exact in f32, so every sign (sign(0) = +1 included) is the same as numpy's
    rng = np.random.default_rng(19)
    T, P, N, cap = 3, 5, 32, 20
    X = f32(rng.choice([-1.0, 1.0], (P, N)))
    W = X.T.astype(np.float64) @ X / N
    np.fill_diagonal(W, 0)
    probes = []
    for t in range(T):
        flip = np.ones(N)
        flip[rng.choice(N, 10, replace=False)] = -1
        probes.append(X[t % P] * flip)
    out_s, out_runs = [], []
    for probe in probes:
        s = probe.astype(np.float64)
        for runs in range(1, cap + 1):
            s1 = np.where(W @ s >= 0, 1.0, -1.0)
            done = (s1 == s).all()
            s = s1
            if done:
                break
        assert done and runs > 2, ("converges, after more than one change", runs)
        out_s.append(s)
        out_runs.append(runs)
    write("hopfield", "Hopfield", T, 0.0, 0.0, None, {"patterns": X}, {"probe": f32(probes)},
          {"s": out_s, "runs": np.array(out_runs, dtype=np.int32)})

@case
def moe():
    rng = np.random.default_rng(20)
    T, tok, d, h, E = 3, 5, 6, 4, 4
    p = {"W_g": glorot(rng, E, d), "W_e": f32(rng.normal(0, 0.5, (E, h, d))), "b_e": f32(rng.normal(0, 0.1, (E, h)))}
    P = {k: v.astype(np.float64) for k, v in p.items()}
    xs = f32(rng.normal(0, 1, (T, tok, d)))
    ys, idss, gatess = [], [], []
    for x in xs.astype(np.float64):
        y, ids, gates = np.zeros((tok, h)), np.zeros((tok, 2), np.int32), np.zeros((E, tok))
        for n in range(tok):
            logits = P["W_g"] @ x[n]
            order = np.argsort(-logits, kind="stable")
            assert logits[order[1]] - logits[order[2]] > 1e-4, "no near tie for the second place"
            two = order[:2]
            w = softmax(logits[two])
            for c, k in enumerate(two):
                y[n] += w[c] * np.maximum(P["W_e"][k] @ x[n] + P["b_e"][k], 0)
                gates[k, n] += w[c]
            ids[n] = two
        ys.append(y)
        idss.append(ids)
        gatess.append(gates)
    write("moe", "MoE", T, 1e-5, 1e-6, p, None, {"x": xs}, {"y": ys, "ids": np.array(idss), "gates": gatess})

@case
def active_dendrites():
    rng = np.random.default_rng(21)
    T, inp, ctx, N, S, k = 5, 8, 6, 16, 4, 4
    p = {"W": glorot(rng, N, inp), "b": f32(rng.normal(0, 0.1, N)), "U": f32(rng.normal(0, 0.5, (N, S, ctx)))}
    P = {key: v.astype(np.float64) for key, v in p.items()}
    xs, cs = f32(rng.normal(0, 1, (T, inp))), f32(rng.normal(0, 1, (T, ctx)))
    ys, winners = [], []
    for x, c in zip(xs.astype(np.float64), cs.astype(np.float64)):
        a = P["W"] @ x + P["b"]
        d = np.max(P["U"] @ c, axis=1)             # the best segment of each neuron
        gated = a * sigmoid(d)
        order = np.argsort(-gated, kind="stable")
        assert gated[order[k - 1]] - gated[order[k]] > 1e-4, "no near tie at the k-th place"
        y = np.zeros(N)
        y[order[:k]] = gated[order[:k]]
        ys.append(y)
        winners.append(order[:k].astype(np.int32))
    write("active_dendrites", "ActiveDendrites", T, 1e-5, 1e-6, p, None, {"x": xs, "c": cs},
          {"y": ys, "winners": np.array(winners)})

@case
def esn_ei():
    # excitatory weights in [0, 0.25), inhibitory in (-1, 0]: the populations balance (32 * 0.125 = 8 * 0.5)
    rng = np.random.default_rng(22)
    T, inp, N, NE, out_dim, alpha = 10, 2, 40, 32, 3, 0.5
    p = {"W_E": f32(rng.uniform(0, 0.25, (N, NE))), "W_I": f32(-rng.uniform(0, 1, (N, N - NE))),
         "W_in": f32(rng.uniform(-1, 1, (N, inp))), "b": f32(rng.normal(0, 0.1, N)),
         "W_out": glorot(rng, out_dim, N)}
    P = {k: v.astype(np.float64) for k, v in p.items()}
    W = np.concatenate([P["W_E"], P["W_I"]], 1)
    rho = np.abs(np.linalg.eigvals(W)).max()
    W_hat = 0.9 * W / rho
    assert abs(np.abs(np.linalg.eigvals(W_hat)).max() - 0.9) < 1e-12
    us = f32(rng.normal(0, 1, (T, inp)))
    h, hs, ys = np.zeros(N), [], []
    for u in us.astype(np.float64):
        h = (1 - alpha) * h + alpha * np.tanh(W_hat @ h + P["W_in"] @ u + P["b"])
        hs.append(h)
        ys.append(P["W_out"] @ h)
    write("esn_ei", "ESN", T, 1e-5, 1e-6, p, None, {"u": us}, {"h": hs, "y": ys})


def main(names):
    for name in names or CASES:
        CASES[name]()
        path = os.path.join(OUT, name + ".npz")
        print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
