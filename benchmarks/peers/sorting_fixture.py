#!/usr/bin/env python3
"""numpy's values for the ordering builtins of tests/lit/run/run_sorting.ncd: the fixture of SortingFixtureTest.

Draws (numpy, seed 0) x, float32 (tok=6, expert=8), normal, with a few exact ties and one NaN (row 5), and v, int32
(6, 8), in 0..2 (many ties); writes tests/fixtures/sorting/x.npy, v.npy and expected.npz, each array named
CIRCUIT.OUTPUT as the circuits of run_sorting.ncd name them. ncd's order is numpy's stable argsort: ascending with
NaN last; descending is the stable argsort of -x (so NaN is last there too, and equal values keep index order).

    python3 benchmarks/peers/sorting_fixture.py      # Debian's python3-numpy is enough
"""
import os
import numpy as np

rng = np.random.default_rng(0)
x = rng.normal(size=(6, 8)).astype(np.float32)
x[1, 5] = x[1, 2]          # a tie inside the top 3 region of a row
x[2, :] = x[2, 0]          # a row of equal values
x[4, 7] = x[4, 1]
x[5, 3] = np.nan
v = rng.integers(0, 3, size=(6, 8)).astype(np.int32)


def asc(a):
    return np.argsort(a, axis=1, kind="stable").astype(np.int32)


def desc(a):
    return np.argsort(-a, axis=1, kind="stable").astype(np.int32)


def take(a, i):
    return np.take_along_axis(a, i, axis=1)


out = {}
# Route: top-2 logits, softmax over the two
ids = desc(x)[:, :2]
top = take(x, ids).astype(np.float64)
e = np.exp(top - top.max(axis=1, keepdims=True))
out["Route.weight"] = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
out["Route.expert_id"] = ids
# KWinners: the 3 largest pass
win = desc(x)[:, :3]
mask = np.zeros_like(x)
np.put_along_axis(mask, win, 1.0, axis=1)
out["KWinners.out"] = (x * mask).astype(np.float32)
# Orders
out["Orders.up"] = take(x, asc(x))
out["Orders.down"] = take(x, desc(x))
out["Orders.order"] = asc(x)
out["Orders.order_down"] = desc(x)
out["Orders.least_id"] = asc(x)[:, :2]
out["Orders.least"] = take(x, asc(x)[:, :2])
out["Orders.taken"] = take(x, asc(x))
# Scatter: the top-2 softmax weights added back at their experts, and each expert's load
dense = np.zeros((8, 6), dtype=np.float64)
load = np.zeros(8)
for t in range(6):
    for c in range(2):
        np.add.at(dense[:, t], ids[t, c], out["Route.weight"][t, c])
        np.add.at(load, ids[t, c], 1.0)
out["Scatter.dense"] = dense.astype(np.float32)
out["Scatter.load"] = load.astype(np.float32)
# Ties
out["Ties.order"] = asc(v)
out["Ties.order_down"] = desc(v)

d = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "sorting")
os.makedirs(d, exist_ok=True)
np.save(os.path.join(d, "x.npy"), x)
np.save(os.path.join(d, "v.npy"), v)
np.savez(os.path.join(d, "expected.npz"), **out)
print("wrote", d, "with", len(out), "expected arrays")
