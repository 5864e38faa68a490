"""Accuracy, batched evaluation and the confusion matrix."""

from __future__ import annotations

import numpy as np

from .inputs import class_labels, whole_number

__all__ = ["accuracy", "evaluate", "confusion_matrix"]


def accuracy(y_true, y_pred):
    """Fraction of labels predicted correctly, in [0, 1]."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true has shape {y_true.shape} but y_pred has {y_pred.shape}"
        )
    return float(np.mean(y_true == y_pred)) if y_true.size else float("nan")


def evaluate(net, X, y, batch_size=10_000):
    """(mean loss, accuracy) of ``net`` on ``(X, y)``, in chunks of ``batch_size`` rows.

    The loss is ``net.loss``'s, weighted by the size of each chunk, so the result
    is the mean over all rows whatever the chunking.
    """
    batch_size = whole_number("batch_size", batch_size)
    X = net.check_inputs(X)
    y = net.check_labels(y, len(X))
    if len(X) == 0:
        raise ValueError("cannot evaluate on an empty set")
    total, correct = 0.0, 0
    for i in range(0, len(X), batch_size):
        Xb, yb = X[i : i + batch_size], y[i : i + batch_size]
        Z = net.logits(Xb)
        total += net.loss_function.value(Z, yb) * len(Xb)
        correct += int(np.sum(Z.argmax(axis=1) == yb))
    return total / len(X), correct / len(X)


def confusion_matrix(y_true, y_pred, num_classes=10):
    """C[i, j] = number of examples of true class i predicted as class j.

    Both label arrays must hold whole numbers in [0, num_classes - 1]: a label
    of -1 or 10 is an error, not a count in some other class.
    """
    y_true = class_labels(y_true, num_classes)
    y_pred = class_labels(y_pred, num_classes, len(y_true))
    C = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C
