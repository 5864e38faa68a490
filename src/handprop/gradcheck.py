"""Gradient checking: backpropagation against central differences.

For each parameter theta_i, the central difference

    (L(theta + eps e_i) - L(theta - eps e_i)) / (2 eps)

differs from dL/dtheta_i by O(eps^2) (truncation) plus O(u / eps) (round-off,
u ~ 1e-16 in float64), so eps near 1e-6..1e-5 balances the two.  It costs two
loss evaluations per parameter: a check, never a way to train.
"""

from __future__ import annotations

import numpy as np

__all__ = ["numerical_gradient", "relative_error", "max_relative_error"]


def numerical_gradient(loss_fn, params, eps=1e-6):
    """Central-difference gradient of ``loss_fn()`` with respect to ``params``.

    ``params`` is a list of tuples of arrays (such as ``net.params``); ``loss_fn``
    takes no argument and must read those arrays, which are perturbed in place
    one entry at a time and restored.  Returns the same structure as ``params``.
    """
    if not eps > 0:
        raise ValueError(f"the step eps must be positive, got {eps!r}")
    grads = []
    for group in params:
        out = []
        for p in group:
            g = np.zeros(p.shape, dtype=np.float64)
            flat, gflat = p.reshape(-1), g.reshape(-1)
            if not np.shares_memory(flat, p):
                raise ValueError(
                    "parameters must be contiguous arrays to be perturbed in place"
                )
            for i in range(flat.size):
                old = flat[i]
                flat[i] = old + eps
                up = loss_fn()
                flat[i] = old - eps
                down = loss_fn()
                flat[i] = old
                gflat[i] = (up - down) / (2 * eps)
            out.append(g)
        grads.append(tuple(out))
    return grads


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||), 0 when both are 0: scale-free, in [0, 1].

    ``a`` and ``b`` must have one shape (a transposed or broadcast shape is an
    error, not a comparison).  The result is NaN when either holds a NaN or an
    infinity, and a NaN fails every ``err < tol``.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(
            f"cannot compare arrays of shapes {a.shape} and {b.shape}: a relative "
            f"error needs one shape (is one of them transposed?)"
        )
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("nan")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def max_relative_error(net, X, y, eps=1e-6):
    """The largest relative error, over all weight and bias arrays of ``net``,
    between ``net.loss_and_gradients(X, y)`` and the central difference.

    Raises ``ValueError`` naming the array when a gradient, either one, is not
    finite or has the wrong shape: a NaN is never "the largest error" or
    "small".  Use float64 networks: in float32, round-off alone gives relative
    errors of order 1e-5 even at the best step (chapter 6 measures it), which
    hides bugs.
    """
    _, grads = net.loss_and_gradients(X, y)
    numeric = numerical_gradient(lambda: net.loss(X, y), net.params, eps=eps)
    errors = []
    for l, (pair_g, pair_n, pair_p) in enumerate(
        zip(grads, numeric, net.params), start=1
    ):
        for symbol, g, n, p in zip("Wb", pair_g, pair_n, pair_p):
            what = f"dL/d{symbol}^({l})"
            g = np.asarray(g)
            if g.shape != p.shape:
                raise ValueError(
                    f"{what} from loss_and_gradients has shape {g.shape}, but "
                    f"{symbol}^({l}) has shape {p.shape}"
                )
            for array, whose in ((g, "backpropagation"), (n, "central differences")):
                if not np.all(np.isfinite(array)):
                    raise ValueError(
                        f"{what} from {whose} is not finite "
                        f"({int(np.sum(~np.isfinite(array)))} of {array.size} "
                        f"entries are NaN or infinite); no error can be measured"
                    )
            errors.append(relative_error(g, n))
    return max(errors)
