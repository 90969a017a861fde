#!/usr/bin/env python3
"""Fashion-MNIST (idx .gz files) to the .npz files `ncdc train` reads, with numpy only.

    python3 benchmarks/peers/fashion_mnist_npz.py OUT_DIR [--src /usr/share/datasets/fashion-mnist] [--limit N]

writes OUT_DIR/fashion_train.npz (60000 samples) and OUT_DIR/fashion_test.npz (10000): x float32[N, 784] scaled to
[0, 1], label int32[N] in 0..9. The idx files are Debian's package dataset-fashion-mnist (the default --src) or the
four files of https://github.com/zalandoresearch/fashion-mnist. --limit keeps the first N samples of each split.
"""
import argparse
import gzip
import os
import sys

import numpy as np


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    if magic >> 8 != 0x08:  # 0x08: unsigned byte
        raise SystemExit(f"{path}: not an idx file of unsigned bytes (magic {magic:#x})")
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise SystemExit(f"{path}: {body.size} bytes of data for dimensions {dims}")
    return body.reshape(dims)


def split(src, prefix, limit):
    images = read_idx(os.path.join(src, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(src, f"{prefix}-labels-idx1-ubyte.gz"))
    if len(images) != len(labels):
        raise SystemExit(f"{prefix}: {len(images)} images but {len(labels)} labels")
    if limit:
        images, labels = images[:limit], labels[:limit]
    x = (images.reshape(len(images), -1).astype(np.float32) / np.float32(255.0))
    return x, labels.astype(np.int32)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="folder to write fashion_train.npz and fashion_test.npz in")
    ap.add_argument("--src", default="/usr/share/datasets/fashion-mnist", help="folder of the four idx .gz files")
    ap.add_argument("--limit", type=int, default=0, help="keep only the first N samples of each split")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for prefix, name in (("train", "fashion_train.npz"), ("t10k", "fashion_test.npz")):
        x, label = split(a.src, prefix, a.limit)
        np.savez(os.path.join(a.out, name), x=x, label=label)
        print(f"{os.path.join(a.out, name)}: x float32{list(x.shape)}, label int32[{len(label)}]", file=sys.stderr)


if __name__ == "__main__":
    main()
