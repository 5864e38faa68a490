"""Training: a short real-data run, determinism, the history and its printout."""

import re

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


def test_momentum_over_several_steps_matches_an_independent_computation():
    """Five full-batch steps with mu = 0.9, against the recurrence written out by hand.

    From the second step on, momentum changes the result, so a trainer that
    ignored it (or applied it wrongly) fails here.
    """
    X, y = toy_data(n=8)
    net = hp.MLP([6, 4, 3], seed=1)
    reference = hp.MLP([6, 4, 3], seed=1)
    eta, mu = 0.1, 0.9
    theta = [[W.copy(), b.copy()] for W, b in reference.params]
    v = [[np.zeros_like(W), np.zeros_like(b)] for W, b in reference.params]
    for _ in range(5):
        reference.params = [tuple(p) for p in theta]
        _, g = reference.loss_and_gradients(X, y)
        for l in range(2):
            for k in range(2):
                v[l][k] = mu * v[l][k] - eta * g[l][k]
                theta[l][k] = theta[l][k] + v[l][k]
    hp.train(net, X, y, epochs=5, batch_size=8, lr=eta, momentum=mu, verbose=False)
    plain = hp.MLP([6, 4, 3], seed=1)
    hp.train(plain, X, y, epochs=5, batch_size=8, lr=eta, verbose=False)
    for (W, b), (tW, tb), (pW, _) in zip(net.params, theta, plain.params):
        np.testing.assert_allclose(W, tW, rtol=1e-12)
        np.testing.assert_allclose(b, tb, rtol=1e-12)
        assert not np.allclose(W, pW, rtol=1e-6)   # momentum did change the weights


def test_evaluate_over_several_chunks_is_the_mean_over_all_rows():
    X, y = toy_data(n=250)
    net = hp.MLP([6, 8, 3], seed=2)
    loss, acc = hp.evaluate(net, X, y, batch_size=64)    # chunks of 64, 64, 64, 58
    assert loss == pytest.approx(net.loss(X, y), rel=1e-12)
    assert acc == hp.accuracy(y, net.predict(X))
    assert hp.evaluate(net, X.tolist(), y.tolist(), batch_size=7)[0] == pytest.approx(loss)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "custom"])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_fast_train_equals_train(activation, momentum):
    """handprop.fast.train: the same batches and, to rounding, the same weights."""
    if activation == "custom":
        activation = hp.Activation("softsign", lambda z: z / (1 + abs(z)),
                                   lambda z: 1 / (1 + abs(z)) ** 2)
    X, y = toy_data(n=203)
    core, fast = hp.MLP([6, 9, 5, 3], activation=activation, seed=3), \
        hp.MLP([6, 9, 5, 3], activation=activation, seed=3)
    settings = dict(epochs=3, batch_size=16, lr=lambda e: 0.3 / e, momentum=momentum,
                    validation=(X[:40], y[:40]), seed=5, verbose=False)
    h_core = hp.train(core, X, y, **settings)
    h_fast = hp.fast.train(fast, X, y, **settings)
    np.testing.assert_allclose(h_fast.step_loss, h_core.step_loss, rtol=1e-10)
    np.testing.assert_allclose(h_fast.val_loss, h_core.val_loss, rtol=1e-10)
    for (W, b), (Wf, bf) in zip(core.params, fast.params):
        np.testing.assert_allclose(Wf, W, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(bf, b, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_fast_train_folds_the_update_into_blas_with_threads_set(momentum, monkeypatch):
    """Change 6 is taken (every weight update is one gemm call), the threads of both
    BLAS libraries are 1 while it trains, and the caller's are restored after; a
    network whose weights are not C-ordered falls back to NumPy, with the same
    result."""
    from threadpoolctl import threadpool_info

    calls, seen = [], []
    folded = hp.fast._subtract_product
    monkeypatch.setattr(hp.fast, "_subtract_product",
                        lambda *a: calls.append(1) or folded(*a))
    X, y = toy_data(n=203)
    settings = dict(epochs=2, batch_size=16, lr=0.2, momentum=momentum, seed=5,
                    verbose=False, callback=lambda e, h: seen.append(
                        {i["num_threads"] for i in threadpool_info()
                         if i["user_api"] == "blas"}))
    before = [i["num_threads"] for i in threadpool_info()]
    core, fast = hp.MLP([6, 9, 3], seed=3), hp.MLP([6, 9, 3], seed=3)
    hp.train(core, X, y, **settings)
    seen.clear()
    hp.fast.train(fast, X, y, **settings)
    assert len(calls) == 2 * 2 * 13  # 2 layers, 2 epochs, 13 batches
    assert seen == [{1}, {1}] and [i["num_threads"] for i in threadpool_info()] == before
    fortran = hp.MLP([6, 9, 3], seed=3)
    fortran.params = [(np.asfortranarray(W), b) for W, b in fortran.params]
    calls.clear()
    hp.fast.train(fortran, X, y, **settings)
    assert calls == []
    for (W, b), (Wf, bf), (Wn, bn) in zip(core.params, fast.params, fortran.params):
        np.testing.assert_allclose(Wf, W, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(Wn, W, rtol=1e-9, atol=1e-12)


def test_fast_train_quadratic_cost_and_float32():
    X, y = toy_data(n=100)
    for cost, dtype in [("quadratic", np.float64), ("cross_entropy", np.float32)]:
        core = hp.MLP([6, 7, 3], cost=cost, dtype=dtype, seed=1)
        fast = hp.MLP([6, 7, 3], cost=cost, dtype=dtype, seed=1)
        settings = dict(epochs=2, batch_size=10, lr=0.5, momentum=0.5, verbose=False)
        hp.train(core, X, y, **settings)
        hp.fast.train(fast, X, y, **settings)
        tol = 1e-9 if dtype == np.float64 else 1e-4
        for (W, _), (Wf, _) in zip(core.params, fast.params):
            assert Wf.dtype == dtype
            np.testing.assert_allclose(Wf, W, rtol=tol, atol=tol)


def test_progress_is_one_line_per_epoch_and_can_be_silenced(capsys):
    X, y = toy_data()
    hp.train(hp.MLP([6, 8, 3]), X, y, epochs=3, batch_size=50, lr=0.1,
             validation=(X, y))
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert re.fullmatch(r"epoch 1/3  train \d\.\d{4} +\d+\.\d\d%  val \d\.\d{4} +"
                        r"\d+\.\d\d%  \d+\.\d\d s", lines[0]), lines[0]
    assert all(len(line) <= 64 for line in lines)   # fits a printed page
    hp.train(hp.MLP([6, 8, 3]), X, y, epochs=2, batch_size=50, lr=0.1, verbose=False)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("kwargs, message", [
    ({"epochs": 0}, "epochs must be a positive whole number"),
    ({"epochs": 2.5}, "epochs must be a positive whole number"),
    ({"batch_size": 0}, "batch_size must be a positive whole number"),
    ({"lr": -1.0}, "the learning rate must be a positive number"),
    ({"batch_size": 2.5}, "batch_size must be a positive whole number"),
    ({"momentum": 1.0}, r"momentum must be in \[0, 1\)"),
])
def test_bad_settings_are_clear_errors(kwargs, message):
    X, y = toy_data()
    settings = {"epochs": 1, "batch_size": 10, "lr": 0.1, **kwargs}
    for trainer in (hp.train, hp.fast.train):
        with pytest.raises(ValueError, match=message):
            trainer(hp.MLP([6, 4, 3]), X, y, **settings)


def test_metrics():
    assert hp.accuracy([1, 2, 3, 4], [1, 2, 0, 4]) == 0.75
    C = hp.confusion_matrix(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 1]), num_classes=3)
    np.testing.assert_array_equal(C, [[1, 1, 0], [0, 1, 0], [0, 1, 0]])
    C = hp.confusion_matrix([0, 2], [2, 2], num_classes=3)     # lists, as typed
    np.testing.assert_array_equal(C, [[0, 0, 1], [0, 0, 0], [0, 0, 1]])
    with pytest.raises(ValueError, match="shape"):
        hp.accuracy([1, 2], [1])


@pytest.mark.parametrize("y_true, y_pred, message", [
    ([0, -1], [0, 1], r"labels in \[0, 2\] for 3 classes, got values from -1 to 0"),
    ([0, 1], [0, 3], r"labels in \[0, 2\] for 3 classes, got values from 0 to 3"),
    ([0.0, 1.0], [0, 1], r"integer class labels.*float64.*astype\(int\)"),
    ([0, 1], [0, 1, 2], r"expected y of shape \(2,\)"),
    ([[0, 1]], [[0, 1]], r"expected y of shape \(N,\)"),
])
def test_confusion_matrix_refuses_labels_it_would_miscount(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        hp.confusion_matrix(y_true, y_pred, num_classes=3)


@pytest.mark.parametrize("call, message", [
    (lambda: hp.confusion_matrix([0], [0], num_classes=2.5), "num_classes must be a whole"),
    (lambda: hp.evaluate(hp.MLP([6, 4, 3]), *toy_data(n=5), batch_size=0),
     "batch_size must be at least 1"),
    (lambda: hp.MLP([6, 4, 3]).predict(toy_data(n=5)[0], batch_size=2.5),
     "batch_size must be a whole number"),
    (lambda: hp.MLP([6, 4.5, 3]), "every layer size must be a whole number, got 4.5"),
    (lambda: hp.MLP([6, 0, 3]), "every layer size must be at least 1, got 0"),
    (lambda: hp.split_validation(*toy_data(n=10), n_validation=2.5),
     "n_validation must be a whole number"),
    (lambda: hp.numerical_gradient(lambda: 0.0, hp.MLP([2, 2]).params, eps=0),
     "the step eps must be positive"),
])
def test_counts_from_a_reader_are_checked(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("trainer", [hp.train, hp.fast.train])
def test_learning_rate_schedule_is_applied_per_epoch(trainer):
    """Full-batch steps: epoch e must move the weights by exactly -lr(e) g.

    Checked after epoch 2 as well as epoch 1, so a trainer that kept using lr(1)
    (or lr(epochs)) fails; the schedule is called once per epoch, not twice.
    """
    X, y = toy_data(n=8)
    calls = []

    def schedule(epoch):
        calls.append(epoch)
        return 0.1 / epoch

    net = hp.MLP([6, 4, 3], seed=1)
    reference = hp.MLP([6, 4, 3], seed=1)
    for epoch in (1, 2):       # two plain gradient steps, written out
        _, g = reference.loss_and_gradients(X, y)
        reference.params = [(W - schedule(epoch) * gW, b - schedule(epoch) * gb)
                            for (W, b), (gW, gb) in zip(reference.params, g)]
    calls.clear()
    trainer(net, X, y, epochs=2, batch_size=8, lr=schedule, verbose=False)
    assert calls == [1, 2]
    for (W, b), (rW, rb) in zip(net.params, reference.params):
        np.testing.assert_allclose(W, rW, rtol=1e-12)
        np.testing.assert_allclose(b, rb, rtol=1e-12)
    with pytest.raises(ValueError, match="learning rate for epoch 2 must be a positive"):
        trainer(hp.MLP([6, 4, 3]), X, y, epochs=2, batch_size=8,
                lr=lambda e: 1.0 if e == 1 else 0.0)


@pytest.mark.parametrize("lr", [float("nan"), float("inf"), "fast", None])
def test_a_learning_rate_that_is_not_a_positive_number_is_a_clear_error(lr):
    X, y = toy_data(n=8)
    for trainer in (hp.train, hp.fast.train):
        with pytest.raises(ValueError, match="the learning rate must be a positive number"):
            trainer(hp.MLP([6, 4, 3]), X, y, epochs=1, batch_size=8, lr=lr)


def test_an_empty_training_set_is_a_clear_error():
    for trainer in (hp.train, hp.fast.train):
        with pytest.raises(ValueError, match=r"the training set is empty"):
            trainer(hp.MLP([6, 4, 3]), np.zeros((0, 6)), [], epochs=1, batch_size=8,
                    lr=0.1)


def label_smoothing(alpha=0.1):
    """A Loss that *calls itself* "cross_entropy" but is not the book's."""
    def targets(y, K):
        return (1 - alpha) * hp.one_hot(y, K) + alpha / K

    def value(Z, y):
        return float(-np.sum(targets(y, Z.shape[1]) * hp.log_softmax(Z)) / len(Z))

    def gradient(Z, y):
        return (hp.softmax(Z) - targets(y, Z.shape[1])) / len(Z)

    return hp.Loss("cross_entropy", hp.softmax, value, gradient)


def test_fast_train_trains_a_custom_loss_as_written_whatever_its_name():
    X, y = toy_data(n=60)
    core, fast = hp.MLP([6, 5, 3], seed=2), hp.MLP([6, 5, 3], seed=2)
    core.loss_function = fast.loss_function = label_smoothing()
    settings = dict(epochs=3, batch_size=10, lr=0.5, verbose=False)
    h_core = hp.train(core, X, y, **settings)
    h_fast = hp.fast.train(fast, X, y, **settings)
    np.testing.assert_allclose(h_fast.step_loss, h_core.step_loss, rtol=1e-10)
    for (W, b), (Wf, bf) in zip(core.params, fast.params):
        np.testing.assert_allclose(Wf, W, rtol=1e-9, atol=1e-12)


def test_fast_train_refuses_a_replaced_gradient_on_the_instance():
    X, y = toy_data(n=20)
    net = hp.MLP([6, 4, 3])
    net.loss_and_gradients = lambda X, y: (0.0, [])
    with pytest.raises(TypeError, match="loss_and_gradients of this instance"):
        hp.fast.train(net, X, y, epochs=1, batch_size=5, lr=0.1)


def test_fast_train_refuses_a_replaced_forward_pass():
    class Scaled(hp.MLP):
        def logits(self, X):
            return 2 * super().logits(X)

    X, y = toy_data(n=20)
    with pytest.raises(TypeError, match="logits of Scaled"):
        hp.fast.train(Scaled([6, 4, 3]), X, y, epochs=1, batch_size=5, lr=0.1)
    with pytest.raises(TypeError, match="trains an MLP, got object"):
        hp.fast.train(object(), X, y, epochs=1, batch_size=5, lr=0.1)


def test_fast_train_gathers_a_batch_without_a_temporary_copy():
    """np.take(..., out=...) with mode="raise" gathers into a temporary first.

    A batch of 1000 rows of 500 float64 inputs is 4 MB; nothing else the loop
    makes is near that size (a hidden layer of 4 units, 3 classes), so the peak
    of what NumPy allocates during training must stay well below one batch.
    """
    import tracemalloc

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(3000, 500)), rng.integers(0, 3, size=3000)
    net = hp.MLP([500, 4, 3], seed=0)
    hp.fast.train(net, X, y, epochs=1, batch_size=1000, lr=0.1, evaluate_train=False,
                  verbose=False)       # warm up: anything made once is made now
    tracemalloc.start()
    try:
        hp.fast.train(net, X, y, epochs=2, batch_size=1000, lr=0.1, evaluate_train=False,
                      verbose=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    batch_bytes = 1000 * 500 * 8
    # the run's own batch buffer is one batch; a temporary copy would add another
    assert peak < 1.5 * batch_bytes, f"peak {peak / 1e6:.1f} MB for a {batch_bytes / 1e6} MB batch"


def test_fast_train_refuses_a_network_with_its_own_gradient():
    X, y = toy_data(n=20)
    with pytest.raises(TypeError, match="BlogPostMLP; train it with handprop.train"):
        hp.fast.train(hp.BlogPostMLP([6, 4, 3]), X, y, epochs=1, batch_size=5, lr=0.1)
