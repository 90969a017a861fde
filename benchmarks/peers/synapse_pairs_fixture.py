#!/usr/bin/env python3
"""The .npy lists of connection pairs that the lit tests of synapses[..., pairs = "FILE"] read.

Each file sits next to the .ncd that names it (the path is relative to that file):

    tests/lit/ir/synapse_pairs.npy                          int32 (7, 2), pre < 6, post < 5, pair (4, 1) twice
    tests/lit/errors/synapses/pairs_float.npy               float32 (3, 2): not a list of indices (E0725)
    tests/lit/errors/synapses/pairs_three_columns.npy       int64 (3, 3): not (n, 2) (E0725)
    tests/lit/errors/synapses/pairs_out_of_range.npy        int64 (4, 2), row 2 names post 8 of 8 (E0726)

    python3 benchmarks/peers/synapse_pairs_fixture.py      # Debian's python3-numpy is enough
"""
import os
import numpy as np

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def save(rel, a):
    path = os.path.join(root, rel)
    np.save(path, a)
    print(path, a.dtype, a.shape)


save("tests/lit/ir/synapse_pairs.npy",
     np.array([[0, 0], [4, 1], [5, 4], [2, 3], [4, 1], [0, 2], [3, 0]], dtype=np.int32))
save("tests/lit/errors/synapses/pairs_float.npy", np.array([[0, 1], [1, 2], [2, 0]], dtype=np.float32))
save("tests/lit/errors/synapses/pairs_three_columns.npy", np.array([[0, 1, 1], [1, 2, 1], [2, 0, 1]], dtype=np.int64))
save("tests/lit/errors/synapses/pairs_out_of_range.npy", np.array([[0, 1], [9, 7], [3, 8], [4, 4]], dtype=np.int64))
