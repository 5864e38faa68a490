"""The figures: each is built from real inputs and has the panels and labels it promises."""

import matplotlib.pyplot as plt
import numpy as np

import handprop as hp
from handprop import plots


def test_plot_history_overlays_training_and_validation():
    h = hp.History(step_loss=[2.0, 1.5, 1.0, 0.8], train_loss=[1.2, 0.7], train_accuracy=[0.6, 0.8],
                   val_loss=[1.3, 0.9], val_accuracy=[0.55, 0.75], epoch_seconds=[0.1, 0.1])
    fig = plots.plot_history(h)
    loss_ax, acc_ax = fig.axes
    assert [t.get_text() for t in loss_ax.get_legend().get_texts()] == ["mini-batch", "training", "validation"]
    assert [t.get_text() for t in acc_ax.get_legend().get_texts()] == ["training", "validation"]
    np.testing.assert_allclose(acc_ax.lines[1].get_ydata(), [55.0, 75.0])
    plt.close(fig)


def test_plot_digits_marks_mistakes():
    X = np.random.default_rng(0).random((12, 784))
    y = np.arange(12) % 10
    pred = y.copy()
    pred[3] = 8
    fig = plots.plot_digits(X, y, predictions=pred, ncols=6)
    titled = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(fig.axes) == 12 and titled[3] == "3 \u2192 8"
    assert fig.axes[3].title.get_color() == "C3"
    plt.close(fig)


def test_plot_confusion_writes_every_count():
    C = np.arange(9).reshape(3, 3)
    fig = plots.plot_confusion(C)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == [str(v) for v in range(9)]
    plt.close(fig)


def test_plot_weights_one_panel_per_unit():
    W = np.random.default_rng(0).normal(size=(784, 20))
    fig = plots.plot_weights(W, units=range(5), ncols=5)
    assert [ax.get_title() for ax in fig.axes] == [f"unit {u}" for u in range(5)]
    plt.close(fig)
