"""MNIST for fastnet: find or download the four IDX files (md5-checked),
read them, and hand them back in the layout of Nielsen's ``mnist.pkl.gz``
and ``mnist_loader`` (``load_data`` / ``load_data_wrapper``)."""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

from . import _untrusted
from ._costs import vectorized_result
from ._knobs import DIGITS, IMAGE_PIXELS, IMAGE_SIDE, PIXEL_LEVELS
from ._typing import PathLike

#: One split as arrays: float32 images (n, 784), int64 labels (n,).
Split: TypeAlias = tuple[NDArray[np.float32], NDArray[np.int64]]

__all__ = [
    "CONNECT_TIMEOUT",
    "MAX_DECOMPRESSED",
    "MIRRORS",
    "MNIST_FILES",
    "READ_TIMEOUT",
    "cache_dir",
    "find_data",
    "load_arrays",
    "load_data",
    "load_data_wrapper",
    "read_idx",
    "vectorized_result",
]

#: name -> (md5 of the .gz file, size of the .gz file in bytes)
MNIST_FILES = {
    "train-images-idx3-ubyte.gz": ("f68b3c2dcbeaaa9fbdd348bbdeb94873", 9912422),
    "train-labels-idx1-ubyte.gz": ("d53e105ee54ea40749a09fcbcd1e9432", 28881),
    "t10k-images-idx3-ubyte.gz": ("9fb629c4189551a2d022fa330f9573f3", 1648877),
    "t10k-labels-idx1-ubyte.gz": ("ec29112dd5afa0611ce80d1b7f02629c", 4542),
}

#: Base URLs tried in order; yann.lecun.com last since it often refuses bots.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

PICKLE_NAME = "mnist.pkl.gz"
_N_VALID = 10_000  # Nielsen's validation set: the last 10,000 training images
#: Seconds to wait for a mirror to accept the connection and start its
#: answer, then for each further piece of the file: a mirror that accepts
#: connections but never answers costs CONNECT_TIMEOUT once, not minutes.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
#: The most bytes a data file may decompress to: 4.6 times all of MNIST
#: (47 MB of training images in IDX, 440 MB for a float64 pickle), so that
#: a gzip bomb is refused instead of filling the memory.
MAX_DECOMPRESSED = 1 << 30
_STALE_PART_S = 3600  # a .part file this old belongs to a download that died


def cache_dir() -> Path:
    """Per-user folder where downloaded MNIST files are kept.

    Returns
    -------
    pathlib.Path
        ``$FASTNET_CACHE`` if set, else ``$XDG_CACHE_HOME/fastnet/mnist``,
        else ``~/.cache/fastnet/mnist``. The folder is not created here.
    """
    if os.environ.get("FASTNET_CACHE"):
        return Path(os.environ["FASTNET_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "fastnet" / "mnist"


def _missing(folder):
    return [n for n in MNIST_FILES if not (folder / n).is_file()]


def _as_path(path, name):
    try:
        return Path(os.fspath(path)).expanduser()
    except TypeError:
        raise TypeError(
            f"{name}: expected a path (str or os.PathLike), got {type(path).__name__}"
        ) from None


def _resolve(path, origin):
    """Data location held by a user-given ``path``, or FileNotFoundError."""
    p = _as_path(path, origin)
    if p.is_file() and p.name in MNIST_FILES:
        p = p.parent  # one of the four files given: use its folder
    if p.is_file():
        return p  # taken as a mnist.pkl.gz; load_arrays checks its content
    if p.is_dir():
        missing = _missing(p)
        if not missing:
            return p
        if (p / PICKLE_NAME).is_file():
            return p / PICKLE_NAME
        raise FileNotFoundError(
            f"{origin} {p} does not hold the MNIST data: missing "
            f"{', '.join(missing)} (or put a single {PICKLE_NAME} there)"
        )
    raise FileNotFoundError(f"{origin} {p} does not exist")


# (path, size, mtime, inode) -> whether the file is the canonical one, so
# that a process hashes each cached file once
_checked_files: dict[tuple[str, int, int, int], bool] = {}


def _md5(path):
    digest = hashlib.md5()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _is_canonical(path, md5, size):
    try:
        st = path.stat()
    except OSError:
        return False
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    if key not in _checked_files:
        _checked_files[key] = path.is_file() and st.st_size == size and _md5(path) == md5
    return _checked_files[key]


def _cached(folder):
    """Names not (correctly) in the cache: absent, or of the wrong size or
    md5 (files only fastnet writes there, always checked: a mismatch is
    damage, and the file is downloaded again)."""
    return [n for n, (md5, size) in MNIST_FILES.items() if not _is_canonical(folder / n, md5, size)]


def _remove_stale_parts(folder):
    """Delete the temp files of downloads that died (killed process, power
    cut); those of a download running now elsewhere are younger."""
    now = time.time()
    for p in folder.glob(".*.part"):
        with contextlib.suppress(OSError):
            if now - p.stat().st_mtime > _STALE_PART_S:
                p.unlink()


def _timed_out(error):
    return isinstance(error, TimeoutError) or isinstance(
        getattr(error, "reason", None), TimeoutError
    )


def _open(url):
    """The response to ``url``: CONNECT_TIMEOUT for the connection and
    the answer's start, then READ_TIMEOUT for each further read."""
    resp = urllib.request.urlopen(url, timeout=CONNECT_TIMEOUT)
    # http.client keeps one timeout per socket; lengthen it for the body
    sock = getattr(getattr(getattr(resp, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        sock.settimeout(READ_TIMEOUT)
    return resp


def _fetch(name, folder, mirrors, silent):
    """Download ``name`` into ``folder``; return None, or the failure reasons.
    A mirror that times out is added to ``silent`` and not asked again."""
    md5, size = MNIST_FILES[name]
    reasons = []
    for base in mirrors:
        url = base.rstrip("/") + "/" + name
        if base in silent:
            reasons.append(f"{url}: not tried, the mirror did not answer before")
            continue
        print(
            f"fastnet: downloading {url} ({size / 1e6:.1f} MB; waiting at most "
            f"{CONNECT_TIMEOUT:g} s for an answer)",
            file=sys.stderr,
            flush=True,
        )
        # A temp file in the target folder makes os.replace atomic, so a
        # half or bad download is never seen under the real name.
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
        try:
            digest, got = hashlib.md5(), 0
            with os.fdopen(fd, "wb") as out, _open(url) as resp:
                while chunk := resp.read(1 << 16):
                    got += len(chunk)
                    if got > size:
                        raise ValueError(f"more than the expected {size} bytes")
                    digest.update(chunk)
                    out.write(chunk)
            if got != size:
                raise ValueError(f"got {got} bytes, expected {size}")
            if digest.hexdigest() != md5:
                raise ValueError(f"md5 {digest.hexdigest()} != expected {md5}")
            os.replace(tmp, folder / name)
            return None
        except (OSError, ValueError, http.client.HTTPException) as e:
            if _timed_out(e):
                silent.add(base)
                e = (
                    f"no answer within {CONNECT_TIMEOUT:g} s (connection) / "
                    f"{READ_TIMEOUT:g} s (each read); mirror skipped from now on"
                )
                print(f"fastnet: {url}: {e}", file=sys.stderr, flush=True)
            reasons.append(f"{url}: {e}")
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    return reasons


def find_data(
    path: PathLike | None = None, download: bool = True, mirrors: str | Sequence[str] | None = None
) -> Path:
    """Locate the MNIST data, downloading it into the cache if needed.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A folder holding the four IDX ``.gz`` files or a ``mnist.pkl.gz``,
        or the path of a ``mnist.pkl.gz`` file (the path of one of the IDX
        files stands for its folder). When given, it must hold the data:
        there is no fallback to the other places.
    download : bool, default True
        Download the files missing from the cache (see :func:`cache_dir`).
    mirrors : sequence of str or str, optional
        Base URLs to download from, in order; default :data:`MIRRORS`. The
        environment variable ``FASTNET_MNIST_MIRROR`` is tried before them.

    Returns
    -------
    pathlib.Path
        A folder with the four IDX files, or the path of a ``mnist.pkl.gz``.

    Raises
    ------
    FileNotFoundError
        If the data is at none of ``path``, ``$FASTNET_DATA`` and the cache
        folder, and could not be downloaded.
    TypeError
        If ``path``, ``download`` or ``mirrors`` is of the wrong type.

    Notes
    -----
    Files in the cache are checked against their canonical md5 and size (a
    damaged one is downloaded again); files in a folder you name are
    checked by :func:`read_idx` (complete gzip, IDX header and sizes).
    Downloads go to a temporary ``.part`` file moved into place only once
    complete and verified, so an interrupted download leaves nothing that
    a later run could take for data. Each attempt prints its URL on
    stderr; a mirror that does not answer within :data:`CONNECT_TIMEOUT`
    seconds (or stalls for :data:`READ_TIMEOUT` seconds during the file)
    is not asked for the other files.
    """
    if not isinstance(download, (bool, np.bool_)):
        raise TypeError(f"download: expected True or False, got {download!r}")
    if isinstance(mirrors, str):
        mirrors = [mirrors]
    if mirrors is not None and (
        not isinstance(mirrors, (list, tuple)) or not all(isinstance(m, str) for m in mirrors)
    ):
        raise TypeError(f"mirrors: expected a URL or a list of URLs, got {mirrors!r}")
    if path is not None:
        return _resolve(path, "path")
    if os.environ.get("FASTNET_DATA"):
        return _resolve(os.environ["FASTNET_DATA"], "FASTNET_DATA")
    folder = cache_dir()
    missing = _cached(folder)
    if not missing:
        return folder
    if (folder / PICKLE_NAME).is_file():
        return folder / PICKLE_NAME
    if not download:
        why = "download disabled (download=False)"
    else:
        urls = list(MIRRORS if mirrors is None else mirrors)
        if os.environ.get("FASTNET_MNIST_MIRROR"):
            urls.insert(0, os.environ["FASTNET_MNIST_MIRROR"])
        reasons: list[str] = []
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _remove_stale_parts(folder)
            silent: set[str] = set()
            for name in missing:
                reasons += _fetch(name, folder, urls, silent) or []
        except OSError as e:
            reasons.append(f"cannot write to {folder}: {e}")
        missing = _cached(folder)
        if not missing:
            return folder
        why = "download failed:\n  " + "\n  ".join(reasons or ["no mirror given"])
    damaged = [n for n in missing if (folder / n).exists()]
    if damaged:
        why += (
            f"\n{', '.join(damaged)} in the cache differ from the canonical "
            f"files (size or md5): damaged, and not used"
        )
    raise FileNotFoundError(
        f"MNIST data not found. Looked in the cache folder {folder} "
        f"(FASTNET_DATA is not set); missing: {', '.join(missing)}.\n"
        f"Put the four files (or {PICKLE_NAME}) in {folder}, or in a folder "
        f"named by the FASTNET_DATA environment variable, or pass path=.\n"
        f"The {why}"
    )


def read_idx(filename: PathLike) -> NDArray[np.uint8]:
    """Read a gzip-compressed IDX file of MNIST images or labels.

    Parameters
    ----------
    filename : str or os.PathLike
        An images file (magic 2051, dims n, rows, cols) or a labels file
        (magic 2049, dim n); all values unsigned bytes.

    Returns
    -------
    numpy.ndarray
        uint8 images of shape (n, rows, cols), or uint8 labels of shape (n,).

    Raises
    ------
    ValueError
        If the file is not complete gzip, has an unknown magic number, or
        its length does not match its header, or the header announces more
        than :data:`MAX_DECOMPRESSED` bytes.

    Notes
    -----
    The header is read first, then at most the bytes it announces plus
    one (to detect trailing data), in pieces: a gzip bomb or a header
    announcing more than the file holds fails fast, without a large
    allocation.
    """
    filename = _as_path(filename, "filename")
    return _untrusted.read_idx(filename, MAX_DECOMPRESSED)


def _from_idx(folder):
    imgs = {}
    for part in ("train", "t10k"):
        X = read_idx(folder / f"{part}-images-idx3-ubyte.gz")
        y = read_idx(folder / f"{part}-labels-idx1-ubyte.gz")
        where = f"{folder / part}-{{images,labels}}-idx?-ubyte.gz"
        if X.ndim != 3 or X.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE) or y.ndim != 1:
            raise ValueError(
                f"{where}: expected 28x28 images and 1-d labels, got {X.shape} and {y.shape}"
            )
        if len(X) != len(y):
            raise ValueError(f"{where}: {len(X)} images but {len(y)} labels")
        if y.size and y.max() >= DIGITS:
            raise ValueError(
                f"{folder / part}-labels-idx1-ubyte.gz: labels outside 0..9 (found {y.max()})"
            )
        # Dividing by 256, not 255, gives exactly the values of Nielsen's
        # pickle (multiples of 1/256, max 255/256); exact in float32.
        X = np.multiply(
            X.reshape(len(X), IMAGE_PIXELS), np.float32(1 / PIXEL_LEVELS), dtype=np.float32
        )
        imgs[part] = (X, y.astype(np.int64))
    (X, y), test = imgs["train"], imgs["t10k"]
    if len(X) <= _N_VALID:
        raise ValueError(
            f"{folder}: {len(X)} training images, need more than "
            f"{_N_VALID} to split off the validation set"
        )
    cut = len(X) - _N_VALID
    return (X[:cut], y[:cut]), (X[cut:], y[cut:]), test


def _from_pickle(filename):
    try:
        data = _untrusted.unpickle_arrays(filename, MAX_DECOMPRESSED)
    except _untrusted.Refused:
        raise
    except MemoryError:
        raise ValueError(
            f"{filename}: the pickle announces more data than fits in memory: not MNIST"
        ) from None
    except Exception as e:  # unpickling can fail in many ways; name the file
        raise ValueError(f"{filename}: not a readable gzip'd pickle ({e})") from e
    return _untrusted.checked_splits(data, filename, IMAGE_PIXELS)


def load_arrays(path: PathLike | None = None, download: bool = True) -> tuple[Split, Split, Split]:
    """MNIST as arrays, split like Nielsen's ``mnist.pkl.gz``.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Where the data is; see :func:`find_data` for the lookup order.
    download : bool, default True
        Download into the cache if the data is found nowhere.

    Returns
    -------
    tuple
        ``((X_train, y_train), (X_val, y_val), (X_test, y_test))``: training
        is the first 50,000 IDX training images, validation the last 10,000,
        test the 10,000 t10k images. ``X`` are C-contiguous float32 arrays of
        shape (n, 784) holding pixel/256; ``y`` are int64 arrays of shape (n,).

    Raises
    ------
    FileNotFoundError
        If the data cannot be found or downloaded.
    ValueError
        If a file is corrupt or does not have the expected structure.

    Notes
    -----
    A ``mnist.pkl.gz`` is read with a restricted unpickler that builds
    only numeric numpy arrays, tuples and lists: a pickle asking for
    anything else (which could run code) is refused with a ValueError
    before any of it runs, as is one that decompresses to more than
    :data:`MAX_DECOMPRESSED` bytes.
    """
    where = find_data(path, download=download)
    splits = _from_pickle(where) if where.is_file() else _from_idx(where)
    for _X, y in splits:
        if len(y) and (y.min() < 0 or y.max() > 9):
            raise ValueError(f"{where}: labels outside 0..9")
    return splits


def load_data(path: PathLike | None = None, download: bool = True) -> tuple[Split, Split, Split]:
    """MNIST as returned by the course's / Nielsen's ``load_data()``.

    Parameters
    ----------
    path, download
        As for :func:`load_arrays`.

    Returns
    -------
    tuple
        ``(training_data, validation_data, test_data)``, each a pair
        ``(X, y)``: X float32 of shape (n, 784), y int64 of shape (n,).
    """
    return load_arrays(path, download=download)


def load_data_wrapper(
    path: PathLike | None = None, download: bool = True
) -> tuple[
    Iterator[tuple[NDArray[np.float32], NDArray[np.float64]]],
    Iterator[tuple[NDArray[np.float32], np.int64]],
    Iterator[tuple[NDArray[np.float32], np.int64]],
]:
    """MNIST as returned by Nielsen's Python 3 ``load_data_wrapper()``.

    Parameters
    ----------
    path, download
        As for :func:`load_arrays`.

    Returns
    -------
    tuple of zip
        ``(training_data, validation_data, test_data)``. Training pairs are
        ``(x, y)``: x a float32 (784, 1) column, y the one-hot float64 (10, 1)
        column. Validation and test pairs are ``(x, label)`` with label a
        numpy int64. Like any zip, each can be iterated only once.
    """
    (Xtr, ytr), (Xva, yva), (Xte, yte) = load_arrays(path, download=download)
    onehot = np.zeros((len(ytr), 10, 1))
    onehot[np.arange(len(ytr)), ytr, 0] = 1.0
    # Iterating a (n, 784, 1) view yields (784, 1) views: no copy per image.
    return (
        zip(Xtr.reshape(-1, IMAGE_PIXELS, 1), onehot),
        zip(Xva.reshape(-1, IMAGE_PIXELS, 1), yva),
        zip(Xte.reshape(-1, IMAGE_PIXELS, 1), yte),
    )
