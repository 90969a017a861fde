#!/usr/bin/env python3
"""Two Poisson input patterns for examples/snn_surrogate.ncd, with numpy only.

    python3 benchmarks/peers/snn_poisson_npz.py OUT_DIR [--train 1024] [--val 2048] [--steps 30] [--seed 0]

Each class is a fixed vector of firing rates over 64 input channels, drawn once from uniform(20 Hz, 100 Hz); class
1's vector is a permutation of class 0's, so both classes have the same mean rate and only which channels fire more
tells them apart. A sample is a Poisson spike train of its class: per 1 ms step and channel a spike with
probability rate * dt (0.02 to 0.1). The rates do not depend on --seed (they are drawn from seed 1234), so that every
split shares the two patterns; the spike trains do.

writes OUT_DIR/snn_train.npz and OUT_DIR/snn_val.npz, arrays over [sample, step] (the trainer feeds one step at a
time): x float32[sample, step, 64] (0 or 1), last float32 (1 at the last step, else 0: only the answer at the end
counts) and label int32 (the class, repeated at every step).

The likelihood-ratio test on the spike counts, which knows both rate vectors, gets about 99.9% right over 30 steps and
about 71% from a single step (printed as "bayes"): one step is not enough, thirty are.
"""
import argparse
import os

import numpy as np

CHANNELS = 64
DT = 1e-3


def rates():
    rng = np.random.default_rng(1234)
    a = rng.uniform(20.0, 100.0, CHANNELS)
    return np.stack([a, rng.permutation(a)])          # [class, channel] in Hz


def make(samples, steps, rng):
    p = rates() * DT
    label = rng.integers(0, 2, samples)
    x = (rng.random((samples, steps, CHANNELS)) < p[label][:, None, :]).astype(np.float32)
    last = np.zeros((samples, steps), dtype=np.float32)
    last[:, -1] = 1
    return {"x": x, "last": last, "label": np.repeat(label[:, None], steps, axis=1).astype(np.int32)}


def bayes(d, steps):
    """The accuracy of the optimal test that knows the rates, from all steps and from the first step alone."""
    p = rates() * DT
    w = np.log(p[1] / p[0]) - np.log((1 - p[1]) / (1 - p[0]))
    label = d["label"][:, 0]
    acc = []
    for t in (steps, 1):
        n = d["x"][:, :t, :].sum(axis=1)
        llr = n @ w + t * np.log((1 - p[1]) / (1 - p[0])).sum()
        acc.append(float(((llr > 0) == (label == 1)).mean()))
    return acc


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--train", type=int, default=1024)
    ap.add_argument("--val", type=int, default=2048)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    for split, samples in (("train", a.train), ("val", a.val)):
        d = make(samples, a.steps, rng)
        np.savez(os.path.join(a.out, f"snn_{split}.npz"), **d)
        all_steps, one_step = bayes(d, a.steps)
        print(f"{split}: {samples} samples of {a.steps} steps; bayes {all_steps:.4f} from all steps, {one_step:.4f} from the first")


if __name__ == "__main__":
    main()
