"""Historique: DGS/SGD's history still behaves as the dict it was, and shows
itself in one line (prompt), as a table (Jupyter) and as curves."""

import contextlib
import copy
import io
import json
import pickle
import random
import re

import numpy as np
import pytest
from support import course_data

import fastnet
from fastnet import Historique, Network, Reseau, network2

KEYS = {
    "epoque",
    "precision",
    "precision_test",
    "precision_validation",
    "cout",
    "secondes",
    "eta",
    "compilation",
}
ONE_LINE = re.compile(r"^Historique\(\d+ époques?(, [^\n]*)?\)$")


def run(epochs=3, test=True, validation=False, **kwargs):
    training, test_pairs = course_data(40, 6, 3, seed=0)
    _, valid_pairs = course_data(12, 6, 3, seed=5)
    np.random.seed(1)
    random.seed(2)
    net = Reseau([6, 5, 3])
    with contextlib.redirect_stdout(io.StringIO()):
        h = net.DGS(
            list(training),
            epochs,
            5,
            2.0,
            test_data=test_pairs if test else None,
            validation_data=valid_pairs if validation else None,
            **kwargs,
        )
    return h


def test_dgs_returns_an_historique_that_is_still_the_dict():
    h = run()
    assert type(h) is Historique and isinstance(h, dict)
    assert set(h) == KEYS and len(h) == len(KEYS)
    plain = dict(h)
    assert type(plain) is dict and plain == h and h == plain
    assert h["epoque"] == [0, 1, 2] and list(iter(h)) == list(plain)
    assert json.loads(json.dumps(h)) == plain
    assert pickle.loads(pickle.dumps(h)) == h
    assert type(pickle.loads(pickle.dumps(h))) is Historique
    assert type(copy.deepcopy(h)) is Historique


def test_the_repr_is_the_issue_line():
    precision = [0.9 + 0.001 * i for i in range(28)] + [0.9522, 0.9517]
    precision[27] = 0.9522  # epoch 27 and 28 tie: the first one is named
    h = Historique(epoque=list(range(30)), precision=precision)
    assert repr(h) == (
        "Historique(30 époques, précision finale 95.17 %, meilleure 95.22 % à l'époque 27)"
    )
    assert str(h) == repr(h)


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({"epochs": 0}, r"^Historique\(0 époque\)$"),
        ({"epochs": 1, "test": False}, r"^Historique\(1 époque, sans données de test\)$"),
        (
            {"epochs": 2, "test": False, "suivre_cout": True},
            r"^Historique\(2 époques, sans données de test, coût final \d\.\d+\)$",
        ),
        (
            {"epochs": 2, "validation": True},
            (
                r"^Historique\(2 époques, précision finale \d+\.\d\d % \(validation\), "
                r"meilleure \d+\.\d\d % à l'époque [01]\)$"
            ),
        ),
        (
            {"epochs": 2},
            (
                r"^Historique\(2 époques, précision finale \d+\.\d\d %, "
                r"meilleure \d+\.\d\d % à l'époque [01]\)$"
            ),
        ),
    ],
)
def test_repr_is_one_sensible_line(kwargs, expected):
    text = repr(run(**kwargs))
    assert ONE_LINE.match(text) and re.match(expected, text), text
    assert len(text) < 120


def test_repr_of_odd_histories_never_fails():
    assert repr(Historique()) == "Historique(0 époque)"
    assert (
        repr(Historique(epoque=[0, 1], precision=[None, None]))
        == "Historique(2 époques, sans données de test)"
    )
    assert repr(Historique(epoque="nope")) == "Historique(0 époque)"
    h = Historique(epoque=[0, 1], precision=[0.5])  # lengths disagree: no claim
    assert repr(h) == "Historique(2 époques, sans données de test)"


def test_ipython_pretty_shows_the_one_line():
    pretty = pytest.importorskip("IPython.lib.pretty")
    h = run()
    assert pretty.pretty(h) == repr(h)


def test_html_table_is_compact():
    h = run(epochs=3)
    page = h._repr_html_()
    assert page.count("<tr>") == 1 + 3  # heading and one row per epoch
    assert "précision" in page and "%" in page
    assert '<th style="text-align:right;padding:1px 8px">test</th>' not in page  # no repeat
    assert "l&#x27;époque" in page  # escaped
    long = Historique(
        epoque=list(range(60)), precision=[i / 100 for i in range(60)], eta=[0.1] * 60
    )
    page = long._repr_html_()
    assert page.count("<tr>") == 1 + 5 + 1 + 5 and "…" in page
    assert ">59</td>" in page and ">0</td>" in page and ">30</td>" not in page
    both = run(epochs=2, validation=True)._repr_html_()
    assert ">validation</th>" in both and ">test</th>" in both


def test_courbes_draws_the_history(tmp_path):
    pytest.importorskip("matplotlib")
    h = run(epochs=3, suivre_cout=True)
    fichier = tmp_path / "h.png"
    fig = h.courbes(fichier=fichier, etiquette="essai")
    assert fichier.stat().st_size > 1000
    precision, cout = fig.axes[:2]
    assert len(precision.lines) == 1 and len(cout.lines) == 1
    np.testing.assert_allclose(precision.lines[0].get_ydata(), 100 * np.array(h["precision"]))
    assert precision.get_legend().get_texts()[0].get_text().startswith("essai")


def test_network_sgd_returns_one_too_and_network2_keeps_the_books_lists():
    training, test = course_data(30, 6, 3, seed=0)
    np.random.seed(0)
    with contextlib.redirect_stdout(io.StringIO()):
        h = Network([6, 5, 3]).SGD(list(training), 2, 5, 2.0, test_data=test)
        out = network2.Network([6, 5, 3]).SGD(
            list(training), 2, 5, 0.5, evaluation_data=test, monitor_evaluation_accuracy=True
        )
    assert type(h) is Historique and h["epoque"] == [0, 1]
    assert not isinstance(out, Historique) and len(out) == 4
    assert all(type(x) is list for x in out) and len(out[1]) == 2


def test_exported():
    assert "Historique" in fastnet.__all__ and fastnet.Historique is Historique
