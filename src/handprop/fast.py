"""The fast path: the same SGD as ``handprop.train``, arranged for speed.

The speed chapter builds this module one measured step at a time.  It computes
the same numbers as the core trainer, up to the rounding of a different order of
operations (a test holds the two equal), with these changes:

1. **The batch gathered into a reused array.**  ``np.take(X, batch, out=...)``
   writes the rows of a batch into one array made once per run.  (With its
   default ``mode="raise"``, ``np.take`` gathers into a temporary and copies that
   into ``out``; ``mode="clip"`` writes straight into ``out``, and the indices,
   drawn from a permutation, are always in range.)  (The speed
   chapter also measures the alternative, a shuffled copy of the whole set per
   epoch so that every batch is a contiguous slice; it needs a second copy of the
   data, and what it gains or loses depends on the machine.)
2. **Preallocated buffers.**  Every pre-activation, error signal and gradient is
   written into an array made once per run (``out=`` and in-place operators), so
   the loop allocates nothing the size of the batch's inputs: what it still
   allocates is at most a batch-by-hidden temporary (``D * A`` in the sigmoid's
   derivative) and the small row-wise sums of the softmax.
3. **The learning rate folded into delta.**  Every gradient is linear in
   delta^(L), so scaling that N x K matrix by eta scales every gradient: one small
   multiplication instead of one per weight array.  Each layer is updated as soon
   as the delta below it has been computed from its old weights.
4. **In-place activations, derivatives from the outputs.**  For the built-in
   activations phi'(z) is a function of a = phi(z) (sigmoid: a (1 - a); tanh:
   1 - a^2; relu: 1 if a > 0), so z is overwritten by a and never kept.
5. **Softmax and cross-entropy fused**, sharing one pass of exponentials.
6. **The update folded into the product.**  BLAS's ``gemm`` computes
   C <- alpha A B + beta C; with beta = 1 (or mu, with momentum) and alpha = -1 it
   subtracts A^(l-1)T (eta delta^(l)) from W^(l) (or adds it to the velocity) in
   the same pass that computes it, so no gradient array is written and read back.
   NumPy has no such call; SciPy's BLAS wrappers (``scipy.linalg.blas``) do.  A
   C-ordered W is updated in place through its transpose, a Fortran-ordered view:
   W^T <- W^T - (eta delta)^T A.
7. **Threads set on purpose.**  NumPy and SciPy each load their own OpenBLAS, each
   with its own pool of threads; with change 6 a step alternates between them, and
   on a machine of two cores two pools of two threads spin against each other
   (measured when the speed chapter was planned: an epoch took 8.9 s, 13 times
   the 0.69 s of the same code at one thread per library; the chapter measures
   it again on a fraction of an epoch).  ``train`` therefore runs
   both libraries with ``threads`` threads (default 1, through threadpoolctl),
   restoring the caller's settings afterwards.

A custom ``Activation`` or any ``Loss`` other than the book's cross-entropy works
too, through the network's own functions, without changes 4 and 5 for that part.
Which path is taken is decided by identity (the very objects in
``handprop.ACTIVATIONS`` and ``handprop.LOSSES``), never by name, so a custom
loss that happens to be called "cross_entropy" is trained as it is written.
``train`` refuses a network whose forward or backward pass has been replaced
(in its class or on the instance), since this module would silently ignore it.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.linalg import blas as scipy_blas
from threadpoolctl import threadpool_limits

from .activations import ACTIVATIONS
from .losses import LOSSES
from .network import MLP
from .training import History, check_schedule, check_training_set, report_epoch

__all__ = ["train"]


def _sigmoid_inplace(Z):
    np.negative(Z, out=Z)
    with np.errstate(over="ignore"):
        np.exp(Z, out=Z)
    Z += 1.0
    np.reciprocal(Z, out=Z)


def _sigmoid_prime_times(D, A):
    """D *= a (1 - a), without a temporary the size of D."""
    D *= A
    D -= D * A  # d a - d a^2 = d a (1 - a); one temporary


def _tanh_prime_times(D, A):
    D -= D * A * A


def _relu_prime_times(D, A):
    D *= A > 0


#: For the built-in activations: phi in place, and delta *= phi'(z) through a.
_INPLACE = {
    "sigmoid": (_sigmoid_inplace, _sigmoid_prime_times),
    "tanh": (lambda Z: np.tanh(Z, out=Z), _tanh_prime_times),
    "relu": (lambda Z: np.maximum(Z, 0, out=Z), _relu_prime_times),
}


def _softmax_cross_entropy_inplace(Z, y, scale):
    """Mean cross-entropy of logits Z; Z is overwritten by scale * dL/dZ."""
    n = len(Z)
    rows = np.arange(n)
    Z -= Z.max(axis=1, keepdims=True)
    true_logit_sum = float(Z[rows, y].sum(dtype=np.float64))
    np.exp(Z, out=Z)
    total = Z.sum(axis=1, keepdims=True)
    loss = (float(np.log(total).sum(dtype=np.float64)) - true_logit_sum) / n
    Z /= total
    Z[rows, y] -= 1.0
    Z *= scale / n
    return loss


#: BLAS's gemm for each dtype it handles: C <- alpha op(A) op(B) + beta C.
_GEMM = {np.dtype(np.float32): scipy_blas.sgemm, np.dtype(np.float64): scipy_blas.dgemm}


def _subtract_product(C, A, D, beta, gemm):
    """C <- beta C - A^T D in one BLAS call, in place; C is C-ordered.

    In Fortran's order C^T is C itself, and C^T <- beta C^T - D^T A; D^T and A^T
    are Fortran-ordered views of the C-ordered D and A, so nothing is copied.
    """
    out = gemm(-1.0, D.T, A.T, beta=beta, c=C.T, trans_b=1, overwrite_c=1)
    if not np.shares_memory(out, C):  # never expected; a copy would lose the update
        raise RuntimeError("BLAS gemm did not update the weights in place")


class _Step:
    """One SGD step of ``net`` on a contiguous batch, writing into reused buffers."""

    def __init__(self, net, batch_size, momentum):
        self.net = net
        self.momentum = momentum
        # change 6 where BLAS can do it: float32/float64 weights, C-ordered
        self.gemm = _GEMM.get(net.dtype)
        if not all(a.flags.c_contiguous for W, b in net.params for a in (W, b)):
            self.gemm = None
        builtin = ACTIVATIONS.get(net.phi.name) is net.phi
        self.inplace = _INPLACE[net.phi.name] if builtin else None
        self.fused = net.loss_function is LOSSES["cross_entropy"]
        dtype = net.dtype
        widths = net.sizes[1:]
        self.Z = [np.empty((batch_size, n), dtype) for n in widths]  # Z, then A
        self.Zraw = (
            [np.empty((batch_size, n), dtype) for n in widths] if not builtin else None
        )
        self.D = [np.empty((batch_size, n), dtype) for n in widths[:-1]]
        self.G = [(np.empty_like(W), np.empty_like(b)) for W, b in net.params]
        self.V = [(np.zeros_like(W), np.zeros_like(b)) for W, b in net.params]

    def __call__(self, Xb, yb, eta):
        params, m, L = self.net.params, len(Xb), len(self.net.params)
        phi = self.net.phi
        A = [Xb]
        for l, (W, b) in enumerate(params):
            Z = np.matmul(A[-1], W, out=self.Z[l][:m])
            Z += b
            if l < L - 1:
                if self.inplace:
                    self.inplace[0](Z)
                else:
                    self.Zraw[l][:m] = Z
                    Z[...] = phi.function(Z)
            A.append(Z)
        logits = A[-1]
        if self.fused:
            loss = _softmax_cross_entropy_inplace(logits, yb, eta)
        else:
            loss = self.net.loss_function.value(logits, yb)
            logits[...] = eta * self.net.loss_function.gradient(logits, yb)
        delta = logits  # eta * delta^(L)
        for l in range(L - 1, -1, -1):
            W, b = params[l]
            gW, gb = self.G[l]
            if self.gemm is None:
                np.matmul(A[l].T, delta, out=gW)
            np.sum(delta, axis=0, out=gb)
            if l > 0:  # delta below, from the weights before update
                below = np.matmul(delta, W.T, out=self.D[l - 1][:m])
                if self.inplace:
                    self.inplace[1](below, A[l])
                else:
                    below *= phi.derivative(self.Zraw[l - 1][:m])
            vW, vb = self.V[l]
            if self.gemm is not None and self.momentum:
                _subtract_product(vW, A[l], delta, self.momentum, self.gemm)
                W += vW  # v <- mu v - eta g, folded; W <- W + v
            elif self.gemm is not None:
                _subtract_product(W, A[l], delta, 1.0, self.gemm)  # W <- W - eta g
            elif self.momentum:
                vW *= self.momentum
                vW -= gW
                W += vW
            else:
                W -= gW
            if self.momentum:
                vb *= self.momentum
                vb -= gb
                b += vb
            else:
                b -= gb
            if l > 0:
                delta = below
        return loss


#: The methods of ``MLP`` whose work this module does itself.
_REPLACED = ("loss_and_gradients", "forward_cache", "logits", "loss")


def check_replaceable(net):
    """A TypeError unless ``net`` computes exactly what ``MLP`` computes.

    The fast step does the forward and backward passes itself, so a network
    that replaces any of them, in a subclass or on the instance, would be
    trained with the book's gradient instead of its own, silently.
    """
    if not isinstance(net, MLP):
        raise TypeError(
            f"handprop.fast.train trains an MLP, got {type(net).__name__}; train it "
            f"with handprop.train"
        )
    for name in _REPLACED:
        mine = vars(net).get(name, getattr(type(net), name))
        if getattr(mine, "__func__", mine) is not getattr(MLP, name):
            where = "this instance" if name in vars(net) else type(net).__name__
            raise TypeError(
                f"handprop.fast.train computes the book's forward and backward "
                f"passes itself, so it would ignore the {name} of {where}; train "
                f"it with handprop.train"
            )


def train(net, X, y, *, epochs, batch_size, lr, momentum=0.0, validation=None, seed=0,
          evaluate_train=True, verbose=True, callback=None, threads=1):
    """``handprop.train``, fast: the same arguments, batches and result.

    Trains ``net`` in place by mini-batch SGD with momentum and returns a
    ``History``; see ``handprop.train`` for the parameters.  The batches of every
    epoch are those of ``handprop.train`` with the same seed, and the weights
    agree with it to rounding.  ``threads``: the threads of each BLAS library
    (NumPy's and SciPy's) while it trains, 1 by default (change 7 above); None
    leaves them as they are.
    """
    with threadpool_limits(limits=threads):
        return _train(net, X, y, epochs=epochs, batch_size=batch_size, lr=lr,
                      momentum=momentum, validation=validation, seed=seed,
                      evaluate_train=evaluate_train, verbose=verbose,
                      callback=callback)


def _train(net, X, y, *, epochs, batch_size, lr, momentum, validation, seed,
           evaluate_train, verbose, callback):
    check_replaceable(net)
    etas = check_schedule(epochs, batch_size, lr, momentum)
    X, y = check_training_set(net, X, y)
    n = len(X)
    rng = np.random.default_rng(seed)
    step = _Step(net, min(batch_size, n), float(momentum))
    X_batch = np.empty((min(batch_size, n), X.shape[1]), dtype=X.dtype)
    history = History()
    for epoch in range(1, epochs + 1):
        eta = etas[epoch - 1]
        start = time.perf_counter()
        order = rng.permutation(n)  # the order handprop.train draws
        for i in range(0, n, batch_size):
            batch = order[i : i + batch_size]
            Xb = np.take(X, batch, axis=0, out=X_batch[: len(batch)], mode="clip")
            history.step_loss.append(step(Xb, y[batch], eta))
        history.epoch_seconds.append(time.perf_counter() - start)
        train_set = (X, y) if evaluate_train else None
        report_epoch(net, epoch, epochs, history, train_set, validation, verbose)
        if callback is not None:
            callback(epoch, history)
    return history
