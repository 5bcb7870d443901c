"""The LLVM vector tiles (fastnet._tiles) against scalar oracles.

Each tile must give exactly the bits of the plain loop it replaces: every
sum in order, each multiply-add rounded as ``fastnet._target.multiply_add``
rounds it (once, where the CPU has FMA). The oracles are written with it
one element at a time; numpy checks the oracles themselves to rounding.
"""

import numpy as np
import pytest
from numba import njit

from fastnet import _jit, _tiles
from fastnet._target import multiply_add as fma

COLS = _tiles.COLS
JIT = dict(_jit.FLAGS, cache=False)


@njit(**JIT)
def _tiled_forward(A, W, Z, n):
    tile = _tiles.fwd_rows(W)
    m = A.shape[0]
    full = m - m % tile
    cols = W.shape[1]
    for jb in range(0, cols, _tiles.col_span(W)):
        for e in range(0, full, tile):
            _tiles.fwd_block(A, W, Z, Z, e, jb, n, cols)
        for e in range(full, m):
            _tiles.fwd_row(A, W, Z, Z, e, jb, n, cols)


@njit(**JIT)
def _tiled_step(A, D, W, V, m, c, decay, mu, momentum):
    tile = _tiles.grad_rows(W)
    n = A.shape[1]
    full = n - n % tile
    cols = W.shape[1]
    for jb in range(0, cols, _tiles.col_span(W)):
        for i0 in range(0, full, tile):
            if momentum:
                _tiles.grad_block_m(A, D, W, V, i0, jb, m, c, decay, mu, cols)
            else:
                _tiles.grad_block(A, D, W, V, i0, jb, m, c, decay, mu, cols)
        for i0 in range(full, n):
            if momentum:
                _tiles.grad_row_m(A, D, W, V, i0, jb, m, c, decay, mu, cols)
            else:
                _tiles.grad_row(A, D, W, V, i0, jb, m, c, decay, mu, cols)


@njit(**JIT)
def _scalar_forward(A, W, Z, n):
    for e in range(A.shape[0]):
        for j in range(W.shape[1]):
            s = Z.dtype.type(0.0)
            for i in range(n):
                s = fma(A[e, i], W[i, j], s)
            Z[e, j] = s


@njit(**JIT)
def _scalar_step(A, D, W, V, m, c, decay, mu, momentum):
    for i in range(A.shape[1]):
        for j in range(W.shape[1]):
            g = W.dtype.type(0.0)
            for e in range(m):
                g = fma(A[e, i], D[e, j], g)
            if momentum:
                v = fma(-c, g, mu * V[i, j])
                V[i, j] = v
                W[i, j] = fma(decay, W[i, j], v)
            else:
                W[i, j] = fma(-c, g, decay * W[i, j])


SHAPES = [(10, 784, 32), (1, 5, 16), (7, 33, 16), (23, 101, 48), (100, 30, 112)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("m,n,cols", SHAPES)
def test_forward_tiles_equal_the_scalar_loop(dtype, m, n, cols):
    rng = np.random.default_rng(m * n)
    A = rng.standard_normal((m, n)).astype(dtype)
    W = rng.standard_normal((n, cols)).astype(dtype)
    Z, expected = np.full((m, cols), np.nan, dtype), np.zeros((m, cols), dtype)
    _tiled_forward(A, W, Z, n)
    _scalar_forward(A, W, expected, n)
    np.testing.assert_array_equal(Z, expected)
    tol = 1e-12 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(Z, A.astype(np.float64) @ W, rtol=tol, atol=tol * n)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("m,n,cols", SHAPES)
@pytest.mark.parametrize("momentum", [False, True])
@pytest.mark.parametrize("decay", [1.0, 0.999, None])
def test_gradient_tiles_equal_the_scalar_loop(dtype, m, n, cols, momentum, decay):
    """decay None (no L2: the tiles compiled without its multiply) is decay 1."""
    rng = np.random.default_rng(m + n + cols)
    A = rng.standard_normal((m, n)).astype(dtype)
    D = rng.standard_normal((m, cols)).astype(dtype)
    W = rng.standard_normal((n, cols)).astype(dtype)
    V = rng.standard_normal((n, cols)).astype(dtype)
    c, dec, mu = dtype(0.03), dtype(1.0 if decay is None else decay), dtype(0.9)
    W1, V1, W2, V2 = W.copy(), V.copy(), W.copy(), V.copy()
    _tiled_step(A, D, W1, V1, m, c, None if decay is None else dec, mu, momentum)
    _scalar_step(A, D, W2, V2, m, c, dec, mu, momentum)
    np.testing.assert_array_equal(W1, W2)
    np.testing.assert_array_equal(V1, V2)
    if not momentum:  # the oracle itself, to rounding
        tol = 1e-12 if dtype == np.float64 else 1e-4
        want = float(dec) * W.astype(np.float64) - 0.03 * (A.T.astype(np.float64) @ D)
        np.testing.assert_allclose(W1, want, rtol=tol, atol=tol * m)


def test_tile_shapes_fit_the_registers():
    """At least 8 accumulators where the registers allow it (two FMA ports
    x four cycles of latency), never more vector registers than exist,
    counted for each dtype's widest tile."""
    for rows, size, span in (
        (_tiles.FWD_ROWS_64, 8, _tiles.SPAN_64),
        (_tiles.FWD_ROWS_32, 4, _tiles.SPAN_32),
        (_tiles.GRAD_ROWS_64, 8, _tiles.SPAN_64),
        (_tiles.GRAD_ROWS_32, 4, _tiles.SPAN_32),
    ):
        per_row = max(1, span * size * 8 // _tiles.VECTOR_BITS)
        assert rows * per_row <= _tiles.REGISTERS - 4
        assert rows >= 1
    assert _tiles.FWD_ROWS_64 * max(1, COLS * 64 // _tiles.VECTOR_BITS) >= 8


def test_wide_tiles_where_32_registers_hold_them():
    """A tile spans 2 * COLS columns where the CPU has 32 vector registers
    and such a row takes at most four (AVX-512, both dtypes), else COLS
    (AVX2, SSE, NEON); never wider than the block."""
    for size, span in ((8, _tiles.SPAN_64), (4, _tiles.SPAN_32)):
        registers = max(1, 2 * COLS * size * 8 // _tiles.VECTOR_BITS)
        wide = _tiles.REGISTERS >= 32 and registers <= 4
        assert span == (2 * COLS if wide else COLS)
    if _tiles.VECTOR_BITS == 512:
        assert _tiles.SPAN_64 == _tiles.SPAN_32 == 2 * COLS


@njit(**JIT)
def _span(W):
    return _tiles.col_span(W)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_col_span_is_the_dtypes_span(dtype):
    span = _tiles.SPAN_64 if dtype == np.float64 else _tiles.SPAN_32
    assert _span(np.zeros((1, 16), dtype)) == span


@njit(**JIT)
def _transpose_at(W, WT, i0, j0):
    _tiles.transpose_block(W, WT, i0, j0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_transpose_block_moves_one_block_and_nothing_else(dtype):
    n = _tiles.TRANSPOSE
    W = np.random.default_rng(5).standard_normal((3 * n, 4 * n)).astype(dtype)
    WT = np.full((4 * n, 3 * n), np.nan, dtype)
    expected = WT.copy()
    for i0, j0 in [(n, 2 * n), (0, 0), (2 * n, 3 * n)]:
        _transpose_at(W, WT, i0, j0)
        expected[j0 : j0 + n, i0 : i0 + n] = W[i0 : i0 + n, j0 : j0 + n].T
        np.testing.assert_array_equal(WT, expected)  # NaN where nothing was written yet


@njit(**JIT)
def _bias_step(D, b, m, c, cols):
    _tiles.bias_step(D, b, m, c, cols)


@njit(**JIT)
def _scalar_bias_step(D, b, m, c, cols):
    for j in range(cols):
        g = b.dtype.type(0.0)
        for e in range(m):
            g += D[e, j]
        b[j] = fma(-c, g, b[j])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("m", [0, 1, 3, 10, 100])
@pytest.mark.parametrize("cols", [COLS, 2 * COLS, 7 * COLS])
@pytest.mark.parametrize("c", [0.3, -2.0, -0.0, np.inf])
def test_bias_step_equals_the_scalar_loop(dtype, m, cols, c):
    """Sums in order of the examples from +0 (so -0 errors give +0 sums,
    as the scalar loop's), one fma per bias; NaN, inf and subnormal errors
    and signed zeros among the inputs; columns past ``cols`` untouched."""
    rng = np.random.default_rng(m * 31 + cols)
    D = rng.normal(size=(max(m, 1), cols + COLS)).astype(dtype)
    D[:, ::5] = -0.0
    if m:
        D[0, 1] = np.nan
        D[m - 1, 2] = np.inf
        D[0, 3] = np.finfo(dtype).smallest_subnormal
    b = rng.normal(size=cols + COLS).astype(dtype)
    b[4] = b[5] = -0.0  # column 5: every error -0 (a sum from -0 would give +0 here)
    got, want = b.copy(), b.copy()
    _bias_step(D, got, m, dtype(c), cols)
    _scalar_bias_step(D, want, m, dtype(c), cols)
    bits = np.uint64 if dtype == np.float64 else np.uint32
    assert np.array_equal(got.view(bits), want.view(bits))
    assert np.array_equal(got[cols:].view(bits), b[cols:].view(bits))
    if m and c == 0.3:
        assert not np.array_equal(got[:cols], b[:cols])  # a step was taken
