#!/usr/bin/env python3
"""The PyTorch side of attn-bench: gradient workloads in PyTorch eager
(float64, autograd), timed like numpy_side.py (median of repeated runs) and
printed as one JSON object. Without torch installed it prints {} and the
PyTorch columns stay empty.

    python3 Benchmarks/torch_side.py
"""
import json
import math
import sys
import time

try:
    import torch
except ImportError:
    print("{}")
    sys.exit(0)

torch.set_default_dtype(torch.float64)


def median_time(fn, budget=1.0):
    fn()
    samples = []
    start = time.perf_counter()
    while len(samples) < 3 or (time.perf_counter() - start < budget and len(samples) < 10000):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    samples.sort()
    return samples[len(samples) // 2]


def multihead(x, wq, wk, wv, wo, heads):
    n, d = x.shape
    dk = d // heads
    q = (x @ wq).reshape(n, heads, dk).transpose(0, 1)
    k = (x @ wk).reshape(n, heads, dk).transpose(0, 1)
    v = (x @ wv).reshape(n, heads, dk).transpose(0, 1)
    w = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(dk), -1)
    return (w @ v).transpose(0, 1).reshape(n, d) @ wo


def parameters(n, d):
    """The input and the four projections, all tracked, from one seed."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, d, generator=g, requires_grad=True)
    return x, [(torch.rand(d, d, generator=g) - 0.5).requires_grad_() for _ in range(4)]


def backward_workload(n, d, heads):
    x, ws = parameters(n, d)

    def step():
        for t in [x] + ws:
            t.grad = None
        multihead(x, *ws, heads).sum().backward()

    return step


def sdpa_backward_workload(n, d, heads):
    # The output alone, forward and backward, through scaled_dot_product_attention.
    x, ws = parameters(n, d)

    def step():
        for t in [x] + ws:
            t.grad = None
        q, k, v = [(x @ w).reshape(n, heads, d // heads).transpose(0, 1) for w in ws[:3]]
        o = torch.nn.functional.scaled_dot_product_attention(q, k, v)
        (o.transpose(0, 1).reshape(n, d) @ ws[3]).sum().backward()

    return step


def output_workload(n, d, heads, dtype=torch.float64):
    # PyTorch's fastest general path: nn.MultiheadAttention without weights
    # (need_weights=False goes through scaled_dot_product_attention), float64
    # or float32.
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1, n, d, generator=g).to(dtype)
    module = torch.nn.MultiheadAttention(d, heads, bias=False, batch_first=True).to(dtype).eval()

    def step():
        with torch.inference_mode():
            module(x, x, x, need_weights=False)

    return step


def main():
    results = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    results["multihead backward n=512 d=256 h=8"] = median_time(backward_workload(512, 256, 8), budget=3.0)
    results["multihead backward n=8 d=16 h=2"] = median_time(backward_workload(8, 16, 2))
    results["multihead output backward n=4096 d=256 h=4 vs PyTorch"] = median_time(
        sdpa_backward_workload(4096, 256, 4), budget=4.0
    )
    for n, d, h in [(1024, 512, 8), (4096, 256, 4)]:
        results[f"multihead output n={n} d={d} h={h} vs PyTorch"] = median_time(output_workload(n, d, h), budget=2.0)
    results["multihead output n=4096 d=256 h=4 float32 vs PyTorch"] = median_time(
        output_workload(4096, 256, 4, torch.float32), budget=2.0
    )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
