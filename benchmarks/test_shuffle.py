"""The cost of the course's per-epoch shuffle of 50,000 items:
``fastnet.shuffle.python_shuffle`` (``random.shuffle`` replayed in compiled
code, reading and writing the global ``random`` state) on an int64 array,
vs ``random.shuffle`` on a list. The report puts both next to a fastnet
serial float64 epoch of the same run (``epoch`` group)."""

import random

import numpy as np
import pytest

pytestmark = pytest.mark.benchmark(group="shuffle")

N = 50_000
ROUNDS = 30
SEED = 2


def _describe(benchmark, impl, what):
    benchmark.extra_info.update(impl=impl, n=N, data=what)


def test_shuffle_fastnet(benchmark, fastnet_warm):
    """``python_shuffle`` on ``np.arange(N)`` (int64)."""
    from fastnet.shuffle import python_shuffle

    python_shuffle(np.arange(10, dtype=np.int64))  # compile / self-check, untimed

    def setup():
        random.seed(SEED)
        return (np.arange(N, dtype=np.int64),), {}

    benchmark.pedantic(python_shuffle, setup=setup, rounds=ROUNDS, iterations=1, warmup_rounds=2)
    _describe(benchmark, "fastnet", "int64 array")


def test_shuffle_python(benchmark):
    """``random.shuffle`` on ``list(range(N))``, as the course's ``DGS`` does."""

    def setup():
        random.seed(SEED)
        return (list(range(N)),), {}

    benchmark.pedantic(random.shuffle, setup=setup, rounds=ROUNDS, iterations=1, warmup_rounds=2)
    _describe(benchmark, "python", "list")
