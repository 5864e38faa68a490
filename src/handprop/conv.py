"""Convolution and pooling, with their gradients, in the book's notation.

Layout as PyTorch stores it, so a reader can compare entry by entry: images are
``X[n, c, h, w]`` of shape (N, C, H, W) and kernels ``W[o, c, i, j]`` of shape
(C_out, C_in, kH, kW), with one bias ``b[o]`` per output channel.

The convolution of the frameworks is a cross-correlation.  With stride s and zero
padding p (X_pad is X with p zeros added on each side of both spatial axes),

    Z[n, o, u, v] = b[o] + sum_{c, i, j} W[o, c, i, j] X_pad[n, c, s u + i, s v + j]

for u = 0..H_out-1, v = 0..W_out-1, H_out = floor((H + 2p - kH) / s) + 1 (the same
for the width).  Rows and columns that no window reaches take part in nothing, so
their gradient is 0: the last (H + 2p - kH) mod s rows of X_pad, and, when s > kH,
the s - kH rows of every gap between two windows.

Every window, flattened, is one row of the patch matrix P = ``im2col(X)``; with
W_mat the kernels as C_out rows, the layer is one matrix product, Z_mat = P W_mat^T
+ 1 b^T (one row per window (n, u, v), one column per kernel o).  With Delta =
dL/dZ_mat in the same layout, its gradients are (the book derives them entry by
entry):

    dL/db[o]          = sum_{n, u, v} dZ[n, o, u, v]    (the column sums of Delta)
    dL/dW             = Delta^T P
    dL/dX             = col2im(Delta W_mat)

The code computes the transposes, Z_mat^T = W_mat P^T + b and Delta^T P, so that
the kernel index o runs over the rows, as it does in the (N, C_out, H_out, W_out)
layout of Z.

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
    size, kernel = whole_number("size", size), whole_number("kernel", kernel)
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
    (``sliding_window_view``); the reshape into a matrix copies them, column by
    column: column (c, i, j) is entry (i, j) of channel c of every window, stored
    contiguously (the matrix returned is the transpose of that copy, which NumPy and
    BLAS read as they read any matrix).
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
    P_T = windows.transpose(1, 4, 5, 0, 2, 3).reshape(C * kH * kW, N * H_out * W_out)
    return P_T.T


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
    # patches[c, i, j] is column (c, i, j): entry (i, j) of channel c of every
    # window, as an (N, H_out, W_out) array; the sums run channels first, so that
    # each addition reads and writes arrays of the same order.
    patches = cols.T.reshape(C, kH, kW, N, H_out, W_out)
    X_pad = np.zeros((C, N, H + 2 * pH, W + 2 * pW), dtype=cols.dtype)
    for i in range(kH):
        for j in range(kW):
            X_pad[:, :, i : i + sH * H_out : sH, j : j + sW * W_out : sW] += patches[
                :, i, j
            ]
    return X_pad[:, :, pH : pH + H, pW : pW + W].transpose(1, 0, 2, 3)


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


def conv2d(X, W, b, stride=1, padding=0, patches=None):
    """Z = X * W + b, the cross-correlation of the frameworks: (N, C_out, H_out, W_out).

    Z[n, o, u, v] = b[o] + sum_{c, i, j} W[o, c, i, j] X_pad[n, c, s u + i, s v + j],
    computed as one matrix product of the kernels with the patches.  ``patches`` is
    ``im2col(X, ...)`` when the caller already has it (a network keeps it for dL/dW).
    """
    X = _images(X)
    W = _kernel(X, W, b)
    C_out, _, kH, kW = W.shape
    _, _, _, (H_out, W_out) = _geometry(X.shape, (kH, kW), stride, padding)
    P = _patches(X, (kH, kW), stride, padding, patches)  # one row per window
    Z = W.reshape(C_out, -1) @ P.T + np.reshape(b, (C_out, 1))  # Z_mat^T: a row per o
    return Z.reshape(C_out, len(X), H_out, W_out).transpose(1, 0, 2, 3)


def conv2d_gradients(X, W, dZ, stride=1, padding=0, input_gradient=True, patches=None):
    """(dL/dX, dL/dW, dL/db) of a convolution, given dZ = dL/dZ.

    dL/db[o] sums dZ over examples and positions; dL/dW[o, c, i, j] sums
    dZ[n, o, u, v] X_pad[n, c, s u + i, s v + j]; dL/dX scatters dZ back through the
    kernel (``col2im``), a full convolution of dZ with the flipped kernel when s = 1.
    With ``input_gradient=False`` dL/dX is not computed (None): the first layer of a
    network needs no gradient for its data.  ``patches`` as in ``conv2d``.
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
    Delta_T = dZ.transpose(1, 0, 2, 3).reshape(C_out, -1)  # Delta^T: a row per o
    P = _patches(X, (kH, kW), stride, padding, patches)  # one row per window
    db = Delta_T.sum(axis=1)
    dW = (Delta_T @ P).reshape(W.shape)
    dX = None
    if input_gradient:
        # Delta W_mat, computed as the transpose of W_mat^T Delta^T: the same
        # matrix, with its columns contiguous, as col2im reads them
        dcols = (W.reshape(C_out, -1).T @ Delta_T).T
        dX = col2im(dcols, X.shape, (kH, kW), stride, padding)
    return dX, dW, db


def _patches(X, kernel_size, stride, padding, patches):
    """im2col(X), or the caller's copy of it after a check of its shape."""
    if patches is None:
        return im2col(X, kernel_size, stride, padding)
    kH, kW = kernel_size
    _, _, _, (H_out, W_out) = _geometry(X.shape, kernel_size, stride, padding)
    expected = (len(X) * H_out * W_out, X.shape[1] * kH * kW)
    if np.shape(patches) != expected:
        raise ValueError(
            f"patches must be im2col(X, {kernel_size}, {stride}, {padding}), of shape "
            f"{expected}, got {np.shape(patches)}"
        )
    return patches


def _pool_geometry(X, size, stride):
    """X as images, the window side k, the stride s, the output size (H_out, W_out)."""
    X = _images(X)
    k = whole_number("size", size)
    s = k if stride is None else whole_number("stride", stride)
    H, W = X.shape[2:]
    if k > min(H, W):
        raise ValueError(
            f"a pooling window of {k} x {k} does not fit an input of {H} x {W}: use "
            f"a window of at most {min(H, W)}"
        )
    return X, k, s, ((H - k) // s + 1, (W - k) // s + 1)


def _window_entry(i, j, s, out_shape):
    """The index of entry (i, j) of every window at once: X[..., s u + i, s v + j]
    for all u, v, an (N, C, H_out, W_out) view of X."""
    H_out, W_out = out_shape
    rows = slice(i, i + s * (H_out - 1) + 1, s)
    cols = slice(j, j + s * (W_out - 1) + 1, s)
    return (..., rows, cols)


def _check_dY(dY, X, out_shape):
    dY, expected = np.asarray(dY), (*X.shape[:2], *out_shape)
    if dY.shape != expected:
        raise ValueError(
            f"dY must have the shape of the pooled output, {expected}, got {dY.shape}"
        )
    return dY


def max_pool2d(X, size=2, stride=None):
    """The largest entry of every size x size window; stride defaults to size.

    Y[n, c, u, v] = max_{i, j} X[n, c, s u + i, s v + j], taken as the running maximum
    over the k^2 window entries (i, j), each an array over all windows at once.
    """
    X, k, s, out = _pool_geometry(X, size, stride)
    Y = X[_window_entry(0, 0, s, out)]
    for i in range(k):
        for j in range(k):
            Y = np.maximum(Y, X[_window_entry(i, j, s, out)])
    return Y


def max_pool2d_gradient(X, dY, size=2, stride=None, Y=None):
    """dL/dX of max pooling: each window's dY goes to the entry that was its maximum.

    Ties: the first maximum in reading order (row by row) takes it all, as PyTorch's
    CPU kernel does (tests/test_conv_autograd.py); any split of dY among the tied
    maxima with nonnegative shares is as valid a subgradient.  Where windows overlap
    (stride < size), contributions add; entries of no window get 0.  ``Y`` is
    ``max_pool2d(X, size, stride)`` when the caller kept it from the forward pass.
    """
    X, k, s, out = _pool_geometry(X, size, stride)
    dY = _check_dY(dY, X, out)
    Y = max_pool2d(X, k, s) if Y is None else _check_dY(Y, X, out)
    dX = np.zeros(X.shape, dtype=np.result_type(X.dtype, dY.dtype))
    unclaimed = np.ones(dY.shape, dtype=bool)  # windows whose maximum is not yet found
    for i in range(k):  # entries in reading order, so the first maximum claims dY
        for j in range(k):
            entry = _window_entry(i, j, s, out)
            first_max = unclaimed & (X[entry] == Y)
            dX[entry] += np.where(first_max, dY, 0)  # overlapping windows add
            unclaimed &= ~first_max
    return dX


def avg_pool2d(X, size=2, stride=None):
    """The mean of every size x size window; stride defaults to size."""
    X, k, s, out = _pool_geometry(X, size, stride)
    total = sum(X[_window_entry(i, j, s, out)] for i in range(k) for j in range(k))
    return total / (k * k)


def avg_pool2d_gradient(X, dY, size=2, stride=None):
    """dL/dX of average pooling: each window's dY shared equally, dY / size^2, by its
    size^2 entries (adding where windows overlap)."""
    X, k, s, out = _pool_geometry(X, size, stride)
    dY = _check_dY(dY, X, out)
    dX = np.zeros(X.shape, dtype=np.result_type(X.dtype, dY.dtype))
    for i in range(k):
        for j in range(k):
            dX[_window_entry(i, j, s, out)] += dY / (k * k)
    return dX
