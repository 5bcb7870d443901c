"""Errors that used to be unclear (issue 11, item 18): each is one line that
names the file or the argument and says what is wrong."""

import numpy as np
import pytest

import fastnet


@pytest.mark.parametrize(
    "text, says",
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"poids": ' + "9" * 5000 + "}", "not JSON"),
        ('{"poids": [1, 2', "not JSON"),
    ],
)
def test_charger_names_the_file(tmp_path, text, says):
    path = tmp_path / "reseau.json"
    path.write_text(text)
    with pytest.raises(ValueError) as e:
        fastnet.charger(path)
    msg = str(e.value)
    assert msg.startswith(f"{path}: not a saved network") and says in msg
    assert "\n" not in msg and len(msg) < 400


@pytest.mark.parametrize("X", [[[0.1] * 4] * 5, "abcde", 5, None])
def test_a_tuple_whose_x_is_not_an_array_says_so(X):
    net = fastnet.Reseau([4, 3, 2])
    before = [w.copy() for w in net.poids]
    with pytest.raises(
        TypeError,
        match=r"training_data: in a tuple \(X, y\), X must be a "
        r"numpy array of shape \(n, 4\), got ",
    ):
        net.DGS((X, np.zeros(5, dtype=int)), 1, 2, 1.0)
    with pytest.raises(TypeError, match=r"test_data: in a tuple \(X, y\), X must be"):
        net.evaluer((X, np.zeros(5, dtype=int)))
    assert all(np.array_equal(a, b) for a, b in zip(before, net.poids))


def test_one_example_as_a_pair_keeps_its_hint():
    net = fastnet.Reseau([4, 3, 2])
    x, y = np.zeros((4, 1)), np.zeros((2, 1))
    with pytest.raises(ValueError, match=r"put it in a list: \[\(x, y\)\]"):
        net.DGS((x, y), 1, 1, 1.0)
