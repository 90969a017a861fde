#!/usr/bin/env python3
"""Per-generation figures of examples/lifegpt.ncd's free-running generation, from what

    ncdc run examples/lifegpt.ncd --circuit Generate --steps 640 --axis game=N --input board=boards.npy \
        --params runs/lifegpt/params.safetensors --out DIR

wrote to DIR: each output stacked over the steps, and step 64 g - 1 is the last of generation g (64 tokens, one a
step). Prints, per generation, the fraction of boards whose generated board is life_step of its prompt (the
model's own previous board), the cell accuracy of those boards, and the fraction whose whole trajectory so far
matches life_step's:

    python3 benchmarks/peers/lifegpt_report.py DIR
"""
import os
import sys

import numpy as np


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    load = lambda n: np.load(os.path.join(d, n + ".npy"))
    generation, next_ok, cells, fraction = load("generation"), load("next_ok"), load("next_cell_accuracy"), load("fraction")
    games = load("ok").shape[1]
    print(f"{games} boards, {len(generation)} steps")
    print("generation | next board right | cells right | trajectory right")
    for s in range(63, len(generation), 64):
        assert generation[s] == (s + 1) // 64, (s, generation[s])
        print(f"{generation[s]:10d} | {next_ok[s]:16.4f} | {cells[s]:11.5f} | {fraction[s]:16.4f}")


if __name__ == "__main__":
    main()
