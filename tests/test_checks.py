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
    with pytest.raises(hp.AnswerError, match=r"entry \(1,\) of your answer is nan"):
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
