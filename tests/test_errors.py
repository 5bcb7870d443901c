"""Every bad input at every public entry: the documented exception, a
message naming the argument (and the index of a bad pair), and a network
left exactly as it was (weights, the caller's list, ``random``). Then what
is accepted beyond the course's own types, and that it means what the
README says."""

import contextlib
import io
import random

import numpy as np
import pytest
from support import snapshot

from fastnet import Network, Reseau
from fastnet.reseau import DivergenceError

N_IN, N_OUT = 4, 3
TAILLES = [N_IN, 5, N_OUT]


def col(*values):
    return np.array(values, dtype=float).reshape(-1, 1)


def one_hot(k, n=N_OUT):
    y = np.zeros((n, 1))
    y[k] = 1.0
    return y


def good_pairs(n=6):
    rng = np.random.default_rng(0)
    return [(rng.random((N_IN, 1)), one_hot(i % N_OUT)) for i in range(n)]


def good_test(n=6):
    rng = np.random.default_rng(1)
    return [(rng.random((N_IN, 1)), i % N_OUT) for i in range(n)]


KEEP = object()


def with_item(i, x=KEEP, y=KEEP):
    """Good pairs with pair ``i`` replaced (x or y)."""
    data = good_pairs()
    x0, y0 = data[i]
    data[i] = (x0 if x is KEEP else x, y0 if y is KEEP else y)
    return data


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


def full_state(net):
    return (snapshot(net), [w.copy() for w in net.poids], [b.copy() for b in net.biais])


def assert_same(net, snap):
    params, poids, biais = snap
    np.testing.assert_array_equal(snapshot(net), params)
    for a, b in zip(net.poids + net.biais, poids + biais):
        np.testing.assert_array_equal(a, b)


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


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        (dict(tailles=[784]), ValueError, r"tailles: need at least two layers"),
        (dict(tailles=[]), ValueError, r"tailles: need at least two layers"),
        (dict(tailles="784,30,10"), TypeError, r"tailles: expected a list of layer sizes"),
        (dict(tailles=784), TypeError, r"tailles: expected a list of layer sizes"),
        (dict(tailles=None), TypeError, r"tailles: expected a list"),
        (dict(tailles=(n for n in (4, 3))), TypeError, r"tailles: expected a list"),
        (dict(tailles=[4, 0, 3]), ValueError, r"tailles\[1\]: expected a positive int, got 0"),
        (dict(tailles=[4, -2, 3]), ValueError, r"tailles\[1\]: expected a positive int, got -2"),
        (dict(tailles=[4, 2.0, 3]), TypeError, r"tailles\[1\]: expected a positive int, got 2\.0"),
        (dict(tailles=[4, True, 3]), TypeError, r"tailles\[1\]: expected a positive int, got True"),
        (dict(tailles=[4, "3"]), TypeError, r"tailles\[1\]"),
        (dict(tailles=[4, None]), TypeError, r"tailles\[1\]"),
        (dict(tailles=np.array([[4, 3]])), TypeError, r"tailles: expected a list"),
        (dict(tailles=[4, 3], dtype=np.int32), TypeError, r"dtype: expected float64 or float32"),
        (
            dict(tailles=[4, 3], dtype="no such type"),
            TypeError,
            r"dtype: expected float64 or float32",
        ),
        (dict(tailles=[4, 3], parallel="yes"), TypeError, r"parallel: expected True or False"),
    ],
)
def test_bad_constructor_arguments(kwargs, exc, pattern):
    state = np.random.get_state()
    with pytest.raises(exc, match=pattern):
        Reseau(**kwargs)
    # refused before the initial draws: np.random is untouched
    after = np.random.get_state()
    assert state[1].tolist() == after[1].tolist() and state[2:] == after[2:]


@pytest.mark.parametrize(
    "call, exc, pattern",
    [
        (lambda: Network([4]), ValueError, r"^sizes: need at least two layers"),
        (lambda: Network([4, 2.0]), TypeError, r"^sizes\[1\]"),
        (lambda net: net.SGD(good_pairs(), 2.0, 1, 3.0), TypeError, r"^epochs: expected an int"),
        (lambda net: net.SGD(good_pairs(), 1, 0, 3.0), ValueError, r"^mini_batch_size: "),
        (lambda net: net.SGD(good_pairs(), 1, 1, 0), ValueError, r"^eta: "),
        (
            lambda net: net.SGD(with_item(2, x=np.zeros(5)), 1, 1, 1.0),
            ValueError,
            r"^training_data\[2\]: x must have shape \(4, 1\), got \(5,\)",
        ),
        (lambda net: net.feedforward(np.zeros((5, 1))), ValueError, r"^a must have shape \(4, 1\)"),
        (lambda net: net.evaluate([(col(0, 0, 0, 0), 5)]), ValueError, r"^test_data\[0\]: label 5"),
        (lambda net: net.backprop(np.zeros((4, 2)), 0), ValueError, r"^x must have shape \(4, 1\)"),
        (lambda net: net.update_mini_batch([], 1.0), ValueError, r"^mini_batch is empty"),
        (
            lambda net: setattr(net, "weights", [np.zeros((4, 5)), np.zeros((3, 5))]),
            ValueError,
            r"^weights\[0\]: expected shape \(5, 4\), got \(4, 5\)",
        ),
    ],
)
def test_network_names_its_own_arguments(call, exc, pattern):
    net = Network(TAILLES)
    before = snapshot(net)
    with pytest.raises(exc, match=pattern), contextlib.redirect_stdout(io.StringIO()):
        call() if call.__code__.co_argcount == 0 else call(net)
    np.testing.assert_array_equal(snapshot(net), before)


def test_weights_edited_to_nan_are_refused_at_use():
    net = Reseau(TAILLES)
    snap = full_state(net)
    old = net.poids[1][0, 0]
    net.poids[1][0, 0] = np.nan
    for call in (
        lambda: net.forward(col(0, 0, 0, 0)),
        lambda: net.DGS(good_pairs(), 1, 2, 1.0),
        lambda: net.evaluer(good_test()),
    ):
        with pytest.raises(ValueError, match=r"poids/biais: contain NaN or inf"):
            call()
    assert np.isnan(net.poids[1][0, 0])
    net.poids[1][0, 0] = old
    assert_same(net, snap)
    assert net.forward(col(0, 0, 0, 0)).shape == (3, 1)


def test_setters_refuse_junk():
    net = Reseau(TAILLES)
    snap = full_state(net)
    for values, exc, pattern in [
        (None, TypeError, r"poids: expected a list of 2 arrays"),
        (np.zeros((4, 5)), TypeError, r"poids: expected a list of 2 arrays"),
        ([[[1, 2], [3]], np.zeros((5, 3))], ValueError, r"poids\[0\]: not a rectangular"),
        ([np.zeros((4, 5)), np.full((5, 3), "a")], TypeError, r"poids\[1\]: expected numbers"),
        ([np.zeros((4, 5)), np.full((5, 3), np.inf)], ValueError, r"poids\[1\]: contains NaN"),
    ]:
        with pytest.raises(exc, match=pattern):
            net.poids = values
    with pytest.raises(ValueError, match=r"biais\[0\]: expected shape \(5, 1\), got \(5,\)"):
        net.biais = [np.zeros(5), np.zeros((3, 1))]
    assert_same(net, snap)


# -- what is accepted -----------------------------------------------------------


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


def test_zero_epochs_change_nothing():
    net = Reseau(TAILLES)
    snap = full_state(net)
    train = good_pairs()
    order = [id(p) for p in train]
    state = random.getstate()
    net.DGS(train, 0, 2, 3.0)
    assert_same(net, snap)
    assert [id(p) for p in train] == order and random.getstate() == state


def test_divergence_error_is_a_floating_point_error():
    assert issubclass(DivergenceError, FloatingPointError)
    e = DivergenceError(epoch=2, eta=1e300)
    assert e.epoch == 2 and e.eta == 1e300 and "epoch 2" in str(e)
