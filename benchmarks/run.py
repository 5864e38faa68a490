"""Benchmarks of handprop against its peers, side by side in one process run.

    make bench            (or: python benchmarks/run.py [--repeats 7] [--threads 1])
    python benchmarks/run.py --smoke --out DIR   (tiny random data, one repetition:
                                                  the test suite runs this)

Five parts:

1. Epoch time: the 784-256-10 sigmoid/softmax network, float32, the same initial
   weights, the same order of mini-batches of 64 and the same learning rate, trained
   for one epoch by ``handprop.train`` (the core, written like the book), by
   ``handprop.fast.train`` and by PyTorch (CPU); beside them the *floor*: the two
   784 x 256 matrix products of every step (forward X W1 and backward X^T delta1)
   alone, which any implementation must do.  Every contender runs once untimed
   (warm-up), then once per repetition, in an order rotated from one repetition to
   the next so that none always runs first or after the same neighbour.  All must
   end at the same weights (float32 tolerance), so the comparison is of the same
   work.  Reported as ratios: fast / PyTorch, fast / floor, core / PyTorch.
2. The per-example loop of the course project (003, after Nielsen; [784, 30, 10],
   batch 10) against handprop's batched form on the same network.
3. Time to 98%: wall time of handprop's training until the test accuracy reaches
   98.0%, with the peak memory (resident set) of that run, in a fresh process.
4. Where a core handprop step spends its time: each part of one step, alone.
5. The convolutional network of Part three (``handprop.ConvNet()``: two blocks of
   20 and 40 kernels of 5 x 5, ReLU and 2 x 2 max pooling, then 100 ReLU units and
   softmax), one epoch of plain SGD
   by ``handprop.train`` against the same network, weights and batches in PyTorch,
   and against its floor: the patch products and dense products of every step,
   alone.  Both must end at the same weights.

Threads: every BLAS library loaded (NumPy's OpenBLAS, and PyTorch's) and PyTorch's
own pool are limited to ``--threads`` (default 1) for the whole run, through
threadpoolctl and ``torch.set_num_threads``, and the libraries found are recorded.
One thread each is the like-for-like setting on a 2-core machine: a pool of two
threads waits on any other process that takes a core, and two libraries' pools
spin against each other.

Results go to benchmarks/results/latest.json and latest.md (or to ``--out``).
PyTorch is optional: ``make torch`` (pip install torch==2.13.0); without it part 1
runs without it and says so.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import queue as queue_module
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import handprop as hp

RESULTS = Path(__file__).resolve().parent / "results"
LR, BATCH, SIZES = 0.1, 64, [784, 256, 10]
PAUSE = 1.0  # seconds between timed runs (set to 0 by --smoke)
WARMUP_ROWS = 2_000  # rows of the untimed warm-up run of each contender


def import_torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


# --- 1. handprop against PyTorch --------------------------------------------------


def torch_sgd_step(torch, params, loss, lr):
    """Plain SGD, idiomatic: fresh gradients by autograd, an update under no_grad."""
    for p in params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad


def torch_epoch(torch, init_params, X, y, order, lr, batch_size):
    """One epoch of plain SGD in PyTorch, idiomatic: autograd, F.cross_entropy, an
    update under no_grad."""
    params = [
        torch.tensor(a).clone().requires_grad_(True)
        for W, b in init_params
        for a in (W, b)
    ]
    W1, b1, W2, b2 = params
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    order_t = torch.from_numpy(order)
    cross_entropy = torch.nn.functional.cross_entropy
    start = time.perf_counter()
    for i in range(0, len(X), batch_size):
        idx = order_t[i : i + batch_size]
        logits = torch.sigmoid(X_t[idx] @ W1 + b1) @ W2 + b2
        loss = cross_entropy(logits, y_t[idx])
        torch_sgd_step(torch, params, loss, lr)
    seconds = time.perf_counter() - start
    return seconds, [p.detach().numpy() for p in params]


def handprop_epoch(trainer, init_params, X, y, seed, lr, batch_size):
    net = hp.MLP(SIZES, dtype=np.float32)
    net.params = [(W.copy(), b.copy()) for W, b in init_params]
    history = trainer(
        net,
        X,
        y,
        epochs=1,
        batch_size=batch_size,
        lr=lr,
        seed=seed,
        evaluate_train=False,
        verbose=False,
    )
    return history.train_seconds, [a for W, b in net.params for a in (W, b)]


def floor_epoch(init_params, X, order, batch_size):
    """The two large matrix products of every step of an epoch, and nothing else."""
    W1 = init_params[0][0]
    Xs = X[order]
    Z = np.empty((batch_size, W1.shape[1]), dtype=X.dtype)
    G = np.empty_like(W1)
    start = time.perf_counter()
    for i in range(0, len(X), batch_size):
        Xb = Xs[i : i + batch_size]
        Zb = np.matmul(Xb, W1, out=Z[: len(Xb)])
        np.matmul(Xb.T, Zb, out=G)
    return time.perf_counter() - start


def contenders(torch):
    """name -> run(init, X, y, order, seed), returning (seconds, parameters or None)."""
    runs = {
        "floor": lambda init, X, y, order, seed: (
            floor_epoch(init, X, order, BATCH),
            None,
        ),
        "core": lambda init, X, y, order, seed: handprop_epoch(
            hp.train, init, X, y, seed, LR, BATCH
        ),
        "fast": lambda init, X, y, order, seed: handprop_epoch(
            hp.fast.train, init, X, y, seed, LR, BATCH
        ),
    }
    if torch is not None:
        runs["torch"] = lambda init, X, y, order, seed: torch_epoch(
            torch, init, X, y, order, LR, BATCH
        )
    return runs


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def bench_torch(X, y, repeats, torch):
    runs = contenders(torch)
    names = list(runs)
    warm = min(WARMUP_ROWS, len(X))
    for name in names:  # untimed: first calls, caches, pools
        init = hp.MLP(SIZES, dtype=np.float32, seed=0).params
        runs[name](
            init, X[:warm], y[:warm], np.random.default_rng(0).permutation(warm), 0
        )
    rows = []
    for rep in range(repeats):
        init = hp.MLP(SIZES, dtype=np.float32, seed=rep).params
        # the order hp.train draws for seed=rep
        order = np.random.default_rng(rep).permutation(len(X))
        turn = names[rep % len(names) :] + names[: rep % len(names)]
        row, params = {"order": turn}, {}
        for name in turn:
            # Idle worker threads spin for a moment after a library's last operation;
            # a pause lets them sleep, so that no run pays for another's threads.
            time.sleep(PAUSE)
            row[f"{name}_s"], params[name] = runs[name](init, X, y, order, rep)
        for name in ("fast", "torch"):
            if name in params:
                diff = max(
                    hp.relative_error(a, b)
                    for a, b in zip(params["core"], params[name])
                )
                if diff > 1e-3:
                    raise RuntimeError(
                        f"handprop.train and {name} diverged: parameters differ by "
                        f"{diff:.1e}; the comparison is not of the same work"
                    )
        row["fast_over_floor"] = row["fast_s"] / row["floor_s"]
        if torch is not None:
            row["fast_over_torch"] = row["fast_s"] / row["torch_s"]
            row["core_over_torch"] = row["core_s"] / row["torch_s"]
        rows.append(row)
        print(
            f"  rep {rep} ({', '.join(turn)}): "
            + ", ".join(f"{k} {v:.3f}" for k, v in row.items() if k != "order"),
            flush=True,
        )
    result = {"repeats": rows, "warmup_rows": warm}
    for key in rows[0]:
        if key != "order":
            result[key] = summary([r[key] for r in rows])
    if torch is None:
        result["skipped"] = "PyTorch is not installed (make torch)"
    else:
        result["torch_version"] = torch.__version__
    return result


# --- 2. the per-example loop against the batched form ----------------------------


def per_example_epoch(net, X, y, lr, batch_size, seed):
    """The course project's (003) way: backpropagate one example at a time, sum,
    step."""
    order = np.random.default_rng(seed).permutation(len(X))
    start = time.perf_counter()
    for i in range(0, len(X), batch_size):
        idx = order[i : i + batch_size]
        total = [(np.zeros_like(W), np.zeros_like(b)) for W, b in net.params]
        for j in idx:
            _, g = net.loss_and_gradients(X[j : j + 1], y[j : j + 1])
            for (tW, tb), (gW, gb) in zip(total, g):
                tW += gW
                tb += gb
        for (W, b), (tW, tb) in zip(net.params, total):
            W -= lr / len(idx) * tW
            b -= lr / len(idx) * tb
    return time.perf_counter() - start


NIELSEN = dict(activation="sigmoid", cost="quadratic", init="normal")


def bench_loop(X, y, repeats):
    # Same work: on float64 copies, the loop's summed gradient / N equals the
    # batched one.
    check = hp.MLP([784, 30, 10], seed=0, **NIELSEN)
    Xb, yb = X[:10].astype(np.float64), y[:10]
    _, batched_grads = check.loss_and_gradients(Xb, yb)
    looped = [
        check.loss_and_gradients(Xb[j : j + 1], yb[j : j + 1])[1] for j in range(10)
    ]
    for l, (gW, gb) in enumerate(batched_grads):
        if hp.relative_error(gW, sum(g[l][0] for g in looped) / 10) > 1e-10:
            raise RuntimeError(
                "the per-example loop and the batched form compute different gradients"
            )
    rows = []
    for rep in range(repeats):
        looped = hp.MLP([784, 30, 10], seed=rep, dtype=np.float32, **NIELSEN)
        t_loop = per_example_epoch(looped, X, y, 3.0, 10, rep)
        batched = hp.MLP([784, 30, 10], seed=rep, dtype=np.float32, **NIELSEN)
        t_batch = hp.train(
            batched,
            X,
            y,
            epochs=1,
            batch_size=10,
            lr=3.0,
            seed=rep,
            evaluate_train=False,
            verbose=False,
        ).train_seconds
        rows.append(
            {"loop_s": t_loop, "batched_s": t_batch, "speedup": t_loop / t_batch}
        )
        print(
            f"  rep {rep}: loop {t_loop:.2f} s, batched {t_batch:.2f} s, "
            f"speed-up {t_loop / t_batch:.1f}x",
            flush=True,
        )
    return {
        "loop_median_s": statistics.median(r["loop_s"] for r in rows),
        "batched_median_s": statistics.median(r["batched_s"] for r in rows),
        "speedup_median": statistics.median(r["speedup"] for r in rows),
        "repeats": rows,
    }


# --- 3. time to 98% (handprop.fast) ------------------------------------------------

# The fast recipe of the training chapter (notebooks/07_training.ipynb).
TIME_TO_98 = dict(
    sizes=[784, 256, 10],
    activation="relu",
    init="he",
    batch_size=128,
    momentum=0.9,
    eta_max=0.2,
    epochs=5,
    dtype="float32",
)


def _time_to_98(queue, settings, threads, data):
    """In a fresh process: train by the recipe, the test accuracy after every epoch.

    ``data`` is ``((X, y), (X_test, y_test))``, or None to load MNIST here."""
    with threadpool_limits(limits=threads):
        (X, y), (X_test, y_test) = data if data is not None else hp.load_mnist()
        s = settings
        net = hp.MLP(
            s["sizes"],
            activation=s["activation"],
            init=s["init"],
            seed=0,
            dtype=np.dtype(s["dtype"]),
        )
        curve = []

        def lr(e):
            return 0.5 * s["eta_max"] * (1 + np.cos(np.pi * (e - 1) / s["epochs"]))

        def check(epoch, history):
            accuracy = hp.accuracy(y_test, net.predict(X_test))
            curve.append((epoch, history.train_seconds, accuracy))

        hp.fast.train(
            net,
            X,
            y,
            epochs=s["epochs"],
            batch_size=s["batch_size"],
            lr=lr,
            momentum=s["momentum"],
            evaluate_train=False,
            verbose=False,
            callback=check,
        )
    reached = next(((e, t, a) for e, t, a in curve if a >= 0.98), None)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(
        {"settings": s, "curve": curve, "reached": reached, "peak_rss_mb": peak_rss_mb}
    )


def bench_time_to_98(threads, settings=TIME_TO_98, data=None, timeout=1800):
    """Run ``_time_to_98`` in a fresh process (so its peak memory is its own); a
    child that dies or hangs is an error that says so, never a wait forever."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_time_to_98, args=(queue, settings, threads, data))
    proc.start()
    deadline = time.monotonic() + timeout
    result = None
    try:
        while result is None:
            try:
                result = queue.get(timeout=1.0)
            except queue_module.Empty:
                if not proc.is_alive():
                    raise RuntimeError(
                        f"the time-to-98% run died (exit code {proc.exitcode}) before "
                        f"reporting; its traceback is printed above"
                    ) from None
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the time-to-98% run reported nothing in {timeout} s"
                    ) from None
    finally:
        if result is None and proc.is_alive():
            proc.terminate()
        proc.join()
    for e, t, a in result["curve"]:
        print(
            f"  epoch {e}: {t:.2f} s of training, test accuracy {100 * a:.2f}%",
            flush=True,
        )
    return result


# --- 4. where a handprop step spends its time --------------------------------------


def bench_step_profile(X, y, repeats=300):
    """Time each part of one core training step (784-256-10, batch 64, float32)
    alone."""
    net = hp.MLP(SIZES, dtype=np.float32, seed=0)
    (W1, b1), (W2, b2) = net.params
    idx = np.random.default_rng(0).permutation(len(X))[:BATCH]
    Xb, yb = X[idx], y[idx]
    Z1 = Xb @ W1 + b1
    H = hp.sigmoid(Z1)
    Z2 = H @ W2 + b2
    delta2 = hp.cross_entropy_gradient(Z2, yb)
    delta1 = (delta2 @ W2.T) * hp.sigmoid_prime(Z1)
    G1, W1_copy = Xb.T @ delta1, W1.copy()

    def whole_step():
        _, grads = net.loss_and_gradients(Xb, yb)
        for (W, b), (gW, gb) in zip(net.params, grads):
            W -= LR * gW
            b -= LR * gb

    forward, backward = "forward matmul X W1", "backward matmul X^T delta1"
    whole = "whole step (loss_and_gradients + update)"
    parts = {
        "gather the batch X[idx]": lambda: X[idx],
        forward: lambda: Xb @ W1,
        backward: lambda: Xb.T @ delta1,
        "sigmoid of Z1, and sigma'(Z1)": lambda: (hp.sigmoid(Z1), hp.sigmoid_prime(Z1)),
        "small matmuls (H W2, H^T delta2, delta2 W2^T)": lambda: (
            H @ W2,
            H.T @ delta2,
            delta2 @ W2.T,
        ),
        "cross-entropy and its gradient": lambda: (
            hp.cross_entropy(Z2, yb),
            hp.cross_entropy_gradient(Z2, yb),
        ),
        "update W1 -= eta g": lambda: W1_copy.__isub__(LR * G1),
        whole: whole_step,
    }
    result = {}
    for name, f in parts.items():
        f()
        times = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(repeats):
                f()
            times.append((time.perf_counter() - start) / repeats)
        result[name] = min(times)
    big = result[forward] + result[backward]
    flops = 2 * 2 * BATCH * 784 * 256
    for name, t in result.items():
        print(
            f"  {name:48} {1e6 * t:8.1f} us  {100 * t / result[whole]:5.1f}% of a step",
            flush=True,
        )
    return {
        "microseconds": {k: 1e6 * v for k, v in result.items()},
        "big_matmul_share": big / result[whole],
        "big_matmul_gflops": flops / big / 1e9,
    }


# --- 5. the convolutional network of Part three against PyTorch ------------------

CONV_LR = 0.05  # plain SGD, the same for both


def torch_convnet_epoch(torch, init_params, X, y, order, lr, batch_size):
    """One epoch of the same ConvNet in PyTorch: conv2d, relu and max_pool2d for
    each block, two dense layers, cross-entropy, autograd, plain SGD under
    no_grad."""
    F = torch.nn.functional
    params = [
        torch.tensor(a).clone().requires_grad_(True)
        for W, b in init_params
        for a in (W, b)
    ]
    *kernels, W_d, b_d, W_o, b_o = params
    blocks = list(zip(kernels[::2], kernels[1::2]))
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    order_t = torch.from_numpy(order)
    start = time.perf_counter()
    for i in range(0, len(X), batch_size):
        idx = order_t[i : i + batch_size]
        M = X_t[idx]
        for K, c in blocks:
            M = F.max_pool2d(F.relu(F.conv2d(M, K, c)), 2)
        logits = F.relu(M.flatten(1) @ W_d + b_d) @ W_o + b_o
        loss = F.cross_entropy(logits, y_t[idx])
        torch_sgd_step(torch, params, loss, lr)
    seconds = time.perf_counter() - start
    return seconds, [p.detach().numpy() for p in params]


def handprop_convnet_epoch(init_params, X, y, seed, lr, batch_size):
    net = hp.ConvNet()
    net.params = [(W.copy(), b.copy()) for W, b in init_params]
    history = hp.train(net, X, y, epochs=1, batch_size=batch_size, lr=lr, seed=seed,
                       evaluate_train=False, verbose=False)
    return history.train_seconds, [a for W, b in net.params for a in (W, b)]


def convnet_floor_epoch(init_params, X, batch_size):
    """The matrix products of every step of an epoch and nothing else, on one
    batch's arrays: for each block the patch products (forward K P^T, backward
    dZ P, and dZ^T K for the input gradient of every block but the first), then the
    dense layers' three products each."""
    net = hp.ConvNet()
    net.params = init_params
    f = net.forward_cache(X[:batch_size])
    products = []
    for l, (block, (K, _)) in enumerate(zip(f["blocks"], init_params)):
        K_mat, P = K.reshape(len(K), -1), block["P"]
        Z_mat = block["Z"].transpose(1, 0, 2, 3).reshape(len(K), -1)  # a row per o
        products += [(K_mat, P.T), (Z_mat, P)]
        if l > 0:
            products.append((Z_mat.T, K_mat))
    (W_d, _), (W_o, _) = init_params[-2:]
    for A, W, Z in ((f["h"], W_d, f["Z_d"]), (f["A_d"], W_o, f["Z_o"])):
        products += [(A, W), (A.T, Z), (Z, W.T)]
    start = time.perf_counter()
    for _ in range(0, len(X), batch_size):
        for left, right in products:
            left @ right
    return time.perf_counter() - start


def bench_convnet(X, y, repeats, torch):
    """ConvNet() against the same network in PyTorch and against its floor, one
    epoch each, interleaved; both must end at the same weights."""
    X = X.reshape(-1, 1, 28, 28)
    runs = {
        "floor": lambda init, order, seed: (convnet_floor_epoch(init, X, BATCH), None),
        "core": lambda init, order, seed: handprop_convnet_epoch(
            init, X, y, seed, CONV_LR, BATCH
        ),
    }
    if torch is not None:
        runs["torch"] = lambda init, order, seed: torch_convnet_epoch(
            torch, init, X, y, order, CONV_LR, BATCH
        )
    names = list(runs)
    warm = min(WARMUP_ROWS // 4, len(X))
    for name in names:  # untimed: first calls, caches, pools
        runs[name](hp.ConvNet(seed=0).params, np.arange(warm), 0)
    if torch is not None:
        # The same work, step for step: three steps from the same weights agree to
        # float32 rounding, amplified a little by the steps (within 1e-3; another
        # learning rate or a wrong gradient differs by far more).  Over an epoch
        # the two drift apart a little (rounding decides some near-ties of max
        # pooling), so there the check is looser.
        init, few = hp.ConvNet(seed=0).params, 3 * BATCH
        _, ours = handprop_convnet_epoch(init, X[:few], y[:few], 0, CONV_LR, BATCH)
        order = np.random.default_rng(0).permutation(few)
        _, theirs = torch_convnet_epoch(torch, init, X[:few], y[:few], order, CONV_LR,
                                        BATCH)
        diff = max(hp.relative_error(a, b) for a, b in zip(ours, theirs))
        if diff > 1e-3:
            raise RuntimeError(
                f"ConvNet and PyTorch differ by {diff:.1e} after three steps: the "
                "comparison is not of the same work"
            )
    rows = []
    for rep in range(repeats):
        init = hp.ConvNet(seed=rep).params
        order = np.random.default_rng(rep).permutation(len(X))  # hp.train's order
        turn = names[rep % len(names) :] + names[: rep % len(names)]
        row, params = {"order": turn}, {}
        for name in turn:
            time.sleep(PAUSE)
            row[f"{name}_s"], params[name] = runs[name](init, order, rep)
        if "torch" in params:
            diff = max(
                hp.relative_error(a, b) for a, b in zip(params["core"], params["torch"])
            )
            if diff > 0.1:
                raise RuntimeError(
                    f"ConvNet and PyTorch diverged: parameters differ by {diff:.1e} "
                    "after an epoch; the comparison is not of the same work"
                )
            row["core_over_torch"] = row["core_s"] / row["torch_s"]
        row["core_over_floor"] = row["core_s"] / row["floor_s"]
        rows.append(row)
        print(
            f"  rep {rep} ({', '.join(turn)}): "
            + ", ".join(f"{k} {v:.3f}" for k, v in row.items() if k != "order"),
            flush=True,
        )
    result = {"repeats": rows}
    for key in rows[0]:
        if key != "order":
            result[key] = summary([r[key] for r in rows])
    if torch is None:
        result["skipped"] = "PyTorch is not installed (make torch)"
    return result


# --- report ------------------------------------------------------------------------


def git_commit():
    """The commit measured, with ``+changes`` when the work tree differs from it."""
    import subprocess

    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return head + (" +changes" if dirty else "")


def machine(threads, torch):
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = [
        {
            k: info.get(k)
            for k in (
                "internal_api",
                "version",
                "num_threads",
                "threading_layer",
                "filepath",
            )
        }
        for info in threadpool_info()
    ]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "threads": threads,
        "torch_threads": torch.get_num_threads() if torch is not None else None,
        "blas": blas,
    }


def markdown(results):
    m = results["machine"]
    t = results["epoch_vs_torch"]
    n = len(t["repeats"])
    libraries = "; ".join(
        f"{b['internal_api']} {b['version']} ({b['num_threads']} "
        f"thread{'s' if b['num_threads'] != 1 else ''}, "
        f"{Path(b['filepath']).name})"
        for b in m["blas"]
    )
    lines = [
        f"Measured {results['date']} at commit {results.get('commit', 'unknown')} "
        f"on {m['cpu']}, {m['cores']} cores, Python "
        f"{m['python']}, NumPy {m['numpy']}; every library limited to "
        f"{m['threads']} thread(s) (PyTorch: {m['torch_threads']}). BLAS loaded: "
        f"{libraries}.",
        "",
        f"Epoch times are the median (min, max) of {n} interleaved runs.",
        "",
        "| benchmark | handprop | peer | ratio (handprop / peer) | target |",
        "| --- | --- | --- | --- | --- |",
    ]

    def seconds(key):
        return (
            f"{t[key]['median']:.3f} s (min {t[key]['min']:.3f}, "
            f"max {t[key]['max']:.3f})"
        )

    def ratio(key):
        return (
            f"**{t[key]['median']:.2f}** (min {t[key]['min']:.2f}, "
            f"max {t[key]['max']:.2f})"
        )

    epoch = "epoch, 784-256-10, batch 64, float32"
    lines.append(
        f"| {epoch}: the floor (two big matmuls per step) | | "
        f"floor: {seconds('floor_s')} | | |"
    )
    if "skipped" in t:
        lines.append(f"| {epoch}: PyTorch | | {t['skipped']} | | |")
    else:
        peer = f"PyTorch {t['torch_version']}: {seconds('torch_s')}"
        lines.append(
            f"| {epoch}: `handprop.fast.train` | {seconds('fast_s')} | {peer} | "
            f"{ratio('fast_over_torch')} | <= 0.6 |"
        )
        lines.append(
            f"| {epoch}: `handprop.train`, the core | {seconds('core_s')} | "
            f"{peer} | {ratio('core_over_torch')} | <= 1.0 |"
        )
    lines.append(
        f"| {epoch}: `handprop.fast.train` against the floor | "
        f"{seconds('fast_s')} | floor: {seconds('floor_s')} | "
        f"{ratio('fast_over_floor')} | <= 1.5 |"
    )
    targets = [
        ("fast_over_floor", "`handprop.fast.train` / floor", 1.5),
        ("fast_over_torch", "`handprop.fast.train` / PyTorch", 0.6),
        ("core_over_torch", "`handprop.train` / PyTorch", 1.0),
    ]
    verdicts = [
        f"{label} {t[key]['median']:.2f} "
        f"({'met' if t[key]['median'] <= limit else 'not met'}, target <= {limit})"
        for key, label, limit in targets
        if key in t
    ]
    lp = results["per_example_loop"]
    lines.append(
        f"| epoch, [784, 30, 10], batch 10 (median) | batched "
        f"{lp['batched_median_s']:.2f} s | per-example loop: "
        f"{lp['loop_median_s']:.2f} s | **{1 / lp['speedup_median']:.3f}** "
        f"({lp['speedup_median']:.1f}x faster) | |"
    )
    r = results["time_to_98"]
    reached = (
        f"{r['reached'][1]:.2f} s (epoch {r['reached'][0]}, "
        f"{100 * r['reached'][2]:.2f}%)"
        if r["reached"]
        else f"not reached in {r['settings']['epochs']} epochs"
    )
    lines.append(f"| time to 98.0% test accuracy | {reached} | | | <= 5 s |")
    lines.append(
        f"| peak memory of that training run (RSS) | {r['peak_rss_mb']:.0f} MB | "
        f"| | < 1024 MB |"
    )
    c = results["convnet"]
    cnn = ("epoch, ConvNet() (20 and 40 kernels 5x5, each with 2x2 max pooling, "
           "100, 10), batch 64, float32")

    def c_seconds(key):
        return (
            f"{c[key]['median']:.2f} s (min {c[key]['min']:.2f}, "
            f"max {c[key]['max']:.2f})"
        )

    def c_ratio(key):
        return (
            f"**{c[key]['median']:.2f}** (min {c[key]['min']:.2f}, "
            f"max {c[key]['max']:.2f})"
        )

    if "skipped" in c:
        lines.append(f"| {cnn}: PyTorch | | {c['skipped']} | | |")
    else:
        lines.append(
            f"| {cnn}: `handprop.train` | {c_seconds('core_s')} | PyTorch "
            f"{t.get('torch_version', '')}: {c_seconds('torch_s')} | "
            f"{c_ratio('core_over_torch')} | <= 1.5 |"
        )
        verdicts.append(
            f"ConvNet / PyTorch {c['core_over_torch']['median']:.2f} "
            f"({'met' if c['core_over_torch']['median'] <= 1.5 else 'not met'}, "
            "target <= 1.5)"
        )
    lines.append(
        f"| {cnn}: `handprop.train` against its floor (the patch and dense "
        f"products) | {c_seconds('core_s')} | floor: {c_seconds('floor_s')} | "
        f"{c_ratio('core_over_floor')} | |"
    )
    lines += ["", "Targets, by the medians: " + "; ".join(verdicts) + "."]
    bounds = []
    if "torch_s" in t:
        share = t["floor_s"]["median"] / t["torch_s"]["median"]
        bounds.append(
            f"the MLP's floor alone took {share:.2f}"
            " of PyTorch's epoch, so no trainer that does its two large products with "
            "NumPy's BLAS can go below that ratio"
        )
    if "torch_s" in c:
        share = c["floor_s"]["median"] / c["torch_s"]["median"]
        bounds.append(
            f"the ConvNet's floor took {share:.2f}"
            " of PyTorch's ConvNet epoch"
        )
    if bounds:
        lines += ["", "Bounds from below, by the medians: " + "; ".join(bounds) + "."]
    p = results["step_profile"]
    lines += [
        "",
        f"Profile of one core handprop step (784-256-10, batch 64): the two "
        f"784 x 256 matrix products take {100 * p['big_matmul_share']:.0f}% of it, "
        f"at {p['big_matmul_gflops']:.0f} GFLOP/s; PyTorch must do the same two "
        "products, so they bound the ratio from below.",
        "",
        "| part of a step | microseconds |",
        "| --- | --- |",
    ]
    lines += [f"| {name} | {us:.1f} |" for name, us in p["microseconds"].items()]
    return "\n".join(lines) + "\n"


def smoke_data(rows=640, test_rows=200):
    """Random inputs of MNIST's shape, for a quick run of every part (--smoke)."""
    rng = np.random.default_rng(0)
    X = rng.random((rows + test_rows, 784), dtype=np.float32)
    y = rng.integers(0, 10, size=rows + test_rows)
    return (X[:rows], y[:rows]), (X[rows:], y[rows:])


def main(argv=None):
    global PAUSE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads of every BLAS library and of PyTorch (default 1)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny random data, one repetition, no pauses: a check "
        "that every part runs, not a measurement",
    )
    parser.add_argument(
        "--out", type=Path, default=RESULTS, help="folder for latest.json and latest.md"
    )
    args = parser.parse_args(argv)
    torch = import_torch()
    if torch is not None:
        torch.set_num_threads(args.threads)
    with threadpool_limits(limits=args.threads):
        if args.smoke:
            PAUSE, repeats = 0.0, 1
            (X, y), test = smoke_data()
            settings98 = dict(TIME_TO_98, epochs=1)
            data98 = ((X, y), test)
        else:
            repeats, settings98, data98 = args.repeats, TIME_TO_98, None
            (X, y), _ = hp.load_mnist()
        results = {
            "date": time.strftime("%Y-%m-%d"),
            "commit": git_commit(),
            "smoke": args.smoke,
            "machine": machine(args.threads, torch),
        }
        print(
            "1. one epoch: the floor, handprop.train, handprop.fast.train, PyTorch "
            "(order rotated each repetition)",
            flush=True,
        )
        results["epoch_vs_torch"] = bench_torch(X, y, repeats, torch)
        print("2. per-example loop against the batched form", flush=True)
        n_loop = min(50_000, len(X))
        results["per_example_loop"] = bench_loop(
            X[:n_loop], y[:n_loop], 1 if args.smoke else max(3, repeats // 2)
        )
        print("3. time to 98% test accuracy", flush=True)
        results["time_to_98"] = bench_time_to_98(args.threads, settings98, data98)
        print("4. where a handprop step spends its time", flush=True)
        results["step_profile"] = bench_step_profile(X, y, 3 if args.smoke else 300)
        print("5. one epoch of the ConvNet: the floor, handprop.train, PyTorch",
              flush=True)
        results["convnet"] = bench_convnet(X, y, repeats, torch)
    args.out.mkdir(parents=True, exist_ok=True)
    table = markdown(results)
    for name, text in (
        ("latest.json", json.dumps(results, indent=2)),
        ("latest.md", table),
    ):
        tmp = args.out / (name + ".tmp")  # written whole, then renamed
        tmp.write_text(text)
        tmp.replace(args.out / name)
    print()
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
