#!/usr/bin/python3
"""ncd's JVM backend against numpy/OpenBLAS and PyTorch, side by side on this machine.

    python3 benchmarks/jvm/compare.py [--reps 5] [--python PY] [--only TEXT]...

For each case, ours and theirs run alternately --reps times (default 5). Ours is `bin/ncdc bench ... --loop`
(the median latency of 30 timed steps in the generated step loop, after a 2 s warm-up); theirs is the median of
its own timed runs (peers.py). The ratio is ours/theirs in throughput (above 1: ours is faster); the table shows
the median over the repetitions and the range. Prints a Markdown table and the machine and versions.

The peers run at their best: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which some machines set to pin an older
OpenBLAS kernel, are removed from their environment (only theirs), and each reports the BLAS kernel it used
(threadpoolctl for numpy's OpenBLAS; torch's build config for its MKL), printed in the machine line.
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys

from peer_env import DROPPED, dropped_here, peer_env

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NCDC = os.path.join(ROOT, "bin", "ncdc")


def has(py, modules):
    """Whether interpreter `py` imports every one of `modules`."""
    return subprocess.run([py, "-c", "import " + ", ".join(modules)], capture_output=True).returncode == 0


def default_python():
    """Debian's python3 when it has numpy (OpenBLAS numpy; torch too where installed), else this interpreter."""
    return "/usr/bin/python3" if has("/usr/bin/python3", ["numpy"]) else sys.executable

# The products' warm-up: on a loaded 2-vCPU machine (load ~18) C2 compiled the register tiles and the gemv only after
# 3-6 s (until then they run as C1 code, where the Vector API allocates: the reservoir's f32 step measured 24 ms
# instead of ~0.2 ms), so 2 s timed the compiler, not the kernel.
SGEMM_WARMUP = ["--warmup", "6"]
# Life's bit-packed step: with 2 s, a loaded machine sometimes timed it before C2 had compiled the bit passes (0.08x
# in one repetition at load 8-10); 5 s reached compiled code in every run measured.
LIFE_WARMUP = ["--warmup", "5"]

CASES = [
    # name, parameters, ours (bench args), peer (peers.py case), threads
    ("sgemm", "1024x1024x1024 f32, 1 thread", ["benchmarks/jvm/sgemm.ncd", "--axis", "m=1024,n=1024,k=1024", "--threads", "1", *SGEMM_WARMUP], "sgemm-numpy", 1),
    ("sgemm", "1024x1024x1024 f32, 1 thread", ["benchmarks/jvm/sgemm.ncd", "--axis", "m=1024,n=1024,k=1024", "--threads", "1", *SGEMM_WARMUP], "sgemm-torch", 1),
    ("sgemm", "1024x1024x1024 f32, 2 threads", ["benchmarks/jvm/sgemm.ncd", "--axis", "m=1024,n=1024,k=1024", "--threads", "2", *SGEMM_WARMUP], "sgemm-numpy", 2),
] + [
    # the other sizes of the GEMM target (docs/performance.md): 256 to 2048, 1 and 2 threads, against numpy
    ("sgemm", f"{s}x{s}x{s} f32, {t} thread{'s' if t > 1 else ''}",
     ["benchmarks/jvm/sgemm.ncd", "--axis", f"m={s},n={s},k={s}", "--threads", str(t), *SGEMM_WARMUP], f"sgemm-numpy-{s}", t)
    for s in (256, 512, 2048) for t in (1, 2)
] + [
    ("Game of Life", "512x512 torus, per generation (x1000)", ["benchmarks/jvm/life.ncd", "--axis", "row=512,col=512", *LIFE_WARMUP], "life-numpy", 1),
    ("MLP inference", "784-512-512-10 ReLU, batch 256, 1 thread", ["benchmarks/jvm/mlp.ncd", "--axis", "batch=256", "--threads", "1"], "mlp-torch-b256", 1),
    ("MLP inference", "784-512-512-10 ReLU, batch 1, 1 thread", ["benchmarks/jvm/mlp.ncd", "--axis", "batch=1", "--threads", "1"], "mlp-torch-b1", 1),
    ("transformer layer", "d_model 256, 8 heads, ff 1024, batch 8 x seq 128, 1 thread",
     ["benchmarks/jvm/transformer.ncd", "--axis", "batch=8,seq=128,key=128", "--threads", "1"], "transformer-torch", 1),
    ("MLP inference", "784-512-512-10 ReLU, batch 256, 2 threads", ["benchmarks/jvm/mlp.ncd", "--axis", "batch=256", "--threads", "2"], "mlp-torch-b256", 2),
    ("transformer layer", "d_model 256, 8 heads, ff 1024, batch 8 x seq 128, 2 threads",
     ["benchmarks/jvm/transformer.ncd", "--axis", "batch=8,seq=128,key=128", "--threads", "2"], "transformer-torch", 2),
    ("echo-state reservoir", "1000 units, dense W, per step (x10,000)", ["benchmarks/jvm/reservoir.ncd", "--threads", "1", *SGEMM_WARMUP], "reservoir-numpy", 1),
    # the same with W read as bfloat16 (f32 sums; its error against f32: benchmarks/jvm/bf16_error.py)
    ("echo-state reservoir", "1000 units, dense W as bf16, per step (x10,000)",
     ["benchmarks/jvm/reservoir.ncd", "--threads", "1", "--backend-option", "weights=bf16", *SGEMM_WARMUP], "reservoir-numpy", 1),
]


JAVAS = set()


def ours(args):
    out = subprocess.run([NCDC, "bench", *args, "--loop"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    j = re.search(r"\(Java ([^,]+),", out)
    if j:
        JAVAS.add("Java " + j.group(1))   # the JDK bin/ncdc chose, as the bench run reports it
    return latency(out)


def latency(bench_output):
    """The median step latency, in seconds, that `ncdc bench` printed."""
    m = re.search(r"latency per step: median ([0-9.]+) (s|ms|us|ns)", bench_output)
    return float(m.group(1)) * {"s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}[m.group(2)]


def theirs(py, case, threads):
    env = peer_env(threads)
    out = subprocess.run([py, os.path.join(ROOT, "benchmarks", "jvm", "peers.py"), case, str(threads)], env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def fmt(secs):
    if secs >= 1:
        return f"{secs:.3g} s"
    if secs >= 1e-3:
        return f"{secs * 1e3:.3g} ms"
    return f"{secs * 1e6:.3g} us"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--python", default=None, help="the peers' interpreter (needs numpy, and torch for the torch cases, which are skipped without it; default: Debian's python3 if it has numpy, else this one)")
    ap.add_argument("--only", action="append", default=None,
                    help="run only the cases whose name, parameters or peer contain this text (e.g. MLP, '2 threads'); repeatable: any of them")
    a = ap.parse_args()
    reps = a.reps
    py = a.python or default_python()
    torch = has(py, ["torch"])
    if not torch:
        print(f"PyTorch is not installed for {py}: the cases against torch are skipped (not measured).", file=sys.stderr)
    kernels = {}
    rows = []
    versions = set()
    for name, params, args, peer, threads in CASES:
        if a.only and not any(o.lower() in (name + " " + params + " " + peer).lower() for o in a.only):
            continue
        if peer.split("-")[1] == "torch" and not torch:
            rows.append((name, params, "torch", None, None, None, None, None))
            continue
        o, t = [], []
        for _ in range(reps):
            o.append(ours(args))
            r = theirs(py, peer, threads)
            t.append(r["seconds_per_step"])
            versions.add(r["version"])
            kernels[r["version"]] = r.get("kernel", "?")
            if r.get("overrides"):
                sys.exit(f"{peer} still saw {r['overrides']}: the peer must run without them")
        ratios = [tt / oo for oo, tt in zip(o, t)]
        rows.append((name, params, peer.split("-")[1], statistics.median(o), statistics.median(t), statistics.median(ratios), min(ratios), max(ratios)))
        print(f"{name} ({params}) vs {peer}: ours {fmt(statistics.median(o))}, theirs {fmt(statistics.median(t))}, "
              f"ratio {statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})", file=sys.stderr)
    java = ", ".join(sorted(JAVAS)) or "Java (unknown)"
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    print(f"Machine: {cpu}, {os.cpu_count()} vCPUs; {java}; peers ({py}): {'; '.join(v + ' [' + kernels[v] + ']' for v in sorted(versions))}; "
          f"{', '.join(DROPPED)} removed from the peers' environment (here: {dropped_here()}); "
          f"{reps} repetitions; load average {' '.join(open('/proc/loadavg').read().split()[:3])} at the end.\n")
    print("| case | parameters | peer | ours (median) | theirs (median) | ours/theirs (median, min-max) |")
    print("|---|---|---|---|---|---|")
    for name, params, peer, o, t, r, lo, hi in rows:
        if o is None:
            print(f"| {name} | {params} | {peer} | | | not measured: PyTorch not installed |")
            continue
        print(f"| {name} | {params} | {peer} | {fmt(o)} | {fmt(t)} | {r:.2f} ({lo:.2f}-{hi:.2f}) |")


if __name__ == "__main__":
    main()
