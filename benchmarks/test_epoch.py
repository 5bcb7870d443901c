"""One training epoch of the course's network [784, 30, 10] (batch 10,
eta 3.0) on the 50,000 MNIST training images: the course's per-example
code, the numpy matrix-per-mini-batch peer (BLAS limited to one thread, and
at its default thread count), and fastnet serial/parallel in
float64/float32; plus fastnet float64 serial/parallel at mini-batch 100,
the pair for the parallel-vs-serial target at that batch size.

Every round starts from the same seeded weights and (for the course and
fastnet) the same ``random`` state, so every round does the same work.
``extra_info`` holds the FLOP count (formula in ``workload.py``), the
rates at the median time and the test accuracy after the epoch.
"""

import random

import numpy as np
import pytest

from . import workload as wl
from .conftest import fastnet_net, one_hot, pixel_codes
from .numpy_peer import MatrixReseau

pytestmark = pytest.mark.benchmark(group="epoch")

FAST_ROUNDS = 10
REFERENCE_ROUNDS = 2
SMOKE_N = 1_000  # the reference's pairs under --benchmark-disable (a full epoch: 6 s)


def _describe(benchmark, impl, dtype, mode, n, batch=wl.BATCH):
    benchmark.extra_info.update(
        impl=impl,
        dtype=np.dtype(dtype).name,
        mode=mode,
        sizes=wl.SIZES,
        batch=batch,
        eta=wl.ETA,
        epochs=1,
        flop_formula=wl.TRAIN_FORMULA,
    )
    wl.record_rates(benchmark, wl.train_flop(n), n)


def _accuracy(benchmark, biais, poids, test):
    """Test accuracy of the trained parameters (scored by fastnet float64)."""
    benchmark.extra_info["test_accuracy"] = fastnet_net(biais, poids).evaluer(test) / len(test[1])


def test_epoch_reference(benchmark, mnist, train_pairs, initial_params, fastnet_warm):
    """The course's per-example loop (``ReseauReference.DGS``)."""
    from fastnet.reference import ReseauReference

    biais, poids = initial_params
    pairs = train_pairs[:SMOKE_N] if wl.is_smoke(benchmark) else train_pairs
    last = {}

    def setup():
        random.seed(wl.SHUFFLE_SEED)
        net = ReseauReference(wl.SIZES)
        net.biais = [b.copy() for b in biais]
        net.poids = [w.copy() for w in poids]
        last["net"] = net
        # DGS shuffles its list in place: give each round a fresh copy
        return (net.DGS, list(pairs), 1, wl.BATCH, wl.ETA), {}

    benchmark.pedantic(wl.quiet, setup=setup, rounds=REFERENCE_ROUNDS, iterations=1)
    _describe(benchmark, "reference", np.float64, "serial", len(pairs))
    _accuracy(benchmark, last["net"].biais, last["net"].poids, mnist[1])


@pytest.mark.parametrize("blas", list(wl.BLAS_MODES))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_epoch_numpy(benchmark, mnist, train_pairs, initial_params, dtype, blas):
    """The numpy peer: one matrix step per mini-batch (``numpy_peer.py``),
    BLAS at 1 thread (``blas1``) or at its default (``blasdefault``)."""
    from fastnet.reference import ReseauReference

    (X, y), test = mnist
    biais, poids = initial_params
    Xd = X.astype(dtype)  # converted once, outside the timing
    Yd = one_hot(y, dtype)

    # same math as the course: one mini-batch step agrees with its
    ref = ReseauReference(wl.SIZES)
    ref.biais = [b.copy() for b in biais]
    ref.poids = [w.copy() for w in poids]
    ref.update_mini_batch(train_pairs[: wl.BATCH], wl.ETA)
    peer = MatrixReseau(biais, poids, dtype)
    peer.update_mini_batch(Xd[: wl.BATCH], Yd[: wl.BATCH], wl.ETA)
    tol = 1e-12 if np.dtype(dtype) == np.float64 else 1e-5
    for a, b in zip(peer.course_params()[1], ref.poids):
        np.testing.assert_allclose(a, b, rtol=0, atol=tol)

    last = {}

    def setup():
        net = MatrixReseau(biais, poids, dtype)
        last["net"] = net
        return (Xd, Yd, wl.BATCH, wl.ETA, np.random.default_rng(wl.SHUFFLE_SEED)), {}

    def run(*args):
        last["net"].epoch(*args)

    limit, blas_info = wl.blas_limit(wl.BLAS_MODES[blas])
    with limit:
        benchmark.pedantic(run, setup=setup, rounds=FAST_ROUNDS, iterations=1, warmup_rounds=1)
    _describe(benchmark, "numpy", dtype, "serial", len(X))
    benchmark.extra_info.update(blas_info)
    _accuracy(benchmark, *last["net"].course_params(), test)


def _bench_fastnet(benchmark, mnist, initial_params, dtype, parallel, batch):
    """Time ``Reseau.DGS`` for one epoch on ``(codes, y)``: the images as
    the exact uint8 pixel codes that DGS turns float32 MNIST into, prepared
    outside the timing like the numpy peer's arrays (that one-time step is
    timed on its own in ``test_prepare_data``)."""
    from fastnet.parallel import default_workers

    (X, y), test = mnist
    X = pixel_codes(X)
    biais, poids = initial_params
    last = {}

    def setup():
        random.seed(wl.SHUFFLE_SEED)
        net = fastnet_net(biais, poids, dtype, parallel)
        last["net"] = net
        return (net.DGS, (X, y), 1, batch, wl.ETA), {}

    benchmark.pedantic(wl.quiet, setup=setup, rounds=FAST_ROUNDS, iterations=1, warmup_rounds=1)
    mode = "parallel" if parallel else "serial"
    _describe(benchmark, "fastnet", dtype, mode, len(X), batch)
    # replicas = Python threads running compiled steps (fastnet/parallel.py)
    benchmark.extra_info["threads"] = default_workers() if parallel else 1
    net = last["net"]
    _accuracy(benchmark, net.biais, net.poids, test)


def test_prepare_data(benchmark, mnist, fastnet_warm):
    """DGS's one-time data step on float32 MNIST: checks every value (NaN,
    inf) and packs the exact pixel codes, plus the one-hot targets."""
    from fastnet import _data

    (X, y), _ = mnist
    benchmark.pedantic(
        _data.training_arrays,
        args=((X, y), X.shape[1], 10),
        rounds=FAST_ROUNDS,
        iterations=1,
        warmup_rounds=1,
    )
    benchmark.extra_info.update(impl="fastnet", mode="prepare", n=len(X))


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "parallel"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_epoch_fastnet(benchmark, mnist, initial_params, fastnet_warm, dtype, parallel):
    """fastnet's ``Reseau.DGS``, mini-batch 10 (the course's)."""
    _bench_fastnet(benchmark, mnist, initial_params, dtype, parallel, wl.BATCH)


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "parallel"])
def test_epoch_fastnet_b100(benchmark, mnist, initial_params, fastnet_warm, parallel):
    """fastnet float64 at mini-batch 100: parallel vs serial at a larger batch."""
    _bench_fastnet(benchmark, mnist, initial_params, "float64", parallel, 100)
