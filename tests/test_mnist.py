"""The MNIST loader: IDX parsing, checksums, and downloads from a real local server.

The download, mirror and checksum tests run everywhere, without the real MNIST:
the ``tiny`` fixture writes four small IDX files (TRAIN and TEST images of 28 x 28
and their labels) and points the loader's table of SHA-256 hashes and expected
sizes at them.  Only the tests marked by the ``mnist`` fixtures read the real files.
"""

import contextlib
import gzip
import hashlib
import http.server
import shutil
import socket
import struct
import threading
from functools import partial
from pathlib import Path

import numpy as np
import pytest

import handprop as hp
from handprop import mnist

NAMES = list(mnist.FILES.values())
TRAIN, TEST = 12, 5   # rows of the tiny stand-in files


def write_idx(path, array, magic=None):
    """Write ``array`` (uint8) as a gzip-compressed IDX file, optionally with a forged magic."""
    array = np.asarray(array, dtype=np.uint8)
    header = magic if magic is not None else bytes([0, 0, 0x08, array.ndim])
    header += b"".join(struct.pack(">I", d) for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.tobytes())
    return path


# --- IDX parsing ----------------------------------------------------------------------


def test_read_idx_round_trip(tmp_path):
    images = np.arange(3 * 28 * 28, dtype=np.uint32).reshape(3, 28, 28) % 256
    labels = np.array([7, 0, 9])
    np.testing.assert_array_equal(hp.read_idx(write_idx(tmp_path / "i.gz", images)), images)
    np.testing.assert_array_equal(hp.read_idx(write_idx(tmp_path / "l.gz", labels)), labels)


def test_read_idx_rejects_bad_magic(tmp_path):
    path = write_idx(tmp_path / "bad.gz", np.zeros((2, 3)), magic=b"\x12\x34\x08\x02")
    with pytest.raises(hp.MNISTFormatError, match=r"bad\.gz: bad IDX magic number 0x12340802"):
        hp.read_idx(path)


def test_read_idx_rejects_wrong_type_code(tmp_path):
    path = write_idx(tmp_path / "float.gz", np.zeros((2, 3)), magic=b"\x00\x00\x0d\x02")
    with pytest.raises(hp.MNISTFormatError, match="bad IDX magic number"):
        hp.read_idx(path)


def test_read_idx_rejects_wrong_dimensions(tmp_path):
    path = write_idx(tmp_path / "labels.gz", np.zeros((2, 3)))
    with pytest.raises(hp.MNISTFormatError, match="has 2 dimensions, expected 1"):
        hp.read_idx(path, expected_ndim=1)


def test_read_idx_rejects_truncated_data(tmp_path):
    path = tmp_path / "short.gz"
    with gzip.open(path, "wb") as f:  # header promises 10 x 28 x 28, data holds 100 bytes
        f.write(bytes([0, 0, 8, 3]) + struct.pack(">III", 10, 28, 28) + bytes(100))
    with pytest.raises(hp.MNISTFormatError, match=r"short\.gz: IDX header promises shape \(10, 28, 28\)"):
        hp.read_idx(path)


def test_read_idx_rejects_truncated_gzip(tmp_path):
    full = write_idx(tmp_path / "full.gz", np.ones((50, 28, 28))).read_bytes()
    cut = tmp_path / "cut.gz"
    cut.write_bytes(full[: len(full) // 2])
    with pytest.raises(hp.MNISTFormatError, match=r"cut\.gz: cannot decompress"):
        hp.read_idx(cut)


def test_read_idx_rejects_a_file_that_is_not_gzip(tmp_path):
    path = tmp_path / "plain.gz"
    path.write_bytes(b"<html>not found</html>")
    with pytest.raises(hp.MNISTFormatError, match="truncated or not gzip"):
        hp.read_idx(path)


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """A folder of four tiny, valid MNIST-format files, which the loader accepts as the
    originals: their hashes and sizes replace the real ones for this test."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, size=(TRAIN, 28, 28)),
        "train-labels-idx1-ubyte.gz": np.arange(TRAIN) % 10,
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, size=(TEST, 28, 28)),
        "t10k-labels-idx1-ubyte.gz": (np.arange(TEST) * 3) % 10,
    }
    for name, array in arrays.items():
        path = write_idx(folder / name, array)
        monkeypatch.setitem(mnist.SHA256, name, hashlib.sha256(path.read_bytes()).hexdigest())
        ndim, trailing, _ = mnist._EXPECTED[name]
        monkeypatch.setitem(mnist._EXPECTED, name, (ndim, trailing, len(array)))
    return folder


def test_tiny_files_load_as_mnist(tiny, no_env):
    (X, y), (Xt, yt) = hp.load_mnist(tiny)
    assert X.shape == (TRAIN, 784) and X.dtype == np.float32 and Xt.shape == (TEST, 784)
    assert y.tolist() == [k % 10 for k in range(TRAIN)]
    assert 0.0 <= X.min() and X.max() <= 1.0


# --- local folders and checksums ---------------------------------------------------------


def test_load_from_folder(mnist):
    (X, y), (Xt, yt) = mnist
    assert X.shape == (60_000, 784) and X.dtype == np.float32
    assert Xt.shape == (10_000, 784) and Xt.dtype == np.float32
    assert y.shape == (60_000,) and y.dtype == np.int64
    assert yt.shape == (10_000,) and yt.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == set(range(10))
    assert y[:5].tolist() == [5, 0, 4, 1, 9]  # the first five training labels of MNIST


def test_environment_variable_is_used_when_the_cache_is_empty(tiny, monkeypatch, tmp_path):
    """With an empty cache and no network, the folder in HANDPROP_DATA_DIR is read and
    nothing is downloaded (the only mirror is a dead address)."""
    empty_cache = tmp_path / "cache"
    monkeypatch.setenv("HANDPROP_DATA_DIR", str(tiny))
    (_, y), _ = hp.load_mnist(cache_dir=empty_cache, mirrors=("http://127.0.0.1:9/",))
    assert len(y) == TRAIN
    assert not empty_cache.exists() or not any(empty_cache.iterdir())


def test_wrong_checksum_is_refused(tiny):
    # A valid IDX file, but not the original: the checksum must stop it before parsing.
    write_idx(tiny / "t10k-labels-idx1-ubyte.gz", np.zeros(TEST))
    want = mnist.SHA256["t10k-labels-idx1-ubyte.gz"][:8]
    with pytest.raises(hp.MNISTChecksumError,
                       match=rf"t10k-labels-idx1-ubyte\.gz: SHA-256 is [0-9a-f]{{64}}, expected {want}"):
        hp.load_mnist(tiny)


def test_the_package_carries_the_hashes_of_the_original_files():
    assert mnist.SHA256["t10k-labels-idx1-ubyte.gz"].startswith("f7ae60f9")
    assert sorted(mnist.SHA256) == sorted(NAMES)


def test_missing_file_names_the_file_and_the_remedy(tiny):
    (tiny / NAMES[3]).unlink()
    with pytest.raises(hp.MNISTMissingError,
                       match=r"lacks t10k-labels-idx1-ubyte\.gz.*HANDPROP_DATA_DIR"):
        hp.load_mnist(tiny)
    assert issubclass(hp.MNISTMissingError, (hp.MNISTError, FileNotFoundError))


def test_read_idx_of_a_missing_file_is_in_the_family(tmp_path):
    with pytest.raises(hp.MNISTMissingError, match=r"nope\.gz: no such file.*load_mnist"):
        hp.read_idx(tmp_path / "nope.gz")


def test_split_validation_takes_the_last_rows():
    X = np.arange(20).reshape(10, 2)
    y = np.arange(10)
    (Xa, ya), (Xb, yb) = hp.split_validation(X, y, n_validation=3)
    assert ya.tolist() == list(range(7)) and yb.tolist() == [7, 8, 9]
    np.testing.assert_array_equal(Xb, X[7:])
    with pytest.raises(ValueError, match="n_validation must be between 1 and 9"):
        hp.split_validation(X, y, n_validation=10)


# --- downloads from a real HTTP server on 127.0.0.1 --------------------------------------


class CuttingHandler(http.server.SimpleHTTPRequestHandler):
    """Announces the whole file, sends half of it, then drops the connection."""

    def do_GET(self):
        data = (Path(self.directory) / Path(self.path).name).read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)
        self.close_connection = True

    def log_message(self, *args):
        pass


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(directory, handler=QuietHandler):
    """An HTTP server on 127.0.0.1 serving ``directory``; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def mirror(tiny):
    with serving(tiny) as url:
        yield url


@pytest.fixture
def dead_url():
    """A loopback port with nothing listening: connections are refused."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv("HANDPROP_DATA_DIR", raising=False)


def test_download_into_cache(tmp_path, mirror, no_env):
    cache = tmp_path / "cache"
    (X, y), (Xt, yt) = hp.load_mnist(cache_dir=cache, mirrors=[mirror])
    assert X.shape == (TRAIN, 784) and len(yt) == TEST
    assert sorted(p.name for p in cache.iterdir()) == sorted(NAMES)
    # Second call uses the cache: no mirror is needed any more.
    (_, y2), _ = hp.load_mnist(cache_dir=cache, mirrors=[])
    np.testing.assert_array_equal(y, y2)


def test_first_mirror_down_second_used(tmp_path, mirror, dead_url, no_env):
    cache = tmp_path / "cache"
    (_, y), _ = hp.load_mnist(cache_dir=cache, mirrors=[dead_url, mirror])
    assert len(y) == TRAIN


def test_mirror_serving_404_is_skipped(tmp_path, mirror, no_env):
    empty = tmp_path / "empty"
    empty.mkdir()
    with serving(empty) as url:
        (_, y), _ = hp.load_mnist(cache_dir=tmp_path / "cache", mirrors=[url, mirror])
    assert len(y) == TRAIN


def test_all_mirrors_down_is_a_clear_error(tmp_path, dead_url, no_env):
    cache = tmp_path / "cache"
    with pytest.raises(hp.MNISTDownloadError) as info:
        hp.load_mnist(cache_dir=cache, mirrors=[dead_url, dead_url + "other/"])
    message = str(info.value)
    assert "train-images-idx3-ubyte.gz" in message
    assert dead_url + "train-images-idx3-ubyte.gz" in message
    assert dead_url + "other/train-images-idx3-ubyte.gz" in message
    assert "load_mnist(data_dir=FOLDER)" in message and "HANDPROP_DATA_DIR" in message
    assert not cache.exists() or list(cache.iterdir()) == []


def test_connection_cut_mid_file_leaves_nothing(tmp_path, tiny, no_env):
    cache = tmp_path / "cache"
    with serving(tiny, CuttingHandler) as url:
        with pytest.raises(hp.MNISTDownloadError, match="train-images-idx3-ubyte.gz"):
            hp.load_mnist(cache_dir=cache, mirrors=[url])
    assert list(cache.iterdir()) == []  # no partial file, no temporary file


def test_corrupt_download_is_refused_and_not_kept(tmp_path, tiny, no_env):
    bad = tmp_path / "bad"
    bad.mkdir()
    for name in NAMES:
        shutil.copy(tiny / name, bad / name)
    data = bytearray((bad / NAMES[0]).read_bytes())
    data[100] ^= 0xFF
    (bad / NAMES[0]).write_bytes(bytes(data))
    cache = tmp_path / "cache"
    with serving(bad) as url:
        with pytest.raises(hp.MNISTDownloadError, match="SHA256 hash of downloaded file"):
            hp.load_mnist(cache_dir=cache, mirrors=[url])
    assert list(cache.iterdir()) == []


def test_corrupt_cached_file_is_refused(tmp_path, tiny, no_env):
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in NAMES:
        shutil.copy(tiny / name, cache / name)
    (cache / NAMES[1]).write_bytes(b"\x1f\x8b garbage")
    with pytest.raises(hp.MNISTChecksumError, match="was not used. Delete it"):
        hp.load_mnist(cache_dir=cache, mirrors=[])
