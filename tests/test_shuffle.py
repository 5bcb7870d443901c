"""The compiled shuffle draws exactly random.shuffle's permutations."""

import random

import numpy as np
import pytest

from fastnet.shuffle import python_shuffle


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 257, 1000, 50000])
def test_same_permutation_and_state_as_random_shuffle(n):
    random.seed(n + 1)
    expected = list(range(n))
    for _ in range(3):
        random.shuffle(expected)
    after = random.random()
    random.seed(n + 1)
    order = np.arange(n, dtype=np.int64)
    for _ in range(3):
        python_shuffle(order)
    assert order.tolist() == expected
    assert random.random() == after  # the global state moved on identically


def test_it_really_shuffles():
    random.seed(0)
    order = np.arange(100, dtype=np.int64)
    python_shuffle(order)
    assert sorted(order.tolist()) == list(range(100))
    assert order.tolist() != list(range(100))
