"""Damaged data files and interrupted downloads: a clear error naming the
file, nothing half-written left in the cache, and nothing a later run
could take for data. (tests/test_mnist.py has the truncated gzip, wrong
magic, header/size and pickle-structure cases.)"""

import gzip
import os
import pickle
import struct
import time
import urllib.request

import numpy as np
import pytest

from fastnet import cli, mnist


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    for var in ("FASTNET_DATA", "FASTNET_MNIST_MIRROR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("FASTNET_CACHE", str(tmp_path / "cache"))


def fake_canonical_sizes(folder):
    """The four names, each of its canonical size, holding other bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (_, size) in mnist.MNIST_FILES.items():
        (folder / name).write_bytes(np.random.default_rng(0).bytes(size))
    return folder


class Response:
    """A stand-in for urlopen's response: ``chunks`` bytes objects, then
    ``then`` raised (or the end)."""

    def __init__(self, chunks, then=None):
        self.chunks, self.then = list(chunks), then

    def read(self, n):
        if self.chunks:
            return self.chunks.pop(0)
        if self.then is not None:
            raise self.then
        return b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_damaged_cache_files_are_not_taken_for_data(tmp_path):
    cache = fake_canonical_sizes(tmp_path / "cache")
    with pytest.raises(FileNotFoundError) as info:
        mnist.find_data(download=False)
    msg = str(info.value)
    assert "differ from the canonical files (size or md5): damaged" in msg
    assert "train-images-idx3-ubyte.gz" in msg and str(cache) in msg


def test_damaged_cache_file_is_downloaded_again(tmp_path, monkeypatch):
    cache = fake_canonical_sizes(tmp_path / "cache")
    asked = []

    def urlopen(url, timeout=None):
        asked.append(url.rsplit("/", 1)[1])
        return Response([b"not the file"])

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    with pytest.raises(FileNotFoundError, match="download failed"):
        mnist.find_data(mirrors=["http://mirror.invalid/"])
    assert sorted(asked) == sorted(mnist.MNIST_FILES)  # all four refetched
    # the damaged files stay as they were (no download replaced them) and no
    # temporary file is left beside them
    assert sorted(p.name for p in cache.iterdir()) == sorted(mnist.MNIST_FILES)


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), ConnectionResetError("reset")])
def test_interrupted_download_leaves_nothing(tmp_path, monkeypatch, stop):
    def urlopen(url, timeout=None):
        return Response([b"\x1f\x8b" + bytes(5000)], then=stop)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    cache = tmp_path / "cache"
    if isinstance(stop, KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            mnist.find_data(mirrors=["http://mirror.invalid/"])
    else:
        with pytest.raises(FileNotFoundError, match="reset"):
            mnist.find_data(mirrors=["http://mirror.invalid/"])
    assert list(cache.iterdir()) == []  # no data file, no .part file
    with pytest.raises(FileNotFoundError, match="missing: train-images"):
        mnist.find_data(download=False)


def test_stale_part_files_are_removed_and_never_read(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    old = cache / ".train-images-idx3-ubyte.gz.k2j4.part"  # from a killed run
    young = cache / ".t10k-images-idx3-ubyte.gz.x9z1.part"  # a download under way
    for p in (old, young):
        p.write_bytes(b"half a file")
    long_ago = time.time() - 2 * 3600
    os.utime(old, (long_ago, long_ago))
    with pytest.raises(FileNotFoundError, match="missing: train-images"):
        mnist.find_data(download=False)  # the .part files are not data
    monkeypatch.setattr(
        urllib.request, "urlopen", lambda url, timeout=None: Response([], then=OSError("offline"))
    )
    with pytest.raises(FileNotFoundError, match="offline"):
        mnist.find_data(mirrors=["http://mirror.invalid/"])
    assert not old.exists() and young.exists()


def _idx(magic, dims, payload=None):
    body = bytes(int(np.prod(dims))) if payload is None else payload
    return gzip.compress(struct.pack(f">I{len(dims)}I", magic, *dims) + body)


def synthetic_folder(folder, n_train=10_001, n_test=5, **override):
    """Four small IDX files with MNIST's structure; ``override`` replaces
    the bytes of a file (by name) to damage it."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "train-images-idx3-ubyte.gz": _idx(2051, (n_train, 28, 28)),
        "train-labels-idx1-ubyte.gz": _idx(2049, (n_train,)),
        "t10k-images-idx3-ubyte.gz": _idx(2051, (n_test, 28, 28)),
        "t10k-labels-idx1-ubyte.gz": _idx(2049, (n_test,)),
    }
    files.update(override)
    for name, raw in files.items():
        (folder / name).write_bytes(raw)
    return folder


def test_synthetic_folder_loads(tmp_path):
    (Xtr, ytr), (Xva, _), (Xte, yte) = mnist.load_arrays(synthetic_folder(tmp_path / "d"))
    assert Xtr.shape == (1, 784) and Xva.shape == (10_000, 784) and Xte.shape == (5, 784)


@pytest.mark.parametrize(
    "name, raw, match",
    [
        (
            "train-images-idx3-ubyte.gz",
            _idx(2051, (10_001, 28, 28))[:-40],
            "truncated or corrupt gzip",
        ),
        (
            "t10k-labels-idx1-ubyte.gz",
            _idx(2051, (5, 28, 28)),
            "expected 28x28 images and 1-d labels",
        ),
        ("t10k-images-idx3-ubyte.gz", _idx(2051, (5, 27, 28)), "expected 28x28 images"),
        ("t10k-labels-idx1-ubyte.gz", _idx(2049, (4,)), "5 images but 4 labels"),
        (
            "t10k-labels-idx1-ubyte.gz",
            _idx(2049, (5,), bytes([1, 2, 3, 4, 10])),
            "labels outside 0..9",
        ),
        ("train-labels-idx1-ubyte.gz", _idx(2050, (10_001,)), "wrong magic number 2050"),
        ("train-labels-idx1-ubyte.gz", _idx(2049, (10_002,), bytes(10_001)), "header"),
    ],
)
def test_damaged_folder_names_the_file(tmp_path, name, raw, match):
    folder = synthetic_folder(tmp_path / "d", **{name: raw})
    with pytest.raises(ValueError, match=match) as info:
        mnist.load_arrays(folder)
    part = name.split("-")[0]
    assert str(folder) in str(info.value) and part in str(info.value)


def test_cli_reports_a_damaged_file_in_one_line(tmp_path, capsys):
    name = "train-images-idx3-ubyte.gz"
    folder = synthetic_folder(tmp_path / "d", **{name: _idx(2051, (10_001, 28, 28))[:100]})
    rc = cli.main(["train", "--data", str(folder), "--no-progress"])
    out, err = capsys.readouterr()
    assert rc == 1 and out == ""
    assert err.startswith("fastnet: error: ") and str(folder / name) in err
    assert len(err.splitlines()) == 1


def test_pickle_with_nan_pixels(tmp_path):
    X = np.zeros((2, 784), np.float32)
    X[1, 5] = np.nan
    path = tmp_path / "mnist.pkl.gz"
    with gzip.open(path, "wb") as f:
        pickle.dump(((X, np.zeros(2, int)),) * 3, f)
    with pytest.raises(ValueError, match=r"mnist\.pkl\.gz: images contain NaN or inf"):
        mnist.load_arrays(path)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: mnist.read_idx(None), r"^filename: expected a path"),
        (lambda: mnist.find_data(path=3), r"^path: expected a path"),
        (lambda: mnist.find_data(download="no"), r"^download: expected True or False"),
        (lambda: mnist.find_data(mirrors=3), r"^mirrors: expected a URL"),
        (lambda: mnist.load_arrays(path=["a"]), r"^path: expected a path"),
    ],
)
def test_reader_arguments(call, match):
    with pytest.raises(TypeError, match=match):
        call()
