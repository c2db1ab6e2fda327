#!/bin/bash
# `lab sweep --seeds 100` as a Slurm job array of 8 tasks, one shard each:
#   sbatch deploy/slurm-sweep.sh
# then, once every task is done:
#   lab merge runs/shard-{1..8} --artifacts runs/sweep
# A task that is cancelled (scancel, SIGTERM), preempted or requeued keeps the runs it
# finished; when it runs again, --resume trains only the rest (and starts a shard that has
# none yet). `lab` is target/release/lab after `cargo build --release`.
#SBATCH --job-name=hinge-sweep
#SBATCH --array=1-8
#SBATCH --cpus-per-task=1
#SBATCH --requeue
exec lab sweep --seeds 100 --jobs 1 --quiet --resume \
    --shard "$SLURM_ARRAY_TASK_ID/8" --artifacts "runs/shard-$SLURM_ARRAY_TASK_ID"
