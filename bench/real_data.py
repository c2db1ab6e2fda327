"""The tutorial's question on real data: hinge-lab's losses against scikit-learn's, fold for fold.

For each real set, hinge-lab's `lab cv` trains repeated stratified 10-fold cross-validation (5
repeats) of the linear model (`--hidden none --output linear`, a linear SVM without penalty)
and of the tutorial's network, every fold one member of one population, and writes the rows
each fold tests on (`folds.csv`). This script fits scikit-learn on exactly those folds, each in
a `Pipeline` with `StandardScaler` fitted on the training fold as hinge-lab's scaler is:
`LinearSVC` (hinge and squared hinge), `LogisticRegression`, and `MLPClassifier` of the
tutorial's shape and settings. It prints the table of docs/real-data.md, with every command.

Usage, after `cargo build --release --examples`:
    python bench/real_data.py                  # every real set (a few minutes)
    python bench/real_data.py breast-cancer    # one
    python bench/real_data.py --speed          # the timing of docs/speed.md, scikit-learn side

Standard deviations are numpy's (over n, not n - 1), as scikit-learn's examples report them.
"""

import argparse
import csv
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parent.parent
LAB = ROOT / "target" / "release" / "examples" / "lab"
SETS = {
    "breast-cancer": load_breast_cancer,
    "iris": load_iris,
    "wine": load_wine,
    "digits": load_digits,
}
FOLDS, REPEATS = 10, 5


def tutorial_mlp(seed=0):
    """MLPClassifier of the tutorial's shape and settings: ReLU 4 then 2, Adam at 0.03,
    batches of 5, 30 epochs (it warns that 30 epochs do not converge, as they need not)."""
    return MLPClassifier(
        hidden_layer_sizes=(4, 2),
        solver="adam",
        learning_rate_init=0.03,
        batch_size=5,
        max_iter=30,
        random_state=seed,
    )


def sklearn_models():
    return {
        "LinearSVC (hinge)": lambda: LinearSVC(loss="hinge", max_iter=100_000),
        "LinearSVC (squared hinge)": lambda: LinearSVC(loss="squared_hinge", max_iter=100_000),
        "LogisticRegression": lambda: LogisticRegression(max_iter=10_000),
        "MLPClassifier (4, 2)": tutorial_mlp,
    }


def lab_command(dataset, linear, classes):
    losses = "categorical-hinge" if classes > 2 else ("both" if linear else "all")
    model = ["--hidden", "none", "--output", "linear"] if linear else []
    name = "linear" if linear else "network"
    return [
        "lab", "cv", "--dataset", dataset, "--folds", str(FOLDS), "--repeats", str(REPEATS),
        "--validation-split", "0", "--loss", losses, *model, "--quiet",
        "--artifacts", f"artifacts/lab/real-data/{dataset}-{name}",
    ]


def run_lab(command):
    subprocess.run([LAB, *command[1:]], cwd=ROOT, check=True, capture_output=True)
    artifacts = ROOT / command[command.index("--artifacts") + 1]
    summary = {r["loss"]: r for r in csv.DictReader(open(artifacts / "cv_summary.csv"))}
    return artifacts, summary


def folds_of(artifacts):
    """(repeat, fold) -> the rows that fold tests on, as hinge-lab dealt them."""
    folds = {}
    for r in csv.DictReader(open(artifacts / "folds.csv")):
        folds.setdefault((int(r["repeat"]), int(r["fold"])), []).append(int(r["row"]))
    return folds


def score(make, X, y, folds):
    accuracies = []
    for (repeat, fold), test in sorted(folds.items()):
        mask = np.zeros(len(y), bool)
        mask[test] = True
        model = make_pipeline(StandardScaler(), make())
        model.fit(X[~mask], y[~mask])
        accuracies.append(model.score(X[mask], y[mask]))
    return np.mean(accuracies), np.std(accuracies)


def table(datasets):
    print("| data set | model | loss | test accuracy, mean ± std | majority class |")
    print("|---|---|---|---|---|")
    commands = []
    for dataset in datasets:
        X, y = SETS[dataset](return_X_y=True)
        classes = len(np.unique(y))
        folds = None
        for linear in (True, False):
            command = lab_command(dataset, linear, classes)
            commands.append("cargo run --release --example lab -- " + " ".join(command[1:]))
            artifacts, summary = run_lab(command)
            folds = folds_of(artifacts)
            for loss, row in summary.items():
                print(
                    f"| {dataset} | hinge-lab {'linear' if linear else 'network (4, 2)'} | {loss} "
                    f"| {float(row['accuracy_mean']):.4f} ± {float(row['accuracy_std']):.4f} "
                    f"| {float(row['majority_rate']):.4f} |"
                )
        for name, make in sklearn_models().items():
            mean, std = score(make, X, y, folds)
            print(f"| {dataset} | scikit-learn {name} | | {mean:.4f} ± {std:.4f} | |")
    print()
    for command in commands:
        print(f"    {command}")


def speed():
    """scikit-learn's side of docs/speed.md: cross_val_score over 10 folds x 5 repeats of
    the tutorial's MLPClassifier, three times (hinge-lab's three losses): 150 fits."""
    X, y = load_breast_cancer(return_X_y=True)
    started = time.perf_counter()
    for _ in range(3):
        cv = RepeatedStratifiedKFold(n_splits=FOLDS, n_repeats=REPEATS, random_state=0)
        cross_val_score(make_pipeline(StandardScaler(), tutorial_mlp()), X, y, cv=cv)
    print(f"150 fits of MLPClassifier((4, 2)): {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*", help=f"any of {', '.join(SETS)}; all by default")
    parser.add_argument("--speed", action="store_true")
    args = parser.parse_args()
    unknown = [d for d in args.datasets if d not in SETS]
    if unknown:
        parser.error(f"unknown data set {unknown[0]}: expected one of {', '.join(SETS)}")
    if args.speed:
        speed()
    else:
        table(args.datasets or list(SETS))
    sys.stdout.flush()
