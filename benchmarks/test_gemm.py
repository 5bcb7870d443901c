"""The machine's GEMM throughput, float64 and float32: numpy's matmul of
two N x N matrices, BLAS limited to one thread through ``threadpoolctl``
when it is installed (otherwise nothing is limited, and ``extra_info``
says so). The report divides the epoch rates by these peaks."""
import contextlib
import os

import numpy as np
import pytest

from . import workload as wl

pytestmark = pytest.mark.benchmark(group="peak")

N = 1024
ROUNDS = 10


def _one_blas_thread():
    """(context limiting BLAS to 1 thread, description of the limit)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        env = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
        if env:
            return contextlib.nullcontext(), int(env), f"env: {env} thread(s)"
        return (contextlib.nullcontext(), None,
                "not limited (threadpoolctl not installed): BLAS default threads")
    return threadpool_limits(limits=1, user_api="blas"), 1, "threadpoolctl: 1 thread"


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gemm(benchmark, dtype):
    """``A @ B`` into a preallocated ``C``, all ``(N, N)``."""
    rng = np.random.default_rng(0)
    A = rng.random((N, N)).astype(dtype)
    B = rng.random((N, N)).astype(dtype)
    C = np.empty((N, N), dtype=dtype)
    limit, threads, note = _one_blas_thread()
    with limit:
        benchmark.pedantic(np.matmul, args=(A, B), kwargs={"out": C}, rounds=ROUNDS,
                           iterations=1, warmup_rounds=2)
    benchmark.extra_info.update(impl="gemm", dtype=np.dtype(dtype).name, n=N,
                                blas_threads=threads, blas_limit=note,
                                flop_formula=wl.GEMM_FORMULA)
    wl.record_rates(benchmark, wl.gemm_flop(N))
