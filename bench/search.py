"""`lab search` against scikit-learn's GridSearchCV, on the same folds of the same rows.

hinge-lab's linear model (`--hidden none --output linear`) with hinge loss minimises
mean(hinge) + L2 * |w|^2 over a fold's n training rows. LinearSVC minimises
|w|^2 / 2 + C * sum(hinge), the same objective times 2Cn when

    C = 1 / (2 * L2 * n)

(liblinear also penalises the intercept a little; ours leaves the bias free). n is a fold's
training rows: the training split less one fold.

This script runs `lab search` over L2 in 7 values from 1e-4 to 1e-1 (10 stratified folds of
breast cancer's training rows, validation split 0), reads the folds it dealt (`folds.csv`),
and runs GridSearchCV(StandardScaler + LinearSVC(loss="hinge")) over the matching C on exactly
those folds. It prints both tables and whether the two picks agree up to ties within one
standard error.

With --speed it times a grid of learning rate x L2 for the tutorial's network, as one
`lab search` process, against GridSearchCV over MLPClassifier((4, 2)) with the same grid of
`learning_rate_init` x `alpha` on the same folds. MLPClassifier's penalty is
alpha / (2 * batch) * |w|^2 on each batch's mean loss, so alpha = 2 * 5 * L2.

Usage, after `cargo build --release --examples`:
    python bench/search.py            # the pick, with both tables (under a minute)
    python bench/search.py --speed    # the timing of docs/speed.md (a few minutes)
"""

import argparse
import csv
import subprocess
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parent.parent
LAB = ROOT / "target" / "release" / "examples" / "lab"
L2S = [float(f"{v:.3g}") for v in np.logspace(-4, -1, 7)]
RATES = [0.01, 0.03, 0.1]
FOLDS = 10


def lab_search(artifacts, extra):
    command = [
        "lab", "search", "--dataset", "breast-cancer", "--folds", str(FOLDS),
        "--validation-split", "0", "--quiet", "--artifacts", artifacts, *extra,
    ]
    started = time.perf_counter()
    subprocess.run([LAB, *command[1:]], cwd=ROOT, check=True, capture_output=True)
    return " ".join(command), time.perf_counter() - started


def folds_of(artifacts):
    """The training rows, and the (train, validation) indices into them of each fold."""
    by_fold = {}
    for r in csv.DictReader(open(ROOT / artifacts / "folds.csv")):
        by_fold.setdefault((int(r["repeat"]), int(r["fold"])), []).append(int(r["row"]))
    rows = sorted({row for fold in by_fold.values() for row in fold})
    at = {row: i for i, row in enumerate(rows)}
    splits = []
    for _, fold in sorted(by_fold.items()):
        valid = np.array(sorted(at[row] for row in fold))
        train = np.setdiff1d(np.arange(len(rows)), valid)
        splits.append((train, valid))
    return np.array(rows), splits


def ours(artifacts):
    """L2 -> (mean, standard error) of `lab search`'s validation accuracy."""
    return {
        float(r["l2"]): (float(r["mean_accuracy"]), float(r["standard_error"]))
        for r in csv.DictReader(open(ROOT / artifacts / "search.csv"))
    }


def pick(table):
    """scikit-learn's rule: the highest mean; ties to the larger penalty."""
    return max(table, key=lambda l2: (table[l2][0], l2))


def compare():
    artifacts = "artifacts/bench/search"
    command, _ = lab_search(
        artifacts,
        ["--hidden", "none", "--output", "linear", "--loss", "hinge", "--lr", "0.003",
         "--l2", ",".join(map(str, L2S))],
    )
    X, y = load_breast_cancer(return_X_y=True)
    rows, splits = folds_of(artifacts)
    n = np.mean([len(train) for train, _ in splits])
    to_c = {l2: 1 / (2 * l2 * n) for l2 in L2S}
    search = GridSearchCV(
        make_pipeline(StandardScaler(), LinearSVC(loss="hinge", max_iter=100_000)),
        {"linearsvc__C": list(to_c.values())},
        cv=splits,
    ).fit(X[rows], y[rows])
    results = search.cv_results_
    theirs = {}
    for l2, c in to_c.items():
        i = list(results["param_linearsvc__C"]).index(c)
        scores = [results[f"split{k}_test_score"][i] for k in range(len(splits))]
        theirs[l2] = (np.mean(scores), np.std(scores, ddof=1) / np.sqrt(len(scores)))
    mine = ours(artifacts)
    print(f"hinge-lab: {command}")
    print(f"scikit-learn: GridSearchCV(LinearSVC(loss='hinge')), C = 1 / (2 L2 n), n = {n:.1f}")
    print("| L2 | C | hinge-lab mean ± s.e. | LinearSVC mean ± s.e. |")
    print("|---|---|---|---|")
    for l2 in L2S:
        print(f"| {l2} | {to_c[l2]:.4g} | {mine[l2][0]:.4f} ± {mine[l2][1]:.4f} "
              f"| {theirs[l2][0]:.4f} ± {theirs[l2][1]:.4f} |")
    a, b = pick(mine), pick(theirs)
    # The same pick, or a tie within one standard error on both sides: each side's pick
    # scores, on that side, within one standard error of the side's own best.
    agree = a == b or (
        theirs[b][0] - theirs[a][0] <= theirs[b][1] and mine[a][0] - mine[b][0] <= mine[a][1]
    )
    print(f"hinge-lab picks L2 {a}; GridSearchCV picks C {to_c[b]:.4g} (L2 {b}); "
          f"{'the same up to ties within one standard error' if agree else 'they differ'}")


def speed():
    artifacts = "artifacts/bench/search-speed"
    grid = ["--loss", "hinge", "--lr", ",".join(map(str, RATES)), "--l2", ",".join(map(str, L2S))]
    command, ours_seconds = lab_search(artifacts, grid)
    X, y = load_breast_cancer(return_X_y=True)
    rows, splits = folds_of(artifacts)
    mlp = MLPClassifier(hidden_layer_sizes=(4, 2), solver="adam", batch_size=5, max_iter=30,
                        random_state=0)
    started = time.perf_counter()
    GridSearchCV(
        make_pipeline(StandardScaler(), mlp),
        {"mlpclassifier__learning_rate_init": RATES,
         "mlpclassifier__alpha": [2 * 5 * l2 for l2 in L2S]},
        cv=splits,
        n_jobs=-1,
    ).fit(X[rows], y[rows])
    theirs = time.perf_counter() - started
    fits = len(RATES) * len(L2S) * len(splits)
    print(f"hinge-lab, whole process: {command}: {ours_seconds:.2f} s")
    print(f"GridSearchCV(MLPClassifier((4, 2))), {fits} fits + refit, n_jobs=-1: {theirs:.1f} s")
    print(f"ratio {ours_seconds / theirs:.3f}")


if __name__ == "__main__":
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", action="store_true")
    args = parser.parse_args()
    speed() if args.speed else compare()
