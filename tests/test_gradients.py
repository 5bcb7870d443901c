"""backprop against the reference and against finite differences of the
quadratic cost."""

import numpy as np
import pytest

from fastnet import Network, Reseau
from fastnet.reference import ReseauReference


def cost(net, x, y):
    a = net.forward(x)
    return 0.5 * float(np.sum((a - y) ** 2))


@pytest.mark.parametrize("tailles", [[5, 4, 3], [7, 6, 5, 2], [3, 1]])
def test_backprop_matches_finite_differences(tailles):
    np.random.seed(3)
    net = Reseau(tailles)
    rng = np.random.default_rng(4)
    x = rng.random((tailles[0], 1))
    y = rng.random((tailles[-1], 1))
    nabla_b, nabla_w = net.backprop(x, y)
    h = 1e-6
    for params, grads in ((net.poids, nabla_w), (net.biais, nabla_b)):
        for p, g in zip(params, grads):
            assert g.shape == p.shape
            num = np.zeros_like(p)
            for idx in np.ndindex(p.shape):
                old = p[idx]
                p[idx] = old + h
                up = cost(net, x, y)
                p[idx] = old - h
                down = cost(net, x, y)
                p[idx] = old
                num[idx] = (up - down) / (2 * h)
            np.testing.assert_allclose(g, num, atol=1e-8, rtol=1e-6)
            assert np.abs(num).max() > 1e-6  # the comparison is not vacuous


@pytest.mark.parametrize("tailles", [[6, 5, 3], [9, 8, 7, 4]])
def test_backprop_matches_reference(tailles):
    np.random.seed(11)
    ref = ReseauReference(tailles)
    np.random.seed(11)
    net = Reseau(tailles)
    x = np.random.default_rng(0).random((tailles[0], 1)).astype(np.float32)
    y = np.zeros((tailles[-1], 1))
    y[1] = 1
    for ours, theirs in zip(net.backprop(x, y), ref.backprop(x, y)):
        for a, b in zip(ours, theirs):
            assert a.shape == b.shape
            np.testing.assert_allclose(a, b, atol=1e-15, rtol=1e-12)


def test_network_backprop_is_transposed_reseau():
    np.random.seed(0)
    net = Network([4, 3, 2])
    x = np.linspace(0, 1, 4).reshape(4, 1)
    y = np.array([[0.0], [1.0]])
    nabla_b, nabla_w = net.backprop(x, y)
    assert [w.shape for w in nabla_w] == [w.shape for w in net.weights]
    h = 1e-6
    w = net.weights[0]
    old = w[2, 1]
    w[2, 1] = old + h
    up = 0.5 * np.sum((net.feedforward(x) - y) ** 2)
    w[2, 1] = old - h
    down = 0.5 * np.sum((net.feedforward(x) - y) ** 2)
    w[2, 1] = old
    assert abs(nabla_w[0][2, 1] - (up - down) / (2 * h)) < 1e-8
