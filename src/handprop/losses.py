"""Losses of the output layer, each with its gradient with respect to the logits.

For a batch of N examples (one per row) with logits Z (N x K) and integer labels
y, each loss is the *mean* over the batch, and each gradient is dL/dZ of that mean,
so its rows carry the factor 1/N.  Every weight and bias gradient downstream
inherits that one factor; nothing else in the network rescales (the sources that
sum one gradient and average another are shown wrong in the book).
"""

from __future__ import annotations

import numpy as np

from .activations import log_softmax, sigmoid, softmax

__all__ = [
    "one_hot",
    "cross_entropy",
    "cross_entropy_from_probabilities",
    "softmax_cross_entropy_gradient",
    "softmax_cross_entropy",
    "quadratic",
    "sigmoid_quadratic_gradient",
]


def one_hot(y, num_classes, dtype=np.float64):
    """Rows of the K x K identity picked by the labels: y_i -> e_{y_i}."""
    y = np.asarray(y)
    out = np.zeros((y.shape[0], num_classes), dtype=dtype)
    out[np.arange(y.shape[0]), y] = 1
    return out


def cross_entropy(logits, y):
    """Mean cross-entropy L = -(1/N) sum_i log softmax(z_i)_{y_i}, from logits.

    Working from logits through log-softmax is exact where the probability form
    -log(y_hat) would hit log(0): a logit gap of 1e4 gives a loss of 1e4, not inf.
    """
    logits = np.asarray(logits)
    n = logits.shape[0]
    return float(-log_softmax(logits)[np.arange(n), y].mean())


def cross_entropy_from_probabilities(probabilities, y, eps=1e-12):
    """The sources' form: -(1/N) sum_i log clip(y_hat_i[y_i], eps, 1 - eps).

    Kept for the book's comparison: the clip caps the loss at -log(eps) ~ 27.6 and
    sets its gradient to zero exactly where the model is most wrong.
    """
    p = np.clip(np.asarray(probabilities), eps, 1.0 - eps)
    n = p.shape[0]
    return float(-np.log(p[np.arange(n), y]).mean())


def softmax_cross_entropy_gradient(logits, y):
    """dL/dZ = (softmax(Z) - Y) / N for the mean cross-entropy, Y one-hot.

    The softmax Jacobian diag(y_hat) - y_hat y_hat^T and the cross-entropy
    derivative -y / y_hat multiply out to this difference; the book derives it.
    """
    p = softmax(logits)
    n = p.shape[0]
    p[np.arange(n), y] -= 1.0
    p /= n
    return p


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy and its gradient (softmax(Z) - Y) / N in one pass.

    The same numbers as ``cross_entropy`` and ``softmax_cross_entropy_gradient``,
    sharing the shifted exponentials: training calls this once per step.
    """
    z = np.asarray(logits)
    n = z.shape[0]
    rows = np.arange(n)
    e = z - z.max(axis=1, keepdims=True)
    true_shifted = e[rows, y].sum(dtype=np.float64)
    np.exp(e, out=e)
    total = e.sum(axis=1)
    loss = (np.log(total).sum(dtype=np.float64) - true_shifted) / n
    total *= n
    e /= total[:, None]
    e[rows, y] -= 1.0 / n
    return float(loss), e


def quadratic(outputs, y):
    """Mean quadratic cost C = (1/N) sum_i (1/2) ||a_i - e_{y_i}||^2 (Nielsen's cost)."""
    a = np.asarray(outputs)
    diff = a - one_hot(y, a.shape[1], a.dtype)
    return float(0.5 * np.einsum("ij,ij->", diff, diff) / a.shape[0])


def sigmoid_quadratic_gradient(logits, y):
    """dC/dZ = (a - Y) * sigma'(z) / N for sigmoid outputs a = sigma(z).

    The factor sigma'(z) = a (1 - a) is what slows learning when an output unit
    is saturated and wrong; cross-entropy with softmax has no such factor.
    """
    a = sigmoid(logits)
    diff = a - one_hot(y, a.shape[1], a.dtype)
    return diff * a * (1.0 - a) / a.shape[0]
