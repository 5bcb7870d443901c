"""The kernels' padded layout (``kernels.layout_arrays``), packing and
scratch arrays, made by numpy for every entry point, against the layout's
definition written out element by element."""

import numpy as np
import pytest
from numba import njit

from fastnet import _jit, _passes, kernels
from fastnet._engine import Layout
from fastnet._tiles import COLS
from fastnet.parallel import ParallelTrainer

SHAPES = [[784, 30, 10], [2, 1], [5, 17, 33, 1], [3, 16, 16, 16]]


def definition(sizes):
    """Widths and offsets as the kernels' docstring defines them."""
    width = [sizes[0]] + [-(-n // COLS) * COLS for n in sizes[1:]]
    pw_off, pb_off, pos = [], [], 0
    for l in range(len(sizes) - 1):
        pw_off.append(pos)
        pos += sizes[l] * width[l + 1]
        pb_off.append(pos)
        pos += width[l + 1]
    return width, pw_off, pb_off, pos


@pytest.mark.parametrize("sizes", SHAPES)
def test_layout_follows_its_definition(sizes):
    got = kernels.layout_arrays(sizes)
    want = definition(sizes)
    for a, b in zip(got[:3], want[:3]):
        assert a.dtype == np.int64 and a.tolist() == b
    assert got[3] == want[3]
    assert all(w % COLS == 0 and w >= n for w, n in zip(got[0][1:], sizes[1:]))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sizes", SHAPES)
def test_pack_puts_each_value_in_place_and_pads_with_zeros(sizes, dtype):
    layout = Layout(sizes)
    params = np.random.default_rng(0).standard_normal(layout.size).astype(dtype)
    padded = kernels.pack_padded(params, *layout.args())
    width, pw_off, pb_off, size = definition(sizes)
    assert padded.dtype == dtype and padded.shape == (size,)
    expected = np.zeros(size, dtype=dtype)
    for l in range(len(sizes) - 1):
        n_in, n_out, wd = sizes[l], sizes[l + 1], width[l + 1]
        for i in range(n_in):
            for j in range(n_out):
                expected[pw_off[l] + i * wd + j] = params[layout.w_off[l] + i * n_out + j]
        for j in range(n_out):
            expected[pb_off[l] + j] = params[layout.b_off[l] + j]
    assert np.array_equal(padded, expected)
    back = np.full_like(params, np.nan)
    kernels.unpack_padded(padded, *layout.args(), back)
    assert np.array_equal(back, params)


@pytest.mark.parametrize("sizes", SHAPES)
def test_workspace_holds_every_layer_block(sizes):
    width = definition(sizes)[0]
    acts, deltas, targets = kernels.new_workspace(np.zeros(1, np.float32), np.array(sizes), 7)
    assert acts.dtype == deltas.dtype == targets.dtype == np.float32
    assert acts.size == 7 * sum(width)
    hidden = [width[l] * width[l + 1] for l in range(1, len(sizes) - 1)]
    # then room for layer 0's active columns, then the transposed weights
    assert deltas.size == 7 * sum(width) + width[0] + sum(hidden)
    assert targets.shape == (7, sizes[-1])
    assert not (acts.any() or deltas.any() or targets.any())


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [0, 1, 7, (3, 5), 1000])
def test_zeros_aligned_is_zeros_on_a_cache_line(shape, dtype):
    for _ in range(8):  # numpy's own allocations land on varied offsets
        a = kernels.zeros_aligned(shape, dtype)
        assert a.size == 0 or a.ctypes.data % kernels.ALIGN == 0  # empty: no data to align
        assert a.shape == np.zeros(shape).shape and a.dtype == dtype
        assert a.flags.c_contiguous and a.flags.writeable and a.flags.aligned
        assert not a.any()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sizes", SHAPES)
def test_kernel_arrays_and_every_tile_row_are_aligned(sizes, dtype):
    layout = Layout(sizes)
    params = np.arange(layout.size, dtype=dtype)
    padded, width, pw_off, pb_off = kernels._packed(params, *layout.args())
    row = COLS * np.dtype(dtype).itemsize  # a tile row's bytes: a multiple of ALIGN
    assert row % kernels.ALIGN == 0
    assert padded.ctypes.data % kernels.ALIGN == 0
    starts = [*pw_off, *pb_off]
    assert all(int(s) * padded.itemsize % kernels.ALIGN == 0 for s in starts)
    for array in kernels.workspace_arrays(dtype, layout.sizes, width, 10):
        assert array.ctypes.data % kernels.ALIGN == 0
    trainer = ParallelTrainer(layout, dtype, 10, workers=3)
    try:
        assert all(r.ctypes.data % kernels.ALIGN == 0 for r in trainer.replicas)
    finally:
        trainer.close()


@njit(**dict(_jit.FLAGS, cache=False))
def _transpose_layer(W, deltas, sizes, width, l):
    return _passes._transposed(W, deltas, sizes, width, l).copy()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sizes", [[784, 30, 10], [5, 17, 33, 9, 1], [3, 100, 100, 10]])
def test_each_hidden_layer_is_transposed_into_a_region_of_its_own(sizes, dtype):
    """``_passes._transposed``: W (n_in, wd) as (wd, wd_in) rows in the
    errors' tail, 8 x 8 blocks then the rows left over; each hidden layer
    in its own region, whose padding columns stay zero without being
    written (another layer's transposition must not reach them)."""
    sizes = np.array(sizes)
    width, pw_off, _, _ = kernels.layout_arrays(sizes)
    layout = Layout(sizes)
    params = np.random.default_rng(1).standard_normal(layout.size).astype(dtype)
    padded = kernels.pack_padded(params, *layout.args())
    deltas = kernels.workspace_arrays(dtype, sizes, width, 3)[1]
    got = {}
    for _ in range(2):  # every layer twice, in the backward pass's order
        for l in range(len(sizes) - 2, 0, -1):
            n_in, wd = sizes[l], width[l + 1]
            W = padded[pw_off[l] : pw_off[l] + n_in * wd].reshape(n_in, wd)
            got[l] = W, _transpose_layer(W, deltas, sizes, width, l)
    for l, (W, WT) in got.items():
        n_in, n_out, wd, wd_in = sizes[l], sizes[l + 1], width[l + 1], width[l]
        assert WT.shape == (wd, wd_in)
        np.testing.assert_array_equal(WT[:n_out, :n_in], W[:, :n_out].T)
        assert not WT[:n_out, n_in:].any()
