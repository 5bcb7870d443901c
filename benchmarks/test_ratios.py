"""The epoch ratios of issue 9's targets, timed in back-to-back pairs.

``test_epoch.py`` times float64 and float32 (and serial and parallel) as
separate benchmarks, a minute or more apart; on a shared 2-vCPU machine the
speed drifts by 10-20 % within minutes (docs/performance.md, sections 14.4
and 18.8), so a ratio of their medians carries that drift. Here each round
runs the two epochs one right after the other, in alternating order (A then
B, then B then A), and keeps the ratio ``t_A / t_B`` of that round; the
report takes the median over rounds. Both benchmarks stay: the report shows
the ratio of the separate medians beside the paired one.
"""

import random
import time

import numpy as np
import pytest

from . import workload as wl
from .conftest import fastnet_net, pixel_codes

pytestmark = pytest.mark.benchmark(group="ratios")

ROUNDS = 12  # even: each order runs as often

# name: (slower configuration, faster configuration, batch); a configuration
# is (dtype, parallel)
PAIRS = {
    "f32_vs_f64": (("float64", False), ("float32", False), wl.BATCH),
    "parallel_b10": (("float64", False), ("float64", True), wl.BATCH),
    "parallel_b100": (("float64", False), ("float64", True), 100),
}


@pytest.mark.parametrize("pair", list(PAIRS))
def test_paired_ratio(benchmark, mnist, initial_params, fastnet_warm, pair):
    """One epoch of each configuration per round, back to back."""
    (X, y), _ = mnist
    codes = pixel_codes(X)
    if wl.is_smoke(benchmark):
        codes, y = codes[:2000], y[:2000]
    slow, fast, batch = PAIRS[pair]
    times = {slow: [], fast: []}
    order = []

    def epoch(config):
        random.seed(wl.SHUFFLE_SEED)
        net = fastnet_net(*initial_params, dtype=config[0], parallel=config[1])
        t = time.perf_counter()
        wl.quiet(net.DGS, (codes, y), 1, batch, wl.ETA)
        times[config].append(time.perf_counter() - t)

    def round_():
        first, second = (slow, fast) if len(order) % 2 == 0 else (fast, slow)
        order.append(first is slow)
        epoch(first)
        epoch(second)

    benchmark.pedantic(round_, rounds=ROUNDS, iterations=1, warmup_rounds=0)
    ratios = [a / b for a, b in zip(times[slow], times[fast])]
    assert ratios and all(0 < r < 100 for r in ratios), ratios
    benchmark.extra_info.update(
        impl="fastnet",
        pair=pair,
        batch=batch,
        slow=list(slow),
        fast=list(fast),
        slow_s=times[slow],
        fast_s=times[fast],
        slow_first=order,
        ratios=ratios,
        ratio_median=float(np.median(ratios)),
    )
