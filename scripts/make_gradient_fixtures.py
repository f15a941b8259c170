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
case("sin", "sin", torch.sin, {"x": a23 * 3})
case("cos", "cos", torch.cos, {"x": a23 * 3})
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
def assigned_row(x, v):
    y = x.clone()
    y[1] = v
    return y


def assigned_column(x, v):
    y = x.clone()
    y[:, 2] = v
    return y


case("assign.row", "assign_row1", assigned_row, {"x": m34, "v": normal(4)})
case("assign.broadcast", "assign_col2", assigned_column, {"x": m34, "v": np.array(0.7)})
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



# --- beyond the course: rotary positions, ALiBi, grouped-query attention -----------------
def rope(x, base=10000.0, offset=0):
    # The rotate-half layout of GPT-NeoX and Hugging Face's LLaMA, written out.
    n, d = x.shape[-2], x.shape[-1]
    half = d // 2
    theta = base ** (-torch.arange(half, dtype=torch.float64) * 2 / d)
    angles = (torch.arange(n, dtype=torch.float64) + offset)[:, None] * theta[None, :]
    cos, sin = torch.cos(angles), torch.sin(angles)
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


case("rope.rows", "rope", rope, {"x": normal(5, 6)})
case("rope.heads_offset", "rope_base100_offset3", lambda x: rope(x, base=100.0, offset=3), {"x": normal(2, 4, 4)})


def alibi_slopes(heads):
    # Press et al.'s get_slopes, as published.
    def power_of_2(n):
        start = 2 ** (-(2 ** -(math.log2(n) - 3)))
        return [start * start ** i for i in range(n)]
    if math.log2(heads).is_integer():
        return power_of_2(heads)
    closest = 2 ** math.floor(math.log2(heads))
    return power_of_2(closest) + alibi_slopes(2 * closest)[0::2][: heads - closest]


def alibi(n, heads):
    distance = (torch.arange(n)[:, None] - torch.arange(n)[None, :]).abs().to(torch.float64)
    return -torch.tensor(alibi_slopes(heads), dtype=torch.float64)[:, None, None] * distance


def grouped(xq, wq, wk, wv, wo, heads, kv_heads, causal=False, bias=None):
    # Grouped-query attention: K and V have kv_heads heads, each repeated for
    # heads / kv_heads query heads (repeat_interleave, as in LLaMA 2's repeat_kv).
    n, d = xq.shape[0], wq.shape[1]
    dk = d // heads
    Q = (xq @ wq).reshape(n, heads, dk).transpose(0, 1)
    K = (xq @ wk).reshape(n, kv_heads, dk).transpose(0, 1).repeat_interleave(heads // kv_heads, dim=0)
    V = (xq @ wv).reshape(n, kv_heads, -1).transpose(0, 1).repeat_interleave(heads // kv_heads, dim=0)
    scores = Q @ K.transpose(1, 2) / math.sqrt(dk)
    if bias is not None:
        scores = scores + bias
    if causal:
        scores = scores.masked_fill(~torch.ones(n, n, dtype=torch.bool).tril(), float("-inf"))
    weights = torch.softmax(scores, -1)
    return (weights @ V).transpose(0, 1).reshape(n, -1) @ wo


Xg = normal(5, 8)
case("multihead.gqa", "multihead_gqa4_2", lambda x, wq, wk, wv, wo: grouped(x, wq, wk, wv, wo, 4, 2, causal=True),
     {"x": Xg, "wq": normal(8, 8, scale=0.4), "wk": normal(8, 4, scale=0.4), "wv": normal(8, 4, scale=0.4),
      "wo": normal(8, 8, scale=0.4)})
case("multihead.mqa", "multihead_gqa4_1", lambda x, wq, wk, wv, wo: grouped(x, wq, wk, wv, wo, 4, 1),
     {"x": Xg, "wq": normal(8, 8, scale=0.4), "wk": normal(8, 2, scale=0.4), "wv": normal(8, 2, scale=0.4),
      "wo": normal(8, 8, scale=0.4)})
case("multihead.alibi", "multihead_alibi", lambda x, wq, wk, wv, wo: grouped(x, wq, wk, wv, wo, 4, 4, causal=True,
                                                                             bias=alibi(5, 4)),
     {"x": Xg, "wq": normal(8, 8, scale=0.4), "wk": normal(8, 8, scale=0.4), "wv": normal(8, 8, scale=0.4),
      "wo": normal(8, 8, scale=0.4)})
case("attend.bias", "attend_alibi", lambda q, K, V: (lambda s: torch.softmax(s, -1) @ V)(
    q @ K.T + alibi(5, 1)[0]), {"q": normal(5, 4), "K": K54, "V": V53})
case("flashattend.causal", "flashattend_causal_block2", lambda q, K, V: attention(q, K, V, scale=0.5, causal=True),
     {"q": normal(5, 4), "K": K54, "V": V53})

# --- layers --------------------------------------------------------------------------------
case("layernorm.plain", "layernorm", lambda x: F.layer_norm(x, (4,)), {"x": m34})
case("layernorm.affine", "layernorm_affine_eps0.1",
     lambda x, w, b: F.layer_norm(x, (4,), w, b, eps=0.1), {"x": m34, "w": normal(4), "b": normal(4)})
case("layernorm.vector", "layernorm_affine_eps0.1",
     lambda x, w, b: F.layer_norm(x, (4,), w, b, eps=0.1), {"x": v4, "w": normal(4), "b": normal(4)})
case("linear", "linear", lambda x, w, b: x @ w + b, {"x": m34, "w": m42, "b": normal(2)})

# --- training: losses, norms, activations ------------------------------------------------
case("logsoftmax.last", "logsoftmax", lambda x: F.log_softmax(x, -1), {"x": m34})
case("logsoftmax.axis0", "logsoftmax_0", lambda x: F.log_softmax(x, 0), {"x": m34})
case("crossentropy.rows", "crossentropy", lambda x, targets: F.cross_entropy(x, targets.long()),
     {"x": normal(5, 4)}, constants={"targets": np.array([3.0, 0.0, 2.0, 2.0, 1.0])})
case("crossentropy.row", "crossentropy", lambda x, targets: F.cross_entropy(x, targets.long()),
     {"x": normal(6)}, constants={"targets": np.array(4.0)})
case("mse", "mse", F.mse_loss, {"a": m34, "b": normal(3, 4)})
case("mse.broadcast", "mse", lambda a, b: ((a - b) ** 2).mean(), {"a": m34, "b": normal(4)})
case("rmsnorm.plain", "rmsnorm", lambda x: F.rms_norm(x, (4,), eps=1e-5), {"x": m34})
case("rmsnorm.weight", "rmsnorm_weight_eps0.1", lambda x, w: F.rms_norm(x, (4,), w, eps=0.1),
     {"x": m34, "w": normal(4)})
case("gelu", "gelu", F.gelu, {"x": a23 * 2})

# --- Adam, step by step, against torch.optim.Adam --------------------------------------------
adam_cases = {}


def adam_run(name, shapes, lr, betas, eps, steps, decay=None):
    params = [torch.tensor(normal(*shape), requires_grad=True) for shape in shapes]
    start = [p.detach().clone() for p in params]
    optimizer = torch.optim.Adam(params, lr=lr, betas=betas, eps=eps)
    scheduler = None
    if decay == "linear":
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: 1 - t / steps)
    elif decay == "cosine":
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: 0.5 * (1 + math.cos(math.pi * t / steps)))
    gradients, after = [], []
    for _ in range(steps):
        grads = [torch.tensor(normal(*shape)) for shape in shapes]
        for p, g in zip(params, grads):
            p.grad = g
        optimizer.step()
        if scheduler:
            scheduler.step()
        gradients.append([enc(g) for g in grads])
        after.append([enc(p.detach()) for p in params])
    adam_cases[name] = {"lr": lr, "beta1": betas[0], "beta2": betas[1], "eps": eps, "steps": steps,
                        "decay": decay or "constant", "start": [enc(p) for p in start],
                        "gradients": gradients, "after": after}


adam_run("adam.defaults", [(3, 4), (4,)], 1e-3, (0.9, 0.999), 1e-8, 6)
adam_run("adam.microgpt", [(2, 3), (5,)], 0.01, (0.85, 0.99), 1e-8, 6)
adam_run("adam.linear", [(4,)], 0.05, (0.9, 0.999), 1e-8, 5, decay="linear")
adam_run("adam.cosine", [(2, 2)], 0.05, (0.8, 0.95), 1e-6, 5, decay="cosine")


def torch_multihead(xq, xkv, wq, wk, wv, wo, bq, bk, bv, bo, heads=2, causal=False):
    # PyTorch's own nn.MultiheadAttention computation with biases, fed attn's
    # row-vector weights transposed and stacked as the module keeps them.
    n, m = xq.shape[0], xkv.shape[0]
    blocked = ~torch.ones(n, m, dtype=torch.bool).tril() if causal else None
    out, _ = F.multi_head_attention_forward(
        xq[:, None, :], xkv[:, None, :], xkv[:, None, :], wq.shape[0], heads,
        torch.cat([wq.T, wk.T, wv.T]), torch.cat([bq, bk, bv]), None, None, False, 0.0, wo.T, bo,
        training=False, need_weights=False, attn_mask=blocked)
    return out[:, 0, :]


# Cases added later draw from their own stream, so the others keep their numbers.
main_rng, rng = rng, np.random.default_rng(1125)
biases6 = {"bq": normal(6, scale=0.3), "bk": normal(6, scale=0.3), "bv": normal(6, scale=0.3), "bo": normal(6, scale=0.3)}
case("multihead.biases_causal", "multihead_biases_causal",
     lambda x, wq, wk, wv, wo, bq, bk, bv, bo: torch_multihead(x, x, wq, wk, wv, wo, bq, bk, bv, bo, causal=True),
     {"x": Xm, **weights6, **biases6})
case("multihead.biases_cross", "multihead_biases_cross",
     lambda xq, xkv, wq, wk, wv, wo, bq, bk, bv, bo: torch_multihead(xq, xkv, wq, wk, wv, wo, bq, bk, bv, bo, heads=3),
     {"xq": normal(2, 6), "xkv": Xm, **weights6, **biases6})
rng = main_rng


adam_out = os.path.join(os.path.dirname(__file__), "..", "Tests", "AttentionTests", "Fixtures", "adam.json")
with open(adam_out, "w") as f:
    json.dump(adam_cases, f, indent=None, separators=(",", ":"), sort_keys=True)
    f.write("\n")
print(f"wrote {len(adam_cases)} cases to {os.path.normpath(adam_out)}")

out = os.path.join(os.path.dirname(__file__), "..", "Tests", "AttentionTests", "Fixtures", "gradients.json")
with open(out, "w") as f:
    json.dump(cases, f, indent=None, separators=(",", ":"), sort_keys=True)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(out)} (torch {torch.__version__})")

# --- the language: grad, valgrad and jacobian through functions, loops and structures ----
language = {}


def lit(a):
    return json.dumps(np.asarray(a).tolist())


def program(code, prelude, expected):
    language[code] = {"prelude": prelude, "expected": enc(expected)}


Kl, Vl, ql = normal(5, 4), normal(5, 3), normal(4)
prelude = (f"K = {lit(Kl)}\nV = {lit(Vl)}\nq = {lit(ql)}\n"
           "def attention(q, K, V) {\n  w = softmax(dot(q, K) / sqrt(K.shape[-1]))\n  return w @ V\n}\n"
           "def loss(q, K, V) = sum(attention(q, K, V) * [1, -2, 0.5])")


def torch_loss(q, K, V):
    w = torch.softmax((K @ q) / 2.0, -1)
    return ((w @ V) * torch.tensor([1.0, -2.0, 0.5])).sum()


for name, index in [("q", 0), ("K", 1), ("V", 2)]:
    tensors = [torch.tensor(a, requires_grad=True) for a in (ql, Kl, Vl)]
    torch_loss(*tensors).backward()
    program(f"grad((x, K, V) -> loss(x, K, V), q, K, V)" if index == 0 else
            f"grad(x -> loss(q, {'x, V' if index == 1 else 'K, x'}), {name})", prelude, tensors[index].grad)

x3 = torch.tensor([0.1, 0.2, 0.3], requires_grad=True)
(torch.softmax(x3, -1) * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
program("grad(f, [0.1, 0.2, 0.3])", "def f(x) = sum(softmax(x) * [1, 2, 3])", x3.grad)
program("jacobian(softmax, [1, 2, 3])", "",
        torch.autograd.functional.jacobian(lambda x: torch.softmax(x, -1), torch.tensor([1.0, 2.0, 3.0])))
program("grad(x -> x^3, 2)", "", torch.tensor(12.0))

# A loop and an if, taken as they ran; a record of parameters.
W = normal(3, 2)
X = normal(4, 3)
Y = normal(4, 2)
p = {"w": torch.tensor(W, requires_grad=True), "b": torch.tensor(normal(2), requires_grad=True)}
total = 0
for i in range(4):
    out = torch.tensor(X[i]) @ p["w"] + p["b"]
    if i % 2 == 0:
        total = total + ((out - torch.tensor(Y[i])) ** 2).sum()
    else:
        total = total + (out - torch.tensor(Y[i])).abs().sum()
total.backward()
loop_prelude = (f"X = {lit(X)}\nY = {lit(Y)}\np = {{w: {lit(W)}, b: {lit(p['b'].detach().numpy())}}}\n"
                "def loss(p, X, Y) {\n  total = 0\n  for i in range(len(X)) {\n    out = X[i] @ p.w + p.b\n"
                "    if i % 2 == 0 { total += sum((out - Y[i])^2) } else { total += sum(abs(out - Y[i])) }\n"
                "  }\n  return total\n}")
program("grad(loss, p, X, Y).w", loop_prelude, p["w"].grad)
program("grad(loss, p, X, Y).b", loop_prelude, p["b"].grad)
program("(p - 0.1 * grad(loss, p, X, Y)).w", loop_prelude, p["w"].detach() - 0.1 * p["w"].grad)

# Gathering rows (an embedding) and a list of tensors.
E = torch.tensor(normal(5, 3), requires_grad=True)
ids = [1, 3, 1, 0]
(E[torch.tensor(ids)] * torch.tensor(np.arange(12.0).reshape(4, 3))).sum().backward()
program("grad(E -> sum(E[[1, 3, 1, 0]] * reshape(arange(12), 4, 3)), E)", f"E = {lit(E.detach().numpy())}", E.grad)
a = torch.tensor(normal(3), requires_grad=True)
b = torch.tensor(normal(3), requires_grad=True)
(a * b).sum().backward()
list_prelude = f"ab = list({lit(a.detach().numpy())}, {lit(b.detach().numpy())})"
program("grad(l -> sum(l[0] * l[1]), ab)[0]", list_prelude, a.grad)
program("grad(l -> sum(l[0] * l[1]), ab)[1]", list_prelude, b.grad)

# Multi-head attention through its weights, and layernorm's.
Xh = normal(3, 4)
Wh = {k: torch.tensor(normal(4, 4, scale=0.5), requires_grad=True) for k in ("wq", "wk", "wv", "wo")}
multihead(torch.tensor(Xh), torch.tensor(Xh), Wh["wq"], Wh["wk"], Wh["wv"], Wh["wo"], causal=True).sum().backward()
mh_prelude = (f"X = {lit(Xh)}\nW = {{" + ", ".join(f"{k}: {lit(v.detach().numpy())}" for k, v in Wh.items()) + "}\n"
              "def out(W) = sum(multihead(X, heads: 2, wq: W.wq, wk: W.wk, wv: W.wv, wo: W.wo, causal: true).output)")
for k in Wh:
    program(f"grad(out, W).{k}", mh_prelude, Wh[k].grad)

# The training builtins: values and gradients through the language.
Z = normal(3, 5)
targets = [4, 0, 2]
program(f"crossentropy({lit(Z)}, {lit(targets)})", "", F.cross_entropy(torch.tensor(Z), torch.tensor(targets)))
zt = torch.tensor(Z, requires_grad=True)
F.cross_entropy(zt, torch.tensor(targets)).backward()
program(f"grad(z -> crossentropy(z, {lit(targets)}), {lit(Z)})", "", zt.grad)
A, B = normal(2, 3), normal(2, 3)
program(f"mse({lit(A)}, {lit(B)})", "", F.mse_loss(torch.tensor(A), torch.tensor(B)))
program(f"logsoftmax({lit(Z)}, axis: 0)", "", F.log_softmax(torch.tensor(Z), 0))
program(f"rmsnorm({lit(Z)})", "", F.rms_norm(torch.tensor(Z), (5,), eps=1e-5))
w5 = normal(5)
program(f"rmsnorm({lit(Z)}, weight: {lit(w5)}, eps: 0.01)", "", F.rms_norm(torch.tensor(Z), (5,), torch.tensor(w5), eps=0.01))
program(f"gelu({lit(Z)})", "", F.gelu(torch.tensor(Z)))
xt = torch.tensor(Z, requires_grad=True)
(F.gelu(F.rms_norm(xt, (5,), eps=1e-5)) * torch.tensor(B[0].tolist() + [1.0, -1.0])).sum().backward()
program(f"grad(x -> sum(gelu(rmsnorm(x)) * {lit(B[0].tolist() + [1.0, -1.0])}), {lit(Z)})", "", xt.grad)

# Two Adam steps on a record of parameters through adam(…) and step(…).
P0, P1 = normal(2, 2), normal(3)
G = [(normal(2, 2), normal(3)) for _ in range(2)]
tp = [torch.tensor(P0, requires_grad=True), torch.tensor(P1, requires_grad=True)]
torch_opt = torch.optim.Adam(tp, lr=0.05, betas=(0.85, 0.99), eps=1e-8)
for g0, g1 in G:
    tp[0].grad, tp[1].grad = torch.tensor(g0), torch.tensor(g1)
    torch_opt.step()
adam_prelude = (f"opt = adam({{w: {lit(P0)}, b: {lit(P1)}}}, lr: 0.05, beta1: 0.85, beta2: 0.99)\n"
                + "".join(f"opt = update(opt, {{w: {lit(g0)}, b: {lit(g1)}}})\n" for g0, g1 in G))
program("opt.params.w", adam_prelude, tp[0].detach())
program("opt.params.b", adam_prelude, tp[1].detach())
program("sgd({w: [1, 2]}, {w: [10, -10]}, lr: 0.01).w", "", torch.tensor([0.9, 2.1]))

# Additive (Bahdanau) attention as lesson 7 writes it, score_j = vᵀ tanh(s W_q + H_j W_k),
# its context read through the weights: gradients for its parameters and for the states.
Hn, sn, cn = normal(4, 3), normal(3), normal(3)
Pn = {"Wq": normal(3, 3, scale=0.5), "Wk": normal(3, 3, scale=0.5), "v": normal(3)}
tP = {k: torch.tensor(v, requires_grad=True) for k, v in Pn.items()}
tH = torch.tensor(Hn, requires_grad=True)
w_add = torch.softmax(torch.tanh(tH @ tP["Wk"] + torch.tensor(sn) @ tP["Wq"]) @ tP["v"], -1)
((w_add @ tH) * torch.tensor(cn)).sum().backward()
additive_prelude = (f"H = {lit(Hn)}\ns = {lit(sn)}\nP = {{" + ", ".join(f"{k}: {lit(v)}" for k, v in Pn.items()) + "}\n"
                    "def additive(p, s, H) = softmax(tanh(H @ p.Wk + s @ p.Wq) @ p.v)\n"
                    f"def read(P, H) = sum((additive(P, s, H) @ H) * {lit(cn)})")
for k in Pn:
    program(f"grad(P -> read(P, H), P).{k}", additive_prelude, tP[k].grad)
program("grad(X -> read(P, X), H)", additive_prelude, tH.grad)

out = os.path.join(os.path.dirname(__file__), "..", "Tests", "AttnLangTests", "Fixtures", "gradients.json")
with open(out, "w") as f:
    json.dump(language, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"wrote {len(language)} cases to {os.path.normpath(out)}")
