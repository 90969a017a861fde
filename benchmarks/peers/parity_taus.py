#!/usr/bin/env python3
"""The time constants a parity run learned, from its params.safetensors, with numpy only.

    python3 benchmarks/peers/parity_taus.py runs/parity2/params.safetensors [...]

prints, per file, tau = 1 + softplus(rnn.tau_raw) (in steps, as examples/parity.ncd defines it): mean, median, min,
max, the mean of the 4 largest (a few slow neurons would hold the memory) and the fraction of neurons above 2 steps
(where every neuron starts).
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64, "I32": np.int32}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        lo, hi = meta["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + lo:8 + n + hi], dtype=DTYPES[meta["dtype"]]).reshape(meta["shape"])
    return out


def main():
    print("| file | mean tau | median tau | min | max | top-4 mean | tau > 2 |")
    print("|---|---|---|---|---|---|---|")
    for path in sys.argv[1:]:
        raw = read_safetensors(path)["rnn.tau_raw"].astype(np.float64)
        tau = 1 + np.logaddexp(0, raw)
        top = np.sort(tau)[-4:].mean()
        print(f"| {path} | {tau.mean():.2f} | {np.median(tau):.2f} | {tau.min():.2f} | {tau.max():.2f} | {top:.2f} "
              f"| {(tau > 2).mean():.0%} |")


if __name__ == "__main__":
    main()
