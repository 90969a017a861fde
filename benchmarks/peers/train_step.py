#!/usr/bin/env python3
"""PyTorch's side of benchmarks/jvm/train_compare.py: one training step, eager autograd, timed in this process.

    python train_step.py CASE THREADS [--warmup W] [--steps K] [--adam fused|foreach|forloop]

CASE is `gpt` (benchmarks/jvm/tiny_gpt.ncd: 4 pre-norm blocks, d_model 128, 4 heads, ff 512 with tanh-GELU,
vocabulary 32, sequence 64, learned positions, causal attention, next-token cross-entropy; batch 32) or `mlp`
(benchmarks/jvm/mlp_train.ncd: 784-512-512-10 ReLU, cross-entropy; batch 256). Both use Adam (lr 1e-3, betas 0.9 and
0.999, eps 1e-8), as ncd's `train Fit` does. A step is what ncd's trainer does per batch: pick a random minibatch of
a fixed random data set, forward, loss, backward, optimiser update (zero_grad(set_to_none=True) first). After W
warm-up steps the median of K timed steps is printed as JSON with torch's version and BLAS/CPU kernel.

The model is written the way a PyTorch user gets the most out of eager mode: one fused qkv projection,
F.scaled_dot_product_attention(is_causal=True), nn.Embedding; Adam is fused by default (the fastest of the three
implementations on CPU here; --adam picks another). The thread count is set with torch.set_num_threads.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB, SEQ, D, HEADS, FF, LAYERS = 32, 64, 128, 4, 512, 4


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D)
        self.qkv = nn.Linear(D, 3 * D)
        self.proj = nn.Linear(D, D)
        self.ln2 = nn.LayerNorm(D)
        self.up = nn.Linear(D, FF)
        self.down = nn.Linear(FF, D)

    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(D, dim=2)
        q, k, v = (z.view(b, t, HEADS, D // HEADS).transpose(1, 2) for z in (q, k, v))
        o = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(o.transpose(1, 2).reshape(b, t, D))
        return x + self.down(F.gelu(self.up(self.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, D)
        self.pos = nn.Parameter(torch.randn(SEQ, D) * 0.02)
        self.blocks = nn.Sequential(*[Block() for _ in range(LAYERS)])
        self.ln_f = nn.LayerNorm(D)
        self.head = nn.Linear(D, VOCAB)

    def forward(self, tokens, targets):
        x = self.blocks(self.embed(tokens) + self.pos)
        logits = self.head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, VOCAB), targets.view(-1))


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))

    def forward(self, x, label):
        return F.cross_entropy(self.net(x), label)


def case(name):
    g = torch.Generator().manual_seed(0)
    if name == "gpt":
        data = torch.randint(0, VOCAB, (1024, SEQ + 1), generator=g)
        return GPT(), (data[:, :-1].contiguous(), data[:, 1:].contiguous()), 32
    if name == "mlp":
        return MLP(), (torch.randn(4096, 784, generator=g), torch.randint(0, 10, (4096,), generator=g)), 256
    raise SystemExit(f"unknown case {name}: gpt or mlp")


def kernel():
    """What torch runs its matrix products with: the BLAS and the CPU capability (ISA) it dispatches to."""
    cfg = torch.__config__.show()
    blas = next((l.strip() for l in cfg.splitlines() if "BLAS_INFO" in l), "")
    blas = blas.split("BLAS_INFO=")[1].split(",")[0] if "BLAS_INFO=" in blas else "unknown"
    return f"BLAS {blas}, CPU capability {torch.backends.cpu.get_cpu_capability()}, oneDNN {torch.backends.mkldnn.is_available()}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("threads", type=int)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--adam", default="fused", choices=["fused", "foreach", "forloop"])
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model, data, batch = case(a.case)
    kw = {"fused": {"fused": True}, "foreach": {"foreach": True}, "forloop": {"foreach": False}}[a.adam]
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, **kw)
    g = torch.Generator().manual_seed(1)
    n = data[0].shape[0]
    times, losses = [], []
    for i in range(a.warmup + a.steps):
        t = time.perf_counter()
        idx = torch.randint(0, n, (batch,), generator=g)
        opt.zero_grad(set_to_none=True)
        loss = model(*(d[idx] for d in data))
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if i >= a.warmup:
            times.append(time.perf_counter() - t)
    print(json.dumps({"seconds_per_step": statistics.median(times), "times": times, "threads": torch.get_num_threads(),
                      "version": "torch " + torch.__version__, "kernel": kernel(), "adam": a.adam, "last_loss": losses[-1]}))


if __name__ == "__main__":
    main()
