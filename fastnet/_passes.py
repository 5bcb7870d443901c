"""The passes the training kernels are made of: the padded layout, packing,
activations, the forward and backward passes over a mini-batch, and loading
(and prefetching) its rows. Numba helpers, inlined or linked into the entry
points of :mod:`fastnet.kernels`; arrays and numbers only."""

import numpy as np

from ._exp import sigmoid
from ._jit import flat_rows, kernel, prefetch, rows_view
from ._knobs import (
    ACTIVATIONS,
    CFG_ACTIVATION,
    CFG_COST,
    CFG_OUTPUT,
    COSTS,
    OUTPUTS,
    PIXEL_LEVELS,
    code,
)
from ._sparse import DENSE_PAUSE, _nonzero_inputs, _zero_inputs, index_view, largest_magnitude
from ._target import multiply_add, wide_vectors
from ._tiles import (
    TRANSPOSE,
    bias_step,
    col_span,
    fwd_block,
    fwd_block_at,
    fwd_row,
    fwd_row_at,
    fwd_rows,
    grad_block,
    grad_block_at,
    grad_block_m,
    grad_row,
    grad_row_m,
    grad_rows,
    transpose_block,
)

PIXEL_BLOCK = 32  # rows per flat loop of the pixel check

# The knobs travel as an int64 array ``cfg``, slots and codes from fastnet._knobs:
SIGMOID, TANH, RELU = (code(ACTIVATIONS, n) for n in ("sigmoid", "tanh", "relu"))
SOFTMAX = code(OUTPUTS, "softmax")
QUADRATIC, CROSS_ENTROPY, LOG_LIKELIHOOD = (
    code(COSTS, n) for n in ("quadratic", "cross_entropy", "log_likelihood")
)


@kernel
def _weights(padded, sizes, width, pw_off, l):
    return rows_view(padded, pw_off[l], sizes[l], width[l + 1])


@kernel
def _block_start(width, rows, l):
    """Where layer l's (rows, width[l]) block starts in a flat workspace
    (``l = width.size``: where the blocks end)."""
    start = 0
    for k in range(l):
        start += rows * width[k]
    return start


@kernel
def _block(buf, width, rows, l):
    """Layer l's (rows, width[l]) block of a flat workspace."""
    return rows_view(buf, _block_start(width, rows, l), rows, width[l])


@kernel
def _activate(z, kind):
    if kind == TANH:
        return np.tanh(z)
    if kind == RELU:
        return max(z, z * 0.0)
    return sigmoid(z)


@kernel
def _derivative(a, kind):
    """Derivative of the activation, from its output a."""
    if kind == TANH:
        return 1.0 - a * a
    if kind == RELU:
        return 1.0 if a > 0.0 else 0.0
    return a * (1.0 - a)


@kernel(inline="always")
def _products(A, W, Z, m, n, cols):
    """Z[:m, :cols] = A[:m, :n] @ W[:n, :cols], each sum in order of n."""
    tile = fwd_rows(W)
    full = m - m % tile
    for jb in range(0, cols, col_span(W)):
        for e in range(0, full, tile):
            fwd_block(A, W, Z, Z, e, jb, n, cols)
        for e in range(full, m):
            fwd_row(A, W, Z, Z, e, jb, n, cols)


@kernel(inline="always")
def _products_at(A, W, Z, m, K, n, cols):
    """Z[:m, :cols] = A[:m, K[:n]] @ W[K[:n], :cols], each sum in order of K."""
    tile = fwd_rows(W)
    full = m - m % tile
    for jb in range(0, cols, col_span(W)):
        for e in range(0, full, tile):
            fwd_block_at(A, W, Z, K, e, jb, n, cols)
        for e in range(full, m):
            fwd_row_at(A, W, Z, K, e, jb, n, cols)


@kernel(inline="always")
def _products_by_row(A, W, Z, K, m, n_in, cols):
    """Z[:m, :cols] = A[:m, :n_in] @ W[:n_in, :cols], each row's sums over
    its own inputs other than 0 only (K: scratch for their list), in order.
    The same bits as :func:`_products` while every weight is finite, but
    that a sum of exactly -0 may become +0."""
    for e in range(m):
        n = _nonzero_inputs(A[e], K, n_in)
        for jb in range(0, cols, col_span(W)):
            fwd_row_at(A, W, Z, K, e, jb, n, cols)


@kernel(inline="always")
def _transposed(W, deltas, sizes, width, l):
    """Hidden layer l's weights W (n_in, wd) as a (wd, wd_in) array in the
    tail of ``deltas``, so that back-propagating an error is a product of
    rows. Each hidden layer has its own region there, whose padding columns
    (wd_in - n_in of them) are never written: they stay the workspace's
    zeros. Only the first n_out rows (rounded up to a block) are written:
    W's padding columns are zeros, and the product stops at n_out (zero
    terms would leave every sum as it is, since a sum that starts at +0
    never becomes -0)."""
    n_in, n_out, wd, wd_in = sizes[l], sizes[l + 1], width[l + 1], width[l]
    start = deltas.size
    for k in range(1, l + 1):
        start -= width[k] * width[k + 1]
    WT = rows_view(deltas, start, wd, wd_in)
    # 8 x 8 blocks (rows past n_out, up to wd, take W's zero padding), then
    # the last n_in % 8 rows of W one value at a time
    full = n_in - n_in % TRANSPOSE
    for j0 in range(0, n_out, TRANSPOSE):
        for i0 in range(0, full, TRANSPOSE):
            transpose_block(W, WT, i0, j0)
    for j in range(n_out):
        t = WT[j]
        for i in range(full, n_in):
            t[i] = W[i, j]
    return WT


@kernel(inline="always")
def _bias_sigmoid(Z, b, m, n_out, wd):
    """Z[:m] <- sigmoid(Z[:m] + b) on the n_out outputs. The padding
    columns become sigmoid(0) = 0.5 and are left so: every reader of an
    activation block stops at the real columns (products, gradient tiles,
    errors, outputs) but the derivative, which multiplies them by errors
    that are 0 there. Zeroing them compiled to scatters (about 1 ms of a
    course epoch on the Xeon of issue 9)."""
    for e in range(m):
        z = Z[e]
        for j in range(n_out):
            z[j] = z[j] + b[j]
    # one loop over the m rows' block: a long trip count that LLVM
    # vectorises (a loop to n_out = 30 stayed scalar, its vector body
    # taking 32 values)
    flat = flat_rows(Z, m)
    for i in range(m * wd):
        flat[i] = sigmoid(flat[i])


@kernel(inline="always")
def _activate_layer(Z, b, m, n_out, wd, last, cfg):
    """Z[:m] <- the layer's activation of Z[:m] + b, under the knobs ``cfg``:
    the hidden layers' activation, or a softmax output layer (the padding
    columns: see :func:`_bias_sigmoid`)."""
    zero = Z.dtype.type(0.0)
    kind = cfg[CFG_ACTIVATION] if not last else SIGMOID
    if last and cfg[CFG_OUTPUT] == SOFTMAX:
        for e in range(m):
            z = Z[e]
            top = z[0] + b[0]
            for j in range(n_out):
                z[j] = z[j] + b[j]
                top = max(top, z[j])
            total = zero
            for j in range(n_out):
                z[j] = np.exp(z[j] - top)
                total += z[j]
            for j in range(n_out):
                z[j] = z[j] / total
    elif kind == SIGMOID:
        _bias_sigmoid(Z, b, m, n_out, wd)
    else:
        for e in range(m):
            for j in range(n_out):
                Z[e, j] = _activate(Z[e, j] + b[j], kind)


@kernel(inline="always")
def _forward(padded, sizes, width, pw_off, pb_off, acts, rows, m, cfg, first):
    """Forward pass of the first m rows (layer 0 of ``acts`` holds inputs).
    ``cfg`` None is the course's network (sigmoids only): Numba then prunes
    the other knobs' code before typing (a first run's compile 0.36 s
    shorter on the Xeon of issue 9); the same operations either way."""
    nl = sizes.size - 1
    for l in range(first, nl):  # layers below ``first`` are done
        n_in, n_out, wd = sizes[l], sizes[l + 1], width[l + 1]
        W = _weights(padded, sizes, width, pw_off, l)
        b = padded[pb_off[l] : pb_off[l] + wd]
        A = _block(acts, width, rows, l)
        Z = _block(acts, width, rows, l + 1)
        _products(A, W, Z, m, n_in, wd)
        if cfg is None:
            _bias_sigmoid(Z, b, m, n_out, wd)
        else:
            _activate_layer(Z, b, m, n_out, wd, l == nl - 1, cfg)


@kernel(inline="always")
def _output_errors(acts, deltas, targets, sizes, width, rows, m, cfg):
    """The output layer's errors, dC/dz, into the last block of ``deltas``."""
    nl = sizes.size - 1
    A = _block(acts, width, rows, nl)
    D = _block(deltas, width, rows, nl)
    for e in range(m):
        for j in range(sizes[nl]):
            a = A[e, j]
            if cfg is None or cfg[CFG_COST] == QUADRATIC:  # None: the course's
                D[e, j] = (a - targets[e, j]) * (a * (1.0 - a))
            else:  # cross-entropy on sigmoids, log-likelihood on softmax
                D[e, j] = a - targets[e, j]


@kernel
def _input_scale(X, like):
    """uint8 inputs are pixel codes k standing for k/256 (exact)."""
    return like.dtype.type(1.0 / PIXEL_LEVELS) if X.itemsize == 1 else like.dtype.type(1.0)


@kernel(inline="always")
def _exact_codes(flat, codes):
    """Whether every value of ``flat`` is k/256 with k in 0..255, writing
    the k into ``codes`` (NaN and out-of-range values fail the test)."""
    wide_vectors()
    scale = flat.dtype.type(PIXEL_LEVELS)
    top, zero = flat.dtype.type(PIXEL_LEVELS - 1), flat.dtype.type(0)
    bad = False
    for i in range(flat.size):
        k = flat[i] * scale  # exact: a power of two
        q = np.uint8(min(max(k, zero), top))
        bad |= flat.dtype.type(q) != k
        codes[i] = q
    return not bad


@kernel
def _pixel_codes(X, codes):
    """Check the rows of X and, if every value is k/256 with k in 0..255
    (MNIST as the course's pickle holds it), write k into ``codes``.

    Returns -1 if the codes are exact, -2 if X is finite but not pixel
    data, else the index of the first row holding NaN or inf. X and codes
    are C-contiguous; blocks of rows are checked as one flat loop (a third
    faster than row by row on the Xeon: longer vectorised loops).
    """
    n, w = X.shape
    flat, out = X.reshape(n * w), codes.reshape(n * w)
    for r0 in range(0, n, PIXEL_BLOCK):
        r1 = min(r0 + PIXEL_BLOCK, n)
        if not _exact_codes(flat[r0 * w : r1 * w], out[r0 * w : r1 * w]):
            # rows before r0 are exact, hence finite: the first bad row is here or later
            for r in range(r0, n):
                for i in range(w):
                    if not np.isfinite(X[r, i]):
                        return r
            return -2
    return -1


@kernel(inline="always")
def _load(X, Y, order, start, m, acts, targets, rows, width):
    scale = _input_scale(X, acts)
    # layer 0's block starts the workspace (_block(..., 0) with a literal 0
    # would compile one more specialisation of _block: 0.1-0.2 s, first run)
    A = rows_view(acts, 0, rows, width[0])
    for e in range(m):
        r = order[start + e]
        x = X[r]
        a = A[e]
        for i in range(x.size):
            a[i] = x[i] * scale
        for j in range(Y.shape[1]):
            targets[e, j] = Y[r, j]


@kernel(inline="always")
def _prefetch_rows(X, Y, order, start, m):
    """Prefetch the rows of the next mini-batch: after the shuffle they are
    scattered over memory, and fetching them while this mini-batch computes
    hides most of their latency (about 8% of a course epoch)."""
    stop = min(start + m, order.size)
    line = 64 // X.itemsize
    for e in range(start, stop):
        row = X[order[e]]
        for i in range(0, row.size, line):
            prefetch(row, i)
        # and the last line, which a row's start can push one line further:
        # every 80-byte float64 target row (MNIST's 784-byte pixel rows start
        # at multiples of 16 and never do)
        prefetch(row, row.size - 1)
        y = Y[order[e]]
        prefetch(y, 0)
        prefetch(y, y.size - 1)


# The backward pass is written out in the body, not called: a linked
# function's code is optimised and compiled twice, alone and again inside
# its caller, and Numba's inlining copies it instead (issue 9: a first
# run's compile 0.5 s shorter than with a linked ``_backward``, eight
# alternating pairs of cold processes).
@kernel
def _sgd(
    padded,
    out,
    sizes,
    width,
    pw_off,
    pb_off,
    X,
    Y,
    order,
    first_batch,
    stride,
    count,
    batch,
    eta,
    acts,
    deltas,
    targets,
    cfg,
    decay,
    mu,
    vel,
):
    """``count`` SGD steps on mini-batches first_batch, +stride, ...
    (mini-batch k holds rows order[k*batch:(k+1)*batch]).

    Forward and backprop run on the network ``padded``; each step lands on
    ``out`` (c = eta/m): weights ``w <- decay*w - c*g`` (decay = 1 -
    eta*lmbda/n, network2's L2; None for 1, compiled without it), biases
    ``b <- b - c*g``; with momentum (``vel`` an array, not None), ``v <-
    mu*v - c*g`` then ``w <- decay*w + v`` (``vel`` holds v, laid out like
    ``out``). Training passes ``out is padded``; a step of -1 from zeros
    (eta = -m, decay None) leaves the summed gradients in ``out``.

    A layer's error is propagated down before its weights change, so the
    step never feeds back into the gradients (as in the course: all
    gradients first, then the step). Layer 0's inputs that are 0 in the
    whole mini-batch are left out of its products and its step where that
    gives the same bits (below).
    """
    zero = padded.dtype.type(0.0)
    mu_t = padded.dtype.type(mu)  # the weights' type
    n = order.size
    nl = sizes.size - 1
    # layer 0's active columns: a region of the errors after the blocks
    # (workspace_arrays); the scan's scratch: layer 0's errors, never computed
    active = index_view(deltas, _block_start(width, batch, width.size), width[0])
    scratch = deltas[: width[0]]
    dense_left = 0
    # ``bound``: at least the largest |weight| of layer 0 (inf: not known),
    # kept up to date step by step; skipping a zero input in the products is
    # exact only while every weight is finite (0 * inf is NaN)
    bound = np.inf
    limit = 1e300 if padded.itemsize == 8 else 1e37
    A0 = rows_view(acts, 0, batch, width[0])
    Z1 = rows_view(acts, batch * width[0], batch, width[1])
    W0 = rows_view(padded, pw_off[0], sizes[0], width[1])
    b0 = padded[pb_off[0] : pb_off[0] + width[1]]
    for k in range(count):
        start = (first_batch + k * stride) * batch
        if start >= n:
            break
        m = min(batch, n - start)
        c = padded.dtype.type(eta / m)
        _load(X, Y, order, start, m, acts, targets, batch, width)
        # after the load, not before: float64 epochs about 5 % shorter in
        # three of four alternating pairs of processes (docs/performance.md
        # 19.2; the burst of misses no longer ahead of the load's reads)
        _prefetch_rows(X, Y, order, start + 2 * stride * batch, batch)
        # Layer 0's inputs that are 0 in every example of the mini-batch
        # (MNIST: about half of them in 10 images) add +0 or -0 to each
        # product and give their weight rows g = +0: where that is exact,
        # they are left out of both (section 17 of docs/performance.md).
        # Not with L2 or momentum (each weight changes anyway).
        n_active, a_top = -1, np.inf
        if decay is None:
            if vel is None:
                if dense_left > 0:  # dense inputs: look again later
                    dense_left -= 1
                else:
                    n_active, a_top = _zero_inputs(A0, scratch, active, m, sizes[0])
                    if n_active < 0:
                        dense_left = DENSE_PAUSE
        if n_active < 0:
            bound = np.inf
        first = 0
        if cfg is None:  # sigmoids: sigmoid(-0) is sigmoid(+0), bit for bit
            if n_active >= 0:
                if not bound < limit:  # padding columns are 0
                    bound = float(largest_magnitude(W0, sizes[0], width[1]))
                if bound < limit:
                    _products_at(A0, W0, Z1, m, active, n_active, width[1])
                    _bias_sigmoid(Z1, b0, m, sizes[1], width[1])
                    first = 1
        _forward(padded, sizes, width, pw_off, pb_off, acts, batch, m, cfg, first)
        _output_errors(acts, deltas, targets, sizes, width, batch, m, cfg)
        for l in range(nl - 1, -1, -1):
            n_in, n_out, wd = sizes[l], sizes[l + 1], width[l + 1]
            W = _weights(padded, sizes, width, pw_off, l)
            Wout = _weights(out, sizes, width, pw_off, l)
            b = out[pb_off[l] : pb_off[l] + wd]
            A = _block(acts, width, batch, l)
            D = _block(deltas, width, batch, l + 1)
            if l > 0:
                # Dp = D @ W.T with the micro-kernels (W transposed first): each
                # sum in order of j, fused, as a scalar loop would give, 8-16 at once
                Dp = _block(deltas, width, batch, l)
                WT = _transposed(W, deltas, sizes, width, l)
                _products(D, WT, Dp, m, n_out, width[l])
                if cfg is None or cfg[CFG_ACTIVATION] == SIGMOID:  # _derivative's, vectorised
                    fa = flat_rows(A, m)  # over the block, as the sigmoid
                    fd = flat_rows(Dp, m)  # (padding: errors 0 there)
                    for i in range(m * width[l]):
                        fd[i] = fd[i] * (fa[i] * (1.0 - fa[i]))
                else:
                    for e in range(m):
                        for i in range(n_in):
                            Dp[e, i] = Dp[e, i] * _derivative(A[e, i], cfg[CFG_ACTIVATION])
            tile = grad_rows(Wout)
            full = n_in - n_in % tile
            if vel is not None:  # momentum: typed apart, so compiled only when used
                for j in range(n_out):
                    g = zero
                    for e in range(m):
                        g += D[e, j]
                    vb = multiply_add(-c, g, vel[pb_off[l] + j] * mu_t)
                    vel[pb_off[l] + j] = vb
                    b[j] += vb
                V = _weights(vel, sizes, width, pw_off, l)
                for jb in range(0, wd, col_span(Wout)):
                    for i0 in range(0, full, tile):
                        grad_block_m(A, D, Wout, V, i0, jb, m, c, decay, mu_t, wd)
                    for i0 in range(full, n_in):
                        grad_row_m(A, D, Wout, V, i0, jb, m, c, decay, mu_t, wd)
                continue
            bias_step(D, b, m, c, wd)  # padding: errors +0, biases kept +0
            # w - c*(+0) is w bit for bit (w = -0 included) where c is finite
            # and > 0 and every error finite (0 * inf is NaN): then only the
            # listed rows are stepped, and the bound grows by at most
            # c * sum_e |x| * |d| per weight (twice that, for the roundings)
            sparse = False
            if l == 0 and n_active >= 0:
                d_top = float(largest_magnitude(D, m, wd))  # wd: a multiple of COLS
                if np.isfinite(d_top) and np.isfinite(c) and c > 0:
                    sparse = True
                    bound += 2.0 * float(c) * m * a_top * d_top
                else:
                    bound = np.inf
            if sparse:
                whole = n_active - n_active % tile
                for jb in range(0, wd, col_span(Wout)):
                    for t in range(0, whole, tile):
                        grad_block_at(A, D, Wout, active, t, jb, m, c, decay, mu_t, wd)
                    for t in range(whole, n_active):
                        grad_row(A, D, Wout, Wout, active[t], jb, m, c, decay, mu_t, wd)
                continue
            for jb in range(0, wd, col_span(Wout)):
                for i0 in range(0, full, tile):
                    grad_block(A, D, Wout, Wout, i0, jb, m, c, decay, mu_t, wd)
                for i0 in range(full, n_in):
                    grad_row(A, D, Wout, Wout, i0, jb, m, c, decay, mu_t, wd)
