"""handprop's hand-derived gradients against PyTorch autograd, an independent engine.

Random networks (1 to 3 hidden layers, each activation, float64): the same weights
and batch go through ``MLP.loss_and_gradients`` and through ``torch.autograd``, and
the loss and every gradient must agree to a relative error below 1e-10.

PyTorch is not a dependency of the book: install the CPU build with
``make torch`` (``pip install torch==2.13.0``; ``.ci/run`` does).  Without it this test is skipped,
and pytest's summary says so and why.
"""

import numpy as np
import pytest

import handprop as hp

torch = pytest.importorskip(
    "torch", reason="PyTorch is not installed: `make torch` (pip install torch==2.13.0) to run "
           "the autograd cross-check")

TORCH_ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
}


def torch_loss_and_gradients(net, X, y):
    """The same forward pass written with torch operations; autograd does the backward pass."""
    params = [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True))
              for W, b in net.params]
    A = torch.tensor(X)
    for W, b in params[:-1]:
        A = TORCH_ACTIVATIONS[net.phi.name](A @ W + b)
    W, b = params[-1]
    logits = A @ W + b
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(y), reduction="mean")
    loss.backward()
    return loss.item(), [(W.grad.numpy(), b.grad.numpy()) for W, b in params]


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("seed", [0, 1])
def test_gradients_match_pytorch_autograd(activation, depth, seed):
    rng = np.random.default_rng(100 * depth + seed)
    sizes = [int(rng.integers(5, 40))] + [int(rng.integers(3, 30)) for _ in range(depth)] + [int(rng.integers(2, 11))]
    net = hp.MLP(sizes, activation=activation, init="xavier", seed=seed)
    net.params = [(W, rng.normal(0, 0.5, size=b.shape)) for W, b in net.params]
    X = rng.normal(size=(int(rng.integers(1, 50)), sizes[0]))
    y = rng.integers(0, sizes[-1], size=len(X))

    loss, grads = net.loss_and_gradients(X, y)
    t_loss, t_grads = torch_loss_and_gradients(net, X, y)

    assert abs(loss - t_loss) <= 1e-10 * abs(t_loss)
    for layer, ((gW, gb), (tW, tb)) in enumerate(zip(grads, t_grads)):
        assert gW.shape == tW.shape and gb.shape == tb.shape
        assert hp.relative_error(gW, tW) < 1e-10, f"layer {layer + 1} weights, sizes {sizes}"
        assert hp.relative_error(gb, tb) < 1e-10, f"layer {layer + 1} biases, sizes {sizes}"


def test_crosscheck_detects_a_wrong_gradient():
    """The comparison is sharp enough to see the blog post's (002) scaling bug."""
    rng = np.random.default_rng(7)
    net = hp.BlogPostMLP([6, 5, 3], seed=0)
    X, y = rng.normal(size=(4, 6)), rng.integers(0, 3, size=4)
    _, grads = net.loss_and_gradients(X, y)
    _, t_grads = torch_loss_and_gradients(net, X, y)
    assert hp.relative_error(grads[0][0], t_grads[0][0]) > 0.5
