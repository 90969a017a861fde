#!/usr/bin/python3
"""Make the safetensors fixture that ncd's reader is checked against, or check a file that ncd wrote.

What it makes (tests/fixtures/safetensors/python.safetensors, overwriting it), with the Python safetensors
library's own writer (safetensors.numpy.save_file):

  f32     float32 (2, 3)  0, 1.5, -2.25, 3e-8, 1e30, -0
  f64     float64 (3,)    pi, -e, 1e-300
  i32     int32   (2, 2)  1, -2, 2^31 - 1, -2^31
  mask    bool    (2, 3)  True, False, False, True, True, False
  scalar  float32 ()      42.5
  f16     float16 (5,)    1, -2, 65504 (the largest half), 2^-24 (the smallest subnormal), 0.1 (as a half)
  i64     int64   (3,)    0, -1, 2^31 - 1 (all fit i32, so ncd reads them)
  u8      uint8   (4,)    0, 1, 200, 255
  w, b    float32 (3,)    2, 3, 4 and 1, 0, -1: the parameters of a circuit in the tests
  metadata                {"format": "np", "made_by": "make_safetensors_fixture.py"}

No ncd axis names are in it, as in any file from PyTorch: ncd reads its axes by position. The file is
byte-for-byte reproducible (the library sorts the header and packs the data the same way every time).

  make_safetensors_fixture.py            write the fixture, then read it back with the library and check it
  make_safetensors_fixture.py --check F  read F (written by ncd from the fixture: SafeTensors.read, then write)
                                         with the library and check that it holds the same values, f16 as
                                         float32, i64 and u8 as int32 (the dtypes ncd reads them into), and
                                         ncd's axis names in its metadata

Run it from the repository root, in a Python with `safetensors` and `numpy` (pip install safetensors numpy):

  python3 benchmarks/peers/make_safetensors_fixture.py

tests/src/test/java/ncd/tests/SafeTensorsParamsTest.java reads the file.
"""

import os
import sys

import numpy as np
import safetensors
from safetensors.numpy import load_file, save_file
from safetensors import safe_open

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures", "safetensors", "python.safetensors")
METADATA = {"format": "np", "made_by": "make_safetensors_fixture.py"}


def tensors():
    return {
        "f32": np.array([[0, 1.5, -2.25], [3e-8, 1e30, -0.0]], np.float32),
        "f64": np.array([np.pi, -np.e, 1e-300], np.float64),
        "i32": np.array([[1, -2], [2**31 - 1, -2**31]], np.int32),
        "mask": np.array([[True, False, False], [True, True, False]]),
        "scalar": np.array(42.5, np.float32),
        "f16": np.array([1, -2, 65504, 2.0**-24, 0.1], np.float16),
        "i64": np.array([0, -1, 2**31 - 1], np.int64),
        "u8": np.array([0, 1, 200, 255], np.uint8),
        "w": np.array([2, 3, 4], np.float32),
        "b": np.array([1, 0, -1], np.float32),
    }


def as_ncd_reads(a):
    """The array in the dtype ncd reads it into: f16 and bf16 as f32, i64 and u8 as i32."""
    if a.dtype == np.float16:
        return a.astype(np.float32)
    if a.dtype in (np.int64, np.uint8):
        return a.astype(np.int32)
    return a


def same(name, want, got):
    if want.dtype != got.dtype or want.shape != got.shape or not np.array_equal(want, got) \
            or not np.array_equal(np.signbit(want), np.signbit(got)):
        sys.exit("%s: expected %s %s %r, got %s %s %r" % (name, want.dtype, want.shape, want, got.dtype, got.shape, got))


def make():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    ts = tensors()
    save_file(ts, OUT, metadata=METADATA)
    back = load_file(OUT)
    for name, a in ts.items():
        same(name, a, back[name])
    print("wrote %s (%d bytes, %d tensors) and read it back" % (os.path.relpath(OUT, ROOT), os.path.getsize(OUT), len(ts)))


def check(path):
    ts = tensors()
    got = load_file(path)
    if sorted(got) != sorted(ts):
        sys.exit("%s holds %s, expected %s" % (path, sorted(got), sorted(ts)))
    for name, a in ts.items():
        same(name, as_ncd_reads(a), got[name])
    with safe_open(path, framework="np") as f:
        meta = f.metadata() or {}
    for k, v in METADATA.items():
        if meta.get(k) != v:
            sys.exit("%s: metadata %s is %r, expected %r" % (path, k, meta.get(k), v))
    for name, a in ts.items():
        axes = meta.get("ncd.axes." + name)
        want = None if a.ndim == 0 else ",".join(str(i) for i in range(a.ndim))
        if axes != want:
            sys.exit("%s: ncd.axes.%s is %r, expected %r" % (path, name, axes, want))
    print("%s: safetensors %s reads the %d tensors ncd wrote with the same values, dtypes, shapes and metadata"
          % (path, safetensors.__version__, len(ts)))


def main():
    print("python %s, safetensors %s, numpy %s" % (sys.version.split()[0], safetensors.__version__, np.__version__))
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    elif len(sys.argv) == 1:
        make()
    else:
        sys.exit("usage: make_safetensors_fixture.py [--check FILE]")


if __name__ == "__main__":
    main()
