#!/usr/bin/env python3
"""Loads the weights Benchmarks/nanogpt.attn wrote into nanoGPT's own GPT class
and computes the validation loss on the batches attn used for its last estimate.

    python3 scripts/check_nanogpt_checkpoint.py [NANOGPT_DIR] [OUT_DIR]

NANOGPT_DIR is a checkout of github.com/karpathy/nanoGPT (its model.py is
imported as it is); OUT_DIR defaults to out-shakespeare-char. Needs torch,
numpy and safetensors (not needed by attn's tests: run it by hand or from a
benchmark). Exits 1 unless load_state_dict(strict=True) succeeds and nanoGPT's
loss agrees with attn's to 1e-4.
"""
import os
import sys

import numpy as np
import torch
from safetensors.torch import load_file

nanogpt = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NANOGPT", "nanoGPT")
out = sys.argv[2] if len(sys.argv) > 2 else "out-shakespeare-char"
sys.path.insert(0, nanogpt)
from model import GPT, GPTConfig  # noqa: E402  (nanoGPT's own model.py)

state = load_file(os.path.join(out, "model.safetensors"))
config = GPTConfig(block_size=state["transformer.wpe.weight"].shape[0],
                   vocab_size=state["transformer.wte.weight"].shape[0],
                   n_layer=len({k.split(".")[2] for k in state if k.startswith("transformer.h.")}),
                   n_head=4, n_embd=state["transformer.wte.weight"].shape[1], dropout=0.0, bias=False)
model = GPT(config)
model.load_state_dict(state, strict=True)  # raises on a missing, unexpected or misshapen name
model.eval()
print(f"nanoGPT's GPT loaded {len(state)} tensors strictly: {model.get_num_params():,} parameters")

checks = np.load(os.path.join(out, "val_batches.npz"))
xs = torch.from_numpy(checks["x"].astype(np.int64))
ys = torch.from_numpy(checks["y"].astype(np.int64))
with torch.no_grad():
    losses = [model(x, y)[1].item() for x, y in zip(xs, ys)]
theirs = float(np.mean(losses))
ours = float(checks["loss"])
print(f"val loss on attn's {len(losses)} batches: nanoGPT {theirs:.6f}, attn {ours:.6f}, "
      f"difference {abs(theirs - ours):.2e}")
sys.exit(0 if abs(theirs - ours) <= 1e-4 else 1)
