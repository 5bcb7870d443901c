"""``evaluer`` on arrays checks its inputs for NaN and inf while scoring
(``Engine.count_correct(name=...)``): no separate pass over X, the same
errors as before, and the same counts as a row-by-row reference."""

import numpy as np
import pytest

from fastnet import Network, Reseau
from fastnet.reference import ReseauReference

SIZES = [20, 7, 5]
ROWS = 300


def data(dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((ROWS, SIZES[0])).astype(dtype), rng.integers(0, SIZES[-1], ROWS)


def reference_count(net, X, y):
    ref = ReseauReference(SIZES)
    ref.biais = [np.array(b, dtype=np.float64) for b in net.biais]
    ref.poids = [np.array(w, dtype=np.float64) for w in net.poids]
    return ref.evaluer([(x.reshape(-1, 1).astype(np.float64), int(t)) for x, t in zip(X, y)])


@pytest.mark.parametrize("model", ["float64", "float32"])
@pytest.mark.parametrize("given", [np.float64, np.float32])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("row", [0, 137, ROWS - 1])
def test_bad_row_is_named(model, given, bad, row):
    net = Reseau(SIZES, dtype=model)
    X, y = data(given)
    X[row, 3] = bad
    with pytest.raises(ValueError, match=rf"^test_data: X\[{row}\] contains NaN or inf$"):
        net.evaluer((X, y))


def test_first_bad_row_wins_across_chunks(monkeypatch):
    from fastnet import _engine

    monkeypatch.setattr(_engine, "_WHOLE_ROWS", 64)  # several chunks
    monkeypatch.setattr(_engine, "_SCORE_ROWS", 64)
    net = Reseau(SIZES)
    X, y = data(np.float64)
    X[200, 0] = np.nan
    X[250, 1] = np.inf
    with pytest.raises(ValueError, match=r"X\[200\] contains"):
        net.evaluer((X, y))


def test_opposite_infinities_in_one_row():
    net = Reseau(SIZES)
    X, y = data(np.float64)
    X[5, 0], X[5, 1] = np.inf, -np.inf
    with pytest.raises(ValueError, match=r"X\[5\] contains NaN or inf"):
        net.evaluer((X, y))


def test_zero_weights_do_not_hide_an_infinity():
    """inf times a zero weight is NaN: a row of zero weights cannot mask it."""
    net = Reseau(SIZES)
    poids = net.poids
    poids[0][3] = 0.0  # every weight from input 3
    net.poids = poids
    X, y = data(np.float64)
    X[9, 3] = np.inf
    with pytest.raises(ValueError, match=r"X\[9\] contains NaN or inf"):
        net.evaluer((X, y))


def test_huge_finite_inputs_are_scored_not_refused():
    """A first-layer sum may overflow on finite inputs: scored as before
    (the same count as scoring without the check)."""
    net = Reseau(SIZES, dtype="float32")
    X, y = data(np.float32)
    X[4] = 3e38
    with np.errstate(over="ignore", invalid="ignore"):
        unchecked = net._engine.count_correct(X, y)
        assert net.evaluer((X, y)) == unchecked


@pytest.mark.parametrize("model", ["float64", "float32"])
@pytest.mark.parametrize("given", [np.float64, np.float32, np.uint8])
def test_counts_agree_with_the_reference(model, given):
    net = Reseau(SIZES, dtype=model)
    X, y = data(np.float64, seed=3)
    if given is np.uint8:
        X = (X * 256).astype(np.uint8)
        Xf = X / 256.0
    else:
        X = X.astype(given)
        Xf = X.astype(np.float64)
    assert net.evaluer((X, y)) == reference_count(net, Xf, y)


def test_test_data_of_dgs_is_still_checked_before_training():
    net = Reseau(SIZES)
    before = [w.copy() for w in net.poids]
    X, y = data(np.float64)
    Xt = X.copy()
    Xt[7, 2] = np.nan
    with pytest.raises(ValueError, match=r"test_data: X\[7\] contains NaN or inf"):
        net.DGS((X, y), 1, 10, 3.0, test_data=(Xt, y), verbose=False)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.poids))


def test_network_accuracy_and_evaluate_check_too():
    net = Network(SIZES)
    X, y = data(np.float64)
    X[11, 0] = np.nan
    with pytest.raises(ValueError, match=r"X\[11\] contains NaN or inf"):
        net.evaluate((X, y))


def test_an_own_feedforward_still_gets_checked_inputs():
    seen = []

    class Own(Reseau):
        def forward(self, a):
            seen.append(a)
            return super().forward(a)

    net = Own(SIZES)
    X, y = data(np.float64)
    X[2, 0] = np.inf
    with pytest.raises(ValueError, match=r"X\[2\] contains NaN or inf"):
        net.evaluer((X, y))
    assert not seen


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_in_place_sigmoid_gives_the_reference_bits(dtype):
    from fastnet._engine import sigmoid_inplace
    from fastnet.reference import sigmoide

    rng = np.random.default_rng(5)
    z = (rng.standard_normal(10_000) * 30).astype(dtype)
    z[:6] = [0.0, -0.0, 800.0, -800.0, np.inf, -np.inf]
    with np.errstate(over="ignore"):
        want = sigmoide(z)
        got = sigmoid_inplace(z.copy())
    assert got.dtype == dtype and np.array_equal(got, want)
