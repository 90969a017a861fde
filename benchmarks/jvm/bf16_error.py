#!/usr/bin/python3
"""The error of bfloat16 weights (--backend-option weights=bf16) on the echo-state reservoir, against f32 weights.

    python3 benchmarks/jvm/bf16_error.py [--steps 1000]

Runs benchmarks/jvm/reservoir.ncd twice with `ncdc run` (the same seed, so the same W; a random input sequence
u in [-1, 1]), once with f32 and once with bf16 weights, and prints how far the bf16 states are from the f32 ones:
after the first step (one product's error: each weight rounded to 8 significant bits, relative error <= 2^-8) and
over the whole run (the error a recurrent network accumulates). Needs numpy.
"""
import argparse
import os
import subprocess
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NCDC = os.path.join(ROOT, "bin", "ncdc")


def run(tmp, steps, weights):
    out = os.path.join(tmp, weights)
    subprocess.run([NCDC, "run", "benchmarks/jvm/reservoir.ncd", "--steps", str(steps), "--threads", "1",
                    "--sequence", "u=" + os.path.join(tmp, "u.npy"), "--backend-option", "weights=" + weights,
                    "--out", out], cwd=ROOT, check=True, capture_output=True)
    return np.load(os.path.join(out, "out.npy")).astype(np.float64)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=1000)
    steps = ap.parse_args().steps
    with tempfile.TemporaryDirectory() as tmp:
        np.save(os.path.join(tmp, "u.npy"), np.random.default_rng(1).uniform(-1, 1, steps).astype(np.float32))
        f32, bf16 = run(tmp, steps, "f32"), run(tmp, steps, "bf16")
    d = np.abs(bf16 - f32)
    live = np.sqrt(np.mean(f32 ** 2, axis=1)) > 0   # the first steps, before x is non-zero, have nothing to compare
    rms = np.sqrt(np.mean((bf16 - f32) ** 2, axis=1))[live] / np.sqrt(np.mean(f32 ** 2, axis=1))[live]
    first = int(np.argmax(d.max(axis=1) > 0))       # the first step that a product of bf16 weights reached
    print(f"reservoir ({f32.shape[1]} units, {steps} steps), bf16 weights against f32 weights:")
    print(f"  first step that differs ({first}): max |x_bf16 - x_f32| {d[first].max():.3g} (|x| up to "
          f"{np.abs(f32[first]).max():.3g}), relative RMS {rms[first - int(np.argmax(live))]:.3g}")
    print(f"  all steps: max |x_bf16 - x_f32| {d.max():.3g}, relative RMS median {np.median(rms):.3g}, max {rms.max():.3g}")
    print(f"  last step: max |x_bf16 - x_f32| {d[-1].max():.3g}, relative RMS {rms[-1]:.3g}")


if __name__ == "__main__":
    main()
