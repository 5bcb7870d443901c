"""What DGS accepts and honours beyond plain arguments: where its shuffles
come from (rng), a training list changed by a callback, and subclasses
that override the course's methods."""

import contextlib
import io
import random

import numpy as np
import pytest
from support import course_data, snapshot

from fastnet import Reseau

TAILLES = [6, 5, 3]


def quiet(fn, *args, **kw):
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kw)


def fresh(seed=0, cls=Reseau):
    np.random.seed(seed)
    return cls(TAILLES)


# -- rng ---------------------------------------------------------------------


class CountingRandom(random.Random):
    """A subclass with its own shuffle: the compiled shuffle would ignore it."""

    calls = 0

    def shuffle(self, x):
        CountingRandom.calls += 1
        super().shuffle(x)


@pytest.mark.parametrize(
    "rng, kind",
    [
        (random.SystemRandom(), "random.SystemRandom (a subclass"),
        (CountingRandom(3), "CountingRandom (a subclass"),
        (np.random.default_rng(0), "numpy.random._generator.Generator"),
        (7, "builtins.int"),
    ],
)
def test_an_rng_that_cannot_be_honoured_is_refused_before_anything_changes(rng, kind):
    training, _ = course_data(12, TAILLES[0], TAILLES[-1])
    items = list(training)
    net = fresh()
    before, state = snapshot(net), random.getstate()
    with pytest.raises(TypeError, match=r"^rng: expected a random\.Random or None, got ") as e:
        quiet(net.DGS, items, 1, 4, 2.0, rng=rng)
    assert kind in str(e.value)
    assert [id(p) for p in items] == [id(p) for p in training]
    np.testing.assert_array_equal(snapshot(net), before)
    assert random.getstate() == state


def test_the_random_module_and_its_instance_mean_the_global_random():
    training, _ = course_data(12, TAILLES[0], TAILLES[-1])
    ends = []
    for rng in (None, random, random._inst):
        random.seed(5)
        net = fresh()
        quiet(net.DGS, list(training), 2, 4, 2.0, rng=rng)
        ends.append((snapshot(net), random.getstate()))
    for params, state in ends[1:]:
        np.testing.assert_array_equal(params, ends[0][0])
        assert state == ends[0][1]
