"""Hidden-layer activations and the softmax, with the derivatives backpropagation needs.

Notation (see the book's notation page): a layer computes the pre-activation
``z = W^T a_prev + b`` and the activation ``a = phi(z)``.  Backpropagation needs
``phi'(z)``.  For the three activations here ``phi'(z)`` can be written in terms of
the output ``a`` alone, so the network keeps only ``a`` in its forward cache:

    sigmoid:  phi'(z) = a (1 - a)
    tanh:     phi'(z) = 1 - a^2
    relu:     phi'(z) = 1 if z > 0 else 0  (= 1 if a > 0 else 0)

Every function is elementwise except ``softmax`` and ``log_softmax``, which act
on the last axis (one row per example).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = [
    "Activation",
    "ACTIVATIONS",
    "sigmoid",
    "sigmoid_prime",
    "tanh",
    "tanh_prime",
    "relu",
    "relu_prime",
    "softmax",
    "log_softmax",
]


def sigmoid(z, out=None):
    """The logistic function sigma(z) = 1 / (1 + e^{-z}).

    For z below about -709 (float64) e^{-z} overflows to inf and 1/inf is exactly
    0, the correctly rounded answer, so the overflow warning is silenced rather
    than the formula changed.  ``out=z`` computes in place, as the network does.
    """
    z = np.asarray(z)
    out = np.negative(z, out=out)
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1.0
    np.reciprocal(out, out=out)
    return out


def sigmoid_prime(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)), evaluated at the pre-activation z."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z, out=None):
    """The hyperbolic tangent."""
    return np.tanh(z, out=out)


def tanh_prime(z):
    """tanh'(z) = 1 - tanh(z)^2."""
    t = np.tanh(z)
    return 1.0 - t * t


def relu(z, out=None):
    """The rectifier max(0, z)."""
    return np.maximum(z, 0, out=out)


def relu_prime(z):
    """relu'(z) = 1 for z > 0 and 0 otherwise (the kink at 0 gets 0, by convention).

    It must be evaluated at the pre-activation z.  The gradient-checking chapter
    shows the bug of testing the *output* with ``>= 0``, which is always true.
    """
    z = np.asarray(z)
    return (z > 0).astype(z.dtype if z.dtype.kind == "f" else np.float64)


@dataclass(frozen=True)
class Activation:
    """One hidden activation phi, with phi'(z) written through a = phi(z).

    ``forward(z, out=None)`` returns a (``out=z`` overwrites z, which the network
    does, as it keeps only a); ``prime_from_output(a)`` returns phi'(z).  Writing
    the derivative through a is what lets backpropagation reuse the activations
    it already stored in the forward pass instead of keeping z as well.
    """

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    prime_from_output: Callable[[np.ndarray], np.ndarray]


def _sigmoid_prime_from_output(a):
    t = 1.0 - a
    t *= a
    return t


def _tanh_prime_from_output(a):
    t = a * a
    np.subtract(1.0, t, out=t)
    return t


def _relu_prime_from_output(a):
    return (a > 0).astype(a.dtype)


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, _sigmoid_prime_from_output),
    "tanh": Activation("tanh", tanh, _tanh_prime_from_output),
    "relu": Activation("relu", relu, _relu_prime_from_output),
}


def log_softmax(z):
    """log softmax(z) along the last axis, computed as z - max z - log sum e^{z - max z}.

    Subtracting the row maximum changes nothing mathematically (softmax is
    invariant to adding a constant to every logit) but makes every exponent <= 0,
    so nothing overflows, and at least one term of the sum is e^0 = 1, so the
    logarithm never sees 0.  Logits of magnitude 1e4 give finite, exact results.
    """
    z = np.asarray(z)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(z):
    """softmax(z)_k = e^{z_k} / sum_j e^{z_j} along the last axis, computed stably."""
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e
