#!/usr/bin/python3
"""The peers' side of benchmarks/jvm/compare.py: one case, timed in this process, printed as JSON.

Run by compare.py with OPENBLAS_NUM_THREADS / OMP_NUM_THREADS already set (they must be set before numpy or
torch is imported) and OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed; the JSON names the BLAS kernel used and any
override still present. Usage: peers.py CASE THREADS, CASE one of sgemm-numpy (or sgemm-numpy-N for N x N x N),
sgemm-torch, life-numpy, mlp-torch-b256, mlp-torch-b1, transformer-torch, reservoir-numpy; or peers.py CASE THREADS SIZE
for scaling.py's cases: gemm-numpy, gemm-torch (n x n x n), life-numpy-n (n x n), transformer-numpy,
transformer-torch-seq (batch 1, seq SIZE).
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
        return openblas_core() or ["(threadpoolctl not installed: kernel unknown)"]
    out = []
    for lib in threadpool_info():
        if lib.get("user_api") != "blas":
            continue
        arch = lib.get("architecture") or lib.get("threading_layer") or "?"
        out.append(f"{lib.get('internal_api')} {lib.get('version')} ({arch})")
    return out or ["(no BLAS library loaded)"]


def openblas_core():
    """Without threadpoolctl: ask the OpenBLAS this process loaded (numpy's) for its version and kernel, through
    its C API (openblas_get_config, openblas_get_corename); empty when none is loaded."""
    import ctypes
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "openblas" in line.split()[-1].lower()})
    except OSError:
        return []
    out = []
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("", "scipy_"):
            core = getattr(lib, prefix + "openblas_get_corename", None)
            config = getattr(lib, prefix + "openblas_get_config", None)
            if core is None or config is None:
                continue
            core.restype = config.restype = ctypes.c_char_p
            entry = f"{config().decode().strip()} ({core().decode()})"
            if entry not in out:
                out.append(entry)
            break
    return out


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


def adaptive(fn, budget=1.0, least=3, most=21):
    """The median time of fn() over as many calls as fit in about `budget` seconds (at least `least`, at most
    `most`), after one call to warm up and size the run."""
    t = time.perf_counter()
    fn()
    first = time.perf_counter() - t
    runs = max(least, min(most, int(budget / max(first, 1e-9))))
    inner = max(1, int(1e-3 / max(first, 1e-9)))   # calls per timed run: at least about 1 ms
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        for _ in range(inner):
            fn()
        ts.append((time.perf_counter() - t) / inner)
    return median(ts)


def gemm_numpy_n(n):
    """C = A B, n x n x n f32 (scaling.py)."""
    import numpy as np
    rng = np.random.default_rng(0)
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    c = np.empty((n, n), dtype=np.float32)
    return {"seconds_per_step": adaptive(lambda: np.matmul(a, b, out=c)), "version": "numpy " + np.__version__}


def gemm_torch_n(n, threads):
    import torch
    torch.set_num_threads(threads)
    a, b, c = torch.rand(n, n), torch.rand(n, n), torch.empty(n, n)
    with torch.inference_mode():
        secs = adaptive(lambda: torch.mm(a, b, out=c))
    return {"seconds_per_step": secs, "version": "torch " + torch.__version__}


def life_numpy_n(n):
    """life_numpy's step on an n x n torus (scaling.py)."""
    import numpy as np
    rng = np.random.default_rng(1)
    board = [(rng.random((n, n)) < 0.3).astype(np.uint8)]

    def step():
        b = board[0]
        h = b + np.roll(b, 1, 0) + np.roll(b, -1, 0)
        s = h + np.roll(h, 1, 1) + np.roll(h, -1, 1) - b
        board[0] = ((s == 3) | (b & (s == 2))).astype(np.uint8)

    return {"seconds_per_step": adaptive(step), "version": "numpy " + np.__version__}


def transformer_numpy(seq, batch=1, d=256, heads=8, ff=1024):
    """A numpy reference of the layer transformer_torch times (nn.TransformerEncoderLayer, post-norm, ReLU, eval):
    x1 = LayerNorm(x + MultiHeadAttention(x)), out = LayerNorm(x1 + W2 relu(W1 x1 + b1) + b2), f32, no masking.
    The peer when PyTorch is not installed (scaling.py labels it "numpy reference")."""
    import numpy as np
    rng = np.random.default_rng(0)
    f = np.float32
    dh = d // heads
    w_qkv = (rng.standard_normal((d, 3 * d)) / np.sqrt(d)).astype(f)
    b_qkv = np.zeros(3 * d, f)
    w_o = (rng.standard_normal((d, d)) / np.sqrt(d)).astype(f)
    b_o = np.zeros(d, f)
    w1 = (rng.standard_normal((d, ff)) / np.sqrt(d)).astype(f)
    b1 = np.zeros(ff, f)
    w2 = (rng.standard_normal((ff, d)) / np.sqrt(ff)).astype(f)
    b2 = np.zeros(d, f)
    x = rng.random((batch, seq, d), dtype=f)

    def norm(v):
        mu = v.mean(-1, keepdims=True)
        var = ((v - mu) ** 2).mean(-1, keepdims=True)
        return (v - mu) / np.sqrt(var + f(1e-5))

    def layer():
        qkv = x @ w_qkv + b_qkv
        q, k, v = (qkv[..., i * d:(i + 1) * d].reshape(batch, seq, heads, dh).transpose(0, 2, 1, 3) for i in range(3))
        s = (q @ k.transpose(0, 1, 3, 2)) * f(1 / np.sqrt(dh))
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        a = (s @ v).transpose(0, 2, 1, 3).reshape(batch, seq, d) @ w_o + b_o
        x1 = norm(x + a)
        return norm(x1 + np.maximum(x1 @ w1 + b1, 0) @ w2 + b2)

    return {"seconds_per_step": adaptive(layer), "version": "numpy " + np.__version__}


def transformer_torch_seq(seq, threads, batch=1):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(256, 8, 1024, dropout=0.0, batch_first=True).eval()
    x = torch.rand(batch, seq, 256)
    with torch.inference_mode():
        secs = adaptive(lambda: layer(x))
    return {"seconds_per_step": secs, "version": "torch " + torch.__version__}


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
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 0   # the size of scaling.py's cases
    sq = re.fullmatch(r"sgemm-numpy-(\d+)", case)   # sgemm-numpy-N: an N x N x N product (sgemm-numpy: 1024)
    if sq:
        case = "sgemm-numpy"
    out = {"gemm-numpy": lambda: gemm_numpy_n(size),
           "gemm-torch": lambda: gemm_torch_n(size, threads),
           "life-numpy-n": lambda: life_numpy_n(size),
           "transformer-numpy": lambda: transformer_numpy(size),
           "transformer-torch-seq": lambda: transformer_torch_seq(size, threads),
           "sgemm-numpy": lambda: sgemm_numpy(int(sq.group(1)) if sq else 1024),
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
