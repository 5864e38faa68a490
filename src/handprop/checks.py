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


def _not_finite(name, array, whose, hint=""):
    """An AnswerError naming the first entry of ``array`` that is NaN or infinite,
    or None when every entry is finite."""
    bad = np.argwhere(~np.isfinite(array))
    if len(bad) == 0:
        return None
    where = tuple(int(i) for i in bad[0])
    return AnswerError(
        f"{name}: {len(bad)} of {array.size} entries of {whose} are not finite; "
        f"entry {where} is {array[where]}{hint}"
    )


def compare(name, got, expected, rtol=1e-6, atol=1e-9, verbose=True):
    """Check ``got`` against ``expected``, entry by entry.

    Raises ``AnswerError`` naming a shape mismatch, a non-finite entry (of your
    answer or of the reference: a NaN agrees with nothing, not even a NaN), or
    the entry with the largest error, with both values.  Returns the relative
    error ||got - expected|| / (||got|| + ||expected||).
    """
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        hint = " (transposed?)" if got.shape == expected.shape[::-1] else ""
        raise AnswerError(
            f"{name}: your answer has shape {got.shape}, expected "
            f"{expected.shape}{hint}"
        )
    for array, whose in ((got, "your answer"), (expected, "the reference")):
        error = _not_finite(name, array, whose)
        if error:
            raise error
    err = np.abs(got - expected)
    bad = ~(err <= atol + rtol * np.abs(expected))  # a NaN error counts as bad
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
        agree = (
            "the one entry agrees" if got.size == 1 else f"all {got.size} entries agree"
        )
        print(f"{name}: {agree} (relative error {rel:.1e})")
    return rel


def check_derivative(
    f, f_prime, low=-4.0, high=4.0, size=50, seed=0, eps=1e-6, rtol=1e-5, name=None
):
    """Check an elementwise derivative ``f_prime`` against central differences of ``f``.

    Both are called on one array of ``size`` random points in ``[low, high]``,
    which must lie where f is defined: a NaN or an infinity in f's values is
    reported, never compared.
    """
    z = np.random.default_rng(seed).uniform(low, high, size=size)
    label = name or getattr(f_prime, "__name__", "derivative")
    with np.errstate(all="ignore"):
        numeric = (np.asarray(f(z + eps)) - np.asarray(f(z - eps))) / (2 * eps)
        answer = f_prime(z)
    numeric = np.broadcast_to(np.asarray(numeric, dtype=np.float64), z.shape)
    if not np.all(np.isfinite(numeric)):
        i = int(np.argmax(~np.isfinite(numeric)))
        raise AnswerError(
            f"{label}: the central difference of f at z = {z[i]:.4g} is "
            f"{numeric[i]}, because f is not finite near there; the check needs f "
            f"defined on all of [low, high] = [{low}, {high}]: choose low and high "
            f"inside f's domain"
        )
    return compare(
        f"{label} at {size} random points", answer, numeric, rtol=rtol, atol=1e-7
    )


def _loss_value(loss, arrays, name, where):
    """``loss(*arrays)`` as one finite float, or an AnswerError saying why not."""
    with np.errstate(all="ignore"):
        value = np.asarray(loss(*arrays), dtype=np.float64)
    if value.size != 1:
        raise AnswerError(
            f"{name}: the loss must return one number, got an array of shape "
            f"{value.shape}; sum or average it"
        )
    value = float(value.reshape(()))
    if not np.isfinite(value):
        raise AnswerError(
            f"{name}: the loss is {value} {where}, so no central difference can "
            f"check a gradient there. If the loss is undefined for some inputs "
            f"(a log or a square root of a negative number), pass low= and high= "
            f"to draw the inputs from its domain, for example low=0.5, high=2.0."
        )
    return value


def check_gradient(
    loss,
    gradient,
    shapes,
    seed=0,
    eps=1e-6,
    rtol=1e-5,
    scale=1.0,
    name="gradient",
    low=None,
    high=None,
):
    """Check ``gradient(*arrays)`` against central differences of ``loss(*arrays)``.

    ``eps`` is the step epsilon of the central differences, as everywhere in the
    book.  ``shapes`` lists the shape of each argument; the arguments are drawn with
    ``seed`` from N(0, scale^2), or uniformly from [low, high] when both are
    given (for a loss defined only on part of the line).  ``gradient`` returns
    one array per argument (or a single array when there is one argument), each
    of its argument's shape.  A loss that is not finite at a point the check
    needs is reported, never compared.
    """
    rng = np.random.default_rng(seed)
    if (low is None) != (high is None):
        raise ValueError("give both low and high, or neither")
    if low is None:
        arrays = [rng.normal(0.0, scale, size=s) for s in shapes]
    else:
        arrays = [rng.uniform(low, high, size=s) for s in shapes]
    _loss_value(loss, arrays, name, "at the random inputs")
    with np.errstate(all="ignore"):
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
        label = name if len(arrays) == 1 else f"{name}, argument {k}"
        numeric = np.zeros(a.shape)
        for idx in np.ndindex(*a.shape):
            old = a[idx]
            where = f"when entry {idx} of argument {k} moves by +-{eps:g}"
            a[idx] = old + eps
            up = _loss_value(loss, arrays, label, where)
            a[idx] = old - eps
            down = _loss_value(loss, arrays, label, where)
            a[idx] = old
            numeric[idx] = (up - down) / (2 * eps)
        errors.append(compare(label, analytic[k], numeric, rtol=rtol, atol=1e-8))
    return max(errors)
