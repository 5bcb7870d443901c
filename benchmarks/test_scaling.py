"""How the cost of one training epoch grows with the work: fastnet serial
float64 on [784, width, 10] for hidden width 30 / 100 / 300, mini-batch
10 / 100 and the first 10,000 / all 50,000 MNIST training images (eta 3.0).

The FLOP count is linear in examples and (here, as 784 dominates) nearly in
width, so seconds per example should stay flat as n grows and grow about
as ``sum(n_in * n_out)`` with width; the report divides each point by the
smallest one. The numpy peer (BLAS at 1 thread) runs the 10,000-image
points, where it is cheap, for a per-point comparison.
"""

import random

import numpy as np
import pytest

from . import workload as wl
from .conftest import one_hot
from .numpy_peer import MatrixReseau

pytestmark = pytest.mark.benchmark(group="scaling")

WIDTHS = (30, 100, 300)
BATCHES = (10, 100)
NS = (10_000, 50_000)
ROUNDS = 3
SMOKE_N = 1_000  # examples per point under --benchmark-disable

POINTS = [(w, b, n) for n in NS for w in WIDTHS for b in BATCHES]


def _id(point):
    w, b, n = point
    return f"w{w}-b{b}-n{n // 1000}k"


def _params(sizes):
    """Course-layout ``(biais, poids)`` drawn after ``np.random.seed(WEIGHT_SEED)``,
    leaving the global numpy state as it was."""
    from fastnet.reference import ReseauReference

    state = np.random.get_state()
    np.random.seed(wl.WEIGHT_SEED)
    net = ReseauReference(sizes)
    np.random.set_state(state)
    return net.biais, net.poids


def _describe(benchmark, impl, sizes, batch, n):
    info = benchmark.extra_info
    info.update(
        impl=impl,
        dtype="float64",
        mode="serial",
        sizes=sizes,
        n=n,
        width=sizes[1],
        batch=batch,
        eta=wl.ETA,
        epochs=1,
        flop_formula=wl.TRAIN_FORMULA,
    )
    wl.record_rates(benchmark, wl.train_flop(n, sizes), n)
    t = wl.median_s(benchmark)
    if t:
        info["seconds_per_example"] = t / n


@pytest.mark.parametrize("point", POINTS, ids=[_id(p) for p in POINTS])
def test_scaling_fastnet(benchmark, mnist, fastnet_warm, point):
    """fastnet ``Reseau(..., float64).DGS`` for one epoch, serial."""
    from fastnet import Reseau

    width, batch, n = point
    if wl.is_smoke(benchmark):
        n = SMOKE_N
    (X, y), _ = mnist
    data = (X[:n], y[:n])
    sizes = [784, width, 10]
    biais, poids = _params(sizes)

    def setup():
        random.seed(wl.SHUFFLE_SEED)
        net = Reseau(sizes)
        net.biais, net.poids = biais, poids
        return (net.DGS, data, 1, batch, wl.ETA), {}

    benchmark.pedantic(wl.quiet, setup=setup, rounds=ROUNDS, iterations=1, warmup_rounds=1)
    _describe(benchmark, "fastnet", sizes, batch, n)
    benchmark.extra_info["threads"] = 1


def time_numpy_epochs(benchmark, params, dtype, Xd, Yd, batch, rounds):
    """Time one epoch of the numpy peer from ``params`` (``(biais, poids)``)
    on ``(Xd, Yd)``, BLAS at 1 thread, a fresh network each round; returns
    the BLAS thread information for ``extra_info``."""
    biais, poids = params
    last = {}

    def setup():
        last["net"] = MatrixReseau(biais, poids, dtype)
        return (Xd, Yd, batch, wl.ETA, np.random.default_rng(wl.SHUFFLE_SEED)), {}

    def run(*args):
        last["net"].epoch(*args)

    limit, blas_info = wl.blas_limit(1)
    with limit:
        benchmark.pedantic(run, setup=setup, rounds=rounds, iterations=1, warmup_rounds=1)
    return blas_info


PEER_POINTS = [p for p in POINTS if p[2] == min(NS)]


@pytest.mark.parametrize("point", PEER_POINTS, ids=[_id(p) for p in PEER_POINTS])
def test_scaling_numpy(benchmark, mnist, point):
    """The numpy peer (one matrix step per mini-batch), BLAS at 1 thread."""
    width, batch, n = point
    if wl.is_smoke(benchmark):
        n = SMOKE_N
    (X, y), _ = mnist
    Xd = X[:n].astype(np.float64)
    Yd = one_hot(y[:n])
    sizes = [784, width, 10]
    blas_info = time_numpy_epochs(benchmark, _params(sizes), np.float64, Xd, Yd, batch, ROUNDS)
    _describe(benchmark, "numpy", sizes, batch, n)
    benchmark.extra_info.update(blas_info)
