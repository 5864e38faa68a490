"""Checking what a reader passes in: class labels and counts.

A function of ``handprop`` that takes labels or a count from its caller checks
them here, so that a mistake (a label of -1, labels as floats, a batch size of
0 or 2.5) stops with a message that names the problem and the fix, instead of a
raw ``IndexError`` deep inside NumPy or, worse, a wrong answer.
"""

from __future__ import annotations

import numpy as np

__all__ = ["class_labels", "whole_number"]


def whole_number(name, value, minimum=1):
    """``value`` as an int if it is a whole number >= ``minimum``, else a
    ``ValueError`` naming ``name``.  ``True`` and ``2.0`` are not whole numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    return int(value)


def class_labels(y, num_classes, n=None):
    """``y`` as an int64 array of class indices in [0, num_classes - 1], or a
    ``ValueError`` saying what is wrong and how to fix it.

    ``n``, when given, is the number of labels expected (one per row of X).
    Lists and integer arrays are accepted; floats, booleans, one-hot rows and
    labels out of range are not (label -1 would silently index the last class).
    """
    y = np.asarray(y)
    K = whole_number("num_classes", num_classes)
    if y.ndim != 1 or (n is not None and len(y) != n):
        want = f"({n},)" if n is not None else "(N,)"
        raise ValueError(
            f"expected y of shape {want}, one integer label per example, got shape "
            f"{y.shape}; pass class indices, not one-hot rows"
        )
    if y.size and y.dtype.kind not in "iu":
        raise ValueError(
            f"expected integer class labels in [0, {K - 1}], got dtype {y.dtype}; "
            f"convert whole-number floats with y.astype(int)"
        )
    if y.size and (y.min() < 0 or y.max() >= K):
        raise ValueError(
            f"expected labels in [0, {K - 1}] for {K} classes, "
            f"got values from {y.min()} to {y.max()}"
        )
    return y.astype(np.int64, copy=False)


