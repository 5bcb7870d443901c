"""The serial epoch's share of the core's GEMM peak, measured in pairs.

The epoch and the GEMM peak (``test_gemm.py``) are timed minutes apart in
a suite run, while the speed of a shared 2-vCPU machine drifts by 20 % and
more within minutes (docs/performance.md, section 14): their ratio then
measures the drift as much as the epoch. Here each round times the GEMM
(best of ``GEMM_REPS``, one BLAS thread) right before one fastnet epoch of
the course's network at mini-batch 10, and keeps the ratio of their rates.
The report takes the median over the rounds of these ratios.
"""

import random
import time

import numpy as np
import pytest

from . import workload as wl
from .conftest import fastnet_net, pixel_codes

pytestmark = pytest.mark.benchmark(group="share")

ROUNDS = 9
GEMM_REPS = 3


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_share_of_peak(benchmark, mnist, initial_params, fastnet_warm, dtype):
    """One fastnet serial epoch per round, each right after the GEMM peak."""
    (X, y), _ = mnist
    codes = pixel_codes(X)
    n = wl.GEMM_N // 8 if wl.is_smoke(benchmark) else wl.GEMM_N
    A, B, C = wl.gemm_operands(dtype, n)
    peaks, epochs = [], []
    limit, blas = wl.blas_limit(1)

    def setup():
        peaks.append(wl.gemm_rate(A, B, C, GEMM_REPS))
        random.seed(wl.SHUFFLE_SEED)
        net = fastnet_net(*initial_params, dtype=dtype)
        return (net,), {}

    def epoch(net):
        t = time.perf_counter()
        wl.quiet(net.DGS, (codes, y), 1, wl.BATCH, wl.ETA)
        epochs.append(time.perf_counter() - t)

    with limit:  # one BLAS thread throughout (leaving restores the default)
        benchmark.pedantic(epoch, setup=setup, rounds=ROUNDS, iterations=1)
    flop = wl.train_flop(len(codes))
    shares = [flop / t / 1e9 / p for t, p in zip(epochs, peaks)]
    assert shares and all(0 < s < 10 for s in shares), shares
    # the FLOP the kernels execute: layer 0's skipped rows left out
    stepped = wl.stepped_share(codes)
    executed = wl.executed_train_flop(len(codes), stepped) / flop
    benchmark.extra_info.update(
        impl="fastnet",
        dtype=np.dtype(dtype).name,
        mode="serial",
        batch=wl.BATCH,
        gemm_n=n,
        gemm_gflops=peaks,
        epoch_gflops=[flop / t / 1e9 for t in epochs],
        shares=shares,
        share_median=float(np.median(shares)),
        stepped_share=stepped,
        executed_flop_share=executed,
        executed_share_median=float(np.median(shares)) * executed,
        flop_formula=wl.TRAIN_FORMULA,
        **blas,
    )
    wl.record_rates(benchmark, flop, len(codes))
