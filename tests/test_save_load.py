"""Saving and loading (fastnet.io): exact round trips, the documented JSON
format, and clear errors for bad files."""

import contextlib
import io
import json
import random

import numpy as np
import pytest
from support import course_data, max_diff

import fastnet
from fastnet import Network, Reseau, network2
from fastnet.io import charger, sauvegarder


def trained(**knobs):
    training, _ = course_data(30, 5, 3)
    np.random.seed(0)
    random.seed(0)
    net = Reseau([5, 4, 3], **knobs)
    with contextlib.redirect_stdout(io.StringIO()):
        net.DGS(training, 2, 5, 0.5)
    return net


@pytest.mark.parametrize(
    "knobs",
    [
        {},
        dict(cout="log_vraisemblance", activation="relu", init="he"),
        dict(
            cout="entropie_croisee",
            activation="tanh",
            init="xavier",
            dtype=np.float32,
            parallel=True,
        ),
    ],
)
def test_round_trip_is_exact(tmp_path, knobs):
    net = trained(**knobs)
    f = tmp_path / "reseau.json"
    net.sauvegarder(f)
    state = np.random.get_state()
    back = fastnet.charger(f)
    assert np.random.get_state()[1].tolist() == state[1].tolist()  # draws nothing
    assert type(back) is Reseau and back.tailles == [5, 4, 3]
    assert (back.cout, back.activation, back.init) == (net.cout, net.activation, net.init)
    assert back.dtype == net.dtype and back.parallel == net.parallel
    for a, b in zip(back.poids + back.biais, net.poids + net.biais):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)  # bit for bit
    x = np.linspace(0, 1, 5).reshape(5, 1)
    np.testing.assert_array_equal(back.forward(x), net.forward(x))


def test_the_file_is_the_documented_json(tmp_path):
    net = trained(cout="entropie_croisee")
    f = tmp_path / "reseau.json"
    sauvegarder(net, str(f))
    doc = json.loads(f.read_text())
    assert doc["format"] == "fastnet" and doc["version"] == 1 and doc["classe"] == "Reseau"
    assert doc["tailles"] == [5, 4, 3] and doc["dtype"] == "float64"
    assert (doc["cout"], doc["activation"], doc["init"]) == (
        "entropie_croisee",
        "sigmoide",
        "uniforme",
    )
    assert doc["parallel"] is False
    assert np.array(doc["poids"][0]).shape == (5, 4) and np.array(doc["biais"][1]).shape == (3, 1)
    assert np.array(doc["poids"][1]).tolist() == net.poids[1].tolist()
    assert not list(tmp_path.glob("*.part"))  # no temporary file left


def test_replaced_weights_are_saved(tmp_path):
    net = trained()
    net.poids[0] = np.full((5, 4), 0.25)
    f = tmp_path / "r.json"
    net.sauvegarder(f)
    assert fastnet.charger(f).poids[0].tolist() == np.full((5, 4), 0.25).tolist()


def test_network_round_trip_and_network2_files(tmp_path):
    np.random.seed(1)
    net = Network([4, 3, 2])
    f = tmp_path / "n.json"
    sauvegarder(net, f)
    back = charger(f)
    assert type(back) is Network and back.sizes == [4, 3, 2]
    assert max_diff(back.weights, net.weights) == 0
    n2 = network2.Network([4, 3, 2], cost=network2.QuadraticCost)
    sauvegarder(n2, f)  # network2's own format
    assert list(json.loads(f.read_text())) == ["sizes", "weights", "biases", "cost"]
    back = charger(f)
    assert type(back) is network2.Network and back.cost is network2.QuadraticCost
    assert max_diff(back.weights, n2.weights) == 0


def test_refused_objects_and_unsaveable_weights(tmp_path):
    with pytest.raises(TypeError, match=r"^reseau: expected a Reseau or a Network"):
        sauvegarder("net", tmp_path / "x.json")
    net = trained()
    net.poids[0][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"NaN or inf"):
        net.sauvegarder(tmp_path / "x.json")
    assert not list(tmp_path.iterdir())


def good_doc():
    net = trained()
    return {
        "format": "fastnet",
        "version": 1,
        "classe": "Reseau",
        "tailles": [5, 4, 3],
        "dtype": "float64",
        "cout": "quadratique",
        "activation": "sigmoide",
        "init": "uniforme",
        "parallel": False,
        "biais": [b.tolist() for b in net.biais],
        "poids": [w.tolist() for w in net.poids],
    }


def edited(**changes):
    doc = good_doc()
    for key, value in changes.items():
        if value is None:
            del doc[key]
        else:
            doc[key] = value
    return json.dumps(doc)


@pytest.mark.parametrize(
    "content, pattern",
    [
        ("{ not json", r"not a saved network \(not JSON"),
        ("\x00\xff", r"not a saved network"),
        ('"text"', r"not a saved network \(expected a JSON object\)"),
        ('{"a": 1}', r"not a fastnet network file"),
        (
            edited(version=2),
            r"written by a newer fastnet \(format version 2; this one reads "
            r"version 1\)",
        ),
        (edited(version="1"), r"bad format version '1'"),
        (edited(classe="Perceptron"), r"classe: expected 'Reseau' or 'Network'"),
        (edited(tailles=[5, 4]), r"biais: expected a list of 1 matrices"),
        (edited(tailles=[5, "4", 3]), r"tailles\[1\]: expected a positive int"),
        (edited(dtype="float16"), r"dtype: expected 'float64' or 'float32'"),
        (
            edited(cout="hinge"),
            r"cout: expected one of 'quadratique', 'entropie_croisee', "
            r"'log_vraisemblance', got 'hinge'",
        ),
        (edited(activation=None), r"missing key 'activation'"),
        (edited(parallel="no"), r"parallel: expected true or false"),
        (
            edited(poids=[[[1.0] * 4] * 4, [[0.0] * 3] * 4]),
            r"poids\[0\]: expected shape \(5, 4\), "
            r"got \(4, 4\)",
        ),
        (
            edited(poids=[[[1.0] * 4] * 4 + [[1.0]], [[0.0] * 3] * 4]),
            r"poids\[0\]: not a rectangular array of numbers",
        ),
        (edited(biais=[[["x"]] * 4, [[0.0]] * 3]), r"biais\[0\]: not a rectangular array"),
        (edited(biais=[[[1e999]] * 4, [[0.0]] * 3]), r"biais\[0\]: contains NaN or inf"),
    ],
)
def test_bad_files_give_clear_errors(tmp_path, content, pattern):
    f = tmp_path / "bad.json"
    f.write_bytes(content.encode("latin-1"))
    with pytest.raises(ValueError, match=pattern) as info:
        charger(f)
    assert str(info.value).startswith(f"{f}: ")


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        charger(tmp_path / "nope.json")
