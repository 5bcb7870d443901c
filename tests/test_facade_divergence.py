"""The divergence criterion: weights NaN or inf, or beyond the square root
of the largest float (their squares overflow). A huge eta saturates the
weights at huge finite values; that is divergence too, via the API and the
command line."""

import contextlib
import io
import random

import numpy as np
import pytest
from support import course_data, snapshot
from test_cli import tiny_mnist

from fastnet import DivergenceError, Network, Reseau, _training, cli, kernels, network2

SIZES = [6, 5, 3]


def quiet(fn, *args, **kw):
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kw)


def train(net, *args, **kw):
    fn = net.DGS if isinstance(net, Reseau) else net.SGD
    return quiet(fn, *args, **kw)


MAKERS = {
    "Reseau": Reseau,
    "Reseau-parallel": lambda s, **kw: Reseau(s, parallel=True, **kw),
    "Network": Network,
    "network2": network2.Network,
}


@pytest.mark.parametrize("kind", MAKERS)
@pytest.mark.parametrize("eta", [1e170, 1e300, 1.7e308])
def test_a_huge_eta_diverges_and_keeps_the_weights(kind, eta):
    training, _ = course_data(40, SIZES[0], SIZES[-1])
    np.random.seed(0)
    random.seed(1)
    net = MAKERS[kind](SIZES)
    before = snapshot(net)
    with pytest.raises(DivergenceError) as info:
        train(net, list(training), 3, 4, eta)
    e = info.value
    assert e.epoch == 0 and e.eta == eta
    label = "Époque" if kind.startswith("Reseau") else "Epoch"
    entry = "DGS" if kind.startswith("Reseau") else "SGD"
    huge = "weights grew beyond 1.3e+154 in magnitude, where their squares overflow float64"
    # at the very top, a step may overflow to inf before it is merely huge
    reasons = [huge, "weights became NaN or inf"] if eta > 1e308 else [huge]
    assert any(
        str(e).startswith(
            f"{label} 0: training diverged ({reason}) with eta = {eta!r}; the network keeps "
            f"the weights it had before {entry}."
        )
        for reason in reasons
    ), str(e)
    np.testing.assert_array_equal(snapshot(net), before)
    train(net, list(training), 1, 4, 0.5)  # still usable
    assert np.abs(snapshot(net)).max() < 100


def test_float32_has_its_own_limit():
    training, _ = course_data(40, SIZES[0], SIZES[-1])
    np.random.seed(0)
    net = Reseau(SIZES, dtype=np.float32)
    with pytest.raises(
        DivergenceError,
        match=r"beyond 1\.8e\+19 in magnitude, where their "
        r"squares overflow float32",
    ):
        train(net, list(training), 2, 4, 1e25)


def test_an_ordinary_eta_stays_far_below_the_limit():
    training, _ = course_data(40, SIZES[0], SIZES[-1])
    np.random.seed(0)
    net = Reseau(SIZES)
    train(net, list(training), 3, 4, 1e3)  # saturates, but is not divergence
    assert np.abs(snapshot(net)).max() < 1e6 < _training.magnitude_limit(np.float64)


def test_a_later_epoch_that_blows_up_keeps_the_last_whole_epoch(monkeypatch):
    training, _ = course_data(30, SIZES[0], SIZES[-1])
    np.random.seed(0)
    random.seed(1)
    expected = Reseau(SIZES)
    train(expected, list(training), 2, 4, 3.0)
    real, calls = kernels.train_epoch, []

    def train_epoch(params, *args):
        real(params, *args)
        if len(calls) == 2:
            params[7] = 1e200  # finite, but its square is not
        calls.append(1)

    monkeypatch.setattr(kernels, "train_epoch", train_epoch)
    np.random.seed(0)
    random.seed(1)
    net = Reseau(SIZES)
    seen = []
    with pytest.raises(
        DivergenceError,
        match=r"^Époque 2: training diverged \(weights grew "
        r".* the network keeps the weights after "
        r"Époque 1\.",
    ) as info:
        train(net, list(training), 5, 4, 3.0, callback=lambda j, c: seen.append(j))
    assert info.value.epoch == 2 and seen == [0, 1]
    np.testing.assert_array_equal(snapshot(net), snapshot(expected))
    for a, b in zip(net.poids, expected.poids):
        np.testing.assert_array_equal(a, b)


def test_update_mini_batch_refuses_a_step_to_huge_weights():
    np.random.seed(0)
    net = Reseau(SIZES)
    before = snapshot(net)
    training, _ = course_data(4, SIZES[0], SIZES[-1])
    with pytest.raises(
        DivergenceError,
        match=r"^update_mini_batch: the step with eta = "
        r"1e\+300 diverged \(weights grew beyond",
    ):
        net.update_mini_batch(training, 1e300)
    np.testing.assert_array_equal(snapshot(net), before)


def test_cli_train_with_a_huge_eta_fails_in_one_line(capsys, monkeypatch):
    monkeypatch.setattr(cli.train, "_load_mnist", lambda path: tiny_mnist())
    rc = cli.main(
        ["train", "--epochs", "2", "--no-progress", "--sizes", "784,8,10", "--eta", "1e300"]
    )
    out, err = capsys.readouterr()
    assert rc == 1
    assert err.startswith(
        "fastnet: error: Époque 0: training diverged (weights grew beyond "
        "1.3e+154 in magnitude, where their squares overflow float64) with "
        "eta = 1e+300; the network keeps the weights it had before DGS."
    )
    assert len(err.splitlines()) == 1 and "Traceback" not in err
