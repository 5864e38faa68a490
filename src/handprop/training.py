"""Mini-batch stochastic gradient descent, with optional momentum.

One step on a mini-batch B of the training set, for every parameter theta:

    g = dL_B/dtheta                          (``net.loss_and_gradients``)
    v <- mu v - eta g,   theta <- theta + v   (mu = momentum; v starts at 0)

With mu = 0 this is plain SGD, theta <- theta - eta g.  An epoch visits every
training example once, in the order ``np.random.default_rng(seed).permutation``
draws for it, so the same seed gives the same batches (``handprop.fast.train``
visits them in the same order).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .metrics import evaluate

__all__ = [
    "History",
    "train",
    "check_schedule",
    "check_training_set",
    "epoch_batches",
]


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


def check_schedule(epochs, batch_size, lr, momentum):
    """Validate the settings of a run; return the learning rates eta, one per epoch.

    A schedule ``lr(epoch)`` is called exactly once for each epoch 1..epochs,
    here, before the first step: a bad value stops the run before it trains
    anything, and a schedule that counts its calls sees each epoch once.
    """
    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if not (isinstance(value, (int, np.integer)) and value > 0):
            raise ValueError(f"{name} must be a positive whole number, got {value!r}")
    etas = []
    for epoch in range(1, epochs + 1):
        value = lr(epoch) if callable(lr) else lr
        where = f" for epoch {epoch}" if callable(lr) else ""
        try:
            eta = float(value)
        except (TypeError, ValueError):
            eta = None
        if eta is None or not 0 < eta < np.inf:
            raise ValueError(
                f"the learning rate{where} must be a positive number, got {value!r}"
            )
        etas.append(eta)
    if not 0.0 <= float(momentum) < 1.0:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    return etas


def check_training_set(net, X, y):
    """X and y as the network checks them; an empty training set is an error."""
    X = net.check_inputs(X)  # one conversion to the network's dtype for the whole run
    y = net.check_labels(y, len(X))
    if len(X) == 0:
        raise ValueError(
            "the training set is empty (X has no rows): pass at least one example"
        )
    return X, y


def epoch_batches(n, batch_size, rng):
    """The index arrays of one epoch's mini-batches: a fresh permutation of 0..n-1,
    cut into runs of ``batch_size`` (the last may be shorter)."""
    order = rng.permutation(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def report_epoch(net, epoch, epochs, history, train_set, validation, verbose):
    """After an epoch: evaluate, record in ``history``, print one line.

    The line fits a printed page (about 60 characters): the epoch, then the mean
    loss and the accuracy on each set measured, then the epoch's seconds, as in
    ``epoch  3/20  train 0.0812  97.61%  val 0.0977  97.02%  1.84 s``.
    """
    parts = [f"epoch {epoch:>{len(str(epochs))}}/{epochs}"]
    for name, data in (("train", train_set), ("val", validation)):
        if data is None:
            continue
        loss, acc = evaluate(net, *data)
        getattr(history, f"{name}_loss").append(loss)
        getattr(history, f"{name}_accuracy").append(acc)
        parts.append(f"{name} {loss:.4f} {100 * acc:6.2f}%")
    if not np.isfinite(history.step_loss[-1]):
        parts.append("(loss is not finite: lower the learning rate)")
    parts.append(f"{history.epoch_seconds[-1]:.2f} s")
    if verbose:
        print("  ".join(parts), flush=True)


def train(net, X, y, *, epochs, batch_size, lr, momentum=0.0, validation=None, seed=0,
          evaluate_train=True, verbose=True, callback=None):
    """Train ``net`` in place by mini-batch SGD and return a ``History``.

    Parameters
    ----------
    net : MLP
    X, y : training inputs (N, n_0) and integer labels (N,)
    epochs, batch_size : passes over the data and rows per step (the last batch
        of an epoch may be smaller).
    lr : the learning rate eta, or a function ``lr(epoch)`` of the epoch (1, 2, ...)
        giving eta for that epoch (a schedule), called once per epoch, all before
        the first step (``check_schedule``).  The gradient is that of the *mean*
        loss over the batch, so eta does not scale with the batch size.
    momentum : mu in [0, 1); 0 is plain SGD.
    validation : optional ``(X_val, y_val)``, evaluated after every epoch.
    seed : seeds the order of the examples in every epoch.
    evaluate_train : measure loss and accuracy on the whole training set after
        each epoch (one more forward pass over it).
    verbose : print one line per epoch.
    callback : optional ``callback(epoch, history)`` called after each epoch.
    """
    etas = check_schedule(epochs, batch_size, lr, momentum)
    X, y = check_training_set(net, X, y)
    rng = np.random.default_rng(seed)
    velocity = [(np.zeros_like(W), np.zeros_like(b)) for W, b in net.params]
    history = History()
    for epoch in range(1, epochs + 1):
        eta = etas[epoch - 1]
        start = time.perf_counter()
        for batch in epoch_batches(len(X), batch_size, rng):
            loss, grads = net.loss_and_gradients(X[batch], y[batch])
            history.step_loss.append(loss)
            for (W, b), (gW, gb), (vW, vb) in zip(net.params, grads, velocity):
                vW *= momentum  # v <- mu v - eta g
                vW -= eta * gW
                vb *= momentum
                vb -= eta * gb
                W += vW  # theta <- theta + v
                b += vb
        history.epoch_seconds.append(time.perf_counter() - start)
        train_set = (X, y) if evaluate_train else None
        report_epoch(net, epoch, epochs, history, train_set, validation, verbose)
        if callback is not None:
            callback(epoch, history)
    return history
