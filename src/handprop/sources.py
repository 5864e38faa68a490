"""What the source documents computed differently, rebuilt so the book can measure it.

Nothing else in ``handprop`` uses this module.  The sources are the documents the
book was written from: three drafts of a blog post deriving backpropagation for
MNIST (000, 001, 002) and a course project (003).
"""

from __future__ import annotations

from .activations import sigmoid, softmax
from .losses import cross_entropy_from_probabilities, one_hot
from .network import MLP

__all__ = ["BlogPostMLP"]


class BlogPostMLP(MLP):
    """The blog post's (002) one-hidden-layer sigmoid network and its ``compute_grad``.

    The gradient follows the post's stated steps, written out here on their own,
    without the book's backward pass:

        dZ2 = Y_hat - Y                 (no 1/N)
        dW2 = H^T dZ2,   db2 = (1/N) sum_n dZ2[n]
        dZ1 = (dZ2 W2^T) * H (1 - H)
        dW1 = X^T dZ1,   db1 = (1/N) sum_n dZ1[n]

    The weight gradients are *summed* over the batch and the bias gradients
    *averaged*, while the loss it reports is the mean: relative to the gradient of
    that mean, every weight gradient is N times too large and every bias gradient
    right, so the pair is the gradient of no single loss.  The loss is the post's
    clipped cross-entropy of the probabilities.  ``train`` accepts it like any MLP.
    """

    def __init__(self, sizes, **options):
        if len(sizes) != 3 or options.get("activation", "sigmoid") != "sigmoid":
            raise ValueError(
                "the blog post's network has one sigmoid hidden layer: "
                f"sizes [n_0, n_1, K], got {list(sizes)}"
            )
        super().__init__(sizes, **options)

    def loss_and_gradients(self, X, y):
        X = self.check_inputs(X)
        y = self.check_labels(y, len(X))
        (W1, b1), (W2, b2) = self.params
        N = len(X)
        H = sigmoid(X @ W1 + b1)
        Y_hat = softmax(H @ W2 + b2)
        dZ2 = Y_hat - one_hot(y, self.sizes[-1], self.dtype)
        dW2 = H.T @ dZ2
        db2 = dZ2.sum(axis=0) / N
        dZ1 = (dZ2 @ W2.T) * H * (1 - H)
        dW1 = X.T @ dZ1
        db1 = dZ1.sum(axis=0) / N
        loss = cross_entropy_from_probabilities(Y_hat, y)
        return loss, [(dW1, db1), (dW2, db2)]
