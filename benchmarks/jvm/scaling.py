#!/usr/bin/python3
"""Latency against size: ncd's JVM backend and its peers on the same axes, as a log-log plot and a CSV.

    python3 benchmarks/jvm/scaling.py [--reps 3] [--only gemm|transformer|life] [--max-gemm 2048] [--out docs/img]

Three cases, one thread everywhere (the peers at OPENBLAS/OMP/MKL_NUM_THREADS=1, ours with --threads 1):
  gemm         C = A B, n x n x n f32, n = 64 .. --max-gemm (powers of two; 4096 takes minutes on 2 vCPUs);
               benchmarks/jvm/sgemm.ncd against numpy.matmul (OpenBLAS) and torch.mm
  transformer  one encoder layer (d_model 256, 8 heads, ff 1024, post-norm, ReLU), batch 1, seq = 32 .. 1024;
               benchmarks/jvm/transformer.ncd against torch.nn.TransformerEncoderLayer (eval), and, when PyTorch
               is not importable, against a numpy reference of the same layer (peers.py transformer_numpy), labelled so
  life         Conway's Life on an n x n torus, n = 64 .. 4096, one generation; benchmarks/jvm/life.ncd against the
               numpy 4-roll stencil (peers.py)
Ours is `bin/ncdc bench ... --loop --warmup 2 --runs 20` (the median latency per step in the generated step
loop); theirs the median of their own timed calls (peers.py, about a second of calls). Each point is the median of
--reps alternating repetitions. The peers run through peer_env.py: without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE,
and each reports the BLAS kernel it used. Writes OUT/scaling.csv, OUT/scaling.txt (the machine line, which it also
prints) and OUT/scaling.svg (matplotlib: this interpreter's, else /usr/bin/python3's; --plot-only redraws it).
"""
import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import NCDC, ROOT, JAVAS, ours  # noqa: E402
from peer_env import DROPPED, dropped_here, peer_env  # noqa: E402

PEERS = os.path.join(ROOT, "benchmarks", "jvm", "peers.py")


def powers(lo, hi):
    n, out = lo, []
    while n <= hi:
        out.append(n)
        n *= 2
    return out


def cases(max_gemm):
    """name -> (axis label, sizes, our bench args for a size, [(peer label, peers.py case)])."""
    return {
        "gemm": ("n (n x n x n f32)", powers(64, max_gemm),
                 lambda n: ["benchmarks/jvm/sgemm.ncd", "--axis", f"m={n},n={n},k={n}"],
                 [("numpy", "gemm-numpy"), ("torch", "gemm-torch")]),
        "transformer": ("seq (batch 1, d_model 256, 8 heads, ff 1024)", powers(32, 1024),
                        lambda s: ["benchmarks/jvm/transformer.ncd", "--axis", f"batch=1,seq={s},key={s}"],
                        [("torch", "transformer-torch-seq"), ("numpy reference", "transformer-numpy")]),
        "life": ("n (n x n torus)", powers(64, 4096),
                 lambda n: ["benchmarks/jvm/life.ncd", "--axis", f"row={n},col={n}"],
                 [("numpy", "life-numpy-n")]),
    }


def importable(py, module):
    return subprocess.run([py, "-c", f"import {module}"], capture_output=True).returncode == 0


def theirs(py, case, size):
    out = subprocess.run([py, PEERS, case, "1", str(size)], env=peer_env(1), capture_output=True, text=True, check=True).stdout
    r = json.loads(out)
    if r.get("overrides"):
        sys.exit(f"{case} still saw {r['overrides']}: the peer must run without them")
    return r


def plot(rows, labels, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = list(labels)
    fig, axes = plt.subplots(1, len(names), figsize=(5 * len(names), 4.2))
    if len(names) == 1:
        axes = [axes]
    style = {"ncd jvm": ("C0", "o"), "numpy": ("C1", "s"), "numpy reference": ("C1", "s"), "torch": ("C2", "^")}
    for ax, name in zip(axes, names):
        for who in sorted({r["impl"] for r in rows if r["case"] == name}, key=lambda w: (w != "ncd jvm", w)):
            pts = sorted((r["size"], r["seconds"]) for r in rows if r["case"] == name and r["impl"] == who)
            color, marker = style.get(who, ("C3", "x"))
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker=marker, color=color, label=who)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_title(name)
        ax.set_xlabel(labels[name])
        ax.set_ylabel("latency per step (s)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    tmp = path + ".tmp"
    fig.savefig(tmp, format=os.path.splitext(path)[1][1:], metadata={"Date": None})
    os.replace(tmp, path)


def write_csv(out, rows):
    """OUT/scaling.csv, whole (rewritten after each size, so that an interrupted run keeps what it measured)."""
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "scaling.csv")
    with open(path + ".tmp", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["case", "size", "impl", "seconds", "reps"])
        w.writeheader()
        w.writerows(rows)
    os.replace(path + ".tmp", path)
    return path


def redraw(out, all_cases):
    """The plot of OUT/scaling.csv, titled with the machine line of OUT/scaling.txt."""
    with open(os.path.join(out, "scaling.csv"), newline="") as f:
        rows = [dict(r, size=int(r["size"]), seconds=float(r["seconds"])) for r in csv.DictReader(f)]
    with open(os.path.join(out, "scaling.txt")) as f:
        machine = f.read().strip()
    names = [n for n in all_cases if any(r["case"] == n for r in rows)]
    short = machine.split("; peers:")[0]
    plot(rows, {n: all_cases[n][0] for n in names}, os.path.join(out, "scaling.svg"), "latency per step, 1 thread each; " + short)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--only", choices=["gemm", "transformer", "life"], action="append")
    ap.add_argument("--max-gemm", type=int, default=2048)
    ap.add_argument("--warmup", default="2", help="ncdc bench's warm-up, seconds (default 2: less leaves small cases"
                    " timing code C2 has not compiled yet on a loaded machine)")
    ap.add_argument("--python", default="/usr/bin/python3", help="the peers' interpreter (default: Debian's python3)")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "img"))
    ap.add_argument("--plot-only", action="store_true", help="redraw OUT/scaling.svg from OUT/scaling.csv and OUT/scaling.txt")
    a = ap.parse_args()
    all_cases = cases(a.max_gemm)
    if a.plot_only:
        redraw(a.out, all_cases)
        return
    names = a.only or list(all_cases)
    torch = importable(a.python, "torch")
    if not torch:
        print(f"PyTorch is not importable by {a.python}: its points are skipped; the transformer's peer is the numpy"
              " reference of the same layer (peers.py transformer_numpy)", file=sys.stderr)
    rows, kernels = [], {}
    for name in names:
        _, sizes, args, peers = all_cases[name]
        for size in sizes:
            o, t = [], {}
            for _ in range(a.reps):
                o.append(ours(args(size) + ["--threads", "1", "--warmup", a.warmup, "--runs", "20"]))
                for label, case in peers:
                    if "torch" in case and not torch:
                        continue
                    if name == "transformer" and label == "numpy reference" and torch:
                        continue
                    r = theirs(a.python, case, size)
                    kernels[r["version"]] = r.get("kernel", "?")
                    t.setdefault(label, []).append(r["seconds_per_step"])
            rows.append({"case": name, "size": size, "impl": "ncd jvm", "seconds": statistics.median(o), "reps": a.reps})
            for label, ts in t.items():
                rows.append({"case": name, "size": size, "impl": label, "seconds": statistics.median(ts), "reps": a.reps})
            write_csv(a.out, rows)
            print(f"{name} {size}: ncd jvm {statistics.median(o):.3g} s" + "".join(f", {k} {statistics.median(v):.3g} s" for k, v in t.items()),
                  file=sys.stderr, flush=True)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    machine = (f"{cpu}, {os.cpu_count()} vCPUs, load average {load} at the end; {', '.join(sorted(JAVAS)) or 'Java (unknown)'}; "
               f"peers: {'; '.join(v + ' [' + kernels[v] + ']' for v in sorted(kernels))}"
               f"{'' if torch else '; PyTorch not installed'}; {', '.join(DROPPED)} removed from the peers' environment "
               f"(here: {dropped_here()}); 1 thread each; median of {a.reps} repetitions")
    csv_path = write_csv(a.out, rows)
    with open(os.path.join(a.out, "scaling.txt.tmp"), "w") as f:
        f.write(machine + "\n")
    os.replace(os.path.join(a.out, "scaling.txt.tmp"), os.path.join(a.out, "scaling.txt"))
    try:
        import matplotlib  # noqa: F401
        redraw(a.out, all_cases)
    except ImportError:
        # this interpreter has no matplotlib: Debian's python3 draws it from the files just written
        subprocess.run(["/usr/bin/python3", os.path.abspath(__file__), "--plot-only", "--out", a.out], check=True)
    print("Machine: " + machine)
    print(f"wrote {os.path.relpath(csv_path, ROOT)} and {os.path.relpath(os.path.join(a.out, 'scaling.svg'), ROOT)}")


if __name__ == "__main__":
    main()
