"""What the benchmarks measure: the course's network and run settings,
the seeds, and the FLOP counts used for GFLOP/s.

FLOP counts (one multiply-add = 2 FLOP):

- training, per epoch: ``2 * n * (2 * S)`` with ``S = sum(n_in * n_out)``
  over the layers. Per example that is the forward products ``W.T a``
  (``2 S``) plus the weight-gradient outer products ``a delta.T`` (``2 S``).
  Not counted: the back-propagation of deltas through the hidden layers
  (``2 * 30 * 10`` per example here, ~1 % of the total), sigmoids, the
  element-wise work and the weight updates.
- executed, per epoch (:func:`executed_train_flop`): the same count with
  layer 0's products (forward and weight gradient) counted only for the
  inputs the kernels use. Since the tenth pass (docs/performance.md,
  section 17) the course's network leaves out of both the inputs that are
  0 in every example of the mini-batch (exact: they add ±0 to each sum,
  and the step of their weight rows is ``w - c*0 = w``), so on MNIST the
  kernels execute fewer FLOP than ``2 * n * (2 * S)``; GFLOP/s and shares
  of the peak computed from the nominal count are then an effective rate,
  and the executed share says how busy the FMA units were.
- evaluation: ``n * 2 S`` (forward products only).
- GEMM ``(N, N) @ (N, N)``: ``2 N^3``.
"""

import contextlib
import io
import os
import time

SIZES = [784, 30, 10]
BATCH = 10
ETA = 3.0
# np.random seed for the initial weights, random seed for the shuffles
WEIGHT_SEED = 1
SHUFFLE_SEED = 2

TRAIN_FORMULA = "2*n*(2*sum(n_in*n_out))"
EVAL_FORMULA = "n*2*sum(n_in*n_out)"
GEMM_FORMULA = "2*N^3"
GEMM_N = 1024  # the (N, N) GEMM whose rate is the core's peak
# busy waiting before each timed scoring pass (test_evaluer.py): OpenBLAS's
# threads stop spinning (about 0.1 s), and the inputs have left the caches
# by then, as the test set has an epoch after its last evaluation
EVAL_GAP_S = 0.15


def busy_wait(seconds):
    """Wait on this core without sleeping (a sleeping vCPU comes back to
    cold caches)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def weights_sum(sizes=SIZES):
    """``S = sum(n_in * n_out)`` over the layers."""
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def train_flop(n, sizes=SIZES):
    """FLOP of one training epoch over ``n`` examples (see module doc)."""
    return 2 * n * (2 * weights_sum(sizes))


def stepped_share(X, batch=BATCH, seed=SHUFFLE_SEED):
    """The share of layer 0's inputs the training kernels use (in the
    products and the weight rows they step), over the mini-batches of a
    seeded shuffle of ``X``'s rows: an input is left out where it is 0 in
    every example of the mini-batch, in mini-batches
    where at least one input in ``SPARSE_SHARE`` is (the rule of
    ``fastnet._sparse._zero_inputs``). The shuffles of a benchmark's
    epochs differ from this one; the share moves by well under 1 % between
    seeds on MNIST."""
    import numpy as np

    from fastnet._sparse import SPARSE_SHARE

    n, n_in = X.shape
    order = np.random.default_rng(seed).permutation(n)
    stepped = 0
    for start in range(0, n, batch):
        active = int(np.count_nonzero((X[order[start : start + batch]] != 0).any(axis=0)))
        stepped += active if (n_in - active) * SPARSE_SHARE >= n_in else n_in
    return stepped / (n_in * -(-n // batch))


def executed_train_flop(n, stepped, sizes=SIZES):
    """FLOP one training epoch of the course's network over ``n`` examples
    executes when a share ``stepped`` of layer 0's inputs is used (see
    :func:`stepped_share`): the nominal count less the left-out inputs'
    forward and gradient products."""
    return train_flop(n, sizes) - 2 * n * 2 * (1 - stepped) * sizes[0] * sizes[1]


def eval_flop(n, sizes=SIZES):
    """FLOP of one forward pass over ``n`` examples."""
    return n * 2 * weights_sum(sizes)


def gemm_flop(n):
    """FLOP of one ``(n, n) @ (n, n)`` product."""
    return 2 * n**3


def gemm_operands(dtype, n):
    """Seeded ``(A, B, C)``, each ``(n, n)`` of ``dtype``, for :func:`gemm_rate`."""
    import numpy as np

    rng = np.random.default_rng(0)
    return (
        rng.random((n, n)).astype(dtype),
        rng.random((n, n)).astype(dtype),
        np.empty((n, n), dtype),
    )


def gemm_rate(A, B, C, reps=3):
    """GFLOP/s of the fastest of ``reps`` products ``A @ B`` into ``C``: the
    GEMM peak of this moment, taken beside an epoch (the machine's speed
    drifts within minutes). BLAS threads are the caller's to limit."""
    import numpy as np

    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        np.matmul(A, B, out=C)
        best = min(best, time.perf_counter() - t)
    return gemm_flop(len(A)) / best / 1e9


def median_s(benchmark):
    """Median seconds of a finished benchmark, or None (benchmarks disabled)."""
    stats = getattr(benchmark, "stats", None)
    inner = getattr(stats, "stats", None)
    return getattr(inner, "median", None)


def record_rates(benchmark, flop, n_examples=None):
    """Put the FLOP count and the median-based rates in ``extra_info``."""
    info = benchmark.extra_info
    info["flop"] = int(flop)
    if n_examples is not None:
        info["n_examples"] = int(n_examples)
    t = median_s(benchmark)
    if t:
        info["gflops"] = flop / t / 1e9
        if n_examples is not None:
            info["examples_per_s"] = n_examples / t


def quiet(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` with its per-epoch prints swallowed."""
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


def is_smoke(benchmark):
    """True under ``--benchmark-disable``: each body runs once, untimed, so
    the costly benchmarks shrink their work to a quick check."""
    return bool(getattr(benchmark, "disabled", False))


def blas_threads_now():
    """BLAS threads numpy would use now (None if threadpoolctl is missing)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    counts = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    return max(counts) if counts else None


#: ``extra_info["blas_limit"]`` of a run left at the BLAS library's own threads
BLAS_DEFAULT = "BLAS default threads"


def blas_limit(threads):
    """``(context, info)``: a context limiting numpy's BLAS to ``threads``
    (None: leave BLAS alone) and ``extra_info`` entries saying what it did."""
    if threads is None:
        n = blas_threads_now()
        return contextlib.nullcontext(), dict(blas_threads=n, blas_limit=BLAS_DEFAULT)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        env = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
        if env:
            return contextlib.nullcontext(), dict(
                blas_threads=int(env), blas_limit=f"env: {env} thread(s)"
            )
        return contextlib.nullcontext(), dict(
            blas_threads=None,
            blas_limit="not limited (threadpoolctl not installed): BLAS default threads",
        )
    return (
        threadpool_limits(limits=threads, user_api="blas"),
        dict(blas_threads=threads, blas_limit=f"threadpoolctl: {threads} thread(s)"),
    )


#: numpy-peer BLAS settings benchmarked: one thread (the fair peer of
#: fastnet's single-threaded serial epoch) and the library's default.
BLAS_MODES = {"blas1": 1, "blasdefault": None}
