"""Mini-batch stochastic gradient descent, with optional momentum.

One step on a mini-batch B of the training set:

    g = dL_B/dtheta                      (``net.loss_and_gradients``)
    v <- mu v - eta g,  theta <- theta + v    (mu = momentum; mu = 0 is plain SGD)

An epoch visits every training example once, in an order drawn from
``np.random.default_rng(seed)``, so the same seed gives the same run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .metrics import evaluate

__all__ = ["History", "train"]


@dataclass
class History:
    """What ``train`` measured.

    ``step_loss`` has one entry per mini-batch (the batch's mean loss before its
    update); the ``train_*`` and ``val_*`` lists have one entry per epoch,
    measured on the whole set after the epoch (``val_*`` stay empty without a
    validation set, ``train_*`` without ``evaluate_train``).
    """

    step_loss: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    epoch_seconds: list = field(default_factory=list)

    @property
    def epochs(self):
        return len(self.epoch_seconds)

    @property
    def train_seconds(self):
        """Seconds spent in the SGD steps, excluding the per-epoch evaluations."""
        return float(sum(self.epoch_seconds))


def _check_positive(name, value):
    if not value > 0:
        raise ValueError(f"{name} must be positive, got {value!r}")


def train(net, X, y, *, epochs, batch_size, lr, momentum=0.0, validation=None, seed=0,
          evaluate_train=True, verbose=True, callback=None):
    """Train ``net`` in place by mini-batch SGD and return a ``History``.

    Parameters
    ----------
    net : MLP
    X, y : training inputs (N, n_in) and integer labels (N,)
    epochs, batch_size : passes over the data and rows per step (the last batch
        of an epoch may be smaller).
    lr : the learning rate eta, or a function ``lr(epoch)`` of the epoch (1, 2, ...)
        giving eta for that epoch (a schedule).  The gradient is that of the *mean*
        loss over the batch, so eta does not depend on the batch size's scale.
    momentum : mu in [0, 1); 0 is plain SGD.
    validation : optional ``(X_val, y_val)``, evaluated after every epoch.
    seed : seeds the order of the examples in every epoch.
    evaluate_train : measure loss and accuracy on the whole training set after
        each epoch (costs one forward pass).
    verbose : print one line per epoch (works in a terminal and in a notebook).
    callback : optional ``callback(epoch, history)`` called after each epoch.
    """
    _check_positive("epochs", epochs)
    _check_positive("batch_size", batch_size)
    schedule = lr if callable(lr) else (lambda epoch: lr)
    for epoch in range(1, epochs + 1):
        _check_positive(f"lr for epoch {epoch}" if callable(lr) else "lr", schedule(epoch))
    if not 0.0 <= momentum < 1.0:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    X = net._check_inputs(X)  # one conversion to the network's dtype, not one per batch
    y = net._check_labels(y, X.shape[0])
    if validation is not None:
        X_val = net._check_inputs(validation[0])
        y_val = net._check_labels(validation[1], X_val.shape[0])
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    velocity = net.zeros_like_params() if momentum else None
    # Buffers reused by every step, so the loop allocates nothing large: the batch,
    # and eta * gradient for every parameter.
    X_batch = np.empty((min(batch_size, n), X.shape[1]), dtype=X.dtype)
    steps = net.zeros_like_params()
    history = History()
    width = len(str(epochs))
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        eta = schedule(epoch)
        order = rng.permutation(n)
        for i in range(0, n, batch_size):
            idx = order[i:i + batch_size]
            Xb = np.take(X, idx, axis=0, out=X_batch[:len(idx)])
            # scale=eta: the gradients arrive multiplied by the learning rate already;
            # check=False: X and y were checked once, above
            loss, steps = net.loss_and_gradients(Xb, y[idx], out=steps, scale=eta, check=False)
            history.step_loss.append(loss)
            for layer, (sW, sb) in enumerate(steps):
                W, b = net.params[layer]
                if velocity is None:          # theta <- theta - eta g
                    W -= sW
                    b -= sb
                else:                         # v <- mu v - eta g;  theta <- theta + v
                    vW, vb = velocity[layer]
                    vW *= momentum
                    vW -= sW
                    vb *= momentum
                    vb -= sb
                    W += vW
                    b += vb
        history.epoch_seconds.append(time.perf_counter() - start)
        parts = [f"epoch {epoch:>{width}}/{epochs}"]
        if evaluate_train:
            tl, ta = evaluate(net, X, y)
            history.train_loss.append(tl)
            history.train_accuracy.append(ta)
            parts.append(f"train loss {tl:.4f} acc {100 * ta:6.2f}%")
        if validation is not None:
            vl, va = evaluate(net, X_val, y_val)
            history.val_loss.append(vl)
            history.val_accuracy.append(va)
            parts.append(f"val loss {vl:.4f} acc {100 * va:6.2f}%")
        if not np.isfinite(history.step_loss[-1]):
            parts.append("(loss is not finite: lower the learning rate)")
        parts.append(f"{history.epoch_seconds[-1]:.2f} s")
        if verbose:
            print("  ".join(parts), flush=True)
        if callback is not None:
            callback(epoch, history)
    return history
