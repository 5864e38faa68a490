"""The exercise checkers: they pass a right answer and say what is wrong with a wrong one."""

import numpy as np
import pytest

import handprop as hp


def test_compare_passes_and_reports(capsys):
    rel = hp.compare("dW", np.ones((2, 3)), np.ones((2, 3)))
    assert rel == 0.0
    assert "dW: all 6 entries agree" in capsys.readouterr().out


def test_compare_names_a_transposed_shape():
    with pytest.raises(hp.AnswerError, match=r"shape \(3, 2\), expected \(2, 3\) \(transposed\?\)"):
        hp.compare("dW", np.ones((3, 2)), np.ones((2, 3)))


def test_compare_names_the_worst_entry():
    expected = np.arange(6.0).reshape(2, 3)
    got = expected.copy()
    got[1, 2] += 0.5
    got[0, 1] += 0.01
    with pytest.raises(hp.AnswerError, match=r"2 of 6 entries differ; the worst is entry "
                                             r"\(1, 2\): yours 5\.5, expected 5"):
        hp.compare("dW", got, expected)


def test_compare_names_a_non_finite_entry():
    with pytest.raises(hp.AnswerError, match=r"db: 1 of 2 entries of your answer are not finite; entry \(1,\) is nan"):
        hp.compare("db", [1.0, np.nan], [1.0, 2.0])


def test_check_derivative_accepts_the_right_one_and_rejects_a_wrong_one():
    hp.check_derivative(np.tanh, lambda z: 1 - np.tanh(z) ** 2)
    with pytest.raises(hp.AnswerError, match="entries differ"):
        hp.check_derivative(np.tanh, lambda z: 1 - np.tanh(z))


def test_check_gradient_of_several_arguments():
    def loss(W, x):
        return float(np.sum(np.tanh(x @ W)))

    def right(W, x):
        d = 1 - np.tanh(x @ W) ** 2
        return [np.outer(x, d), W @ d]

    def wrong(W, x):
        d = 1 - np.tanh(x @ W) ** 2
        return [np.outer(d, x), W @ d]       # transposed

    hp.check_gradient(loss, right, [(4, 3), (4,)])
    with pytest.raises(hp.AnswerError, match=r"argument 0: your answer has shape \(3, 4\)"):
        hp.check_gradient(loss, wrong, [(4, 3), (4,)])
    with pytest.raises(hp.AnswerError, match="returned 1 arrays"):
        hp.check_gradient(loss, lambda W, x: [W], [(4, 3), (4,)])


# --- a checker must never agree with a NaN, and must say which side is not finite ---------


def test_compare_refuses_a_reference_that_is_not_finite():
    with pytest.raises(hp.AnswerError, match=r"x: 2 of 2 entries of the reference are not "
                                             r"finite; entry \(0,\) is nan"):
        hp.compare("x", [1.0, 2.0], [np.nan, np.nan])
    with pytest.raises(hp.AnswerError, match=r"of the reference are not finite.*inf"):
        hp.compare("x", [1.0, 2.0], [1.0, np.inf])


def test_compare_refuses_an_infinite_answer():
    with pytest.raises(hp.AnswerError, match=r"entries of your answer are not finite; "
                                             r"entry \(1,\) is -inf"):
        hp.compare("x", [1.0, -np.inf], [1.0, 2.0])


def test_check_gradient_refuses_a_loss_that_is_nan_at_its_inputs():
    """log of N(0, 1) draws is NaN: the reference would be NaN too, and agree with nothing."""
    with pytest.raises(hp.AnswerError, match=r"the loss is nan at the random inputs.*low="):
        hp.check_gradient(lambda x: np.sum(np.log(x)), lambda x: 0 * x, [(4,)])


def test_check_gradient_on_a_domain_checks_for_real():
    def loss(x):
        return np.sum(np.log(x))

    hp.check_gradient(loss, lambda x: 1 / x, [(4,)], low=0.5, high=2.0)
    with pytest.raises(hp.AnswerError, match="4 of 4 entries differ"):
        hp.check_gradient(loss, lambda x: 0 * x, [(4,)], low=0.5, high=2.0)


def test_check_gradient_refuses_a_loss_that_turns_nan_when_nudged():
    """sqrt is finite at points in [0, 1e-7], but not a step h = 1e-6 below them."""
    with pytest.raises(hp.AnswerError, match=r"the loss is nan when entry \(0,\) of "
                                             r"argument 0 moves by \+-1e-06"):
        hp.check_gradient(lambda x: np.sum(np.sqrt(x)), lambda x: 0.5 / np.sqrt(x),
                          [(3,)], low=0.0, high=1e-7)


def test_check_gradient_says_a_loss_must_return_one_number():
    with pytest.raises(hp.AnswerError, match=r"must return one number, got an array of "
                                             r"shape \(3,\)"):
        hp.check_gradient(lambda x: x ** 2, lambda x: 2 * x, [(3,)])


def test_check_derivative_refuses_a_function_undefined_on_the_interval():
    with pytest.raises(hp.AnswerError, match=r"central difference of f at z = .* is nan.*"
                                             r"choose low and high"):
        hp.check_derivative(np.log, lambda z: 1 / z)
    hp.check_derivative(np.log, lambda z: 1 / z, low=0.5, high=3.0)


def test_max_relative_error_refuses_a_nan_gradient():
    """Python's max over [1e-8, nan] is 1e-8; a NaN in the last bias once passed as 1.4e-08."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 4)), rng.integers(0, 3, size=5)
    net = hp.MLP([4, 6, 3], seed=0)
    original = net.loss_and_gradients

    def nan_last_bias(X, y):
        loss, grads = original(X, y)
        grads[-1] = (grads[-1][0], np.full_like(grads[-1][1], np.nan))
        return loss, grads

    net.loss_and_gradients = nan_last_bias
    with pytest.raises(ValueError, match=r"dL/db\^\(2\) from backpropagation is not finite"):
        hp.max_relative_error(net, X, y)


def test_max_relative_error_refuses_a_transposed_gradient():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 4)), rng.integers(0, 3, size=5)
    net = hp.MLP([4, 6, 3], seed=0)
    original = net.loss_and_gradients
    net.loss_and_gradients = lambda X, y: (original(X, y)[0],
                                           [(g.T, b) for g, b in original(X, y)[1]])
    with pytest.raises(ValueError, match=r"dL/dW\^\(1\) .* shape \(6, 4\), but W\^\(1\) has "
                                         r"shape \(4, 6\)"):
        hp.max_relative_error(net, X, y)


def test_relative_error_is_nan_for_non_finite_input_and_refuses_two_shapes():
    assert np.isnan(hp.relative_error([1.0, np.nan], [1.0, 2.0]))
    assert not hp.relative_error([1.0, np.inf], [1.0, np.inf]) < 1.0
    with pytest.raises(ValueError, match="shapes \\(1, 3\\) and \\(3,\\)"):
        hp.relative_error(np.ones((1, 3)), np.ones(3))
