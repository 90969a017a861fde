#!/usr/bin/env python3
"""Make the PyTorch autograd fixtures that ncd's gradients (docs/autodiff.md) are checked against.

For each circuit of tests/fixtures/torch_grads/nets.ncd and head.ncd, the script builds the same computation in
PyTorch in float64, from weights and inputs drawn with numpy (seeded, one RandomState per case), computes the loss
(a mean squared error against a target, summed over the steps for the recurrent ones) and its gradient in every
parameter with autograd, and writes tests/fixtures/torch_grads/CASE.npz (float64 arrays):

  input.NAME   every input of the ncd circuit, by the name the (unrolled) ncd graph gives it: x, target, or for a
               circuit unrolled over T steps x@0 .. x@T-1, target@t, dt@t (ncd.passes.autodiff.Unroll's names)
  param.PATH   every parameter, by its ncd instance path, in the parameter's declared axis order
  grad.PATH    d loss / d PATH, the same shape
  loss         the loss, a 0-d array

Every ncd parameter is a leaf tensor here; PyTorch's modules (nn.Linear, nn.TransformerEncoderLayer, nn.LSTM,
nn.GRU) get their stacked weights as concatenations of those leaves through torch.func.functional_call, so autograd
gives the gradient of each ncd parameter directly. The name map, PyTorch -> ncd:

  mlp    std.nn MLP<feature=5, hidden=7, label=3> bound to `mlp`, on a batch of 4; nn.Sequential(Linear, ReLU, Linear)
         0.weight, 0.bias -> mlp.up.W [hidden, feature], mlp.up.b;  2.weight, 2.bias -> mlp.down.W, mlp.down.b
  head   examples/attention.ncd's Head (seq 16, d_model 64, d_head 16) bound to `head`, written out in torch:
         q = x Wq^T, k = x Wk^T, v = x Wv^T, softmax(q k^T / 4) v  -> head.Wq, head.Wk, head.Wv [d_head, d_model]
  block  examples/transformer.ncd's Block (std.attention EncoderBlock bound to `layer`) at seq 5, d_model 8,
         heads 2, d_head 4, d_ff 16; nn.TransformerEncoderLayer(8, 2, 16, dropout=0, relu, batch_first, post-norm)
         self_attn.in_proj_weight = cat(layer.attn.Wq, Wk, Wv each reshaped [heads * d_head, d_model])
         self_attn.in_proj_bias = cat(layer.attn.bq, bk, bv);  self_attn.out_proj.weight = layer.attn.Wo reshaped
         [d_model, heads * d_head]; out_proj.bias = layer.attn.bo; linear1 = layer.up.W, b; linear2 = layer.down.W, b;
         norm1/norm2 weight, bias = layer.norm1/norm2 gain, bias (as benchmarks/peers/make_transformer_fixture.py)
  lstm   std.rnn LSTM<input=3, units=4, units> bound to `lstm`, 5 steps from h = c = 0; nn.LSTM(3, 4), one layer
         weight_ih_l0 = cat(lstm.cell.W_ii, W_if, W_ig, W_io), weight_hh_l0 = cat(W_hi, W_hf, W_hg, W_ho),
         bias_ih_l0 = cat(b_ii, b_if, b_ig, b_io), bias_hh_l0 = cat(b_hi, b_hf, b_hg, b_ho)
  gru    std.rnn GRU<input=3, units=4, units> bound to `gru`, 5 steps from h = 0; nn.GRU(3, 4), one layer
         weight_ih_l0 = cat(gru.cell.W_ir, W_iz, W_in), weight_hh_l0 = cat(W_hr, W_hz, W_hn),
         bias_ih_l0 = cat(b_ir, b_iz, b_in), bias_hh_l0 = cat(b_hr, b_hz, b_hn)
  leaky  std.rnn LeakyRNN<input=3, units=4, units> bound to `rnn`, 20 steps of dt = 0.5 from h = 0, written out:
         h' = h + dt / (1 + softplus(rnn.cell.tau_raw)) * (tanh(x W_in^T + h W_rec^T + b) - h)

The files are byte-for-byte reproducible (fixed seeds, one thread, fixed zip timestamps). torch is needed only to
make them, never to build or test ncd. From the repository root:

  python3 -m venv /tmp/torch && /tmp/torch/bin/pip install torch numpy
  /tmp/torch/bin/python benchmarks/peers/torch_grads.py

tests/src/test/java/ncd/tests/TorchGradientsTest.java reads the files.
"""

import io
import os
import sys
import zipfile

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures", "torch_grads")


class Case:
    """One fixture: numpy-drawn parameters (leaf tensors named by ncd instance path) and inputs."""

    def __init__(self, seed):
        self.rng = np.random.RandomState(seed)
        self.params = {}
        self.inputs = {}

    def param(self, path, shape, scale, mean=0.0):
        a = self.rng.normal(mean, scale, size=shape)
        self.params[path] = torch.tensor(a, dtype=torch.float64, requires_grad=True)
        return self.params[path]

    def input(self, name, shape, scale=1.0):
        a = self.rng.normal(0.0, scale, size=shape)
        self.inputs[name] = a
        return torch.tensor(a, dtype=torch.float64)

    def arrays(self, loss):
        loss.backward()
        out = {"loss": np.array(loss.item(), dtype=np.float64)}
        for name, a in self.inputs.items():
            out["input." + name] = np.asarray(a, dtype=np.float64)
        for path, p in self.params.items():
            out["param." + path] = p.detach().numpy().astype(np.float64)
            out["grad." + path] = p.grad.numpy().astype(np.float64)
        return out


def mlp():
    c = Case(1)
    x, target = c.input("x", (4, 5)), c.input("target", (4, 3))
    w = {"0.weight": c.param("mlp.up.W", (7, 5), 0.5), "0.bias": c.param("mlp.up.b", (7,), 0.3),
         "2.weight": c.param("mlp.down.W", (3, 7), 0.5), "2.bias": c.param("mlp.down.b", (3,), 0.3)}
    net = nn.Sequential(nn.Linear(5, 7), nn.ReLU(), nn.Linear(7, 3)).double()
    return c.arrays(F.mse_loss(functional_call(net, w, (x,)), target))


def head():
    c = Case(2)
    x, target = c.input("x", (16, 64)), c.input("target", (16, 16))
    wq, wk, wv = (c.param("head.W" + n, (16, 64), 0.15) for n in "qkv")
    q, k, v = x @ wq.T, x @ wk.T, x @ wv.T
    y = torch.softmax(q @ k.T / np.sqrt(16), dim=-1) @ v
    return c.arrays(F.mse_loss(y, target))


def block():
    c = Case(3)
    seq, d_model, heads, d_head, d_ff = 5, 8, 2, 4, 16
    x, target = c.input("x", (seq, d_model)), c.input("target", (seq, d_model))
    p = {}
    for n in "qkv":
        p["W" + n] = c.param("layer.attn.W" + n, (heads, d_head, d_model), 0.35)
        p["b" + n] = c.param("layer.attn.b" + n, (heads, d_head), 0.1)
    wo, bo = c.param("layer.attn.Wo", (d_model, heads, d_head), 0.35), c.param("layer.attn.bo", (d_model,), 0.1)
    up_w, up_b = c.param("layer.up.W", (d_ff, d_model), 0.35), c.param("layer.up.b", (d_ff,), 0.1)
    down_w, down_b = c.param("layer.down.W", (d_model, d_ff), 0.25), c.param("layer.down.b", (d_model,), 0.1)
    norms = {}
    for n in ("norm1", "norm2"):
        norms[n + ".weight"] = c.param("layer.%s.gain" % n, (d_model,), 0.1, mean=1.0)
        norms[n + ".bias"] = c.param("layer.%s.bias" % n, (d_model,), 0.1)
    w = {"self_attn.in_proj_weight": torch.cat([p["W" + n].reshape(heads * d_head, d_model) for n in "qkv"]),
         "self_attn.in_proj_bias": torch.cat([p["b" + n].reshape(heads * d_head) for n in "qkv"]),
         "self_attn.out_proj.weight": wo.reshape(d_model, heads * d_head), "self_attn.out_proj.bias": bo,
         "linear1.weight": up_w, "linear1.bias": up_b, "linear2.weight": down_w, "linear2.bias": down_b}
    w.update(norms)
    layer = nn.TransformerEncoderLayer(d_model=d_model, nhead=heads, dim_feedforward=d_ff, dropout=0.0,
                                       activation="relu", batch_first=True, norm_first=False).double()
    layer.eval()
    y = functional_call(layer, w, (x.unsqueeze(0),))[0]
    return c.arrays(F.mse_loss(y, target))


def recurrent(kind, seed, gates, steps):
    """nn.LSTM or nn.GRU, one layer, over `steps` steps of one sequence (batch 1), from a zero state."""
    c = Case(seed)
    n_in, n_h = 3, 4
    xs = [c.input("x@%d" % t, (n_in,)) for t in range(steps)]
    targets = [c.input("target@%d" % t, (n_h,), 0.5) for t in range(steps)]
    prefix = kind + ".cell."
    scale = 0.6
    w_ih = torch.cat([c.param(prefix + "W_i" + g, (n_h, n_in), scale) for g in gates])
    w_hh = torch.cat([c.param(prefix + "W_h" + g, (n_h, n_h), scale) for g in gates])
    b_ih = torch.cat([c.param(prefix + "b_i" + g, (n_h,), 0.3) for g in gates])
    b_hh = torch.cat([c.param(prefix + "b_h" + g, (n_h,), 0.3) for g in gates])
    module = (nn.LSTM if kind == "lstm" else nn.GRU)(n_in, n_h, num_layers=1).double()
    w = {"weight_ih_l0": w_ih, "weight_hh_l0": w_hh, "bias_ih_l0": b_ih, "bias_hh_l0": b_hh}
    out, _ = functional_call(module, w, (torch.stack(xs).unsqueeze(1),))      # [steps, 1, n_h]
    return c.arrays(sum(F.mse_loss(out[t, 0], targets[t]) for t in range(steps)))


def leaky():
    c = Case(6)
    n_in, n_h, steps, dt = 3, 4, 20, 0.5
    xs = [c.input("x@%d" % t, (n_in,)) for t in range(steps)]
    targets = [c.input("target@%d" % t, (n_h,), 0.5) for t in range(steps)]
    for t in range(steps):
        c.inputs["dt@%d" % t] = np.array(dt)
    w_in, w_rec = c.param("rnn.cell.W_in", (n_h, n_in), 0.6), c.param("rnn.cell.W_rec", (n_h, n_h), 0.6)
    b, tau_raw = c.param("rnn.cell.b", (n_h,), 0.3), c.param("rnn.cell.tau_raw", (n_h,), 1.0)
    tau = 1 + F.softplus(tau_raw)
    h = torch.zeros(n_h, dtype=torch.float64)
    loss = 0
    for t in range(steps):
        h = h + dt / tau * (torch.tanh(w_in @ xs[t] + w_rec @ h + b) - h)
        loss = loss + F.mse_loss(h, targets[t])
    return c.arrays(loss)


CASES = {"mlp": mlp, "head": head, "block": block, "lstm": lambda: recurrent("lstm", 4, "ifgo", 5),
         "gru": lambda: recurrent("gru", 5, "rzn", 5), "leaky": leaky}


def npy_bytes(a):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.ascontiguousarray(a), allow_pickle=False)
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
    torch.manual_seed(0)            # the modules' own initial weights are all replaced; this only fixes them anyway
    os.makedirs(OUT, exist_ok=True)
    for name, make in CASES.items():
        arrays = make()
        path = os.path.join(OUT, name + ".npz")
        write_npz(path, arrays)
        grads = sorted(k for k in arrays if k.startswith("grad."))
        print("%-6s loss %.10g, %d gradients, %d inputs -> %s (%d bytes)"
              % (name, arrays["loss"], len(grads), sum(k.startswith("input.") for k in arrays),
                 os.path.relpath(path, ROOT), os.path.getsize(path)))


if __name__ == "__main__":
    main()
