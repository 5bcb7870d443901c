"""The compiled shuffle draws exactly random.shuffle's permutations, and so
does the list shuffle that serves while a first run compiles it in another
process."""

import random

import numpy as np
import pytest

from fastnet import shuffle
from fastnet.shuffle import python_shuffle


@pytest.fixture(params=[True, False], ids=["compiled", "list"])
def compiled(request):
    return request.param


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 257, 1000, 50000])
def test_same_permutation_and_state_as_random_shuffle(n, compiled):
    random.seed(n + 1)
    expected = list(range(n))
    for _ in range(3):
        random.shuffle(expected)
    after = random.random()
    random.seed(n + 1)
    order = np.arange(n, dtype=np.int64)
    for _ in range(3):
        python_shuffle(order, compiled=compiled)
    assert order.tolist() == expected
    assert random.random() == after  # the global state moved on identically


def test_the_check_leaves_the_global_random_alone():
    random.seed(7)
    before = random.getstate()
    assert shuffle._self_check()
    assert random.getstate() == before


def test_it_really_shuffles():
    random.seed(0)
    order = np.arange(100, dtype=np.int64)
    python_shuffle(order)
    assert sorted(order.tolist()) == list(range(100))
    assert order.tolist() != list(range(100))
