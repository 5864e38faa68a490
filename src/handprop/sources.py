"""The source documents' variants, reproduced so the book can measure them.

Nothing here is used by the rest of ``handprop``; each function rebuilds one thing
a source did differently, for a side-by-side check.
"""

from __future__ import annotations

__all__ = ["with_source_scaling"]


def with_source_scaling(net):
    """Make ``net`` compute its gradients as the source blog post's ``compute_grad`` does.

    That code *sums* the weight gradients over the batch but *averages* the bias
    gradients, while reporting the mean loss: dW = A^T Delta, db = mean of Delta.
    Relative to the gradient of the mean loss, every weight gradient is N times too
    large (N the batch size) and every bias gradient is right, so the pair is the
    gradient of no single loss.  Returns ``net``, changed in place (its
    ``loss_and_gradients`` is replaced; ``train`` and the gradient check use it).
    """
    correct = net.loss_and_gradients

    def loss_and_gradients(X, y, **options):
        loss, grads = correct(X, y, **options)
        for gW, _ in grads:
            gW *= len(X)
        return loss, grads

    net.loss_and_gradients = loss_and_gradients
    return net
