"""fastnet against the numpy peer at every shape of issue 9: hidden widths
30 / 100 / 300 and the deeper ``[784, 100, 100, 10]``, mini-batch 10 and
100, float64 and float32, one epoch on the first 10,000 MNIST training
images, serial (fastnet) against one BLAS thread (numpy).

The numpy peer's epochs are interleaved with fastnet's: before each
fastnet round (in the round's untimed setup) one numpy epoch runs and is
timed, so that both see the same minutes of a shared machine (issue 9,
fifth pass: measured minutes apart, one point moved by up to 30 % between
runs). So is the GEMM peak of the dtype (best of ``GEMM_REPS``, one BLAS
thread). ``report.py`` puts them side by side (group ``peers``): the ratio
of the medians (target: never below 1) and, from width 100 up, fastnet's
share of the GEMM peak timed beside it (target: 60 %).
"""

import random
import time

import numpy as np
import pytest

from . import workload as wl
from .conftest import one_hot
from .numpy_peer import MatrixReseau
from .test_scaling import _params

pytestmark = pytest.mark.benchmark(group="peers")

SHAPES = ([784, 30, 10], [784, 100, 10], [784, 300, 10], [784, 100, 100, 10])
BATCHES = (10, 100)
DTYPES = ("float64", "float32")
N = 10_000
ROUNDS = 5  # medians of 5: single slow rounds on shared vCPUs moved points by 20 %
SMOKE_N = 1_000
GEMM_REPS = 2

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
    """fastnet ``Reseau(sizes, dtype=...).DGS`` for one epoch, serial; the
    numpy peer's epoch (BLAS at 1 thread) timed just before each round."""
    from fastnet import Reseau

    sizes, batch, dtype = point
    n = SMOKE_N if wl.is_smoke(benchmark) else N
    (X, y), _ = mnist
    data = (X[:n], y[:n])
    Xd, Yd = X[:n].astype(dtype), one_hot(y[:n], dtype)
    biais, poids = _params(sizes)
    numpy_s, gemm = [], []
    A, B, C = wl.gemm_operands(dtype, wl.GEMM_N // 8 if wl.is_smoke(benchmark) else wl.GEMM_N)

    def setup():
        gemm.append(wl.gemm_rate(A, B, C, GEMM_REPS))
        peer = MatrixReseau(biais, poids, dtype)
        start = time.perf_counter()
        peer.epoch(Xd, Yd, batch, wl.ETA, np.random.default_rng(wl.SHUFFLE_SEED))
        numpy_s.append(time.perf_counter() - start)
        random.seed(wl.SHUFFLE_SEED)
        net = Reseau(sizes, dtype=dtype)
        net.biais, net.poids = biais, poids
        return (net.DGS, data, 1, batch, wl.ETA), {}

    limit, blas_info = wl.blas_limit(1)
    with limit:
        benchmark.pedantic(wl.quiet, setup=setup, rounds=ROUNDS, iterations=1, warmup_rounds=1)
    _describe(benchmark, "fastnet", sizes, batch, dtype, n)
    benchmark.extra_info["threads"] = 1
    # the warm-up round's numpy epoch is dropped, as its fastnet round is
    benchmark.extra_info["numpy_interleaved_s"] = numpy_s[1:] or numpy_s
    benchmark.extra_info["gemm_interleaved_gflops"] = gemm[1:] or gemm
    benchmark.extra_info.update({f"numpy_{k}": v for k, v in blas_info.items()})
