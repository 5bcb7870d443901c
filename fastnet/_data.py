"""Turning the course's data (lists or zips of column pairs) or plain
arrays into the contiguous arrays the kernels read, with clear errors.

Every check happens here, before anything reaches a kernel: a kernel given
a wrong shape or an out-of-range label would read out of bounds. Errors
name the argument (``training_data[12]: x must have shape (784, 1), got
(783, 1)``): ``TypeError`` for the wrong kind of object (not numbers, not a
list, a bool or a string where a number is expected), ``ValueError`` for
the right kind with a wrong value (shape, size, range, NaN/inf, empty).

Accepted beyond the course's own types: a 1-D ``x`` of length ``n_in`` (a
column), int labels where one-hot columns are expected and the reverse,
int and bool inputs (taken as they are), and uint8 inputs, which are pixel
bytes: they are scaled by 1/256 like :mod:`fastnet.mnist` does.
"""

import itertools
import operator

import numpy as np

from . import _rawmem
from ._engine import split_rows
from ._items import (
    _NUMERIC,
    _as_float,
    _asarray,
    _check_kind,
    _check_range,
    _column,
    _describe,
    _int_labels,
    _label,
    _shape,
    _target,
)
from ._knobs import PIXEL_LEVELS
from ._lazy import kernels
from ._validation import first_bad_row

COMPACT_MIN = 1 << 16


def _checked_rows(X, where_of_row, compact=True, check=True):
    """``X`` checked for NaN/inf (ValueError naming the row). With
    ``compact``, large float32 pixel data (every value k/256, as in the
    course's pickle and fastnet.mnist) comes back as its uint8 codes k,
    which the kernels read as k/256: the same numbers exactly, a quarter
    of the memory traffic for training's scattered rows. Data only scored
    (one BLAS product per layer) stays as it is: no conversion to undo."""
    if X.dtype == np.uint8:
        return X
    if compact and X.dtype == np.float32 and X.size >= COMPACT_MIN:
        X = np.ascontiguousarray(X)
        codes = np.empty(X.shape, dtype=np.uint8)
        bad = _pixel_codes_split(X, codes)
        if bad == -1:
            return codes
        if bad == -2:
            return X
    else:
        bad = first_bad_row(X) if check else None
        if bad is None:
            return X
    raise ValueError(f"{where_of_row(bad)} contains NaN or inf")


def _pixel_codes_numpy(X, codes, rows=2048):
    """``kernels.pixel_codes`` by numpy (the same answer and codes), for a
    first run while the kernel compiles in another process; ``rows`` at a
    time, so that its temporaries stay a few MB."""
    for start in range(0, len(X), rows):
        x = X[start : start + rows]
        with np.errstate(invalid="ignore", over="ignore"):
            k = x * x.dtype.type(PIXEL_LEVELS)  # exact: a power of two
            exact = (k == np.floor(k)) & (k >= 0) & (k <= PIXEL_LEVELS - 1)
        if not exact.all():
            bad = first_bad_row(X)
            return -2 if bad is None else bad
        np.copyto(codes[start : start + rows], k, casting="unsafe")
    return -1


def _pixel_codes_split(X, codes):
    """``kernels.pixel_codes`` over row ranges on the usable cores (the
    kernel releases the GIL; 50,000 MNIST rows took 36 ms on one core):
    the first bad row overall, else -1 if every range is exact pixel data,
    else -2. numpy does it while a first run compiles the kernel
    (``kernels.later``)."""
    check = kernels.pixel_codes if kernels.later.ready else _pixel_codes_numpy
    parts = split_rows(len(X), lambda a, b: (a, int(check(X[a:b], codes[a:b]))))
    for start, result in parts:  # in row order: the first bad row wins
        if result >= 0:
            return start + result
    return -1 if all(result == -1 for _, result in parts) else -2


def _stack_same(vs, n):
    """``vs`` stacked as (len(vs), n) when all are arrays of one numeric
    dtype and one shape, (n, 1) or (n,); else None, and the per-item path
    finds the culprit (or handles mixed dtypes)."""
    first = vs[0]
    if (
        type(first) is not np.ndarray
        or first.dtype.kind not in _NUMERIC
        or first.shape not in ((n, 1), (n,))
    ):
        return None
    views = _rawmem.uniform_views(vs)  # 50,000 course pairs read in ~4 ms
    if views is None and not _uniform(vs, n):
        return None
    rows = _consecutive_rows(vs, n, views)
    # concatenate: one copy, 3x faster than np.stack on 50,000 small columns
    return rows if rows is not None else np.concatenate(vs).reshape(len(vs), n)


def _uniform(vs, n):
    """Whether ``vs`` are all numpy arrays of the first's dtype and size,
    of length ``n``, asked array by array (where the bulk read cannot)."""
    # one pass per attribute in C (map), not a Python loop per item;
    # (ndim, len, size) pins the shape without a tuple per item (tuples by
    # the 100,000 wake the garbage collector, which walks every pair)
    return (
        _all_is(map(type, vs), np.ndarray)
        and _distinct(vs, "dtype") == 1
        and _distinct(vs, "ndim") == 1
        and set(map(len, vs)) == {n}
        and _distinct(vs, "size") == 1
    )


def _all_is(values, obj):
    return all(map(operator.is_, values, itertools.repeat(obj)))


def _distinct(vs, attribute):
    """Number of distinct values of ``attribute`` over ``vs``."""
    return len(set(map(operator.attrgetter(attribute), vs)))


def _consecutive_rows(vs, n, views):
    """A zero-copy (len(vs), n) view when the columns are consecutive rows of
    one array, as the course loader's zips give them (saves a copy of the
    whole training set: 157 MB for MNIST); else None. ``vs`` are arrays of
    one shape and dtype; ``views`` is what the bulk read found, or None."""
    first = vs[0]
    base = first.base
    if (
        not isinstance(base, np.ndarray)
        or base.dtype != first.dtype
        or not base.flags.c_contiguous
        or not first.flags.c_contiguous
    ):
        return None
    step = n * first.itemsize
    start = first.__array_interface__["data"][0]
    offset = start - base.__array_interface__["data"][0]
    if offset < 0 or offset % first.itemsize or offset + len(vs) * step > base.nbytes:
        return None
    if views is not None:  # one dtype, shape and strides: proven in bulk
        if not views.one_base:
            return None
        addresses = views.addresses
    else:
        if not _all_is(map(operator.attrgetter("base"), vs), base) or (
            _distinct(vs, "strides") != 1
        ):
            return None
        addresses = np.fromiter(
            (v.__array_interface__["data"][0] for v in vs), dtype=np.uint64, count=len(vs)
        )
    expected = start + step * np.arange(len(vs), dtype=np.uint64)
    if not np.array_equal(addresses, expected):
        return None
    i0 = offset // first.itemsize
    return base.reshape(-1)[i0 : i0 + len(vs) * n].reshape(len(vs), n)


def example(x, y, n_in, n_out):
    """``(X (1, n_in), Y (1, n_out))`` for ``backprop(x, y)``: one example."""
    a = _asarray(x, "x")
    _check_kind(a, "x")
    if a.shape not in ((n_in, 1), (n_in,)):
        extra = " (backprop takes one example)" if a.ndim == 2 and a.shape[0] == n_in else ""
        raise ValueError(f"x must have shape ({n_in}, 1), got {a.shape}{extra}")
    X = _as_float(a.reshape(1, n_in))
    if first_bad_row(X) is not None:
        raise ValueError("x contains NaN or inf")
    return X, _target(y, n_out, "", "y").reshape(1, n_out)


# -- lists of pairs ----------------------------------------------------------


def _pairs(data, name, n_in):
    if isinstance(data, np.ndarray):
        raise TypeError(
            f"{name}: got a single array of shape {data.shape}; expected a "
            f"list of (x, y) pairs or a tuple (X, y) of arrays"
        )
    if isinstance(data, (str, bytes, dict)) or not hasattr(data, "__iter__"):
        raise TypeError(
            f"{name}: expected a list or iterator of (x, y) pairs, "
            f"or a tuple (X, y) of arrays, got {type(data).__name__}"
        )
    items = data if isinstance(data, list) else list(data)
    if not items:
        if isinstance(data, (list, tuple, range)):
            raise ValueError(f"{name} is empty")
        raise ValueError(
            f"{name} is empty (an iterator such as zip can be used only "
            f"once: was it used already? Keep its pairs with list(...))"
        )
    if set(map(type, items)) <= {tuple, list} and set(map(len, items)) == {2}:
        return items  # the usual case, checked in C (map) rather than item by item
    for i, p in enumerate(items):
        if isinstance(p, (tuple, list)) and len(p) == 2:
            continue
        hint = ""
        if (
            i == 0
            and len(items) == 2
            and isinstance(data, (tuple, list))
            and _shape(items[0]) in ((n_in, 1), (n_in,))
        ):
            hint = "; to pass one example, put it in a list: [(x, y)]"
        if (
            isinstance(data, tuple)
            and len(data) == 2
            and not hint  # meant as (X, y)
            and not isinstance(data[0], np.ndarray)
        ):
            raise TypeError(
                f"{name}: in a tuple (X, y), X must be a numpy array of shape "
                f"(n, {n_in}), got {_describe(data[0])} (convert it with "
                f"np.asarray); or give a list of (x, y) pairs"
            )
        if isinstance(p, (tuple, list)):
            raise ValueError(f"{name}[{i}]: expected an (x, y) pair, got {_describe(p)}{hint}")
        raise TypeError(f"{name}[{i}]: expected an (x, y) pair, got {_describe(p)}{hint}")
    return items


def _stack_inputs(items, n_in, name, compact=True):
    xs = list(map(operator.itemgetter(0), items))
    X = _stack_same(xs, n_in)
    if X is not None:
        if X.dtype != np.uint8:
            X = _as_float(X)
    else:
        cols = [_column(x, n_in, f"{name}[{i}]") for i, x in enumerate(xs)]
        dtype = np.float32 if all(c.dtype == np.float32 for c in cols) else np.float64
        X = np.empty((len(cols), n_in), dtype=dtype)
        for i, c in enumerate(cols):
            X[i] = c
    return _checked_rows(X, lambda i: f"{name}[{i}]: x", compact)


def _pair_targets(items, n_out, name):
    ys = list(map(operator.itemgetter(1), items))
    labels = _int_labels(ys)
    if labels is not None:
        _check_range(labels, n_out, lambda i: f"{name}[{i}]")
        Y = np.zeros((len(ys), n_out))
        Y[np.arange(len(ys)), labels] = 1.0
        return Y
    Y = _stack_same(ys, n_out)
    if Y is not None:
        Y = Y.astype(np.float64)
        bad = first_bad_row(Y)
        if bad is not None:
            raise ValueError(f"{name}[{bad}]: y contains NaN or inf")
        return Y
    Y = np.empty((len(ys), n_out))
    for i, y in enumerate(ys):
        Y[i] = _target(y, n_out, f"{name}[{i}]")
    return Y


def _one_hot_labels(Y):
    """argmax of each row, and the index of the first row that is not
    one-hot (or None)."""
    ones = (Y == 1).sum(axis=1)
    nonzero = (Y != 0).sum(axis=1)
    bad = np.flatnonzero((ones != 1) | (nonzero != 1))
    return np.argmax(Y, axis=1).astype(np.int64), (int(bad[0]) if bad.size else None)


def _pair_labels(items, n_out, name):
    ys = list(map(operator.itemgetter(1), items))
    labels = _int_labels(ys)
    if labels is None:
        Y = _stack_same(ys, n_out)
        if Y is not None and _one_hot_labels(Y)[1] is None:
            return _one_hot_labels(Y)[0]
        labels = np.fromiter(
            (_label(y, n_out, f"{name}[{i}]") for i, y in enumerate(ys)),
            dtype=np.int64,
            count=len(ys),
        )
    _check_range(labels, n_out, lambda i: f"{name}[{i}]")
    return labels.astype(np.int64)


# -- (X, y) arrays -----------------------------------------------------------


def _is_array_pair(data):
    return (
        isinstance(data, tuple)
        and len(data) == 2
        and isinstance(data[0], np.ndarray)
        and data[0].ndim in (2, 3)
        and isinstance(data[1], (np.ndarray, list, tuple))
    )


def _float_rows(X, n_in, name, compact=True, check=True):
    """(n, n_in) float32/float64 rows from an array of examples (checked
    for NaN and inf unless ``check`` is false)."""
    X = _asarray(X, f"{name}: X")
    _check_kind(X, f"{name}: X")
    if X.ndim == 3 and X.shape[2] == 1:
        X = X[:, :, 0]
    if X.ndim != 2 or X.shape[1] != n_in:
        hint = "; to pass one example, put it in a list: [(x, y)]" if X.shape == (n_in, 1) else ""
        raise ValueError(f"{name}: X must have shape (n, {n_in}), got {X.shape}{hint}")
    if X.dtype != np.uint8:
        X = _as_float(X)
    return _checked_rows(X, lambda i: f"{name}: X[{i}]", compact, check)


def _array_labels(y, n, n_out, name):
    """``y`` of an (X, y) pair: checked for length and kind; 1-D labels as
    int64 in range (integral floats accepted), other shapes returned as is."""
    y = _asarray(y, f"{name}: y")
    if y.ndim == 0:
        raise ValueError(f"{name}: y must be an array of n labels, got a single value")
    if len(y) != n:
        raise ValueError(f"{name}: {n} inputs but {len(y)} labels")
    if y.ndim == 1:
        if y.dtype.kind == "f" and np.isfinite(y).all() and np.all(y == np.round(y)):
            y = y.astype(np.int64)
        elif y.dtype.kind not in "iu":
            if y.dtype.kind == "f":
                raise ValueError(f"{name}: labels must be integers, got non-integral floats")
            raise TypeError(f"{name}: labels must be integers, got dtype {y.dtype}")
        _check_range(y, n_out, lambda i: f"{name}: y[{i}]")
        return y.astype(np.int64)
    _check_kind(y, f"{name}: y")
    if y.ndim == 3 and y.shape[2] == 1:
        y = y[:, :, 0]
    if y.ndim != 2 or y.shape[1] != n_out:
        raise ValueError(
            f"{name}: y must be labels of shape (n,) or have shape (n, {n_out}), got {y.shape}"
        )
    return y


def _array_pair(data, n_in, n_out, name, compact=True, check=True):
    """``(X, y)`` of an ``(X, y)`` pair of arrays, checked, X not empty."""
    X = _float_rows(data[0], n_in, name, compact, check)
    y = _array_labels(data[1], len(X), n_out, name)
    if len(X) == 0:
        raise ValueError(f"{name} is empty")
    return X, y


def training_arrays(data, n_in, n_out, name="training_data", dtype=np.float64):
    """``(X, Y, items)``: inputs (n, n_in), targets (n, n_out), and the
    caller's list if ``data`` was one (the course shuffles it in place).
    Labels given as an array become one-hot rows of ``dtype`` (the model's:
    no second copy to convert them); other targets are float64."""
    if _is_array_pair(data):
        X, y = _array_pair(data, n_in, n_out, name)
        if y.ndim == 1:
            Y = np.zeros((len(y), n_out), dtype)
            Y[np.arange(len(y)), y] = 1.0
        else:
            Y = y.astype(np.float64)
            bad = first_bad_row(Y)
            if bad is not None:
                raise ValueError(f"{name}: y[{bad}] contains NaN or inf")
        return X, Y, None
    items = _pairs(data, name, n_in)
    X = _stack_inputs(items, n_in, name)
    Y = _pair_targets(items, n_out, name)
    return X, Y, (data if isinstance(data, list) else None)


def labelled_arrays(data, n_in, n_out, name="test_data", check_inputs=True):
    """``(X, labels)`` for evaluation; labels as ints (one-hot accepted).

    With ``check_inputs=False``, inputs given as an array are not checked
    for NaN and inf here: the caller scores them at once and checks as it
    goes (``Engine.count_correct``'s ``name``), sparing a pass over
    memory. Everything else (shapes, kinds, labels) is checked."""
    if _is_array_pair(data):
        X, y = _array_pair(data, n_in, n_out, name, compact=False, check=check_inputs)
        if y.ndim == 1:
            return X, y
        labels, bad = _one_hot_labels(y)
        if bad is not None:
            raise ValueError(
                f"{name}: y[{bad}] is not one-hot (one 1, the rest 0); "
                f"labels must be ints or one-hot rows"
            )
        return X, labels
    items = _pairs(data, name, n_in)
    return _stack_inputs(items, n_in, name, compact=False), _pair_labels(items, n_out, name)


def input_columns(x, n_in, name="x"):
    """Rows (m, n_in) from a column (n_in, 1), columns (n_in, m) or 1-D (n_in,)."""
    a = _asarray(x, name)
    _check_kind(a, name)
    if a.ndim == 1 and a.shape[0] == n_in:
        a = a.reshape(n_in, 1)
    if a.ndim != 2 or a.shape[0] != n_in:
        raise ValueError(f"{name} must have shape ({n_in}, 1) or ({n_in}, m), got {a.shape}")
    rows = _as_float(a.T)
    bad = first_bad_row(rows)
    if bad is not None:
        where = "" if rows.shape[0] == 1 else f" (column {bad})"
        raise ValueError(f"{name} contains NaN or inf{where}")
    return rows
