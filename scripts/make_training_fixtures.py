#!/usr/bin/env python3
"""Writes the training-loop references the tests compare against, computed by
PyTorch in float64 -- never by attn itself:

- AdamW runs (torch.optim.AdamW with nanoGPT's two parameter groups: tensors
  of 2 or more axes decay, the others do not), the learning rate set before
  each step by nanoGPT's get_lr (warmup, cosine decay to min_lr), step by step;
- torch.nn.utils.clip_grad_norm_ on lists of gradients (the clipped gradients
  and the norm it returns);
- the same through the language (adamw, update, clipgrad, schedule), as
  programs whose value is compared.

    pip install torch   # the CPU wheel is enough
    python3 scripts/make_training_fixtures.py
"""
import json
import math
import os

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(20261205)
here = os.path.dirname(os.path.abspath(__file__))


def enc(x):
    a = np.asarray(x.detach().numpy() if isinstance(x, torch.Tensor) else x, dtype=np.float64)
    return {"shape": list(a.shape), "data": [float(v) for v in a.ravel()]}


def normal(*shape, scale=1.0):
    return (rng.normal(size=shape) * scale).round(6)


def get_lr(it, learning_rate, warmup_iters, lr_decay_iters, min_lr):
    # nanoGPT's train.py, word for word.
    if it < warmup_iters:
        return learning_rate * (it + 1) / (warmup_iters + 1)
    if it > lr_decay_iters:
        return min_lr
    decay_ratio = (it - warmup_iters) / (lr_decay_iters - warmup_iters)
    assert 0 <= decay_ratio <= 1
    coeff = 0.5 * (1.0 + math.cos(math.pi * decay_ratio))
    return min_lr + coeff * (learning_rate - min_lr)


library = {}


def adamw_run(name, shapes, lr, betas, eps, weight_decay, steps, warmup=0, decay_steps=None, min_lr=0.0):
    params = [torch.tensor(normal(*shape), requires_grad=True) for shape in shapes]
    start = [p.detach().clone() for p in params]
    # nanoGPT's configure_optimizers: decay for dim >= 2, none for the rest.
    groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": weight_decay},
              {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
    optimizer = torch.optim.AdamW(groups, lr=lr, betas=betas, eps=eps, foreach=False)
    gradients, after, rates = [], [], []
    for it in range(steps):
        rate = get_lr(it, lr, warmup, decay_steps, min_lr) if decay_steps else lr
        for group in optimizer.param_groups:
            group["lr"] = rate
        grads = [torch.tensor(normal(*shape)) for shape in shapes]
        for p, g in zip(params, grads):
            p.grad = g
        optimizer.step()
        gradients.append([enc(g) for g in grads])
        after.append([enc(p.detach()) for p in params])
        rates.append(rate)
    library[name] = {"kind": "adamw", "lr": lr, "beta1": betas[0], "beta2": betas[1], "eps": eps,
                     "weight_decay": weight_decay, "steps": steps, "warmup": warmup,
                     "decay_steps": decay_steps or 0, "min_lr": min_lr,
                     "start": [enc(p) for p in start], "gradients": gradients, "after": after, "rates": rates}


# nanoGPT's Shakespeare-on-a-CPU settings, shortened: warmup 3, decay to step 8.
adamw_run("adamw.nanogpt", [(4, 3), (3,), (2, 2, 3)], 1e-3, (0.9, 0.99), 1e-8, 0.1, 10,
          warmup=3, decay_steps=8, min_lr=1e-4)
adamw_run("adamw.defaults", [(3, 4), (4,)], 1e-3, (0.9, 0.999), 1e-8, 0.01, 5)
adamw_run("adamw.strong", [(2, 3)], 0.05, (0.8, 0.95), 1e-6, 0.5, 6)


def clip_case(name, shapes, max_norm, scale=1.0):
    grads = [torch.tensor(normal(*shape, scale=scale)) for shape in shapes]
    before = [g.clone() for g in grads]
    params = [torch.zeros(shape, requires_grad=True) for shape in shapes]
    for p, g in zip(params, grads):
        p.grad = g
    norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
    library[name] = {"kind": "clip", "max_norm": max_norm, "gradients": [enc(g) for g in before],
                     "clipped": [enc(p.grad) for p in params], "norm": float(norm)}


clip_case("clip.large", [(3, 4), (4,), (2, 2, 2)], 1.0)
clip_case("clip.small", [(5,), (2, 3)], 10.0, scale=0.1)
clip_case("clip.one", [(6,)], 0.5, scale=3.0)

with open(os.path.join(here, "..", "Tests", "AttentionTests", "Fixtures", "training.json"), "w") as f:
    json.dump(library, f, indent=None, separators=(",", ":"), sort_keys=True)
    f.write("\n")

# --- Through the language ---------------------------------------------------------------------
language = {}


def lit(a):
    return json.dumps(np.asarray(a).tolist())


def program(code, prelude, expected):
    language[code] = {"prelude": prelude, "expected": enc(expected)}


W0, b0 = normal(2, 3), normal(3)
G = [(normal(2, 3), normal(3)) for _ in range(4)]
tW, tb = torch.tensor(W0, requires_grad=True), torch.tensor(b0, requires_grad=True)
opt = torch.optim.AdamW([{"params": [tW], "weight_decay": 0.1}, {"params": [tb], "weight_decay": 0.0}],
                        lr=0.01, betas=(0.9, 0.99), foreach=False)
for it, (gW, gb) in enumerate(G):
    for group in opt.param_groups:
        group["lr"] = get_lr(it, 0.01, 1, 3, 0.001)
    tW.grad, tb.grad = torch.tensor(gW), torch.tensor(gb)
    opt.step()
prelude = (f"opt = adamw({{W: {lit(W0)}, b: {lit(b0)}}}, lr: 0.01, beta2: 0.99, weight_decay: 0.1, "
           "decay: \"cosine\", steps: 3, warmup: 1, min_lr: 0.001)\n"
           + "".join(f"opt = update(opt, {{W: {lit(gW)}, b: {lit(gb)}}})\n" for gW, gb in G))
program("opt.params.W", prelude, tW.detach())
program("opt.params.b", prelude, tb.detach())
program("schedule(opt, range(6))", prelude, torch.tensor([get_lr(i, 0.01, 1, 3, 0.001) for i in range(6)]))

gA, gB = normal(3, 3, scale=2.0), normal(4, scale=2.0)
pA, pB = torch.zeros(3, 3, requires_grad=True), torch.zeros(4, requires_grad=True)
pA.grad, pB.grad = torch.tensor(gA), torch.tensor(gB)
total = torch.nn.utils.clip_grad_norm_([pA, pB], 1.5)
clip_prelude = f"c = clipgrad({{A: {lit(gA)}, B: {lit(gB)}}}, 1.5)"
program("c.grad.A", clip_prelude, pA.grad)
program("c.grad.B", clip_prelude, pB.grad)
program("c.norm", clip_prelude, total)

# --- A batch axis: [B, T, C] through attention, layers and the loss, gradients by autograd -------
import torch.nn.functional as F


def tensors(**arrays):
    return {k: torch.tensor(v, requires_grad=True) for k, v in arrays.items()}


def record(values):
    return "{" + ", ".join(f"{k}: {lit(v)}" for k, v in values.items()) + "}"


def gradient_programs(name, arrays, torch_loss, attn_loss, extra=""):
    """grad(P -> attn_loss, P).k for each input k, against autograd on torch_loss."""
    t = tensors(**arrays)
    value = torch_loss(t)
    value.backward()
    prelude = f"P = {record(arrays)}\n{extra}def {name}(P) = {attn_loss}"
    program(f"{name}(P)", prelude, value.detach())
    for k in arrays:
        program(f"grad({name}, P).{k}", prelude, t[k].grad)


B, T, C = 2, 4, 6
Cw = normal(B, T, C)
gradient_programs(
    "batch_attend", {"Q": normal(B, T, C), "K": normal(B, T, C), "V": normal(B, T, 3)},
    lambda t: (F.scaled_dot_product_attention(t["Q"], t["K"], t["V"], is_causal=True, scale=0.5)
               * torch.tensor(Cw[:, :, :3])).sum(),
    f"sum(attend(P.Q, P.K, P.V, scale: 0.5, causal: true).output * {lit(Cw[:, :, :3])})")
gradient_programs(
    "batch_selfattend", {"X": normal(B, T, C), "wq": normal(C, 4, scale=0.4), "wk": normal(C, 4, scale=0.4),
                         "wv": normal(C, C, scale=0.4)},
    lambda t: (F.scaled_dot_product_attention(t["X"] @ t["wq"], t["X"] @ t["wk"], t["X"] @ t["wv"])
               * torch.tensor(Cw)).sum(),
    f"sum(selfattend(P.X, wq: P.wq, wk: P.wk, wv: P.wv).output * {lit(Cw)})")


def torch_heads(x, wq, wk, wv, wo, heads, causal=True):
    b, n, d = x.shape
    split = lambda y: y.view(b, n, heads, d // heads).transpose(1, 2)
    y = F.scaled_dot_product_attention(split(x @ wq), split(x @ wk), split(x @ wv), is_causal=causal)
    return y.transpose(1, 2).contiguous().view(b, n, d) @ wo


mh = {"X": normal(B, T, C), "wq": normal(C, C, scale=0.4), "wk": normal(C, C, scale=0.4),
      "wv": normal(C, C, scale=0.4), "wo": normal(C, C, scale=0.4)}
gradient_programs(
    "batch_multihead", mh,
    lambda t: (torch_heads(t["X"], t["wq"], t["wk"], t["wv"], t["wo"], 2) * torch.tensor(Cw)).sum(),
    f"sum(multihead(P.X, heads: 2, wq: P.wq, wk: P.wk, wv: P.wv, wo: P.wo, causal: true).output * {lit(Cw)})")

ids = rng.integers(0, 5, size=(B, T))
targets = rng.integers(0, 5, size=(B, T))
gradient_programs(
    "batch_loss", {"Z": normal(B, T, 5)},
    lambda t: F.cross_entropy(t["Z"].view(-1, 5), torch.tensor(targets).view(-1)),
    f"crossentropy(P.Z, {lit(targets)})")
gradient_programs(
    "batch_embed", {"E": normal(5, C)},
    lambda t: (t["E"][torch.tensor(ids)] * torch.tensor(Cw)).sum(),
    f"sum(P.E[{lit(ids)}] * {lit(Cw)})")
gradient_programs(
    "batch_layers", {"X": normal(B, T, C), "g": normal(C), "b": normal(C), "W": normal(C, 3, scale=0.5)},
    lambda t: (F.gelu(F.layer_norm(t["X"], (C,), t["g"], t["b"])) @ t["W"] * torch.tensor(Cw[:, :, :3])).sum(),
    f"sum(linear(gelu(layernorm(P.X, weight: P.g, bias: P.b)), P.W) * {lit(Cw[:, :, :3])})")
gradient_programs(
    "batch_matmul", {"A": normal(B, T, C), "M": normal(B, C, 3)},
    lambda t: ((t["A"] @ t["M"]) * torch.tensor(Cw[:, :, :3])).sum(),
    f"sum((P.A @ P.M) * {lit(Cw[:, :, :3])})")

gradient_programs(
    "batch_rmsnorm", {"X": normal(B, T, C), "g": normal(C)},
    lambda t: (F.rms_norm(t["X"], (C,), t["g"], eps=1e-5) * torch.tensor(Cw)).sum(),
    f"sum(rmsnorm(P.X, weight: P.g) * {lit(Cw)})")
gradient_programs(
    "batch_dropout_off", {"X": normal(B, T, C)},
    lambda t: (F.dropout(t["X"], 0.5, training=False) * torch.tensor(Cw)).sum(),
    f"sum(dropout(P.X, 0.5, seed: 1, training: false) * {lit(Cw)})")

# One pre-LayerNorm Transformer block with weight tying, nanoGPT's shape in miniature:
# tokens [B, T] -> embeddings + positions -> x + attn(ln(x)) -> x + mlp(ln(x)) -> ln -> logits via wte.
V = 7
gpt = {"wte": normal(V, C, scale=0.3), "wpe": normal(T, C, scale=0.3), "wq": normal(C, C, scale=0.3),
       "wk": normal(C, C, scale=0.3), "wv": normal(C, C, scale=0.3), "wo": normal(C, C, scale=0.3),
       "fc": normal(C, 4 * C, scale=0.3), "proj": normal(4 * C, C, scale=0.3)}
tok = rng.integers(0, V, size=(B, T))
nxt = rng.integers(0, V, size=(B, T))


def torch_gpt(t):
    x = t["wte"][torch.tensor(tok)] + t["wpe"]
    x = x + torch_heads(F.layer_norm(x, (C,)), t["wq"], t["wk"], t["wv"], t["wo"], 2)
    x = x + F.gelu(F.layer_norm(x, (C,)) @ t["fc"]) @ t["proj"]
    logits = F.layer_norm(x, (C,)) @ t["wte"].T
    return F.cross_entropy(logits.view(-1, V), torch.tensor(nxt).view(-1))


gradient_programs(
    "tiny_gpt", gpt, torch_gpt,
    f"block(P, {lit(tok)}, {lit(nxt)})",
    extra=("def block(P, tok, nxt) {\n"
           "  x = P.wte[tok] + P.wpe\n"
           "  x = x + multihead(layernorm(x), heads: 2, wq: P.wq, wk: P.wk, wv: P.wv, wo: P.wo, causal: true).output\n"
           "  x = x + gelu(layernorm(x) @ P.fc) @ P.proj\n"
           "  return crossentropy(layernorm(x) @ transpose(P.wte), nxt)\n"
           "}\n"))

with open(os.path.join(here, "..", "Tests", "AttnLangTests", "Fixtures", "training.json"), "w") as f:
    json.dump(language, f, indent=None, separators=(",", ":"), sort_keys=True)
    f.write("\n")
print(f"wrote {len(library)} library cases and {len(language)} language cases")
