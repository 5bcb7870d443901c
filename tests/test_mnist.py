"""Tests of fastnet.mnist: the real files, lookup order, the pickle format,
corrupt files, and downloads from a local HTTP server."""

import contextlib
import functools
import gzip
import http.server
import os
import pickle
import socket
import struct
import threading
from pathlib import Path

import numpy as np
import pytest

from fastnet import mnist

DATA = Path(
    os.environ.get("FASTNET_DATA")
    or Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mnist"
)
HAVE_DATA = all((DATA / n).is_file() for n in mnist.MNIST_FILES)
needs_data = pytest.mark.skipif(not HAVE_DATA, reason=f"MNIST files not in {DATA}")

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
FIRST_TRAIN = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4, 3, 5, 3, 6, 1, 7, 2, 8, 6, 9, 4, 0, 9, 1, 1, 2]
FIRST_TEST = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    # No test may see the user's settings or touch the real cache.
    for var in ("FASTNET_DATA", "FASTNET_MNIST_MIRROR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("FASTNET_CACHE", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def arrays():
    if not HAVE_DATA:
        pytest.skip(f"MNIST files not in {DATA}")
    return mnist.load_arrays(DATA, download=False)


def _linked_copy(folder, names=tuple(mnist.MNIST_FILES)):
    folder.mkdir(parents=True, exist_ok=True)
    for n in names:
        (folder / n).symlink_to(DATA / n)
    return folder


def _gz(path, payload):
    path.write_bytes(gzip.compress(payload))
    return path


def _idx(magic, dims, n_bytes=None):
    body = bytes(int(np.prod(dims)) if n_bytes is None else n_bytes)
    return struct.pack(f">I{len(dims)}I", magic, *dims) + body


# ---------------------------------------------------------------- real data


@needs_data
def test_real_shapes_dtypes_and_split(arrays):
    (Xtr, ytr), (Xva, yva), (Xte, yte) = arrays
    for X, y, n in ((Xtr, ytr, 50000), (Xva, yva, 10000), (Xte, yte, 10000)):
        assert X.shape == (n, 784) and X.dtype == np.float32
        assert X.flags.c_contiguous
        assert y.shape == (n,) and y.dtype == np.int64
    assert list(ytr[:26]) == FIRST_TRAIN
    assert list(yte[:10]) == FIRST_TEST
    counts = np.bincount(np.concatenate([ytr, yva]), minlength=10)
    assert list(counts) == TRAIN_COUNTS
    assert list(np.bincount(yte, minlength=10)) == TEST_COUNTS


@needs_data
def test_real_values_are_pixels_over_256(arrays):
    images = mnist.read_idx(DATA / "train-images-idx3-ubyte.gz")
    labels = mnist.read_idx(DATA / "train-labels-idx1-ubyte.gz")
    assert images.shape == (60000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (60000,) and labels.dtype == np.uint8
    (Xtr, ytr), (Xva, yva), _ = arrays
    for X in (Xtr, Xva):
        assert X.min() == 0.0 and X.max() == np.float32(255 / 256)
    # validation = training images 50000..59999, unchanged apart from /256
    np.testing.assert_array_equal(Xva * 256, images[50000:].reshape(-1, 784))
    np.testing.assert_array_equal(yva, labels[50000:])
    np.testing.assert_array_equal(Xtr[:100] * 256, images[:100].reshape(-1, 784))


@needs_data
def test_real_load_data_and_wrapper():
    tr, va, te = mnist.load_data(DATA)
    assert tr[0].shape == (50000, 784) and va[1].shape == te[1].shape == (10000,)
    wtr, wva, wte = mnist.load_data_wrapper(DATA)
    assert all(isinstance(z, zip) for z in (wtr, wva, wte))
    train = list(wtr)
    assert len(train) == 50000
    x, y = train[0]
    assert x.shape == (784, 1) and x.dtype == np.float32
    assert y.shape == (10, 1) and y.dtype == np.float64
    assert y.sum() == 1.0 and y[5, 0] == 1.0  # first training label is 5
    np.testing.assert_array_equal(x[:, 0], tr[0][0])
    labels = np.array([int(np.argmax(y)) for _, y in train])
    np.testing.assert_array_equal(labels, tr[1])
    test = list(wte)
    assert len(test) == 10000 and len(list(wva)) == 10000
    x, label = test[0]
    assert x.shape == (784, 1) and isinstance(label, np.int64) and label == 7


# ------------------------------------------------------------- lookup order


@needs_data
def test_lookup_order(tmp_path, monkeypatch):
    explicit = _linked_copy(tmp_path / "explicit")
    env = _linked_copy(tmp_path / "env")
    cache = _linked_copy(tmp_path / "cache")
    monkeypatch.setenv("FASTNET_DATA", str(env))
    assert mnist.find_data(explicit, download=False) == explicit
    assert mnist.find_data(explicit / "t10k-labels-idx1-ubyte.gz") == explicit
    assert mnist.find_data(download=False) == env
    monkeypatch.delenv("FASTNET_DATA")
    assert mnist.find_data(download=False) == cache


def test_cache_dir_variables(tmp_path, monkeypatch):
    assert mnist.cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("FASTNET_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert mnist.cache_dir() == tmp_path / "xdg" / "fastnet" / "mnist"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert mnist.cache_dir() == Path.home() / ".cache" / "fastnet" / "mnist"


@needs_data
def test_bad_explicit_path_has_no_fallback(tmp_path, monkeypatch):
    monkeypatch.setenv("FASTNET_DATA", str(_linked_copy(tmp_path / "env")))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        mnist.find_data(tmp_path / "nowhere")
    partial = _linked_copy(tmp_path / "partial", list(mnist.MNIST_FILES)[:3])
    with pytest.raises(FileNotFoundError, match="t10k-labels-idx1-ubyte.gz"):
        mnist.find_data(partial)
    monkeypatch.setenv("FASTNET_DATA", str(partial))
    with pytest.raises(FileNotFoundError, match="FASTNET_DATA"):
        mnist.find_data(download=False)


def test_missing_everywhere_without_download(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        mnist.load_arrays(download=False)
    msg = str(info.value)
    assert "FASTNET_DATA" in msg and str(tmp_path / "cache") in msg
    assert "train-images-idx3-ubyte.gz" in msg and "download" in msg


# ------------------------------------------------------------ pickle format


def _small_pickle(path, sizes=(5, 3, 2)):
    rng = np.random.default_rng(0)
    data = tuple(
        (
            rng.integers(0, 256, (n, 784)).astype(np.float32) / 256,
            rng.integers(0, 10, n).astype(np.int64),
        )
        for n in sizes
    )
    with gzip.open(path, "wb") as f:
        pickle.dump(data, f)
    return data


def test_pickle_through_load_data(tmp_path):
    data = _small_pickle(tmp_path / "mnist.pkl.gz")
    for where in (tmp_path, tmp_path / "mnist.pkl.gz"):
        assert mnist.find_data(where) == tmp_path / "mnist.pkl.gz"
        got = mnist.load_data(where)
        for (X, y), (X0, y0) in zip(got, data):
            assert X.dtype == np.float32 and y.dtype == np.int64
            np.testing.assert_array_equal(X, X0)
            np.testing.assert_array_equal(y, y0)
    tr, va, te = mnist.load_data_wrapper(tmp_path)
    train = list(tr)
    assert len(train) == 5
    assert train[0][0].shape == (784, 1) and train[0][1].shape == (10, 1)
    assert int(np.argmax(train[0][1])) == data[0][1][0]
    val = list(va)
    assert len(val) == 3 and isinstance(val[0][1], np.int64)
    assert len(list(te)) == 2


@pytest.mark.parametrize(
    "bad",
    [
        "two parts",
        ((np.zeros((2, 784)), np.zeros(2, int)),) * 2,
        ((np.zeros((2, 783)), np.zeros(2, int)),) * 3,
        ((np.zeros((2, 784)), np.zeros(3, int)),) * 3,
        ((np.zeros((2, 784)),),) * 3,
    ],
)
def test_badly_structured_pickle(tmp_path, bad):
    path = tmp_path / "mnist.pkl.gz"
    with gzip.open(path, "wb") as f:
        pickle.dump(bad, f)
    with pytest.raises(ValueError, match="mnist.pkl.gz"):
        mnist.load_arrays(path)


def test_pickle_not_gzip(tmp_path):
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(b"not a gzip file at all")
    with pytest.raises(ValueError, match="mnist.pkl.gz"):
        mnist.load_arrays(path)


# ------------------------------------------------------------ corrupt files


def test_read_small_idx(tmp_path):
    payload = bytes(range(2 * 3 * 4))
    raw = struct.pack(">4I", 2051, 2, 3, 4) + payload
    X = mnist.read_idx(_gz(tmp_path / "x.gz", raw))
    assert X.shape == (2, 3, 4) and X.dtype == np.uint8
    assert X.tobytes() == payload
    raw = struct.pack(">2I", 2049, 3) + b"\x07\x02\x01"
    y = mnist.read_idx(_gz(tmp_path / "y.gz", raw))
    assert list(y) == [7, 2, 1]


@pytest.mark.parametrize(
    "raw, match",
    [
        (_idx(2052, (2, 28, 28)), "magic"),
        (_idx(2049, (5,), n_bytes=4), "header"),
        (_idx(2049, (5,), n_bytes=6), "header"),
        (_idx(2051, (2, 28, 28), n_bytes=2 * 784 - 1), "header"),
        (_idx(2051, (2, 28, 28), n_bytes=2 * 784 + 1), "header"),
        (struct.pack(">3I", 2051, 2, 28), "header"),
        (b"\x00\x00", "short"),
    ],
)
def test_bad_idx_content(tmp_path, raw, match):
    path = _gz(tmp_path / "bad-idx3-ubyte.gz", raw)
    with pytest.raises(ValueError, match=match) as info:
        mnist.read_idx(path)
    assert "bad-idx3-ubyte.gz" in str(info.value)


@pytest.mark.parametrize("damage", ["truncate", "flip", "not_gzip"])
def test_bad_gzip(tmp_path, damage):
    good = gzip.compress(
        _idx(2051, (3, 28, 28), n_bytes=0) + np.random.default_rng(1).bytes(3 * 784)
    )
    raw = {
        "truncate": good[: len(good) // 2],
        "flip": good[:30] + bytes(b ^ 0xFF for b in good[30:60]) + good[60:],
        "not_gzip": b"plain bytes, no gzip header",
    }[damage]
    path = tmp_path / "damaged-idx3-ubyte.gz"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match="damaged-idx3-ubyte.gz"):
        mnist.read_idx(path)


@needs_data
def test_truncated_real_file_in_folder(tmp_path):
    folder = _linked_copy(tmp_path / "d", list(mnist.MNIST_FILES)[1:])
    name = "train-images-idx3-ubyte.gz"
    (folder / name).write_bytes((DATA / name).read_bytes()[:100_000])
    with pytest.raises(ValueError, match=name):
        mnist.load_arrays(folder)


@needs_data
def test_labels_not_matching_images(tmp_path):
    folder = _linked_copy(
        tmp_path / "d", [n for n in mnist.MNIST_FILES if n != "train-labels-idx1-ubyte.gz"]
    )
    wrong = DATA / "t10k-labels-idx1-ubyte.gz"  # 10,000 labels for 60,000 images
    (folder / "train-labels-idx1-ubyte.gz").symlink_to(wrong)
    with pytest.raises(ValueError, match="labels"):
        mnist.load_arrays(folder)


# ----------------------------------------------------------------- download


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@contextlib.contextmanager
def _server(folder):
    """Serve ``folder`` on 127.0.0.1; yield (base URL, list of paths asked)."""
    asked = []

    class Handler(_Handler):
        def do_GET(self):
            asked.append(self.path.lstrip("/"))
            super().do_GET()

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder))
    )
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", asked
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _dead_url():
    with socket.socket() as s:  # a port nobody listens on once closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def _served_copy(folder, corrupt=None):
    folder.mkdir()
    for n in mnist.MNIST_FILES:
        if n != corrupt:
            (folder / n).symlink_to(DATA / n)
            continue
        data = bytearray((DATA / n).read_bytes())
        data[-100:-90] = bytes(b ^ 0x55 for b in data[-100:-90])  # same size
        (folder / n).write_bytes(bytes(data))
    return folder


@needs_data
def test_download_verifies_and_caches(tmp_path):
    cache = tmp_path / "cache"
    with _server(_served_copy(tmp_path / "www")) as (url, asked):
        assert mnist.find_data(mirrors=[url]) == cache
        assert sorted(asked) == sorted(mnist.MNIST_FILES)
        assert sorted(p.name for p in cache.iterdir()) == sorted(mnist.MNIST_FILES)
        for n in mnist.MNIST_FILES:
            assert (cache / n).read_bytes() == (DATA / n).read_bytes()
        asked.clear()
        (Xtr, _), _, _ = mnist.load_arrays()
        assert Xtr.shape == (50000, 784)
        assert mnist.find_data(mirrors=[url]) == cache
        assert asked == []


@needs_data
@pytest.mark.parametrize("how", ["corrupt", "truncated"])
def test_corrupt_download_is_refused(tmp_path, how):
    bad = "t10k-labels-idx1-ubyte.gz"
    www = _served_copy(tmp_path / "www", corrupt=bad if how == "corrupt" else None)
    if how == "truncated":
        (www / bad).unlink()
        (www / bad).write_bytes((DATA / bad).read_bytes()[:1000])
    cache = _linked_copy(tmp_path / "cache", [n for n in mnist.MNIST_FILES if n != bad])
    with _server(www) as (url, asked):
        with pytest.raises(FileNotFoundError) as info:
            mnist.find_data(mirrors=[url])
        assert asked == [bad]  # only the missing file is fetched
    msg = str(info.value)
    assert bad in msg and ("md5" in msg if how == "corrupt" else "bytes" in msg)
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        n for n in mnist.MNIST_FILES if n != bad
    )  # no bad file, no temp file


@needs_data
def test_dead_mirror_then_good_one(tmp_path):
    cache = _linked_copy(tmp_path / "cache", list(mnist.MNIST_FILES)[1:])
    with _server(_served_copy(tmp_path / "www")) as (url, asked):
        assert mnist.find_data(mirrors=[_dead_url(), url]) == cache
        assert asked == ["train-images-idx3-ubyte.gz"]
    assert sorted(p.name for p in cache.iterdir()) == sorted(mnist.MNIST_FILES)


@needs_data
def test_env_mirror_is_tried_first(tmp_path, monkeypatch):
    cache = _linked_copy(tmp_path / "cache", list(mnist.MNIST_FILES)[:3])
    with _server(_served_copy(tmp_path / "www")) as (url, asked):
        monkeypatch.setenv("FASTNET_MNIST_MIRROR", url)
        assert mnist.find_data(mirrors=[_dead_url()]) == cache
        assert asked == ["t10k-labels-idx1-ubyte.gz"]


def test_all_mirrors_dead(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        mnist.find_data(mirrors=[_dead_url(), _dead_url()])
    msg = str(info.value)
    assert "download failed" in msg and "FASTNET_DATA" in msg
    assert msg.count("127.0.0.1") >= 2 * len(mnist.MNIST_FILES)
    assert [p.name for p in (tmp_path / "cache").iterdir()] == []
