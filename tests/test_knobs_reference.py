"""The knobs beyond the course (cost, activation, initialisation, L2,
momentum): first the readable reference against finite differences and the
formulas, so that it can be trusted; then fastnet's compiled path against
the reference, with the same seeds."""

import contextlib
import io
import itertools
import random

import numpy as np
import pytest
from support import course_data, max_diff

from fastnet import Network, Reseau
from fastnet.reference import COUTS, INITS, ReseauReference, cout_exemple, initialisation

ACTIVATIONS = ("sigmoide", "tanh", "relu")
COMBOS = list(itertools.product(COUTS, ACTIVATIONS))


def example(tailles, cout, seed=4):
    rng = np.random.default_rng(seed)
    x = rng.random((tailles[0], 1))
    if cout == "quadratique":
        y = rng.random((tailles[-1], 1))  # any target
    else:
        y = np.zeros((tailles[-1], 1))
        y[1] = 1.0
    return x, y


def numerical_gradient(net, x, y, h=1e-6):
    """Central differences of the example's cost, shaped like (biais, poids)."""
    grads = []
    for params in (net.biais, net.poids):
        out = []
        for p in params:
            g = np.zeros_like(p)
            for idx in np.ndindex(p.shape):
                old = p[idx]
                p[idx] = old + h
                up = cout_exemple(net.cout, net.forward(x), y)
                p[idx] = old - h
                down = cout_exemple(net.cout, net.forward(x), y)
                p[idx] = old
                g[idx] = (up - down) / (2 * h)
            out.append(g)
        grads.append(out)
    return grads


# -- the reference --------------------------------------------------------------


@pytest.mark.parametrize("cout,activation", COMBOS)
@pytest.mark.parametrize("tailles", [[5, 4, 3], [6, 5, 4, 3], [3, 2]])
def test_reference_backprop_matches_finite_differences(cout, activation, tailles):
    np.random.seed(3)
    net = ReseauReference(tailles, cout=cout, activation=activation, init="gauss_normalise")
    x, y = example(tailles, cout)
    for ours, numeric in zip(net.backprop(x, y), numerical_gradient(net, x, y)):
        for g, num in zip(ours, numeric):
            np.testing.assert_allclose(g, num, atol=1e-8, rtol=1e-6)
    assert max(np.abs(g).max() for g in numeric) > 1e-4  # not vacuous


def test_reference_costs_by_hand():
    a = np.array([[0.25], [0.75]])
    y = np.array([[0.0], [1.0]])
    assert cout_exemple("quadratique", a, y) == pytest.approx(0.5 * (0.25**2 * 2))
    assert cout_exemple("entropie_croisee", a, y) == pytest.approx(-2 * np.log(0.75))
    assert cout_exemple("log_vraisemblance", a, y) == pytest.approx(-np.log(0.75))
    # 0 * log 0 counts as 0, as network2's nan_to_num makes it
    assert (
        cout_exemple("entropie_croisee", np.array([[1.0], [0.0]]), np.array([[1.0], [0.0]])) == 0.0
    )


def test_reference_softmax_outputs_sum_to_one():
    np.random.seed(0)
    net = ReseauReference([4, 6, 5], cout="log_vraisemblance", activation="relu")
    out = net.forward(np.random.default_rng(0).random((4, 7)))
    np.testing.assert_allclose(out.sum(axis=0), 1.0, rtol=0, atol=1e-15)
    assert net.sortie == "softmax"


def test_reference_refuses_bad_knobs():
    for kwargs, pattern in (
        (dict(cout="hinge"), "cout"),
        (dict(activation="elu"), "activation"),
        (dict(cout="quadratique", sortie="softmax"), "sortie"),
        (dict(init="zeros"), "init"),
    ):
        with pytest.raises(ValueError, match=pattern):
            ReseauReference([3, 2], **kwargs)


def test_reference_l2_and_momentum_steps_by_hand():
    training, _ = course_data(6, 4, 3)
    np.random.seed(2)
    net = ReseauReference([4, 3, 3], cout="entropie_croisee")
    w0, b0 = [w.copy() for w in net.poids], [b.copy() for b in net.biais]

    def summed(net, batch):
        grads = [net.backprop(x, y) for x, y in batch]
        return (
            [sum(g[0][l] for g in grads) for l in range(2)],
            [sum(g[1][l] for g in grads) for l in range(2)],
        )

    batch, eta, lmbda, n, mu = training[:3], 0.5, 2.0, 50, 0.9
    nb, nw = summed(net, batch)
    net.update_mini_batch(batch, eta, lmbda, n, mu)
    v_w = [-(eta / 3) * g for g in nw]
    v_b = [-(eta / 3) * g for g in nb]
    decay = 1 - eta * lmbda / n
    assert max_diff(net.poids, [decay * w + v for w, v in zip(w0, v_w)]) < 1e-15
    assert max_diff(net.biais, [b + v for b, v in zip(b0, v_b)]) < 1e-15  # not decayed
    # the second step carries mu times the first one's velocity
    w1, b1 = [w.copy() for w in net.poids], [b.copy() for b in net.biais]
    nb, nw = summed(net, training[3:])
    net.update_mini_batch(training[3:], eta, lmbda, n, mu)
    v_w = [mu * v - (eta / 3) * g for v, g in zip(v_w, nw)]
    v_b = [mu * v - (eta / 3) * g for v, g in zip(v_b, nb)]
    assert max_diff(net.poids, [decay * w + v for w, v in zip(w1, v_w)]) < 1e-15
    assert max_diff(net.biais, [b + v for b, v in zip(b1, v_b)]) < 1e-15


def test_reference_initialisations():
    tailles = [30, 20, 10]
    for init in INITS:
        np.random.seed(0)
        biais, poids = initialisation(tailles, init)
        assert [w.shape for w in poids] == [(30, 20), (20, 10)]
        assert [b.shape for b in biais] == [(20, 1), (10, 1)]
    np.random.seed(0)
    _, (w, _) = initialisation([400, 300, 10], "he")
    assert np.std(w) == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    np.random.seed(0)
    _, (w, _) = initialisation([400, 300, 10], "xavier")
    r = np.sqrt(6 / 700)
    assert np.abs(w).max() <= r and np.abs(w).max() > 0.99 * r
    np.random.seed(0)
    _, (w, _) = initialisation([400, 300, 10], "gauss_normalise")
    assert np.std(w) == pytest.approx(1 / 20, rel=0.02)


# -- fastnet against the reference ------------------------------------------------


def pair(tailles, seed=5, **knobs):
    np.random.seed(seed)
    ref = ReseauReference(tailles, **knobs)
    np.random.seed(seed)
    net = Reseau(tailles, **knobs)
    return net, ref


@pytest.mark.parametrize("init", INITS)
def test_initial_values_match_the_reference(init):
    net, ref = pair([7, 5, 3], init=init)
    assert max_diff(net.poids, ref.poids) == 0 and max_diff(net.biais, ref.biais) == 0
    assert net.init == init


def test_gauss_inits_are_nielsens_networks():
    np.random.seed(9)
    book = Network([6, 4, 3])
    np.random.seed(9)
    net = Reseau([6, 4, 3], init="gauss")
    assert max_diff(net.poids, [w.T for w in book.weights]) == 0
    assert max_diff(net.biais, book.biases) == 0
    np.random.seed(9)
    b2 = [np.random.randn(y, 1) for y in (4, 3)]
    w2 = [np.random.randn(y, x) / np.sqrt(x) for x, y in ((6, 4), (4, 3))]
    np.random.seed(9)
    net = Reseau([6, 4, 3], init="gauss_normalise")
    assert max_diff(net.poids, [w.T for w in w2]) == 0 and max_diff(net.biais, b2) == 0


@pytest.mark.parametrize("cout,activation", COMBOS)
def test_forward_and_backprop_match_the_reference(cout, activation):
    tailles = [6, 5, 4, 3]
    net, ref = pair(tailles, cout=cout, activation=activation, init="gauss_normalise")
    x, y = example(tailles, cout)
    np.testing.assert_allclose(net.forward(x), ref.forward(x), rtol=0, atol=1e-14)
    xs = np.random.default_rng(1).random((6, 9))
    np.testing.assert_allclose(net.forward(xs), ref.forward(xs), rtol=0, atol=1e-14)
    for ours, theirs in zip(net.backprop(x, y), ref.backprop(x, y)):
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def train_both(tailles, knobs, epochs, batch, eta, n=37, seed=(1, 2), **dgs):
    training, test = course_data(n, tailles[0], tailles[-1], seed=seed[0])
    outs = []
    for cls in (ReseauReference, Reseau):
        np.random.seed(seed[0])
        random.seed(seed[1])
        net = cls(tailles, **knobs)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            net.DGS(list(training), epochs, batch, eta, test_data=test, **dgs)
        outs.append((net, out.getvalue()))
    return outs


@pytest.mark.parametrize("cout,activation", COMBOS)
@pytest.mark.parametrize("init", ["gauss_normalise", "xavier"])
def test_dgs_with_cost_and_activation_matches_the_reference(cout, activation, init):
    eta = 0.5 if activation == "relu" else 1.0
    (ref, ref_out), (net, out) = train_both(
        [8, 6, 5, 3], dict(cout=cout, activation=activation, init=init), 3, 5, eta
    )
    assert out == ref_out
    assert max_diff(net.poids, ref.poids) < 1e-9
    assert max_diff(net.biais, ref.biais) < 1e-9
    np.random.seed(1)
    fresh = Reseau([8, 6, 5, 3], cout=cout, activation=activation, init=init)
    assert max_diff(net.poids, fresh.poids) > 1e-3


@pytest.mark.parametrize("lmbda,mu", [(5.0, 0.0), (0.0, 0.9), (3.0, 0.5)])
@pytest.mark.parametrize("cout", ["quadratique", "entropie_croisee", "log_vraisemblance"])
def test_dgs_with_l2_and_momentum_matches_the_reference(lmbda, mu, cout):
    (ref, ref_out), (net, out) = train_both(
        [7, 6, 4], dict(cout=cout, activation="tanh"), 3, 4, 0.3, n=41, lmbda=lmbda, mu=mu
    )
    assert out == ref_out
    assert max_diff(net.poids, ref.poids) < 1e-9
    assert max_diff(net.biais, ref.biais) < 1e-9


def test_momentum_velocity_restarts_with_each_dgs_call():
    training, _ = course_data(30, 5, 3)
    nets = []
    for cls in (ReseauReference, Reseau):
        np.random.seed(0)
        random.seed(0)
        net = cls([5, 4, 3], cout="entropie_croisee")
        data = list(training)
        with contextlib.redirect_stdout(io.StringIO()):
            net.DGS(data, 2, 6, 0.5, mu=0.8)
            net.DGS(data, 1, 6, 0.5, mu=0.8)
        nets.append(net)
    assert max_diff(nets[0].poids, nets[1].poids) < 1e-9


@pytest.mark.parametrize("cout", list(COUTS))
def test_update_mini_batch_with_l2_matches_the_reference(cout):
    training, _ = course_data(12, 5, 3, seed=3)
    net, ref = pair([5, 4, 3], cout=cout, activation="relu", init="he")
    for k in range(0, 12, 5):
        ref.update_mini_batch(training[k : k + 5], 0.7, 4.0, 60)
        net.update_mini_batch(training[k : k + 5], 0.7, lmbda=4.0, n=60)
    assert max_diff(net.poids, ref.poids) < 1e-13
    assert max_diff(net.biais, ref.biais) < 1e-13


@pytest.mark.parametrize("cout", list(COUTS))
def test_total_cost_matches_the_reference(cout):
    training, test = course_data(25, 5, 3, seed=6)
    net, ref = pair([5, 4, 3], cout=cout, activation="tanh", init="gauss_normalise")
    for lmbda in (0.0, 2.5):
        expected = ref.cout_total(training, lmbda)
        assert net.cout_total(training, lmbda) == pytest.approx(expected, rel=1e-12)
        # int labels are one-hot targets
        assert net.cout_total(test, lmbda) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "knobs, dgs",
    [
        # the knobs: ReLU, softmax with log-likelihood, He, L2, momentum
        (
            dict(cout="log_vraisemblance", activation="relu", init="he"),
            dict(eta=0.3, lmbda=1.0, mu=0.5),
        ),
        (dict(), dict(eta=3.0)),  # the course's network: sigmoids, in float32 arithmetic
    ],
)
def test_float32_trains_close_to_float64(knobs, dgs):
    training, _ = course_data(60, 8, 4)
    nets = []
    for dtype in (np.float64, np.float32):
        np.random.seed(1)
        random.seed(1)
        net = Reseau([8, 6, 4], dtype=dtype, **knobs)
        net.DGS(list(training), 3, 10, verbose=False, **dgs)
        nets.append(net)
    assert nets[1].poids[0].dtype == np.float32
    assert max_diff(nets[0].poids, nets[1].poids) < 1e-4
    assert max_diff(nets[0].biais, nets[1].biais) < 1e-4
    assert max_diff(nets[0].poids, nets[1].poids) > 0  # float32 arithmetic, not float64's


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        (
            dict(cout="cross_entropy"),
            ValueError,
            r"^cout: expected one of 'quadratique', 'entropie_croisee', 'log_vraisemblance', "
            r"got 'cross_entropy'",
        ),
        (dict(cout=None), TypeError, r"^cout: expected one of"),
        (
            dict(activation="sigmoid"),
            ValueError,
            r"^activation: expected one of 'sigmoide', 'tanh', 'relu', got 'sigmoid'",
        ),
        (dict(activation=3), TypeError, r"^activation: "),
        (
            dict(init="glorot"),
            ValueError,
            r"^init: expected one of 'uniforme', 'gauss', 'gauss_normalise', 'xavier', 'he'",
        ),
    ],
)
def test_bad_knobs_are_refused_before_any_draw(kwargs, exc, pattern):
    state = np.random.get_state()
    with pytest.raises(exc, match=pattern):
        Reseau([4, 3], **kwargs)
    after = np.random.get_state()
    assert state[1].tolist() == after[1].tolist() and state[2:] == after[2:]


def test_knobs_show_in_repr_and_are_read_only():
    net = Reseau([4, 3, 2], cout="entropie_croisee", activation="relu")
    assert repr(net) == (
        "Reseau([4, 3, 2], dtype=float64, cout='entropie_croisee', activation='relu')"
    )
    assert repr(Reseau([4, 2])) == "Reseau([4, 2], dtype=float64)"
    with pytest.raises(AttributeError):
        net.cout = "quadratique"


def test_parallel_training_takes_the_knobs():
    training, test = course_data(400, 6, 3)
    np.random.seed(0)
    random.seed(0)
    net = Reseau(
        [6, 5, 3], cout="entropie_croisee", activation="tanh", init="xavier", parallel=True
    )
    start = [w.copy() for w in net.poids]
    h = net.DGS(list(training), 2, 10, 0.5, test_data=test, lmbda=2.0, verbose=False)
    assert len(h["epoque"]) == 2 and max_diff(net.poids, start) > 1e-3
    assert all(np.isfinite(w).all() for w in net.poids)
