"""The fully connected network and its hand-derived backward pass.

Notation, as in the book.  Layer l = 1..L maps the activations of the layer below,
a^(l-1) (with a^(0) = x), to

    z^(l) = W^(l)T a^(l-1) + b^(l),      a^(l) = phi(z^(l))   (hidden layers)
    y_hat = softmax(z^(L))                                      (output layer)

with W^(l) of shape (n_(l-1), n_l), so W^(l)[i, j] connects input i to unit j,
the same index order in the mathematics and in the array.  The code stores a
batch one example per *row*, so the same equations read Z = A_prev W + b.

Backpropagation (the book's four equations) with delta^(l) = dL/dZ^(l):

    delta^(L)  = (Y_hat - Y) / N                         (softmax + mean cross-entropy)
    dL/dW^(l)  = A^(l-1)T delta^(l),   dL/db^(l) = sum over rows of delta^(l)
    delta^(l-1) = (delta^(l) W^(l)T) * phi'(Z^(l-1))

The 1/N of the mean enters once, in delta^(L); every gradient inherits it.
"""

from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS, Activation, sigmoid, softmax
from .losses import (
    cross_entropy,
    quadratic,
    sigmoid_quadratic_gradient,
    softmax_cross_entropy,
)

__all__ = ["MLP", "INITIALISATIONS", "COSTS"]

#: Weight initialisations: name -> standard deviation (or uniform bound) as a
#: function of fan-in and fan-out.
INITIALISATIONS = ("xavier", "lecun", "he", "normal", "fan_in_uniform")

#: Output layer and cost pairs.  "cross_entropy": softmax outputs, mean
#: cross-entropy (the book's network).  "quadratic": sigmoid outputs, mean
#: quadratic cost (Nielsen's network, for comparison).
COSTS = ("cross_entropy", "quadratic")


def _init_layer(rng, n_in, n_out, init, dtype):
    """One (W, b) pair.  Biases start at zero except for "normal".

    - "xavier": Glorot & Bengio (2010), uniform on +-sqrt(6 / (n_in + n_out)), so
      the variance of z is about that of its inputs both forward and backward.
    - "lecun": N(0, 1/n_in), what the source blog post calls Xavier.
    - "he": N(0, 2/n_in), for ReLU layers.
    - "fan_in_uniform": W and b uniform on +-1/sqrt(n_in), PyTorch's default for
      ``nn.Linear``, for comparisons with networks trained there.
    - "normal": W and b drawn from N(0, 1), the scheme one source reports made
      learning fail: z then sums hundreds of unit-variance terms, its standard
      deviation on MNIST is near 9, and most sigmoids start saturated.
    """
    if init == "xavier":
        bound = np.sqrt(6.0 / (n_in + n_out))
        W = rng.uniform(-bound, bound, size=(n_in, n_out))
        b = np.zeros(n_out)
    elif init == "lecun":
        W = rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out))
        b = np.zeros(n_out)
    elif init == "he":
        W = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
        b = np.zeros(n_out)
    elif init == "fan_in_uniform":
        bound = 1.0 / np.sqrt(n_in)
        W = rng.uniform(-bound, bound, size=(n_in, n_out))
        b = rng.uniform(-bound, bound, size=n_out)
    elif init == "normal":
        W = rng.standard_normal((n_in, n_out))
        b = rng.standard_normal(n_out)
    else:
        raise ValueError(f"init must be one of {INITIALISATIONS}, got {init!r}")
    return W.astype(dtype), b.astype(dtype)


class MLP:
    """A fully connected network: hidden layers with one activation, softmax output.

    Parameters
    ----------
    sizes : sequence of int
        Units per layer, input first: ``[784, 256, 10]`` is 784 inputs, one hidden
        layer of 256 units and 10 classes.  Any depth of two or more sizes.
    activation : {"sigmoid", "tanh", "relu"} or Activation
        phi, the hidden-layer activation: a name, or an ``Activation`` of your own
        (the gradient-checking chapter plants a wrong derivative this way).
    init : {"xavier", "lecun", "he", "normal", "fan_in_uniform"}
        Weight initialisation (see ``_init_layer``).
    seed : int
        Seed of the ``np.random.default_rng`` that draws the initial weights.
    dtype : numpy float type
        float64 for gradient checks, float32 for fast training.
    cost : {"cross_entropy", "quadratic"}
        Softmax with cross-entropy (default), or sigmoid outputs with the
        quadratic cost, as in Nielsen's book.

    Attributes
    ----------
    params : list of (W, b)
        One pair per layer; ``W`` has shape (n_in, n_out), ``b`` shape (n_out,).
    """

    def __init__(self, sizes, activation="sigmoid", init="xavier", seed=0,
                 dtype=np.float64, cost="cross_entropy"):
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(
                f"sizes must list at least an input and an output size, all >= 1; got {sizes}")
        if isinstance(activation, Activation):
            self._phi = activation
        elif activation in ACTIVATIONS:
            self._phi = ACTIVATIONS[activation]
        else:
            raise ValueError(
                f"activation must be one of {tuple(ACTIVATIONS)} or an Activation, "
                f"got {activation!r}")
        if cost not in COSTS:
            raise ValueError(f"cost must be one of {COSTS}, got {cost!r}")
        self.sizes = sizes
        self.activation = self._phi.name
        self.init = init
        self.cost = cost
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise ValueError(f"dtype must be a floating type, got {self.dtype}")
        rng = np.random.default_rng(seed)
        self.params = [_init_layer(rng, n_in, n_out, init, self.dtype)
                       for n_in, n_out in zip(sizes[:-1], sizes[1:])]

    def __repr__(self):
        return (f"MLP(sizes={self.sizes}, activation={self.activation!r}, "
                f"init={self.init!r}, dtype={self.dtype.name}, cost={self.cost!r})")

    @property
    def num_params(self):
        """P, the number of weights and biases."""
        return sum(W.size + b.size for W, b in self.params)

    # --- input checking -------------------------------------------------------

    def _check_inputs(self, X):
        X = np.asarray(X)
        n_in = self.sizes[0]
        if X.ndim != 2 or X.shape[1] != n_in:
            raise ValueError(
                f"expected X of shape (N, {n_in}), one example per row, got shape {X.shape}; "
                f"flatten images first, for example X.reshape(len(X), -1)")
        if X.dtype != self.dtype:
            X = X.astype(self.dtype)
        return X

    def _check_labels(self, y, n):
        y = np.asarray(y)
        K = self.sizes[-1]
        if y.shape != (n,):
            raise ValueError(
                f"expected y of shape ({n},), one integer label per row of X, got shape {y.shape}; "
                f"pass class indices, not one-hot rows")
        if y.dtype.kind not in "iu":
            raise ValueError(f"expected integer class labels in [0, {K - 1}], got dtype {y.dtype}")
        if n and (y.min() < 0 or y.max() >= K):
            raise ValueError(
                f"expected labels in [0, {K - 1}] for {K} classes, "
                f"got values from {y.min()} to {y.max()}")
        return y

    # --- forward ---------------------------------------------------------------

    def forward_cache(self, X):
        """The forward pass, keeping what the backward pass reuses.

        Returns ``(activations, logits)``: the list [A^(0) = X, A^(1), ..., A^(L-1)]
        of each layer's input, and Z^(L).  These N x (n_0 + ... + n_(L-1)) numbers
        are all the memory backpropagation needs beyond the parameters.  ``X`` must
        already be checked (see ``logits`` for the public entry point).
        """
        activations = [X]
        A = X
        for W, b in self.params[:-1]:
            Z = A @ W
            Z += b
            A = self._phi.forward(Z, out=Z)  # z is not kept: a overwrites it
            activations.append(A)
        W, b = self.params[-1]
        logits = A @ W
        logits += b
        return activations, logits

    def logits(self, X):
        """Z^(L), the output layer's pre-activations, one row per example."""
        return self.forward_cache(self._check_inputs(X))[1]

    def forward(self, X):
        """The network's outputs: class probabilities y_hat (rows sum to 1).

        With ``cost="quadratic"`` the outputs are sigmoids, one per class.
        """
        z = self.logits(X)
        return softmax(z) if self.cost == "cross_entropy" else sigmoid(z)

    def predict(self, X, batch_size=10_000):
        """Predicted labels argmax_k y_hat_k, computed in chunks to bound memory."""
        X = self._check_inputs(X)
        return np.concatenate([self.logits(X[i:i + batch_size]).argmax(axis=1)
                               for i in range(0, max(len(X), 1), batch_size)])

    def loss(self, X, y):
        """The mean cost over the batch, without gradients."""
        X = self._check_inputs(X)
        y = self._check_labels(y, X.shape[0])
        z = self.forward_cache(X)[1]
        return self._cost(z, y)

    def _cost(self, logits, y):
        if self.cost == "cross_entropy":
            return cross_entropy(logits, y)
        return quadratic(sigmoid(logits), y)

    # --- backward --------------------------------------------------------------

    def zeros_like_params(self):
        """Arrays shaped like ``params``, for ``loss_and_gradients(..., out=...)``."""
        return [(np.zeros_like(W), np.zeros_like(b)) for W, b in self.params]

    def loss_and_gradients(self, X, y, out=None, scale=1.0, check=True):
        """The mean loss over the batch and its gradient for every parameter.

        Returns ``(loss, grads)`` where ``grads`` has the structure of
        ``params``: a list of ``(dL/dW, dL/db)`` with the same shapes.

        Three options serve training speed and change no number: with ``out``
        (from ``zeros_like_params``) the gradients are written into those arrays
        instead of new ones; with ``scale`` every gradient comes out multiplied by
        it (every gradient is linear in delta^(L), so ``train`` passes the learning
        rate here, scaling an N x K matrix instead of every weight array); and
        ``check=False`` skips validating ``X`` and ``y``, which ``train`` has done
        once for the whole set.
        """
        if check:
            X = self._check_inputs(X)
            y = self._check_labels(y, X.shape[0])
        activations, logits = self.forward_cache(X)
        if self.cost == "cross_entropy":
            loss, delta = softmax_cross_entropy(logits, y)
        else:
            loss, delta = self._cost(logits, y), sigmoid_quadratic_gradient(logits, y)
        delta = delta.astype(self.dtype, copy=False)
        if scale != 1.0:
            delta *= scale
        grads = out if out is not None else [(None, None)] * len(self.params)
        grads = list(grads)
        for l in range(len(self.params) - 1, -1, -1):
            W, _ = self.params[l]
            A_prev = activations[l]
            gW, gb = grads[l]
            grads[l] = (np.matmul(A_prev.T, delta, out=gW), np.sum(delta, axis=0, out=gb))
            if l > 0:  # the input layer needs no delta: X is not a parameter
                delta = delta @ W.T
                delta *= self._phi.prime_from_output(A_prev)
        return loss, grads
