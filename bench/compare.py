"""hinge-lab against the tutorial's Keras code: the same run (hinge loss, 30 epochs, batch 5),
each timed as a whole process, with the test results side by side and the speed-up.

    python3 -m venv .venv && .venv/bin/pip install -r bench/requirements.txt
    cargo build --release --example circles
    .venv/bin/python bench/compare.py            # or: bash bench/compare.sh

hinge-lab's run includes writing its files and three plots; the Keras runs plot nothing.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd, env=None):
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(map(str, cmd))} failed:\n{done.stderr}")
    line = next(
        (l for l in done.stdout.splitlines() if l.startswith("Test results")), "?"
    )
    return elapsed, line


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per contender (median)")
    parser.add_argument("--loss", choices=["hinge", "squared-hinge"], default="hinge")
    args = parser.parse_args()

    ours = ROOT / "target" / "release" / "examples" / "circles"
    if not ours.is_file():
        sys.exit("error: build hinge-lab first: cargo build --release --example circles")
    keras_script = ROOT / "bench" / "keras_circles.py"
    results = {}
    with tempfile.TemporaryDirectory() as out:
        cmd = [ours, "--no-tui", "--backend", "flex", "--loss", args.loss, "--artifacts", out]
        results["hinge-lab (burn, flex)"] = [timed(cmd) for _ in range(args.runs)]
    for backend in ["jax", "tensorflow"]:
        env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
        cmd = [sys.executable, keras_script, "--loss", args.loss.replace("-", "_")]
        results[f"Keras 3 on {backend}"] = [timed(cmd, env) for _ in range(args.runs)]

    ours_s = statistics.median(t for t, _ in results["hinge-lab (burn, flex)"])
    print(f"{'contender':<24} {'median s':>9} {'min s':>7} {'max s':>7} {'vs hinge-lab':>13}  test result")
    for name, runs in results.items():
        times = [t for t, _ in runs]
        median = statistics.median(times)
        print(
            f"{name:<24} {median:>9.3f} {min(times):>7.3f} {max(times):>7.3f} "
            f"{median / ours_s:>12.1f}x  {runs[0][1]}"
        )


if __name__ == "__main__":
    main()
