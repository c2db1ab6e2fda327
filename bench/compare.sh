#!/usr/bin/env bash
# One command for the side-by-side: a Python environment with the pinned Keras stack (made once
# in bench/.venv), hinge-lab built in release, then bench/compare.py.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x bench/.venv/bin/python ]; then
    python3 -m venv bench/.venv
    bench/.venv/bin/pip install -r bench/requirements.txt
fi
cargo build --release --example circles
exec bench/.venv/bin/python bench/compare.py "$@"
