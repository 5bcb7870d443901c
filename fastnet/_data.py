"""Turning the course's data (lists or zips of column pairs) or plain
arrays into the contiguous arrays the kernels read, with clear errors."""
import numbers

import numpy as np


def _is_array_pair(data):
    return (isinstance(data, tuple) and len(data) == 2
            and isinstance(data[0], np.ndarray) and data[0].ndim in (2, 3)
            and isinstance(data[1], np.ndarray))


def _float_rows(X, n_in, name):
    """(n, n_in) float32/float64 rows from an array of examples."""
    X = np.asarray(X)
    if X.ndim == 3 and X.shape[2] == 1:
        X = X[:, :, 0]
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(f"{name}: expected inputs of shape (n, {n_in}), got {X.shape}")
    if X.dtype.kind not in "fiub":
        raise TypeError(f"{name}: expected numeric inputs, got dtype {X.dtype}")
    if X.dtype != np.float32:
        X = X.astype(np.float64, copy=False)
    _check_finite(X, name)
    return X


def _check_finite(X, name):
    if X.dtype.kind == "f" and not np.isfinite(X).all():
        bad = int(np.argwhere(~np.isfinite(X).all(axis=tuple(range(1, X.ndim))))[0, 0])
        raise ValueError(f"{name}: example {bad} contains NaN or inf")


def _column(x, n, name, i, what):
    a = np.asarray(x)
    if a.dtype.kind not in "fiub":
        raise TypeError(f"{name}[{i}]: {what} must be numeric, got dtype {a.dtype}")
    if a.shape not in ((n, 1), (n,)):
        raise ValueError(f"{name}[{i}]: {what} must have shape ({n}, 1), got {a.shape}")
    return a.reshape(n)


def _pairs(data, name):
    if isinstance(data, (str, bytes)) or not hasattr(data, "__iter__"):
        raise TypeError(f"{name}: expected a list or iterator of (x, y) pairs, "
                        f"or a tuple (X, y) of arrays, got {type(data).__name__}")
    items = data if isinstance(data, list) else list(data)
    if not items:
        raise ValueError(f"{name} is empty (an iterator such as zip can be used only once)")
    for i, p in enumerate(items):
        if not (isinstance(p, (tuple, list)) and len(p) == 2):
            raise ValueError(f"{name}[{i}]: expected an (x, y) pair, got {type(p).__name__}")
    return items


def _stack_inputs(items, n_in, name):
    xs = [_column(p[0], n_in, name, i, "x") for i, p in enumerate(items)]
    dtype = np.float32 if all(x.dtype == np.float32 for x in xs) else np.float64
    X = np.empty((len(xs), n_in), dtype=dtype)
    for i, x in enumerate(xs):
        X[i] = x
    _check_finite(X, name)
    return X


def _label(y, n_out, name, i):
    """An int label from an int or a one-hot column."""
    if isinstance(y, (numbers.Integral, np.integer)) and not isinstance(y, bool):
        lab = int(y)
    else:
        a = np.asarray(y)
        if a.ndim == 0 and a.dtype.kind in "iu":
            lab = int(a)
        elif a.shape in ((n_out, 1), (n_out,)) and a.dtype.kind in "fiub":
            col = a.reshape(n_out)
            lab = int(np.argmax(col))
            if not (np.count_nonzero(col) == 1 and col[lab] == 1):
                raise ValueError(f"{name}[{i}]: label must be an int or a one-hot "
                                 f"column of shape ({n_out}, 1)")
        else:
            raise ValueError(f"{name}[{i}]: label must be an int in 0..{n_out - 1} or a "
                             f"one-hot column of shape ({n_out}, 1), got {_describe(y)}")
    if not 0 <= lab < n_out:
        raise ValueError(f"{name}[{i}]: label {lab} out of range 0..{n_out - 1}")
    return lab


def _describe(y):
    a = np.asarray(y)
    return f"{type(y).__name__} of shape {a.shape}" if a.ndim else repr(y)


def _target(y, n_out, name, i):
    """A target row: one-hot from an int, or the given column (any values)."""
    a = np.asarray(y)
    if a.ndim == 0:
        row = np.zeros(n_out)
        row[_label(y, n_out, name, i)] = 1.0
        return row
    if a.dtype.kind not in "fiub":
        raise TypeError(f"{name}[{i}]: y must be numeric, got dtype {a.dtype}")
    if a.shape not in ((n_out, 1), (n_out,)):
        raise ValueError(f"{name}[{i}]: y must be an int label or have shape "
                         f"({n_out}, 1), got {a.shape}")
    row = a.reshape(n_out).astype(np.float64)
    if not np.isfinite(row).all():
        raise ValueError(f"{name}[{i}]: y contains NaN or inf")
    return row


def training_arrays(data, n_in, n_out, name="training_data"):
    """``(X, Y, items)``: inputs (n, n_in), targets (n, n_out), and the
    caller's list if ``data`` was one (the course shuffles it in place)."""
    if _is_array_pair(data):
        X = _float_rows(data[0], n_in, name)
        y = np.asarray(data[1])
        if len(y) != len(X):
            raise ValueError(f"{name}: {len(X)} inputs but {len(y)} labels")
        if len(X) == 0:
            raise ValueError(f"{name} is empty")
        if y.ndim == 1:
            Y = np.zeros((len(y), n_out))
            labels = _labels_array(y, n_out, name)
            Y[np.arange(len(y)), labels] = 1.0
        else:
            if y.ndim == 3 and y.shape[2] == 1:
                y = y[:, :, 0]
            if y.ndim != 2 or y.shape[1] != n_out or y.dtype.kind not in "fiub":
                raise ValueError(f"{name}: expected labels of shape (n,) or targets of "
                                 f"shape (n, {n_out}), got {y.shape}")
            Y = y.astype(np.float64)
            _check_finite(Y, name + " targets")
        return X, Y, None
    items = _pairs(data, name)
    X = _stack_inputs(items, n_in, name)
    Y = np.empty((len(items), n_out))
    for i, p in enumerate(items):
        Y[i] = _target(p[1], n_out, name, i)
    return X, Y, (data if isinstance(data, list) else None)


def _labels_array(y, n_out, name):
    if y.dtype.kind not in "iu":
        if y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
            y = y.astype(np.int64)
        else:
            raise TypeError(f"{name}: labels must be integers, got dtype {y.dtype}")
    bad = np.flatnonzero((y < 0) | (y >= n_out))
    if bad.size:
        raise ValueError(f"{name}: label {y[bad[0]]} at index {bad[0]} out of "
                         f"range 0..{n_out - 1}")
    return y.astype(np.int64)


def test_arrays(data, n_in, n_out, name="test_data"):
    """``(X, labels)`` for evaluation; labels as ints (one-hot accepted)."""
    if _is_array_pair(data):
        X = _float_rows(data[0], n_in, name)
        y = np.asarray(data[1])
        if len(y) != len(X):
            raise ValueError(f"{name}: {len(X)} inputs but {len(y)} labels")
        if y.ndim >= 2:
            y = y.reshape(len(y), -1)
            if y.shape[1] != n_out:
                raise ValueError(f"{name}: expected labels of shape (n,) or one-hot "
                                 f"(n, {n_out}), got {np.asarray(data[1]).shape}")
            y = np.argmax(y, axis=1)
        return X, _labels_array(y, n_out, name)
    items = _pairs(data, name)
    X = _stack_inputs(items, n_in, name)
    labels = np.fromiter((_label(p[1], n_out, name, i) for i, p in enumerate(items)),
                         dtype=np.int64, count=len(items))
    return X, labels


def input_columns(x, n_in, name="x"):
    """Rows (m, n_in) from a column (n_in, 1), columns (n_in, m) or 1-D (n_in,)."""
    a = np.asarray(x)
    if a.dtype.kind not in "fiub":
        raise TypeError(f"{name}: expected numbers, got dtype {a.dtype}")
    if a.ndim == 1 and a.shape[0] == n_in:
        a = a.reshape(n_in, 1)
    if a.ndim != 2 or a.shape[0] != n_in:
        raise ValueError(f"{name}: expected shape ({n_in}, 1) or ({n_in}, m), got {a.shape}")
    rows = a.T
    if rows.dtype != np.float32:
        rows = rows.astype(np.float64, copy=False)
    if not np.isfinite(rows).all():
        raise ValueError(f"{name}: contains NaN or inf")
    return rows
