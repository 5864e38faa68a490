"""handprop: backpropagation by hand, in NumPy.

The network of *Backpropagation by Hand*, one concept per module:

- ``activations``: sigmoid, tanh, relu, softmax and their derivatives
- ``losses``: cross-entropy and the quadratic cost, with gradients
- ``network``: ``MLP``, forward pass and hand-derived backward pass
- ``training``: mini-batch SGD (``train``) and its ``History``
- ``gradcheck``: central differences against backpropagation
- ``metrics``: accuracy, evaluation, confusion matrix
- ``mnist``: the verified MNIST loader
- ``plots``: the book's figures
"""

from .activations import (
    ACTIVATIONS,
    Activation,
    log_softmax,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    softmax,
    tanh,
    tanh_prime,
)
from .gradcheck import max_relative_error, numerical_gradient, relative_error
from .losses import (
    cross_entropy,
    cross_entropy_from_probabilities,
    one_hot,
    quadratic,
    softmax_cross_entropy_gradient,
)
from .metrics import accuracy, confusion_matrix, evaluate
from .mnist import (
    MNISTChecksumError,
    MNISTDownloadError,
    MNISTError,
    MNISTFormatError,
    load_mnist,
    read_idx,
    split_validation,
)
from .network import MLP
from .sources import with_source_scaling
from .training import History, train

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS", "Activation", "MLP", "History", "train",
    "sigmoid", "sigmoid_prime", "tanh", "tanh_prime", "relu", "relu_prime",
    "softmax", "log_softmax",
    "one_hot", "cross_entropy", "cross_entropy_from_probabilities", "quadratic",
    "softmax_cross_entropy_gradient",
    "numerical_gradient", "relative_error", "max_relative_error",
    "accuracy", "evaluate", "confusion_matrix",
    "load_mnist", "read_idx", "split_validation", "with_source_scaling",
    "MNISTError", "MNISTDownloadError", "MNISTChecksumError", "MNISTFormatError",
]
