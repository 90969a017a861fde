#!/usr/bin/env python3
"""The linear memory capacity of examples/esn.ncd's reservoir, in numpy: the fixture of EsnMemoryTest.

Draws (numpy, seed 0) the reservoir's weights W (100 x 100, normal, std 0.9 / sqrt(100)), its input weights w_in
(uniform in [-1, 1]) and an input sequence u of T = 5000 values uniform in [-0.5, 0.5]; runs
x(t) = tanh(W x(t-1) + w_in u(t)) from x(-1) = 0 in float64; and computes the memory capacity
MC = sum_{k=1..K} r^2(u(t-k), yhat_k(t)), where yhat_k is the ridge-regression readout [x(t), 1] -> u(t-k)
(lambda = 1e-6 times the number of training samples) fitted on t in [WASHOUT, WASHOUT + TRAIN) and r^2 is the
squared correlation on the held-out t in [WASHOUT + TRAIN, T). Writes tests/fixtures/esn/esn.npz with W, w_in
(float32, named as the circuit's parameters), u (float32) and mc, mc_k (float64), and prints MC.

    python3 benchmarks/peers/esn_memory.py      # Debian's python3-numpy is enough
"""
import os
import numpy as np

N, T, WASHOUT, TRAIN, K, RIDGE = 100, 5000, 500, 3000, 150, 1e-6


def memory_capacity(states, u):
    """MC of `states` (T x N, x(t) after u(t)) for input `u`, as the module docstring says."""
    X = np.hstack([states, np.ones((len(u), 1))])
    tr = slice(WASHOUT, WASHOUT + TRAIN)
    te = slice(WASHOUT + TRAIN, len(u))
    A = X[tr].T @ X[tr] + RIDGE * TRAIN * np.eye(X.shape[1])
    mc_k = []
    for k in range(1, K + 1):
        y = np.roll(u, k)  # y[t] = u[t - k]; t >= WASHOUT > K, so the wrapped values are never used
        w = np.linalg.solve(A, X[tr].T @ y[tr])
        pred = X[te] @ w
        r = np.corrcoef(pred, y[te])[0, 1]
        mc_k.append(r * r)
    return float(np.sum(mc_k)), np.array(mc_k)


def main():
    rng = np.random.default_rng(0)
    W = rng.normal(0, 0.9 / np.sqrt(N), (N, N)).astype(np.float32)
    w_in = rng.uniform(-1, 1, N).astype(np.float32)
    u = rng.uniform(-0.5, 0.5, T).astype(np.float32)
    x = np.zeros(N)
    states = np.zeros((T, N))
    Wd, wd = W.astype(np.float64), w_in.astype(np.float64)
    for t in range(T):
        x = np.tanh(Wd @ x + wd * float(u[t]))
        states[t] = x
    mc, mc_k = memory_capacity(states, u.astype(np.float64))
    out = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "esn")
    os.makedirs(out, exist_ok=True)
    np.savez(os.path.join(out, "esn.npz"), W=W, w_in=w_in, u=u, mc=np.float64(mc), mc_k=mc_k)
    print(f"memory capacity {mc:.3f} (delays 1..{K}; first five r^2: {np.round(mc_k[:5], 4).tolist()})")


if __name__ == "__main__":
    main()
