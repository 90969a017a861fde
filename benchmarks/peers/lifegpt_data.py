#!/usr/bin/env python3
"""Training data for examples/lifegpt.ncd: random 8x8 boards and their next generation, computed by ncd.

numpy draws the boards (each with its own density p, uniform in [0.1, 0.6], so that the data has births,
deaths and survivals in every proportion); std.life's life_step computes the next generations, through

    ncdc run examples/lifegpt.ncd --circuit Next --axis game=N --input board=boards.npy --out DIR

(the circuit Next maps life_step over the boards, axis game); this script then packs train and validation
sets, each an .npz with the objective's inputs `board` and `successor`, bool[N, 8, 8]:

    python3 benchmarks/peers/lifegpt_data.py --train 20000 --val 2000 --out data/lifegpt

writes data/lifegpt/{train.npz, val.npz} (and boards.npy, next/out.npy on the way). The validation boards are drawn after the
training boards from the same generator; a few sparse boards (the empty board above all, 0.9^64 = 0.1% at
p = 0.1) recur, and the script reports how many validation boards also occur in training. With --boards-only it stops after writing boards.npy
(for a caller that runs ncdc itself) and --pack packs an existing DIR/boards.npy and DIR/next/.
"""
import argparse
import os
import subprocess

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def boards(n, seed):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.1, 0.6, size=(n, 1, 1))
    return rng.random((n, 8, 8)) < p


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", type=int, default=20000, help="training boards")
    ap.add_argument("--val", type=int, default=2000, help="validation boards")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--ncdc", default=os.path.join(ROOT, "bin", "ncdc"), help="the ncdc to run")
    ap.add_argument("--boards-only", action="store_true", help="only write OUT/boards.npy")
    ap.add_argument("--pack", action="store_true", help="only pack OUT/boards.npy and OUT/next/board.npy")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, "boards.npy")
    nxt = os.path.join(a.out, "next")
    n = a.train + a.val
    if not a.pack:
        np.save(path, boards(n, a.seed))
        if a.boards_only:
            return
        subprocess.run([a.ncdc, "run", os.path.join(ROOT, "examples", "lifegpt.ncd"), "--circuit", "Next",
                        "--axis", f"game={n}", "--input", f"board={path}", "--out", nxt], check=True,
                       stdout=subprocess.DEVNULL)
    b = np.load(path)
    s = np.load(os.path.join(nxt, "out.npy"))     # a single unnamed output is written as out.npy
    assert b.shape == s.shape == (n, 8, 8) and s.dtype == np.bool_, (b.shape, s.shape, s.dtype)
    np.savez(os.path.join(a.out, "train.npz"), board=b[:a.train], successor=s[:a.train])
    np.savez(os.path.join(a.out, "val.npz"), board=b[a.train:], successor=s[a.train:])
    seen = {x.tobytes() for x in b[:a.train]}
    dup = sum(x.tobytes() in seen for x in b[a.train:])
    alive = s.mean()
    print(f"{a.train} training and {a.val} validation boards in {a.out}; density {b.mean():.3f} -> {alive:.3f} "
          f"after one step; {dup} validation boards also in training")


if __name__ == "__main__":
    main()
