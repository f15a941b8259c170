#!/usr/bin/env python3
"""Writes the gradients the Attention tests compare against, computed by
PyTorch's autograd in float64 -- never by attn itself.

Each case names an operation (the Swift test runs the same one through
`valueWithGradient`), its inputs, an upstream gradient `upstream` of the
result's shape (so the test checks a whole vector-Jacobian product, not just
the gradient of a sum), and PyTorch's gradient for each input. Re-running
reproduces the committed file exactly (seeded inputs):

    pip install torch   # the CPU wheel is enough
    python3 scripts/make_gradient_fixtures.py

Non-differentiable points are avoided in the inputs (no relu or abs at 0,
no ties for max), except in cases that check PyTorch's convention there.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(20261125)
cases = {}


def enc(x):
    a = np.asarray(x.detach().numpy() if isinstance(x, torch.Tensor) else x, dtype=np.float64)
    data = []
    for v in a.ravel():
        if math.isnan(v):
            data.append("nan")
        elif math.isinf(v):
            data.append("inf" if v > 0 else "-inf")
        else:
            data.append(float(v))
    return {"shape": list(a.shape), "data": data}


def normal(*shape, scale=1.0):
    return (rng.normal(size=shape) * scale).round(6)


def case(name, op, function, inputs, constants=None, options=None):
    """Runs `function(*inputs)` with autograd and stores the case.

    `inputs` is an ordered dict of name -> array (all differentiated);
    `constants` are extra tensors the Swift side needs but does not differentiate.
    """
    assert name not in cases, name
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in inputs.items()}
    const = {k: torch.tensor(v) for k, v in (constants or {}).items()}
    value = function(*tensors.values(), **const)
    upstream = torch.tensor(normal(*value.shape))
    (value * upstream).sum().backward()
    cases[name] = {
        "op": op,
        "order": list(inputs.keys()),
        "inputs": {k: enc(v) for k, v in inputs.items()},
        "constants": {k: enc(v) for k, v in (constants or {}).items()},
        "options": options or {},
        "value": enc(value),
        "upstream": enc(upstream),
        "gradients": {k: enc(t.grad if t.grad is not None else torch.zeros_like(t)) for k, t in tensors.items()},
    }


# --- elementwise with broadcasting -------------------------------------------
a23, b3, b21, b13 = normal(2, 3), normal(3), normal(2, 1), normal(1, 3)
pos23, pos3 = np.abs(normal(2, 3)) + 0.5, np.abs(normal(3)) + 0.5
case("add.broadcast", "add", lambda a, b: a + b, {"a": a23, "b": b3})
case("add.both", "add", lambda a, b: a + b, {"a": b21, "b": b13})
case("subtract.broadcast", "subtract", lambda a, b: a - b, {"a": a23, "b": b21})
case("multiply.broadcast", "multiply", lambda a, b: a * b, {"a": b21, "b": b13})
case("multiply.scalar", "multiply", lambda a, b: a * b, {"a": a23, "b": np.array(1.7)})
case("divide.broadcast", "divide", lambda a, b: a / b, {"a": a23, "b": pos3})
case("power.broadcast", "power", lambda a, b: a ** b, {"a": pos23, "b": normal(3)})
case("power.square", "power", lambda a, b: a ** b, {"a": a23, "b": np.array(2.0)})
case("remainder.broadcast", "remainder", lambda a, b: torch.remainder(a, b), {"a": a23 * 5, "b": pos3})
case("negate", "negate", lambda a: -a, {"a": a23})

# --- elementwise functions -----------------------------------------------------
case("exp", "exp", torch.exp, {"x": a23})
case("log", "log", torch.log, {"x": pos23})
case("sqrt", "sqrt", torch.sqrt, {"x": pos23})
case("abs", "abs", torch.abs, {"x": a23})
case("abs.zero", "abs", torch.abs, {"x": np.array([-1.0, 0.0, 2.0])})
case("tanh", "tanh", torch.tanh, {"x": a23})
case("relu", "relu", torch.relu, {"x": a23})
case("relu.zero", "relu", torch.relu, {"x": np.array([-1.0, 0.0, 2.0])})
case("sigmoid", "sigmoid", torch.sigmoid, {"x": a23 * 3})

# --- products ------------------------------------------------------------------
m34, m42, v4, v3 = normal(3, 4), normal(4, 2), normal(4), normal(3)
case("matmul.matrices", "matmul", torch.matmul, {"a": m34, "b": m42})
case("matmul.vector_matrix", "matmul", torch.matmul, {"a": v3, "b": m34})
case("matmul.matrix_vector", "matmul", torch.matmul, {"a": m34, "b": v4})
case("matmul.vectors", "matmul", torch.matmul, {"a": v4, "b": normal(4)})
case("matmul.batched", "matmul", torch.matmul, {"a": normal(2, 3, 4), "b": normal(2, 4, 5)})
case("matmul.broadcast_batch", "matmul", torch.matmul, {"a": normal(2, 3, 4), "b": m42})
case("matmul.vector_batch", "matmul", torch.matmul, {"a": v4, "b": normal(2, 4, 3)})
# dot: inner products along the last axes (dot(A, B) = A Bᵀ for matrices).
case("dot.vectors", "dot", lambda a, b: a @ b, {"a": v4, "b": normal(4)})
case("dot.matrix_vector", "dot", lambda a, b: a @ b, {"a": m34, "b": v4})
case("dot.vector_matrix", "dot", lambda a, b: b @ a, {"a": v4, "b": m34})
case("dot.matrices", "dot", lambda a, b: a @ b.T, {"a": m34, "b": normal(5, 4)})
case("dot.large", "dot", lambda a, b: a @ b.T, {"a": normal(40, 40), "b": normal(30, 40)})
case("outer", "outer", torch.outer, {"a": v3, "b": v4})
case("diag.vector", "diag", torch.diag, {"x": v3})
case("diag.matrix", "diag", torch.diag, {"x": m34})

# --- shapes and indexing ---------------------------------------------------------
case("transpose.matrix", "transpose", lambda x: x.T, {"x": m34})
case("transpose.rank3", "transpose", lambda x: x.permute(2, 1, 0), {"x": normal(2, 3, 4)})
case("transpose.axes", "transpose_102", lambda x: x.permute(1, 0, 2), {"x": normal(2, 3, 4)})
case("reshape", "reshape_6x2", lambda x: x.reshape(6, 2), {"x": m34})
case("concat.axis0", "concat_0", lambda a, b: torch.cat([a, b], 0), {"a": m34, "b": normal(2, 4)})
case("concat.axis1", "concat_1", lambda a, b: torch.cat([a, b], 1), {"a": m34, "b": normal(3, 2)})
case("stack.axis0", "stack_0", lambda a, b: torch.stack([a, b], 0), {"a": v4, "b": normal(4)})
case("stack.axis1", "stack_1", lambda a, b: torch.stack([a, b], 1), {"a": m34, "b": normal(3, 4)})
case("index.row", "index_row1", lambda x: x[1], {"x": m34})
case("index.column", "index_col2", lambda x: x[:, 2], {"x": m34})
case("index.slice", "index_slice", lambda x: x[1:, ::2], {"x": m34})
case("index.reversed", "index_reversed", lambda x: x.flip(0), {"x": v4})
case("index.rows", "gather_rows", lambda x: x[torch.tensor([2, 0, 2, 1])], {"x": m34})
case("index.rows2d", "gather_rows2d", lambda x: x[torch.tensor([[0, 1], [1, 1]])], {"x": m34})

# --- reductions -------------------------------------------------------------------
case("sum.all", "sum", torch.sum, {"x": m34})
case("sum.axis0", "sum_0", lambda x: x.sum(0), {"x": m34})
case("sum.axis1", "sum_1", lambda x: x.sum(1), {"x": m34})
case("mean.all", "mean", torch.mean, {"x": m34})
case("mean.axis1", "mean_1", lambda x: x.mean(1), {"x": m34})
case("max.all", "max", torch.max, {"x": m34})
case("max.axis1", "max_1", lambda x: x.max(1).values, {"x": m34})
case("max.ties", "max_1", lambda x: x.max(1).values, {"x": np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])})
case("min.axis0", "min_0", lambda x: x.min(0).values, {"x": m34})
case("min.all", "min", torch.min, {"x": m34})
case("norm.all", "norm", torch.linalg.vector_norm, {"x": m34})
case("norm.axis1", "norm_1", lambda x: torch.linalg.vector_norm(x, dim=1), {"x": m34})
case("norm.zero", "norm_1", lambda x: torch.linalg.vector_norm(x, dim=1), {"x": np.array([[0.0, 0.0], [3.0, 4.0]])})

# --- softmax and entropy -------------------------------------------------------------
case("softmax.last", "softmax", lambda x: torch.softmax(x, -1), {"x": m34})
case("softmax.axis0", "softmax_0", lambda x: torch.softmax(x, 0), {"x": m34})
case("softmax.temperature", "softmax_t2.5", lambda x: torch.softmax(x / 2.5, -1), {"x": m34})
case("softmax.vector", "softmax", lambda x: torch.softmax(x, -1), {"x": v4})
case("softmax.blocked", "softmax", lambda x: torch.softmax(x, -1), {"x": np.array([1.0, -np.inf, 0.5, -np.inf])})
probabilities = np.abs(normal(3, 4)) + 0.1
probabilities /= probabilities.sum(1, keepdims=True)
case("entropy", "entropy", lambda p: torch.special.entr(p).sum(-1), {"p": probabilities})

# --- attention --------------------------------------------------------------------------
q4, K54, V53 = normal(4), normal(5, 4), normal(5, 3)
Q34 = normal(3, 4)


def attention(q, K, V, scale=1.0, mask=None, causal=False):
    scores = (q @ K.T) * scale
    keep = torch.ones(scores.shape, dtype=torch.bool)
    if mask is not None:
        keep = keep & (mask != 0)
    if causal:
        rows = scores.shape[-2] if scores.dim() == 2 else 1
        keep = keep & torch.ones(rows, scores.shape[-1], dtype=torch.bool).tril().reshape(keep.shape)
    scores = scores.masked_fill(~keep, float("-inf"))
    # A fully blocked row gives zeros (scaled_dot_product_attention's choice).
    weights = torch.softmax(scores, -1).nan_to_num(0.0)
    return weights @ V


case("attend.query", "attend", attention, {"q": q4, "K": K54, "V": V53})
case("attend.queries", "attend", attention, {"q": Q34, "K": K54, "V": V53})
case("attend.scaled", "attend_scale0.5", lambda q, K, V: attention(q, K, V, scale=0.5), {"q": Q34, "K": K54, "V": V53})
mask35 = np.array([[1, 0, 1, 1, 0], [1, 1, 1, 0, 0], [0, 0, 0, 0, 0]], dtype=np.float64)
case("attend.masked", "attend_mask", lambda q, K, V, mask: attention(q, K, V, mask=mask),
     {"q": Q34, "K": K54, "V": V53}, constants={"mask": mask35})
case("attend.causal", "attend_causal", lambda q, K, V: attention(q, K, V, causal=True),
     {"q": normal(5, 4), "K": K54, "V": V53})
case("attend.weights", "attend_weights",
     lambda q, K: torch.softmax((q @ K.T) * 0.5, -1), {"q": Q34, "K": K54})


def self_attention(X, wq, wk, wv, causal=False):
    Q, K, V = X @ wq, X @ wk, X @ wv
    return attention(Q, K, V, scale=1 / math.sqrt(Q.shape[1]), causal=causal)


X45 = normal(4, 5)
case("selfattend.projections", "selfattend", self_attention,
     {"X": X45, "wq": normal(5, 3), "wk": normal(5, 3), "wv": normal(5, 2)})
case("selfattend.causal", "selfattend_causal", lambda X, wq, wk, wv: self_attention(X, wq, wk, wv, causal=True),
     {"X": X45, "wq": normal(5, 3), "wk": normal(5, 3), "wv": normal(5, 2)})


def multihead(xq, xkv, wq, wk, wv, wo, heads=2, causal=False, mask=None):
    # torch.nn.MultiheadAttention(bias=False) written out with these weights
    # (in_proj_weight = [wqᵀ; wkᵀ; wvᵀ], out_proj.weight = woᵀ), so they get gradients.
    d = wq.shape[1]
    n, m, dk = xq.shape[0], xkv.shape[0], d // heads
    Q = (xq @ wq).reshape(n, heads, dk).transpose(0, 1)
    K = (xkv @ wk).reshape(m, heads, dk).transpose(0, 1)
    V = (xkv @ wv).reshape(m, heads, -1).transpose(0, 1)
    scores = Q @ K.transpose(1, 2) / math.sqrt(dk)
    keep = torch.ones(n, m, dtype=torch.bool)
    if mask is not None:
        keep = keep & (mask != 0)
    if causal:
        keep = keep & torch.ones(n, m, dtype=torch.bool).tril()
    weights = torch.softmax(scores.masked_fill(~keep, float("-inf")), -1).nan_to_num(0.0)
    out = (weights @ V).transpose(0, 1).reshape(n, -1)
    return out @ wo


Xm = normal(4, 6)
weights6 = {"wq": normal(6, 6, scale=0.4), "wk": normal(6, 6, scale=0.4), "wv": normal(6, 6, scale=0.4),
            "wo": normal(6, 6, scale=0.4)}
case("multihead.self", "multihead_self", lambda x, wq, wk, wv, wo: multihead(x, x, wq, wk, wv, wo),
     {"x": Xm, **weights6})
case("multihead.causal", "multihead_causal", lambda x, wq, wk, wv, wo: multihead(x, x, wq, wk, wv, wo, causal=True),
     {"x": Xm, **weights6})
case("multihead.cross", "multihead_cross",
     lambda xq, xkv, wq, wk, wv, wo: multihead(xq, xkv, wq, wk, wv, wo, heads=3),
     {"xq": normal(2, 6), "xkv": Xm, **weights6})
case("multihead.masked", "multihead_mask",
     lambda x, wq, wk, wv, wo, mask: multihead(x, x, wq, wk, wv, wo, mask=mask),
     {"x": Xm, **weights6}, constants={"mask": np.array([[1, 1, 0, 1]] * 3 + [[0, 0, 0, 0]], dtype=np.float64)})

# --- layers --------------------------------------------------------------------------------
case("layernorm.plain", "layernorm", lambda x: F.layer_norm(x, (4,)), {"x": m34})
case("layernorm.affine", "layernorm_affine_eps0.1",
     lambda x, w, b: F.layer_norm(x, (4,), w, b, eps=0.1), {"x": m34, "w": normal(4), "b": normal(4)})
case("layernorm.vector", "layernorm_affine_eps0.1",
     lambda x, w, b: F.layer_norm(x, (4,), w, b, eps=0.1), {"x": v4, "w": normal(4), "b": normal(4)})
case("linear", "linear", lambda x, w, b: x @ w + b, {"x": m34, "w": m42, "b": normal(2)})

out = os.path.join(os.path.dirname(__file__), "..", "Tests", "AttentionTests", "Fixtures", "gradients.json")
with open(out, "w") as f:
    json.dump(cases, f, indent=None, separators=(",", ":"), sort_keys=True)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(out)} (torch {torch.__version__})")
