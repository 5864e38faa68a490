"""What a reader types at the prompt: numbers, lists, integer arrays, in and floats out."""

import numpy as np
import pytest

import handprop as hp

ELEMENTWISE = [hp.sigmoid, hp.sigmoid_prime, hp.tanh, hp.tanh_prime, hp.relu, hp.relu_prime]


@pytest.mark.parametrize("f", ELEMENTWISE, ids=lambda f: f.__name__)
@pytest.mark.parametrize("z", [0, 2, -3, 2.0, [1, 2], [-1, 0, 2], np.arange(-2, 3),
                               np.array([[1, -1], [0, 3]], dtype=np.int32)],
                         ids=["int 0", "int 2", "int -3", "float", "list", "list 3",
                              "int64 array", "int32 matrix"])
def test_elementwise_functions_take_numbers_lists_and_integer_arrays(f, z):
    out = f(z)
    assert np.shape(out) == np.shape(z)
    assert np.asarray(out).dtype == np.float64
    expected = f(np.asarray(z, dtype=np.float64))
    np.testing.assert_array_equal(out, expected)
    if np.ndim(z) == 0:
        assert isinstance(out, float)   # a NumPy float64 is a Python float


def test_values_a_reader_can_check_by_hand():
    assert hp.sigmoid(0) == 0.5 and hp.sigmoid_prime(0) == 0.25
    assert hp.sigmoid(2.0) == pytest.approx(1 / (1 + np.exp(-2.0)))
    assert hp.tanh(0) == 0.0 and hp.tanh_prime(0) == 1.0
    np.testing.assert_array_equal(hp.relu([-1, 2]), [0.0, 2.0])
    assert hp.relu([-1, 2]).dtype == np.float64
    np.testing.assert_array_equal(hp.relu_prime([-1, 0, 2]), [0.0, 0.0, 1.0])
    np.testing.assert_allclose(hp.softmax([1, 2, 3]).sum(), 1.0)
    np.testing.assert_allclose(hp.softmax([0, 0]), [0.5, 0.5])
    assert hp.log_softmax([0, 0])[0] == pytest.approx(-np.log(2))


def test_float32_stays_float32():
    z = np.linspace(-3, 3, 7, dtype=np.float32)
    for f in ELEMENTWISE + [hp.softmax, hp.log_softmax]:
        assert f(z).dtype == np.float32, f.__name__


@pytest.mark.parametrize("f", ELEMENTWISE + [hp.softmax, hp.log_softmax],
                         ids=lambda f: f.__name__)
def test_no_warning_at_extreme_inputs(f):
    # pyproject.toml turns RuntimeWarnings into errors, so a warning fails here
    for dtype in (np.float64, np.float32):
        out = f(np.array([-1e6, -800.0, -90.0, 0.0, 90.0, 800.0, 1e6], dtype=dtype))
        assert np.all(np.isfinite(out))


def test_losses_take_lists_and_agree_on_their_input():
    Z = [[1, 2, 0], [0, 0, 3]]
    y = [1, 2]
    assert hp.cross_entropy(Z, y) == pytest.approx(hp.cross_entropy(np.array(Z, float), y))
    assert hp.cross_entropy_gradient(Z, y).dtype == np.float64
    # every loss takes logits: the quadratic cost applies the sigmoid itself
    a = hp.sigmoid(np.array(Z, float))
    expected = 0.5 * np.sum((a - hp.one_hot(y, 3)) ** 2) / 2
    assert hp.quadratic(Z, y) == pytest.approx(expected)


@pytest.mark.parametrize("call, message", [
    (lambda: hp.cross_entropy([1.0, 2.0], [0]), r"logits of shape \(N, K\)"),
    (lambda: hp.cross_entropy([[1.0, 2.0]], [0, 1]), "1 rows of logits but 2 labels"),
    (lambda: hp.one_hot([0, 3], 3), r"labels in \[0, 2\] for 3 classes, got values from 0 to 3"),
    (lambda: hp.one_hot([0.5], 3), "integer class labels"),
])
def test_bad_loss_inputs_are_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
