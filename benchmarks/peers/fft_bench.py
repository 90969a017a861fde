#!/usr/bin/env python3
"""numpy's FFT on the data of benchmarks/jvm/fft.ncd: 64 complex signals of 4096 samples, along the samples.

Prints the median (and min) wall time of one np.fft.fft over --runs runs after a warm-up, for comparison with
`bin/ncdc bench benchmarks/jvm/fft.ncd --circuit Fft4096 --runs 20` (median latency per step).

    python3 benchmarks/peers/fft_bench.py [runs]
"""
import sys
import time
import numpy as np

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
rng = np.random.default_rng(0)
z = (rng.normal(size=(64, 4096)) + 1j * rng.normal(size=(64, 4096))).astype(np.complex64)
for _ in range(20):
    np.fft.fft(z, axis=1)
times = []
for _ in range(runs):
    t = time.perf_counter()
    np.fft.fft(z, axis=1)
    times.append(time.perf_counter() - t)
print(f"numpy {np.__version__} np.fft.fft 64 x 4096 complex64: median {np.median(times) * 1e3:.2f} ms, "
      f"min {min(times) * 1e3:.2f} ms over {runs} runs")
