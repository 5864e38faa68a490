"""Softmax, log-softmax and cross-entropy at extreme logits: finite, exact, silent.

pyproject.toml turns every RuntimeWarning (overflow, divide by zero, invalid)
into an error, so these tests also prove that nothing warns.
"""

import warnings

import numpy as np
import pytest

import handprop as hp


@pytest.mark.parametrize("scale", [1.0, 1e2, 1e4, 1e6])
def test_softmax_is_finite_and_normalised(scale):
    z = scale * np.array([[1.0, -1.0, 0.5], [-3.0, 2.0, 2.0]])
    p = hp.softmax(z)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-15)


def test_softmax_is_shift_invariant():
    z = np.random.default_rng(0).normal(size=(4, 5))
    np.testing.assert_allclose(hp.softmax(z + 1234.5), hp.softmax(z), rtol=1e-12)


def test_cross_entropy_at_logits_of_1e4_is_exact():
    z = np.array([[1e4, -1e4, 0.0], [0.0, 0.0, 0.0]])
    y = np.array([1, 2])
    # example 0: -log softmax = 1e4 - (-1e4) = 2e4 (other terms vanish); example 1: log 3
    expected = (2e4 + np.log(3)) / 2
    assert hp.cross_entropy(z, y) == pytest.approx(expected, rel=1e-12)


def test_clipped_probability_loss_saturates_where_logits_do_not():
    z = np.array([[1e4, -1e4]])
    y = np.array([1])
    clipped = hp.cross_entropy_from_probabilities(hp.softmax(z), y)
    assert clipped == pytest.approx(-np.log(1e-12), rel=1e-12)
    assert hp.cross_entropy(z, y) == pytest.approx(2e4, rel=1e-12)


def test_gradient_at_extreme_logits_is_exact():
    z = np.array([[1e4, -1e4, 0.0], [5e3, 5e3, -5e3]])
    y = np.array([1, 0])
    g = hp.cross_entropy_gradient(z, y)
    expected = np.array([[1.0, -1.0, 0.0], [0.5 - 1.0, 0.5, 0.0]]) / 2
    np.testing.assert_allclose(g, expected, atol=1e-15)


def test_network_with_huge_weights_gives_finite_loss_and_gradients():
    for activation in ["sigmoid", "tanh", "relu"]:
        net = hp.MLP([4, 5, 3], activation=activation, seed=0)
        net.params = [(W * 1e4, b) for W, b in net.params]
        X = np.random.default_rng(1).normal(size=(6, 4))
        y = np.array([0, 1, 2, 0, 1, 2])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            loss, grads = net.loss_and_gradients(X, y)
        assert np.isfinite(loss)
        assert all(np.all(np.isfinite(g)) for pair in grads for g in pair)


@pytest.mark.parametrize("z", [-1e4, -800.0, -40.0, 0.0, 40.0, 800.0, 1e4])
def test_sigmoid_and_its_derivative_at_extremes(z):
    s = hp.sigmoid(np.array([z]))[0]
    assert 0.0 <= s <= 1.0
    ds = hp.sigmoid_prime(np.array([z]))[0]
    assert 0.0 <= ds <= 0.25
    if z == 0.0:
        assert s == 0.5 and ds == 0.25
    if z == -40.0:
        assert s == pytest.approx(np.exp(-40.0), rel=1e-12)


def test_activation_derivatives_against_central_differences():
    z = np.linspace(-4, 4, 81) + 0.0123  # keep off relu's kink at 0
    h = 1e-6
    for f, fp in [(hp.sigmoid, hp.sigmoid_prime), (hp.tanh, hp.tanh_prime), (hp.relu, hp.relu_prime)]:
        numeric = (f(z + h) - f(z - h)) / (2 * h)
        np.testing.assert_allclose(fp(z), numeric, atol=1e-8)
        assert hp.ACTIVATIONS[f.__name__].derivative is fp


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-13), (np.float32, 1e-5)])
def test_fast_fused_loss_and_gradient_match_the_book_forms(dtype, rtol):
    """handprop.fast fuses softmax and cross-entropy; the book derives them apart."""
    from handprop.fast import _softmax_cross_entropy_inplace

    z = (np.random.default_rng(3).normal(scale=5.0, size=(7, 4))).astype(dtype)
    z[0] = [1e3, -1e3, 0.0, 2.0]
    y = np.array([0, 1, 2, 3, 1, 0, 2])
    grad = z.copy()
    loss = _softmax_cross_entropy_inplace(grad, y, 0.5)
    assert grad.dtype == dtype
    assert loss == pytest.approx(hp.cross_entropy(z.astype(np.float64), y), rel=rtol)
    np.testing.assert_allclose(grad, 0.5 * hp.cross_entropy_gradient(z.astype(np.float64), y),
                               rtol=rtol, atol=rtol * 1e-2)
