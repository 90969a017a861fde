#!/usr/bin/env python3
"""Writes the tiny .npy/.npz fixtures that NumpyFixturesTest reads, with numpy's own writer.

Run from anywhere:  python3 backends/runtime/src/test/resources/npy/make_fixtures.py
Output is byte-for-byte reproducible (numpy 1.24 stamps zip entries 1980-01-01).
NumpyFixturesTest hard-codes the values below: change both together.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, arr, version=None):
    path = os.path.join(HERE, name)
    if version is None:
        np.save(path, arr)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, arr, version=version)


# One file per supported dtype (format 1.0, as np.save writes it).
save("f4.npy", np.array([[0.0, 1.5, -2.25], [3e-8, 1e30, -0.0]], dtype=np.float32))
save("f8.npy", np.array([np.pi, -np.e, 1e-300], dtype=np.float64))
save("i4.npy", np.array([[1, -2], [2147483647, -2147483648]], dtype=np.int32))
save("i8.npy", np.array([0, -1, 2**40, 7], dtype=np.int64))        # 2**40 does not fit i32
save("i8_small.npy", np.arange(-2, 4, dtype=np.int64).reshape(2, 3))  # numpy's default int: fits i32
save("b1.npy", np.array([[True, False, True], [False, False, True]]))
save("scalar.npy", np.array(2.5, dtype=np.float32))                # a 0-d array: shape ()
save("nan.npy", np.array([np.nan, np.inf, -np.inf, 1.0], dtype=np.float32))

# Header versions 2.0 (uint32 length) and 3.0 (utf8 header).
save("v2.npy", np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32), version=(2, 0))
save("v3.npy", np.array([10, 20, 30], dtype=np.int32), version=(3, 0))

# Layouts this reader refuses, as numpy really writes them.
save("fortran.npy", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
save("big_endian.npy", np.array([1.0, 2.0], dtype=">f4"))
save("u1.npy", np.array([1, 2, 3], dtype=np.uint8))

# Archives: np.savez stores, np.savez_compressed deflates.
np.savez(os.path.join(HERE, "arrays.npz"),
         x=np.array([0.25, -0.5, 1.0], dtype=np.float32),
         n=np.array([[1, 2], [3, 4]], dtype=np.int64),
         mask=np.array([True, False]))
np.savez_compressed(os.path.join(HERE, "compressed.npz"),
                    w=np.linspace(0, 1, 5, dtype=np.float64),
                    s=np.array(7, dtype=np.int32))

for f in sorted(os.listdir(HERE)):
    if f.endswith((".npy", ".npz")):
        print(f"{f:18s} {os.path.getsize(os.path.join(HERE, f)):5d} bytes")
