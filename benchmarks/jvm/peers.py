#!/usr/bin/python3
"""The peers' side of benchmarks/jvm/compare.py: one case, timed in this process, printed as JSON.

Run by compare.py with OPENBLAS_NUM_THREADS / OMP_NUM_THREADS already set (they must be set before numpy or
torch is imported). Usage: peers.py sgemm-numpy|sgemm-torch|life-numpy THREADS
"""
import json
import sys
import time


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def sgemm_numpy(n=1024, runs=21):
    import numpy as np
    rng = np.random.default_rng(0)
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    c = np.empty((n, n), dtype=np.float32)
    for _ in range(10):
        np.matmul(a, b, out=c)
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        np.matmul(a, b, out=c)
        ts.append(time.perf_counter() - t)
    return {"seconds_per_step": median(ts), "version": "numpy " + np.__version__}


def sgemm_torch(n=1024, runs=21, threads=1):
    import torch
    torch.set_num_threads(threads)
    a = torch.rand(n, n)
    b = torch.rand(n, n)
    c = torch.empty(n, n)
    with torch.inference_mode():
        for _ in range(10):
            torch.mm(a, b, out=c)
        ts = []
        for _ in range(runs):
            t = time.perf_counter()
            torch.mm(a, b, out=c)
            ts.append(time.perf_counter() - t)
    return {"seconds_per_step": median(ts), "version": "torch " + torch.__version__}


def life_numpy(n=512, gens=1000, runs=5):
    """The 4-roll separable neighbour sum (benchmarks.md): rows first, then columns."""
    import numpy as np
    rng = np.random.default_rng(1)
    board = (rng.random((n, n)) < 0.3).astype(np.uint8)

    def step(b):
        h = b + np.roll(b, 1, 0) + np.roll(b, -1, 0)
        s = h + np.roll(h, 1, 1) + np.roll(h, -1, 1) - b
        return ((s == 3) | (b & (s == 2))).astype(np.uint8)

    for _ in range(50):
        board = step(board)
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        for _ in range(gens):
            board = step(board)
        ts.append((time.perf_counter() - t) / gens)
    return {"seconds_per_step": median(ts), "version": "numpy " + np.__version__}


if __name__ == "__main__":
    case, threads = sys.argv[1], int(sys.argv[2])
    out = {"sgemm-numpy": lambda: sgemm_numpy(),
           "sgemm-torch": lambda: sgemm_torch(threads=threads),
           "life-numpy": lambda: life_numpy()}[case]()
    print(json.dumps(out))
