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

with open(os.path.join(here, "..", "Tests", "AttnLangTests", "Fixtures", "training.json"), "w") as f:
    json.dump(language, f, indent=None, separators=(",", ":"), sort_keys=True)
    f.write("\n")
print(f"wrote {len(library)} library cases and {len(language)} language cases")
