"""Layer 0's inputs that are 0 in a whole mini-batch, left out of its
products and its step (``fastnet._sparse._zero_inputs``).

The skip must be exact: every epoch here runs twice, once through the
course's kernel (decay None: inputs left out where that is exact) and
once through the general one with decay 1.0 (every product computed,
every row stepped), and the weights must agree bit for bit, NaN payloads
included.
"""

import numpy as np
import pytest
from numba import njit
from test_tiles import _tiled_forward, _tiled_step  # the plain tiles' loops

from fastnet import _jit, _passes, _sparse, _tiles, kernels
from fastnet._engine import Layout
from fastnet._sparse import DENSE_PAUSE, SPARSE_SHARE, _zero_inputs

JIT = dict(_jit.FLAGS, cache=False)


@njit(**JIT)
def _bits(A, S, m, cols):
    _sparse.column_bits(A, S, m, cols)


@njit(**JIT)
def _largest(M, rows, cols):
    return _sparse.largest_magnitude(M, rows, cols)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_largest_magnitude_is_numpy_s(dtype):
    rng = np.random.default_rng(10)
    M = rng.normal(size=(9, 48)).astype(dtype)
    M[8] = 1e30  # past rows: not read
    M[3, 17] = -7.5
    assert _largest(M, 8, 48) == np.abs(M[:8]).max() == 7.5
    assert _largest(M, 8, 32) == np.abs(M[:8, :32]).max()
    M[5, 40] = -np.inf
    assert _largest(M, 8, 48) == np.inf
    M[0, 1] = np.nan
    assert np.isnan(_largest(M, 8, 48))
    assert _largest(np.zeros((3, 16), dtype), 3, 16) == 0


@njit(**JIT)
def _zeros(A, S, index, m, n_in):
    return _zero_inputs(A, S, index, m, n_in)


@njit(**JIT)
def _products_at(A, W, Z, K, n):
    _passes._products_at(A, W, Z, A.shape[0], K, n, W.shape[1])  # fwd_block_at, fwd_row_at


@njit(**JIT)
def _steps_at(A, D, W, index, count, m, c):
    tile = _tiles.grad_rows(W)
    whole = count - count % tile
    cols = W.shape[1]
    for jb in range(0, cols, _tiles.col_span(W)):
        for t in range(0, whole, tile):
            _tiles.grad_block_at(A, D, W, index, t, jb, m, c, None, 0.0, cols)
        for t in range(whole, count):
            _tiles.grad_row(A, D, W, W, index[t], jb, m, c, None, 0.0, cols)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_column_bits_are_0_exactly_where_a_column_is(dtype):
    rng = np.random.default_rng(0)
    A = rng.normal(size=(7, 48)).astype(dtype)
    A[:, 3] = 0.0
    A[:, 5] = -0.0
    A[:, 6] = np.where(np.arange(7) % 2, 0.0, -0.0)
    A[:, 8] = 0.0
    A[6, 8] = 1.0  # past m: not read
    A[:, 9] = 0.0
    A[2, 9] = np.nan
    A[:, 10] = 0.0
    A[4, 10] = -np.inf
    A[:, 11] = 0.0
    A[5, 11] = -np.finfo(dtype).smallest_subnormal
    S = np.full(48, 5.0, dtype)
    _bits(A, S, 6, 32)
    zero = ~(A[:6, :32] != 0).any(axis=0) & ~np.isnan(A[:6, :32]).any(axis=0)
    assert zero.tolist() == (S[:32] == 0).tolist()
    assert sorted(np.flatnonzero(zero)) == [3, 5, 6, 8]
    assert not np.signbit(S[[3, 5, 6, 8]]).any()  # +0, not -0
    assert (S[32:] == 5.0).all()  # past cols: untouched


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_grad_block_at_steps_the_listed_rows_as_grad_block_does(dtype):
    rng = np.random.default_rng(1)
    n, cols, m = 45, 32, 6
    A = rng.normal(size=(m, n)).astype(dtype)
    D = rng.normal(size=(m, cols)).astype(dtype)
    W = rng.normal(size=(n, cols)).astype(dtype)
    rows = np.sort(rng.choice(n, 29, replace=False))
    index = np.zeros(n, np.int64 if dtype == np.float64 else np.int32)
    index[: rows.size] = rows
    got = W.copy()
    _steps_at(A, D, got, index, rows.size, m, dtype(0.3))
    full = W.copy()
    _tiled_step(A, D, full, full, m, dtype(0.3), None, dtype(0.0), False)
    assert np.array_equal(got[rows], full[rows])  # the listed rows: the same bits
    others = np.setdiff1d(np.arange(n), rows)
    assert np.array_equal(got[others], W[others])  # the others: untouched


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fwd_block_at_sums_the_listed_inputs_as_fwd_block_does(dtype):
    rng = np.random.default_rng(3)
    m, n, cols = 13, 45, 48
    A = rng.normal(size=(m, n)).astype(dtype)
    W = rng.normal(size=(n, cols)).astype(dtype)
    rows = np.sort(rng.choice(n, 29, replace=False))
    K = np.zeros(n, np.int64 if dtype == np.float64 else np.int32)
    K[: rows.size] = rows
    got = np.full((m, cols), 7.0, dtype)
    _products_at(A, W, got, K, rows.size)
    expected = np.zeros((m, cols), dtype)
    gathered = np.ascontiguousarray(A[:, rows]), np.ascontiguousarray(W[rows])
    _tiled_forward(*gathered, expected, rows.size)
    assert np.array_equal(got, expected)  # the same sums, in the same order


def _case(dtype, m=10, n_in=40):
    rng = np.random.default_rng(2)
    A = rng.normal(size=(m, n_in)).astype(dtype)
    A[:, ::3] = 0.0
    A[:, 1] = -0.0
    S = np.zeros(n_in, dtype)
    index = np.zeros(n_in, np.int64 if dtype == np.float64 else np.int32)
    return A, S, index


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_zero_inputs_lists_the_columns_with_an_input_other_than_0(dtype):
    A, S, index = _case(dtype)
    A[3, 6] = 1.0  # one example is enough
    count, top = _zeros(A, S, index, 10, 40)
    expected = np.flatnonzero((A != 0).any(axis=0))
    assert count == expected.size and index[:count].tolist() == expected.tolist()
    assert 1 not in index[:count]  # -0.0 is 0
    assert np.abs(A[:10]).max() <= top < np.inf  # a bound on |x|
    B = np.where(A != 0, 0.75, 0.0).astype(dtype)
    B[2, 2] = 1 / 256  # pixel-like values: OR-ed bits stay under 2,
    # sums of the last n_in % COLS columns under m times the largest
    assert 0.75 <= _zeros(B, S, index, 10, 40)[1] <= 10 * 0.75
    A[5, 9] = np.nan  # NaN is not 0, and makes the bound NaN
    count, top = _zeros(A, S, index, 10, 40)
    assert 9 in index[:count] and np.isnan(top)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_zero_inputs_declines_where_the_list_does_not_pay(dtype):
    A, S, index = _case(dtype)
    A[A == 0] = 1.0
    A[:, : 40 // SPARSE_SHARE - 1] = 0.0  # fewer zero columns than one in SPARSE_SHARE
    assert _zeros(A, S, index, 10, 40) == (-1, np.inf)
    A[:, : 40 // SPARSE_SHARE] = 0.0
    assert _zeros(A, S, index, 10, 40)[0] == 40 - 40 // SPARSE_SHARE


def _both(X, Y, sizes, dtype, batch, eta, epochs=2, shuffle=True, edit=None):
    """Weights after ``epochs`` epochs through the skipping kernel and the
    general one (decay 1.0), as uint views."""
    layout = Layout(sizes)
    start = np.random.default_rng(4).normal(0, 0.5, layout.size).astype(dtype)
    if edit is not None:  # edit(layer 0's weights, as an (n_in, n_out) view)
        edit(start[: sizes[0] * sizes[1]].reshape(sizes[0], sizes[1]))
    n = X.shape[0]
    order = np.arange(n, dtype=np.int64)
    if shuffle:
        order = np.random.default_rng(5).permutation(n).astype(np.int64)
    out = {}
    for name, decay in (("skips", None), ("steps every row", 1.0)):
        padded, width, pw_off, pb_off = kernels._packed(start.copy(), *layout.args())
        acts, deltas, targets = kernels.workspace_arrays(dtype, layout.sizes, width, batch)
        steps = (n + batch - 1) // batch
        args = (X, Y, order, 0, 1, steps, batch, eta, acts, deltas, targets, None, decay, 0.0, None)
        for _ in range(epochs):
            kernels.epoch_steps(padded, padded, layout.sizes, width, pw_off, pb_off, *args)
        out[name] = padded.view(np.uint64 if dtype == np.float64 else np.uint32)
    return out["skips"], out["steps every row"], start


CASES = [
    # sizes, batch, rows
    ([784, 30, 10], 10, 203),  # the course's shape; a last mini-batch of 3
    ([37, 20, 16, 10], 4, 41),  # inputs not a whole tile, two hidden layers
    ([37, 20, 10], 1, 30),  # mini-batch 1
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sizes,batch,rows", CASES, ids=["course", "deep", "batch1"])
@pytest.mark.parametrize("pixels", [True, False], ids=["pixels", "floats"])
def test_skipping_rows_gives_the_bits_of_stepping_them(dtype, sizes, batch, rows, pixels):
    rng = np.random.default_rng(6)
    n_in = sizes[0]
    if pixels:  # digit-like: a blank border, half of the rest 0
        X = rng.integers(1, 256, (rows, n_in)).astype(np.uint8)
        X[rng.random((rows, n_in)) < 0.5] = 0
        X[:, : n_in // 4] = 0
    else:  # floats with zero columns, -0.0 among them
        X = rng.normal(size=(rows, n_in)).astype(dtype)
        X[:, ::4] = 0.0
        X[:, 1::4] = np.where(rng.random((rows, 1)) < 0.5, -0.0, 0.0)
    Y = np.eye(sizes[-1], dtype=dtype)[rng.integers(0, sizes[-1], rows)]
    skips, steps, start = _both(X, Y, sizes, dtype, batch, 3.0)
    assert np.array_equal(skips, steps)
    padded_start = kernels._packed(start, *Layout(sizes).args())[0]
    assert not np.array_equal(skips, padded_start.view(skips.dtype))  # training moved


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("pixels", [True, False], ids=["pixels", "floats"])
def test_dense_then_sparse_mini_batches_give_the_same_bits(dtype, pixels):
    """Dense mini-batches pause the scan for DENSE_PAUSE more; sparse ones
    after them are scanned again: every mix gives the general kernel's bits."""
    rng = np.random.default_rng(8)
    n_in, batch = 37, 3
    rows = batch * (2 * DENSE_PAUSE + 7)
    if pixels:
        X = rng.integers(1, 256, (rows, n_in)).astype(np.uint8)
    else:
        X = rng.normal(size=(rows, n_in)).astype(dtype)
    X[: rows // 3 :, ::3] = 0.0  # sparse, dense, sparse in the (unshuffled) order
    X[2 * rows // 3 :, ::2] = 0.0
    Y = np.eye(10, dtype=dtype)[rng.integers(0, 10, rows)]
    skips, steps, _ = _both(X, Y, [n_in, 20, 10], dtype, batch, 3.0, shuffle=False)
    assert np.array_equal(skips, steps)


def _zero_columns_case(dtype):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(60, 37)).astype(dtype)
    X[:, ::2] = 0.0
    Y = np.eye(10, dtype=dtype)[rng.integers(0, 10, 60)]
    return X, Y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("cause", ["nan input", "infinite step", "infinite weight"])
def test_skipping_stops_where_an_error_the_step_or_a_weight_is_not_finite(dtype, cause):
    """Where an error, the step size c or a weight is not finite, a zero
    input times it is NaN, not 0: the kernel must compute every product and
    step every row, and give the general kernel's NaN and inf. (The facades
    refuse such inputs, steps and weights; the kernels must still not hide
    them.)"""
    X, Y = _zero_columns_case(dtype)
    eta, edit = 3.0, None
    if cause == "nan input":
        X[17, 5] = np.nan  # its mini-batch's errors are NaN
    elif cause == "infinite step":
        eta = np.inf
    else:

        def edit(W0):
            W0[4, 3] = np.inf  # the row of an input that is always 0

    skips, steps, _ = _both(X, Y, [37, 20, 10], dtype, 5, eta, epochs=1, edit=edit)
    assert np.isnan(skips.view(dtype)).any()  # the case this test is about
    assert np.array_equal(skips, steps)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_skipping_stops_once_a_step_may_have_overflowed_a_weight(dtype):
    """Huge inputs in the first mini-batch, small weights in their rows: the
    first step overflows those rows to inf; in the second mini-batch those
    inputs are 0, and 0 * inf is NaN in the general kernel. The kernel's
    bound on the weights must have grown past its limit with the first
    step, so that the second computes every product."""
    big = 1e160 if dtype == np.float64 else 1e22
    rng = np.random.default_rng(9)
    X = rng.normal(size=(10, 37)).astype(dtype)
    X[:, 20:] = 0.0  # sparse in both mini-batches
    X[:5, :10] = big  # huge in the first, 0 in the second
    X[5:, :10] = 0.0
    Y = np.eye(10, dtype=dtype)[rng.integers(0, 10, 10)]

    def edit(W0):
        W0[:10] = rng.normal(size=(10, 20)) / big  # products of order 1: no saturation

    eta = 5e150 if dtype == np.float64 else 5e18  # c * x * d past the largest float
    skips, steps, _ = _both(X, Y, [37, 20, 10], dtype, 5, eta, epochs=1, shuffle=False, edit=edit)
    assert np.isnan(skips.view(dtype)).any()  # the case: inf weights, then 0 * inf
    assert np.array_equal(skips, steps)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("eta", [-3.0, -0.0])
def test_skipping_stops_where_the_step_is_not_positive(dtype, eta):
    """For c < 0 or c = -0, -0 - c*(+0) is +0: a -0 weight in the row of a
    zero input changes sign when stepped, so the kernel must step every row."""
    X, Y = _zero_columns_case(dtype)

    def edit(W0):
        W0[::2] = -0.0  # the rows of the inputs that are always 0

    skips, steps, _ = _both(X, Y, [37, 20, 10], dtype, 5, eta, epochs=1, edit=edit)
    assert np.array_equal(skips, steps)
    W0 = skips[: 37 * 32].view(dtype)  # padded: 32 columns
    assert not np.signbit(W0.reshape(37, 32)[::2, :20]).any()  # the case: -0 became +0
