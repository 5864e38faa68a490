"""Figures the book draws: learning curves, digits, confusion matrices, weights.

Each function returns a matplotlib ``Figure`` and shows nothing by itself.
"""

from __future__ import annotations

import numpy as np

__all__ = ["plot_history", "plot_digits", "plot_confusion", "plot_weights"]


def _figure(**kwargs):
    import matplotlib.pyplot as plt

    return plt.subplots(**kwargs)


def plot_history(history, title=None):
    """Loss (left) and accuracy (right) per epoch, training and validation overlaid.

    The left panel also shows the loss of every mini-batch step, faintly, on the
    same epoch axis (step s of an epoch with S steps sits at epoch - 1 + s / S).
    """
    fig, (ax_loss, ax_acc) = _figure(ncols=2, figsize=(10, 3.8), layout="constrained")
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
    ax_loss.set(xlabel="epoch", ylabel="mean cross-entropy", yscale="log", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend()
    if title:
        fig.suptitle(title)
    return fig


def plot_digits(X, y, predictions=None, ncols=10, scale=1.1):
    """A grid of 28 x 28 digits titled with their labels.

    With ``predictions``, titles read "label -> prediction", red where they differ.
    """
    X = np.asarray(X).reshape(len(X), 28, 28)
    n = len(X)
    nrows = max(1, -(-n // ncols))
    fig, axes = _figure(
        nrows=nrows,
        ncols=ncols,
        figsize=(scale * ncols, scale * 1.25 * nrows),
        layout="constrained",
        squeeze=False,
    )
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k >= n:
            continue
        ax.imshow(X[k], cmap="gray_r", vmin=0, vmax=1)
        if predictions is None:
            ax.set_title(f"{y[k]}", fontsize=10)
        else:
            wrong = predictions[k] != y[k]
            ax.set_title(
                f"{y[k]} \u2192 {predictions[k]}",
                fontsize=10,
                color="C3" if wrong else "black",
            )
    return fig


def plot_confusion(C, title="confusion matrix"):
    """Heat map of a confusion matrix ``C[true, predicted]``, counts written in."""
    C = np.asarray(C)
    k = C.shape[0]
    fig, ax = _figure(figsize=(5.6, 5), layout="constrained")
    off = C.astype(float)
    np.fill_diagonal(off, np.nan)
    im = ax.imshow(off, cmap="Reds")
    fig.colorbar(im, ax=ax, shrink=0.8, label="errors (off-diagonal counts)")
    for i in range(k):
        for j in range(k):
            ax.text(
                j,
                i,
                str(C[i, j]),
                ha="center",
                va="center",
                fontsize=7,
                color="black",
                fontweight="bold" if i == j else "normal",
            )
    ax.set(
        xticks=range(k), yticks=range(k), xlabel="predicted", ylabel="true", title=title
    )
    return fig


def plot_weights(W, units, ncols=8, scale=1.2):
    """Columns ``W[:, u]`` of a first-layer weight matrix shown as 28 x 28 images.

    Each unit's colour scale is symmetric about 0: red pixels raise z_u, blue lower it.
    """
    units = list(units)
    nrows = max(1, -(-len(units) // ncols))
    fig, axes = _figure(
        nrows=nrows,
        ncols=ncols,
        figsize=(scale * ncols, scale * 1.15 * nrows),
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
        ax.set_title(f"unit {units[k]}", fontsize=8)
    return fig
