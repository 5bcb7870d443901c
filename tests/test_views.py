"""The kernels' in-place views (``fastnet._jit.rows_view``, ``flat_rows``):
the same elements as numpy's slice-and-reshape, and views, not copies
(a write through them lands in the buffer)."""

import numpy as np
import pytest
from numba import njit

from fastnet._jit import flat_rows, rows_view


@njit(cache=False)
def _rows(buf, start, rows, cols):
    view = rows_view(buf, start, rows, cols)
    view[rows - 1, cols - 1] = -1.0  # through the view, into buf
    return view.copy(), view.shape[0], view.shape[1], view.strides[0]


@njit(cache=False)
def _flat(block, rows):
    flat = flat_rows(block, rows)
    flat[flat.size - 1] = -2.0
    return flat.copy()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("start, rows, cols", [(0, 1, 1), (0, 10, 32), (7, 3, 16), (5, 4, 1)])
def test_rows_view_is_numpys_slice_reshaped(dtype, start, rows, cols):
    buf = np.arange(400, dtype=dtype)
    want = buf[start : start + rows * cols].reshape(rows, cols).copy()
    got, r, c, stride = _rows(buf, start, rows, cols)
    want[-1, -1] = -1.0
    np.testing.assert_array_equal(got, want)
    assert (r, c, stride) == (rows, cols, cols * buf.itemsize)
    assert buf[start + rows * cols - 1] == -1.0  # a view, not a copy
    assert buf[start + rows * cols] == start + rows * cols  # nothing past it written


@pytest.mark.parametrize("rows", [1, 3, 5])
def test_flat_rows_is_the_first_rows_flattened(rows):
    block = np.arange(5 * 16, dtype=np.float64).reshape(5, 16)
    want = block[:rows].reshape(-1).copy()
    want[-1] = -2.0
    np.testing.assert_array_equal(_flat(block, rows), want)
    assert block[rows - 1, 15] == -2.0
    if rows < 5:
        assert block[rows, 0] == rows * 16


def test_views_hold_and_release_their_buffer():
    """Each view takes a reference on its buffer's memory and gives it back:
    Numba's runtime counts as many releases as acquisitions."""
    from numba.core.runtime import _nrt_python, rtsys

    _nrt_python.memsys_enable_stats()
    buf = np.arange(400, dtype=np.float64)
    block = np.zeros((5, 16))
    _rows(buf, 3, 4, 8), _flat(block, 2)  # compiled
    before = rtsys.get_allocation_stats()
    for _ in range(100):
        _rows(buf, 3, 4, 8)
        _flat(block, 2)
    after = rtsys.get_allocation_stats()
    _nrt_python.memsys_disable_stats()
    assert after.alloc - before.alloc == after.free - before.free
    assert after.mi_alloc - before.mi_alloc == after.mi_free - before.mi_free
