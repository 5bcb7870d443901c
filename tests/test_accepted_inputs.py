"""What is accepted beyond the course's own types (1-D columns, int and
one-hot labels, arrays, iterators, numpy numbers, uint8 pixels), and that
it means what the README says: the same training and the same scores as the
course's own form."""

import contextlib
import io
import random

import numpy as np
from support import snapshot
from tiny import TAILLES, good_pairs, good_test, one_hot

from fastnet import Reseau


def train_copy(data, epochs=2, batch=2, eta=3.0, **kw):
    np.random.seed(3)
    random.seed(4)
    net = Reseau(TAILLES, **kw)
    with contextlib.redirect_stdout(io.StringIO()):
        net.DGS(data, epochs, batch, eta)
    return snapshot(net)


def test_accepted_forms_train_alike():
    pairs = good_pairs()
    expected = train_copy(list(pairs))
    X = np.hstack([x for x, _ in pairs]).T
    labels = np.array([int(np.argmax(y)) for _, y in pairs])
    same = [
        [(x.ravel(), y) for x, y in pairs],  # 1-D x
        [(x, int(np.argmax(y))) for x, y in pairs],  # int labels
        [(x, np.int64(np.argmax(y))) for x, y in pairs],  # numpy int labels
        [(x, y.ravel()) for x, y in pairs],  # 1-D one-hot
        [(x.tolist(), y.tolist()) for x, y in pairs],  # nested lists
        tuple(pairs),  # a tuple of pairs
        iter(pairs),  # an iterator
        zip([x for x, _ in pairs], [y for _, y in pairs]),  # the loader's zip
        (X, labels),  # arrays, int labels
        (X, labels.astype(float)),  # integral float labels
        (X, np.hstack([y for _, y in pairs]).T),  # arrays, one-hot rows
        (X.reshape(6, 4, 1), labels),  # (n, 4, 1) columns
    ]
    for data in same:
        np.testing.assert_array_equal(train_copy(data), expected)
    # numpy numbers for the counts and eta
    np.testing.assert_array_equal(
        train_copy(list(pairs), np.int64(2), np.int32(2), np.float32(3.0)), expected
    )
    # a mini-batch larger than the data is the whole data
    np.testing.assert_array_equal(
        train_copy(list(pairs), batch=6), train_copy(list(pairs), batch=10**15)
    )


def test_int_and_uint8_inputs():
    net = Reseau(TAILLES)
    ints = np.array([[0], [1], [1], [0]])
    np.testing.assert_array_equal(net.forward(ints), net.forward(ints.astype(float)))
    np.testing.assert_array_equal(net.forward(ints.astype(bool)), net.forward(ints.astype(float)))
    # uint8 are pixel bytes, scaled by 1/256 as fastnet.mnist does
    pixels = np.array([0, 64, 128, 255], dtype=np.uint8)
    np.testing.assert_array_equal(net.forward(pixels), net.forward(pixels / 256))
    data = [(pixels.reshape(4, 1), 1), (pixels[::-1].reshape(4, 1), 2)]
    scaled = [(x.astype(np.float32) / 256, y) for x, y in data]
    assert net.evaluer(data) == net.evaluer(scaled)
    assert train_copy(data).tolist() == train_copy(scaled).tolist()


def test_accepted_test_data_forms_count_alike():
    net = Reseau(TAILLES)
    test = good_test()
    n = net.evaluer(test)
    X = np.hstack([x for x, _ in test]).T
    labels = np.array([y for _, y in test])
    for data in (
        [(x, one_hot(y)) for x, y in test],
        [(x.ravel(), float(y)) for x, y in test],
        iter(test),
        (X, labels),
        (X, np.eye(3)[labels]),
    ):
        assert net.evaluer(data) == n


def test_backprop_and_forward_accept_1d():
    net = Reseau(TAILLES)
    x = np.linspace(0, 1, 4)
    np.testing.assert_array_equal(net.forward(x), net.forward(x.reshape(4, 1)))
    a, b = net.backprop(x, 2), net.backprop(x.reshape(4, 1), one_hot(2))
    for u, v in zip(a[0] + a[1], b[0] + b[1]):
        np.testing.assert_array_equal(u, v)
    assert net.forward(np.zeros((4, 0))).shape == (3, 0)
