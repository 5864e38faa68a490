"""MNIST: finding the four original files, verifying them, and parsing IDX.

Where the files come from, in order:

1. ``load_mnist(data_dir=...)``: a folder you name, holding the four ``.gz`` files;
2. the folder in the environment variable ``HANDPROP_DATA_DIR``;
3. the cache folder (``default_cache_dir()``: ``~/.cache/handprop/mnist`` on Linux,
   or ``$HANDPROP_CACHE_DIR``), into which missing files are downloaded with
   ``pooch``, trying each mirror in ``MIRRORS`` in turn.

Whatever the source, each file's SHA-256 must equal the one in ``SHA256`` before
a byte of it is parsed.  Downloads go to a temporary file that is renamed only
once its hash matches, so an interrupted or corrupt download leaves nothing.

The IDX format (LeCun et al.): a 4-byte magic number ``0x00 0x00 type ndim``
(type 0x08 = unsigned byte), then ``ndim`` big-endian uint32 sizes, then the data.
"""

from __future__ import annotations

import gzip
import logging
import os
import zlib
from pathlib import Path

import numpy as np
import pooch

from .inputs import whole_number

__all__ = [
    "FILES",
    "SHA256",
    "MIRRORS",
    "MNISTError",
    "MNISTMissingError",
    "MNISTDownloadError",
    "MNISTChecksumError",
    "MNISTFormatError",
    "default_cache_dir",
    "read_idx",
    "load_mnist",
    "split_validation",
]

FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}

SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",  # noqa: E501
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",  # noqa: E501
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",  # noqa: E501
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",  # noqa: E501
}

#: Public mirrors of the original files, tried in this order.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

_IDX_UBYTE = 0x08
_EXPECTED = {  # file -> (ndim, trailing dimensions, number of rows)
    "train-images-idx3-ubyte.gz": (3, (28, 28), 60_000),
    "train-labels-idx1-ubyte.gz": (1, (), 60_000),
    "t10k-images-idx3-ubyte.gz": (3, (28, 28), 10_000),
    "t10k-labels-idx1-ubyte.gz": (1, (), 10_000),
}

_BY_HAND = (
    "To supply the files by hand, download the four files {names} from any MNIST "
    "mirror into one folder and call load_mnist(data_dir=FOLDER) or set "
    "HANDPROP_DATA_DIR=FOLDER."
)


class MNISTError(RuntimeError):
    """Base class of the loader's errors."""


class MNISTMissingError(MNISTError, FileNotFoundError):
    """A file is not where the loader was told to find it."""


class MNISTDownloadError(MNISTError):
    """No mirror could deliver a file."""


class MNISTChecksumError(MNISTError):
    """A file's SHA-256 is not the one the package carries."""


class MNISTFormatError(MNISTError, ValueError):
    """A file is not a valid IDX file (or not gzip, or truncated)."""


def _by_hand():
    return _BY_HAND.format(names=", ".join(FILES.values()))


def default_cache_dir():
    """The folder ``mnist`` in ``$HANDPROP_CACHE_DIR`` or the OS cache folder."""
    root = os.environ.get("HANDPROP_CACHE_DIR")
    if not root:
        root = pooch.os_cache("handprop")
    return Path(root) / "mnist"


def _verify(path):
    name = Path(path).name
    got = pooch.file_hash(str(path), alg="sha256")
    want = SHA256[name]
    if got != want:
        raise MNISTChecksumError(
            f"{path}: SHA-256 is {got}, expected {want}; the file is corrupt or "
            f"not the "
            f"original, and was not used. Delete it and download it again. "
            + _by_hand()
        )


def read_idx(path, expected_ndim=None):
    """Parse one gzip-compressed IDX file of unsigned bytes into a uint8 array.

    Strict: the magic number, the number of dimensions and the exact length of the
    data are all checked, and any mismatch raises ``MNISTFormatError`` naming the
    file and what was wrong.
    """
    path = Path(path)
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError as exc:
        raise MNISTMissingError(
            f"{path}: no such file. Check the path, or call load_mnist() to fetch "
            f"the four files. " + _by_hand()
        ) from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise MNISTFormatError(
            f"{path}: cannot decompress ({exc}); the file is truncated or not gzip. "
            f"Delete it and fetch it again."
        ) from exc
    if len(raw) < 4:
        raise MNISTFormatError(
            f"{path}: {len(raw)} bytes is too short for an IDX header"
        )
    zero1, zero2, dtype_code, ndim = raw[:4]
    if zero1 or zero2 or dtype_code != _IDX_UBYTE or ndim == 0:
        raise MNISTFormatError(
            f"{path}: bad IDX magic number 0x{raw[:4].hex()}; expected 0x000008NN "
            f"(unsigned bytes, NN dimensions). It is not an MNIST IDX file."
        )
    if expected_ndim is not None and ndim != expected_ndim:
        raise MNISTFormatError(
            f"{path}: IDX file has {ndim} dimensions, expected {expected_ndim}"
        )
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise MNISTFormatError(f"{path}: truncated IDX header ({len(raw)} bytes)")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = header + int(np.prod(shape, dtype=np.int64))
    if len(raw) != expected:
        raise MNISTFormatError(
            f"{path}: IDX header promises shape {shape} ({expected} bytes in all) "
            f"but the "
            f"file holds {len(raw)} bytes; it is truncated or corrupt."
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _download(name, cache_dir, mirrors):
    """Fetch ``name`` into ``cache_dir`` from the first mirror that has it intact."""
    import requests

    failures = []
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        for mirror in mirrors:
            url = mirror.rstrip("/") + "/" + name
            try:
                pooch.retrieve(
                    url,
                    known_hash="sha256:" + SHA256[name],
                    fname=name,
                    path=cache_dir,
                    progressbar=False,
                )
                return cache_dir / name
            except (requests.exceptions.RequestException, ValueError, OSError) as exc:
                failures.append(f"  {url}: {type(exc).__name__}: {exc}")
    finally:
        logger.setLevel(level)
    raise MNISTDownloadError(
        f"could not download {name} into {cache_dir}; every mirror failed "
        f"(no network, or the mirrors are down):\n"
        + "\n".join(failures)
        + "\n"
        + _by_hand()
    )


def _locate(data_dir, cache_dir, mirrors):
    """Paths of the four files, verified, downloading into the cache if needed."""
    if data_dir is None:
        data_dir = os.environ.get("HANDPROP_DATA_DIR") or None
    paths = {}
    if data_dir is not None:
        data_dir = Path(data_dir).expanduser()
        missing = [n for n in FILES.values() if not (data_dir / n).is_file()]
        if missing:
            raise MNISTMissingError(
                f"MNIST folder {data_dir} lacks {', '.join(missing)}. Put the four "
                f"original files there, or unset HANDPROP_DATA_DIR and pass no "
                f"data_dir to download "
                f"them into the cache."
            )
        for n in FILES.values():
            paths[n] = data_dir / n
            _verify(paths[n])
        return paths
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    for n in FILES.values():
        p = cache_dir / n
        if p.is_file():
            _verify(p)
        else:
            p = _download(n, cache_dir, mirrors)
        paths[n] = p
    return paths


def load_mnist(data_dir=None, *, cache_dir=None, mirrors=MIRRORS):
    """Load MNIST as ``((X_train, y_train), (X_test, y_test))``.

    ``X`` is float32 of shape (N, 784), pixel values scaled to [0, 1]; ``y`` is int64
    of shape (N,); N is 60,000 for training and 10,000 for test.  See the module
    docstring for where the files are looked for and how they are checked.
    """
    paths = _locate(data_dir, cache_dir, mirrors)
    arrays = {}
    for key, name in FILES.items():
        ndim, trailing, rows = _EXPECTED[name]
        a = read_idx(paths[name], expected_ndim=ndim)
        if a.shape != (rows, *trailing):
            raise MNISTFormatError(
                f"{paths[name]}: shape {a.shape}, expected {(rows, *trailing)}"
            )
        arrays[key] = a
    X_train = arrays["train_images"].reshape(-1, 784).astype(np.float32) / np.float32(
        255
    )
    X_test = arrays["test_images"].reshape(-1, 784).astype(np.float32) / np.float32(255)
    y_train = arrays["train_labels"].astype(np.int64)
    y_test = arrays["test_labels"].astype(np.int64)
    return (X_train, y_train), (X_test, y_test)


def split_validation(X, y, n_validation=10_000):
    """Split off the *last* ``n_validation`` rows as a validation set.

    Returns ``((X_train, y_train), (X_val, y_val))``.  The last 10,000 of MNIST's
    60,000 training images is the split Nielsen's book uses, leaving 50,000.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    n_validation = whole_number("n_validation", n_validation)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}")
    if not 0 < n_validation < len(X):
        raise ValueError(
            f"n_validation must be between 1 and {len(X) - 1}, got {n_validation}"
        )
    cut = len(X) - n_validation
    return (X[:cut], y[:cut]), (X[cut:], y[cut:])
