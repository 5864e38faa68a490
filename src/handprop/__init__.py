"""handprop: backpropagation by hand, in NumPy.

The network of *Backpropagation by Hand*, one concept per module:

- ``activations``: sigmoid, tanh, relu, softmax and their derivatives
- ``losses``: cross-entropy and the quadratic cost, functions of the logits,
  each with its gradient
- ``network``: ``MLP``, the forward pass and the hand-derived backward pass
- ``training``: mini-batch SGD with momentum (``train``) and its ``History``
- ``gradcheck``: central differences against backpropagation
- ``metrics``: accuracy, evaluation, confusion matrix
- ``mnist``: the verified MNIST loader
- ``plots``: the book's figures, drawn in its style (``plots.use_book_style``)
- ``notation``: numbers as the prose writes them (``power_of_ten``)
- ``sources``: what the blog post (002) computed differently, for comparison
- ``checks``: checkers a reader runs on their own answers to the exercises
- ``inputs``: what every function checks of the labels and counts it is given
- ``fast``: the same training, arranged for speed (``handprop.fast.train``)
- ``conv``: convolution and pooling with their gradients (Part three)
- ``convnet``: ``ConvNet``, the convolutional network, with the ``MLP``'s protocol
"""

from importlib.metadata import PackageNotFoundError, version

from . import fast, plots
from .activations import (
    ACTIVATIONS,
    Activation,
    as_float_array,
    log_softmax,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    softmax,
    tanh,
    tanh_prime,
)
from .checks import AnswerError, check_derivative, check_gradient, compare
from .conv import (
    avg_pool2d,
    avg_pool2d_gradient,
    col2im,
    conv2d,
    conv2d_gradients,
    conv_output_size,
    im2col,
    max_pool2d,
    max_pool2d_gradient,
)
from .convnet import ConvNet
from .gradcheck import max_relative_error, numerical_gradient, relative_error
from .inputs import class_labels, whole_number
from .losses import (
    LOSSES,
    Loss,
    cross_entropy,
    cross_entropy_from_probabilities,
    cross_entropy_gradient,
    one_hot,
    quadratic,
    quadratic_gradient,
)
from .metrics import accuracy, confusion_matrix, evaluate
from .mnist import (
    MNISTChecksumError,
    MNISTDownloadError,
    MNISTError,
    MNISTFormatError,
    MNISTMissingError,
    load_mnist,
    read_idx,
    split_validation,
)
from .network import INITIALISATIONS, MLP, init_layer
from .notation import power_of_ten
from .sources import BlogPostMLP
from .training import (
    History,
    check_schedule,
    check_training_set,
    epoch_batches,
    report_epoch,
    train,
)

try:
    __version__ = version("handprop")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "unknown"

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "as_float_array",
    "sigmoid",
    "sigmoid_prime",
    "tanh",
    "tanh_prime",
    "relu",
    "relu_prime",
    "softmax",
    "log_softmax",
    "LOSSES",
    "Loss",
    "one_hot",
    "class_labels",
    "whole_number",
    "cross_entropy",
    "cross_entropy_gradient",
    "cross_entropy_from_probabilities",
    "quadratic",
    "quadratic_gradient",
    "MLP",
    "INITIALISATIONS",
    "init_layer",
    "BlogPostMLP",
    "History",
    "train",
    "check_schedule",
    "check_training_set",
    "epoch_batches",
    "report_epoch",
    "numerical_gradient",
    "relative_error",
    "max_relative_error",
    "AnswerError",
    "compare",
    "check_derivative",
    "check_gradient",
    "accuracy",
    "evaluate",
    "confusion_matrix",
    "load_mnist",
    "read_idx",
    "split_validation",
    "MNISTError",
    "MNISTMissingError",
    "MNISTDownloadError",
    "MNISTChecksumError",
    "MNISTFormatError",
    "power_of_ten",
    "conv_output_size",
    "im2col",
    "col2im",
    "conv2d",
    "conv2d_gradients",
    "max_pool2d",
    "max_pool2d_gradient",
    "avg_pool2d",
    "avg_pool2d_gradient",
    "ConvNet",
    "fast",
    "plots",
]
