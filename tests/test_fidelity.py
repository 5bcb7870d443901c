"""fastnet's DGS against the course's per-example code: same seeds, same
data, same printed lines and the same weights to 1e-9."""

import contextlib
import io
import random

import numpy as np
import pytest
from support import course_data, max_diff, run, run_reference

from fastnet import Reseau
from fastnet.reference import ReseauReference

CASES = [
    # tailles, n examples, epochs, mini-batch, eta
    ([6, 5, 3], 40, 3, 10, 3.0),  # batches divide n
    ([6, 5, 3], 43, 3, 10, 3.0),  # a shorter last mini-batch
    ([12, 9, 7, 4], 37, 4, 5, 1.5),  # deeper
    ([8, 3], 25, 5, 1, 0.5),  # no hidden layer, batch of one
    ([10, 16, 12, 8, 5], 30, 2, 7, 2.0),  # four weight layers
    ([5, 4, 2], 9, 3, 20, 3.0),  # one mini-batch larger than the data
]


@pytest.mark.parametrize("tailles,n,epochs,batch,eta", CASES)
@pytest.mark.parametrize("seed", [(1, 2), (7, 0)])
def test_dgs_matches_course(tailles, n, epochs, batch, eta, seed):
    training, test = course_data(n, tailles[0], tailles[-1], seed=seed[0])
    ref, ref_out = run_reference(tailles, training, epochs, batch, eta, test, seed)
    net, out = run(Reseau, tailles, list(training), epochs, batch, eta, test, seed)
    assert out == ref_out
    assert max_diff(net.poids, ref.poids) < 1e-9
    assert max_diff(net.biais, ref.biais) < 1e-9
    # sanity: training moved the weights (the check above is not vacuous)
    np.random.seed(seed[0])
    fresh = Reseau(tailles)
    assert max_diff(net.poids, fresh.poids) > 1e-3


def test_without_test_data_prints_complete_lines():
    training, _ = course_data(20, 4, 3)
    ref, ref_out = run_reference([4, 3, 3], training, 2, 5, 3.0)
    net, out = run(Reseau, [4, 3, 3], list(training), 2, 5, 3.0)
    assert out == ref_out == "Époque 0 complete\nÉpoque 1 complete\n"
    assert max_diff(net.poids, ref.poids) < 1e-9


def test_zip_input_same_as_list():
    training, test = course_data(30, 5, 3)
    ref, ref_out = run_reference([5, 4, 3], training, 3, 4, 2.0, test)
    net, out = run(Reseau, [5, 4, 3], zip(*zip(*training)), 3, 4, 2.0, iter(test))
    assert out == ref_out
    assert max_diff(net.poids, ref.poids) < 1e-9


def test_list_is_shuffled_in_place_like_the_course():
    training, _ = course_data(15, 4, 2)
    ref_list, our_list = list(training), list(training)
    run(Reseau, [4, 3, 2], our_list, 2, 4, 1.0)
    run(ReseauReference, [4, 3, 2], ref_list, 2, 4, 1.0)
    assert [id(p) for p in our_list] == [id(p) for p in ref_list]


def test_two_calls_continue_like_the_course():
    training, test = course_data(26, 5, 3)
    ref_list, our_list = list(training), list(training)
    ref, _ = run(ReseauReference, [5, 4, 3], ref_list, 2, 4, 3.0, test)
    with contextlib.redirect_stdout(io.StringIO()):
        random.seed(9)
        ref.DGS(ref_list, 2, 4, 3.0)
    net, _ = run(Reseau, [5, 4, 3], our_list, 2, 4, 3.0, test)
    with contextlib.redirect_stdout(io.StringIO()):
        random.seed(9)
        net.DGS(our_list, 2, 4, 3.0)
    assert max_diff(net.poids, ref.poids) < 1e-9


def test_float64_inputs_and_array_form():
    training, test = course_data(30, 6, 4, dtype=np.float64)
    ref, ref_out = run_reference([6, 5, 4], training, 2, 6, 3.0, test)
    X = np.stack([x.ravel() for x, _ in training])
    y = np.array([t for _, t in test])
    # the array form does not shuffle a caller's list, but draws the same order
    net, out = run(Reseau, [6, 5, 4], (X, y), 2, 6, 3.0, (X, y))
    assert out == ref_out
    assert max_diff(net.poids, ref.poids) < 1e-9


def test_update_mini_batch_and_evaluer_match():
    training, test = course_data(12, 7, 4, seed=3)
    np.random.seed(5)
    ref = ReseauReference([7, 6, 4])
    np.random.seed(5)
    net = Reseau([7, 6, 4])
    for k in range(0, 12, 5):
        ref.update_mini_batch(training[k : k + 5], 2.5)
        net.update_mini_batch(training[k : k + 5], 2.5)
    assert max_diff(net.poids, ref.poids) < 1e-12
    assert max_diff(net.biais, ref.biais) < 1e-12
    assert net.evaluer(test) == ref.evaluer(test)
    x = training[0][0]
    assert np.allclose(net.forward(x), ref.forward(x), atol=1e-13, rtol=0)
