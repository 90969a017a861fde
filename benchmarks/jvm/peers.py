#!/usr/bin/python3
"""The peers' side of benchmarks/jvm/compare.py: one case, timed in this process, printed as JSON.

Run by compare.py with OPENBLAS_NUM_THREADS / OMP_NUM_THREADS already set (they must be set before numpy or
torch is imported) and OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed; the JSON names the BLAS kernel used and any
override still present. Usage: peers.py CASE THREADS, CASE one of sgemm-numpy (or sgemm-numpy-N for N x N x N), sgemm-torch, life-numpy, mlp-torch-b256,
mlp-torch-b1, transformer-torch, reservoir-numpy.
"""
import json
import os
import re
import sys
import time


def blas_kernels():
    """The BLAS libraries loaded in this process and the kernel each picked (threadpoolctl's view), e.g.
    "openblas 0.3.30 (SkylakeX)" or "mkl 2025.2 (avx512)"; with the environment's overrides, if any."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ["(threadpoolctl not installed: kernel unknown)"]
    out = []
    for lib in threadpool_info():
        if lib.get("user_api") != "blas":
            continue
        arch = lib.get("architecture") or lib.get("threading_layer") or "?"
        out.append(f"{lib.get('internal_api')} {lib.get('version')} ({arch})")
    return out or ["(no BLAS library loaded)"]


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def sgemm_numpy(n=1024, runs=21):
    import numpy as np
    runs = max(runs, min(201, runs * (1024 // n) ** 3))   # small products: more runs, for a steadier median
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


def timed(fn, warm=20, runs=21, inner=1):
    for _ in range(warm):
        fn()
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        for _ in range(inner):
            fn()
        ts.append((time.perf_counter() - t) / inner)
    return median(ts)


def mlp_torch(batch, threads):
    """784-512-512-10 with ReLU, eager, inference_mode (benchmarks.md's MLP case)."""
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(),
                              torch.nn.Linear(512, 10)).eval()
    x = torch.rand(batch, 784)
    with torch.inference_mode():
        secs = timed(lambda: net(x), inner=1 if batch > 1 else 50)
    return {"seconds_per_step": secs, "version": "torch " + torch.__version__}


def transformer_torch(threads, batch=8, seq=128):
    """nn.TransformerEncoderLayer(d_model 256, 8 heads, ff 1024, post-norm, ReLU), eval: its fast path."""
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(256, 8, 1024, dropout=0.0, batch_first=True).eval()
    x = torch.rand(batch, seq, 256)
    with torch.inference_mode():
        secs = timed(lambda: layer(x), warm=5, runs=11)
    return {"seconds_per_step": secs, "version": "torch " + torch.__version__}


def reservoir_numpy(n=1000, steps=10000):
    """Echo-state reservoir, dense W (numpy gemv), one step = x <- tanh(W x + w_in u)."""
    import numpy as np
    rng = np.random.default_rng(0)
    w = (rng.standard_normal((n, n)) * 0.0316).astype(np.float32)
    w_in = rng.uniform(-1, 1, n).astype(np.float32)
    x = np.zeros(n, dtype=np.float32)
    u = np.float32(0.5)

    def run(k):
        nonlocal x
        for _ in range(k):
            x = np.tanh(w @ x + w_in * u)

    run(200)
    ts = []
    for _ in range(5):
        t = time.perf_counter()
        run(steps // 5)
        ts.append((time.perf_counter() - t) / (steps // 5))
    return {"seconds_per_step": median(ts), "version": "numpy " + np.__version__}


if __name__ == "__main__":
    case, threads = sys.argv[1], int(sys.argv[2])
    size = re.fullmatch(r"sgemm-numpy-(\d+)", case)   # sgemm-numpy-N: an N x N x N product (sgemm-numpy: 1024)
    if size:
        case = "sgemm-numpy"
    out = {"sgemm-numpy": lambda: sgemm_numpy(int(size.group(1)) if size else 1024),
           "sgemm-torch": lambda: sgemm_torch(threads=threads),
           "life-numpy": lambda: life_numpy(),
           "mlp-torch-b256": lambda: mlp_torch(256, threads),
           "mlp-torch-b1": lambda: mlp_torch(1, threads),
           "transformer-torch": lambda: transformer_torch(threads),
           "reservoir-numpy": lambda: reservoir_numpy()}[case]()
    kernels = blas_kernels()
    if "torch" in sys.modules:
        # torch links MKL statically (threadpoolctl does not see it): its build config names BLAS and the ISA it uses
        import torch
        cfg = torch.__config__.show()
        blas = re.search(r"BLAS_INFO=(\w+)", cfg)
        isa = re.search(r"CPU capability usage: (\w+)", cfg)
        kernels = [f"torch: {blas.group(1) if blas else '?'} ({isa.group(1) if isa else '?'})"] + [k for k in kernels if not k.startswith("(")]
    out["kernel"] = "; ".join(kernels)
    out["overrides"] = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    print(json.dumps(out))
