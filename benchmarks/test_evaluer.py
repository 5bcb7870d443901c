"""``evaluer`` on the 10,000 MNIST test images: the course's per-example
loop, the numpy peer (one matrix pass; BLAS at 1 thread and at its default)
and fastnet, all with the same seeded weights (untrained: the work does
not depend on them). On arrays, the numpy peer's pass (BLAS at its default,
the threads fastnet's scoring uses) is also timed before each fastnet round,
so that the two compare within the same minutes (the report's target row).
Each of these two passes starts after ``GAP_S`` of busy waiting: OpenBLAS's
worker threads keep spinning for about 0.1 s after each product (its
``THREAD_TIMEOUT``), and fastnet's second thread would share a core with
them (section 18 of docs/performance.md); fastnet's threads sleep at once.
"""

import time

import numpy as np
import pytest

from . import workload as wl
from .numpy_peer import MatrixReseau

pytestmark = pytest.mark.benchmark(group="evaluer")

ROUNDS = 5
GAP_S = wl.EVAL_GAP_S


def _describe(benchmark, impl, dtype, data, n):
    benchmark.extra_info.update(
        impl=impl,
        dtype=np.dtype(dtype).name,
        mode="serial",
        data=data,
        sizes=wl.SIZES,
        flop_formula=wl.EVAL_FORMULA,
    )
    wl.record_rates(benchmark, wl.eval_flop(n), n)


def test_evaluer_reference(benchmark, test_pairs, initial_params):
    """``ReseauReference.evaluer`` on the course's list of pairs."""
    from fastnet.reference import ReseauReference

    net = ReseauReference(wl.SIZES)
    net.biais, net.poids = initial_params
    correct = benchmark.pedantic(net.evaluer, args=(test_pairs,), rounds=ROUNDS, iterations=1)
    _describe(benchmark, "reference", np.float64, "pairs", len(test_pairs))
    benchmark.extra_info["correct"] = correct


@pytest.mark.parametrize("blas", list(wl.BLAS_MODES))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_evaluer_numpy(benchmark, mnist, initial_params, dtype, blas):
    """The numpy peer: all test rows through the layers as one matrix,
    BLAS at 1 thread (``blas1``) or at its default (``blasdefault``)."""
    _, (X, y) = mnist
    net = MatrixReseau(*initial_params, dtype)
    Xd = X.astype(dtype)
    limit, blas_info = wl.blas_limit(wl.BLAS_MODES[blas])
    with limit:
        correct = benchmark.pedantic(
            net.evaluer, args=(Xd, y), rounds=ROUNDS, iterations=1, warmup_rounds=1
        )
    _describe(benchmark, "numpy", dtype, "arrays", len(X))
    benchmark.extra_info.update(blas_info)
    benchmark.extra_info["correct"] = correct


@pytest.mark.parametrize("data", ["arrays", "pairs"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_evaluer_fastnet(benchmark, mnist, test_pairs, initial_params, fastnet_warm, dtype, data):
    """``Reseau.evaluer`` on ``(X, y)`` arrays, or on the course's pairs
    (the drop-in case, conversion included). The arrays are the numpy
    peer's own data: X in the model's dtype, converted outside the timing
    as for the peer (float32 MNIST into a float64 model adds the
    conversion, a few ms)."""
    from fastnet import Reseau
    from fastnet._engine import split_parts

    net = Reseau(wl.SIZES, dtype=dtype)
    biais, poids = initial_params
    net.biais = [np.array(b) for b in biais]
    net.poids = [np.array(w) for w in poids]
    X, y = mnist[1]
    test = (X.astype(dtype), y) if data == "arrays" else test_pairs
    peer = MatrixReseau(biais, poids, dtype)
    numpy_s = []

    def setup():
        if data == "arrays":  # numpy's pass on the same arrays, just before
            wl.busy_wait(GAP_S)
            start = time.perf_counter()
            peer.evaluer(*test)
            numpy_s.append(time.perf_counter() - start)
            wl.busy_wait(GAP_S)  # OpenBLAS's threads stop spinning
        return (test,), {}

    correct = benchmark.pedantic(
        net.evaluer, setup=setup, rounds=ROUNDS, iterations=1, warmup_rounds=1
    )
    _describe(benchmark, "fastnet", dtype, data, len(test_pairs))
    if numpy_s:  # the warm-up round's pass dropped, as its fastnet round is
        benchmark.extra_info["numpy_interleaved_s"] = numpy_s[1:] or numpy_s
        benchmark.extra_info["gap_s"] = GAP_S
    benchmark.extra_info["correct"] = correct
    # large inputs are split over the cores: the report's thread column says so
    benchmark.extra_info["threads"] = split_parts(len(test_pairs))
