"""Shared fixtures.  MNIST comes from $HANDPROP_DATA_DIR (set by `make test` and .ci/run)."""

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def mnist_dir():
    """The folder holding the four original MNIST files, or a skip saying how to provide it."""
    folder = os.environ.get("HANDPROP_DATA_DIR")
    if not folder or not Path(folder).is_dir():
        pytest.skip("HANDPROP_DATA_DIR is not set to a folder with the four MNIST files; "
                    "`make test` sets it to ../shared/data/mnist when that folder exists")
    return Path(folder)


@pytest.fixture(scope="session")
def mnist(mnist_dir):
    import handprop

    return handprop.load_mnist(mnist_dir)
