"""Why the kernels' arrays start on a 64-byte boundary
(``fastnet.kernels.zeros_aligned``): one epoch of the course's network
(``[784, 30, 10]``, mini-batch 10, 50,000 images) through the compiled
epoch, with the padded weights and the scratch arrays at offset 0 of a
cache line (timed) and, in each round's untimed setup, the same epoch with
all of them at offset 16, 32 or 48 bytes (in turn), as numpy's allocator
places them. The two see the same minutes of a shared machine; the report
(group ``alignment``) compares their medians.

Both give the same bits (checked here): alignment changes only how the
vector loads meet the cache lines.
"""

import time

import numpy as np
import pytest

from . import workload as wl
from .conftest import one_hot

pytestmark = pytest.mark.benchmark(group="alignment")

OFFSETS = (16, 32, 48)
ROUNDS = 9  # three per misaligned offset
SMOKE_N = 1_000


def _at(like, offset):
    """A copy of ``like`` whose data starts ``offset`` bytes after a
    64-byte boundary."""
    raw = np.zeros(like.nbytes + 128, dtype=np.uint8)
    start = (offset - raw.ctypes.data) % 64
    out = raw[start : start + like.nbytes].view(like.dtype).reshape(like.shape)
    out[...] = like
    assert out.ctypes.data % 64 == offset
    return out


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_alignment(benchmark, mnist, fastnet_warm, dtype):
    """The epoch at offset 0 (timed); at 16/32/48 in each round's setup."""
    from fastnet import kernels
    from fastnet._engine import Layout

    n = SMOKE_N if wl.is_smoke(benchmark) else len(mnist[0][0])
    (X, y), _ = mnist
    codes = np.round(X[:n] * 256).astype(np.uint8)  # pixel codes, as DGS makes them
    Y = one_hot(y[:n], dtype)
    order = np.random.default_rng(wl.SHUFFLE_SEED).permutation(n).astype(np.int64)
    cfg = np.zeros(3, dtype=np.int64)  # sigmoid, sigmoid output, quadratic cost
    layout = Layout(wl.SIZES)
    params = (np.random.default_rng(wl.WEIGHT_SEED).standard_normal(layout.size) * 0.3).astype(
        dtype
    )
    padded, width, pw_off, pb_off = kernels._packed(params, *layout.args())
    spaces = kernels.workspace_arrays(dtype, layout.sizes, width, wl.BATCH)
    steps = -(-n // wl.BATCH)
    misaligned_s, results = [], {}

    def epoch(offset):
        p = _at(padded, offset)
        acts, deltas, targets = (_at(a, offset) for a in spaces)
        args = (p, p, layout.sizes, width, pw_off, pb_off, codes, Y, order, 0, 1, steps)
        return p, args + (wl.BATCH, wl.ETA, acts, deltas, targets, cfg, 1.0, 0.0, None)

    def setup():
        offset = OFFSETS[len(misaligned_s) % len(OFFSETS)]
        p, args = epoch(offset)
        start = time.perf_counter()
        kernels.epoch_steps(*args)
        misaligned_s.append((offset, time.perf_counter() - start))
        results["misaligned"] = p
        p, args = epoch(0)
        results["aligned"] = p
        return args, {}

    kernels.epoch_steps(*epoch(0)[1])  # compiled or loaded before any timing
    benchmark.pedantic(kernels.epoch_steps, setup=setup, rounds=ROUNDS, iterations=1)
    assert np.array_equal(results["aligned"], results["misaligned"])
    benchmark.extra_info.update(
        impl="fastnet",
        dtype=dtype,
        sizes=wl.SIZES,
        batch=wl.BATCH,
        n=n,
        misaligned_s=[t for _, t in misaligned_s],
        misaligned_offsets=[o for o, _ in misaligned_s],
    )
