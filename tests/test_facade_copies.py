"""Copies and pickles of networks are whole, independent networks: their
weights are what their computations use, and nothing is shared."""

import contextlib
import copy
import io
import pickle
import random

import numpy as np
import pytest
from support import course_data, snapshot

import fastnet
from fastnet import Network, Reseau, network2

SIZES = [6, 5, 3]
KINDS = {
    "Reseau": lambda: Reseau(SIZES, cout="entropie_croisee", activation="tanh"),
    "Network": lambda: Network(SIZES),
    "network2": lambda: network2.Network(SIZES, cost=network2.QuadraticCost),
}
COPIES = {
    "deepcopy": copy.deepcopy,
    "copy": copy.copy,
    "pickle": lambda net: pickle.loads(pickle.dumps(net)),
}


def weights(net):
    return net.poids if isinstance(net, Reseau) else net.weights


def out(net, x):
    return net.forward(x) if isinstance(net, Reseau) else net.feedforward(x)


def train(net, data, epochs=1):
    with contextlib.redirect_stdout(io.StringIO()):
        if isinstance(net, Reseau):
            net.DGS(list(data), epochs, 4, 1.0)
        else:
            net.SGD(list(data), epochs, 4, 1.0)


@pytest.mark.parametrize("how", COPIES)
@pytest.mark.parametrize("kind", KINDS)
def test_a_copy_is_an_independent_coherent_network(kind, how, tmp_path):
    data, _ = course_data(16, SIZES[0], SIZES[-1])
    x = np.linspace(0, 1, SIZES[0]).reshape(-1, 1)
    np.random.seed(0)
    net = KINDS[kind]()
    original, y0 = snapshot(net), out(net, x)
    twin = COPIES[how](net)
    assert type(twin) is type(net) and repr(twin) == repr(net)
    np.testing.assert_array_equal(snapshot(twin), original)
    np.testing.assert_array_equal(out(twin, x), y0)
    # an in-place edit of the copy's weights reaches its forward and its file
    weights(twin)[0][...] = 0.0
    assert not np.array_equal(out(twin, x), y0)
    fastnet.sauvegarder(twin, tmp_path / "twin.json")
    assert not np.asarray(weights(fastnet.charger(tmp_path / "twin.json"))[0]).any()
    # ... and its training; the original sees none of it
    random.seed(1)
    train(twin, data)
    assert not np.array_equal(snapshot(twin), original)
    np.testing.assert_array_equal(snapshot(net), original)
    np.testing.assert_array_equal(out(net, x), y0)
    # the original trains on its own weights, and the copy does not move
    twin_now = snapshot(twin)
    weights(net)[1][...] = 0.5  # the original's views are still its own
    assert not np.array_equal(out(net, x), y0)
    train(net, data)
    np.testing.assert_array_equal(snapshot(twin), twin_now)
    fresh_out = out(net, x)
    rebuilt = COPIES["pickle"](net)
    np.testing.assert_array_equal(out(rebuilt, x), fresh_out)


@pytest.mark.parametrize("how", COPIES)
def test_a_replaced_weight_not_yet_used_is_copied(how):
    np.random.seed(0)
    net = Reseau(SIZES)
    net.poids[0] = np.full((6, 5), 0.25)  # taken in at the next use
    twin = COPIES[how](net)
    np.testing.assert_array_equal(twin.poids[0], np.full((6, 5), 0.25))
    np.testing.assert_array_equal(twin.forward(np.ones(6)), net.forward(np.ones(6)))


def test_a_copy_keeps_a_subclass_and_its_attributes():
    class Mine(Reseau):
        pass

    np.random.seed(0)
    net = Mine(SIZES)
    net.note = ["mine"]
    deep, shallow = copy.deepcopy(net), copy.copy(net)
    assert type(deep) is Mine and deep.note == ["mine"] and deep.note is not net.note
    assert shallow.note is net.note  # copy.copy shares plain attributes, not weights
    assert shallow._engine is not net._engine
