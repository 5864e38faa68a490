"""Losses of the output layer, each a function of the logits, with its gradient.

Every loss here takes the same input: the logits Z = z^(L) (N x K, one row per
example) and the integer labels y (N,).  Each returns the *mean* over the batch,
and each gradient is dL/dZ of that mean, so its rows carry the factor 1/N:

    cross-entropy, softmax outputs:   L = -(1/N) sum_n log softmax(z_n)_{y_n}
                                      dL/dZ = (Y_hat - Y) / N          (bp1)
    quadratic, sigmoid outputs:       C = (1/N) sum_n (1/2) ||sigma(z_n) - y_n||^2
                                      dC/dZ = (A - Y) * sigma'(Z) / N

Every weight and bias gradient downstream inherits that one 1/N; nothing else in
the network rescales (the blog post that sums one gradient over the batch and
averages another is shown wrong in the book).  A ``Loss`` bundles a loss with its
gradient and its output function, and the network uses the same pair to report
the loss and to differentiate it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .activations import as_float_array, log_softmax, sigmoid, sigmoid_prime, softmax
from .inputs import class_labels

__all__ = [
    "Loss",
    "LOSSES",
    "one_hot",
    "cross_entropy",
    "cross_entropy_gradient",
    "cross_entropy_from_probabilities",
    "quadratic",
    "quadratic_gradient",
]


def one_hot(y, num_classes, dtype=np.float64):
    """The rows of the K x K identity picked by the labels: y_n -> e_{y_n}."""
    return np.eye(num_classes, dtype=dtype)[class_labels(y, num_classes)]


def _logits_and_labels(logits, y):
    """Logits as a 2-d float array and labels as one-hot rows of the same dtype."""
    Z = as_float_array(logits)
    if Z.ndim != 2:
        raise ValueError(
            f"expected logits of shape (N, K), one row per example, got {Z.shape}"
        )
    Y = one_hot(y, Z.shape[1], Z.dtype)
    if len(Y) != len(Z):
        raise ValueError(f"{len(Z)} rows of logits but {len(Y)} labels")
    return Z, Y


def cross_entropy(logits, y):
    """Mean cross-entropy L = -(1/N) sum_n log softmax(z_n)_{y_n}, from the logits.

    Working through log-softmax stays exact where the probability form
    -log(y_hat) would meet log(0): a logit gap of 1e4 gives a loss of 1e4, not inf.
    """
    Z, Y = _logits_and_labels(logits, y)
    return float(-np.sum(Y * log_softmax(Z)) / len(Z))


def cross_entropy_gradient(logits, y):
    """dL/dZ = (softmax(Z) - Y) / N for the mean cross-entropy, Y one-hot: (bp1).

    The softmax Jacobian diag(y_hat) - y_hat y_hat^T times the cross-entropy's
    derivative -y / y_hat collapses to this difference; the book derives it.
    """
    Z, Y = _logits_and_labels(logits, y)
    return (softmax(Z) - Y) / len(Z)


def cross_entropy_from_probabilities(probabilities, y, tau=1e-12):
    """The blog post's form: -(1/N) sum_n log clip(y_hat_n[y_n], tau, 1 - tau).

    Kept for the book's comparison: the clip caps the loss at -log(tau) ~ 27.6 and
    sets its gradient to zero exactly where the model is most wrong.
    """
    P, Y = _logits_and_labels(probabilities, y)
    P = np.clip(P, tau, 1.0 - tau)
    return float(-np.sum(Y * np.log(P)) / len(P))


def quadratic(logits, y):
    """Nielsen's mean quadratic cost, C = (1/N) sum_n (1/2) ||sigma(z_n) - y_n||^2."""
    Z, Y = _logits_and_labels(logits, y)
    diff = sigmoid(Z) - Y
    return float(0.5 * np.sum(diff * diff) / len(Z))


def quadratic_gradient(logits, y):
    """dC/dZ = (sigma(Z) - Y) * sigma'(Z) / N.

    The factor sigma'(z) is what slows learning when an output unit is saturated
    and wrong; cross-entropy with softmax has no such factor.
    """
    Z, Y = _logits_and_labels(logits, y)
    return (sigmoid(Z) - Y) * sigmoid_prime(Z) / len(Z)


@dataclass(frozen=True)
class Loss:
    """A loss of the logits: its name, the outputs it reads, its value and gradient.

    ``output(Z)`` turns logits into the network's outputs (softmax probabilities,
    or sigmoids); ``value(Z, y)`` is the mean loss; ``gradient(Z, y)`` is dL/dZ.
    """

    name: str
    output: Callable
    value: Callable
    gradient: Callable


LOSSES = {
    "cross_entropy": Loss(
        "cross_entropy", softmax, cross_entropy, cross_entropy_gradient
    ),
    "quadratic": Loss("quadratic", sigmoid, quadratic, quadratic_gradient),
}
