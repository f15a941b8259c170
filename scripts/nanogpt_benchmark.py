#!/usr/bin/env python3
"""nanoGPT's CPU recipe, side by side: nanoGPT's own train.py (PyTorch eager,
float32, its default threads) and Benchmarks/nanogpt.attn, one after the other
on this machine, then the checkpoint check.

    python3 scripts/nanogpt_benchmark.py NANOGPT_DIR [--attn .build/release/attn]

NANOGPT_DIR is a checkout of github.com/karpathy/nanoGPT; its
data/shakespeare_char is prepared from lessons/data/tinyshakespeare.txt (the
same file prepare.py downloads). Needs torch, numpy and safetensors. Reports
wall time, training tokens per second, peak memory (maximum resident set
size, from /usr/bin/time -v) and the val loss at iteration 2,000 of both, and
whether nanoGPT's GPT loads attn's weights and agrees on the loss.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLAGS = ["--device=cpu", "--compile=False", "--eval_iters=20", "--log_interval=1", "--block_size=64",
         "--batch_size=12", "--n_layer=4", "--n_head=4", "--n_embd=128", "--max_iters=2000",
         "--lr_decay_iters=2000", "--dropout=0.0"]
TOKENS = 2000 * 12 * 64


def timed(command, cwd):
    """Runs command under /usr/bin/time -v: (stdout, wall seconds, peak MB)."""
    result = subprocess.run(["/usr/bin/time", "-v"] + command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    hours, minutes, seconds = wall.groups()
    seconds = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1)) / 1024
    return result.stdout, seconds, peak


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("nanogpt")
    parser.add_argument("--attn", default=os.path.join(here, ".build", "release", "attn"))
    args = parser.parse_args()
    nanogpt = os.path.abspath(args.nanogpt)
    # attn runs in a scratch directory: a relative path is taken from here.
    args.attn = os.path.abspath(args.attn)
    data = os.path.join(nanogpt, "data", "shakespeare_char")
    if not os.path.exists(os.path.join(data, "val.bin")):
        shutil.copy(os.path.join(here, "lessons", "data", "tinyshakespeare.txt"), os.path.join(data, "input.txt"))
        subprocess.run([sys.executable, "prepare.py"], cwd=data, check=True)

    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "torch-out")
        log, torch_wall, torch_peak = timed(
            [sys.executable, "train.py", "config/train_shakespeare_char.py", *FLAGS, f"--out_dir={out}"], nanogpt)
        torch_val = float(re.findall(r"step 2000: train loss [\d.]+, val loss ([\d.]+)", log)[-1])

        os.symlink(os.path.join(here, "lessons"), os.path.join(scratch, "lessons"))
        os.mkdir(os.path.join(scratch, "out-shakespeare-char"))
        log, attn_wall, attn_peak = timed(
            [args.attn, "run", "--json", os.path.join(here, "Benchmarks", "nanogpt.attn")], scratch)
        import json
        last = json.loads([line for line in log.splitlines() if '"value"' in line][-1])["value"]
        attn_val = float(last["data"][0] if "data" in last else last["value"])
        attn_dtype = last.get("dtype", "float64")

        print(f"| nanoGPT train.py (PyTorch {__import__('torch').__version__}, float32) | {torch_wall:.0f} s | "
              f"{TOKENS / torch_wall:,.0f} | {torch_peak:.0f} MB | {torch_val:.4f} |")
        print(f"| attn run Benchmarks/nanogpt.attn ({attn_dtype}) | {attn_wall:.0f} s | {TOKENS / attn_wall:,.0f} | "
              f"{attn_peak:.0f} MB | {attn_val:.4f} |")
        print(f"time ratio attn / nanoGPT: {attn_wall / torch_wall:.2f}; val loss difference {attn_val - torch_val:+.4f}")
        check = subprocess.run([sys.executable, os.path.join(here, "scripts", "check_nanogpt_checkpoint.py"), nanogpt,
                                os.path.join(scratch, "out-shakespeare-char")], capture_output=True, text=True)
        print(check.stdout.strip())
        return check.returncode


if __name__ == "__main__":
    sys.exit(main())
