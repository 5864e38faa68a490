"""Figures the book draws: learning curves, digits, confusion matrices, weights.

Each function returns a matplotlib ``Figure`` and shows nothing by itself.

``use_book_style()`` sets the size every figure of the book is drawn at: at most
``WIDTH`` inches wide, so that a figure is shown at its own size in the site's text
column (about 620 px at 1280 px) instead of being shrunk, with text of at least
``FONT_SIZE`` points, the size of the captions beside it; white backgrounds, so a
figure reads the same in the site's light and dark modes.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "WIDTH",
    "FONT_SIZE",
    "BOOK_STYLE",
    "use_book_style",
    "plot_history",
    "plot_digits",
    "plot_confusion",
    "plot_weights",
]

#: Widest figure, in inches (at 100 dots per inch: 620 px, the site's column).
WIDTH = 6.2
#: Smallest text in a figure, in points (about the site's caption size).
FONT_SIZE = 11

BOOK_STYLE = {
    "figure.figsize": (WIDTH, 3.8),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "font.size": FONT_SIZE,
    "axes.titlesize": FONT_SIZE + 1,
    "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": FONT_SIZE,
    "ytick.labelsize": FONT_SIZE,
    "legend.fontsize": FONT_SIZE,
    "figure.titlesize": FONT_SIZE + 2,
    "legend.framealpha": 0.9,
}


def use_book_style():
    """Draw every following figure in the book's size and type (``BOOK_STYLE``)."""
    import matplotlib

    matplotlib.rcParams.update(BOOK_STYLE)


def _figure(**kwargs):
    import matplotlib.pyplot as plt

    return plt.subplots(**kwargs)


def plot_history(history, title=None):
    """Loss (left) and accuracy (right) per epoch, training and validation overlaid.

    The left panel also shows the loss of every mini-batch step, faintly, on the
    same epoch axis (step s of an epoch with S steps sits at epoch - 1 + s / S).
    """
    fig, (ax_loss, ax_acc) = _figure(
        nrows=2, figsize=(WIDTH, 5.6), sharex=True, layout="constrained"
    )
    epochs = np.arange(1, history.epochs + 1)
    if history.step_loss and history.epochs:
        steps = np.arange(1, len(history.step_loss) + 1) / (
            len(history.step_loss) / history.epochs
        )
        ax_loss.plot(steps, history.step_loss, color="0.75", lw=0.6, label="mini-batch")
    if history.train_loss:
        ax_loss.plot(epochs, history.train_loss, "o-", color="C0", label="training")
        ax_acc.plot(
            epochs,
            100 * np.asarray(history.train_accuracy),
            "o-",
            color="C0",
            label="training",
        )
    if history.val_loss:
        ax_loss.plot(epochs, history.val_loss, "s-", color="C1", label="validation")
        ax_acc.plot(
            epochs,
            100 * np.asarray(history.val_accuracy),
            "s-",
            color="C1",
            label="validation",
        )
    ax_loss.set(ylabel="mean cross-entropy", yscale="log", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend()
    if title:
        fig.suptitle(title)
    return fig


def plot_digits(X, y, predictions=None, ncols=8):
    """A grid of 28 x 28 digits titled with their labels, ``ncols`` to a row.

    With ``predictions``, titles read "label -> prediction", red where they differ.
    """
    X = np.asarray(X).reshape(len(X), 28, 28)
    n = len(X)
    nrows = max(1, -(-n // ncols))
    cell = WIDTH / ncols
    fig, axes = _figure(
        nrows=nrows,
        ncols=ncols,
        figsize=(WIDTH, cell * 1.3 * nrows),
        layout="constrained",
        squeeze=False,
    )
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k >= n:
            continue
        ax.imshow(X[k], cmap="gray_r", vmin=0, vmax=1)
        if predictions is None:
            ax.set_title(f"{y[k]}", fontsize=FONT_SIZE)
        else:
            wrong = predictions[k] != y[k]
            ax.set_title(
                f"{y[k]} \u2192 {predictions[k]}",
                fontsize=FONT_SIZE,
                color="C3" if wrong else "black",
            )
    return fig


def plot_confusion(C, title="confusion matrix"):
    """Heat map of a confusion matrix ``C[true, predicted]``, counts written in."""
    C = np.asarray(C)
    k = C.shape[0]
    fig, ax = _figure(figsize=(WIDTH, 5.6), layout="constrained")
    off = C.astype(float)
    np.fill_diagonal(off, np.nan)
    im = ax.imshow(off, cmap="Reds")
    fig.colorbar(im, ax=ax, shrink=0.8, label="errors (off-diagonal counts)")
    darkest = np.nanmax(off) if np.isfinite(off).any() else 0
    for i in range(k):
        for j in range(k):
            # white on the darkest third of the red scale, black elsewhere
            dark = i != j and darkest > 0 and C[i, j] > 2 * darkest / 3
            ax.text(
                j,
                i,
                str(C[i, j]),
                ha="center",
                va="center",
                fontsize=FONT_SIZE - 1 if C.max() >= 1000 else FONT_SIZE,
                color="white" if dark else "black",
                fontweight="bold" if i == j else "normal",
            )
    ax.set(
        xticks=range(k), yticks=range(k), xlabel="predicted", ylabel="true", title=title
    )
    return fig


def plot_weights(W, units, ncols=6):
    """Columns ``W[:, u]`` of a first-layer weight matrix shown as 28 x 28 images.

    Each unit's colour scale is symmetric about 0: red pixels raise z_u, blue lower it.
    """
    units = list(units)
    nrows = max(1, -(-len(units) // ncols))
    cell = WIDTH / ncols
    fig, axes = _figure(
        nrows=nrows,
        ncols=ncols,
        figsize=(WIDTH, cell * 1.2 * nrows),
        layout="constrained",
        squeeze=False,
    )
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k >= len(units):
            continue
        w = np.asarray(W[:, units[k]]).reshape(28, 28)
        m = np.abs(w).max() or 1.0
        ax.imshow(w, cmap="RdBu_r", vmin=-m, vmax=m)
        ax.set_title(f"unit {units[k]}", fontsize=FONT_SIZE)
    return fig
