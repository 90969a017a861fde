#!/usr/bin/env python3
"""Streaming N-parity data for examples/parity.ncd, with numpy only.

    python3 benchmarks/peers/parity_npz.py OUT_DIR [--n 2 4 6] [--steps 30] [--train 2048] [--val 512] [--seed 0]

writes OUT_DIR/parity{N}_train.npz and OUT_DIR/parity{N}_val.npz for each N. Each sample is a stream of `steps`
random bits, one per step; at every step t >= N-1 the answer is the parity of the last N bits (steps t-N+1 .. t),
as in the N-parity task of Khajehabdollahi et al. (ICLR 2024), so the network must hold exactly N bits and let
older ones go. Arrays over [sample, step] (the trainer feeds one step at a time):
  x       float32[sample, step, 1]  the bit, as -1 or +1
  weight  float32[sample, step]     1/(steps-N+1) at the scored steps t >= N-1, 0 before them (no N bits yet):
                                    the per-step loss and accuracy, summed by the trainer, become means over them
  parity  int32[sample, step]       1 when an odd number of the last N bits are +1 (of the bits so far before N-1)
"""
import argparse
import os

import numpy as np


def make(n, steps, samples, rng):
    bits = rng.integers(0, 2, size=(samples, steps))
    run = np.concatenate([np.zeros((samples, 1), dtype=np.int64), np.cumsum(bits, axis=1)], axis=1)
    # bits in the window (t-N, t]: a difference of running sums
    last_n = run[:, 1:] - run[:, np.maximum(np.arange(steps) + 1 - n, 0)]
    weight = np.zeros((samples, steps), dtype=np.float32)
    weight[:, n - 1:] = 1 / (steps - n + 1)
    return {"x": (2 * bits - 1).astype(np.float32)[:, :, None], "weight": weight, "parity": (last_n % 2).astype(np.int32)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--n", type=int, nargs="+", default=[2, 4, 6])
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--train", type=int, default=2048)
    ap.add_argument("--val", type=int, default=512)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for n in a.n:
        rng = np.random.default_rng([a.seed, n])
        for split, samples in (("train", a.train), ("val", a.val)):
            np.savez(os.path.join(a.out, f"parity{n}_{split}.npz"), **make(n, a.steps, samples, rng))


if __name__ == "__main__":
    main()
