"""The fully connected network and its hand-derived backward pass.

Notation, as in the book.  Layer l = 1..L maps the activations of the layer below,
a^(l-1) (with a^(0) = x), to

    z^(l) = W^(l)T a^(l-1) + b^(l),      a^(l) = phi(z^(l))   (hidden layers)
    y_hat = softmax(z^(L))                                      (output layer)

with W^(l) of shape (n_(l-1), n_l), so W^(l)[i, j] connects input i to unit j,
the same index order in the mathematics and in the array.  The code stores a
batch one example per *row*, so the same equations read Z = A_prev W + b.

Backpropagation, the book's four equations, for a batch; ``delta`` is the matrix
of error signals dL/dZ^(l) of the *mean* loss, Delta^(l) / N in the book:

    (bp1)  delta^(L)   = (Y_hat - Y) / N
    (bp2)  delta^(l-1) = (delta^(l) W^(l)T) * phi'(Z^(l-1))
    (bp3)  dL/db^(l)   = sum over the rows of delta^(l)
    (bp4)  dL/dW^(l)   = A^(l-1)T delta^(l)
"""

from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS, Activation
from .inputs import class_labels, whole_number
from .losses import LOSSES

__all__ = ["MLP", "INITIALISATIONS"]

#: The weight initialisations ``MLP(init=...)`` knows (see ``init_layer``).
INITIALISATIONS = ("xavier", "lecun", "blog_post", "he", "normal", "fan_in_uniform")


def init_layer(rng, n_in, n_out, init, dtype=np.float64):
    """One (W, b) pair, W of shape (n_in, n_out), drawn from ``rng``.

    - "xavier": Glorot & Bengio (2010), W uniform on +-sqrt(6 / (n_in + n_out)),
      b = 0: Var(W) = 2 / (n_in + n_out), a compromise between keeping the
      variance of z equal to that of its inputs (forward) and that of delta
      (backward).
    - "lecun": W ~ N(0, 1/n_in), b = 0: Var(z) = mean square of the inputs.
    - "blog_post": W ~ N(0, 1/n_in) and b uniform on [0, 1), the scheme the blog
      post (002) calls Xavier; its W is LeCun normal.
    - "he": W ~ N(0, 2/n_in), b = 0, for ReLU layers (He et al., 2015).
    - "fan_in_uniform": W and b uniform on +-1/sqrt(n_in), PyTorch's default for
      ``nn.Linear``, for comparisons with networks trained there.
    - "normal": W and b ~ N(0, 1), Nielsen's initialisation, used by the course
      project (003).  (The blog post (002) reports that N(0, 1) weights made
      learning fail but does not say what its biases were; chapter 8 builds that
      variant from "blog_post" by dropping the weights' factor sqrt(1/n_in) and
      keeping its uniform biases, an assumption.)
    """
    if init == "xavier":
        bound = np.sqrt(6.0 / (n_in + n_out))
        W = rng.uniform(-bound, bound, size=(n_in, n_out))
        b = np.zeros(n_out)
    elif init == "lecun":
        W = rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out))
        b = np.zeros(n_out)
    elif init == "blog_post":
        W = rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out))
        b = rng.uniform(0.0, 1.0, size=n_out)
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
    """A fully connected network: hidden layers with one activation phi, then a loss.

    Parameters
    ----------
    sizes : sequence of int
        Units per layer, input first: ``[784, 256, 10]`` is 784 inputs, one hidden
        layer of 256 units and 10 classes.  Any depth of two or more sizes.
    activation : {"sigmoid", "tanh", "relu"} or Activation
        phi, the hidden-layer activation: a name, or an ``Activation`` made of two
        plain functions of z, phi and phi'.
    init : {"xavier", "lecun", "blog_post", "he", "normal", "fan_in_uniform"}
        Weight initialisation (see ``init_layer``).
    seed : int
        Seed of the ``np.random.default_rng`` that draws the initial weights.
    dtype : numpy float type
        float64 for gradient checks, float32 for fast training.
    cost : {"cross_entropy", "quadratic"}
        Softmax outputs with the mean cross-entropy (the book's network), or
        sigmoid outputs with the mean quadratic cost (Nielsen's).

    Attributes
    ----------
    params : list of (W, b)
        One pair per layer; ``W`` has shape (n_in, n_out), ``b`` shape (n_out,).
    phi : Activation
        The hidden activation.
    loss_function : Loss
        The cost, a function of the logits, with its gradient.
    """

    def __init__(
        self,
        sizes,
        activation="sigmoid",
        init="xavier",
        seed=0,
        dtype=np.float64,
        cost="cross_entropy",
    ):
        sizes = [whole_number("every layer size", s) for s in sizes]
        if len(sizes) < 2:
            raise ValueError(
                f"sizes must list at least an input and an output size, got {sizes}"
            )
        if isinstance(activation, Activation):
            self.phi = activation
        elif activation in ACTIVATIONS:
            self.phi = ACTIVATIONS[activation]
        else:
            raise ValueError(
                f"activation must be one of {tuple(ACTIVATIONS)} or an Activation, "
                f"got {activation!r}"
            )
        if cost not in LOSSES:
            raise ValueError(f"cost must be one of {tuple(LOSSES)}, got {cost!r}")
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise ValueError(f"dtype must be a floating type, got {self.dtype}")
        self.sizes = sizes
        self.init = init
        self.loss_function = LOSSES[cost]
        rng = np.random.default_rng(seed)
        self.params = [
            init_layer(rng, n_in, n_out, init, self.dtype)
            for n_in, n_out in zip(sizes[:-1], sizes[1:])
        ]

    def __repr__(self):
        return (
            f"MLP(sizes={self.sizes}, activation={self.phi.name!r}, "
            f"init={self.init!r}, dtype={self.dtype.name}, "
            f"cost={self.loss_function.name!r})"
        )

    @property
    def num_params(self):
        """P, the number of weights and biases."""
        return sum(W.size + b.size for W, b in self.params)

    # --- checking what the caller passes ------------------------------------

    def check_inputs(self, X):
        """X as an (N, n_0) array of the network's dtype, or a ValueError saying why."""
        X = np.asarray(X)
        n_in = self.sizes[0]
        if X.ndim != 2 or X.shape[1] != n_in:
            raise ValueError(
                f"expected X of shape (N, {n_in}), one example per row, got shape "
                f"{X.shape}; flatten images first, for example X.reshape(len(X), -1)"
            )
        return X.astype(self.dtype, copy=False)

    def check_labels(self, y, n):
        """y as n integer labels in [0, K - 1], or a ValueError saying why not."""
        return class_labels(y, self.sizes[-1], n)

    # --- forward -------------------------------------------------------------

    def forward_cache(self, X):
        """The forward pass, keeping what the backward pass reads.

        Returns ``(A, Z)``, two dicts keyed by the layer number l as in the book:
        ``A[l]`` for l = 0..L-1 is the input of layer l + 1 (``A[0]`` is X), which
        (bp4) reads; ``Z[l]`` for l = 1..L is the pre-activation of layer l, where
        (bp2) evaluates phi' and the loss reads ``Z[L]``, the logits.
        """
        L = len(self.params)
        A, Z = {0: self.check_inputs(X)}, {}
        for l, (W, b) in enumerate(self.params, start=1):
            Z[l] = A[l - 1] @ W + b
            if l < L:
                A[l] = self.phi.function(Z[l])
        return A, Z

    def logits(self, X):
        """Z^(L), the output layer's pre-activations, one row per example."""
        A, Z = self.forward_cache(X)
        return Z[len(self.params)]

    def forward(self, X):
        """The network's outputs y_hat: class probabilities (rows sum to 1), or
        sigmoid outputs with ``cost="quadratic"``."""
        return self.loss_function.output(self.logits(X))

    def predict(self, X, batch_size=10_000):
        """Predicted labels argmax_k y_hat_k, computed in chunks to bound memory."""
        batch_size = whole_number("batch_size", batch_size)
        X = self.check_inputs(X)
        return np.concatenate(
            [
                self.logits(X[i : i + batch_size]).argmax(axis=1)
                for i in range(0, max(len(X), 1), batch_size)
            ]
        )

    def loss(self, X, y):
        """The mean loss over the batch: the quantity ``loss_and_gradients``
        differentiates."""
        Z = self.logits(X)
        return self.loss_function.value(Z, self.check_labels(y, len(Z)))

    # --- backward ------------------------------------------------------------

    def loss_and_gradients(self, X, y):
        """The mean loss over the batch and its gradient for every parameter.

        Returns ``(loss, grads)``; ``grads[l - 1] = (dL/dW^(l), dL/db^(l))``, the
        shapes of ``params``.  The body is the book's four equations.
        """
        A, Z = self.forward_cache(X)
        L = len(self.params)
        y = self.check_labels(y, len(A[0]))
        loss = self.loss_function.value(Z[L], y)
        delta = self.loss_function.gradient(Z[L], y)  # (bp1)
        grads = [None] * L
        for l in range(L, 0, -1):
            W, b = self.params[l - 1]
            grads[l - 1] = (A[l - 1].T @ delta, delta.sum(axis=0))  # (bp4), (bp3)
            if l > 1:
                delta = (delta @ W.T) * self.phi.derivative(Z[l - 1])  # (bp2)
        return loss, grads
