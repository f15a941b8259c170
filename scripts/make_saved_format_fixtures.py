#!/usr/bin/env python3
"""Files written by attn's `save`, read back by NumPy and by Hugging Face's
safetensors package: the reference that the writers make what those
libraries read.

    swift build && python3 scripts/make_saved_format_fixtures.py [path/to/attn]

attn writes each file below into Tests/AttnLangTests/Fixtures/saved/; this
script reads every one with np.load or safetensors.numpy.load_file and
records what they read (names, dtypes, shapes, values) in
Tests/AttnLangTests/Fixtures/saved_formats.json. FileBuiltinTests then
checks that `save` still writes these same bytes and that what NumPy and
safetensors read is what was saved. Needs numpy and safetensors
(pip install safetensors).
"""
import json
import os
import subprocess
import sys

import numpy as np
from safetensors.numpy import load_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "AttnLangTests", "Fixtures")
SAVED = os.path.join(OUT, "saved")

# The program attn runs (in SAVED): the same statements FileBuiltinTests runs.
PROGRAM = """\
model = {wq: [[1.5, -2], [0.25, 4]], layer: {b: [0.1, 1e-300, -3], w: arange(6) / 8}, scale: 2.5}
save(model, "model.npz")
save(model, "model.safetensors")
save(model, "model32.safetensors", dtype: "float32")
save(model, "model32.npz", dtype: "float32")
save(arange(6) / 7, "vector32.npy", dtype: "float32")
save([[1, 2], [3, 4]] / 3, "alone.npz")
"""


def described(array):
    return {"dtype": str(array.dtype), "shape": list(array.shape), "values": [float(v) for v in array.ravel()]}


def main():
    attn = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "attn")
    os.makedirs(SAVED, exist_ok=True)
    for name in os.listdir(SAVED):
        os.remove(os.path.join(SAVED, name))
    with open(os.path.join(SAVED, "save.attn"), "w") as f:
        f.write(PROGRAM)
    subprocess.run([attn, "run", "save.attn"], cwd=SAVED, check=True, env=dict(os.environ, NO_COLOR="1"))
    os.remove(os.path.join(SAVED, "save.attn"))
    read = {}
    for name in sorted(os.listdir(SAVED)):
        path = os.path.join(SAVED, name)
        if name.endswith(".safetensors"):
            read[name] = {key: described(value) for key, value in load_file(path).items()}
        elif name.endswith(".npz"):
            with np.load(path) as archive:
                read[name] = {key: described(archive[key]) for key in archive.files}
        else:
            read[name] = {"": described(np.load(path))}
    with open(os.path.join(OUT, "saved_formats.json"), "w") as f:
        json.dump({"program": PROGRAM, "read": read}, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"NumPy and safetensors read {len(read)} files attn wrote")


if __name__ == "__main__":
    main()
