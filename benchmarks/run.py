"""Benchmarks of handprop against its peers, side by side in one process run.

    make bench            (or: python benchmarks/run.py [--repeats 5])

1. Epoch time: the 784-256-10 sigmoid/softmax network, float32, the same initial
   weights, the same order of mini-batches of 64 and the same learning rate, trained
   for one epoch by ``handprop.train`` (the core, written like the book), by
   ``handprop.fast.train`` and by PyTorch (CPU), in turn, in one process; beside them
   the *floor*: the two 784 x 256 matrix products of every step (forward X W1 and
   backward X^T delta1) alone, which any implementation must do.  All three must end
   at the same weights (float32 tolerance), so the comparison is of the same work.
   Reported as ratios: fast / PyTorch, fast / floor, core / PyTorch.
2. The per-example loop of the course project (003, after Nielsen; [784, 30, 10], batch 10)
   against handprop's batched form on the same network.
3. Time to 98%: wall time of handprop's training until the test accuracy reaches 98.0%,
   with the peak memory (resident set) of that run.

Results go to benchmarks/results/latest.json and latest.md; README.md shows the table.
PyTorch is optional: ``pip install torch==2.13.0`` (CPU); without it part 1 is skipped.
"""

from __future__ import annotations

import os

import argparse
import json
import multiprocessing
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import handprop as hp

RESULTS = Path(__file__).resolve().parent / "results"
LR, BATCH, SIZES = 0.1, 64, [784, 256, 10]
PAUSE = 1.0  # seconds between timed runs


# --- 1. handprop against PyTorch ---------------------------------------------------------

def torch_epoch(torch, init_params, X, y, order, lr, batch_size):
    """One epoch of plain SGD in PyTorch, idiomatic: autograd, F.cross_entropy, no_grad update."""
    params = [torch.tensor(a).clone().requires_grad_(True) for W, b in init_params for a in (W, b)]
    W1, b1, W2, b2 = params
    X_t, y_t, order_t = torch.from_numpy(X), torch.from_numpy(y), torch.from_numpy(order)
    start = time.perf_counter()
    for i in range(0, len(X), batch_size):
        idx = order_t[i:i + batch_size]
        logits = torch.sigmoid(X_t[idx] @ W1 + b1) @ W2 + b2
        loss = torch.nn.functional.cross_entropy(logits, y_t[idx])
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
    seconds = time.perf_counter() - start
    with torch.no_grad():
        final = torch.nn.functional.cross_entropy(torch.sigmoid(X_t @ W1 + b1) @ W2 + b2, y_t).item()
    return seconds, final, [p.detach().numpy() for p in params]


def handprop_epoch(trainer, init_params, X, y, seed, lr, batch_size):
    net = hp.MLP(SIZES, dtype=np.float32)
    net.params = [(W.copy(), b.copy()) for W, b in init_params]
    history = trainer(net, X, y, epochs=1, batch_size=batch_size, lr=lr, seed=seed,
                      evaluate_train=False, verbose=False)
    final = hp.evaluate(net, X, y)[0]
    return history.train_seconds, final, [a for W, b in net.params for a in (W, b)]


def floor_epoch(init_params, X, order, batch_size):
    """The two large matrix products of every step of an epoch, and nothing else."""
    W1 = init_params[0][0]
    Xs = X[order]
    Z = np.empty((batch_size, W1.shape[1]), dtype=X.dtype)
    G = np.empty_like(W1)
    start = time.perf_counter()
    for i in range(0, len(X), batch_size):
        Xb = Xs[i:i + batch_size]
        Zb = np.matmul(Xb, W1, out=Z[:len(Xb)])
        np.matmul(Xb.T, Zb, out=G)
    return time.perf_counter() - start


def bench_torch(X, y, repeats):
    try:
        import torch
    except ImportError:
        torch = None
    rows = []
    for rep in range(repeats):
        init = hp.MLP(SIZES, dtype=np.float32, seed=rep).params
        order = np.random.default_rng(rep).permutation(len(X))  # the order hp.train draws for seed=rep
        # Each library's idle worker threads spin for a moment after its last operation;
        # a pause lets them go to sleep so that no run pays for another's threads.
        row = {}
        time.sleep(PAUSE)
        row["floor_s"] = floor_epoch(init, X, order, BATCH)
        time.sleep(PAUSE)
        row["core_s"], core_loss, core_params = handprop_epoch(hp.train, init, X, y, rep, LR, BATCH)
        time.sleep(PAUSE)
        row["fast_s"], fast_loss, fast_params = handprop_epoch(hp.fast.train, init, X, y, rep, LR,
                                                               BATCH)
        compared = [("handprop.fast", fast_params)]
        if torch is not None:
            time.sleep(PAUSE)
            row["torch_s"], torch_loss, torch_params = torch_epoch(torch, init, X, y, order, LR, BATCH)
            compared.append(("PyTorch", torch_params))
        for name, params in compared:
            diff = max(hp.relative_error(a, b) for a, b in zip(core_params, params))
            if diff > 1e-3:
                raise RuntimeError(f"handprop.train and {name} diverged: parameters differ by "
                                   f"{diff:.1e}; the comparison is not of the same work")
        row["fast_over_floor"] = row["fast_s"] / row["floor_s"]
        if torch is not None:
            row["fast_over_torch"] = row["fast_s"] / row["torch_s"]
            row["core_over_torch"] = row["core_s"] / row["torch_s"]
        rows.append(row)
        print("  rep " + str(rep) + ": " + ", ".join(f"{k} {v:.3f}" for k, v in row.items()),
              flush=True)
    result = {"repeats": rows}
    for key in rows[0]:
        values = [r[key] for r in rows]
        result[key] = {"median": statistics.median(values), "min": min(values), "max": max(values)}
    if torch is None:
        result["skipped"] = "PyTorch is not installed (pip install torch==2.13.0)"
    else:
        result["torch_version"] = torch.__version__
        result["torch_threads"] = torch.get_num_threads()
    return result


# --- 2. the per-example loop against the batched form ---------------------------------

def per_example_epoch(net, X, y, lr, batch_size, seed):
    """The course project's (003) way: backpropagate one example at a time, sum, step."""
    order = np.random.default_rng(seed).permutation(len(X))
    start = time.perf_counter()
    for i in range(0, len(X), batch_size):
        idx = order[i:i + batch_size]
        total = [(np.zeros_like(W), np.zeros_like(b)) for W, b in net.params]
        for j in idx:
            _, g = net.loss_and_gradients(X[j:j + 1], y[j:j + 1])
            for (tW, tb), (gW, gb) in zip(total, g):
                tW += gW
                tb += gb
        for (W, b), (tW, tb) in zip(net.params, total):
            W -= lr / len(idx) * tW
            b -= lr / len(idx) * tb
    return time.perf_counter() - start


def bench_loop(X, y, repeats):
    # Same work: on float64 copies, the loop's summed gradient / N equals the batched one.
    check = hp.MLP([784, 30, 10], activation="sigmoid", cost="quadratic", init="normal", seed=0)
    Xb, yb = X[:10].astype(np.float64), y[:10]
    _, batched_grads = check.loss_and_gradients(Xb, yb)
    looped = [check.loss_and_gradients(Xb[j:j + 1], yb[j:j + 1])[1] for j in range(10)]
    for l, (gW, gb) in enumerate(batched_grads):
        if hp.relative_error(gW, sum(g[l][0] for g in looped) / 10) > 1e-10:
            raise RuntimeError("per-example loop and batched form compute different gradients")
    rows = []
    for rep in range(repeats):
        kwargs = dict(activation="sigmoid", cost="quadratic", init="normal", seed=rep, dtype=np.float32)
        looped = hp.MLP([784, 30, 10], **kwargs)
        t_loop = per_example_epoch(looped, X, y, 3.0, 10, rep)
        batched = hp.MLP([784, 30, 10], **kwargs)
        t_batch = hp.train(batched, X, y, epochs=1, batch_size=10, lr=3.0, seed=rep,
                           evaluate_train=False, verbose=False).train_seconds
        rows.append({"loop_s": t_loop, "batched_s": t_batch, "speedup": t_loop / t_batch})
        print(f"  rep {rep}: loop {t_loop:.2f} s, batched {t_batch:.2f} s, speed-up {t_loop / t_batch:.1f}x",
              flush=True)
    return {"loop_median_s": statistics.median(r["loop_s"] for r in rows),
            "batched_median_s": statistics.median(r["batched_s"] for r in rows),
            "speedup_median": statistics.median(r["speedup"] for r in rows), "repeats": rows}


# --- 3. time to 98% (handprop.fast) ---------------------------------------------------

# The fast recipe of the training chapter (notebooks/07_training.ipynb, "A faster recipe").
TIME_TO_98 = dict(sizes=[784, 256, 10], activation="relu", init="he", batch_size=128, momentum=0.9,
                  eta_max=0.2, epochs=5, dtype="float32")


def _time_to_98(queue):
    (X, y), (X_test, y_test) = hp.load_mnist()
    s = TIME_TO_98
    net = hp.MLP(s["sizes"], activation=s["activation"], init=s["init"], seed=0, dtype=np.dtype(s["dtype"]))
    lr = lambda e: 0.5 * s["eta_max"] * (1 + np.cos(np.pi * (e - 1) / s["epochs"]))
    curve = []

    def check(epoch, history):
        curve.append((epoch, history.train_seconds, hp.accuracy(y_test, net.predict(X_test))))

    hp.fast.train(net, X, y, epochs=s["epochs"], batch_size=s["batch_size"], lr=lr,
                  momentum=s["momentum"], evaluate_train=False, verbose=False, callback=check)
    reached = next(((e, t, a) for e, t, a in curve if a >= 0.98), None)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put({"settings": s, "curve": curve, "reached": reached, "peak_rss_mb": peak_rss_mb})


def bench_time_to_98():
    ctx = multiprocessing.get_context("spawn")  # a fresh process, so its peak memory is its own
    queue = ctx.Queue()
    proc = ctx.Process(target=_time_to_98, args=(queue,))
    proc.start()
    result = queue.get()
    proc.join()
    for e, t, a in result["curve"]:
        print(f"  epoch {e}: {t:.2f} s of training, test accuracy {100 * a:.2f}%", flush=True)
    return result


# --- 4. where a handprop step spends its time ------------------------------------------

def bench_step_profile(X, y, repeats=300):
    """Time each part of one core training step (784-256-10, batch 64, float32) alone."""
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

    parts = {
        "gather the batch X[idx]": lambda: X[idx],
        "forward matmul X W1 (64x784x256)": lambda: Xb @ W1,
        "backward matmul X^T delta1 (784x64x256)": lambda: Xb.T @ delta1,
        "sigmoid of Z1, and sigma'(Z1)": lambda: (hp.sigmoid(Z1), hp.sigmoid_prime(Z1)),
        "small matmuls (H W2, H^T delta2, delta2 W2^T)": lambda: (H @ W2, H.T @ delta2,
                                                                 delta2 @ W2.T),
        "cross-entropy and its gradient": lambda: (hp.cross_entropy(Z2, yb),
                                                   hp.cross_entropy_gradient(Z2, yb)),
        "update W1 -= eta g": lambda: W1_copy.__isub__(LR * G1),
        "whole step (loss_and_gradients + update)": whole_step,
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
    whole = result["whole step (loss_and_gradients + update)"]
    big = result["forward matmul X W1 (64x784x256)"] + result["backward matmul X^T delta1 (784x64x256)"]
    flops = 2 * 2 * BATCH * 784 * 256
    for name, t in result.items():
        print(f"  {name:48} {1e6 * t:8.1f} us  {100 * t / whole:5.1f}% of a step", flush=True)
    return {"microseconds": {k: 1e6 * v for k, v in result.items()},
            "big_matmul_share": big / whole, "big_matmul_gflops": flops / big / 1e9}


# --- report --------------------------------------------------------------------------------

def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "platform": platform.platform()}


def markdown(results):
    m = results["machine"]
    lines = [f"Measured {results['date']} on {m['cpu']}, {m['cores']} cores, Python {m['python']}, "
             f"NumPy {m['numpy']}.", "",
             "| benchmark | handprop | peer | ratio (handprop / peer) | target |",
             "| --- | --- | --- | --- | --- |"]
    t = results["epoch_vs_torch"]
    n = len(t["repeats"])

    def cell(key):
        return f"**{t[key]['median']:.2f}** (min {t[key]['min']:.2f}, max {t[key]['max']:.2f})"

    lines.append(f"| epoch, 784-256-10, batch 64, float32: the floor (two big matmuls per step) | "
                 f"| | {t['floor_s']['median']:.3f} s | |")
    if "skipped" in t:
        lines.append(f"| epoch: PyTorch | | {t['skipped']} | | |")
    else:
        peer = f"PyTorch {t['torch_version']}: {t['torch_s']['median']:.3f} s"
        lines.append(f"| epoch: `handprop.fast.train` ({n} runs, median) | "
                     f"{t['fast_s']['median']:.3f} s | {peer} | {cell('fast_over_torch')} | <= 0.6 |")
        lines.append(f"| epoch: `handprop.train`, the core ({n} runs, median) | "
                     f"{t['core_s']['median']:.3f} s | {peer} | {cell('core_over_torch')} | <= 1.0 |")
    lines.append(f"| epoch: `handprop.fast.train` against the floor | {t['fast_s']['median']:.3f} s | "
                 f"floor: {t['floor_s']['median']:.3f} s | {cell('fast_over_floor')} | <= 1.5 |")
    lp = results["per_example_loop"]
    lines.append(f"| epoch, [784, 30, 10], batch 10 (median) | batched {lp['batched_median_s']:.2f} s | "
                 f"per-example loop: {lp['loop_median_s']:.2f} s | **{1 / lp['speedup_median']:.3f}** "
                 f"({lp['speedup_median']:.1f}x faster) | |")
    r = results["time_to_98"]
    reached = (f"{r['reached'][1]:.2f} s (epoch {r['reached'][0]}, {100 * r['reached'][2]:.2f}%)"
               if r["reached"] else "not reached in " + str(r["settings"]["epochs"]) + " epochs")
    lines.append(f"| time to 98.0% test accuracy | {reached} | | | <= 5 s |")
    lines.append(f"| peak memory of that training run (RSS) | {r['peak_rss_mb']:.0f} MB | | | < 1024 MB |")
    p = results["step_profile"]
    lines += ["", f"Profile of one core handprop step (784-256-10, batch 64): the two 784 x 256 matrix products "
              f"take {100 * p['big_matmul_share']:.0f}% of it, at {p['big_matmul_gflops']:.0f} GFLOP/s; "
              "PyTorch must do the same two products, so they bound the ratio from below.", "",
              "| part of a step | microseconds |", "| --- | --- |"]
    lines += [f"| {name} | {us:.1f} |" for name, us in p["microseconds"].items()]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    (X, y), _ = hp.load_mnist()
    results = {"date": time.strftime("%Y-%m-%d"), "machine": machine()}
    print("1. one epoch: floor, handprop.train, handprop.fast.train, PyTorch (in turn)", flush=True)
    results["epoch_vs_torch"] = bench_torch(X, y, args.repeats)
    print("2. per-example loop against the batched form", flush=True)
    results["per_example_loop"] = bench_loop(X[:50_000], y[:50_000], max(3, args.repeats // 2))
    print("3. time to 98% test accuracy", flush=True)
    results["time_to_98"] = bench_time_to_98()
    print("4. where a handprop step spends its time", flush=True)
    results["step_profile"] = bench_step_profile(X, y)
    RESULTS.mkdir(exist_ok=True)
    tmp = RESULTS / "latest.json.tmp"
    tmp.write_text(json.dumps(results, indent=2))
    tmp.replace(RESULTS / "latest.json")
    table = markdown(results)
    (RESULTS / "latest.md").write_text(table)
    print()
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
