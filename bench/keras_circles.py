"""The tutorial's Keras run (hinge or squared hinge on make_circles), as hinge-lab runs it.

Same data recipe, network, optimizer and schedule as the tutorial: make_circles(1000,
factor=0.1) with targets 0 -> -1, the first 250 points as the test set, Dense(4, relu,
he_uniform) -> Dense(2, relu, he_uniform) -> Dense(1, tanh), Adam(learning_rate=0.03), 30 epochs,
batch 5, validation_split 0.2. Plots are left out; Keras's progress bar is off unless
--verbose, since printing it costs time the comparison should not count.

Run with KERAS_BACKEND=tensorflow or KERAS_BACKEND=jax. Prints the tutorial's test line, the
sign accuracy (the 'accuracy' metric of today's Keras thresholds at 0.5, which is wrong for -1/+1
targets) and the time spent in fit().
"""

import argparse
import time

import numpy as np
from sklearn.datasets import make_circles

import keras
from keras import layers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loss", choices=["hinge", "squared_hinge"], default="hinge")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    keras.utils.set_random_seed(args.seed)
    x, targets = make_circles(n_samples=1000, factor=0.1, random_state=args.seed)
    targets[np.where(targets == 0)] = -1
    x_train, x_test = x[250:, :], x[:250, :]
    t_train, t_test = targets[250:], targets[:250]

    model = keras.Sequential(
        [
            keras.Input(shape=(2,)),
            layers.Dense(4, activation="relu", kernel_initializer="he_uniform"),
            layers.Dense(2, activation="relu", kernel_initializer="he_uniform"),
            layers.Dense(1, activation="tanh"),
        ]
    )
    model.compile(
        loss=args.loss,
        optimizer=keras.optimizers.Adam(learning_rate=0.03),
        metrics=["accuracy"],
    )
    started = time.perf_counter()
    model.fit(
        x_train,
        t_train,
        epochs=30,
        batch_size=5,
        verbose=1 if args.verbose else 0,
        validation_split=0.2,
    )
    fit_s = time.perf_counter() - started
    loss, _ = model.evaluate(x_test, t_test, verbose=0)
    outputs = model.predict(x_test, verbose=0).reshape(-1)
    sign_accuracy = float(np.mean(np.sign(outputs) == t_test))
    print(f"Test results - Loss: {loss} - Accuracy: {sign_accuracy * 100}%")
    print(f"backend={keras.backend.backend()} fit_s={fit_s:.3f}")


if __name__ == "__main__":
    main()
