"""Training: a short real-data run, determinism, the history and its printout."""

import numpy as np
import pytest

import handprop as hp


def test_short_mnist_run_reaches_90_percent(mnist):
    (X, y), (Xt, yt) = mnist
    net = hp.MLP([784, 64, 10], seed=0, dtype=np.float32)
    history = hp.train(net, X[:10_000], y[:10_000], epochs=2, batch_size=32, lr=0.5,
                       verbose=False)
    acc = hp.accuracy(yt, net.predict(Xt))
    assert acc >= 0.90, f"test accuracy {acc:.4f}"
    assert history.step_loss[-1] < history.step_loss[0]


def toy_data(seed=0, n=300):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 6))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1).astype(int)
    return X, y


def test_same_seed_same_history():
    X, y = toy_data()
    runs = []
    for _ in range(2):
        net = hp.MLP([6, 8, 3], seed=4)
        runs.append((hp.train(net, X, y, epochs=3, batch_size=16, lr=0.3, momentum=0.5,
                              validation=(X[:50], y[:50]), seed=7, verbose=False), net))
    (h1, n1), (h2, n2) = runs
    assert h1.step_loss == h2.step_loss
    assert h1.train_loss == h2.train_loss and h1.val_accuracy == h2.val_accuracy
    for (W1, b1), (W2, b2) in zip(n1.params, n2.params):
        np.testing.assert_array_equal(W1, W2)
    h3 = hp.train(hp.MLP([6, 8, 3], seed=4), X, y, epochs=3, batch_size=16, lr=0.3,
                  momentum=0.5, seed=8, verbose=False)
    assert h3.step_loss != h1.step_loss  # the seed does change the order of the batches


def test_history_shapes_and_learning():
    X, y = toy_data()
    net = hp.MLP([6, 8, 3], seed=0)
    h = hp.train(net, X, y, epochs=4, batch_size=32, lr=1.0, momentum=0.5, validation=(X[:64], y[:64]),
                 verbose=False)
    steps_per_epoch = -(-300 // 32)
    assert len(h.step_loss) == 4 * steps_per_epoch
    assert len(h.train_loss) == len(h.train_accuracy) == len(h.val_loss) == h.epochs == 4
    assert h.train_loss[-1] < h.train_loss[0]
    assert h.train_accuracy[-1] > 0.7


def test_momentum_step_matches_the_update_rule():
    X, y = toy_data(n=8)
    net = hp.MLP([6, 4, 3], seed=1)
    before = [(W.copy(), b.copy()) for W, b in net.params]
    _, g1 = net.loss_and_gradients(X, y)
    hp.train(net, X, y, epochs=1, batch_size=8, lr=0.1, momentum=0.9, verbose=False)
    # One full-batch step from zero velocity: theta <- theta - lr * g.
    for (W0, b0), (W, b), (gW, gb) in zip(before, net.params, g1):
        np.testing.assert_allclose(W, W0 - 0.1 * gW, rtol=1e-12)
        np.testing.assert_allclose(b, b0 - 0.1 * gb, rtol=1e-12)


def test_progress_is_one_line_per_epoch_and_can_be_silenced(capsys):
    X, y = toy_data()
    hp.train(hp.MLP([6, 8, 3]), X, y, epochs=3, batch_size=50, lr=0.1,
             validation=(X, y))
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("epoch 1/3") and "val loss" in lines[0] and "train loss" in lines[0]
    hp.train(hp.MLP([6, 8, 3]), X, y, epochs=2, batch_size=50, lr=0.1, verbose=False)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("kwargs, message", [
    ({"epochs": 0}, "epochs must be positive"),
    ({"batch_size": 0}, "batch_size must be positive"),
    ({"lr": -1.0}, "lr must be positive"),
    ({"momentum": 1.0}, r"momentum must be in \[0, 1\)"),
])
def test_bad_settings_are_clear_errors(kwargs, message):
    X, y = toy_data()
    settings = {"epochs": 1, "batch_size": 10, "lr": 0.1, **kwargs}
    with pytest.raises(ValueError, match=message):
        hp.train(hp.MLP([6, 4, 3]), X, y, **settings)


def test_metrics():
    assert hp.accuracy([1, 2, 3, 4], [1, 2, 0, 4]) == 0.75
    C = hp.confusion_matrix(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 1]), num_classes=3)
    np.testing.assert_array_equal(C, [[1, 1, 0], [0, 1, 0], [0, 1, 0]])
    with pytest.raises(ValueError, match="shape"):
        hp.accuracy([1, 2], [1])


def test_learning_rate_schedule_is_applied_per_epoch():
    X, y = toy_data(n=8)
    seen = []

    def schedule(epoch):
        seen.append(epoch)
        return 0.1 / epoch

    net = hp.MLP([6, 4, 3], seed=1)
    W0 = net.params[0][0].copy()
    _, g = net.loss_and_gradients(X, y)
    hp.train(net, X, y, epochs=1, batch_size=8, lr=schedule, verbose=False)
    np.testing.assert_allclose(net.params[0][0], W0 - 0.1 * g[0][0], rtol=1e-12)
    hp.train(hp.MLP([6, 4, 3]), X, y, epochs=3, batch_size=8, lr=schedule, verbose=False)
    assert seen[-3:] == [1, 2, 3]
    with pytest.raises(ValueError, match="lr for epoch 2 must be positive"):
        hp.train(hp.MLP([6, 4, 3]), X, y, epochs=2, batch_size=8, lr=lambda e: 1.0 if e == 1 else 0.0)
