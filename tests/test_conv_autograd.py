"""Convolution and pooling against PyTorch autograd (float64), an independent engine:
the forward pass and every gradient, on the unequal shapes of test_conv.py.

PyTorch is not a dependency of the book: ``make torch`` installs the CPU build.
Without it these tests skip (and, under CI, fail the run).
"""

import numpy as np
import pytest

import handprop as hp
from test_conv import CASES, case_arrays, small_convnet

torch = pytest.importorskip(
    "torch", reason="PyTorch is not installed: `make torch` (pip install torch==2.13.0) "
                    "to run the autograd cross-check")
F = torch.nn.functional


@pytest.mark.parametrize("shape, kernel, stride, padding", CASES)
def test_conv2d_and_its_gradients_match_autograd(shape, kernel, stride, padding):
    X, W, b = case_arrays(shape, kernel, seed=7)
    tX, tW, tb = (torch.tensor(a, requires_grad=True) for a in (X, W, b))
    tZ = F.conv2d(tX, tW, tb, stride=stride, padding=padding)
    Z = hp.conv2d(X, W, b, stride, padding)
    assert Z.shape == tuple(tZ.shape)
    assert hp.relative_error(Z, tZ.detach().numpy()) < 1e-12
    R = np.random.default_rng(8).normal(size=Z.shape)
    (tZ * torch.tensor(R)).sum().backward()
    dX, dW, db = hp.conv2d_gradients(X, W, R, stride, padding)
    for name, mine, theirs in (("dX", dX, tX.grad), ("dW", dW, tW.grad), ("db", db, tb.grad)):
        assert hp.relative_error(mine, theirs.numpy()) < 1e-12, name


@pytest.mark.parametrize("size, stride", [(2, None), (3, 2), (2, 1), (3, 3)])
def test_pooling_and_its_gradients_match_autograd(size, stride):
    X = np.random.default_rng(9).normal(size=(2, 3, 7, 8))
    for mine, grad, theirs in ((hp.max_pool2d, hp.max_pool2d_gradient, F.max_pool2d),
                               (hp.avg_pool2d, hp.avg_pool2d_gradient, F.avg_pool2d)):
        tX = torch.tensor(X, requires_grad=True)
        tY = theirs(tX, size, stride)
        Y = mine(X, size, stride)
        assert hp.relative_error(Y, tY.detach().numpy()) < 1e-14, mine.__name__
        R = np.random.default_rng(10).normal(size=Y.shape)
        (tY * torch.tensor(R)).sum().backward()
        assert hp.relative_error(grad(X, R, size, stride), tX.grad.numpy()) < 1e-14


def test_max_pool_ties_go_where_pytorch_sends_them():
    X = np.zeros((1, 1, 4, 4))             # every window a four-way tie
    X[0, 0, 2:, 2:] = 1.0
    tX = torch.tensor(X, requires_grad=True)
    F.max_pool2d(tX, 2).sum().backward()
    np.testing.assert_array_equal(hp.max_pool2d_gradient(X, np.ones((1, 1, 2, 2))),
                                  tX.grad.numpy())


@pytest.mark.parametrize("channels", [3, (3, 2)])
def test_convnet_loss_and_gradients_match_autograd(channels):
    """One block, and two (where dL/dM of the first block's maps flows through the
    second convolution's input gradient)."""
    net, X, y = small_convnet(seed=2, channels=channels)
    loss, grads = net.loss_and_gradients(X, y)
    t_params = [tuple(torch.tensor(a, requires_grad=True) for a in p)
                for p in net.params]
    *kernels, (W_d, b_d), (W_o, b_o) = t_params
    M = torch.tensor(X)
    for K, c in kernels:
        M = F.max_pool2d(torch.relu(F.conv2d(M, K, c)), 2)
    logits = torch.relu(M.reshape(len(X), -1) @ W_d + b_d) @ W_o + b_o
    t_loss = F.cross_entropy(logits, torch.tensor(y))
    t_loss.backward()
    assert loss == pytest.approx(t_loss.item(), rel=1e-12)
    assert len(grads) == len(t_params)
    for (gW, gb), (tW, tb) in zip(grads, t_params):
        assert hp.relative_error(gW, tW.grad.numpy()) < 1e-11
        assert hp.relative_error(gb, tb.grad.numpy()) < 1e-11
