#!/usr/bin/env python3
"""The microgpt workload in PyTorch eager (float64): the same model, data
order and initial weights as Benchmarks/microgpt.attn, for attn-bench.

    python3 Benchmarks/microgpt.py [--threads N] [--steps N]

Prints one JSON object: the seconds the training loop took, the mean loss
of its last 100 steps, the torch version and the threads used. Run from the
repository's root (it reads lessons/data/names.txt).
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F

MASK = (1 << 64) - 1


class SplitMix64:
    """attn's random generator (Sources/Attention/Tensor/Random.swift), so
    both sides start from the same weights and see names in the same order."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53

    def normal(self):
        u1 = 1.0 - self.uniform()
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def shuffle(items, seed):
    """attn's shuffle(list, seed:): Fisher-Yates over SplitMix64."""
    items = list(items)
    g = SplitMix64(seed)
    for i in range(len(items) - 1, 0, -1):
        j = min(i, int(g.uniform() * (i + 1)))
        items[i], items[j] = items[j], items[i]
    return items


def init(rows, cols, seed, std=0.08):
    """attn's randn(rows, cols, seed:, std:)."""
    g = SplitMix64(seed)
    values = [g.normal() * std for _ in range(rows * cols)]
    return torch.tensor(values, dtype=torch.float64).reshape(rows, cols).requires_grad_()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    parser.add_argument("--steps", type=int, default=1000)
    options = parser.parse_args()
    if options.threads:
        torch.set_num_threads(options.threads)
    torch.set_default_dtype(torch.float64)

    with open("lessons/data/names.txt") as f:
        names = shuffle(f.read().splitlines(), 42)
    chars = sorted(set("".join(names)))
    bos = len(chars)
    ids = {c: i for i, c in enumerate(chars)}
    vocab, d, block, heads, steps = len(chars) + 1, 16, 16, 4, options.steps
    p = {"wte": init(vocab, d, 1), "wpe": init(block, d, 2), "wq": init(d, d, 3), "wk": init(d, d, 4),
         "wv": init(d, d, 5), "wo": init(d, d, 6), "fc1": init(d, 4 * d, 7), "fc2": init(4 * d, d, 8),
         "head": init(d, vocab, 9)}
    assert sum(w.numel() for w in p.values()) == 4192

    def rmsnorm(x):
        return F.rms_norm(x, (x.shape[-1],), eps=1e-5)

    def attention(x):
        n, dk = x.shape[0], d // heads
        q = (x @ p["wq"]).reshape(n, heads, dk).transpose(0, 1)
        k = (x @ p["wk"]).reshape(n, heads, dk).transpose(0, 1)
        v = (x @ p["wv"]).reshape(n, heads, dk).transpose(0, 1)
        scores = q @ k.transpose(1, 2) / math.sqrt(dk)
        mask = torch.ones(n, n, dtype=torch.bool).tril()
        weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), -1)
        return (weights @ v).transpose(0, 1).reshape(n, d) @ p["wo"]

    def logits(tokens):
        x = rmsnorm(p["wte"][tokens] + p["wpe"][: len(tokens)])
        x = x + attention(rmsnorm(x))
        x = x + torch.relu(rmsnorm(x) @ p["fc1"]) @ p["fc2"]
        return x @ p["head"]

    optimizer = torch.optim.Adam(p.values(), lr=0.01, betas=(0.85, 0.99), eps=1e-8)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: 1 - t / steps)
    losses = []
    start = time.perf_counter()
    for step in range(steps):
        tokens = torch.tensor([bos] + [ids[c] for c in names[step % len(names)]] + [bos])
        n = min(block, len(tokens) - 1)
        loss = F.cross_entropy(logits(tokens[:n]), tokens[1 : n + 1])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "loss": sum(losses[-100:]) / len(losses[-100:]),
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
