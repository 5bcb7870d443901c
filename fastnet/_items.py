"""Checking one input or one label of the course's data: its kind, shape
and range, with the messages :mod:`fastnet._data` gives (the argument and the
index of a bad pair, ``TypeError`` for the wrong kind of object,
``ValueError`` for a wrong value)."""

import numbers

import numpy as np

from ._knobs import PIXEL_LEVELS
from ._validation import VALUE_CUT

_NUMERIC = "fiub"


def _where(where, text):
    return f"{where}: {text}" if where else text


def _describe(v):
    if isinstance(v, np.ndarray):
        return f"an array of shape {v.shape}"
    if isinstance(v, (tuple, list)):
        return f"a {type(v).__name__} of length {len(v)}"
    text = repr(v)
    return text if len(text) <= VALUE_CUT else type(v).__name__


def _shape(v):
    try:
        return np.shape(v)
    except (ValueError, TypeError):
        return None


def _asarray(v, what):
    """``np.asarray`` that names ``what`` when numpy cannot make a plain
    array of ``v`` (ragged nested lists...)."""
    try:
        a = np.asarray(v)
    except (ValueError, TypeError, OverflowError):
        raise ValueError(
            f"{what}: not a rectangular array of numbers (nested lists of different lengths?)"
        ) from None
    if type(a) is not np.ndarray:  # np.matrix stays 2-D when reshaped
        a = a.view(np.ndarray)
    return a


def _check_kind(a, what, kinds=_NUMERIC):
    if a.dtype.kind not in kinds:
        raise TypeError(f"{what} must be numbers, got dtype {a.dtype}")


def _as_float(a):
    """Numeric inputs as float32 or float64; uint8 (pixel bytes) become
    ``value / 256`` in float32, exactly as :mod:`fastnet.mnist` scales."""
    if a.dtype == np.uint8:
        return np.multiply(a, np.float32(1 / PIXEL_LEVELS), dtype=np.float32)
    if a.dtype == np.float32 or a.dtype == np.float64:
        return a
    return a.astype(np.float64)


# Inputs at least this large are checked in compiled code, and kept as
# uint8 pixel codes when exact: 4x less memory to stream every epoch.
def _int_labels(ys):
    """``ys`` as an int array when all are ints (Python or numpy, not
    bools), else None."""
    types = set(map(type, ys))
    if not all(
        issubclass(t, (int, np.integer)) and not issubclass(t, (bool, np.bool_)) for t in types
    ):
        return None
    try:
        a = np.array(ys)
    except (ValueError, TypeError, OverflowError):
        return None
    if a.ndim != 1 or a.dtype.kind not in "iu":
        return None
    return a


def _check_range(labels, n_out, where_of):
    bad = np.flatnonzero((labels < 0) | (labels >= n_out))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{where_of(i)}: label {labels[i]} out of range 0..{n_out - 1}")


# -- one example -------------------------------------------------------------


def _column(x, n, where, what="x"):
    """A 1-D float array from a column (n, 1) or a 1-D (n,)."""
    a = _asarray(x, _where(where, what))
    _check_kind(a, _where(where, what))
    if a.shape not in ((n, 1), (n,)):
        raise ValueError(_where(where, f"{what} must have shape ({n}, 1), got {a.shape}"))
    return _as_float(a.reshape(n))


def _label(y, n_out, where):
    """An int label from an int (or an integral float) or a one-hot column."""
    wanted = f"an int in 0..{n_out - 1} or a one-hot column of shape ({n_out}, 1)"
    if isinstance(y, (bool, np.bool_)):
        raise TypeError(_where(where, f"label must be {wanted}, got {y!r}"))
    if isinstance(y, numbers.Integral):
        lab = int(y)
    elif isinstance(y, numbers.Real):
        if not (np.isfinite(y) and float(y).is_integer()):
            raise ValueError(_where(where, f"label must be {wanted}, got {y!r}"))
        lab = int(y)
    else:
        if y is None or isinstance(y, (str, bytes)):
            raise TypeError(_where(where, f"label must be {wanted}, got {y!r}"))
        a = _asarray(y, _where(where, "label"))
        if a.ndim == 0:
            _check_kind(a, _where(where, "label"), "fiu")
            return _label(a.item(), n_out, where)
        _check_kind(a, _where(where, "label"))
        if a.shape not in ((n_out, 1), (n_out,)):
            raise ValueError(_where(where, f"label must be {wanted}, got {_describe(a)}"))
        col = a.reshape(n_out)
        lab = int(np.argmax(col))
        if not (np.count_nonzero(col) == 1 and col[lab] == 1):
            raise ValueError(
                _where(
                    where, f"label must be {wanted}; this column is not one-hot (one 1, the rest 0)"
                )
            )
    if not 0 <= lab < n_out:
        raise ValueError(_where(where, f"label {lab} out of range 0..{n_out - 1}"))
    return lab


def _target(y, n_out, where, what="y"):
    """A target row: one-hot from an int label, or the given column (any
    finite values, as in the course)."""
    subject = _where(where, what)
    a = _asarray(y, subject) if isinstance(y, (np.ndarray, list, tuple)) else None
    if a is None or a.ndim == 0:
        row = np.zeros(n_out)
        row[_label(y if a is None else a, n_out, where or what)] = 1.0
        return row
    _check_kind(a, subject)
    if a.shape not in ((n_out, 1), (n_out,)):
        raise ValueError(
            f"{subject} must be an int label or have shape ({n_out}, 1), got {a.shape}"
        )
    row = a.reshape(n_out).astype(np.float64)
    if not np.isfinite(row).all():
        raise ValueError(f"{subject} contains NaN or inf")
    return row
