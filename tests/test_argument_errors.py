"""Bad arguments to the constructors and setters, named in the message;
weights edited to NaN refused where they are used; zero epochs leave
everything as it was; ``DivergenceError`` is a ``FloatingPointError``."""

import contextlib
import io
import random

import numpy as np
import pytest
from support import assert_same, full_state, snapshot
from tiny import TAILLES, col, good_pairs, good_test, with_item

from fastnet import Network, Reseau
from fastnet.reseau import DivergenceError


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        (dict(tailles=[784]), ValueError, r"tailles: need at least two layers"),
        (dict(tailles=[]), ValueError, r"tailles: need at least two layers"),
        (dict(tailles="784,30,10"), TypeError, r"tailles: expected a list of layer sizes"),
        (dict(tailles=784), TypeError, r"tailles: expected a list of layer sizes"),
        (dict(tailles=None), TypeError, r"tailles: expected a list"),
        (dict(tailles=(n for n in (4, 3))), TypeError, r"tailles: expected a list"),
        (dict(tailles=[4, 0, 3]), ValueError, r"tailles\[1\]: expected a positive int, got 0"),
        (dict(tailles=[4, -2, 3]), ValueError, r"tailles\[1\]: expected a positive int, got -2"),
        (dict(tailles=[4, 2.0, 3]), TypeError, r"tailles\[1\]: expected a positive int, got 2\.0"),
        (dict(tailles=[4, True, 3]), TypeError, r"tailles\[1\]: expected a positive int, got True"),
        (dict(tailles=[4, "3"]), TypeError, r"tailles\[1\]"),
        (dict(tailles=[4, None]), TypeError, r"tailles\[1\]"),
        (dict(tailles=np.array([[4, 3]])), TypeError, r"tailles: expected a list"),
        (dict(tailles=[4, 3], dtype=np.int32), TypeError, r"dtype: expected float64 or float32"),
        (
            dict(tailles=[4, 3], dtype="no such type"),
            TypeError,
            r"dtype: expected float64 or float32",
        ),
        (dict(tailles=[4, 3], parallel="yes"), TypeError, r"parallel: expected True or False"),
    ],
)
def test_bad_constructor_arguments(kwargs, exc, pattern):
    state = np.random.get_state()
    with pytest.raises(exc, match=pattern):
        Reseau(**kwargs)
    # refused before the initial draws: np.random is untouched
    after = np.random.get_state()
    assert state[1].tolist() == after[1].tolist() and state[2:] == after[2:]


@pytest.mark.parametrize(
    "call, exc, pattern",
    [
        (lambda: Network([4]), ValueError, r"^sizes: need at least two layers"),
        (lambda: Network([4, 2.0]), TypeError, r"^sizes\[1\]"),
        (lambda net: net.SGD(good_pairs(), 2.0, 1, 3.0), TypeError, r"^epochs: expected an int"),
        (lambda net: net.SGD(good_pairs(), 1, 0, 3.0), ValueError, r"^mini_batch_size: "),
        (lambda net: net.SGD(good_pairs(), 1, 1, 0), ValueError, r"^eta: "),
        (
            lambda net: net.SGD(with_item(2, x=np.zeros(5)), 1, 1, 1.0),
            ValueError,
            r"^training_data\[2\]: x must have shape \(4, 1\), got \(5,\)",
        ),
        (lambda net: net.feedforward(np.zeros((5, 1))), ValueError, r"^a must have shape \(4, 1\)"),
        (lambda net: net.evaluate([(col(0, 0, 0, 0), 5)]), ValueError, r"^test_data\[0\]: label 5"),
        (lambda net: net.backprop(np.zeros((4, 2)), 0), ValueError, r"^x must have shape \(4, 1\)"),
        (lambda net: net.update_mini_batch([], 1.0), ValueError, r"^mini_batch is empty"),
        (
            lambda net: setattr(net, "weights", [np.zeros((4, 5)), np.zeros((3, 5))]),
            ValueError,
            r"^weights\[0\]: expected shape \(5, 4\), got \(4, 5\)",
        ),
    ],
)
def test_network_names_its_own_arguments(call, exc, pattern):
    net = Network(TAILLES)
    before = snapshot(net)
    with pytest.raises(exc, match=pattern), contextlib.redirect_stdout(io.StringIO()):
        call() if call.__code__.co_argcount == 0 else call(net)
    np.testing.assert_array_equal(snapshot(net), before)


def test_weights_edited_to_nan_are_refused_at_use():
    net = Reseau(TAILLES)
    snap = full_state(net)
    old = net.poids[1][0, 0]
    net.poids[1][0, 0] = np.nan
    for call in (
        lambda: net.forward(col(0, 0, 0, 0)),
        lambda: net.DGS(good_pairs(), 1, 2, 1.0),
        lambda: net.evaluer(good_test()),
    ):
        with pytest.raises(ValueError, match=r"poids/biais: contain NaN or inf"):
            call()
    assert np.isnan(net.poids[1][0, 0])
    net.poids[1][0, 0] = old
    assert_same(net, snap)
    assert net.forward(col(0, 0, 0, 0)).shape == (3, 1)


def test_setters_refuse_junk():
    net = Reseau(TAILLES)
    snap = full_state(net)
    for values, exc, pattern in [
        (None, TypeError, r"poids: expected a list of 2 arrays"),
        (np.zeros((4, 5)), TypeError, r"poids: expected a list of 2 arrays"),
        ([[[1, 2], [3]], np.zeros((5, 3))], ValueError, r"poids\[0\]: not a rectangular"),
        ([np.zeros((4, 5)), np.full((5, 3), "a")], TypeError, r"poids\[1\]: expected numbers"),
        ([np.zeros((4, 5)), np.full((5, 3), np.inf)], ValueError, r"poids\[1\]: contains NaN"),
    ]:
        with pytest.raises(exc, match=pattern):
            net.poids = values
    with pytest.raises(ValueError, match=r"biais\[0\]: expected shape \(5, 1\), got \(5,\)"):
        net.biais = [np.zeros(5), np.zeros((3, 1))]
    assert_same(net, snap)


def test_zero_epochs_change_nothing():
    net = Reseau(TAILLES)
    snap = full_state(net)
    train = good_pairs()
    order = [id(p) for p in train]
    state = random.getstate()
    net.DGS(train, 0, 2, 3.0)
    assert_same(net, snap)
    assert [id(p) for p in train] == order and random.getstate() == state


def test_divergence_error_is_a_floating_point_error():
    assert issubclass(DivergenceError, FloatingPointError)
    e = DivergenceError(epoch=2, eta=1e300)
    assert e.epoch == 2 and e.eta == 1e300 and "epoch 2" in str(e)
