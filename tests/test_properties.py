"""Property-based tests (hypothesis): on random small architectures, batch
sizes and data the fast path's gradients and updates are the reference's;
random junk at any entry raises only the documented errors, leaves the
network as it was, and never a numpy warning."""

import contextlib
import io
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from support import snapshot

from fastnet import Network, Reseau
from fastnet.reference import ReseauReference

SETTINGS = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
DOCUMENTED = (TypeError, ValueError, FloatingPointError)

sizes = st.lists(st.integers(1, 7), min_size=2, max_size=5)
finite = st.floats(-3, 3, allow_nan=False, allow_infinity=False, width=64)


def twins(tailles, seed):
    """fastnet and the reference with the same initial weights."""
    np.random.seed(seed)
    ref = ReseauReference(tailles)
    np.random.seed(seed)
    return Reseau(tailles), ref


@st.composite
def examples(draw, n_in, n_out, min_size=1, max_size=8):
    n = draw(st.integers(min_size, max_size))
    X = draw(hnp.arrays(np.float64, (n, n_in, 1), elements=finite))
    pairs = []
    for i in range(n):
        if draw(st.booleans()):
            y = np.zeros((n_out, 1))
            y[draw(st.integers(0, n_out - 1))] = 1.0
        else:  # any target column, as the course allows
            y = draw(hnp.arrays(np.float64, (n_out, 1), elements=st.floats(0, 1)))
        pairs.append((X[i], y))
    return pairs


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@SETTINGS
@given(tailles=sizes, seed=st.integers(0, 2**16), data=st.data())
def test_backprop_is_the_references(tailles, seed, data):
    net, ref = twins(tailles, seed)
    ((x, y),) = data.draw(examples(tailles[0], tailles[-1], 1, 1))
    for ours, theirs in zip(net.backprop(x, y), ref.backprop(x, y)):
        for a, b in zip(ours, theirs):
            assert a.shape == b.shape
            close(a, b)


@SETTINGS
@given(tailles=sizes, seed=st.integers(0, 2**16), eta=st.floats(0.01, 10), data=st.data())
def test_update_mini_batch_is_the_references(tailles, seed, eta, data):
    net, ref = twins(tailles, seed)
    batch = data.draw(examples(tailles[0], tailles[-1]))
    net.update_mini_batch(batch, eta)
    ref.update_mini_batch(batch, eta)
    for a, b in zip(net.poids + net.biais, ref.poids + ref.biais):
        close(a, b)
    np.testing.assert_allclose(
        net.forward(batch[0][0]), ref.forward(batch[0][0]), rtol=1e-10, atol=1e-12
    )


@settings(SETTINGS, max_examples=25)
@given(
    tailles=sizes,
    seed=st.integers(0, 2**16),
    batch=st.integers(1, 12),
    epochs=st.integers(0, 3),
    eta=st.floats(0.05, 5),
    parallel=st.booleans(),
    data=st.data(),
)
def test_dgs_is_the_references(tailles, seed, batch, epochs, eta, parallel, data):
    training = data.draw(examples(tailles[0], tailles[-1], 1, 20))
    net, ref = twins(tailles, seed)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        random.seed(seed)
        net.DGS(
            list(training),
            epochs,
            batch,
            eta,
            parallel=parallel and epochs > 0 and len(training) <= batch,
        )  # one mini-batch: the same algorithm
        random.seed(seed)
        ref.DGS(list(training), epochs, batch, eta)
    for a, b in zip(net.poids + net.biais, ref.poids + ref.biais):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)


# -- junk ------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 12),
    st.integers(2**63, 2**70),
    st.floats(),
    st.text(max_size=3),
    st.just(1j),
    st.just(object()),
)
junk_arrays = hnp.arrays(
    dtype=st.sampled_from(
        [
            np.float64,
            np.float32,
            np.float16,
            np.int64,
            np.uint8,
            np.bool_,
            np.complex128,
            np.dtype("U2"),
        ]
    ),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
)
good_x = st.sampled_from(
    [np.zeros((3, 1)), np.ones(3), [0.5, 0.5, 0.5], np.full((3, 1), 200, np.uint8)]
)
good_y = st.sampled_from([0, 1, np.int64(1), np.array([[0.0], [1.0]]), [1, 0], 1.0])
xs = st.one_of(good_x, junk_arrays, scalars, st.lists(st.one_of(finite, scalars), max_size=4))
ys = st.one_of(good_y, junk_arrays, scalars, st.lists(finite, max_size=3))
pairs = st.one_of(
    st.tuples(xs, ys), st.tuples(good_x, good_y), st.tuples(xs), st.lists(xs, max_size=3), scalars
)
good_lists = st.lists(st.tuples(good_x, good_y), min_size=1, max_size=4)
datasets = st.one_of(
    good_lists,
    # good pairs with one junk item among them
    st.builds(
        lambda good, bad, k: good[:k] + [bad] + good[k:], good_lists, pairs, st.integers(0, 4)
    ),
    st.lists(pairs, max_size=4),
    st.tuples(junk_arrays, junk_arrays),
    st.tuples(junk_arrays, st.lists(scalars, max_size=4)),
    scalars,
    junk_arrays,
)
# mostly valid numbers, so that the data gets checked too
counts = st.one_of(st.integers(1, 3), st.integers(1, 3), st.integers(-2, 3), scalars)
etas = st.one_of(
    st.floats(0.1, 5),
    st.floats(0.1, 5),
    st.floats(),
    st.integers(-2, 5),
    scalars,
    st.just(np.float32(0.5)),
)


@pytest.mark.filterwarnings("error")  # no overflow or casting warning either
@settings(SETTINGS, max_examples=250)
@given(
    cls=st.sampled_from([Reseau, Network]),
    which=st.sampled_from(["train", "forward", "evaluate", "backprop", "update"]),
    data=datasets,
    test=st.one_of(st.none(), good_lists, datasets),
    x=xs,
    y=ys,
    epochs=counts,
    batch=counts,
    eta=etas,
)
def test_junk_raises_only_documented_errors(cls, which, data, test, x, y, epochs, batch, eta):
    np.random.seed(0)
    net = cls([3, 2, 2])
    before = snapshot(net)
    state = random.getstate()
    train = getattr(net, "DGS" if cls is Reseau else "SGD")
    evaluate = getattr(net, "evaluer" if cls is Reseau else "evaluate")
    forward = getattr(net, "forward" if cls is Reseau else "feedforward")
    calls = {
        "train": lambda: train(data, epochs, batch, eta, test_data=test),
        "forward": lambda: forward(x),
        "evaluate": lambda: evaluate(data),
        "backprop": lambda: net.backprop(x, y),
        "update": lambda: net.update_mini_batch(data, eta),
    }
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            result = calls[which]()
    except DOCUMENTED as e:
        assert str(e)  # a message, always
        np.testing.assert_array_equal(snapshot(net), before)
        if which == "train":
            assert random.getstate() == state
        return
    if which == "forward":
        assert result.shape[0] == 2 and np.isfinite(result).all()
    elif which == "evaluate":
        assert isinstance(result, int) and result >= 0
    elif which == "backprop":
        assert all(np.isfinite(g).all() for part in result for g in part)
    assert np.isfinite(snapshot(net)).all()


@pytest.mark.filterwarnings("error")
@settings(SETTINGS, max_examples=150)
@given(
    cls=st.sampled_from([Reseau, Network]),
    data=datasets,
    test=st.one_of(st.none(), good_lists, datasets),
    parallel=st.booleans(),
)
def test_junk_training_data_raises_only_documented_errors(cls, data, test, parallel):
    """The same with good numbers: only the data can be wrong."""
    np.random.seed(0)
    net = cls([3, 2, 2])
    before = snapshot(net)
    state = random.getstate()
    listed = list(data) if isinstance(data, list) else None
    train = getattr(net, "DGS" if cls is Reseau else "SGD")
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            train(data, 2, 2, 1.0, test_data=test, parallel=parallel)
    except DOCUMENTED as e:
        assert str(e)
        np.testing.assert_array_equal(snapshot(net), before)
        assert random.getstate() == state
        if listed is not None:  # the caller's list is not shuffled
            assert all(a is b for a, b in zip(data, listed))
        return
    assert np.isfinite(snapshot(net)).all()
    assert not np.array_equal(snapshot(net), before)
