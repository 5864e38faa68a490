"""The MLP: gradients against central differences, shapes, and input errors."""

import numpy as np
import pytest

import handprop as hp


def small_problem(sizes, seed=0, n=7):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, sizes[0]))
    y = rng.integers(0, sizes[-1], size=n)
    return X, y


def with_random_biases(net, seed=1):
    """Zero biases can put a ReLU pre-activation exactly on its kink (a unit whose
    inputs are all zero, for example dead ReLUs below, has z = b = 0), where no
    derivative exists and the check is meaningless.  Random biases move every z off
    the kink almost surely."""
    rng = np.random.default_rng(seed)
    net.params = [(W, rng.normal(0, 0.5, size=b.shape)) for W, b in net.params]
    return net


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("hidden", [[6], [6, 5], [6, 5, 4]])
def test_gradients_match_central_differences(activation, hidden):
    sizes = [5, *hidden, 3]
    net = with_random_biases(hp.MLP(sizes, activation=activation, seed=3))
    X, y = small_problem(sizes)
    err = hp.max_relative_error(net, X, y, eps=1e-6)
    assert err < 1e-7, f"{activation} {sizes}: relative error {err:.2e}"


def test_gradient_check_catches_a_wrong_gradient():
    sizes = [5, 6, 3]
    net = with_random_biases(hp.MLP(sizes, seed=3))
    X, y = small_problem(sizes)
    original = net.loss_and_gradients

    def halved_bias_gradient(X, y):
        loss, grads = original(X, y)
        grads[0] = (grads[0][0], grads[0][1] / 2)
        return loss, grads

    net.loss_and_gradients = halved_bias_gradient
    assert hp.max_relative_error(net, X, y) > 0.1


def test_quadratic_cost_gradients():
    sizes = [5, 6, 3]
    net = with_random_biases(hp.MLP(sizes, cost="quadratic", init="normal", seed=2))
    X, y = small_problem(sizes)
    assert hp.max_relative_error(net, X, y) < 1e-7


def test_shapes_and_structure():
    net = hp.MLP([784, 30, 20, 10], seed=0)
    assert [(W.shape, b.shape) for W, b in net.params] == [
        ((784, 30), (30,)), ((30, 20), (20,)), ((20, 10), (10,))]
    assert net.num_params == 784 * 30 + 30 + 30 * 20 + 20 + 20 * 10 + 10
    X = np.random.default_rng(0).random((4, 784))
    y = np.array([0, 3, 9, 1])
    p = net.forward(X)
    assert p.shape == (4, 10)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    assert net.predict(X).shape == (4,)
    np.testing.assert_array_equal(net.predict(X), p.argmax(axis=1))
    loss, grads = net.loss_and_gradients(X, y)
    assert np.isfinite(loss) and loss > 0
    assert [(gW.shape, gb.shape) for gW, gb in grads] == [
        (W.shape, b.shape) for W, b in net.params]


def test_loss_is_mean_cross_entropy():
    net = hp.MLP([3, 4, 2], seed=0)
    X = np.random.default_rng(1).normal(size=(5, 3))
    y = np.array([0, 1, 1, 0, 1])
    p = net.forward(X)
    expected = -np.mean(np.log(p[np.arange(5), y]))
    assert net.loss(X, y) == pytest.approx(expected, rel=1e-12)


def test_float32_network_stays_float32():
    net = hp.MLP([8, 5, 3], dtype=np.float32)
    X, y = small_problem([8, 5, 3])
    loss, grads = net.loss_and_gradients(X, y)
    assert all(g.dtype == np.float32 for pair in grads for g in pair)


def test_seed_fixes_initial_weights_and_init_schemes_differ():
    a, b = hp.MLP([20, 10, 3], seed=5), hp.MLP([20, 10, 3], seed=5)
    for (Wa, ba), (Wb, bb) in zip(a.params, b.params):
        np.testing.assert_array_equal(Wa, Wb)
    W_normal = hp.MLP([784, 256, 10], init="normal").params[0][0]
    W_xavier = hp.MLP([784, 256, 10], init="xavier").params[0][0]
    assert 0.95 < W_normal.std() < 1.05
    assert W_xavier.std() == pytest.approx(np.sqrt(2 / (784 + 256)), rel=0.02)


@pytest.mark.parametrize("X_shape, message", [
    ((4, 785), r"expected X of shape \(N, 784\).*got shape \(4, 785\)"),
    ((4, 28, 28), r"expected X of shape \(N, 784\).*got shape \(4, 28, 28\)"),
    ((784,), r"expected X of shape \(N, 784\)"),
])
def test_wrong_input_width_is_a_clear_error(X_shape, message):
    net = hp.MLP([784, 16, 10])
    with pytest.raises(ValueError, match=message):
        net.loss_and_gradients(np.zeros(X_shape), np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match=message):
        net.forward(np.zeros(X_shape))


@pytest.mark.parametrize("y, message", [
    (np.array([0, 1, 10]), r"labels in \[0, 9\].*from 0 to 10"),
    (np.array([-1, 1, 2]), r"labels in \[0, 9\].*from -1 to 2"),
    (np.array([0, 1]), r"expected y of shape \(3,\)"),
    (np.eye(10)[[0, 1, 2]], r"expected y of shape \(3,\).*not one-hot"),
    (np.array([0.0, 1.0, 2.0]), r"integer class labels"),
])
def test_bad_labels_are_a_clear_error(y, message):
    net = hp.MLP([4, 3, 10])
    with pytest.raises(ValueError, match=message):
        net.loss_and_gradients(np.zeros((3, 4)), y)


@pytest.mark.parametrize("kwargs, message", [
    ({"sizes": [784]}, "at least an input and an output"),
    ({"sizes": [4, 3], "activation": "swish"}, "activation must be one of"),
    ({"sizes": [4, 3], "init": "zeros"}, "init must be one of"),
    ({"sizes": [4, 3], "cost": "hinge"}, "cost must be one of"),
])
def test_bad_construction_is_a_clear_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        hp.MLP(**kwargs)


def test_blog_post_gradient_sums_weights_and_averages_biases():
    """The post's compute_grad, rebuilt from its own steps, against the book's gradient."""
    X, y = small_problem([5, 6, 3], n=8)
    _, correct = hp.MLP([5, 6, 3], seed=0).loss_and_gradients(X, y)
    _, post = hp.BlogPostMLP([5, 6, 3], seed=0).loss_and_gradients(X, y)
    for (gW, gb), (sW, sb) in zip(correct, post):
        np.testing.assert_allclose(sW, 8 * gW, rtol=1e-12)
        np.testing.assert_allclose(sb, gb, rtol=1e-12)


def test_custom_activation_of_plain_functions_matches_the_builtin():
    """An Activation made of two lambdas works wherever a name does."""
    mine = hp.Activation("mytanh", lambda z: np.tanh(z), lambda z: 1 - np.tanh(z) ** 2)
    square = hp.Activation("square", lambda z: z ** 2, lambda z: 2 * z)
    X, y = small_problem([5, 6, 4, 3], n=9)
    a = with_random_biases(hp.MLP([5, 6, 4, 3], activation=mine, seed=2))
    b = with_random_biases(hp.MLP([5, 6, 4, 3], activation="tanh", seed=2))
    la, ga = a.loss_and_gradients(X, y)
    lb, gb = b.loss_and_gradients(X, y)
    assert la == pytest.approx(lb, rel=1e-14)
    for pa, pb in zip(ga, gb):
        for u, v in zip(pa, pb):
            np.testing.assert_allclose(u, v, rtol=1e-12, atol=1e-15)
    assert hp.max_relative_error(hp.MLP([5, 6, 3], activation=square, seed=1), X, y) < 1e-7
    ha = hp.train(a, X, y, epochs=3, batch_size=4, lr=0.2, momentum=0.5, verbose=False)
    hb = hp.train(b, X, y, epochs=3, batch_size=4, lr=0.2, momentum=0.5, verbose=False)
    np.testing.assert_allclose(ha.step_loss, hb.step_loss, rtol=1e-12)
    assert "mytanh" in repr(a)


def independent_loss(net, X, y):
    """The network's mean loss, written out here from its definition with plain NumPy:
    forward pass, then -log softmax of the true class, or Nielsen's quadratic cost."""
    A = X
    for W, b in net.params[:-1]:
        A = 1 / (1 + np.exp(-(A @ W + b)))        # the sigmoid hidden layers
    W, b = net.params[-1]
    Z = A @ W + b
    Y = np.eye(Z.shape[1])[y]
    if net.loss_function.name == "quadratic":
        return np.mean(0.5 * np.sum((1 / (1 + np.exp(-Z)) - Y) ** 2, axis=1))
    shifted = Z - Z.max(axis=1, keepdims=True)
    return np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(len(y)), y])


def test_loss_reports_what_training_differentiates():
    """net.loss and loss_and_gradients(...)[0] are both the cost written from its
    definition, for both costs, and on unequal sizes."""
    X, y = small_problem([5, 6, 3], n=9)
    for cost in ["cross_entropy", "quadratic"]:
        net = hp.MLP([5, 6, 3], cost=cost, seed=4)
        expected = independent_loss(net, X, y)
        assert net.loss(X, y) == pytest.approx(expected, rel=1e-12)
        assert net.loss_and_gradients(X, y)[0] == pytest.approx(expected, rel=1e-12)


def test_fan_in_uniform_matches_pytorch_default_bounds():
    W, b = hp.MLP([400, 50, 10], init="fan_in_uniform", seed=0).params[0]
    bound = 1 / np.sqrt(400)
    assert np.abs(W).max() <= bound and np.abs(b).max() <= bound
    assert np.abs(W).max() > 0.99 * bound
    assert W.std() == pytest.approx(bound / np.sqrt(3), rel=0.02)


def test_forward_does_not_change_the_input():
    X, _ = small_problem([5, 6, 3])
    before = X.copy()
    hp.MLP([5, 6, 3]).forward(X)
    np.testing.assert_array_equal(X, before)
