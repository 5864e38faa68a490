"""A convolutional network for MNIST, and its hand-derived backward pass.

The network of Part three, in the spirit of Nielsen's chapter 6 and LeNet: one
convolution, ReLU, max pooling, a dense hidden layer with ReLU, and the softmax
output with the mean cross-entropy of the rest of the book,

    Z1 = conv(X, W1) + b1         (N, C1, 24, 24)     kernels 5 x 5, stride 1
    A1 = relu(Z1)
    P  = maxpool(A1)              (N, C1, 12, 12)     windows 2 x 2, stride 2
    h  = flatten(P)               (N, C1 * 144)
    Z2 = h W2 + b2,  A2 = relu(Z2)                   (N, n_hidden)
    Z3 = A2 W3 + b3                                  (N, 10), the logits

and backward, each line the derivation's (the chapters derive them entry by entry):

    dZ3 = (Y_hat - Y) / N                                   (bp1)
    dW3 = A2^T dZ3,  db3 = column sums of dZ3               (bp4), (bp3)
    dZ2 = (dZ3 W3^T) * relu'(Z2)                            (bp2)
    dW2 = h^T dZ2,   db2 = column sums of dZ2
    dP  = unflatten(dZ2 W2^T)                               (bp2, no activation)
    dA1 = maxpool_gradient(A1, dP)        the window's maximum takes it all
    dZ1 = dA1 * relu'(Z1)
    dW1, db1 = conv2d_gradients(X, W1, dZ1)                 (no dX: X is the data)

``ConvNet`` keeps the protocol of ``MLP`` (``params``, ``loss_and_gradients``,
``loss``, ``logits``, ``predict``, ``check_inputs``, ``check_labels``, ``dtype``,
``loss_function``), so ``handprop.train``, ``handprop.evaluate`` and the gradient
checkers work on it unchanged.  ``params`` is ``[(W1, b1), (W2, b2), (W3, b3)]``
with the kernel W1 of shape (C1, 1, 5, 5) as PyTorch stores it.
"""

from __future__ import annotations

import numpy as np

from .activations import relu, relu_prime
from .conv import conv2d, conv2d_gradients, conv_output_size, max_pool2d
from .conv import max_pool2d_gradient
from .inputs import class_labels, whole_number
from .losses import LOSSES

__all__ = ["ConvNet"]


class ConvNet:
    """Convolution (C1 kernels of k x k), ReLU, 2 x 2 max pooling, a dense ReLU layer
    of ``n_hidden`` units, and softmax over ``num_classes``.

    ``ConvNet()`` is the chapter's MNIST network: 20 kernels of 5 x 5 and 100 hidden
    units, He initialisation (weights N(0, 2 / fan_in), biases 0), seeded.

    Parameters
    ----------
    channels : int
        C1, the number of kernels (output channels of the convolution).
    kernel_size : int
        k, the side of each kernel.
    n_hidden : int
        Units of the dense hidden layer.
    image_shape : (C, H, W)
        The shape of one input image; MNIST is (1, 28, 28).
    num_classes : int
    seed : int
        Seed of the ``np.random.default_rng`` that draws the initial weights.
    dtype : numpy float type
        float64 for gradient checks, float32 for training.
    """

    pool = 2

    def __init__(
        self,
        channels=20,
        kernel_size=5,
        n_hidden=100,
        image_shape=(1, 28, 28),
        num_classes=10,
        seed=0,
        dtype=np.float32,
    ):
        C, H, W = (whole_number("image_shape", s) for s in image_shape)
        self.channels = whole_number("channels", channels)
        self.kernel_size = whole_number("kernel_size", kernel_size)
        self.n_hidden = whole_number("n_hidden", n_hidden)
        self.num_classes = whole_number("num_classes", num_classes)
        self.image_shape = (C, H, W)
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise ValueError(f"dtype must be a floating type, got {self.dtype}")
        k = self.kernel_size
        conv_h, conv_w = conv_output_size(H, k), conv_output_size(W, k)
        if min(conv_h, conv_w) < self.pool:
            raise ValueError(
                f"a {k} x {k} convolution of a {H} x {W} image leaves {conv_h} x "
                f"{conv_w}, too small for 2 x 2 pooling: use a smaller kernel"
            )
        self.pooled_shape = (self.channels, conv_h // self.pool, conv_w // self.pool)
        n_flat = int(np.prod(self.pooled_shape))
        self.loss_function = LOSSES["cross_entropy"]
        rng = np.random.default_rng(seed)

        def he(shape, fan_in):
            return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape).astype(self.dtype)

        self.params = [
            (
                he((self.channels, C, k, k), C * k * k),
                np.zeros(self.channels, self.dtype),
            ),
            (he((n_flat, self.n_hidden), n_flat), np.zeros(self.n_hidden, self.dtype)),
            (
                he((self.n_hidden, self.num_classes), self.n_hidden),
                np.zeros(self.num_classes, self.dtype),
            ),
        ]

    def __repr__(self):
        return (
            f"ConvNet(channels={self.channels}, kernel_size={self.kernel_size}, "
            f"n_hidden={self.n_hidden}, image_shape={self.image_shape}, "
            f"dtype={self.dtype.name})"
        )

    @property
    def num_params(self):
        """P, the number of weights and biases."""
        return sum(W.size + b.size for W, b in self.params)

    # --- checking what the caller passes ------------------------------------------

    def check_inputs(self, X):
        """X as an (N, C, H, W) array of the network's dtype, or a ValueError."""
        X = np.asarray(X)
        C, H, W = self.image_shape
        if X.ndim == 2 and X.shape[1] == C * H * W:
            raise ValueError(
                f"a ConvNet reads images, not flat rows: got shape {X.shape}; "
                f"reshape to (N, {C}, {H}, {W}) with X.reshape(-1, {C}, {H}, {W})"
            )
        if X.ndim != 4 or X.shape[1:] != (C, H, W):
            raise ValueError(
                f"expected X of shape (N, {C}, {H}, {W}), one image per entry of the "
                f"first axis, got shape {X.shape}"
            )
        return X.astype(self.dtype, copy=False)

    def check_labels(self, y, n):
        """y as n integer labels in [0, K - 1], or a ValueError saying why not."""
        return class_labels(y, self.num_classes, n)

    # --- forward ---------------------------------------------------------------------

    def forward_cache(self, X):
        """The forward pass, keeping what the backward pass reads: a dict with
        X, Z1, A1, h (the pooled maps, flattened), Z2, A2 and the logits Z3."""
        (W1, b1), (W2, b2), (W3, b3) = self.params
        X = self.check_inputs(X)
        Z1 = conv2d(X, W1, b1)
        A1 = relu(Z1)
        h = max_pool2d(A1, self.pool).reshape(len(X), -1)
        Z2 = h @ W2 + b2
        A2 = relu(Z2)
        Z3 = A2 @ W3 + b3
        return {"X": X, "Z1": Z1, "A1": A1, "h": h, "Z2": Z2, "A2": A2, "Z3": Z3}

    def logits(self, X):
        """Z3, the output layer's pre-activations, one row per image."""
        return self.forward_cache(X)["Z3"]

    def forward(self, X):
        """Class probabilities, one row per image (rows sum to 1)."""
        return self.loss_function.output(self.logits(X))

    def predict(self, X, batch_size=1000):
        """Predicted labels, computed in chunks to bound memory."""
        batch_size = whole_number("batch_size", batch_size)
        X = self.check_inputs(X)
        return np.concatenate(
            [
                self.logits(X[i : i + batch_size]).argmax(axis=1)
                for i in range(0, max(len(X), 1), batch_size)
            ]
        )

    def loss(self, X, y):
        """The mean cross-entropy over the batch."""
        Z3 = self.logits(X)
        return self.loss_function.value(Z3, self.check_labels(y, len(Z3)))

    # --- backward --------------------------------------------------------------------

    def loss_and_gradients(self, X, y):
        """The mean loss and its gradient for every parameter, as ``MLP``'s:
        ``grads[l] = (dL/dW, dL/db)`` of ``params[l]``."""
        f = self.forward_cache(X)
        y = self.check_labels(y, len(f["X"]))
        (W1, _), (W2, _), (W3, _) = self.params
        loss = self.loss_function.value(f["Z3"], y)
        dZ3 = self.loss_function.gradient(f["Z3"], y)  # (Y_hat - Y) / N     (bp1)
        dW3, db3 = f["A2"].T @ dZ3, dZ3.sum(axis=0)  # (bp4), (bp3)
        dZ2 = (dZ3 @ W3.T) * relu_prime(f["Z2"])  # (bp2)
        dW2, db2 = f["h"].T @ dZ2, dZ2.sum(axis=0)
        dP = (dZ2 @ W2.T).reshape(len(f["X"]), *self.pooled_shape)  # unflatten
        dA1 = max_pool2d_gradient(f["A1"], dP, self.pool)  # to each window's max
        dZ1 = dA1 * relu_prime(f["Z1"])
        _, dW1, db1 = conv2d_gradients(f["X"], W1, dZ1, input_gradient=False)
        grads = [(dW1, db1), (dW2, db2), (dW3, db3)]
        return loss, [
            (gW.astype(self.dtype, copy=False), gb.astype(self.dtype, copy=False))
            for gW, gb in grads
        ]
