#!/usr/bin/env python3
"""N-parity data for examples/parity.ncd, with numpy only.

    python3 benchmarks/peers/parity_npz.py OUT_DIR [--n 2 4 6] [--train 2048] [--val 512] [--seed 0]

writes OUT_DIR/parity{N}_train.npz and OUT_DIR/parity{N}_val.npz for each N: per sequence of N random bits, arrays
over [sample, step] (the trainer feeds one step at a time): x float32[sample, step, 1] (-1 or +1), last float32 (1 at the last
step, else 0: the mask that makes only the answer at the end count) and parity int32 (the running parity: 1 when
an odd number of the bits so far are +1).
"""
import argparse
import os

import numpy as np


def make(n, samples, rng):
    bits = rng.integers(0, 2, size=(samples, n))
    last = np.zeros((samples, n), dtype=np.float32)
    last[:, -1] = 1
    return {"x": (2 * bits - 1).astype(np.float32)[:, :, None], "last": last, "parity": (np.cumsum(bits, axis=1) % 2).astype(np.int32)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--n", type=int, nargs="+", default=[2, 4, 6])
    ap.add_argument("--train", type=int, default=2048)
    ap.add_argument("--val", type=int, default=512)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for n in a.n:
        rng = np.random.default_rng([a.seed, n])
        for split, samples in (("train", a.train), ("val", a.val)):
            np.savez(os.path.join(a.out, f"parity{n}_{split}.npz"), **make(n, samples, rng))


if __name__ == "__main__":
    main()
