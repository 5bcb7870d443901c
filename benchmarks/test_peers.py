"""fastnet against the numpy peer at every shape of issue 9: hidden widths
30 / 100 / 300 and the deeper ``[784, 100, 100, 10]``, mini-batch 10 and
100, float64 and float32, one epoch on the first 10,000 MNIST training
images, serial (fastnet) against one BLAS thread (numpy).

``report.py`` puts the pairs side by side (group ``peers``): the ratio
(target: never below 1) and, from width 100 up, fastnet's share of the
same-run GEMM peak of its dtype (target: 60 %).
"""

import random

import pytest

from . import workload as wl
from .conftest import one_hot
from .test_scaling import _params, time_numpy_epochs

pytestmark = pytest.mark.benchmark(group="peers")

SHAPES = ([784, 30, 10], [784, 100, 10], [784, 300, 10], [784, 100, 100, 10])
BATCHES = (10, 100)
DTYPES = ("float64", "float32")
N = 10_000
ROUNDS = 5  # medians of 5: single slow rounds on shared vCPUs moved points by 20 %
SMOKE_N = 1_000

POINTS = [(s, b, d) for s in SHAPES for b in BATCHES for d in DTYPES]


def _id(point):
    sizes, batch, dtype = point
    return "-".join(map(str, sizes[1:-1])) + f"-b{batch}-{dtype}"


def _describe(benchmark, impl, sizes, batch, dtype, n):
    benchmark.extra_info.update(
        impl=impl,
        dtype=dtype,
        mode="serial",
        sizes=sizes,
        shape="-".join(map(str, sizes)),
        n=n,
        batch=batch,
        eta=wl.ETA,
        epochs=1,
        flop_formula=wl.TRAIN_FORMULA,
    )
    wl.record_rates(benchmark, wl.train_flop(n, sizes), n)


@pytest.mark.parametrize("point", POINTS, ids=[_id(p) for p in POINTS])
def test_peers_fastnet(benchmark, mnist, fastnet_warm, point):
    """fastnet ``Reseau(sizes, dtype=...).DGS`` for one epoch, serial."""
    from fastnet import Reseau

    sizes, batch, dtype = point
    n = SMOKE_N if wl.is_smoke(benchmark) else N
    (X, y), _ = mnist
    data = (X[:n], y[:n])
    biais, poids = _params(sizes)

    def setup():
        random.seed(wl.SHUFFLE_SEED)
        net = Reseau(sizes, dtype=dtype)
        net.biais, net.poids = biais, poids
        return (net.DGS, data, 1, batch, wl.ETA), {}

    benchmark.pedantic(wl.quiet, setup=setup, rounds=ROUNDS, iterations=1, warmup_rounds=1)
    _describe(benchmark, "fastnet", sizes, batch, dtype, n)
    benchmark.extra_info["threads"] = 1


@pytest.mark.parametrize("point", POINTS, ids=[_id(p) for p in POINTS])
def test_peers_numpy(benchmark, mnist, point):
    """The numpy peer (one matrix step per mini-batch), BLAS at 1 thread."""
    sizes, batch, dtype = point
    n = SMOKE_N if wl.is_smoke(benchmark) else N
    (X, y), _ = mnist
    Xd = X[:n].astype(dtype)
    Yd = one_hot(y[:n], dtype)
    blas_info = time_numpy_epochs(benchmark, _params(sizes), dtype, Xd, Yd, batch, ROUNDS)
    _describe(benchmark, "numpy", sizes, batch, dtype, n)
    benchmark.extra_info.update(blas_info)
