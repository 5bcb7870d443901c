"""Every bad input at every public entry: the documented exception, a
message naming the argument (and the index of a bad pair), and a network
left exactly as it was (weights, the caller's list, ``random``). What is
accepted beyond the course's own types: ``test_accepted_inputs.py``."""

import contextlib
import io
import random

import numpy as np
import pytest
from support import assert_same, full_state
from tiny import N_IN, N_OUT, TAILLES, col, good_pairs, one_hot, with_item

from fastnet import Reseau


def used_zip():
    z = zip([col(0, 0, 0, 0)], [one_hot(0)])
    list(z)
    return z


X_ARR = np.random.default_rng(2).random((6, N_IN))
Y_ARR = np.arange(6) % N_OUT
X_NAN = X_ARR.copy()
X_NAN[2, 1] = np.nan
GOOD = "good"  # stands for the good training list in a case


def dgs(data=GOOD, epochs=2, batch=2, eta=3.0, **kw):
    return ("DGS", data, epochs, batch, eta, kw)


# (id, call, exception, message pattern). A call is (method, *args, kwargs).
CASES = [
    # -- DGS: numbers ------------------------------------------------------
    ("epochs negative", dgs(epochs=-1), ValueError, r"nb_epoques: expected an int >= 0, got -1"),
    ("epochs float", dgs(epochs=30.0), TypeError, r"nb_epoques: expected an int, got float 30\.0"),
    ("epochs str", dgs(epochs="2"), TypeError, r"nb_epoques"),
    ("epochs bool", dgs(epochs=True), TypeError, r"nb_epoques"),
    ("epochs None", dgs(epochs=None), TypeError, r"nb_epoques"),
    ("batch 0", dgs(batch=0), ValueError, r"taille_mini_batch: expected an int >= 1, got 0"),
    ("batch negative", dgs(batch=-3), ValueError, r"taille_mini_batch"),
    ("batch float", dgs(batch=2.5), TypeError, r"taille_mini_batch"),
    ("eta 0", dgs(eta=0), ValueError, r"eta: expected a positive finite number.*got 0"),
    ("eta 0.0 numpy", dgs(eta=np.float64(0.0)), ValueError, r"eta: expected a positive"),
    ("eta negative", dgs(eta=-1.0), ValueError, r"eta: .*got -1\.0"),
    ("eta nan", dgs(eta=float("nan")), ValueError, r"eta: .*nan"),
    ("eta inf", dgs(eta=np.float32(np.inf)), ValueError, r"eta: .*inf"),
    ("eta huge int", dgs(eta=10**400), ValueError, r"eta: .*\.\.\."),
    ("eta str", dgs(eta="3.0"), TypeError, r"eta: expected a positive number.*str '3\.0'"),
    ("eta bool", dgs(eta=True), TypeError, r"eta: .*bool"),
    ("eta None", dgs(eta=None), TypeError, r"eta: "),
    ("eta list", dgs(eta=[3.0]), TypeError, r"eta: "),
    ("eta complex", dgs(eta=3j), TypeError, r"eta: "),
    ("callback not callable", dgs(callback=3), TypeError, r"callback: expected a function"),
    ("parallel str", dgs(parallel="no"), TypeError, r"parallel: expected True or False"),
    # -- DGS: training_data as a whole -------------------------------------
    ("data None", dgs(None), TypeError, r"training_data: expected a list or iterator"),
    ("data int", dgs(3), TypeError, r"training_data: .*got int"),
    ("data str", dgs("pairs"), TypeError, r"training_data: .*got str"),
    ("data dict", dgs({1: 2}), TypeError, r"training_data: "),
    ("data empty list", dgs([]), ValueError, r"^training_data is empty$"),
    (
        "zip used twice",
        dgs(used_zip()),
        ValueError,
        r"training_data is empty \(an iterator such as zip can be used only once",
    ),
    (
        "data one array",
        dgs(X_ARR),
        TypeError,
        r"training_data: got a single array of shape \(6, 4\)",
    ),
    (
        "single pair",
        dgs((col(1, 2, 3, 4), one_hot(0))),
        ValueError,
        r"training_data: X must have shape \(n, 4\), got \(4, 1\); to pass one example",
    ),
    (
        "single pair, int label",
        dgs((col(1, 2, 3, 4), 0)),
        TypeError,
        r"training_data\[0\]: expected an \(x, y\) pair.*put it in a list",
    ),
    (
        "triple",
        dgs(good_pairs()[:2] + [(col(1, 2, 3, 4), one_hot(0), 1)]),
        ValueError,
        r"training_data\[2\]: expected an \(x, y\) pair, got a tuple of length 3",
    ),
    (
        "item not a pair",
        dgs(good_pairs()[:3] + [7]),
        TypeError,
        r"training_data\[3\]: expected an \(x, y\) pair, got 7",
    ),
    # -- DGS: one bad x ----------------------------------------------------
    (
        "x too short",
        dgs(with_item(3, x=np.zeros((3, 1)))),
        ValueError,
        r"training_data\[3\]: x must have shape \(4, 1\), got \(3, 1\)",
    ),
    (
        "x a row",
        dgs(with_item(2, x=np.zeros((1, 4)))),
        ValueError,
        r"training_data\[2\]: x must have shape \(4, 1\), got \(1, 4\)",
    ),
    (
        "x two columns",
        dgs(with_item(5, x=np.zeros((4, 2)))),
        ValueError,
        r"training_data\[5\]: x must have shape \(4, 1\), got \(4, 2\)",
    ),
    ("x scalar", dgs(with_item(0, x=1.0)), ValueError, r"training_data\[0\]: x must have shape"),
    (
        "x strings",
        dgs(with_item(1, x=np.array(["a"] * 4))),
        TypeError,
        r"training_data\[1\]: x must be numbers, got dtype <U1",
    ),
    ("x None", dgs(with_item(1, x=None)), TypeError, r"training_data\[1\]: x must be numbers"),
    (
        "x complex",
        dgs(with_item(1, x=np.zeros((4, 1), complex))),
        TypeError,
        r"training_data\[1\]: x must be numbers",
    ),
    (
        "x ragged",
        dgs(with_item(4, x=[[0.0], [1.0, 2.0], [3.0], [4.0]])),
        ValueError,
        r"training_data\[4\]: x: not a rectangular array",
    ),
    (
        "x NaN",
        dgs(with_item(4, x=col(0, np.nan, 0, 0))),
        ValueError,
        r"training_data\[4\]: x contains NaN or inf",
    ),
    (
        "x inf",
        dgs(with_item(1, x=col(0, 0, -np.inf, 0))),
        ValueError,
        r"training_data\[1\]: x contains NaN or inf",
    ),
    # -- DGS: one bad y ----------------------------------------------------
    (
        "y one-hot too long",
        dgs(with_item(3, y=np.zeros((4, 1)))),
        ValueError,
        r"training_data\[3\]: y must be an int label or have shape \(3, 1\), got \(4, 1\)",
    ),
    ("y a row", dgs(with_item(3, y=np.zeros((1, 3)))), ValueError, r"training_data\[3\]: y must"),
    (
        "y label too big",
        dgs(with_item(2, y=3)),
        ValueError,
        r"training_data\[2\]: label 3 out of range 0\.\.2",
    ),
    (
        "y label negative",
        dgs(with_item(2, y=np.int64(-1))),
        ValueError,
        r"training_data\[2\]: label -1 out of range",
    ),
    (
        "y label bool",
        dgs(with_item(2, y=True)),
        TypeError,
        r"training_data\[2\]: label must be an int",
    ),
    (
        "y label 1.5",
        dgs(with_item(2, y=1.5)),
        ValueError,
        r"training_data\[2\]: label must be an int",
    ),
    (
        "y label str",
        dgs(with_item(2, y="1")),
        TypeError,
        r"training_data\[2\]: label must be an int",
    ),
    ("y None", dgs(with_item(0, y=None)), TypeError, r"training_data\[0\]: label"),
    (
        "y NaN",
        dgs(with_item(5, y=col(0, np.nan, 1))),
        ValueError,
        r"training_data\[5\]: y contains NaN or inf",
    ),
    (
        "y strings",
        dgs(with_item(5, y=np.array([["a"]] * 3))),
        TypeError,
        r"training_data\[5\]: y must be numbers",
    ),
    # -- DGS: (X, y) arrays ------------------------------------------------
    (
        "X wrong width",
        dgs((np.zeros((6, 5)), Y_ARR)),
        ValueError,
        r"training_data: X must have shape \(n, 4\), got \(6, 5\)",
    ),
    (
        "X strings",
        dgs((np.full((6, 4), "a"), Y_ARR)),
        TypeError,
        r"training_data: X must be numbers",
    ),
    ("X NaN row", dgs((X_NAN, Y_ARR)), ValueError, r"training_data: X\[2\] contains NaN or inf"),
    ("X y lengths", dgs((X_ARR, Y_ARR[:5])), ValueError, r"training_data: 6 inputs but 5 labels"),
    (
        "y labels out of range",
        dgs((X_ARR, Y_ARR + 1)),
        ValueError,
        r"training_data: y\[2\]: label 3 out of range 0\.\.2",
    ),
    (
        "y labels non-integral",
        dgs((X_ARR, Y_ARR + 0.5)),
        ValueError,
        r"training_data: labels must be integers",
    ),
    (
        "y labels bool",
        dgs((X_ARR, Y_ARR > 0)),
        TypeError,
        r"training_data: labels must be integers",
    ),
    (
        "y labels str",
        dgs((X_ARR, Y_ARR.astype(str))),
        TypeError,
        r"training_data: labels must be integers",
    ),
    (
        "y scalar",
        dgs((X_ARR, np.int64(1))),
        TypeError,
        r"training_data\[0\]: expected an \(x, y\) pair, got an array of shape \(6, 4\)",
    ),
    (
        "y 0-d array",
        dgs((X_ARR, np.array(1))),
        ValueError,
        r"training_data: y must be an array of n labels",
    ),
    (
        "Y wrong width",
        dgs((X_ARR, np.zeros((6, 4)))),
        ValueError,
        r"training_data: y must be labels of shape \(n,\) or have shape \(n, 3\), got \(6, 4\)",
    ),
    (
        "Y NaN",
        dgs((X_ARR, np.full((6, 3), np.nan))),
        ValueError,
        r"training_data: y\[0\] contains NaN",
    ),
    (
        "arrays empty",
        dgs((np.zeros((0, 4)), np.zeros(0, int))),
        ValueError,
        r"training_data is empty",
    ),
    # -- DGS: test_data ----------------------------------------------------
    ("test empty", dgs(test_data=[]), ValueError, r"^test_data is empty$"),
    ("test zip used", dgs(test_data=used_zip()), ValueError, r"test_data is empty \(an iterator"),
    (
        "test label out of range",
        dgs(test_data=[(col(0, 0, 0, 0), 1), (col(0, 0, 0, 0), 9)]),
        ValueError,
        r"test_data\[1\]: label 9 out of range 0\.\.2",
    ),
    (
        "test one-hot too short",
        dgs(test_data=[(col(0, 0, 0, 0), col(0, 1))]),
        ValueError,
        r"test_data\[0\]: label must be an int in 0\.\.2 or a one-hot column of shape \(3, 1\)",
    ),
    (
        "test not one-hot",
        dgs(test_data=[(col(0, 0, 0, 0), col(0, 1, 1))]),
        ValueError,
        r"test_data\[0\]: .*not one-hot",
    ),
    (
        "test arrays not one-hot",
        dgs(test_data=(X_ARR, np.ones((6, 3)))),
        ValueError,
        r"test_data: y\[0\] is not one-hot",
    ),
    (
        "test x wrong",
        dgs(test_data=[(col(0, 0, 0, 0), 1), (col(0, 0, 0), 1)]),
        ValueError,
        r"test_data\[1\]: x must have shape \(4, 1\), got \(3, 1\)",
    ),
    (
        "test None label",
        dgs(test_data=[(col(0, 0, 0, 0), None)]),
        TypeError,
        r"test_data\[0\]: label",
    ),
    # -- update_mini_batch -------------------------------------------------
    ("umb empty", ("update_mini_batch", [], 3.0, {}), ValueError, r"^mini_batch is empty$"),
    ("umb eta 0", ("update_mini_batch", GOOD, 0.0, {}), ValueError, r"eta: "),
    ("umb eta str", ("update_mini_batch", GOOD, "x", {}), TypeError, r"eta: "),
    (
        "umb bad x",
        ("update_mini_batch", with_item(1, x=np.zeros(5)), 3.0, {}),
        ValueError,
        r"mini_batch\[1\]: x must have shape \(4, 1\), got \(5,\)",
    ),
    (
        "umb bad label",
        ("update_mini_batch", with_item(4, y=-2), 3.0, {}),
        ValueError,
        r"mini_batch\[4\]: label -2 out of range",
    ),
    # -- backprop ----------------------------------------------------------
    (
        "backprop x columns",
        ("backprop", np.zeros((4, 3)), one_hot(0), {}),
        ValueError,
        r"^x must have shape \(4, 1\), got \(4, 3\) \(backprop takes one example\)",
    ),
    (
        "backprop x short",
        ("backprop", np.zeros((3, 1)), one_hot(0), {}),
        ValueError,
        r"^x must have shape \(4, 1\), got \(3, 1\)",
    ),
    (
        "backprop x NaN",
        ("backprop", col(0, 0, np.nan, 0), one_hot(0), {}),
        ValueError,
        r"^x contains NaN or inf",
    ),
    ("backprop x str", ("backprop", "abcd", one_hot(0), {}), TypeError, r"^x must be numbers"),
    (
        "backprop y long",
        ("backprop", col(0, 0, 0, 0), np.zeros((4, 1)), {}),
        ValueError,
        r"^y must be an int label or have shape \(3, 1\), got \(4, 1\)",
    ),
    (
        "backprop y label",
        ("backprop", col(0, 0, 0, 0), 7, {}),
        ValueError,
        r"^y: label 7 out of range 0\.\.2",
    ),
    ("backprop y None", ("backprop", col(0, 0, 0, 0), None, {}), TypeError, r"^y: label must be"),
    (
        "backprop y inf",
        ("backprop", col(0, 0, 0, 0), col(0, np.inf, 0), {}),
        ValueError,
        r"^y contains NaN or inf",
    ),
    # -- forward -----------------------------------------------------------
    (
        "forward short",
        ("forward", np.zeros((3, 1)), {}),
        ValueError,
        r"^x must have shape \(4, 1\) or \(4, m\), got \(3, 1\)",
    ),
    ("forward rows", ("forward", np.zeros((2, 4)), {}), ValueError, r"^x must have shape"),
    ("forward 3-D", ("forward", np.zeros((4, 1, 1)), {}), ValueError, r"^x must have shape"),
    (
        "forward NaN",
        ("forward", np.array([[0, 1], [0, 1], [0, np.nan], [0, 1]]), {}),
        ValueError,
        r"^x contains NaN or inf \(column 1\)",
    ),
    ("forward str", ("forward", "abcd", {}), TypeError, r"^x must be numbers"),
    ("forward None", ("forward", None, {}), TypeError, r"^x must be numbers"),
    (
        "forward objects",
        ("forward", np.array([object()] * 4), {}),
        TypeError,
        r"^x must be numbers",
    ),
    # -- evaluer -----------------------------------------------------------
    ("evaluer None", ("evaluer", None, {}), TypeError, r"test_data: expected a list"),
    ("evaluer empty", ("evaluer", [], {}), ValueError, r"test_data is empty"),
    ("evaluer zip used", ("evaluer", used_zip(), {}), ValueError, r"used only once"),
    (
        "evaluer label",
        ("evaluer", [(col(0, 0, 0, 0), 3)], {}),
        ValueError,
        r"test_data\[0\]: label 3 out of range",
    ),
    (
        "evaluer arrays",
        ("evaluer", (X_ARR, Y_ARR[:2]), {}),
        ValueError,
        r"test_data: 6 inputs but 2 labels",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_and_changes_nothing(case):
    _, (method, *args), exc, pattern = case
    *args, kwargs = args
    np.random.seed(0)
    net = Reseau(TAILLES)
    train = good_pairs()
    args = [train if a is GOOD else a for a in args]
    order = [id(p) for p in train]
    snap = full_state(net)
    state = random.getstate()
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(exc, match=pattern):
        getattr(net, method)(*args, **kwargs)
    assert out.getvalue() == ""  # not one epoch line
    assert_same(net, snap)
    assert [id(p) for p in train] == order  # the list is not shuffled
    assert random.getstate() == state  # no shuffle drawn
    # the network is still usable
    with contextlib.redirect_stdout(io.StringIO()):
        net.DGS(good_pairs(), 1, 2, 3.0)
