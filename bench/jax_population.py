"""N tutorial runs (hinge loss) trained together in JAX with jax.vmap over the parameters: the
yardstick for `lab seeds --loss hinge --seeds N` (bench/compare.py --population N runs both).

Each run is the tutorial's: make_circles(1000, factor=0.1) with its own seed, the first 250
points for testing, 600 for training and 150 for validation, Dense 4 ReLU -> Dense 2 ReLU ->
Dense 1 tanh with He-uniform / Glorot-uniform weights and zero biases, Adam (lr 0.03, beta
0.9 / 0.999, epsilon 1e-7), 30 epochs of batches of 5, each run shuffled by its own generator,
validation each epoch. Prints one JSON line: runs, runs at 100% test accuracy, seconds.
"""

import argparse
import json
import time

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.datasets import make_circles


def init(rng, widths):
    params = []
    for i, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:])):
        last = i == len(widths) - 2
        bound = np.sqrt(6 / (fan_in + fan_out)) if last else np.sqrt(6 / fan_in)
        w = rng.uniform(-bound, bound, size=(fan_in, fan_out)).astype(np.float32)
        params.append((w, np.zeros(fan_out, np.float32)))
    return params


def forward(params, x):
    for w, b in params[:-1]:
        x = jax.nn.relu(x @ w + b)
    w, b = params[-1]
    return jnp.tanh(x @ w + b)


def hinge(params, x, t):
    return jnp.mean(jnp.maximum(0.0, 1.0 - t * forward(params, x)))


def adam_step(params, m, v, grads, step, lr=0.03, b1=0.9, b2=0.999, eps=1e-7):
    m = jax.tree.map(lambda m, g: b1 * m + (1 - b1) * g, m, grads)
    v = jax.tree.map(lambda v, g: b2 * v + (1 - b2) * g * g, v, grads)
    mhat = jax.tree.map(lambda m: m / (1 - b1**step), m)
    vhat = jax.tree.map(lambda v: v / (1 - b2**step), v)
    params = jax.tree.map(lambda p, m, v: p - lr * m / (jnp.sqrt(v) + eps), params, mhat, vhat)
    return params, m, v


def member_step(params, m, v, x, t, step):
    loss, grads = jax.value_and_grad(hinge)(params, x, t)
    params, m, v = adam_step(params, m, v, grads, step)
    return params, m, v, loss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=525)
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    started = time.perf_counter()

    xs, ts = [], []
    members = []
    for seed in range(args.runs):
        x, y = make_circles(1000, factor=0.1, random_state=seed)
        xs.append(x.astype(np.float32))
        ts.append((2.0 * y - 1.0).astype(np.float32)[:, None])
        members.append(init(np.random.default_rng(seed), [2, 4, 2, 1]))
    x, t = np.stack(xs), np.stack(ts)
    test, train, valid = slice(0, 250), slice(250, 850), slice(850, 1000)
    params = jax.tree.map(lambda *p: jnp.stack(p), *members)
    m = jax.tree.map(jnp.zeros_like, params)
    v = jax.tree.map(jnp.zeros_like, params)

    step_all = jax.jit(jax.vmap(member_step, in_axes=(0, 0, 0, 0, 0, None)))
    loss_all = jax.jit(jax.vmap(hinge))
    accuracy_all = jax.jit(
        jax.vmap(lambda p, x, t: jnp.mean((forward(p, x) * t) > 0))
    )
    shufflers = [np.random.default_rng(10_000 + seed) for seed in range(args.runs)]
    x_train, t_train = x[:, train], t[:, train]
    step = 0
    for _ in range(args.epochs):
        orders = np.stack([r.permutation(600) for r in shufflers])
        xb_all = np.take_along_axis(x_train, orders[:, :, None], axis=1)
        tb_all = np.take_along_axis(t_train, orders[:, :, None], axis=1)
        for start in range(0, 600, 5):
            step += 1
            params, m, v, _ = step_all(
                params, m, v, xb_all[:, start:start + 5], tb_all[:, start:start + 5], step
            )
        loss_all(params, x[:, valid], t[:, valid]).block_until_ready()
    accuracy = np.asarray(accuracy_all(params, x[:, test], t[:, test]))
    print(
        json.dumps(
            {
                "runs": args.runs,
                "full_accuracy": int((accuracy == 1.0).sum()),
                "seconds_inside": time.perf_counter() - started,
            }
        )
    )


if __name__ == "__main__":
    main()
