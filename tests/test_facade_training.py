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


# -- the training list changed during DGS ---------------------------------------

EXTRA = course_data(3, TAILLES[0], TAILLES[-1], seed=9)[0]


@pytest.mark.parametrize(
    "change, said",
    [
        (lambda items: items.extend(EXTRA), "3 items appended"),
        (lambda items: items.append(EXTRA[0]), "1 item appended"),
        (lambda items: items.clear(), "it was emptied"),
        (lambda items: items.pop(), "1 item removed (12 -> 11)"),
        (lambda items: items.__setitem__(4, EXTRA[0]), "item 4 replaced or moved"),
        (lambda items: items.reverse(), "item 0 replaced or moved"),
    ],
)
def test_a_callback_that_changes_the_list_stops_training_clearly(change, said):
    training, _ = course_data(12, TAILLES[0], TAILLES[-1])
    expected = fresh()
    random.seed(4)
    quiet(expected.DGS, list(training), 2, 4, 2.0)  # the weights after epoch 1
    items = list(training)
    net = fresh()
    random.seed(4)

    def callback(j, correct):
        if j == 1:
            change(items)

    changed = list(items)
    change(changed)
    with pytest.raises(RuntimeError) as info:
        quiet(net.DGS, items, 5, 4, 2.0, callback=callback)
    assert str(info.value) == (
        f"training_data: the list changed during DGS ({said} after Époque 1); DGS trains "
        f"on the examples it was called with, so it stopped: the network keeps the "
        f"weights after Époque 1, and the list is left as it was changed (not shuffled). "
        f"Change the list between calls to DGS."
    )
    np.testing.assert_array_equal(snapshot(net), snapshot(expected))
    assert [id(p) for p in items] == [id(p) for p in changed]  # nothing dropped
    quiet(net.DGS, items or list(training), 1, 4, 2.0)  # still usable


def test_a_callback_that_changes_the_list_then_raises_keeps_its_change():
    training, _ = course_data(12, TAILLES[0], TAILLES[-1])
    items = list(training)

    def callback(j, correct):
        items.clear()
        raise KeyError("the callback's own error")

    with pytest.raises(KeyError, match="the callback's own error"):
        quiet(fresh().DGS, items, 3, 4, 2.0, callback=callback)
    assert items == []


def test_an_unchanged_list_is_shuffled_as_the_course_does():
    training, _ = course_data(12, TAILLES[0], TAILLES[-1])
    items = list(training)
    random.seed(4)
    quiet(fresh().DGS, items, 2, 4, 2.0, callback=lambda j, c: None)
    random.seed(4)
    course = list(training)
    for _ in range(2):
        random.shuffle(course)
    assert [id(p) for p in items] == [id(p) for p in course]
