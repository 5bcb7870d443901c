"""fastnet.network2 against a readable per-example network2 (same seeds):
the same printed lines, returned lists and weights; its JSON files."""

import contextlib
import io
import json
import random

import numpy as np
import pytest
from network2_reference import Network2Reference
from support import course_data, max_diff, snapshot

from fastnet import network2

SIZES = [7, 6, 4]
MONITORS = dict(
    monitor_evaluation_cost=True,
    monitor_evaluation_accuracy=True,
    monitor_training_cost=True,
    monitor_training_accuracy=True,
)


def both(cost="CrossEntropyCost", seed=3, sizes=SIZES):
    np.random.seed(seed)
    ref = Network2Reference(sizes, cost)
    np.random.seed(seed)
    net = network2.Network(sizes, cost=getattr(network2, cost))
    return net, ref


def printed(call, *args, **kwargs):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = call(*args, **kwargs)
    return result, out.getvalue().splitlines()


def same_lines(ours, theirs):
    """Lines equal, except that costs agree to 1e-12 (sums in another order)."""
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        if a.startswith("Cost on"):
            head, value = a.split(": ")
            assert head == b.split(": ")[0]
            assert float(value) == pytest.approx(float(b.split(": ")[1]), rel=1e-12)
        else:
            assert a == b


@pytest.mark.parametrize("cost", ["CrossEntropyCost", "QuadraticCost"])
@pytest.mark.parametrize("lmbda", [0.0, 5.0])
def test_sgd_matches_network2(cost, lmbda):
    training, _ = course_data(45, SIZES[0], SIZES[-1], seed=1)
    _, evaluation = course_data(20, SIZES[0], SIZES[-1], seed=2)
    net, ref = both(cost)
    assert max_diff(net.weights, ref.weights) == 0 and max_diff(net.biases, ref.biases) == 0
    random.seed(7)
    theirs, ref_lines = printed(ref.SGD, list(training), 3, 10, 0.5, lmbda, evaluation, **MONITORS)
    random.seed(7)
    ours, our_lines = printed(net.SGD, list(training), 3, 10, 0.5, lmbda, evaluation, **MONITORS)
    same_lines(our_lines, ref_lines)
    assert our_lines[0] == "Epoch 0 training complete" and our_lines[5] == ""
    assert ours[1] == theirs[1] and ours[3] == theirs[3]  # accuracies: counts
    for a, b in ((ours[0], theirs[0]), (ours[2], theirs[2])):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert max_diff(net.weights, ref.weights) < 1e-9
    assert max_diff(net.biases, ref.biases) < 1e-9


def test_sgd_without_monitoring_prints_the_epoch_lines_and_returns_empty_lists():
    training, _ = course_data(20, SIZES[0], SIZES[-1])
    net, _ = both()
    lists, lines = printed(net.SGD, zip(*zip(*training)), 2, 5, 0.5)  # a zip, as in Python 3
    assert lines == ["Epoch 0 training complete", "", "Epoch 1 training complete", ""]
    assert lists == ([], [], [], [])


def test_large_weight_initializer_and_training_from_it():
    training, _ = course_data(30, SIZES[0], SIZES[-1])
    net, ref = both()
    np.random.seed(11)
    ref.large_weight_initializer()
    np.random.seed(11)
    net.large_weight_initializer()
    assert max_diff(net.weights, ref.weights) == 0
    random.seed(1)
    printed(ref.SGD, list(training), 2, 4, 1.0, 1.0)
    random.seed(1)
    printed(net.SGD, list(training), 2, 4, 1.0, 1.0)
    assert max_diff(net.weights, ref.weights) < 1e-9
    np.random.seed(12)
    ref.default_weight_initializer()
    np.random.seed(12)
    net.default_weight_initializer()
    assert max_diff(net.weights, ref.weights) == 0


def test_accuracy_and_total_cost():
    training, test = course_data(25, SIZES[0], SIZES[-1], seed=4)
    net, ref = both("QuadraticCost")
    assert net.accuracy(test) == ref.accuracy(test)
    assert net.accuracy(training, convert=True) == ref.accuracy(training)
    for data, convert in ((training, False), (test, True)):
        assert net.total_cost(data, 2.0, convert=convert) == pytest.approx(
            ref.total_cost(data, 2.0), rel=1e-12
        )
    a = net.feedforward(training[0][0])
    np.testing.assert_allclose(a, ref.feedforward(training[0][0]), rtol=0, atol=1e-15)


def test_update_mini_batch_with_l2():
    training, _ = course_data(8, SIZES[0], SIZES[-1])
    net, ref = both()
    ref.step(training[:5], 0.5, 3.0, 100)
    net.update_mini_batch(training[:5], 0.5, 3.0, 100)
    assert max_diff(net.weights, ref.weights) < 1e-14


def test_cost_classes_as_in_the_book():
    a = np.array([[0.2], [0.9]])
    y = np.array([[0.0], [1.0]])
    z = np.array([[0.3], [-1.0]])
    assert network2.QuadraticCost.fn(a, y) == pytest.approx(0.5 * (0.04 + 0.01))
    np.testing.assert_allclose(
        network2.QuadraticCost.delta(z, a, y), (a - y) * network2.sigmoid_prime(z)
    )
    assert network2.CrossEntropyCost.fn(a, y) == pytest.approx(-np.log(0.8) - np.log(0.9))
    np.testing.assert_array_equal(network2.CrossEntropyCost.delta(z, a, y), a - y)
    assert network2.CrossEntropyCost.fn(np.array([[1.0]]), np.array([[1.0]])) == 0.0
    assert network2.vectorized_result(3).ravel().tolist() == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]


def test_cost_can_be_changed_and_bad_costs_are_refused():
    net, _ = both("QuadraticCost")
    weights = [w.copy() for w in net.weights]
    net.cost = network2.CrossEntropyCost
    assert net.cost is network2.CrossEntropyCost and net._engine.cost == "cross_entropy"
    assert max_diff(net.weights, weights) == 0

    class MyCost:
        pass

    state = np.random.get_state()
    with pytest.raises(ValueError, match=r"^cost: expected QuadraticCost or CrossEntropyCost"):
        network2.Network(SIZES, cost=MyCost)
    with pytest.raises(TypeError, match=r"^cost: "):
        network2.Network(SIZES, cost="CrossEntropyCost")
    assert np.random.get_state()[1].tolist() == state[1].tolist()  # nothing drawn
    with pytest.raises(ValueError, match=r"^cost: "):
        net.cost = MyCost
    assert net.cost is network2.CrossEntropyCost


def test_sgd_checks_its_arguments_first():
    training, _ = course_data(10, SIZES[0], SIZES[-1])
    net, _ = both()
    before = snapshot(net)
    state = random.getstate()
    for kwargs, exc, pattern in (
        (dict(monitor_evaluation_accuracy=True), ValueError, r"^evaluation_data: needed"),
        (dict(lmbda=-1.0), ValueError, r"^lmbda: "),
        (dict(monitor_training_cost="yes"), TypeError, r"^monitor_training_cost: "),
        (
            dict(evaluation_data=[(np.zeros((7, 1)), 9)]),
            ValueError,
            r"^evaluation_data\[0\]: label 9 out of range",
        ),
    ):
        with pytest.raises(exc, match=pattern), contextlib.redirect_stdout(io.StringIO()) as out:
            net.SGD(list(training), 2, 5, 0.5, **kwargs)
        assert out.getvalue() == ""
    np.testing.assert_array_equal(snapshot(net), before)
    assert random.getstate() == state


# -- network2's JSON files -------------------------------------------------------


def test_save_writes_network2s_json_and_load_reads_it(tmp_path):
    net, _ = both("QuadraticCost")
    f = tmp_path / "net.json"
    net.save(str(f))
    doc = json.loads(f.read_text())
    assert list(doc) == ["sizes", "weights", "biases", "cost"]
    assert doc["sizes"] == SIZES and doc["cost"] == "QuadraticCost"
    assert np.array(doc["weights"][0]).shape == (6, 7)
    np.random.seed(5)
    loaded = network2.load(str(f))
    after = np.random.get_state()
    np.random.seed(5)
    network2.Network(SIZES)  # load builds a Network, drawing as network2's load does
    assert np.random.get_state()[1].tolist() == after[1].tolist()
    assert loaded.cost is network2.QuadraticCost and loaded.sizes == SIZES
    assert max_diff(loaded.weights, net.weights) == 0 and max_diff(loaded.biases, net.biases) == 0


def test_load_reads_a_file_written_by_network2(tmp_path):
    _, ref = both()
    f = tmp_path / "theirs.json"
    f.write_text(
        json.dumps(
            {
                "sizes": SIZES,
                "weights": [w.tolist() for w in ref.weights],
                "biases": [b.tolist() for b in ref.biases],
                "cost": "CrossEntropyCost",
            }
        )
    )
    net = network2.load(f)
    assert max_diff(net.weights, ref.weights) == 0
    x = np.linspace(0, 1, 7).reshape(7, 1)
    np.testing.assert_allclose(net.feedforward(x), ref.feedforward(x), rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    "content, pattern",
    [
        ("not json", r"not a saved network \(not JSON"),
        ("[1, 2]", r"not a network2 file"),
        (
            '{"sizes": [2, 1], "weights": [[[0.0, 0.0]]], "biases": [[[0.0]]]}',
            r"missing key 'cost'",
        ),
        (
            '{"sizes": [2, 1], "weights": [[[0.0, 0.0]]], "biases": [[[0.0]]], "cost": "Hinge"}',
            r"cost: expected 'QuadraticCost' or 'CrossEntropyCost', got 'Hinge'",
        ),
        (
            '{"sizes": [2, 1], "weights": [[[0.0], [0.0]]], "biases": [[[0.0]]], "cost": '
            '"QuadraticCost"}',
            r"weights\[0\]: expected shape \(1, 2\), got \(2, 1\)",
        ),
        (
            '{"sizes": [2, 0], "weights": [], "biases": [], "cost": "QuadraticCost"}',
            r"sizes\[1\]: expected a positive int",
        ),
    ],
)
def test_load_refuses_bad_files(tmp_path, content, pattern):
    f = tmp_path / "bad.json"
    f.write_text(content)
    with pytest.raises(ValueError, match=pattern) as info:
        network2.load(f)
    assert str(info.value).startswith(str(f))
