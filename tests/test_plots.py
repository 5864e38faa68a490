"""The figures: each is built from real inputs and has the panels and labels it promises."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

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


def test_the_book_style_keeps_figures_to_the_column_and_text_to_caption_size():
    """At 100 dpi a figure of WIDTH inches is shown at its own size in the site's text
    column (about 620 px), so its smallest text stays FONT_SIZE points."""
    import matplotlib

    assert hp.plots.WIDTH * 100 <= 625 and hp.plots.FONT_SIZE >= 11
    with matplotlib.rc_context():
        hp.plots.use_book_style()
        assert matplotlib.rcParams["figure.figsize"][0] <= hp.plots.WIDTH
        sizes = [matplotlib.rcParams[k] for k in ("font.size", "axes.labelsize",
                                                  "xtick.labelsize", "legend.fontsize")]
        assert all(float(s) >= hp.plots.FONT_SIZE for s in sizes), sizes


def test_every_figure_the_package_draws_fits_the_column():
    import matplotlib.pyplot as plt

    history = hp.History(step_loss=[1.0, 0.5], train_loss=[0.6], train_accuracy=[0.8],
                         epoch_seconds=[1.0])
    rng = np.random.default_rng(0)
    figures = [hp.plots.plot_history(history), hp.plots.plot_digits(rng.random((16, 784)),
                                                                     np.arange(16) % 10),
               hp.plots.plot_confusion(np.eye(10, dtype=int) * 900),
               hp.plots.plot_weights(rng.normal(size=(784, 12)), range(12))]
    for fig in figures:
        assert fig.get_size_inches()[0] <= hp.plots.WIDTH + 1e-9
        plt.close(fig)


@pytest.mark.parametrize("x, digits, tex", [
    (7e-11, 0, r"$7 \times 10^{-11}$"), (1.44e-8, 1, r"$1.4 \times 10^{-8}$"),
    (1e-8, 0, r"$10^{-8}$"), (9.96e-3, 1, r"$10^{-2}$"), (-3e-5, 0, r"$-3 \times 10^{-5}$"),
    (4.5, 1, "$4.5$"), (0.0, 0, "$0$"),
])
def test_power_of_ten_writes_numbers_as_the_prose_does(x, digits, tex):
    assert hp.power_of_ten(x, digits) == tex
