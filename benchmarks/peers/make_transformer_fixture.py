#!/usr/bin/python3
"""Make the PyTorch fixture that examples/transformer.ncd's Block is checked against.

What it makes (in tests/fixtures/transformer/, overwriting what is there):

  input.npy   float32 (seq=10, d_model=64): the input x, one sequence (PyTorch's batch of 1, squeezed)
  output.npy  float32 (seq=10, d_model=64): PyTorch's output for x
  params.npz  float32 arrays, one per parameter of the ncd circuit Block, named by its instance path
              (`ncdc ir examples/transformer.ncd --circuit Block` shows them on its `param` nodes) and laid
              out in that parameter's declared axis order

The layer is nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=128, dropout=0.0,
activation='relu', batch_first=True, norm_first=False), built after torch.manual_seed(0) and run in eval
mode under torch.no_grad(). PyTorch initialises the attention biases to 0 and the layer norms to the
identity (weight 1, bias 0), which would leave the biases and gains untested; so, still from the same seed,
every bias gets N(0, 0.1^2) noise added and every layer-norm weight becomes 1 + N(0, 0.1^2). The input x is
then drawn as N(0, 1).

PyTorch -> ncd (the declared axis orders are those of std.attention's MultiHead and EncoderBlock):

  self_attn.in_proj_weight [192, 64]  rows 0:64, 64:128, 128:192 -> layer.attn.Wq, Wk, Wv [heads, d_head, d_model]
                                       (row h * 16 + j is head h, feature j: a reshape to (4, 16, 64))
  self_attn.in_proj_bias [192]         -> layer.attn.bq, bk, bv [heads, d_head] (reshape to (4, 16))
  self_attn.out_proj.weight [64, 64]   -> layer.attn.Wo [d_model, heads, d_head] (reshape to (64, 4, 16))
  self_attn.out_proj.bias [64]         -> layer.attn.bo [d_model]
  linear1.weight [128, 64], .bias      -> layer.up.W [d_ff, d_model], layer.up.b [d_ff]
  linear2.weight [64, 128], .bias      -> layer.down.W [d_model, d_ff], layer.down.b [d_model]
  norm1.weight, norm1.bias             -> layer.norm1.gain, layer.norm1.bias
  norm2.weight, norm2.bias             -> layer.norm2.gain, layer.norm2.bias

The files are byte-for-byte reproducible on one machine (fixed seed, fixed zip timestamps). As a check of
the mapping above, the script recomputes the layer in float64 numpy from params.npz, reading every array by
its ncd axis names, and prints its difference from PyTorch.

Run it from the repository root, with Debian's python3-torch:

  /usr/bin/python3 benchmarks/peers/make_transformer_fixture.py

tests/src/test/java/ncd/tests/TransformerFixtureTest.java reads the files.
"""

import io
import os
import sys
import zipfile

import numpy as np
import torch
from torch import nn

SEQ, D_MODEL, HEADS, D_HEAD, D_FF = 10, 64, 4, 16, 128
EPS = 1e-5

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures", "transformer")


def build():
    """The PyTorch layer, its parameters perturbed as the docstring says, and the input x (1, seq, d_model)."""
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(d_model=D_MODEL, nhead=HEADS, dim_feedforward=D_FF, dropout=0.0,
                                       activation="relu", batch_first=True, norm_first=False)
    with torch.no_grad():
        for name, p in layer.named_parameters():
            if name.startswith("norm") and name.endswith(".weight"):
                p.copy_(1 + 0.1 * torch.randn(p.shape))
            elif name.endswith("bias"):
                p.add_(0.1 * torch.randn(p.shape))
        x = torch.randn(1, SEQ, D_MODEL)
    layer.eval()
    return layer, x


def ncd_params(layer):
    """The layer's parameters by ncd instance path, float32, in the ncd parameters' declared axis order."""
    sd = {k: v.detach().numpy().astype(np.float32) for k, v in layer.state_dict().items()}
    w_in, b_in = sd["self_attn.in_proj_weight"], sd["self_attn.in_proj_bias"]
    d = D_MODEL
    p = {}
    for i, n in enumerate("qkv"):
        p["layer.attn.W" + n] = w_in[i * d:(i + 1) * d].reshape(HEADS, D_HEAD, D_MODEL)
        p["layer.attn.b" + n] = b_in[i * d:(i + 1) * d].reshape(HEADS, D_HEAD)
    p["layer.attn.Wo"] = sd["self_attn.out_proj.weight"].reshape(D_MODEL, HEADS, D_HEAD)
    p["layer.attn.bo"] = sd["self_attn.out_proj.bias"]
    p["layer.up.W"], p["layer.up.b"] = sd["linear1.weight"], sd["linear1.bias"]
    p["layer.down.W"], p["layer.down.b"] = sd["linear2.weight"], sd["linear2.bias"]
    for n in ("norm1", "norm2"):
        p["layer.%s.gain" % n], p["layer.%s.bias" % n] = sd[n + ".weight"], sd[n + ".bias"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in p.items()}


def reference(p, x):
    """The block in float64 numpy, from the ncd-named parameters: checks the mapping, independently of torch."""
    p = {k: v.astype(np.float64) for k, v in p.items()}
    x = x.astype(np.float64)                                        # [s, m]

    def layer_norm(y, gain, bias):
        c = y - y.mean(-1, keepdims=True)
        return c / np.sqrt((c ** 2).mean(-1, keepdims=True) + EPS) * gain + bias

    q = np.einsum("hdm,sm->hsd", p["layer.attn.Wq"], x) + p["layer.attn.bq"][:, None, :]
    k = np.einsum("hdm,sm->hsd", p["layer.attn.Wk"], x) + p["layer.attn.bk"][:, None, :]
    v = np.einsum("hdm,sm->hsd", p["layer.attn.Wv"], x) + p["layer.attn.bv"][:, None, :]
    s = np.einsum("hqd,hkd->hqk", q, k) / np.sqrt(D_HEAD)
    a = np.exp(s - s.max(-1, keepdims=True))
    a /= a.sum(-1, keepdims=True)
    o = np.einsum("hqk,hkd->qhd", a, v)
    attn = np.einsum("mhd,qhd->qm", p["layer.attn.Wo"], o) + p["layer.attn.bo"]
    n1 = layer_norm(x + attn, p["layer.norm1.gain"], p["layer.norm1.bias"])
    up = np.maximum(n1 @ p["layer.up.W"].T + p["layer.up.b"], 0)
    down = up @ p["layer.down.W"].T + p["layer.down.b"]
    return layer_norm(n1 + down, p["layer.norm2.gain"], p["layer.norm2.bias"])


def npy_bytes(a):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, a, allow_pickle=False)
    return buf.getvalue()


def write_npz(path, arrays):
    """Like np.savez_compressed, but with a fixed timestamp and order, so that the bytes are reproducible."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, npy_bytes(arrays[name]))


def main():
    print("python %s, torch %s, numpy %s" % (sys.version.split()[0], torch.__version__, np.__version__))
    torch.set_num_threads(1)
    layer, x = build()
    with torch.no_grad():
        y = layer(x)
    x_np = x[0].numpy().astype(np.float32)
    y_np = y[0].numpy().astype(np.float32)
    params = ncd_params(layer)

    ref = reference(params, x_np)
    err = float(np.abs(ref - y_np.astype(np.float64)).max())
    print("float64 numpy recomputation from params.npz vs torch: max |diff| = %.3g" % err)
    if err > 1e-4:
        sys.exit("the parameter mapping is wrong: the recomputation differs from torch by %g" % err)

    os.makedirs(OUT, exist_ok=True)
    np.save(os.path.join(OUT, "input.npy"), x_np)
    np.save(os.path.join(OUT, "output.npy"), y_np)
    write_npz(os.path.join(OUT, "params.npz"), params)
    for name in sorted(params):
        print("  %-20s %s" % (name, params[name].shape))
    print("wrote input.npy %s, output.npy %s, params.npz (%d arrays) to %s"
          % (x_np.shape, y_np.shape, len(params), os.path.relpath(OUT, ROOT)))


if __name__ == "__main__":
    main()
