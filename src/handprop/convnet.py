"""A convolutional network for MNIST, and its hand-derived backward pass.

The network of Part three, in the spirit of Nielsen's chapter 6 and LeNet-5: blocks
of a convolution, ReLU and 2 x 2 max pooling, then a dense hidden layer with ReLU,
and the softmax output with the mean cross-entropy of the rest of the book.  Block
l = 1..B turns the maps M0 = X into M_l:

    Z_l = conv(M_{l-1}, W_l) + b_l      kernels k x k, stride 1, no padding
    A_l = relu(Z_l)
    M_l = maxpool(A_l)                  windows 2 x 2, stride 2

then, with h = flatten(M_B), one row per image,

    Z_d = h W_d + b_d,  A_d = relu(Z_d)          (N, n_hidden)
    Z_o = A_d W_o + b_o                          (N, 10), the logits

and backward, each line the derivation's (the chapters derive them entry by entry):

    dZ_o = (Y_hat - Y) / N                                   (bp1)
    dW_o = A_d^T dZ_o,  db_o = column sums of dZ_o           (bp4), (bp3)
    dZ_d = (dZ_o W_o^T) * relu'(Z_d)                         (bp2)
    dW_d = h^T dZ_d,    db_d = column sums of dZ_d
    dM_B = unflatten(dZ_d W_d^T)                             (bp2, no activation)
    for l = B..1:
        dA_l = maxpool_gradient(A_l, dM_l)     each window's maximum takes it all
        dZ_l = dA_l * relu'(Z_l)
        dM_{l-1}, dW_l, db_l = conv2d_gradients(M_{l-1}, W_l, dZ_l)
                                               (no dM_0: it would be dL/dX, the data)

``ConvNet()`` is the chapter's network: two blocks of 20 and 40 kernels of 5 x 5
(28 x 28 -> 24 -> 12 -> 8 -> 4), 100 hidden units, 10 classes, as in Nielsen's
chapter 6.  ``ConvNet`` keeps the protocol of ``MLP`` (``params``,
``loss_and_gradients``, ``loss``, ``logits``, ``predict``, ``check_inputs``,
``check_labels``, ``dtype``, ``loss_function``), so ``handprop.train``,
``handprop.evaluate`` and the gradient checkers work on it unchanged.  ``params`` is
``[(W_1, b_1), ..., (W_B, b_B), (W_d, b_d), (W_o, b_o)]``, each kernel W_l of shape
(C_out, C_in, k, k) as PyTorch stores it.
"""

from __future__ import annotations

import numpy as np

from .activations import relu, relu_prime
from .conv import conv2d, conv2d_gradients, conv_output_size, im2col, max_pool2d
from .conv import max_pool2d_gradient
from .inputs import class_labels, whole_number
from .losses import LOSSES

__all__ = ["ConvNet"]


class ConvNet:
    """Blocks of convolution (k x k kernels), ReLU and 2 x 2 max pooling, a dense
    ReLU layer of ``n_hidden`` units, and softmax over ``num_classes``.

    Parameters
    ----------
    channels : int or sequence of ints
        The number of kernels of each block, one block per entry (an int is one
        block).  The chapter's network has (20, 40).
    kernel_size : int
        k, the side of every kernel.
    n_hidden : int
        Units of the dense hidden layer.
    image_shape : (C, H, W)
        The shape of one input image; MNIST is (1, 28, 28).
    num_classes : int
    seed : int
        Seed of the ``np.random.default_rng`` that draws the initial weights: He
        initialisation, weights N(0, 2 / fan_in), biases 0.
    dtype : numpy float type
        float64 for gradient checks, float32 for training.
    """

    pool = 2

    def __init__(
        self,
        channels=(20, 40),
        kernel_size=5,
        n_hidden=100,
        image_shape=(1, 28, 28),
        num_classes=10,
        seed=0,
        dtype=np.float32,
    ):
        if isinstance(channels, (int, np.integer)):
            channels = (channels,)
        self.channels = tuple(whole_number("channels", c) for c in channels)
        if not self.channels:
            raise ValueError("channels must name at least one block, e.g. (20, 40)")
        self.kernel_size = k = whole_number("kernel_size", kernel_size)
        self.n_hidden = whole_number("n_hidden", n_hidden)
        self.num_classes = whole_number("num_classes", num_classes)
        self.image_shape = tuple(whole_number("image_shape", s) for s in image_shape)
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise ValueError(f"dtype must be a floating type, got {self.dtype}")
        rng = np.random.default_rng(seed)

        def he(shape, fan_in):
            return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape).astype(self.dtype)

        self.params = []
        C, H, W = self.image_shape
        for block, C_out in enumerate(self.channels, start=1):
            conv_h, conv_w = conv_output_size(H, k), conv_output_size(W, k)
            if min(conv_h, conv_w) < self.pool:
                raise ValueError(
                    f"block {block}: a {k} x {k} convolution of {H} x {W} maps leaves "
                    f"{conv_h} x {conv_w}, too small for 2 x 2 pooling: use a smaller "
                    f"kernel or fewer blocks"
                )
            self.params.append((he((C_out, C, k, k), C * k * k),
                                np.zeros(C_out, self.dtype)))
            C, H, W = C_out, conv_h // self.pool, conv_w // self.pool
        self.pooled_shape = (C, H, W)
        n_flat = C * H * W
        self.params += [
            (he((n_flat, self.n_hidden), n_flat), np.zeros(self.n_hidden, self.dtype)),
            (he((self.n_hidden, self.num_classes), self.n_hidden),
             np.zeros(self.num_classes, self.dtype)),
        ]
        self.loss_function = LOSSES["cross_entropy"]

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
        ``blocks``, one dict per block (its input M_in, the patches P of M_in, Z, A
        and the pooled maps M), and h (the last M flattened), Z_d, A_d and the
        logits Z_o."""
        X = self.check_inputs(X)
        *kernels, (W_d, b_d), (W_o, b_o) = self.params
        M, blocks = X, []
        for W, b in kernels:
            P = im2col(M, self.kernel_size)  # every k x k window, one row each
            Z = conv2d(M, W, b, patches=P)
            A = relu(Z)
            blocks.append({"M_in": M, "P": P, "Z": Z, "A": A})
            M = max_pool2d(A, self.pool)
            blocks[-1]["M"] = M
        h = M.reshape(len(X), int(np.prod(self.pooled_shape)))
        Z_d = h @ W_d + b_d
        A_d = relu(Z_d)
        Z_o = A_d @ W_o + b_o
        return {"blocks": blocks, "h": h, "Z_d": Z_d, "A_d": A_d, "Z_o": Z_o}

    #: Images per forward pass when only the logits are wanted: the patch matrix
    #: of block 2 for 1,000 images is already 64 MB in float32, and larger chunks
    #: only add memory traffic.
    chunk = 1_000

    def logits(self, X):
        """Z_o, the output layer's pre-activations, one row per image, computed
        ``chunk`` images at a time."""
        X = self.check_inputs(X)
        return np.concatenate(
            [
                self.forward_cache(X[i : i + self.chunk])["Z_o"]
                for i in range(0, max(len(X), 1), self.chunk)
            ]
        )

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
        Z_o = self.logits(X)
        return self.loss_function.value(Z_o, self.check_labels(y, len(Z_o)))

    # --- backward --------------------------------------------------------------------

    def loss_and_gradients(self, X, y):
        """The mean loss and its gradient for every parameter, as ``MLP``'s:
        ``grads[l] = (dL/dW, dL/db)`` of ``params[l]``."""
        f = self.forward_cache(X)
        N = len(f["h"])
        y = self.check_labels(y, N)
        *kernels, (W_d, _), (W_o, _) = self.params
        loss = self.loss_function.value(f["Z_o"], y)
        dZ_o = self.loss_function.gradient(f["Z_o"], y)  # (Y_hat - Y) / N     (bp1)
        dW_o, db_o = f["A_d"].T @ dZ_o, dZ_o.sum(axis=0)  # (bp4), (bp3)
        dZ_d = (dZ_o @ W_o.T) * relu_prime(f["Z_d"])  # (bp2)
        dW_d, db_d = f["h"].T @ dZ_d, dZ_d.sum(axis=0)
        dM = (dZ_d @ W_d.T).reshape(N, *self.pooled_shape)  # unflatten
        conv_grads = []
        for l in reversed(range(len(kernels))):  # the last block first
            block, (W, _) = f["blocks"][l], kernels[l]
            dA = max_pool2d_gradient(block["A"], dM, self.pool, Y=block["M"])
            dZ = dA * relu_prime(block["Z"])
            dM, dW, db = conv2d_gradients(
                block["M_in"], W, dZ, input_gradient=l > 0, patches=block["P"]
            )
            conv_grads.insert(0, (dW, db))
        grads = [*conv_grads, (dW_d, db_d), (dW_o, db_o)]
        return loss, [
            (gW.astype(self.dtype, copy=False), gb.astype(self.dtype, copy=False))
            for gW, gb in grads
        ]
