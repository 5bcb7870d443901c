"""The cost of taking in the course's training pairs: ``DGS`` converts the
50,000 ``(x (784, 1), y (10, 1))`` pairs of the course's loader into the
arrays the kernels read (checking every pair) at each call. Issue 9's
target: at most 50 ms. Times ``fastnet._data.training_arrays`` alone."""

import pytest

pytestmark = pytest.mark.benchmark(group="pairs")

ROUNDS = 10


def test_pairs_training_arrays(benchmark, train_pairs, fastnet_warm):
    """50,000 course pairs to (X, Y) arrays, validation included."""
    from fastnet import _data

    _data.training_arrays(train_pairs, 784, 10)  # the pixel check compiled, untimed
    benchmark.pedantic(
        _data.training_arrays,
        args=(train_pairs, 784, 10),
        rounds=ROUNDS,
        iterations=1,
        warmup_rounds=1,
    )
    benchmark.extra_info.update(impl="fastnet", n=len(train_pairs), data="pairs")
