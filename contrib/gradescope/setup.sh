#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image
# (Ubuntu 22.04 or later: the wheel needs glibc 2.35). It installs attn from
# the attn-kernel wheel into a virtual environment of its own: the wheel in
# this zip if there is one (attn_kernel-*.whl), else the package registry's.
#
# AUTOGRADER_ROOT (default /autograder) is for trying it outside Gradescope.
set -euo pipefail
root=${AUTOGRADER_ROOT:-/autograder}
if ! python3 -c "import ensurepip, venv" 2>/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
fi
python3 -m venv "$root/attn"
wheel=$(ls "$root"/source/attn_kernel-*.whl 2>/dev/null | sort | tail -1 || true)
"$root/attn/bin/python" -m pip install --quiet --disable-pip-version-check --no-cache-dir "${wheel:-attn-kernel}"
"$root/attn/bin/attn" --version
