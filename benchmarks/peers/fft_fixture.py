#!/usr/bin/env python3
"""numpy.fft's values for the complex numbers and transforms of tests/lit/run/run_fft.ncd: FftFixtureTest's fixture.

Draws (numpy, seed 0) float32 inputs N(0, 1): for each length n in 1, 2, 8, 12, 60, 64, 97, u{n} and v{n} (3, n) (a
batch of 3 signals; z = u + iv) and p{n}, q{n} (3, n/2 + 1) (a half spectrum p + iq for irfft); pm5, qm5 (3, 5) and pm12,
qm12 (3, 12) for irfft with fewer and more frequencies than n/2 + 1; wr, wi (4, 8) for a complex weight. Writes
tests/fixtures/fft/NAME.npy for each input and expected.npz with each output named CIRCUIT.OUTPUT, computed in float64
from the float32 inputs with numpy's default ("backward") normalisation; a c64 output is stored as ncd stores it, a
last axis of 2 holding (re, im).

    python3 benchmarks/peers/fft_fixture.py      # Debian's python3-numpy is enough
"""
import os
import numpy as np

rng = np.random.default_rng(0)
f32 = np.float32
LENGTHS = [1, 2, 8, 12, 60, 64, 97]
B = 3


def pairs(z):
    """A complex array as ncd stores c64: a last axis of (re, im)."""
    return np.stack([z.real, z.imag], axis=-1)


d = lambda a: a.astype(np.float64)
inputs, exp = {}, {}
for n in LENGTHS:
    u, v = rng.normal(size=(B, n)).astype(f32), rng.normal(size=(B, n)).astype(f32)
    p, q = rng.normal(size=(B, n // 2 + 1)).astype(f32), rng.normal(size=(B, n // 2 + 1)).astype(f32)
    inputs.update({f"u{n}": u, f"v{n}": v, f"p{n}": p, f"q{n}": q})
    z = d(u) + 1j * d(v)
    exp[f"Fft{n}.F"] = pairs(np.fft.fft(z, axis=1))
    exp[f"Fft{n}.I"] = pairs(np.fft.ifft(z, axis=1))
    exp[f"Fft{n}.R"] = pairs(np.fft.rfft(d(u), axis=1))
    exp[f"Fft{n}.B"] = np.fft.irfft(d(p) + 1j * d(q), n=n, axis=1)

for m in (5, 12):
    inputs[f"pm{m}"], inputs[f"qm{m}"] = rng.normal(size=(B, m)).astype(f32), rng.normal(size=(B, m)).astype(f32)
exp["IrfftPadCrop.pad"] = np.fft.irfft(d(inputs["pm5"]) + 1j * d(inputs["qm5"]), n=12, axis=1)    # 5 of 7 frequencies
exp["IrfftPadCrop.crop"] = np.fft.irfft(d(inputs["pm12"]) + 1j * d(inputs["qm12"]), n=8, axis=1)  # 5 of 12 read

wr, wi = rng.normal(size=(4, 8)).astype(f32), rng.normal(size=(4, 8)).astype(f32)
inputs.update({"wr": wr, "wi": wi})
z = d(inputs["u8"]) + 1j * d(inputs["v8"])
w = d(wr) + 1j * d(wi)
s = w.sum(axis=0)
exp["Elementwise.re"], exp["Elementwise.im"] = z.real, z.imag
exp["Elementwise.abs"], exp["Elementwise.angle"] = np.abs(z), np.angle(z)
exp["Elementwise.conj"] = pairs(np.conj(z))
exp["Elementwise.prod"] = pairs(z * s)
exp["Elementwise.quot"] = pairs(z / s)
exp["Elementwise.sum"] = pairs(z + d(inputs["u8"]) - 1)
exp["Elementwise.scaled"] = pairs(2 * z / d(inputs["v8"]))
exp["Elementwise.mix"] = pairs(z @ w.T)          # [b, c]: sum over x of z[b, x] w[c, x]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "fft")
os.makedirs(out, exist_ok=True)
for name, v in inputs.items():
    np.save(os.path.join(out, name + ".npy"), v)
np.savez(os.path.join(out, "expected.npz"), **{k: np.asarray(v, dtype=np.float64) for k, v in exp.items()})
print("wrote", out, sorted(exp))
