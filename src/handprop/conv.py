"""Convolution and pooling, with their gradients, in the book's notation.

Layout as PyTorch stores it, so a reader can compare entry by entry: images are
``X[n, c, h, w]`` of shape (N, C, H, W) and kernels ``W[o, c, i, j]`` of shape
(C_out, C_in, kH, kW), with one bias ``b[o]`` per output channel.

The convolution of the frameworks is a cross-correlation.  With stride s and zero
padding p (X_pad is X with p zeros added on each side of both spatial axes),

    Z[n, o, u, v] = b[o] + sum_{c, i, j} W[o, c, i, j] X_pad[n, c, s u + i, s v + j]

for u = 0..H_out-1, v = 0..W_out-1, H_out = floor((H + 2p - kH) / s) + 1 (the same
for the width).  Rows and columns that no window reaches when s does not divide
H + 2p - kH take part in nothing, so their gradient is 0.

Every window, flattened, is one row of the patch matrix (``im2col``); the layer is
then one matrix product, and its gradients are (the book derives them entry by
entry):

    dL/db[o]          = sum_{n, u, v} dZ[n, o, u, v]
    dL/dW             = dZ_mat^T  P          (P = im2col(X), dZ_mat one row per window)
    dL/dX             = col2im(dZ_mat W_mat)  (W_mat = W as C_out rows)

``col2im`` adds every row back into the window it came from: it is the adjoint
(the transpose) of ``im2col``, not its inverse, because overlapping windows share
pixels.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .inputs import whole_number

__all__ = [
    "conv_output_size",
    "im2col",
    "col2im",
    "conv2d",
    "conv2d_gradients",
    "max_pool2d",
    "max_pool2d_gradient",
    "avg_pool2d",
    "avg_pool2d_gradient",
]


def _pair(name, value):
    """An int or a pair of ints as a pair, each a whole number >= 1."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be one number or two, got {value!r}")
        return tuple(whole_number(name, v) for v in value)
    v = whole_number(name, value)
    return v, v


def _images(X, name="X"):
    X = np.asarray(X)
    if X.ndim != 4:
        raise ValueError(
            f"{name} must have shape (N, C, H, W), one image per entry of the first "
            f"axis, got shape {X.shape}; a batch of one grey image of 28 x 28 is "
            f"X.reshape(1, 1, 28, 28)"
        )
    return X if X.dtype.kind == "f" else X.astype(np.float64)


def conv_output_size(size, kernel, stride=1, padding=0):
    """floor((size + 2 padding - kernel) / stride) + 1, the windows along one axis.

    A ``ValueError`` when the kernel is larger than the padded input.
    """
    stride = whole_number("stride", stride)
    padding = whole_number("padding", padding, minimum=0)
    if kernel > size + 2 * padding:
        raise ValueError(
            f"a kernel of {kernel} does not fit an input of {size} with padding "
            f"{padding}: use a smaller kernel, or pad by at least "
            f"{-(-(kernel - size) // 2)}"
        )
    return (size + 2 * padding - kernel) // stride + 1


def _geometry(shape, kernel, stride, padding):
    (kH, kW), (sH, sW) = _pair("kernel size", kernel), _pair("stride", stride)
    pH, pW = (
        whole_number("padding", p, minimum=0)
        for p in (padding if isinstance(padding, (tuple, list)) else (padding, padding))
    )
    H_out = conv_output_size(shape[2], kH, sH, pH)
    W_out = conv_output_size(shape[3], kW, sW, pW)
    return (kH, kW), (sH, sW), (pH, pW), (H_out, W_out)


def im2col(X, kernel_size, stride=1, padding=0):
    """Every window of ``X`` as one row: shape (N H_out W_out, C kH kW).

    Row (n, u, v) holds X_pad[n, :, s u : s u + kH, s v : s v + kW], flattened in the
    order (c, i, j), the order of ``W[o].ravel()``.  The windows are a view
    (``sliding_window_view``); the reshape into a matrix copies them.
    """
    X = _images(X)
    (kH, kW), (sH, sW), (pH, pW), (H_out, W_out) = _geometry(
        X.shape, kernel_size, stride, padding
    )
    X_pad = np.pad(X, ((0, 0), (0, 0), (pH, pH), (pW, pW)))
    windows = sliding_window_view(X_pad, (kH, kW), axis=(2, 3))[
        :, :, : sH * (H_out - 1) + 1 : sH, : sW * (W_out - 1) + 1 : sW
    ]  # (N, C, H_out, W_out, kH, kW)
    N, C = X.shape[:2]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * H_out * W_out, C * kH * kW)


def col2im(cols, input_shape, kernel_size, stride=1, padding=0):
    """The adjoint of ``im2col``: each row added back into its window of an image of
    ``input_shape`` (N, C, H, W); where windows overlap, their values add.

    <im2col(X), Y> = <X, col2im(Y)> for every X and Y (the dot-product test).
    """
    N, C, H, W = input_shape
    (kH, kW), (sH, sW), (pH, pW), (H_out, W_out) = _geometry(
        input_shape, kernel_size, stride, padding
    )
    cols = np.asarray(cols)
    if cols.shape != (N * H_out * W_out, C * kH * kW):
        raise ValueError(
            f"cols must have shape {(N * H_out * W_out, C * kH * kW)} for images of "
            f"shape {tuple(input_shape)}, got {cols.shape}"
        )
    patches = cols.reshape(N, H_out, W_out, C, kH, kW)
    X_pad = np.zeros((N, C, H + 2 * pH, W + 2 * pW), dtype=cols.dtype)
    for i in range(kH):
        for j in range(kW):
            X_pad[:, :, i : i + sH * H_out : sH, j : j + sW * W_out : sW] += patches[
                :, :, :, :, i, j
            ].transpose(0, 3, 1, 2)
    return X_pad[:, :, pH : pH + H, pW : pW + W]


def _kernel(X, W, b=None):
    W = np.asarray(W)
    if W.ndim != 4:
        raise ValueError(
            f"the kernel W must have shape (C_out, C_in, kH, kW), got {W.shape}"
        )
    if W.shape[1] != X.shape[1]:
        raise ValueError(
            f"the kernel expects {W.shape[1]} input channels but X has {X.shape[1]} "
            f"(X is (N, C, H, W) and W is (C_out, C_in, kH, kW)); make C_in = C"
        )
    if b is not None and np.shape(b) != (W.shape[0],):
        raise ValueError(
            f"b must hold one bias per output channel, shape ({W.shape[0]},), got "
            f"{np.shape(b)}"
        )
    return W


def conv2d(X, W, b, stride=1, padding=0):
    """Z = X * W + b, the cross-correlation of the frameworks: (N, C_out, H_out, W_out).

    Z[n, o, u, v] = b[o] + sum_{c, i, j} W[o, c, i, j] X_pad[n, c, s u + i, s v + j],
    computed as one matrix product of the patches with the kernels.
    """
    X = _images(X)
    W = _kernel(X, W, b)
    C_out, _, kH, kW = W.shape
    _, _, _, (H_out, W_out) = _geometry(X.shape, (kH, kW), stride, padding)
    P = im2col(X, (kH, kW), stride, padding)
    Z = P @ W.reshape(C_out, -1).T + b  # one row per window, one column per o
    return Z.reshape(len(X), H_out, W_out, C_out).transpose(0, 3, 1, 2)


def conv2d_gradients(X, W, dZ, stride=1, padding=0, input_gradient=True):
    """(dL/dX, dL/dW, dL/db) of a convolution, given dZ = dL/dZ.

    dL/db[o] sums dZ over examples and positions; dL/dW[o, c, i, j] sums
    dZ[n, o, u, v] X_pad[n, c, s u + i, s v + j]; dL/dX scatters dZ back through the
    kernel (``col2im``), a full convolution of dZ with the flipped kernel when s = 1.
    With ``input_gradient=False`` dL/dX is not computed (None): the first layer of a
    network needs no gradient for its data.
    """
    X = _images(X)
    W = _kernel(X, W)
    C_out, _, kH, kW = W.shape
    _, _, _, (H_out, W_out) = _geometry(X.shape, (kH, kW), stride, padding)
    dZ = np.asarray(dZ)
    if dZ.shape != (len(X), C_out, H_out, W_out):
        raise ValueError(
            f"dZ must have the shape of Z, {(len(X), C_out, H_out, W_out)}, got "
            f"{dZ.shape}"
        )
    dZ_mat = dZ.transpose(0, 2, 3, 1).reshape(-1, C_out)  # one row per window
    P = im2col(X, (kH, kW), stride, padding)
    db = dZ.sum(axis=(0, 2, 3))
    dW = (dZ_mat.T @ P).reshape(W.shape)
    dX = None
    if input_gradient:
        dX = col2im(dZ_mat @ W.reshape(C_out, -1), X.shape, (kH, kW), stride, padding)
    return dX, dW, db


def _pool_windows(X, size, stride):
    X = _images(X)
    k = whole_number("size", size)
    s = k if stride is None else whole_number("stride", stride)
    H, W = X.shape[2:]
    if k > min(H, W):
        raise ValueError(
            f"a pooling window of {k} x {k} does not fit an input of {H} x {W}: use "
            f"a window of at most {min(H, W)}"
        )
    H_out, W_out = (H - k) // s + 1, (W - k) // s + 1
    windows = sliding_window_view(X, (k, k), axis=(2, 3))[
        :, :, : s * (H_out - 1) + 1 : s, : s * (W_out - 1) + 1 : s
    ]  # (N, C, H_out, W_out, k, k)
    return X, windows, k, s


def _check_dY(dY, windows):
    dY = np.asarray(dY)
    if dY.shape != windows.shape[:4]:
        raise ValueError(
            f"dY must have the shape of the pooled output, {windows.shape[:4]}, got "
            f"{dY.shape}"
        )
    return dY


def max_pool2d(X, size=2, stride=None):
    """The largest entry of every size x size window; stride defaults to size."""
    _, windows, _, _ = _pool_windows(X, size, stride)
    return windows.max(axis=(4, 5))


def max_pool2d_gradient(X, dY, size=2, stride=None):
    """dL/dX of max pooling: each window's dY goes to the entry that was its maximum.

    Ties: the first maximum in reading order (row by row) takes it all, as PyTorch
    does; any split summing to dY is as valid a subgradient.  Where windows overlap
    (stride < size), contributions add; entries of no window get 0.
    """
    X, windows, k, s = _pool_windows(X, size, stride)
    dY = _check_dY(dY, windows)
    N, C, H_out, W_out = dY.shape
    first = windows.reshape(N, C, H_out, W_out, k * k).argmax(axis=-1)
    n, c, u, v = np.indices((N, C, H_out, W_out))
    rows, cols = s * u + first // k, s * v + first % k
    dX = np.zeros(X.shape, dtype=np.result_type(X.dtype, dY.dtype))
    if s >= k:  # windows do not overlap: an entry gets at most one window's dY
        dX[n, c, rows, cols] = dY
    else:  # overlapping windows: an entry that is the maximum of several adds them
        np.add.at(dX, (n, c, rows, cols), dY)
    return dX


def avg_pool2d(X, size=2, stride=None):
    """The mean of every size x size window; stride defaults to size."""
    _, windows, _, _ = _pool_windows(X, size, stride)
    return windows.mean(axis=(4, 5))


def avg_pool2d_gradient(X, dY, size=2, stride=None):
    """dL/dX of average pooling: each window's dY shared equally, dY / size^2, by its
    size^2 entries (adding where windows overlap)."""
    X, windows, k, s = _pool_windows(X, size, stride)
    dY = _check_dY(dY, windows)
    H_out, W_out = dY.shape[2:]
    dX = np.zeros(X.shape, dtype=np.result_type(X.dtype, dY.dtype))
    share = dY / (k * k)
    for i in range(k):
        for j in range(k):
            dX[:, :, i : i + s * H_out : s, j : j + s * W_out : s] += share
    return dX
