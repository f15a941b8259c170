#!/usr/bin/env python3
"""Pretrains the small Transformer that lesson 16 looks inside, with PyTorch.

The lesson needs a model trained *outside* attn and shipped the way real
models are: a .safetensors file of float32 tensors under PyTorch's own
module names, small enough to read whole and tied to lesson 13's names
(lesson 17 then opens a widely used model, all-MiniLM-L6-v2, through
scripts/extract_minilm_excerpt.py). This script trains it: a GPT-2-style
character model (2 layers, 4 heads, width 32, LayerNorm with biases,
nn.MultiheadAttention with biases, a GELU MLP) on the names of
`lessons/data/names.txt` (MIT, see names.LICENSE). It writes

    lessons/data/names-gpt.safetensors          the model (float32, ~110 KB)
    lessons/data/names-gpt-reference.npz        what PyTorch computes from it (float64)
    lessons/data/names-gpt.LICENSE              where it comes from, and its terms

The reference holds, for the name "annabella" (with the boundary token at
both ends), each layer's attention weights [heads, n, n] and output [n, 32]
as nn.MultiheadAttention returns them, and the next-letter probabilities, all
computed by PyTorch in float64 from the stored float32 weights: the lesson
recomputes them with attn's `multihead` and compares.

    pip install torch safetensors   # the CPU wheel is enough
    python3 scripts/pretrain_names_model.py

Training is seeded; re-running on another machine gives a model that
differs only in rounding (PyTorch does not promise bitwise-equal training
across builds), so the committed files are the reference.
"""
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, "..", "lessons", "data")
torch.manual_seed(20261125)
torch.set_num_threads(1)

names = [line.strip() for line in open(os.path.join(data, "names.txt")) if line.strip()]
chars = sorted(set("".join(names)))
bos = len(chars)  # as attn's vocab(): the characters sorted, then the boundary token
stoi = {c: i for i, c in enumerate(chars)}
vocab_size, width, heads, layers, block = len(chars) + 1, 32, 4, 2, 16


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, heads, bias=True, batch_first=True)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = nn.ModuleDict({"fc": nn.Linear(width, 4 * width), "proj": nn.Linear(4 * width, width)})

    def forward(self, x, record=None):
        n = x.shape[1]
        blocked = torch.ones(n, n, dtype=torch.bool).triu(1)
        h = self.ln_1(x)
        out, weights = self.attn(h, h, h, attn_mask=blocked, need_weights=True, average_attn_weights=False)
        if record is not None:
            record.append((out[0], weights[0]))
        x = x + out
        return x + self.mlp["proj"](F.gelu(self.mlp["fc"](self.ln_2(x))))


class NamesGPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, width)
        self.wpe = nn.Embedding(block, width)
        self.h = nn.ModuleList([Block() for _ in range(layers)])
        self.ln_f = nn.LayerNorm(width)
        self.lm_head = nn.Linear(width, vocab_size, bias=False)

    def forward(self, tokens, record=None):
        x = self.wte(tokens) + self.wpe(torch.arange(tokens.shape[1]))
        for layer in self.h:
            x = layer(x, record)
        return self.lm_head(self.ln_f(x))


def batch(size, generator):
    rows = torch.full((size, block + 1), -1, dtype=torch.long)
    for row, index in enumerate(torch.randint(len(names), (size,), generator=generator)):
        ids = ([bos] + [stoi[c] for c in names[index]] + [bos])[: block + 1]
        rows[row, : len(ids)] = torch.tensor(ids)
    inputs = rows[:, :-1].clamp(min=0)  # padding positions are ignored by the loss below
    return inputs, rows[:, 1:]


model = NamesGPT()
steps = 3000
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.01)
schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
generator = torch.Generator().manual_seed(1)
for step in range(steps):
    inputs, targets = batch(64, generator)
    loss = F.cross_entropy(model(inputs).reshape(-1, vocab_size), targets.reshape(-1), ignore_index=-1)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    schedule.step()
    if step % 500 == 0 or step == steps - 1:
        print(f"step {step:4d}  loss {loss.item():.4f}")

weights = {name: tensor.detach().float().contiguous() for name, tensor in model.state_dict().items()}
save_file(weights, os.path.join(data, "names-gpt.safetensors"),
          metadata={"format": "pt", "model": "names-gpt", "vocab": "".join(chars) + " + boundary token",
                    "source": "scripts/pretrain_names_model.py"})

# The reference: PyTorch in float64 from exactly the stored float32 numbers.
reference_model = NamesGPT().double()
reference_model.load_state_dict({k: v.double() for k, v in weights.items()})
reference_model.eval()
word = "annabella"
tokens = torch.tensor([[bos] + [stoi[c] for c in word] + [bos]])
record = []
with torch.no_grad():
    logits = reference_model(tokens, record)
    sample = names[-2000:]
    losses = []
    for name in sample:
        ids = torch.tensor([([bos] + [stoi[c] for c in name] + [bos])[: block + 1]])
        losses.append(F.cross_entropy(reference_model(ids[:, :-1])[0], ids[0, 1:]).item())
reference = {"tokens": tokens[0].double().numpy(), "probabilities": torch.softmax(logits[0], -1).numpy()}
for i, (out, attention) in enumerate(record):
    reference[f"layer{i}_output"] = out.numpy()
    reference[f"layer{i}_weights"] = attention.numpy()
np.savez(os.path.join(data, "names-gpt-reference.npz"), **reference)
print(f"mean loss per letter, averaged over the last 2000 names of the list (seen in training): {np.mean(losses):.4f}")
print(f"{sum(t.numel() for t in weights.values())} parameters; wrote names-gpt.safetensors and names-gpt-reference.npz")
