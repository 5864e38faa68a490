"""Hidden-layer activations phi, their derivatives phi', and the softmax.

Notation (see the book's notation page): a hidden layer computes the
pre-activation z = W^T a_prev + b and the activation a = phi(z).  The backward
pass, equation (bp2), multiplies by phi'(z) at the same z:

    sigmoid:  sigma(z) = 1 / (1 + e^{-z}),     sigma'(z) = sigma(z) (1 - sigma(z))
    tanh:     tanh(z),                          tanh'(z)  = 1 - tanh(z)^2
    relu:     max(0, z),                        relu'(z)  = 1 if z > 0 else 0

Every function here accepts what a reader types at the prompt (a Python number,
a list, an integer array) and returns floating-point values: float64 unless the
input already is float32.  ``softmax`` and ``log_softmax`` act on the last axis
(one row per example); the others elementwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = [
    "Activation",
    "ACTIVATIONS",
    "as_float_array",
    "sigmoid",
    "sigmoid_prime",
    "tanh",
    "tanh_prime",
    "relu",
    "relu_prime",
    "softmax",
    "log_softmax",
]


def as_float_array(x):
    """``x`` as a NumPy array of floats: float arrays as they are, others float64."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def sigmoid(z):
    """The logistic function sigma(z) = 1 / (1 + e^{-z}).

    For z below about -709 (float64) e^{-z} overflows to inf, and 1 / inf = 0 is
    the correctly rounded answer, so the overflow is silenced, not worked around.
    """
    z = as_float_array(z)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)), at the pre-activation z."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """The hyperbolic tangent, (e^z - e^{-z}) / (e^z + e^{-z})."""
    return np.tanh(as_float_array(z))


def tanh_prime(z):
    """tanh'(z) = 1 - tanh(z)^2, at the pre-activation z."""
    t = tanh(z)
    return 1.0 - t * t


def relu(z):
    """The rectifier max(0, z)."""
    z = as_float_array(z)
    return np.maximum(z, 0.0).astype(z.dtype, copy=False)


def relu_prime(z):
    """relu'(z) = 1 for z > 0 and 0 for z < 0; at the kink z = 0 the book takes 0.

    Evaluated at the pre-activation z.  The gradient-checking chapter shows the
    bug of testing the *output* with ``>= 0``, which is true everywhere.
    """
    z = as_float_array(z)
    return (z > 0).astype(z.dtype)


@dataclass(frozen=True)
class Activation:
    """A hidden activation: its name, phi, and its derivative phi', both of z.

    Plain functions are enough, for example
    ``Activation("square", lambda z: z**2, lambda z: 2 * z)``; ``MLP`` accepts
    one wherever it accepts a name such as ``"sigmoid"``.
    """

    name: str
    function: Callable
    derivative: Callable


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime),
    "tanh": Activation("tanh", tanh, tanh_prime),
    "relu": Activation("relu", relu, relu_prime),
}


def log_softmax(z):
    """log softmax(z) along the last axis: z - max z - log sum_m e^{z_m - max z}.

    Subtracting the row maximum changes nothing mathematically (softmax is the
    same for z and z + c) but makes every exponent <= 0, so nothing overflows,
    and one term of the sum is e^0 = 1, so the logarithm never sees 0.
    """
    z = as_float_array(z)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(z):
    """softmax(z)_k = e^{z_k} / sum_m e^{z_m} along the last axis, computed stably."""
    return np.exp(log_softmax(z))
