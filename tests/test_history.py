"""DGS's history, validation data, early stopping and the eta schedule:
checked against the same loop written with the reference's steps."""

import contextlib
import io
import random
import time

import numpy as np
import pytest
from support import course_data, max_diff, snapshot

from fastnet import Network, Reseau
from fastnet.reference import ReseauReference

TAILLES = [6, 5, 3]
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


def data(n=40, n_valid=12, seed=0):
    training, _ = course_data(n, TAILLES[0], TAILLES[-1], seed=seed)
    _, validation = course_data(n_valid, TAILLES[0], TAILLES[-1], seed=seed + 100)
    _, test = course_data(15, TAILLES[0], TAILLES[-1], seed=seed + 200)
    return training, validation, test


def fresh(seed=(3, 4), **knobs):
    np.random.seed(seed[0])
    random.seed(seed[1])
    return Reseau(TAILLES, **knobs)


def quiet(call, *args, **kwargs):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = call(*args, **kwargs)
    return result, out.getvalue()


def reference_run(
    training,
    validation,
    epochs,
    batch,
    eta,
    patience=None,
    halve=None,
    lmbda=0.0,
    mu=0.0,
    seed=(3, 4),
    **knobs,
):
    """Early stopping and the schedule, spelled out on the reference."""
    np.random.seed(seed[0])
    random.seed(seed[1])
    ref = ReseauReference(TAILLES, **knobs)
    items, n = list(training), len(training)
    best, since_best, since_change, halvings = None, 0, 0, 0
    etas, accuracies = [], []
    for _ in range(epochs):
        random.shuffle(items)
        for k in range(0, n, batch):
            ref.update_mini_batch(items[k : k + batch], eta, lmbda, n, mu)
        correct = ref.evaluer(validation)
        etas.append(eta)
        accuracies.append(correct / len(validation))
        if best is None or correct > best:
            best, since_best, since_change = correct, 0, 0
        else:
            since_best += 1
            since_change += 1
        if patience and since_best >= patience:
            break
        if halve and since_change >= halve:
            halvings += 1
            if halvings == 7:  # eta would have dropped to eta0 / 128
                break
            eta /= 2
            since_change = 0
            ref._vitesses_a_zero()  # a new eta starts a new run, at rest
    return ref, etas, accuracies


def test_history_with_test_data_only():
    training, _, test = data()
    net = fresh()
    start = time.perf_counter()
    h, out = quiet(net.DGS, list(training), 4, 5, 2.0, test_data=test)
    wall = time.perf_counter() - start
    assert set(h) == KEYS
    assert h["epoque"] == [0, 1, 2, 3] and h["eta"] == [2.0] * 4
    counts = [int(line.split(": ")[1].split(" / ")[0]) for line in out.splitlines()]
    assert h["precision"] == h["precision_test"] == [c / len(test) for c in counts]
    assert h["precision_validation"] == [None] * 4 and h["cout"] == [None] * 4
    secs = h["secondes"]
    assert all(isinstance(s, float) and s > 0 for s in secs)
    assert sum(secs) <= wall  # per epoch, not cumulative


def test_history_without_any_evaluation_data():
    training, _, _ = data()
    h, out = quiet(fresh().DGS, list(training), 2, 5, 2.0)
    assert out == "Époque 0 complete\nÉpoque 1 complete\n"
    assert h["precision"] == [None, None] and h["precision_test"] == [None, None]


def test_validation_accuracy_is_the_precision_and_lines_stay_the_courses():
    training, validation, test = data()
    h, out = quiet(
        fresh().DGS, list(training), 3, 5, 2.0, test_data=test, validation_data=validation
    )
    _, plain = quiet(fresh().DGS, list(training), 3, 5, 2.0, test_data=test)
    assert out == plain  # the course's lines, on test data
    assert h["precision"] == h["precision_validation"]
    _, etas, accuracies = reference_run(training, validation, 3, 5, 2.0)
    assert h["precision_validation"] == accuracies


def test_validation_data_is_never_trained_on():
    training, validation, _ = data()
    with_valid = fresh()
    quiet(with_valid.DGS, list(training), 3, 5, 2.0, validation_data=validation)
    without = fresh()
    quiet(without.DGS, list(training), 3, 5, 2.0)
    assert max_diff(with_valid.poids, without.poids) == 0


@pytest.mark.parametrize("lmbda", [0.0, 3.0])
def test_training_cost_matches_the_reference(lmbda):
    training, _, _ = data()
    net = fresh(cout="entropie_croisee")
    h, _ = quiet(net.DGS, list(training), 2, 5, 1.0, lmbda=lmbda, suivre_cout=True)
    ref = ReseauReference(TAILLES, cout="entropie_croisee")
    ref.poids, ref.biais = [w.copy() for w in net.poids], [b.copy() for b in net.biais]
    assert h["cout"][-1] == pytest.approx(ref.cout_total(training, lmbda), rel=1e-12)
    assert h["cout"][0] > h["cout"][1]


def test_early_stopping_matches_the_reference_loop():
    training, validation, test = data(seed=1)
    net = fresh()
    h, out = quiet(
        net.DGS,
        list(training),
        60,
        5,
        3.0,
        test_data=test,
        validation_data=validation,
        arret_precoce=3,
    )
    ref, etas, accuracies = reference_run(training, validation, 60, 5, 3.0, patience=3)
    assert 3 < len(accuracies) < 60  # it did stop early
    assert h["precision_validation"] == accuracies and h["eta"] == etas
    assert len(out.splitlines()) == len(accuracies)
    best = max(accuracies)
    assert all(a <= best for a in accuracies[-3:]) and accuracies.index(best) == len(etas) - 4
    assert max_diff(net.poids, ref.poids) < 1e-9


@pytest.mark.parametrize("mu", [0.0, 0.7])
def test_eta_schedule_matches_the_reference_loop(mu):
    training, validation, _ = data(seed=2, n_valid=8)
    net = fresh(cout="entropie_croisee")
    h, _ = quiet(
        net.DGS, list(training), 200, 5, 1.0, validation_data=validation, reduction_eta=2, mu=mu
    )
    ref, etas, accuracies = reference_run(
        training, validation, 200, 5, 1.0, halve=2, mu=mu, cout="entropie_croisee"
    )
    assert h["eta"] == etas
    assert h["precision_validation"] == accuracies
    # seven halvings: eta went down to eta0 / 64, then training stopped
    assert min(etas) == 1.0 / 64 and len(etas) < 200
    assert sorted(set(etas), reverse=True) == [1.0 / 2**k for k in range(7)]
    assert max_diff(net.poids, ref.poids) < 1e-9
    assert max_diff(net.biais, ref.biais) < 1e-9


def test_test_data_never_chooses():
    training, validation, test = data(seed=2, n_valid=8)
    _, other_test = course_data(15, TAILLES[0], TAILLES[-1], seed=77)
    a = fresh()
    ha, _ = quiet(
        a.DGS,
        list(training),
        40,
        5,
        1.0,
        test_data=test,
        validation_data=validation,
        reduction_eta=2,
    )
    b = fresh()
    hb, _ = quiet(
        b.DGS,
        list(training),
        40,
        5,
        1.0,
        test_data=other_test,
        validation_data=validation,
        reduction_eta=2,
    )
    assert ha["eta"] == hb["eta"] and max_diff(a.poids, b.poids) == 0


def test_verbose_false_prints_nothing_and_callback_still_runs():
    training, _, test = data()
    seen = []
    h, out = quiet(
        fresh().DGS,
        list(training),
        2,
        5,
        2.0,
        test_data=test,
        verbose=False,
        callback=lambda j, c: seen.append((j, c)),
    )
    assert out == ""
    assert [c / len(test) for _, c in seen] == h["precision_test"]


def test_network_sgd_returns_the_history_too():
    training, _, test = data()
    np.random.seed(0)
    h, out = quiet(Network(TAILLES).SGD, list(training), 2, 5, 2.0, test_data=test)
    assert out.startswith("Epoch 0: ") and h["epoque"] == [0, 1]


def test_history_draws_with_plots(tmp_path):
    pytest.importorskip("matplotlib")
    from fastnet import plots

    training, validation, test = data()
    runs = {}
    for cout in ("quadratique", "entropie_croisee"):
        runs[cout], _ = quiet(
            fresh(cout=cout).DGS, list(training), 4, 5, 1.0, test_data=test, suivre_cout=True
        )
    fichier = tmp_path / "courbes.png"
    fig = plots.courbes(runs, fichier=fichier)
    assert fichier.stat().st_size > 1000
    assert len(fig.axes[0].lines) == 2 and len(fig.axes[1].lines) == 2


# -- refused arguments change nothing --------------------------------------------


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        (dict(lmbda=-1.0), ValueError, r"^lmbda: expected a finite number >= 0"),
        (dict(lmbda="5"), TypeError, r"^lmbda: "),
        (dict(lmbda=np.inf), ValueError, r"^lmbda: "),
        (dict(mu=1.0), ValueError, r"^mu: expected a number in \[0, 1\)"),
        (dict(mu=-0.1), ValueError, r"^mu: "),
        (dict(mu=True), TypeError, r"^mu: "),
        (dict(mu=0.5, parallel=True), ValueError, r"^mu: momentum is not available with parallel"),
        (dict(arret_precoce=3), ValueError, r"^arret_precoce: needs validation_data"),
        (dict(reduction_eta=3), ValueError, r"^reduction_eta: needs validation_data"),
        (
            dict(arret_precoce=0, validation_data="V"),
            ValueError,
            r"^arret_precoce: expected an int >= 1",
        ),
        (
            dict(reduction_eta=2.0, validation_data="V"),
            TypeError,
            r"^reduction_eta: expected an int",
        ),
        (dict(verbose=None), TypeError, r"^verbose: expected True or False"),
        (dict(suivre_cout="yes"), TypeError, r"^suivre_cout: expected True or False"),
        (dict(validation_data="bad"), TypeError, r"^validation_data: "),
        (
            dict(validation_data=[(np.zeros((6, 1)), 7)]),
            ValueError,
            r"^validation_data\[0\]: label 7 out of range",
        ),
    ],
)
def test_bad_knob_arguments_change_nothing(kwargs, exc, pattern):
    training, validation, _ = data()
    if kwargs.get("validation_data") == "V":
        kwargs["validation_data"] = validation
    net = fresh()
    before = snapshot(net)
    items = list(training)
    order = [id(p) for p in items]
    state = random.getstate()
    with pytest.raises(exc, match=pattern), contextlib.redirect_stdout(io.StringIO()) as out:
        net.DGS(items, 2, 5, 1.0, **kwargs)
    assert out.getvalue() == ""
    np.testing.assert_array_equal(snapshot(net), before)
    assert [id(p) for p in items] == order and random.getstate() == state


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        (dict(lmbda=-2.0), ValueError, r"^lmbda: "),
        (dict(lmbda=1.0, n=0), ValueError, r"^n: expected an int >= 1"),
        (dict(lmbda=1.0, n=2.5), TypeError, r"^n: expected an int"),
    ],
)
def test_update_mini_batch_refuses_bad_l2_arguments(kwargs, exc, pattern):
    training, _, _ = data()
    net = fresh()
    before = snapshot(net)
    with pytest.raises(exc, match=pattern):
        net.update_mini_batch(training[:4], 1.0, **kwargs)
    np.testing.assert_array_equal(snapshot(net), before)


def test_divergence_after_a_halving_names_the_right_epoch(monkeypatch):
    from fastnet import kernels
    from fastnet.reseau import DivergenceError

    training, validation, _ = data(seed=2, n_valid=1)
    h, lines = quiet(
        fresh().DGS, list(training), 5, 5, 1.0, validation_data=validation, reduction_eta=1
    )
    assert h["eta"][3] < h["eta"][0]  # epoch 3 runs in a later run of the engine
    real, calls = kernels.train_epoch, []

    def poisoned(params, *args):
        real(params, *args)
        if len(calls) == 3:
            params[0] = np.nan
        calls.append(1)

    monkeypatch.setattr(kernels, "train_epoch", poisoned)
    net = fresh()
    with pytest.raises(
        DivergenceError,
        match=r"^Époque 3: training diverged .* after "
        r"Époque 2\.",
    ) as info:
        quiet(net.DGS, list(training), 5, 5, 1.0, validation_data=validation, reduction_eta=1)
    assert info.value.epoch == 3 and info.value.eta == h["eta"][3]
    monkeypatch.setattr(kernels, "train_epoch", real)
    three = fresh()
    quiet(three.DGS, list(training), 3, 5, 1.0, validation_data=validation, reduction_eta=1)
    np.testing.assert_array_equal(snapshot(net), snapshot(three))


def test_compilation_is_reported_apart_from_the_epoch_times(monkeypatch):
    """Compiling or loading kernels goes to ``compilation``, never into
    ``secondes`` (issue 9): a stand-in compile of 0.5 s in the first
    epoch's training call shows there and only there."""
    from fastnet import _jit, kernels

    training, _, test = data()
    net = fresh()
    quiet(net.DGS, list(training), 1, 5, 2.0, test_data=test)  # compile for real first
    real = kernels.train_epoch
    calls = []

    def slow_first_compile(*args):
        if not calls:
            time.sleep(0.5)
            _jit._compile_s[0] += 0.5
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(kernels, "train_epoch", slow_first_compile)
    h, _ = quiet(net.DGS, list(training), 3, 5, 2.0, test_data=test)
    assert len(calls) == 3
    assert h["compilation"][0] >= 0.5 and h["compilation"][1:] == [0.0, 0.0]
    assert all(0 < s < 0.5 for s in h["secondes"])
