#!/usr/bin/env python3
"""Writes the reference values the Attention tests compare against.

Every expected value here is computed with NumPy (or, for the seeded
generator, a plain-Python SplitMix64) -- never with attn itself -- so the
Swift tests check the library against an independent implementation.
Inputs are random but seeded, so re-running this script reproduces the
committed fixture exactly:

    python3 scripts/make_fixtures.py
"""
import json
import math
import os

import numpy as np

rng = np.random.default_rng(20261124)
cases = {}


def enc(x):
    """A tensor as {"shape": [...], "data": [...]}, non-finite values as strings."""
    a = np.asarray(x, dtype=np.float64)
    data = []
    for v in a.ravel():
        if math.isnan(v):
            data.append("nan")
        elif math.isinf(v):
            data.append("inf" if v > 0 else "-inf")
        else:
            data.append(float(v))
    return {"shape": list(a.shape), "data": data}


def case(name, **values):
    assert name not in cases, name
    cases[name] = {k: (enc(v) if isinstance(v, (np.ndarray, np.generic, list)) else v) for k, v in values.items()}


def np_softmax(x, axis=-1, temperature=1.0):
    x = np.asarray(x, dtype=np.float64) / temperature
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isneginf(m), 0.0, m)
    e = np.exp(x - m)
    s = np.sum(e, axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(s == 0, 0.0, e / np.where(s == 0, 1.0, s))
    return out


# --- softmax ---------------------------------------------------------------
v = np.array([0.1, -0.2, 0.3, -0.2, 0.5])
case("softmax.vector", x=v, expected=np_softmax(v))
case("softmax.sharp", x=8 * v, expected=np_softmax(8 * v))
m = rng.normal(size=(3, 4))
case("softmax.axis_last", x=m, expected=np_softmax(m, axis=-1))
case("softmax.axis0", x=m, expected=np_softmax(m, axis=0))
case("softmax.temperature", x=m, temperature=2.5, expected=np_softmax(m, temperature=2.5))
big = np.array([1000.0, 1001.0, 1002.0])
case("softmax.large", x=big, expected=np_softmax(np.array([0.0, 1.0, 2.0])))
case("softmax.large_negative", x=-big, expected=np_softmax(np.array([0.0, -1.0, -2.0])))
masked = np.array([[1.0, -np.inf, 2.0], [-np.inf, -np.inf, -np.inf]])
case("softmax.neg_inf", x=masked, expected=np_softmax(masked))
t3 = rng.normal(size=(2, 3, 4))
case("softmax.rank3_axis1", x=t3, expected=np_softmax(t3, axis=1))

# --- elementwise -----------------------------------------------------------
a = rng.normal(size=(2, 3))
b = rng.normal(size=(3,))
c = rng.normal(size=(2, 1))
pa = rng.uniform(0.5, 2.0, size=(2, 3))
ops = {
    "add": np.add, "subtract": np.subtract, "multiply": np.multiply, "divide": np.divide,
    "less": lambda x, y: (x < y) * 1.0, "greater_or_equal": lambda x, y: (x >= y) * 1.0,
    "equal": lambda x, y: (x == y) * 1.0, "not_equal": lambda x, y: (x != y) * 1.0,
}
for name, f in ops.items():
    case(f"elementwise.{name}.row", a=a, b=b, expected=f(a, b))
    case(f"elementwise.{name}.column", a=c, b=b, expected=f(c, b))
case("elementwise.power", a=pa, b=c, expected=np.power(pa, c))
case("elementwise.equal_self", a=a, b=a[0], expected=(a == a[0]) * 1.0)
u = np.array([-2.0, -0.5, 0.0, 0.25, 1.0, 3.0, 40.0, -40.0])
pos = np.array([0.0, 0.25, 1.0, 2.0, 9.0])
case("unary.exp", x=u, expected=np.exp(u))
case("unary.tanh", x=u, expected=np.tanh(u))
case("unary.sin", x=u, expected=np.sin(u))
case("unary.cos", x=u, expected=np.cos(u))
case("unary.relu", x=u, expected=np.maximum(u, 0))
case("unary.sigmoid", x=u, expected=1 / (1 + np.exp(-u)))
case("unary.abs", x=u, expected=np.abs(u))
with np.errstate(divide="ignore"):
    case("unary.log", x=pos, expected=np.log(pos))
case("unary.sqrt", x=pos, expected=np.sqrt(pos))

# --- matmul and dot --------------------------------------------------------
shapes = [
    ((3,), (3,)), ((3,), (3, 4)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((2, 2, 3), (3, 4)),
    ((2, 2, 3), (2, 3, 4)), ((1, 2, 3), (3, 3, 2)), ((2, 3), (2, 3, 5)), ((17, 33), (33, 9)),
]
for sa, sb in shapes:
    x, y = rng.normal(size=sa), rng.normal(size=sb)
    name = "x".join(map(str, sa)) + "@" + "x".join(map(str, sb))
    case(f"matmul.{name}", a=x, b=y, expected=np.matmul(x, y))
for sa, sb in [((4,), (4,)), ((3, 4), (4,)), ((4,), (3, 4)), ((2, 4), (3, 4))]:
    x, y = rng.normal(size=sa), rng.normal(size=sb)
    if len(sa) == 1 and len(sb) == 2:
        expected = y @ x
    elif len(sb) == 2:
        expected = x @ y.T
    else:
        expected = x @ y
    name = "x".join(map(str, sa)) + "." + "x".join(map(str, sb))
    case(f"dot.{name}", a=x, b=y, expected=expected)

# --- shaping ---------------------------------------------------------------
r = rng.normal(size=(2, 3, 4))
case("transpose.matrix", x=a, expected=a.T)
case("transpose.rank3", x=r, expected=np.transpose(r))
case("transpose.rank3_axes", x=r, expected=np.transpose(r, (0, 2, 1)))
case("reshape", x=r, expected=r.reshape(4, 6))
case("concat.axis0", a=a, b=a * 2, expected=np.concatenate([a, a * 2], axis=0))
case("concat.axis1", a=a, b=c, expected=np.concatenate([a, c], axis=1))
case("stack.axis0", a=a, b=a * 2, expected=np.stack([a, a * 2], axis=0))
case("stack.axis2", a=a, b=a * 2, expected=np.stack([a, a * 2], axis=2))
case("index.row", x=r, expected=r[1])
case("index.column", x=a, expected=a[:, 0])
case("index.slice", x=a, expected=a[0, 1:3])
case("index.negative", x=a, expected=a[-1, -1])
case("index.step", x=r, expected=r[:, ::-1, 1::2])
case("index.clamped", x=r, expected=r[0, -10:10, 2:])

# --- reductions ------------------------------------------------------------
withnan = np.array([[1.0, 5.0, 5.0], [-2.0, np.nan, 0.0]])
for name, f in {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min, "argmax": np.argmax}.items():
    case(f"reduce.{name}.all", x=r, expected=np.asarray(f(r), dtype=np.float64))
    case(f"reduce.{name}.axis0", x=r, expected=f(r, axis=0).astype(np.float64))
    case(f"reduce.{name}.axis_last", x=r, expected=f(r, axis=-1).astype(np.float64))
    case(f"reduce.{name}.nan", x=withnan, expected=f(withnan, axis=1).astype(np.float64))

# --- attention -------------------------------------------------------------
def np_attention(q, K, V, scale=1.0, mask=None, causal=False, hard=False):
    scores = np.atleast_2d(q) @ K.T * scale
    blocked = np.zeros_like(scores, dtype=bool)
    if mask is not None:
        blocked |= np.broadcast_to(mask, scores.shape) == 0
    if causal:
        blocked |= np.triu(np.ones(scores.shape, dtype=bool), k=1)
    scores = np.where(blocked, -np.inf, scores)
    if hard:
        weights = np.zeros_like(scores)
        for i, row in enumerate(scores):
            if not np.all(np.isneginf(row)):
                weights[i, np.argmax(row)] = 1.0
    else:
        weights = np_softmax(scores)
    out = weights @ V
    if np.ndim(q) == 1:
        return scores[0], weights[0], out[0]
    return scores, weights, out


K = rng.normal(size=(5, 4))
V = rng.normal(size=(5, 3))
q1 = rng.normal(size=(4,))
Q = rng.normal(size=(3, 4))
mask = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
for name, kwargs, q in [
    ("single", {}, q1),
    ("scaled", {"scale": 0.5}, Q),
    ("masked", {"mask": mask}, Q),
    ("causal", {"causal": True}, Q),
    ("hard", {"hard": True}, Q),
    ("hard_single", {"hard": True}, q1),
    ("blocked_row", {"mask": np.array([[1, 1, 0, 0, 0], [0, 0, 0, 0, 0], [1, 1, 1, 1, 1]])}, Q),
]:
    s, w, o = np_attention(q, K, V, **kwargs)
    extra = {k: (np.asarray(v, dtype=np.float64) if not isinstance(v, (bool, float)) else v) for k, v in kwargs.items()}
    case(f"attention.{name}", q=q, keys=K, values=V, scores=s, weights=w, output=o, **extra)

X = rng.normal(size=(4, 6))
Wq, Wk, Wv = rng.normal(size=(6, 4)), rng.normal(size=(6, 4)), rng.normal(size=(6, 5))
s, w, o = np_attention(X @ Wq, X @ Wk, X @ Wv, scale=1 / math.sqrt(4))
case("selfattention.projected", x=X, wq=Wq, wk=Wk, wv=Wv, scores=s, weights=w, output=o)
s, w, o = np_attention(X, X, X, scale=1 / math.sqrt(6), causal=True)
case("selfattention.identity_causal", x=X, scores=s, weights=w, output=o)


def np_multihead(xq, xkv, h, wq, wk, wv, wo, causal=False):
    Qp, Kp, Vp = xq @ wq, xkv @ wk, xkv @ wv
    d = Qp.shape[1]
    dk, dv = d // h, Vp.shape[1] // h
    heads, weights = [], []
    for i in range(h):
        _, wts, out = np_attention(Qp[:, i * dk:(i + 1) * dk], Kp[:, i * dk:(i + 1) * dk],
                                   Vp[:, i * dv:(i + 1) * dv], scale=1 / math.sqrt(dk), causal=causal)
        heads.append(out)
        weights.append(wts)
    return np.concatenate(heads, axis=1) @ wo, np.stack(weights)


xq, xkv = rng.normal(size=(4, 8)), rng.normal(size=(5, 8))
wq, wk, wv, wo = (rng.normal(size=(8, 8)) / 3 for _ in range(4))
for name, q_in, kv_in, causal in [("self", xq, xq, False), ("cross", xq, xkv, False), ("causal", xq, xq, True)]:
    out, wts = np_multihead(q_in, kv_in, 2, wq, wk, wv, wo, causal)
    case(f"multihead.{name}", xq=q_in, xkv=kv_in, wq=wq, wk=wk, wv=wv, wo=wo, heads=2, causal=causal,
         output=out, weights=wts)

# Larger ones, output only: several blocks of queries and keys for the fused
# path (multiHeadAttentionOutput). Their own stream keeps the others' numbers.
block_rng = np.random.default_rng(1125)
xs = block_rng.normal(size=(300, 8))
w8 = [block_rng.normal(size=(8, 8)) / 3 for _ in range(4)]
out, _ = np_multihead(xs, xs, 2, *w8, causal=True)
case("multihead_output.causal300", xq=xs, xkv=xs, wq=w8[0], wk=w8[1], wv=w8[2], wo=w8[3], heads=2, causal=True,
     output=out)
xq80, xkv530 = block_rng.normal(size=(80, 8)), block_rng.normal(size=(530, 8))
keep = (block_rng.random(530) > 0.3).astype(np.float64)
Qp, Kp, Vp = xq80 @ w8[0], xkv530 @ w8[1], xkv530 @ w8[2]
heads_out = []
for i in range(2):
    s_ = Qp[:, 4 * i:4 * i + 4] @ Kp[:, 4 * i:4 * i + 4].T / 2
    s_ = np.where(keep[None, :] == 0, -np.inf, s_)
    heads_out.append(np_softmax(s_) @ Vp[:, 4 * i:4 * i + 4])
case("multihead_output.masked_cross530", xq=xq80, xkv=xkv530, wq=w8[0], wk=w8[1], wv=w8[2], wo=w8[3], heads=2,
     causal=False, mask=keep, output=np.concatenate(heads_out, axis=1) @ w8[3])

# --- layers ----------------------------------------------------------------
def np_layernorm(x, weight=None, bias=None, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    y = (x - mu) / np.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


ln_x = rng.normal(size=(3, 5)) * 4 + 1
gamma, beta = rng.normal(size=(5,)), rng.normal(size=(5,))
case("layernorm.plain", x=ln_x, expected=np_layernorm(ln_x))
case("layernorm.affine", x=ln_x, weight=gamma, bias=beta, eps=1e-3, expected=np_layernorm(ln_x, gamma, beta, 1e-3))
case("layernorm.constant_row", x=np.array([[2.0, 2.0, 2.0]]), expected=np_layernorm(np.array([[2.0, 2.0, 2.0]])))
lw, lb = rng.normal(size=(5, 2)), rng.normal(size=(2,))
case("linear", x=ln_x, w=lw, b=lb, expected=ln_x @ lw + lb)


def np_posenc(n, d):
    pe = np.zeros((n, d))
    pos = np.arange(n)[:, None]
    i = np.arange(0, d, 2)
    div = np.power(10000.0, i / d)
    pe[:, 0::2] = np.sin(pos / div)
    pe[:, 1::2] = np.cos(pos / div[: d // 2])
    return pe


case("posenc.6x8", n=6, d=8, expected=np_posenc(6, 8))
case("posenc.5x7", n=5, d=7, expected=np_posenc(5, 7))
case("causal.4", n=4, expected=np.tril(np.ones((4, 4))))
# Sliding windows: query i sees keys i - w + 1 ... i.
case("window.6x3", n=6, w=3, expected=np.array([[1.0 if i - 3 < j <= i else 0.0 for j in range(6)] for i in range(6)]))


def np_alibi_slopes(heads):
    # Press, Smith & Lewis (2022), get_slopes as published with the paper.
    def power_of_2(n):
        start = 2 ** (-(2 ** -(math.log2(n) - 3)))
        return [start * start ** i for i in range(n)]
    if math.log2(heads).is_integer():
        return power_of_2(heads)
    closest = 2 ** math.floor(math.log2(heads))
    return power_of_2(closest) + np_alibi_slopes(2 * closest)[0::2][: heads - closest]


for heads in (1, 4, 6, 12):
    slopes = np.array(np_alibi_slopes(heads))
    distance = np.abs(np.arange(5)[:, None] - np.arange(5)[None, :])
    case(f"alibi.{heads}", n=5, heads=heads, slopes=slopes, expected=-slopes[:, None, None] * distance)


def np_rope(x, base=10000.0, offset=0):
    # Rotate-half (GPT-NeoX, LLaMA): entry i pairs with entry i + d/2.
    n, d = x.shape[-2], x.shape[-1]
    theta = base ** (-np.arange(d // 2) * 2 / d)
    angles = (np.arange(n) + offset)[:, None] * theta[None, :]
    x1, x2 = x[..., : d // 2], x[..., d // 2:]
    return np.concatenate([x1 * np.cos(angles) - x2 * np.sin(angles), x2 * np.cos(angles) + x1 * np.sin(angles)], -1)


rope_x = rng.normal(size=(2, 7, 8))
case("rope.8", x=rope_x, base=10000.0, offset=0, expected=np_rope(rope_x))
case("rope.offset", x=rope_x[0], base=500.0, offset=4, expected=np_rope(rope_x[0], 500.0, 4))
case("onehot", x=np.array([2.0, 0.0, 3.0]), n=4, expected=np.eye(4)[[2, 0, 3]])

# --- seeded random (plain-Python SplitMix64, the documented algorithm) ------
MASK = (1 << 64) - 1


class SplitMix64:
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


g = SplitMix64(1234567)
cases["random.splitmix64.1234567"] = {"expected": [str(g.next()) for _ in range(5)]}
g = SplitMix64(7)
case("random.rand.seed7", expected=np.array([g.uniform() for _ in range(6)]).reshape(2, 3))
g = SplitMix64(0)
case("random.randn.seed0", expected=np.array([g.normal() for _ in range(8)]).reshape(2, 4))
g = SplitMix64(3)
bound = math.sqrt(6.0 / 8)
ws = [np.array([(2 * g.uniform() - 1) * bound for _ in range(16)]).reshape(4, 4) for _ in range(4)]
case("random.xavier.seed3", wq=ws[0], wk=ws[1], wv=ws[2], wo=ws[3])

p = np.array([0.1, 0.2, 0.0, 0.7])
g = SplitMix64(11)
cdf = np.cumsum(p) / p.sum()
draws = [float(np.searchsorted(cdf, g.uniform(), side="right")) for _ in range(50)]
case("sample.seed11", p=p, n=50, expected=np.array(draws))

out = os.path.join(os.path.dirname(__file__), "..", "Tests", "AttentionTests", "Fixtures", "reference.json")
with open(out, "w") as f:
    json.dump(cases, f, indent=None, separators=(",", ":"), sort_keys=True)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")

# --- the language: each builtin through the DSL, expected values from NumPy --
K3 = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
q2 = np.array([1.0, 0.0])
s, w, o = np_attention(q2, K3, K3)
sh, wh, oh = np_attention(q2, K3, K3, hard=True)
sc, wc, oc = np_attention(K3, K3, K3, causal=True, scale=0.5)
Xs = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
ss, ws, os_ = np_attention(Xs, Xs, Xs, scale=1 / math.sqrt(2))
Wq2 = np.array([[1.0, 2.0], [0.5, -1.0]])
sp, wp, op = np_attention(Xs @ Wq2, Xs, Xs, scale=1 / math.sqrt(2))
p3 = np.array([0.2, 0.5, 0.3])
Xm = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 2.0, 0.0, 1.0], [1.0, 1.0, -1.0, 0.5]])
Wm = np.array([[0.5, -0.2, 0.1, 0.0], [0.3, 0.8, -0.5, 0.2], [0.0, 0.1, 0.9, -0.3], [0.2, 0.0, 0.4, 0.7]])
mh_out, mh_w = np_multihead(Xm, Xm, 2, Wm, Wm.T, np.eye(4), Wm, causal=True)
language = {
    "softmax([1, 2, 3])": np_softmax([1.0, 2.0, 3.0]),
    "softmax([[1, 2], [3, 5]], axis: 0)": np_softmax(np.array([[1.0, 2.0], [3.0, 5.0]]), axis=0),
    "softmax([1, 2, 3], temperature: 0.5)": np_softmax([1.0, 2.0, 3.0], temperature=0.5),
    "softmax([1, -inf, 2])": np_softmax([1.0, -np.inf, 2.0]),
    "argmax([0.1, 0.7, 0.2])": np.float64(1),
    "argmax([[1, 5], [7, 2]], axis: 0)": np.array([1.0, 0.0]),
    "onehot([0, 3], 4)": np.eye(4)[[0, 3]],
    "dot([1, 2, 3], [4, 5, 6])": np.float64(32),
    "dot([[1, 0], [0, 1], [1, 1]], [2, 3])": K3 @ np.array([2.0, 3.0]),
    "dot([[1, 2], [3, 4]], [[1, 0], [0, 1], [1, 1]])": np.array([[1.0, 2.0], [3.0, 4.0]]) @ K3.T,
    "matmul([[1, 2], [3, 4]], [[0, 1], [1, 0]])": np.array([[2.0, 1.0], [4.0, 3.0]]),
    "[[1, 2], [3, 4]] @ [1, 1]": np.array([3.0, 7.0]),
    "attend([1, 0], [[1, 0], [0, 1], [1, 1]]).weights": w,
    "attend([1, 0], [[1, 0], [0, 1], [1, 1]]).output": o,
    "attend([1, 0], [[1, 0], [0, 1], [1, 1]], hard: true).output": oh,
    "attend([[1, 0], [0, 1], [1, 1]], [[1, 0], [0, 1], [1, 1]], [[1, 0], [0, 1], [1, 1]], causal: true, scale: 0.5).weights": wc,
    "attend([1, 0], [[1, 0], [0, 1], [1, 1]], mask: [1, 0, 0]).weights": np.array([1.0, 0.0, 0.0]),
    "selfattend([[1, 0], [0, 1], [1, 1]]).output": os_,
    "selfattend([[1, 0], [0, 1], [1, 1]], wq: [[1, 2], [0.5, -1]]).weights": wp,
    "multihead([[1, 0, 1, 0], [0, 2, 0, 1], [1, 1, -1, 0.5]], heads: 2, wq: W, wk: W.T, wv: eye(4), wo: W, causal: true).output": mh_out,
    "multihead([[1, 0, 1, 0], [0, 2, 0, 1], [1, 1, -1, 0.5]], heads: 2, wq: W, wk: W.T, wv: eye(4), wo: W, causal: true).weights": mh_w,
    "posenc(3, 4)": np_posenc(3, 4),
    "causal(3)": np.tril(np.ones((3, 3))),
    "causal(2, 3)": np.tril(np.ones((2, 3))),
    "layernorm([[1, 2, 3], [10, 20, 40]])": np_layernorm(np.array([[1.0, 2.0, 3.0], [10.0, 20.0, 40.0]])),
    "layernorm([1, 2, 4], eps: 0.1, weight: [1, 2, 3], bias: [0, 1, 0])": np_layernorm(np.array([1.0, 2.0, 4.0]), np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.0]), 0.1),
    "linear([1, 2], [[1, 0, 1], [0, 1, 1]], [0, 0, 10])": np.array([1.0, 2.0, 13.0]),
    "zeros(2, 3)": np.zeros((2, 3)),
    "ones([2])": np.ones(2),
    "eye(2)": np.eye(2),
    "arange(4)": np.arange(4.0),
    "exp([0, 1])": np.exp([0.0, 1.0]),
    "log([1, 10])": np.log([1.0, 10.0]),
    "sqrt([4, 2])": np.sqrt([4.0, 2.0]),
    "abs([-2, 3])": np.array([2.0, 3.0]),
    "tanh([0.5])": np.tanh([0.5]),
    "sin([0.5, -2])": np.sin([0.5, -2.0]),
    "cos([0.5, -2])": np.cos([0.5, -2.0]),
    "relu([-1, 0, 2])": np.array([0.0, 0.0, 2.0]),
    "floor([-1.5, -0.5, 0.5, 2.7])": np.floor([-1.5, -0.5, 0.5, 2.7]),
    "ceil([-1.5, -0.5, 0.5, 2.1])": np.ceil([-1.5, -0.5, 0.5, 2.1]),
    "round([0.5, 1.5, 2.5, -0.5, -1.5, 2.6])": np.round([0.5, 1.5, 2.5, -0.5, -1.5, 2.6]),
    "sigmoid([-2, 0, 2])": 1 / (1 + np.exp(-np.array([-2.0, 0.0, 2.0]))),
    "pow([1, 2, 3], 2)": np.array([1.0, 4.0, 9.0]),
    "2 ^ 3 ^ 2": np.float64(512),
    "-2 ^ 2": np.float64(-4),
    "1 + 2 * 3 - 4 / 2": np.float64(5),
    "[1, 2, 3] < 2": np.array([1.0, 0.0, 0.0]),
    "[1, 2] == [1, 3]": np.array([1.0, 0.0]),
    "[[1], [2]] + [10, 20]": np.array([[11.0, 21.0], [12.0, 22.0]]),
    "sum([[1, 2], [3, 4]], axis: 0)": np.array([4.0, 6.0]),
    "sum([[1, 2], [3, 4]])": np.float64(10),
    "mean([1, 2, 3, 4])": np.float64(2.5),
    "max([[1, 5], [3, 2]], axis: 1)": np.array([5.0, 3.0]),
    "min([3, 1, 2])": np.float64(1),
    "norm([[3, 4], [6, 8]], axis: 1)": np.array([5.0, 10.0]),
    "entropy([0.5, 0.5, 0])": np.float64(math.log(2)),
    "diag([1, 2])": np.diag([1.0, 2.0]),
    "diag([[1, 2], [3, 4]])": np.array([1.0, 4.0]),
    "outer([1, 2], [1, 10, 100])": np.outer([1.0, 2.0], [1.0, 10.0, 100.0]),
    "diag(p) - outer(p, p)": np.diag(p3) - np.outer(p3, p3),
    "shape([[1, 2, 3], [4, 5, 6]])": np.array([2.0, 3.0]),
    "[[1, 2, 3], [4, 5, 6]].shape": np.array([2.0, 3.0]),
    "transpose([[1, 2, 3], [4, 5, 6]])": np.array([[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]),
    "[[1, 2, 3], [4, 5, 6]].T": np.array([[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]),
    "reshape(arange(6), 2, 3)": np.arange(6.0).reshape(2, 3),
    "reshape(arange(6), [3, -1])": np.arange(6.0).reshape(3, -1),
    "concat([1, 2], [3], [4, 5])": np.array([1.0, 2.0, 3.0, 4.0, 5.0]),
    "concat(eye(2), ones(2, 1), axis: 1)": np.concatenate([np.eye(2), np.ones((2, 1))], axis=1),
    "stack([1, 2], [3, 4])": np.array([[1.0, 2.0], [3.0, 4.0]]),
    "stack([1, 2], [3, 4], axis: 1)": np.array([[1.0, 3.0], [2.0, 4.0]]),
    "arange(10)[2:8:2]": np.arange(10.0)[2:8:2],
    "arange(10)[::-3]": np.arange(10.0)[::-3],
    "reshape(arange(12), 3, 4)[:, 1]": np.arange(12.0).reshape(3, 4)[:, 1],
    "reshape(arange(12), 3, 4)[-1, -1]": np.float64(11),
    "reshape(arange(12), 3, 4)[1:, 1:3]": np.arange(12.0).reshape(3, 4)[1:, 1:3],
}
g = SplitMix64(7)
language["rand(2, 3, seed: 7)"] = np.array([g.uniform() for _ in range(6)]).reshape(2, 3)
g = SplitMix64(0)
language["randn(2, 4)"] = np.array([g.normal() for _ in range(8)]).reshape(2, 4)
g = SplitMix64(11)
cdf = np.cumsum([0.1, 0.2, 0.0, 0.7])
language["sample([0.1, 0.2, 0, 0.7], n: 20, seed: 11)"] = np.array(
    [float(np.searchsorted(cdf, g.uniform(), side="right")) for _ in range(20)])
language_cases = {
    code: {"prelude": "p = [0.2, 0.5, 0.3]\nW = " + json.dumps(Wm.tolist()),
           "expected": enc(value)}
    for code, value in language.items()
}

# Programs: functions, loops, lists and records, each with its own prelude.
Kp = rng.normal(size=(5, 4)).round(3)
Vp = rng.normal(size=(5, 3)).round(3)
qp = rng.normal(size=4).round(3)
Ep = rng.normal(size=(6, 3)).round(3)
def lit(a):
    return json.dumps(np.asarray(a).tolist())
attention_def = ("def attention(q, K, V) {\n  w = softmax(dot(q, K) / sqrt(K.shape[-1]))\n  return w @ V\n}\n"
                 f"K = {lit(Kp)}\nV = {lit(Vp)}\nq = {lit(qp)}")
_, _, ref = np_attention(qp, Kp, Vp, scale=1 / math.sqrt(4))
programs = {
    "attention(q, K, V)": (attention_def, ref),
    "attention(K, K, V)": (attention_def, np_attention(Kp, Kp, Vp, scale=0.5)[2]),
    "scaled([1, 2, 3], t: 0.5)": ("def scaled(x, t: 1) = softmax(x / t)", np_softmax([1.0, 2.0, 3.0], temperature=0.5)),
    "s": ("s = 0\nfor i in range(1, 101) { s = s + i^2 }", np.float64(sum(i * i for i in range(1, 101)))),
    "total": (f"K = {lit(Kp)}\ntotal = 0\nfor row in K {{ total += max(row) }}", np.float64(Kp.max(axis=1).sum())),
    "n": ("n = 0\nx = 1\nwhile x < 1000 { x = x * 3; n += 1 }", np.float64(7)),
    "stack(map(row -> softmax(row), K))": (f"K = {lit(Kp)}", np_softmax(Kp, axis=-1)),
    "(p - 0.1 * g).w": ("p = {w: [1, 2, 3], b: 0.5}\ng = {w: [10, 20, 30], b: 1}", np.array([0.0, 0.0, 0.0])),
    "(p - 0.1 * g).b": ("p = {w: [1, 2, 3], b: 0.5}\ng = {w: [10, 20, 30], b: 1}", np.float64(0.4)),
    "E[[2, 0, 2]]": (f"E = {lit(Ep)}", Ep[[2, 0, 2]]),
    "E[[[1, 2], [3, 4]]]": (f"E = {lit(Ep)}", Ep[[[1, 2], [3, 4]]]),
    "[-7, -1, 5, 7] % 3": ("", np.remainder([-7.0, -1.0, 5.0, 7.0], 3)),
    "[7, -7] % -3": ("", np.remainder([7.0, -7.0], -3)),
    "fib(20)": ("def fib(n) {\n  if n < 2 { return n }\n  return fib(n - 1) + fib(n - 2)\n}", np.float64(6765)),
    "compose(x -> x * 2, x -> x + 1)(5)": ("def compose(f, g) = x -> f(g(x))", np.float64(12)),
    "x": ("x = zeros(2, 3)\nx[1, :] = [1, 2, 3]\nx[0, 2] = 9", np.array([[0.0, 0.0, 9.0], [1.0, 2.0, 3.0]])),
}
for code, (prelude, value) in programs.items():
    language_cases[code] = {"prelude": prelude, "expected": enc(value)}
out = os.path.join(os.path.dirname(__file__), "..", "Tests", "AttnLangTests", "Fixtures", "builtins.json")
with open(out, "w") as f:
    json.dump(language_cases, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"wrote {len(language_cases)} cases to {os.path.normpath(out)}")

# --- .npy files written by NumPy itself, for the loader's tests ------------
npy_dir = os.path.join(os.path.dirname(__file__), "..", "Tests", "AttentionTests", "Fixtures", "npy")
os.makedirs(npy_dir, exist_ok=True)
weights = np.arange(6, dtype=np.float64).reshape(2, 3) / 7
np.save(os.path.join(npy_dir, "float64.npy"), weights)
np.save(os.path.join(npy_dir, "float32.npy"), np.array([0.5, -1.25, 3.0], dtype=np.float32))
np.save(os.path.join(npy_dir, "int64.npy"), np.array([[1, -2], [3, 4]], dtype=np.int64))
np.save(os.path.join(npy_dir, "bigendian.npy"), np.array([1.5, 2.5], dtype=">f8"))
np.save(os.path.join(npy_dir, "scalar.npy"), np.float64(2.5))
np.save(os.path.join(npy_dir, "fortran.npy"), np.asfortranarray(weights))
np.save(os.path.join(npy_dir, "bool.npy"), np.array([True, False]))
with open(os.path.join(npy_dir, "version2.npy"), "wb") as f:
    np.lib.format.write_array(f, weights, version=(2, 0))
with open(os.path.join(npy_dir, "float64.npy"), "rb") as f:
    whole = f.read()
with open(os.path.join(npy_dir, "truncated.npy"), "wb") as f:
    f.write(whole[:-5])
np.save(os.path.join(npy_dir, "fortran3.npy"), np.asfortranarray(np.arange(24, dtype=np.float32).reshape(2, 3, 4)))
# .npz written by np.savez (stored) and np.savez_compressed (refused with a message).
np.savez(os.path.join(npy_dir, "pair.npz"), w=weights, b=np.array([1.0, -2.0], dtype=np.float32))
np.savez_compressed(os.path.join(npy_dir, "compressed.npz"), w=weights)
# .safetensors written by the safetensors library itself (pip install safetensors).
try:
    from safetensors.numpy import save_file

    tensors = {
        "encoder.layer.0.query.weight": np.arange(6, dtype=np.float32).reshape(2, 3) / 8,
        "f64": np.array([1 / 3, -2.5]),
        "f16": np.array([0.1, -65504.0, 6e-8, 1.0], dtype=np.float16),
        "i64": np.array([[7, -3]], dtype=np.int64),
    }
    save_file(tensors, os.path.join(npy_dir, "model.safetensors"), metadata={"format": "np"})
    expected = {name: {"shape": list(value.shape), "data": [float(x) for x in value.astype(np.float64).ravel()]}
                for name, value in tensors.items()}
    # bfloat16: the top 16 bits of float32, written by hand (NumPy has no bfloat16).
    bf16 = np.array([1.5, -0.15625, 3e38], dtype=np.float32)
    raw = (bf16.view(np.uint32) >> 16).astype(np.uint16).tobytes()
    header = json.dumps({"b": {"dtype": "BF16", "shape": [3], "data_offsets": [0, len(raw)]}}).encode()
    with open(os.path.join(npy_dir, "bf16.safetensors"), "wb") as f:
        f.write(len(header).to_bytes(8, "little") + header + raw)
    expected["b"] = {"shape": [3], "data": [float(np.array((x.view(np.uint32) >> 16) << 16, dtype=np.uint32).view(np.float32)) for x in bf16]}
    with open(os.path.join(npy_dir, "safetensors.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
except ImportError:
    print("safetensors is not installed: the .safetensors fixtures were not rewritten (pip install safetensors)")
print(f"wrote .npy, .npz and .safetensors fixtures to {os.path.normpath(npy_dir)}")
