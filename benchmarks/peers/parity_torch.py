#!/usr/bin/env python3
"""examples/parity.ncd in PyTorch, for the variants docs/training.md reports beside ncd's own runs.

    python benchmarks/peers/parity_torch.py data/parity4 [--hid 32] [--tau0 2] [--epochs 20] [--seed 0]
           [--lr 1e-2] [--no-self] [--init A.pt] [--save B.pt]

trains on DATA_train.npz, validates on DATA_val.npz (benchmarks/peers/parity_npz.py) the same leaky RNN as
examples/parity.ncd: h' = h + (-h + tanh(W_in x + W_rec h + b)) / tau, tau = 1 + softplus(tau_raw) per neuron, a
linear read-out, the weighted cross-entropy summed over the steps, Adam with gradient norm clipped at 1, batch 32
(the last partial batch left out). Its random numbers are torch's, not ncd's. Variants: --hid neurons, every tau
starting at --tau0 (> 1), --no-self zeroes W_rec's diagonal (a neuron's only memory of itself is then its tau, as in
Khajehabdollahi et al.), --init/--save start from and write the parameters (a curriculum: N = 2, then 3, ...).
Prints the validation accuracy and the taus (mean, median, min, max, top-4 mean) every 5 epochs.
"""
import argparse
import math
import time

import numpy as np
import torch
import torch.nn.functional as F


def load(path):
    d = np.load(path)
    return torch.tensor(d["x"]), torch.tensor(d["weight"]), torch.tensor(d["parity"]).long()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", help="prefix: DATA_train.npz and DATA_val.npz")
    ap.add_argument("--hid", type=int, default=32)
    ap.add_argument("--tau0", type=float, default=2.0)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--lr", type=float, default=1e-2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-self", action="store_true")
    ap.add_argument("--init")
    ap.add_argument("--save")
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    xtr, wtr, ptr = load(a.data + "_train.npz")
    xv, wv, pv = load(a.data + "_val.npz")
    h_n = a.hid
    # the inits of examples/parity.ncd: W_in ~ normal(0, 1), W_rec ~ glorot (uniform), b = 0
    w_in = torch.nn.Parameter(torch.randn(h_n, 1))
    lim = math.sqrt(6 / (2 * h_n))
    w_rec = torch.nn.Parameter(torch.empty(h_n, h_n).uniform_(-lim, lim))
    b = torch.nn.Parameter(torch.zeros(h_n))
    tau_raw = torch.nn.Parameter(torch.full((h_n,), math.log(math.expm1(a.tau0 - 1))))
    out = torch.nn.Linear(h_n, 2)
    params = [w_in, w_rec, b, tau_raw] + list(out.parameters())
    if a.init:
        with torch.no_grad():
            for p, q in zip(params, torch.load(a.init)):
                p.copy_(q)
    mask = 1 - torch.eye(h_n) if a.no_self else torch.ones(h_n, h_n)
    opt = torch.optim.Adam(params, lr=a.lr)

    def run(x, w, p):
        h = torch.zeros(x.shape[0], h_n)
        tau = 1 + F.softplus(tau_raw)
        loss = acc = 0
        for t in range(x.shape[1]):
            h = h + (-h + torch.tanh(x[:, t] @ w_in.T + h @ (w_rec * mask).T + b)) / tau
            logits = out(h)
            loss = loss + w[:, t] * F.cross_entropy(logits, p[:, t], reduction="none")
            acc = acc + w[:, t] * (logits.argmax(1) == p[:, t]).float()
        return loss.mean(), acc.mean()

    t0 = time.time()
    n = xtr.shape[0]
    for ep in range(a.epochs):
        perm = torch.randperm(n)
        for i in range(0, n - 31, 32):
            idx = perm[i:i + 32]
            loss, _ = run(xtr[idx], wtr[idx], ptr[idx])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
        if ep % 5 == 4 or ep == a.epochs - 1:
            with torch.no_grad():
                _, va = run(xv, wv, pv)
                tau = (1 + F.softplus(tau_raw)).numpy()
            print(f"epoch {ep + 1}: val accuracy {va:.4f} | tau mean {tau.mean():.2f} median {np.median(tau):.2f} "
                  f"min {tau.min():.2f} max {tau.max():.2f} top-4 {np.sort(tau)[-4:].mean():.2f} | {time.time() - t0:.0f} s",
                  flush=True)
    if a.save:
        torch.save([p.detach() for p in params], a.save)


if __name__ == "__main__":
    main()
