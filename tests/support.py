"""Shared helpers for the tests: small synthetic data sets and runs of the
reference and fastnet side by side under the same seeds."""

import contextlib
import io
import random

import numpy as np

from fastnet.reference import ReseauReference


def course_data(n, n_in, n_out, seed=0, dtype=np.float32):
    """Pairs in the course's format: training (x (n_in,1), one-hot (n_out,1)),
    test (x, int)."""
    rng = np.random.default_rng(seed)
    X = rng.random((n, n_in)).astype(dtype)
    labels = rng.integers(0, n_out, n)
    training, test = [], []
    for i in range(n):
        y = np.zeros((n_out, 1))
        y[labels[i]] = 1.0
        training.append((X[i].reshape(n_in, 1), y))
        test.append((X[i].reshape(n_in, 1), int(labels[i])))
    return training, test


def run(cls, tailles, training, epochs, batch, eta, test=None, seed=(1, 2), **kw):
    """Build ``cls(tailles)`` and train it under the given seeds; returns the
    network and what it printed."""
    np.random.seed(seed[0])
    random.seed(seed[1])
    net = cls(tailles, **kw)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        net.DGS(training, epochs, batch, eta, test_data=test)
    return net, out.getvalue()


def run_reference(tailles, training, epochs, batch, eta, test=None, seed=(1, 2)):
    return run(ReseauReference, tailles, list(training), epochs, batch, eta, test, seed)


def max_diff(a_list, b_list):
    return max(float(np.max(np.abs(np.asarray(a) - np.asarray(b)))) for a, b in zip(a_list, b_list))


def snapshot(net):
    """A copy of every parameter of ``net`` (a Reseau, Network or
    network2.Network) as one flat array, as the engine holds them: the one
    place where the tests read the engine's buffer, to check that a refused
    or diverged call left it untouched."""
    return net._engine.params.copy()


def full_state(net):
    return (snapshot(net), [w.copy() for w in net.poids], [b.copy() for b in net.biais])


def assert_same(net, snap):
    params, poids, biais = snap
    np.testing.assert_array_equal(snapshot(net), params)
    for a, b in zip(net.poids + net.biais, poids + biais):
        np.testing.assert_array_equal(a, b)
