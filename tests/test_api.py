"""The course's API: attributes, shapes, initialisation, and how user edits
of poids/biais are taken into training."""

import contextlib
import io
import random
import warnings

import numpy as np
import pytest
from support import course_data, max_diff, run

from fastnet import Network, Reseau, sigmoide, sigmoide_prime
from fastnet.reference import ReseauReference


def test_attributes_and_shapes():
    net = Reseau([784, 30, 10])
    assert net.nb_couches == 3 and net.tailles == [784, 30, 10]
    assert [b.shape for b in net.biais] == [(30, 1), (10, 1)]
    assert [w.shape for w in net.poids] == [(784, 30), (30, 10)]
    assert net.dtype == np.float64


def test_initial_values_are_the_courses():
    np.random.seed(42)
    ref = ReseauReference([5, 4, 3])
    np.random.seed(42)
    net = Reseau([5, 4, 3])
    assert max_diff(net.poids, ref.poids) == 0 and max_diff(net.biais, ref.biais) == 0


def test_forward_shapes_and_values():
    np.random.seed(1)
    ref = ReseauReference([4, 3, 2])
    np.random.seed(1)
    net = Reseau([4, 3, 2])
    x = np.arange(4.0).reshape(4, 1) / 4
    assert net.forward(x).shape == (2, 1)
    np.testing.assert_allclose(net.forward(x), ref.forward(x), rtol=0, atol=1e-15)
    xs = np.random.default_rng(0).random((4, 7))
    out = net.forward(xs)
    assert out.shape == (2, 7)
    np.testing.assert_allclose(out, ref.forward(xs), rtol=0, atol=1e-15)
    np.testing.assert_allclose(net.forward(x.ravel()), net.forward(x))


def test_evaluer_accepts_int_and_one_hot_labels():
    training, test = course_data(50, 6, 3)
    np.random.seed(2)
    net = Reseau([6, 4, 3])
    ref_count = ReseauReference.evaluer(net, test)  # the course's own loop
    assert net.evaluer(test) == ref_count
    assert net.evaluer(training) == ref_count
    assert net.evaluer(iter(test)) == ref_count


def test_assigned_weights_are_trained_from():
    training, test = course_data(20, 4, 2)
    np.random.seed(0)
    ref = ReseauReference([4, 3, 2])
    net = Reseau([4, 3, 2])
    net.poids = [w.copy() for w in ref.poids]
    net.biais = [b.copy() for b in ref.biais]
    random.seed(5)
    with contextlib.redirect_stdout(io.StringIO()):
        ref.DGS(list(training), 2, 5, 3.0)
    random.seed(5)
    with contextlib.redirect_stdout(io.StringIO()):
        net.DGS(list(training), 2, 5, 3.0)
    assert max_diff(net.poids, ref.poids) < 1e-12


def test_in_place_edits_and_item_replacement_are_seen():
    net = Reseau([3, 2])
    net.poids[0][...] = 0.0
    net.biais[0][:] = 0.0
    np.testing.assert_allclose(net.forward(np.ones((3, 1))), 0.5)
    net.poids[0] = np.ones((3, 2))  # replacing the list item
    np.testing.assert_allclose(net.forward(np.ones((3, 1))), sigmoide(3.0))
    net.poids[0] = np.ones((2, 3))  # wrong shape: refused at use
    with pytest.raises(ValueError, match=r"poids\[0\].*shape \(3, 2\)"):
        net.forward(np.ones((3, 1)))


def test_setter_checks_shapes_and_leaves_network_unchanged():
    net = Reseau([3, 4, 2])
    before = [w.copy() for w in net.poids]
    with pytest.raises(ValueError, match=r"poids\[1\]"):
        net.poids = [np.zeros((3, 4)), np.zeros((2, 4))]
    with pytest.raises(ValueError, match="expected 2 arrays"):
        net.biais = [np.zeros((4, 1))]
    assert max_diff(net.poids, before) == 0


def test_references_taken_before_training_keep_old_values():
    training, _ = course_data(10, 3, 2)
    net = Reseau([3, 2])
    old = net.poids[0]
    snapshot = old.copy()
    with contextlib.redirect_stdout(io.StringIO()):
        net.DGS(training, 1, 5, 3.0)
    np.testing.assert_array_equal(old, snapshot)  # as with the course's lists
    assert not np.array_equal(net.poids[0], snapshot)


def test_sigmoide_is_safe_and_matches_the_course():
    z = np.array([-1000.0, -50.0, 0.0, 3.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoide(z)
        sigmoide(-1e308)
    np.testing.assert_array_equal(s[[0, 2, 4]], [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(s[1:4], 1.0 / (1.0 + np.exp(-z[1:4])))
    np.testing.assert_allclose(sigmoide_prime(0.0), 0.25)
    assert sigmoide_prime(-1000.0) == 0.0


def test_saturated_training_stays_finite():
    # inputs far out make z huge: the kernels' sigmoid must not produce NaN
    training = [
        (np.full((3, 1), 500.0), np.array([[1.0], [0.0]])),
        (np.full((3, 1), -500.0), np.array([[0.0], [1.0]])),
    ]
    np.random.seed(0)
    net = Reseau([3, 2])
    with contextlib.redirect_stdout(io.StringIO()):
        net.DGS(training, 2, 1, 3.0)
    assert all(np.isfinite(w).all() for w in net.poids)


def test_network_english_api_and_lines():
    training, test = course_data(24, 5, 3)
    np.random.seed(3)
    net = Network([5, 4, 3])
    assert net.num_layers == 3 and net.sizes == [5, 4, 3]
    assert [w.shape for w in net.weights] == [(4, 5), (3, 4)]
    assert [b.shape for b in net.biases] == [(4, 1), (3, 1)]
    # the book draws randn in the order biases then weights
    np.random.seed(3)
    _b0, b1 = np.random.randn(4, 1), np.random.randn(3, 1)
    w0 = np.random.randn(4, 5)
    np.testing.assert_array_equal(net.biases[1], b1)
    np.testing.assert_array_equal(net.weights[0], w0)
    assert net.feedforward(np.ones((5, 1))).shape == (3, 1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        net.SGD(training, 2, 6, 3.0, test_data=test)
    assert out.getvalue().splitlines()[0].startswith("Epoch 0: ")
    assert out.getvalue().splitlines()[1].endswith(" / 24")
    assert 0 <= net.evaluate(test) <= 24


def test_network_trains_like_reseau_with_transposed_weights():
    training, _ = course_data(30, 5, 3)
    np.random.seed(0)
    net = Network([5, 4, 3])
    reseau = Reseau([5, 4, 3])
    reseau.poids = [w.T.copy() for w in net.weights]
    reseau.biais = [b.copy() for b in net.biases]
    for model, name in ((net, "SGD"), (reseau, "DGS")):
        random.seed(1)
        with contextlib.redirect_stdout(io.StringIO()):
            getattr(model, name)(list(training), 2, 5, 3.0)
    assert max_diff([w.T for w in net.weights], reseau.poids) == 0


def test_float32_trains_close_to_float64():
    training, test = course_data(60, 8, 3)
    net64, _ = run(Reseau, [8, 6, 3], list(training), 3, 10, 3.0)
    net32, _ = run(Reseau, [8, 6, 3], list(training), 3, 10, 3.0, dtype=np.float32)
    assert net32.dtype == np.float32 and net32.poids[0].dtype == np.float32
    assert max_diff(net32.poids, net64.poids) < 1e-4
    with pytest.raises(TypeError, match="dtype"):
        Reseau([3, 2], dtype=np.int32)


def test_callback_is_called_after_each_epoch():
    training, test = course_data(20, 4, 2)
    seen = []
    net = Reseau([4, 3, 2])
    with contextlib.redirect_stdout(io.StringIO()):
        net.DGS(training, 3, 5, 1.0, test_data=test, callback=lambda j, c: seen.append((j, c)))
    assert [j for j, _ in seen] == [0, 1, 2]
    assert all(0 <= c <= 20 for _, c in seen)


def test_rng_gives_the_shuffles_of_random_seed_whatever_else_uses_random():
    training, _ = course_data(30, 5, 3)
    a, _ = run(Reseau, [5, 4, 3], list(training), 3, 4, 2.0, seed=(0, 7))
    np.random.seed(0)
    b = Reseau([5, 4, 3])
    random.seed(123)
    with contextlib.redirect_stdout(io.StringIO()):
        b.DGS(
            list(training), 3, 4, 2.0, rng=random.Random(7), callback=lambda j, c: random.random()
        )  # other use of random
    assert max_diff(a.poids, b.poids) == 0
    with pytest.raises(TypeError, match="rng: expected a random.Random"):
        b.DGS(list(training), 1, 4, 2.0, rng=7)
