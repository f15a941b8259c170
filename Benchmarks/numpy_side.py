#!/usr/bin/env python3
"""The NumPy side of attn-bench: the same workloads in NumPy float64, timed
the same way (median of repeated runs), printed as one JSON object.

Run by `swift run -c release attn-bench`; it can also be run alone.
"""
import json
import math
import time

import numpy as np


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


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def attend(q, K, V):
    w = softmax(q @ K.T)
    return q @ K.T, w, w @ V


def selfattend(X):
    scores = X @ X.T / math.sqrt(X.shape[1])
    w = softmax(scores)
    return scores, w, w @ X


def multihead(xq, xkv, heads, wq, wk, wv, wo):
    Q, K, V = xq @ wq, xkv @ wk, xkv @ wv
    n, d = Q.shape
    dk = d // heads
    Qh = Q.reshape(n, heads, dk).transpose(1, 0, 2)
    Kh = K.reshape(-1, heads, dk).transpose(1, 0, 2)
    Vh = V.reshape(-1, heads, dk).transpose(1, 0, 2)
    w = softmax(Qh @ Kh.transpose(0, 2, 1) / math.sqrt(dk))
    out = (w @ Vh).transpose(1, 0, 2).reshape(n, d)
    return out @ wo, w


def xavier(rng, d):
    bound = math.sqrt(6 / (2 * d))
    return rng.uniform(-bound, bound, size=(d, d))


def main():
    rng = np.random.default_rng(0)
    results = {}
    # Small statements, as a student types them: the whole Python call.
    q, K, V = rng.normal(size=8), rng.normal(size=(16, 8)), rng.normal(size=(16, 8))
    X = rng.normal(size=(16, 16))
    ws = [xavier(rng, 16) for _ in range(4)]
    A8, B8, C8 = rng.normal(size=(8, 8)), rng.normal(size=(8, 8)), rng.normal(size=(8, 8))
    results["small ops 8x8"] = median_time(lambda: softmax(A8 @ B8 + C8))
    A8f, B8f, C8f = (m.astype(np.float32) for m in (A8, B8, C8))
    results["small ops 8x8 float32"] = median_time(lambda: softmax(A8f @ B8f + C8f))
    results["small attend"] = median_time(lambda: attend(q, K, V))
    qf, Kf, Vf = (t.astype(np.float32) for t in (q, K, V))
    results["small attend float32"] = median_time(lambda: attend(qf, Kf, Vf))
    results["small selfattend"] = median_time(lambda: selfattend(X))
    results["small multihead"] = median_time(lambda: multihead(X, X, 2, *ws))
    # The language: a scalar loop in plain Python, and attention written by
    # hand as a student would, called 10 000 times.
    def scalar_loop():
        s = 0
        for i in range(100000):
            s = s + i
        return s
    results["scalar loop 100000"] = median_time(scalar_loop)
    qa, Ka, Va = rng.normal(size=16), rng.normal(size=(8, 16)), rng.normal(size=(8, 16))

    def attention(q, K, V):
        w = softmax(q @ K.T / math.sqrt(K.shape[-1]))
        return w @ V

    def calls():
        for _ in range(10000):
            o = attention(qa, Ka, Va)
        return o
    results["user attention n=8 d=16 x10000"] = median_time(calls)
    for n, d in [(512, 256), (1024, 512)]:
        Xl = rng.normal(size=(n, d))
        wl = [xavier(rng, d) for _ in range(4)]
        results[f"multihead n={n} d={d} h=8"] = median_time(lambda: multihead(Xl, Xl, 8, *wl), budget=2.0)
    # The output alone: NumPy has no fused path, so this is the same computation.
    for n, d, h in [(1024, 512, 8), (4096, 256, 4)]:
        Xl = rng.normal(size=(n, d))
        wl = [xavier(rng, d) for _ in range(4)]
        results[f"multihead output n={n} d={d} h={h}"] = median_time(lambda: multihead(Xl, Xl, h, *wl)[0], budget=2.0)
    A = rng.normal(size=(1024, 1024))
    results["matmul 1024"] = median_time(lambda: A @ A, budget=2.0)
    # OpenBLAS's sgemm.
    A32 = A.astype(np.float32)
    results["matmul 1024 float32"] = median_time(lambda: A32 @ A32, budget=2.0)
    results["numpy"] = np.__version__
    print(json.dumps(results))


if __name__ == "__main__":
    main()
