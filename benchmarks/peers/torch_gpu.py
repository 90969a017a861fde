#!/usr/bin/env python3
"""PyTorch eager on the GPU, the peer of scripts/gpu-check.sh's cuda benchmarks, at the same sizes:

- nn.TransformerEncoderLayer(1024, 16, 4096, dropout=0, batch_first=True), eval, no_grad, batch 32 x seq 512
  (benchmarks/gpu/encoder.ncd, circuit Layer);
- the 784-512-512-10 MLP with ReLU and log_softmax at batch 4096 (examples/mlp.ncd, BatchClassifier);
- Life on a 4096 x 4096 torus: neighbours by a 3x3 convolution with circular padding (stdlib/std/life.ncd, Life).

f32 throughout, TF32 off (ncd computes in f32). Times are medians of 20 runs of k steps, with CUDA events.
Prints one line per benchmark: name, median ms per step, and the rate.
"""
import statistics
import sys

import torch

if not torch.cuda.is_available():
    sys.exit("torch_gpu.py: PyTorch sees no CUDA device")
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = torch.device("cuda")
print(f"PyTorch {torch.__version__}, CUDA {torch.version.cuda}, {torch.cuda.get_device_name(0)}")


def timed(step, k, runs=20, warmup=5):
    for _ in range(warmup):
        step()
    torch.cuda.synchronize()
    per = []
    for _ in range(runs):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(k):
            step()
        end.record()
        torch.cuda.synchronize()
        per.append(start.elapsed_time(end) / k)
    return statistics.median(per)


with torch.no_grad():
    layer = torch.nn.TransformerEncoderLayer(1024, 16, 4096, dropout=0.0, batch_first=True).to(dev).eval()
    x = torch.randn(32, 512, 1024, device=dev)
    ms = timed(lambda: layer(x), 5)
    flops = 32 * 512 * (4 * 2 * 1024 * 1024 + 2 * 2 * 1024 * 4096) + 32 * 16 * 2 * 2 * 512 * 512 * 64
    print(f"encoder layer  {ms:.3f} ms/step  {flops / ms / 1e9:.1f} TFLOP/s")

    mlp = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(),
                              torch.nn.Linear(512, 10), torch.nn.LogSoftmax(dim=-1)).to(dev).eval()
    xb = torch.randn(4096, 784, device=dev)
    ms = timed(lambda: mlp(xb), 20)
    print(f"mlp batch 4096 {ms:.3f} ms/step  {4096 / ms * 1e3:.0f} samples/s")

    n = 4096
    board = (torch.rand(1, 1, n, n, device=dev) < 0.3).float()
    kernel = torch.ones(1, 1, 3, 3, device=dev)
    kernel[0, 0, 1, 1] = 0
    state = {"b": board}

    def life():
        b = state["b"]
        nb = torch.nn.functional.conv2d(torch.nn.functional.pad(b, (1, 1, 1, 1), mode="circular"), kernel)
        state["b"] = ((nb == 3) | ((b > 0) & (nb == 2))).float()

    ms = timed(life, 20)
    print(f"life 4096^2    {ms:.3f} ms/step  {n * n / ms / 1e6:.1f} Gcell-updates/s")
