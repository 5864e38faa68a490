"""Checkers for the exercises: run them on your own answer, and read what they say.

Each checker compares your function with an independent computation (central
differences of a function you also give, or values you give) at random inputs, and
either returns quietly or raises ``AnswerError`` saying what is wrong: a shape that
does not match, or the entry that differs most, with both values and the relative
error.  In the spirit of the ``cmp`` helper of Karpathy's backprop exercises,
a check prints one line of what it compared when it passes.

- ``compare(name, got, expected)``: two arrays, entry by entry.
- ``check_derivative(f, f_prime)``: an elementwise f' against central
  differences of f.
- ``check_gradient(loss, gradient, shapes)``: the gradient of a scalar function of
  one or more arrays against central differences, for every entry.
"""

from __future__ import annotations

import numpy as np

from .gradcheck import relative_error

__all__ = ["AnswerError", "compare", "check_derivative", "check_gradient"]


class AnswerError(AssertionError):
    """Your answer differs from the reference; the message says where, by how much."""


def compare(name, got, expected, rtol=1e-6, atol=1e-9, verbose=True):
    """Check ``got`` against ``expected``, entry by entry.

    Raises ``AnswerError`` naming a shape mismatch, a non-finite entry, or the
    entry with the largest error, with both values.  Returns the relative error
    ||got - expected|| / (||got|| + ||expected||).
    """
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        hint = " (transposed?)" if got.shape == expected.shape[::-1] else ""
        raise AnswerError(
            f"{name}: your answer has shape {got.shape}, expected "
            f"{expected.shape}{hint}"
        )
    if not np.all(np.isfinite(got)):
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(got))[0])
        raise AnswerError(f"{name}: entry {where} of your answer is {got[where]}")
    err = np.abs(got - expected)
    bad = err > atol + rtol * np.abs(expected)
    if bad.any():
        where = np.unravel_index(np.argmax(np.where(bad, err, -1)), got.shape)
        where = tuple(int(i) for i in where)
        raise AnswerError(
            f"{name}: {int(bad.sum())} of {got.size} entries differ; "
            f"the worst is entry "
            f"{where}: yours {got[where]:.6g}, expected {expected[where]:.6g} "
            f"(relative error of the whole array {relative_error(got, expected):.1e})"
        )
    rel = relative_error(got, expected)
    if verbose:
        print(f"{name}: all {got.size} entries agree (relative error {rel:.1e})")
    return rel


def check_derivative(
    f, f_prime, low=-4.0, high=4.0, size=50, seed=0, h=1e-6, rtol=1e-5, name=None
):
    """Check an elementwise derivative ``f_prime`` against central differences of ``f``.

    Both are called on one array of ``size`` random points in ``[low, high]``.
    """
    z = np.random.default_rng(seed).uniform(low, high, size=size)
    numeric = (np.asarray(f(z + h)) - np.asarray(f(z - h))) / (2 * h)
    label = name or getattr(f_prime, "__name__", "derivative")
    return compare(
        f"{label} at {size} random points", f_prime(z), numeric, rtol=rtol, atol=1e-7
    )


def check_gradient(
    loss, gradient, shapes, seed=0, h=1e-6, rtol=1e-5, scale=1.0, name="gradient"
):
    """Check ``gradient(*arrays)`` against central differences of ``loss(*arrays)``.

    ``shapes`` lists the shape of each argument; the arguments are drawn from
    N(0, scale^2) with ``seed``.  ``gradient`` returns one array per argument (or
    a single array when there is one argument), each of its argument's shape.
    """
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(0.0, scale, size=s) for s in shapes]
    analytic = gradient(*[a.copy() for a in arrays])
    if len(arrays) == 1 and not isinstance(analytic, (list, tuple)):
        analytic = [analytic]
    if len(analytic) != len(arrays):
        raise AnswerError(
            f"{name}: your gradient returned {len(analytic)} arrays, "
            f"expected one per argument ({len(arrays)})"
        )
    errors = []
    for k, a in enumerate(arrays):
        numeric = np.zeros(a.shape)
        for idx in np.ndindex(*a.shape):
            old = a[idx]
            a[idx] = old + h
            up = float(loss(*arrays))
            a[idx] = old - h
            down = float(loss(*arrays))
            a[idx] = old
            numeric[idx] = (up - down) / (2 * h)
        label = name if len(arrays) == 1 else f"{name}, argument {k}"
        errors.append(compare(label, analytic[k], numeric, rtol=rtol, atol=1e-8))
    return max(errors)
