#!/usr/bin/env python3
"""numpy.linalg's values for the linear-algebra builtins of tests/lit/run/run_linalg.ncd: LinalgFixtureTest's fixture.

Draws (numpy, seed 0) float32 inputs, well conditioned: A = N(0, 1) (5, 5) + 5 I, b (5,); As (3, 5, 5) and bs
(3, 5, 2) alike; S = M M^T / 5 + I (symmetric positive definite, 5 x 5) and y (5,); W = N(0, 1) / sqrt(6) (6, 6), a
general matrix (its largest eigenvalues are usually a complex pair). Writes tests/fixtures/linalg/NAME.npy for each
input and expected.npz with each output named CIRCUIT.OUTPUT, computed in float64 from the float32 inputs.

ncd's eigenvectors have their largest |component| (the first of equals) positive; numpy's signs are LAPACK's, so
they are flipped here the same way before they are written.

    python3 benchmarks/peers/linalg_fixture.py      # Debian's python3-numpy is enough
"""
import os
import numpy as np

rng = np.random.default_rng(0)
f32 = np.float32
A = (rng.normal(size=(5, 5)) + 5 * np.eye(5)).astype(f32)
b = rng.normal(size=5).astype(f32)
As = (rng.normal(size=(3, 5, 5)) + 5 * np.eye(5)).astype(f32)
bs = rng.normal(size=(3, 5, 2)).astype(f32)
M = rng.normal(size=(5, 5))
S = (M @ M.T / 5 + np.eye(5)).astype(f32)
y = rng.normal(size=5).astype(f32)
W = (rng.normal(size=(6, 6)) / np.sqrt(6)).astype(f32)

d = lambda a: a.astype(np.float64)
exp = {}
exp["Solve.out"] = np.linalg.solve(d(A), d(b))
inv = np.linalg.inv(d(A))
exp["Inverse.inv"] = inv
exp["Inverse.eye"] = d(A) @ inv.astype(f32).astype(np.float64)
exp["BatchSolve.out"] = np.linalg.solve(d(As), d(bs))           # [batch, col, rhs]
vals, vecs = np.linalg.eigh(d(S))
big = np.argmax(np.abs(vecs), axis=0)
vecs = vecs * np.sign(vecs[big, np.arange(5)])
exp["Eigh.vals"], exp["Eigh.vecs"] = vals, vecs
L = np.linalg.cholesky(d(S))
exp["Gauss.L"] = L
sign, logdet = np.linalg.slogdet(d(S))
exp["Gauss.loglik"] = np.array(-0.5 * d(y) @ np.linalg.solve(d(S), d(y)) - 0.5 * logdet - 2.5 * np.log(2 * np.pi))
rho = np.max(np.abs(np.linalg.eigvals(d(W))))
scaled = (d(W) * 0.9 / rho).astype(f32)        # the circuit rounds the scaled weights to f32
exp["Reservoir.scaled"] = d(W) * 0.9 / rho
exp["Reservoir.rho"] = np.array(np.max(np.abs(np.linalg.eigvals(d(scaled)))))
exp["Reservoir.norm"] = np.array(np.linalg.norm(d(scaled), 2))
exp["Reservoir.rho_sym"] = np.array(np.max(np.abs(np.linalg.eigvalsh(d(W) + d(W).T))))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "linalg")
os.makedirs(out, exist_ok=True)
for name, v in dict(A=A, b=b, As=As, bs=bs, S=S, y=y, W=W).items():
    np.save(os.path.join(out, name + ".npy"), v)
np.savez(os.path.join(out, "expected.npz"), **{k: np.asarray(v, dtype=np.float64) for k, v in exp.items()})
print("wrote", out, sorted(exp))
