"""The machine's GEMM throughput, float64 and float32: numpy's matmul of
two N x N matrices, BLAS limited to one thread through ``threadpoolctl``
when it is installed (otherwise nothing is limited, and ``extra_info``
says so). The report divides the epoch rates by these peaks."""

import numpy as np
import pytest

from . import workload as wl

pytestmark = pytest.mark.benchmark(group="peak")

N = wl.GEMM_N
ROUNDS = 10


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gemm(benchmark, dtype):
    """``A @ B`` into a preallocated ``C``, all ``(N, N)``."""
    A, B, C = wl.gemm_operands(dtype, N)
    limit, blas = wl.blas_limit(1)
    with limit:
        benchmark.pedantic(
            np.matmul, args=(A, B), kwargs={"out": C}, rounds=ROUNDS, iterations=1, warmup_rounds=2
        )
    benchmark.extra_info.update(
        impl="gemm", dtype=np.dtype(dtype).name, n=N, flop_formula=wl.GEMM_FORMULA, **blas
    )
    wl.record_rates(benchmark, wl.gemm_flop(N))
