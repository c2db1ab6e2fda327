#!/bin/bash
# `lab sweep --seeds 100` in 4 shards on one machine with GNU parallel, one core each, then
# merged into the whole sweep's tables and figures. Run again after a stop: --resume keeps
# every shard's finished runs. `lab` is target/release/lab after `cargo build --release`.
set -euo pipefail
parallel lab sweep --seeds 100 --jobs 1 --quiet --resume --shard {}/4 --artifacts runs/shard-{} ::: 1 2 3 4
lab merge runs/shard-{1..4} --artifacts runs/sweep
