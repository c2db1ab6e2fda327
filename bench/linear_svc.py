"""Our linear SVMs against scikit-learn's, on the very same points.

hinge-lab trains `--features x2,y2 --hidden none --output linear --l2 L` with hinge (or
squared hinge) loss: it minimises  mean(loss) + L * |w|^2  over the n training points with
Adam. scikit-learn's LinearSVC minimises  |w|^2 / 2 + C * sum(loss) , which is the same
objective times 2Cn when C = 1 / (2 L n). (liblinear also penalises the intercept a little,
through its intercept_scaling column; ours leaves the bias free.)

Usage, after `cargo build --release --examples`:
    python bench/linear_svc.py --l2 0.001
It trains both of ours through the real binary, reads their data.csv, fits LinearSVC on the same
features, and prints each model's weights, its boundary's radii along x and y, and its test
accuracy.
"""

import argparse
import csv
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "target" / "release" / "examples"


def load(run: Path):
    rows = list(csv.DictReader(open(run / "data.csv")))
    split = {
        name: (
            np.array([[float(r["x"]), float(r["y"])] for r in rows if r["split"] == name]),
            np.array([1 if r["label"] == "1" else -1 for r in rows if r["split"] == name]),
        )
        for name in ("train", "valid", "test")
    }
    return split


def features(points):
    return points**2


def ours(run: Path):
    """(w_x2, w_y2, b) of our trained model, read through `predict` at three points."""
    out = subprocess.run(
        [EXAMPLES / "predict", "--backend", "flex", "--run", run, "0,0", "1,0", "0,1"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()[1:]
    f = [float(line.split(",")[2]) for line in out]
    return f[1] - f[0], f[2] - f[0], f[0]


def describe(name, w1, w2, b, test_x, test_t):
    scores = features(test_x) @ np.array([w1, w2]) + b
    accuracy = np.mean(np.sign(scores) == test_t) * 100
    radius = lambda w: np.sqrt(-b / w) if w != 0 and -b / w > 0 else float("nan")
    print(
        f"{name:<34} w = ({w1:8.4f}, {w2:8.4f}), b = {b:7.4f}  "
        f"boundary radius x {radius(w1):.4f}, y {radius(w2):.4f}  test accuracy {accuracy:.1f}%"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--l2", type=float, default=0.001)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as artifacts:
        for loss, sk_loss in (("hinge", "hinge"), ("squared-hinge", "squared_hinge")):
            subprocess.run(
                [
                    EXAMPLES / "circles", "--backend", "flex", "--no-tui", "--no-animation",
                    "--loss", loss, "--features", "x2,y2", "--hidden", "none",
                    "--output", "linear", "--l2", str(args.l2), "--seed", str(args.seed),
                    "--artifacts", artifacts,
                ],
                check=True,
                capture_output=True,
            )
            run = Path(artifacts) / loss
            data = load(run)
            train_x, train_t = data["train"]
            test_x, test_t = data["test"]
            c = 1.0 / (2.0 * args.l2 * len(train_x))
            print(f"{loss} loss, l2 {args.l2}, {len(train_x)} training points: C = {c:.4f}")
            describe("hinge-lab (Adam, 30 epochs)", *ours(run), test_x, test_t)
            svc = LinearSVC(loss=sk_loss, C=c, max_iter=100_000, tol=1e-8)
            svc.fit(features(train_x), train_t)
            w1, w2 = svc.coef_[0]
            label = f'LinearSVC(loss="{sk_loss}")'
            describe(label, w1, w2, svc.intercept_[0], test_x, test_t)


if __name__ == "__main__":
    main()
