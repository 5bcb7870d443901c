"""Numba kernels: forward, backprop and SGD over whole mini-batches.

Only arrays and numbers cross this boundary. All parameters live in one
flat buffer ``params``; layer ``l`` has its weights at
``params[w_off[l]:w_off[l] + n_in*n_out]`` in the course's layout
``(n_in, n_out)`` row-major (so ``z = W.T @ a + b``) and its biases at
``params[b_off[l]:b_off[l] + n_out]``. Activations of a mini-batch are rows
of per-layer blocks in a flat workspace (layer l: ``(rows, sizes[l])``).

The summation orders follow the course's per-example code wherever that
costs nothing (gradients are summed example by example, ``eta/m`` is formed
first), so float64 results match it to rounding.
"""
import numpy as np
from numba import prange

from ._jit import kernel, parallel_kernel


@kernel
def sigmoid(z):
    # exp(-z) may overflow to inf for z << 0: 1/(1+inf) = 0 is the right limit.
    return 1.0 / (1.0 + np.exp(-z))


@kernel
def _layer(buf, off, sizes, l, rows):
    """Rows x sizes[l] view of layer l's slice of a workspace buffer."""
    return buf[rows * off[l]:rows * (off[l] + sizes[l])].reshape((rows, sizes[l]))


@kernel
def _forward_rows(params, sizes, w_off, b_off, a_off, acts, m):
    """Forward pass for the first m rows (layer 0 of ``acts`` holds inputs).

    ``acts`` is a flat workspace: layer l is a (rows, sizes[l]) block.
    """
    rows = acts.size // a_off[-1]
    for l in range(sizes.size - 1):
        n_in = sizes[l]
        n_out = sizes[l + 1]
        w = params[w_off[l]:w_off[l] + n_in * n_out].reshape((n_in, n_out))
        b = params[b_off[l]:b_off[l] + n_out]
        A = _layer(acts, a_off, sizes, l, rows)
        Z = _layer(acts, a_off, sizes, l + 1, rows)
        for e in range(m):
            z = Z[e]
            for j in range(n_out):
                z[j] = 0.0
        # i outer: each weight row is read once per mini-batch
        for i in range(n_in):
            wi = w[i]
            for e in range(m):
                a = A[e, i]
                z = Z[e]
                for j in range(n_out):
                    z[j] += a * wi[j]
        for e in range(m):
            z = Z[e]
            for j in range(n_out):
                z[j] = sigmoid(z[j] + b[j])


@kernel
def _backprop_update(params, sizes, w_off, b_off, a_off, acts, deltas, gw,
                     targets, m, scale, grad):
    """Backprop of the quadratic cost over the first m rows and the step
    ``p -= scale * sum of gradients`` (``scale = eta/m``).

    ``targets`` holds the m target rows. If ``grad`` is not empty, the
    summed gradients are written there (laid out like ``params``) and
    ``params`` is left unchanged. Each weight row is updated right after it
    has served to propagate the error one layer down.
    """
    store = grad.size > 0
    rows = acts.size // a_off[-1]
    nl = sizes.size - 1
    A = _layer(acts, a_off, sizes, nl, rows)
    D = _layer(deltas, a_off, sizes, nl, rows)
    for e in range(m):
        for j in range(sizes[nl]):
            a = A[e, j]
            D[e, j] = (a - targets[e, j]) * (a * (1.0 - a))
    for l in range(nl - 1, -1, -1):
        n_in = sizes[l]
        n_out = sizes[l + 1]
        w = params[w_off[l]:w_off[l] + n_in * n_out].reshape((n_in, n_out))
        b = params[b_off[l]:b_off[l] + n_out]
        A = _layer(acts, a_off, sizes, l, rows)
        D = _layer(deltas, a_off, sizes, l + 1, rows)
        Dp = _layer(deltas, a_off, sizes, l, rows)
        g = gw[:n_out]
        for j in range(n_out):
            g[j] = 0.0
        for e in range(m):
            d = D[e]
            for j in range(n_out):
                g[j] += d[j]
        for j in range(n_out):
            if store:
                grad[b_off[l] + j] = g[j]
            else:
                b[j] = b[j] - scale * g[j]
        for i in range(n_in):
            wi = w[i]
            if l > 0:
                for e in range(m):
                    d = D[e]
                    s = 0.0
                    for j in range(n_out):
                        s += wi[j] * d[j]
                    a = A[e, i]
                    Dp[e, i] = s * (a * (1.0 - a))
            for j in range(n_out):
                g[j] = 0.0
            for e in range(m):
                a = A[e, i]
                d = D[e]
                for j in range(n_out):
                    g[j] += a * d[j]
            if store:
                for j in range(n_out):
                    grad[w_off[l] + i * n_out + j] = g[j]
            else:
                for j in range(n_out):
                    wi[j] = wi[j] - scale * g[j]


@kernel
def _load_batch(X, Y, order, start, m, acts, targets, n_in):
    A = acts[:targets.shape[0] * n_in].reshape((targets.shape[0], n_in))
    for e in range(m):
        r = order[start + e]
        x = X[r]
        a = A[e]
        for i in range(n_in):
            a[i] = x[i]
        for j in range(Y.shape[1]):
            targets[e, j] = Y[r, j]


@kernel
def _workspace(params, sizes, batch):
    total = 0
    for s in sizes:
        total += s
    acts = np.zeros(batch * total, dtype=params.dtype)
    deltas = np.zeros(batch * total, dtype=params.dtype)
    gw = np.zeros(sizes.max(), dtype=params.dtype)
    targets = np.zeros((batch, sizes[-1]), dtype=params.dtype)
    a_off = np.zeros(sizes.size + 1, dtype=np.int64)
    for l in range(1, sizes.size + 1):
        a_off[l] = a_off[l - 1] + sizes[l - 1]
    return acts, deltas, gw, targets, a_off


@kernel
def train_epoch(params, sizes, w_off, b_off, X, Y, order, batch, eta):
    """One epoch of mini-batch SGD over ``order`` (rows of X/Y), in order."""
    acts, deltas, gw, targets, a_off = _workspace(params, sizes, batch)
    nograd = np.empty(0, dtype=params.dtype)
    n = order.size
    n_in = sizes[0]
    for start in range(0, n, batch):
        m = min(batch, n - start)
        _load_batch(X, Y, order, start, m, acts, targets, n_in)
        _forward_rows(params, sizes, w_off, b_off, a_off, acts, m)
        _backprop_update(params, sizes, w_off, b_off, a_off, acts, deltas, gw,
                         targets, m, eta / m, nograd)


@parallel_kernel
def train_epoch_parallel(params, sizes, w_off, b_off, X, Y, order, batch, eta,
                         n_workers, sync_every):
    """Local SGD with periodic model averaging (deterministic).

    Mini-batches are dealt round-robin to ``n_workers`` replicas. In each
    round every replica starts from the shared parameters, takes up to
    ``sync_every`` SGD steps on its own mini-batches, and the shared
    parameters become the mean of the replicas. The result depends on
    ``n_workers`` and ``sync_every`` only, never on thread timing.
    """
    n = order.size
    n_batches = (n + batch - 1) // batch
    per_round = n_workers * sync_every
    replicas = np.empty((n_workers, params.size), dtype=params.dtype)
    nograd = np.empty(0, dtype=params.dtype)
    for first in range(0, n_batches, per_round):
        for w in prange(n_workers):
            p = replicas[w]
            p[:] = params
            acts, deltas, gw, targets, a_off = _workspace(params, sizes, batch)
            for k in range(sync_every):
                bi = first + k * n_workers + w
                if bi >= n_batches:
                    break
                start = bi * batch
                m = min(batch, n - start)
                _load_batch(X, Y, order, start, m, acts, targets, sizes[0])
                _forward_rows(p, sizes, w_off, b_off, a_off, acts, m)
                _backprop_update(p, sizes, w_off, b_off, a_off, acts, deltas,
                                 gw, targets, m, eta / m, nograd)
        active = min(n_workers, n_batches - first)
        for t in range(params.size):
            s = 0.0
            for w in range(active):
                s += replicas[w, t]
            params[t] = s / active


@kernel
def forward_all(params, sizes, w_off, b_off, X, out):
    """Outputs of the network for every row of X, into ``out`` (n, n_out)."""
    chunk = 64
    acts, deltas, gw, targets, a_off = _workspace(params, sizes, chunk)
    n = X.shape[0]
    n_in = sizes[0]
    nl = sizes.size - 1
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        A = _layer(acts, a_off, sizes, 0, chunk)
        for e in range(m):
            for i in range(n_in):
                A[e, i] = X[start + e, i]
        _forward_rows(params, sizes, w_off, b_off, a_off, acts, m)
        Out = _layer(acts, a_off, sizes, nl, chunk)
        for e in range(m):
            for j in range(sizes[nl]):
                out[start + e, j] = Out[e, j]


@kernel
def count_correct(params, sizes, w_off, b_off, X, labels):
    """Number of rows whose output argmax (first maximum) equals the label."""
    out = np.empty((X.shape[0], sizes[-1]), dtype=params.dtype)
    forward_all(params, sizes, w_off, b_off, X, out)
    correct = 0
    for r in range(X.shape[0]):
        best = 0
        for j in range(1, out.shape[1]):
            if out[r, j] > out[r, best]:
                best = j
        if best == labels[r]:
            correct += 1
    return correct


@kernel
def batch_gradient(params, sizes, w_off, b_off, X, Y, grad):
    """Summed quadratic-cost gradients of the rows of X/Y, into ``grad``
    (laid out like ``params``); ``params`` is left unchanged."""
    m = X.shape[0]
    order = np.arange(m)
    acts, deltas, gw, targets, a_off = _workspace(params, sizes, m)
    _load_batch(X, Y, order, 0, m, acts, targets, sizes[0])
    _forward_rows(params, sizes, w_off, b_off, a_off, acts, m)
    _backprop_update(params, sizes, w_off, b_off, a_off, acts, deltas, gw,
                     targets, m, 0.0, grad)
