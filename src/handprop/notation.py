"""Numbers as the book's prose writes them.

A number glued into the text is typeset like the mathematics around it: a small
or large number as a power of ten ($7 \\times 10^{-11}$), never in e-notation
(7e-11), which the prose never writes.
"""

from __future__ import annotations

import math

__all__ = ["power_of_ten"]


def power_of_ten(x, digits=0):
    """``x`` as inline TeX, ``"$7 \\times 10^{-11}$"``, with ``digits`` decimals in
    the mantissa; a mantissa that rounds to 1 is dropped (``"$10^{-8}$"``).

    For glue: ``glue(name, Markdown(hp.power_of_ten(x)), display=False)`` and
    ``{glue:md}`name:myst``` in the text (the ``:myst`` suffix makes MyST-NB parse
    the math; without it the TeX shows as typed).
    """
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return f"${x:g}$" if x == 0 else f"${x}$"
    exponent = math.floor(math.log10(abs(x)))
    mantissa = round(x / 10.0**exponent, digits)
    if abs(mantissa) >= 10:  # 9.96 rounded to one digit is 10.0
        mantissa /= 10
        exponent += 1
    if exponent == 0:
        return f"${mantissa:.{digits}f}$"
    if mantissa == 1:
        return f"$10^{{{exponent}}}$"
    if mantissa == -1:
        return f"$-10^{{{exponent}}}$"
    return f"${mantissa:.{digits}f} \\times 10^{{{exponent}}}$"
