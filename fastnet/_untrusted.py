"""Reading data files one does not trust, with numpy only: a gzip'd IDX file
read through no more bytes than its header announces (a gzip bomb stops
early), and a restricted unpickler that admits only the numeric numpy arrays
and tuples of the course's ``mnist.pkl.gz`` (a pickle that asks for anything
else could run code). :mod:`fastnet.mnist` finds the files and calls these;
the limit of decompressed bytes is its ``MAX_DECOMPRESSED``, passed in.

No fastnet import: the reference process loads this file beside the loader
without the fastnet package."""

import gzip
import math
import pickle
import struct
import zlib

import numpy as np

IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049

_CHUNK = 1 << 20
# deflate cannot shrink data more than about 1032:1
_DEFLATE_MAX_RATIO = 1032


def _read_at_most(f, n):
    """Up to ``n`` bytes of ``f``, read in pieces, so that memory follows
    what the file holds, never what its header claims."""
    parts, got = [], 0
    while got < n:
        piece = f.read(min(_CHUNK, n - got))
        if not piece:
            break
        parts.append(piece)
        got += len(piece)
    return b"".join(parts)


def _check_announced(filename, dims, total, limit):
    """Refuse, before reading on, sizes no MNIST file has or the file
    cannot hold."""
    if total > limit:
        raise ValueError(
            f"{filename}: header {dims} announces {total} bytes, more than "
            f"the {limit} fastnet reads from a data file"
        )
    compressed = filename.stat().st_size
    if total > _DEFLATE_MAX_RATIO * compressed + 1024:
        raise ValueError(
            f"{filename}: header {dims} says {total} bytes, which "
            f"{compressed} compressed bytes cannot hold: truncated file"
        )


def read_idx(filename, limit):
    """The array in the gzip'd IDX file ``filename`` (a ``pathlib.Path``),
    reading at most the bytes its header announces, plus one; ValueError
    naming the file otherwise (see :func:`fastnet.mnist.read_idx`)."""
    try:
        with gzip.open(filename, "rb") as f:
            header = _read_at_most(f, 8)
            if len(header) < 8:
                raise ValueError(f"{filename}: too short for an IDX header ({len(header)} bytes)")
            magic = struct.unpack(">I", header[:4])[0]
            if magic not in (IMAGES_MAGIC, LABELS_MAGIC):
                raise ValueError(
                    f"{filename}: wrong magic number {magic} "
                    f"(expected {IMAGES_MAGIC} or {LABELS_MAGIC})"
                )
            ndim = 3 if magic == IMAGES_MAGIC else 1
            start = 4 + 4 * ndim
            header += _read_at_most(f, start - 8)
            if len(header) < start:
                raise ValueError(f"{filename}: IDX header cut short ({len(header)} bytes)")
            dims = struct.unpack(f">{ndim}I", header[4:start])
            size = math.prod(dims)
            _check_announced(filename, dims, start + size, limit)
            # Never more than the header announces, plus one byte that
            # would show trailing junk: a gzip bomb stops here.
            body = _read_at_most(f, size + 1)
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise ValueError(f"{filename}: truncated or corrupt gzip file ({e})") from e
    if len(body) != size:
        has = (
            f"more (reading stopped at byte {start + size + 1})"
            if len(body) > size
            else str(start + len(body))
        )
        raise ValueError(f"{filename}: header {dims} says {start + size} bytes, the file has {has}")
    return np.frombuffer(body, np.uint8).reshape(dims)


class _Capped:
    """A read-only file that refuses to give more than ``limit`` bytes."""

    def __init__(self, f, filename, limit):
        self.f, self.filename, self.left = f, filename, limit
        self.limit = limit

    def _take(self, n):
        # before reading: a pickle that announces more than is left is
        # refused as soon as it asks
        if n > self.left:
            raise Refused(
                f"{self.filename}: decompresses to more than "
                f"{self.limit} bytes (MNIST's pickle is about "
                f"220 MB): refused"
            )

    def read(self, n=-1):
        n = self.left + 1 if n is None or n < 0 else n
        self._take(n)
        data = self.f.read(n)
        self.left -= len(data)
        return data

    def readline(self):
        data = self.f.readline(self.left + 1)
        self._take(len(data))
        self.left -= len(data)
        return data

    def readinto(self, buf):
        self._take(len(buf))
        n = self.f.readinto(buf)
        self.left -= n
        return n


class Refused(ValueError):
    """A data file refused for what it holds, not for being damaged."""


_NDARRAY = object()  # stands for numpy.ndarray, which a pickle may not call


def _reconstruct(subtype, shape, dtype):
    # numpy's pickles make an empty array, then fill it with the file's bytes
    if subtype is not _NDARRAY or not isinstance(shape, tuple) or shape != (0,):
        raise pickle.UnpicklingError(
            "_reconstruct called with other arguments than an array pickle's"
        )
    return np.ndarray.__new__(np.ndarray, shape, dtype)


def _dtype(spec, align=False, copy=False):
    if not isinstance(spec, str) or np.dtype(spec).kind not in "biuf":
        raise pickle.UnpicklingError(f"dtype {spec!r} is not a number type")
    return np.dtype(spec, bool(align), bool(copy))


def _frombuffer(buf, dtype, shape, order):
    # protocol 5's arrays: a numeric dtype over the file's bytes
    if not isinstance(dtype, np.dtype) or dtype.kind not in "biuf":
        raise pickle.UnpicklingError("array of a non-number type")
    return np.frombuffer(buf, dtype=dtype).reshape(shape, order=order)


def _encode(text, encoding):
    # how Python 3 writes bytes in protocols 0-2
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError(
            "_codecs.encode called with other arguments than bytes in a pickle"
        )
    return text.encode("latin1")


# Everything a pickle of numeric numpy arrays in tuples asks for, in
# numpy 1 and 2 and all protocols; anything else could run code.
_PICKLE_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.numeric", "_frombuffer"): _frombuffer,
    ("numpy._core.numeric", "_frombuffer"): _frombuffer,
    ("numpy", "ndarray"): _NDARRAY,
    ("numpy", "dtype"): _dtype,
    ("_codecs", "encode"): _encode,
}


class _ArraysOnly(pickle.Unpickler):
    filename: object  # the file named in a refusal; set by the caller

    def find_class(self, module, name):
        try:
            return _PICKLE_GLOBALS[module, name]
        except (KeyError, TypeError):
            raise Refused(
                f"{self.filename}: refused: the pickle asks for {module}.{name}, "
                f"which is not part of MNIST's arrays (unpickling it could run "
                f"code; fastnet reads only numpy arrays and tuples from a "
                f"pickle)"
            ) from None


def unpickle_arrays(filename, limit):
    """What the gzip'd pickle ``filename`` holds, if it is only numeric numpy
    arrays in tuples and lists, read through at most ``limit`` decompressed
    bytes; :class:`Refused` otherwise (nothing the file names is called).

    In a function of its own: the unpickler's memo holds the file's big
    strings, which must be freed before the caller checks the arrays."""
    with gzip.open(filename, "rb") as f:
        unpickler = _ArraysOnly(_Capped(f, filename, limit), encoding="latin1")
        unpickler.filename = filename
        return unpickler.load()


def checked_splits(data, filename, n_pixels):
    """The ``(training, validation, test)`` pairs of an unpickled MNIST,
    checked: three ``(X, y)`` pairs, ``X`` numbers of shape
    ``(n, n_pixels)`` without NaN or inf (returned as float32), ``y`` ints
    of shape ``(n,)`` (returned as int64); else ValueError naming the
    file."""
    bad = ValueError(
        f"{filename}: expected a 3-tuple of (X, y) pairs with "
        f"X of shape (n, {n_pixels}) and y of shape (n,)"
    )
    if not (isinstance(data, (tuple, list)) and len(data) == 3):
        raise bad
    out = []
    for pair in data:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise bad
        X, y = (np.asarray(a) for a in pair)
        if (
            X.ndim != 2
            or X.shape[1] != n_pixels
            or y.ndim != 1
            or len(X) != len(y)
            or X.dtype.kind not in "fiu"
            or y.dtype.kind not in "iu"
        ):
            raise bad
        if X.dtype.kind == "f" and not np.isfinite(X).all():
            raise ValueError(f"{filename}: images contain NaN or inf")
        out.append((np.ascontiguousarray(X, dtype=np.float32), y.astype(np.int64)))
    return tuple(out)
