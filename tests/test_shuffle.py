"""The compiled shuffle draws exactly random.shuffle's permutations, and so
does the list shuffle that serves while it compiles in the background."""

import random

import numpy as np
import pytest
from numba import njit

from fastnet import _jit, shuffle
from fastnet.shuffle import python_shuffle


@pytest.fixture(params=["compiled", "list"])
def path(request, monkeypatch):
    assert shuffle.wait_ready()  # this interpreter's shuffle is CPython's
    if request.param == "list":
        monkeypatch.setattr(shuffle.compiled, "result", False)
    return request.param


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 257, 1000, 50000])
def test_same_permutation_and_state_as_random_shuffle(n, path):
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


def test_the_check_leaves_the_global_random_alone():
    random.seed(7)
    before = random.getstate()
    assert shuffle._self_check()
    assert random.getstate() == before


def test_background_compiles_do_not_count_as_epoch_compiles():
    def twice(x):
        return 2 * x

    call = _jit.entry(njit(cache=False)(twice))
    before = _jit.compile_seconds()
    _jit.Background(lambda: call(1.5), "test-compile").wait()
    assert _jit.compile_seconds() == before
    call(np.int64(3))  # a new signature, compiled here: counted
    assert _jit.compile_seconds() > before


def test_it_really_shuffles():
    random.seed(0)
    order = np.arange(100, dtype=np.int64)
    python_shuffle(order)
    assert sorted(order.tolist()) == list(range(100))
    assert order.tolist() != list(range(100))
