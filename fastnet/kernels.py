"""Numba kernels: forward, backprop and SGD over whole mini-batches.

Only arrays and numbers cross this boundary. The facade's parameters live
in one flat buffer ``params`` in the course's layout: layer ``l`` has its
weights at ``params[w_off[l]:]`` as ``(n_in, n_out)`` row-major (so
``z = W.T @ a + b``) and its biases at ``params[b_off[l]:]``.

For speed the kernels work on a padded copy (see :func:`layout_arrays`):
each layer's outputs are rounded up to a multiple of ``COLS`` columns so
that the register-blocked micro-kernels of ``_tiles`` always see whole
blocks. Padding columns hold zeros in the weights and the errors, so they
never change a result.

Gradients are summed example by example, in order, as the course's code
does; float64 results match it to rounding (see tests/test_fidelity.py).
The course's network is the default configuration (sigmoid everywhere,
quadratic cost, no L2, no momentum); the other knobs (``cfg``, ``decay``,
``mu``) run in the same kernels.
"""

import threading

import numpy as np

from . import shuffle
from ._jit import Later, entry, kernel, load_acquire, rows_view, spin_pause, store_release
from ._knobs import CFG_COST
from ._passes import (
    CROSS_ENTROPY,
    QUADRATIC,
    _activate_layer,
    _bias_sigmoid,
    _block,
    _forward,
    _input_scale,
    _pixel_codes,
    _products,
    _products_by_row,
    _sgd,
)
from ._sparse import largest_magnitude
from ._tiles import COLS

pixel_codes = entry(_pixel_codes)
pixel_codes.__doc__ = _pixel_codes.__doc__


# Compiled by a child process on a first run, while this one compiles the
# epoch kernel (fastnet._jit.Later): the pixel check (numpy does it
# meanwhile, fastnet._data) and the shuffle (random.shuffle meanwhile)
later = Later("from fastnet import kernels; kernels.later.compile_here()")
later.add(pixel_codes, np.zeros((1, 1), dtype=np.float32), np.zeros((1, 1), dtype=np.uint8))
later.add(shuffle.shuffle_inplace, *shuffle.probe_args())


# The epoch's entry point itself, not inlined into a wrapper: copying its
# inlined IR once more cost about 0.4 s of a first run (issue 9, Numba's
# pass timings); the parallel replicas call it as a linked function.
epoch_steps = entry(_sgd)


# Bytes the kernels' arrays are aligned to: a cache line, one 512-bit
# vector. numpy's allocator aligns to 16 bytes only, and a tile row then
# straddles two cache lines on every load: one epoch of [784, 30, 10] at
# mini-batch 10 took 10-25 % longer at offsets 16, 32 and 48 than at 0
# (Intel Xeon, both dtypes, docs/performance.md section 13).
ALIGN = 64


def zeros_aligned(shape, dtype):
    """``np.zeros(shape, dtype)`` whose data starts on an :data:`ALIGN`-byte
    boundary (a view into a slightly larger buffer)."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    raw = np.zeros(nbytes + ALIGN, dtype=np.uint8)
    start = -raw.ctypes.data % ALIGN
    return raw[start : start + nbytes].view(dtype).reshape(shape)


def layout_arrays(sizes):
    """``(width, pw_off, pb_off, size)`` of the padded buffer: each layer's
    width rounded up to a multiple of ``COLS`` (the input layer's kept), and
    the offsets of each layer's weights (n_in, width) and biases (width)."""
    sizes = np.asarray(sizes, dtype=np.int64)
    width = sizes.copy()
    width[1:] = (sizes[1:] + COLS - 1) // COLS * COLS
    blocks = np.ravel(np.column_stack([sizes[:-1] * width[1:], width[1:]]))
    starts = np.concatenate([[0], np.cumsum(blocks)])
    return width, starts[0:-1:2].copy(), starts[1::2].copy(), int(starts[-1])


def _packed(params, sizes, w_off, b_off):
    """``(padded, width, pw_off, pb_off)``: the parameters as a new padded
    buffer (zeros in the padding), with the layout that goes with it."""
    width, pw_off, pb_off, size = layout_arrays(sizes)
    padded = zeros_aligned(size, params.dtype)
    for l in range(sizes.size - 1):
        n_in, n_out, wd = int(sizes[l]), int(sizes[l + 1]), int(width[l + 1])
        W = padded[pw_off[l] : pw_off[l] + n_in * wd].reshape(n_in, wd)
        W[:, :n_out] = params[w_off[l] : w_off[l] + n_in * n_out].reshape(n_in, n_out)
        padded[pb_off[l] : pb_off[l] + n_out] = params[b_off[l] : b_off[l] + n_out]
    return padded, width, pw_off, pb_off


def _unpack_np(padded, sizes, w_off, b_off, width, pw_off, pb_off, params):
    for l in range(sizes.size - 1):
        n_in, n_out, wd = int(sizes[l]), int(sizes[l + 1]), int(width[l + 1])
        W = padded[pw_off[l] : pw_off[l] + n_in * wd].reshape(n_in, wd)
        params[w_off[l] : w_off[l] + n_in * n_out] = W[:, :n_out].reshape(-1)
        params[b_off[l] : b_off[l] + n_out] = padded[pb_off[l] : pb_off[l] + n_out]


def workspace_arrays(dtype, sizes, width, rows):
    """Scratch arrays ``(acts, deltas, targets)``, zeros: every layer's
    (rows, width) block of activations and errors, one after the other;
    after the errors' blocks, room for the list of layer 0's active
    columns (``width[0]`` indices, see ``_sparse._zero_inputs``), then
    each hidden layer's transposed weights, the last layer's first (see
    ``_passes._transposed``)."""
    wt = sum(int(width[l] * width[l + 1]) for l in range(1, len(sizes) - 1))
    total = int(np.sum(width)) * rows
    return (
        zeros_aligned(total, dtype),
        zeros_aligned(total + int(width[0]) + wt, dtype),
        zeros_aligned((rows, int(sizes[-1])), dtype),
    )


def knobs_arg(cfg):
    """The kernels' knob argument for the int64 codes ``cfg``: None where
    every code is 0 (the course's network; its kernel is compiled without
    the other knobs' code, see ``_passes._forward``), else ``cfg`` itself."""
    return None if not cfg.any() else cfg


def decay_arg(decay):
    """The kernels' weight-decay argument: None for 1 (no L2, as in the
    course), whose kernel is compiled without the multiply by it (the
    gradient tiles 3-6 % faster in a loop of their own on the Xeon of issue
    9; whole epochs within the noise; the same bits), else ``decay``."""
    return None if decay == 1.0 else decay


def train_epoch(params, sizes, w_off, b_off, X, Y, order, batch, eta, cfg, decay, mu, vel):
    """One epoch of mini-batch SGD over ``order``, in place on params;
    ``vel``: the momentum velocity (padded layout, kept across epochs by
    the caller), None without momentum.

    The padded copy and the scratch arrays are made here by numpy, so that
    the compiled part is the steps alone: allocating them in Numba cost
    about 1 s of a first run's compile (issue 9)."""
    padded, width, pw_off, pb_off = _packed(params, sizes, w_off, b_off)
    acts, deltas, targets = workspace_arrays(params.dtype, sizes, width, batch)
    epoch_steps(
        padded,
        padded,
        sizes,
        width,
        pw_off,
        pb_off,
        X,
        Y,
        order,
        0,
        1,
        (order.size + batch - 1) // batch,
        batch,
        eta,
        acts,
        deltas,
        targets,
        knobs_arg(cfg),
        decay_arg(decay),
        mu,
        vel,
    )
    _unpack_np(padded, sizes, w_off, b_off, width, pw_off, pb_off, params)


# -- pieces of the parallel epoch (driven from Python threads, see _engine) --


def pack_padded(params, sizes, w_off, b_off):
    """The parameters as a new padded buffer (the kernels' layout)."""
    return _packed(params, sizes, w_off, b_off)[0]


def unpack_padded(padded, sizes, w_off, b_off, params):
    """Copy a padded buffer back into the course layout ``params``."""
    width, pw_off, pb_off, _ = layout_arrays(sizes)
    _unpack_np(padded, sizes, w_off, b_off, width, pw_off, pb_off, params)


def new_workspace(padded, sizes, batch):
    """Scratch arrays (acts, deltas, targets) for one replica."""
    return workspace_arrays(padded.dtype, sizes, layout_arrays(sizes)[0], batch)


@kernel
def _average(replicas, active, shared):
    # replica by replica, in loops that vectorise; each sum in replica order
    r0 = replicas[0]
    if active == 1:
        shared[:] = r0
        return
    r1 = replicas[1]
    for t in range(shared.size):
        shared[t] = r0[t] + r1[t]
    for w in range(2, active):
        r = replicas[w]
        for t in range(shared.size):
            shared[t] += r[t]
    pow2 = active & (active - 1) == 0  # then x * (1/a) is x / a, bit for bit
    inv = shared.dtype.type(1.0 / active)
    for t in range(shared.size):
        shared[t] = shared[t] * inv if pow2 else shared[t] / active


average = entry(_average)
average.__doc__ = "shared = mean of the first ``active`` replicas (in order)."


# Slots of the int64 ``flags`` array of a parallel epoch (fastnet.parallel):
# the last round handed out, a stop request, then one slot per worker for
# the last round it finished.
FLAG_GO, FLAG_STOP, FLAG_DONE = 0, 1, 2


@kernel
def _worker_rounds(
    shared,
    replica,
    sizes,
    width,
    pw_off,
    pb_off,
    X,
    Y,
    order,
    w,
    workers,
    count,
    batch,
    eta,
    acts,
    deltas,
    targets,
    cfg,
    decay,
    flags,
    first_round,
    last_round,
    spins,
):
    for r in range(first_round, last_round + 1):
        waited = 0
        while load_acquire(flags, FLAG_GO) < r:
            if load_acquire(flags, FLAG_STOP):
                return -1
            if waited >= spins:
                return r
            waited += 1
            spin_pause()
        replica[:] = shared
        first = (r - 1) * workers * count + w
        _sgd(
            replica,
            replica,
            sizes,
            width,
            pw_off,
            pb_off,
            X,
            Y,
            order,
            first,
            workers,
            count,
            batch,
            eta,
            acts,
            deltas,
            targets,
            cfg,
            decay,
            0.0,
            None,
        )
        store_release(flags, FLAG_DONE + w, r)
    return last_round + 1


worker_rounds = entry(_worker_rounds)
worker_rounds.__doc__ = (
    "Replica ``w``'s rounds first_round..last_round (from 1) of a parallel epoch, "
    "without the GIL: for each round r, spin until ``flags[FLAG_GO] >= r``, copy "
    "``shared`` into ``replica``, take its ``count`` steps (mini-batches "
    "(r-1)*workers*count + w, +workers, ...), then set ``flags[FLAG_DONE + w] = r``. "
    "Returns last_round + 1 when done; r if round r was not handed out within "
    "``spins`` spin-wait rounds (the caller then blocks); -1 once "
    "``flags[FLAG_STOP]`` is set."
)


@kernel
def _wait_flag(flags, index, value, spins):
    for _ in range(spins):
        if load_acquire(flags, index) >= value:
            return True
        spin_pause()
    return load_acquire(flags, index) >= value


wait_flag = entry(_wait_flag)
wait_flag.__doc__ = (
    "Whether ``flags[index]`` reached ``value`` (acquire ordering) within "
    "``spins`` spin-wait rounds, without the GIL."
)


@kernel
def _set_flag(flags, index, value):
    store_release(flags, index, value)


set_flag = entry(_set_flag)
set_flag.__doc__ = "``flags[index] = value`` with release ordering."


# Rows per forward pass of forward_all: whole forward tiles, the scratch in L2.
FORWARD_ROWS = 50


@kernel
def _forward_rows(padded, sizes, width, pw_off, pb_off, X, out, cfg, acts, index):
    scale = _input_scale(X, padded)
    chunk = FORWARD_ROWS
    nl = sizes.size - 1
    A = acts[: chunk * width[0]].reshape((chunk, width[0]))  # layer 0 (see _passes._load)
    Z = _block(acts, width, chunk, 1)
    O = _block(acts, width, chunk, nl)
    W0 = rows_view(padded, pw_off[0], sizes[0], width[1])
    b0 = padded[pb_off[0] : pb_off[0] + width[1]]
    # The course's network (sigmoids) with finite weights: each example's
    # layer-0 sums skip its inputs that are 0 (on MNIST about 4 in 5), with
    # the same bits (a zero input adds +-0; sigmoid(-0) is sigmoid(+0)).
    skip = False
    if cfg is None:
        skip = largest_magnitude(W0, sizes[0], width[1]) < np.inf  # NaN: not finite
    finite = True
    for start in range(0, X.shape[0], chunk):
        m = min(chunk, X.shape[0] - start)
        for e in range(m):
            x = X[start + e]
            for i in range(x.size):
                A[e, i] = x[i] * scale
        if skip:
            _products_by_row(A, W0, Z, index, m, sizes[0], width[1])
        else:
            _products(A, W0, Z, m, sizes[0], width[1])
        for e in range(m):  # a NaN or inf input leaves a sum that is not finite
            for j in range(sizes[1]):
                finite &= abs(Z[e, j]) < np.inf
        if cfg is None:
            _bias_sigmoid(Z, b0, m, sizes[1], width[1])
        else:
            _activate_layer(Z, b0, m, sizes[1], width[1], nl == 1, cfg)
        _forward(padded, sizes, width, pw_off, pb_off, acts, chunk, m, cfg, 1)
        for e in range(m):
            for j in range(sizes[nl]):
                out[start + e, j] = O[e, j]
    return finite


forward_rows = entry(_forward_rows)


def _forward_args(params, sizes, w_off, b_off, X, out, cfg):
    """forward_rows' arguments (``cfg``: the kernels' knob argument)."""
    padded, width, pw_off, pb_off = _packed(params, sizes, w_off, b_off)
    acts = workspace_arrays(params.dtype, sizes, width, FORWARD_ROWS)[0]
    # layer 0's list of one example's inputs (_passes._products_by_row):
    # integers of the parameters' size, as its compressing store writes
    index = np.zeros(int(width[0]), dtype=np.int64 if params.itemsize == 8 else np.int32)
    return padded, sizes, width, pw_off, pb_off, X, out, cfg, acts, index


def forward_all(params, sizes, w_off, b_off, X, out, cfg):
    """Outputs of the network for every row of X, into ``out`` (n, n_out);
    returns whether every first-layer sum was finite (false where a row
    holds NaN or inf, or a huge input overflowed a sum)."""
    cfg = knobs_arg(cfg)
    if cfg is None:  # a first run's child may be compiling it (prepare_scoring)
        scoring(params.dtype, X.dtype).join()
    return bool(forward_rows(*_forward_args(params, sizes, w_off, b_off, X, out, cfg)))


_scorings = {}
_scorings_lock = threading.Lock()


def scoring(dtype, xdtype):
    """The :class:`~fastnet._jit.Later` that compiles the course's forward
    pass (sigmoids: ``cfg`` None) for parameters of ``dtype`` and inputs
    of ``xdtype`` in a child process."""
    key = (np.dtype(dtype).name, np.dtype(xdtype).name)
    with _scorings_lock:
        if key not in _scorings:
            child = Later(f"from fastnet import kernels; kernels.scoring{key!r}.compile_here()")
            sizes, offsets = np.ones(2, dtype=np.int64), np.arange(2, dtype=np.int64)[:, None]
            X, out = np.zeros((1, 1), dtype=key[1]), np.zeros((1, 1), dtype=key[0])
            params = np.zeros(2, dtype=key[0])
            child.add(forward_rows, *_forward_args(params, sizes, *offsets, X, out, None))
            _scorings[key] = child
        return _scorings[key]


def prepare_scoring(dtype, xdtype):
    """Start compiling the course's forward pass for these dtypes in a
    child process, unless Numba's cache has it: called as a first run's
    training starts, it compiles on the second core while this process
    compiles its epoch (a first run's compile 0.2-0.4 s longer instead of
    2 s more at the first evaluation, on the Xeon of issue 9)."""
    scoring(dtype, xdtype).start()


@kernel
def _gradient_rows(padded, work, sizes, width, pw_off, pb_off, X, Y, acts, deltas, targets, cfg):
    m = X.shape[0]
    # One step of -1 (eta = -m) from zero leaves exactly the summed gradients;
    # the same compiled code as training's (fastnet._passes._sgd).
    _sgd(
        padded,
        work,
        sizes,
        width,
        pw_off,
        pb_off,
        X,
        Y,
        np.arange(m),
        0,
        1,
        1,
        m,
        -float(m),
        acts,
        deltas,
        targets,
        cfg,
        None,
        0.0,
        None,
    )


gradient_rows = entry(_gradient_rows)


def batch_gradient(params, sizes, w_off, b_off, X, Y, grad, cfg):
    """Summed gradients of the configured cost over the rows of X/Y, into
    ``grad`` (laid out like params)."""
    padded, width, pw_off, pb_off = _packed(params, sizes, w_off, b_off)
    acts, deltas, targets = workspace_arrays(params.dtype, sizes, width, X.shape[0])
    work = zeros_aligned(padded.shape, padded.dtype)
    gradient_rows(padded, work, sizes, width, pw_off, pb_off, X, Y, acts, deltas, targets, cfg)
    _unpack_np(work, sizes, w_off, b_off, width, pw_off, pb_off, grad)


@kernel
def _cost_sum(out, Y, cfg):
    total = 0.0
    for r in range(out.shape[0]):
        for j in range(out.shape[1]):
            a = out[r, j]
            y = Y[r, j]
            if cfg[CFG_COST] == QUADRATIC:
                total += 0.5 * (a - y) * (a - y)
            elif cfg[CFG_COST] == CROSS_ENTROPY:
                # 0 * log(0) counts as 0, as np.nan_to_num makes it in network2
                if y != 0.0:
                    total -= y * np.log(a)
                if y != 1.0:
                    total -= (1.0 - y) * np.log(1.0 - a)
            elif y != 0.0:
                total -= y * np.log(a)
    return total / out.shape[0]


cost_sum = entry(_cost_sum)


def total_cost(params, sizes, w_off, b_off, X, Y, cfg):
    """Mean cost of the rows of X against targets Y (configured cost)."""
    out = np.empty((X.shape[0], int(sizes[-1])), dtype=params.dtype)
    forward_all(params, sizes, w_off, b_off, X, out, cfg)
    return cost_sum(out, Y, cfg)
