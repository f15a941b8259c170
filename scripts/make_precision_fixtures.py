#!/usr/bin/env python3
"""Writes the float32 and bfloat16 references the tests compare against,
computed by PyTorch in float32 / bfloat16 on the CPU -- never by attn itself.

Each case is attn code evaluated after a prelude, with the value PyTorch gives
for the same computation and its dtype. Inputs are written as literals of
float32-exact numbers, converted in the prelude with float32(...) or
bfloat16(...), so both sides start from the same bits.

    pip install torch   # the CPU wheel is enough
    python3 scripts/make_precision_fixtures.py
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(20261206)
here = os.path.dirname(os.path.abspath(__file__))
cases = {}


def normal(*shape, scale=1.0):
    # Rounded to float32 so the literal is exact in both programs.
    return (rng.normal(size=shape) * scale).astype(np.float32)


def lit(a):
    return json.dumps(np.asarray(a, dtype=np.float64).tolist())


def enc(t):
    a = t.detach().to(torch.float64).numpy()
    data = [("nan" if np.isnan(v) else ("inf" if v > 0 else "-inf")) if not np.isfinite(v) else float(v)
            for v in a.ravel()]
    return {"shape": list(a.shape), "data": data}


def case(code, prelude, expected, exact=False):
    entry = {"prelude": prelude, "expected": enc(expected), "dtype": str(expected.dtype).replace("torch.", "")}
    if exact:
        # The float32 bit patterns, as integers: JSON numbers read back into a
        # double are not always the double written, integers are.
        bits = expected.detach().to(torch.float32).numpy().ravel().view(np.uint32)
        entry["bits"] = [int(b) for b in bits]
    cases[code] = entry


def t32(a, grad=False):
    return torch.tensor(a, dtype=torch.float32, requires_grad=grad)


# --- Conversions: rounding to nearest, ties to even ---------------------------------------------
values = np.array([0.1, 1 / 3, 1000.5, 3.0e38, 1e-40, -2.5, 65504.0, 1.00390625, 1.01171875, 1e39])
case(f"float32({lit(values)})", "", torch.tensor(values).to(torch.float32), exact=True)
case(f"bfloat16({lit(values)})", "", torch.tensor(values).to(torch.bfloat16), exact=True)
case(f"bfloat16(float32({lit(values)}))", "", torch.tensor(values).to(torch.float32).to(torch.bfloat16), exact=True)

# --- Elementwise arithmetic and promotion -------------------------------------------------------
a, b = normal(3, 4), normal(4)
pre = f"a = float32({lit(a)})\nb = float32({lit(b)})"
case("a + b", pre, t32(a) + t32(b))
case("a * b / 3", pre, t32(a) * t32(b) / 3)
case("exp(a) - 1", pre, torch.exp(t32(a)) - 1)
case("a + float64(b)", pre, t32(a).double() + t32(b).double())
case("bfloat16(a) * bfloat16(b)", pre, t32(a).bfloat16() * t32(b).bfloat16(), exact=True)
case("bfloat16(a) + b", pre, t32(a).bfloat16() + t32(b))
case("float32(exp(89)) + a", pre, torch.exp(torch.tensor(89.0)).float() + t32(a))

# --- Products, softmax, layers, losses: forward in float32 --------------------------------------
A, B = normal(37, 53), normal(53, 29)
pre = f"A = float32({lit(A)})\nB = float32({lit(B)})"
case("A @ B", pre, t32(A) @ t32(B))
case("bfloat16(A) @ bfloat16(B)", pre, t32(A).bfloat16() @ t32(B).bfloat16())
case("softmax(A)", pre, torch.softmax(t32(A), -1))
case("softmax(A * 100)", pre, torch.softmax(t32(A) * 100, -1))
case("layernorm(A)", pre, F.layer_norm(t32(A), (53,), eps=1e-5))
case("gelu(A)", pre, F.gelu(t32(A)))

X, Wq, Wk, Wv = normal(6, 8), normal(8, 8, scale=0.4), normal(8, 8, scale=0.4), normal(8, 8, scale=0.4)
pre = (f"X = float32({lit(X)})\nwq = float32({lit(Wq)})\nwk = float32({lit(Wk)})\nwv = float32({lit(Wv)})")
tX, tq, tk, tv = t32(X, True), t32(Wq, True), t32(Wk, True), t32(Wv, True)
out = F.scaled_dot_product_attention(tX @ tq, tX @ tk, tX @ tv, is_causal=True)
case("selfattend(X, wq: wq, wk: wk, wv: wv, causal: true).output", pre, out)
q_, k_ = tX @ tq, tX @ tk
causal_scores = (q_ @ k_.T / np.sqrt(8)).masked_fill(torch.ones(6, 6).triu(1).bool(), float("-inf"))
case("selfattend(X, wq: wq, wk: wk, wv: wv, causal: true).weights", pre, torch.softmax(causal_scores, -1))
weights = torch.sin(torch.arange(48, dtype=torch.float32)).reshape(6, 8)
(out * weights).sum().backward()
pre_f = pre + "\nC = float32(sin(reshape(arange(48), 6, 8)))\ndef f(X, wq) = sum(selfattend(X, wq: wq, wk: wk, wv: wv, causal: true).output * C)"
case("grad(X -> f(X, wq), X)", pre_f, tX.grad)
case("grad(w -> f(X, w), wq)", pre_f, tq.grad)

# attend's weights and outputs in float32, as PyTorch's math: scores, bias,
# blocking, softmax and the weighted sum each a float32 operation. The mask and
# the bias are plain (float64) numbers: they do not widen the computation.
Q, K, V, Bi = normal(5, 8), normal(7, 8), normal(7, 6), normal(5, 7)
M = (rng.random((5, 7)) > 0.4).astype(np.float64)
M[:, 0] = 1  # no row blocked whole (PyTorch gives NaN there, attn zeros)
pre = (f"Q = float32({lit(Q)})\nK = float32({lit(K)})\nV = float32({lit(V)})\nM = {lit(M)}\nBi = {lit(Bi)}")
tQ, tK, tV = t32(Q), t32(K), t32(V)
scores = (tQ @ tK.T) * 0.35
case("attend(Q, K, V, scale: 0.35).weights", pre, torch.softmax(scores, -1))
blocked = scores.masked_fill(torch.tensor(M == 0), float("-inf"))
case("attend(Q, K, V, scale: 0.35, mask: M).output", pre, torch.softmax(blocked, -1) @ tV)
case("attend(Q, K, V, scale: 0.35, bias: Bi).weights", pre, torch.softmax(scores + t32(Bi), -1))
case("attend(Q[0], K, V).output", pre, torch.softmax(tK @ tQ[0], -1) @ tV)
# bfloat16 attention keeps its sums in float32 and rounds once (PyTorch's CPU kernel).
bQ, bK, bV = tQ.bfloat16(), tK.bfloat16(), tV.bfloat16()
case("attend(bfloat16(Q), bfloat16(K), bfloat16(V), scale: 0.35).output", pre,
     F.scaled_dot_product_attention(bQ[None], bK[None], bV[None], scale=0.35)[0])

logits, targets = normal(5, 7), np.array([1, 0, 6, 3, 3])
tl = t32(logits, True)
loss = F.cross_entropy(tl, torch.tensor(targets))
loss.backward()
pre = f"L = float32({lit(logits)})\nt = {lit(targets)}"
case("crossentropy(L, t)", pre, loss)
case("grad(x -> crossentropy(x, t), L)", pre, tl.grad)

# --- A training step: AdamW on float32 parameters -----------------------------------------------
W0, G = normal(3, 4), [normal(3, 4) for _ in range(3)]
tW = t32(W0, True)
opt = torch.optim.AdamW([tW], lr=0.01, betas=(0.9, 0.99), weight_decay=0.1, foreach=False)
for g in G:
    tW.grad = t32(g)
    opt.step()
pre = (f"opt = adamw({{W: float32({lit(W0)})}}, lr: 0.01, beta2: 0.99, weight_decay: 0.1)\n"
       + "".join(f"opt = update(opt, {{W: float32({lit(g)})}})\n" for g in G))
case("opt.params.W", pre, tW.detach())

path = os.path.join(here, "..", "Tests", "AttnLangTests", "Fixtures", "precision.json")
with open(path, "w") as f:
    json.dump(cases, f, indent=None, separators=(",", ":"), sort_keys=True)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.relpath(path)}")
