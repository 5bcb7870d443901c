"""The book's names, each against its definition in the book (network.py's
sigmoid, sigmoid_prime and cost_derivative, the loader's vectorized_result),
and network2's monitors against the book's formulas on real MNIST: same
lines but the costs, costs to 1e-12 relative and of the book's types."""

import contextlib
import io
import random

import numpy as np
import pytest
from network2_reference import Network2Reference

import fastnet.network
from conftest import MNIST_NAMES, mnist_dir
from fastnet import Network, mnist, network2

DATA = mnist_dir()
needs_mnist = pytest.mark.skipif(
    not all((DATA / n).is_file() for n in MNIST_NAMES), reason=f"no MNIST at {DATA}"
)
Z = np.array([[-800.0], [-30.0], [-2.5], [-1e-9], [0.0], [1e-9], [0.7], [30.0], [800.0]])


def book_sigmoid(z):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def test_sigmoid_and_its_derivative_are_the_books():
    for z in (Z, Z.ravel(), Z.astype(np.float32), 0.7, -3):
        np.testing.assert_array_equal(fastnet.network.sigmoid(z), book_sigmoid(z))
        s = book_sigmoid(z)
        np.testing.assert_array_equal(fastnet.network.sigmoid_prime(z), s * (1 - s))
    assert fastnet.network.sigmoid(Z).dtype == np.float64
    assert fastnet.network.sigmoid(Z.astype(np.float32)).dtype == np.float32
    # network2.py has the same two functions
    assert network2.sigmoid is fastnet.network.sigmoid
    assert network2.sigmoid_prime is fastnet.network.sigmoid_prime


def test_star_import_gives_the_books_names():
    names = {}
    exec("from fastnet.network import *", names)
    assert {"Network", "sigmoid", "sigmoid_prime"} <= set(names)


def test_cost_derivative_is_output_minus_target():
    rng = np.random.default_rng(0)
    a, y = rng.random((10, 1)), np.eye(10)[:, [3]]
    for net in (Network([4, 10]), network2.Network([4, 10])):
        got = net.cost_derivative(a, y)
        np.testing.assert_array_equal(got, a - y)
        assert got.shape == (10, 1)
    # what the book's backprop starts from, for the quadratic cost
    np.random.seed(2)
    net = Network([3, 2])
    x, y = np.array([[0.1], [0.5], [-0.4]]), np.array([[1.0], [0.0]])
    a = net.feedforward(x)
    delta = net.cost_derivative(a, y) * a * (1 - a)
    nabla_b, nabla_w = net.backprop(x, y)
    np.testing.assert_allclose(nabla_b[-1], delta, rtol=1e-12)
    np.testing.assert_allclose(nabla_w[-1], delta @ x.T, rtol=1e-12)


@pytest.mark.parametrize("j", range(10))
def test_vectorized_result_is_the_loaders_one_hot_column(j):
    e = np.zeros((10, 1))
    e[j] = 1.0
    for module in (mnist, network2):
        got = module.vectorized_result(j)
        assert got.shape == (10, 1) and got.dtype == np.float64
        np.testing.assert_array_equal(got, e)
    assert mnist.vectorized_result(j) is not mnist.vectorized_result(j)  # a fresh array
    assert "vectorized_result" in mnist.__all__


def _printed(call, *args, **kwargs):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = call(*args, **kwargs)
    return result, out.getvalue().splitlines()


@pytest.fixture(scope="module")
def mnist_pairs():
    if not all((DATA / n).is_file() for n in MNIST_NAMES):
        pytest.skip(f"no MNIST at {DATA}")
    training, validation, _ = mnist.load_data_wrapper(DATA, download=False)
    return list(training)[:3000], list(validation)[:1000]


@needs_mnist
@pytest.mark.parametrize("cost", ["CrossEntropyCost", "QuadraticCost"])
def test_network2_monitors_on_mnist_match_the_books_formulas(mnist_pairs, cost):
    training, validation = mnist_pairs
    runs = []
    for make in (Network2Reference, lambda s, c: network2.Network(s, getattr(network2, c))):
        np.random.seed(3)
        net = make([784, 30, 10], cost)
        random.seed(7)
        runs.append(
            _printed(net.SGD, list(training), 2, 10, 0.5, 5.0, validation, True, True, True, True)
            + (net,)
        )
    (theirs, their_lines, ref), (ours, our_lines, net) = runs
    assert len(our_lines) == len(their_lines) == 12
    costs = 0
    for a, b in zip(our_lines, their_lines):
        if a.startswith("Cost on"):  # agree to rounding: sums in another order
            (head_a, value_a), (head_b, value_b) = a.split(": "), b.split(": ")
            assert head_a == head_b
            assert float(value_a) == pytest.approx(float(value_b), rel=1e-12, abs=0)
            costs += 1
        else:  # epochs, accuracies, blank lines: identical
            assert a == b
    assert costs == 4
    evaluation_cost, evaluation_accuracy, training_cost, training_accuracy = ours
    for values in (evaluation_cost, training_cost):
        assert [type(v) for v in values] == [np.float64, np.float64]
    for values in (evaluation_accuracy, training_accuracy):
        assert [type(v) for v in values] == [int, int]
    assert evaluation_accuracy == theirs[1] and training_accuracy == theirs[3]
    np.testing.assert_allclose(evaluation_cost, theirs[0], rtol=1e-12, atol=0)
    np.testing.assert_allclose(training_cost, theirs[2], rtol=1e-12, atol=0)
    # total_cost and accuracy called directly, on the same weights
    ref.weights, ref.biases = [w.copy() for w in net.weights], [b.copy() for b in net.biases]
    for data, lmbda in ((validation, 0.0), (training[:500], 5.0)):
        got = net.total_cost(data, lmbda)
        assert type(got) is np.float64
        assert got == pytest.approx(ref.total_cost(data, lmbda), rel=1e-12, abs=0)
        count = net.accuracy(data)
        assert type(count) is int and count == ref.accuracy(data)


def test_cost_functions_return_numpy_numbers_as_the_books():
    a, y = np.array([[0.2], [0.9]]), np.array([[0.0], [1.0]])
    for cost in (network2.QuadraticCost, network2.CrossEntropyCost):
        assert type(cost.fn(a, y)) is np.float64
    assert network2.QuadraticCost.fn(a, y) == pytest.approx(0.5 * np.linalg.norm(a - y) ** 2)
