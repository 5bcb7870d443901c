"""Training that blows up, and training that is interrupted: the network
keeps the weights of the last whole epoch (or mini-batch), says so, and
stays usable. Kernels are replaced through their module attribute to put a
NaN or a Ctrl-C exactly where a test needs one."""

import contextlib
import io
import random
import threading

import numpy as np
import pytest
from support import course_data, snapshot

from fastnet import Network, Reseau, _engine, cli, kernels
from fastnet.reseau import DivergenceError

TAILLES = [6, 5, 3]


def blow_up_data(n=40, scale=1e10):
    """Targets far outside a sigmoid's range: with a huge eta the first
    steps overflow."""
    rng = np.random.default_rng(0)
    return rng.random((n, TAILLES[0])), rng.random((n, TAILLES[-1])) * scale


def trained(epochs, data, batch=4, eta=3.0, cls=Reseau, seeds=(0, 1), **kw):
    """A network built and trained under the given seeds; returns
    (network, printed text)."""
    np.random.seed(seeds[0])
    random.seed(seeds[1])
    net = cls(TAILLES, **kw)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        (net.DGS if cls is Reseau else net.SGD)(data, epochs, batch, eta)
    return net, out.getvalue()


def poison_epoch(monkeypatch, bad_call):
    """Make the ``bad_call``-th compiled epoch (0-based) leave a NaN."""
    real = kernels.train_epoch
    calls = []

    def train_epoch(params, *args):
        real(params, *args)
        if len(calls) == bad_call:
            params[3] = np.nan
        calls.append(1)

    monkeypatch.setattr(kernels, "train_epoch", train_epoch)


# -- divergence ----------------------------------------------------------------


@pytest.mark.parametrize("parallel", [False, True])
def test_huge_eta_diverges_with_a_clear_error(parallel):
    np.random.seed(0)
    random.seed(1)
    net = Reseau(TAILLES, parallel=parallel)
    before = snapshot(net)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(DivergenceError) as info:
        net.DGS(blow_up_data(), 3, 4, 1e300)
    e = info.value
    assert e.epoch == 0 and e.eta == 1e300
    assert str(e).startswith(
        "Époque 0: training diverged (weights became NaN or inf) "
        "with eta = 1e+300; the network keeps the weights it had before DGS"
    )
    assert out.getvalue() == ""
    np.testing.assert_array_equal(snapshot(net), before)
    assert all(np.isfinite(w).all() for w in net.poids + net.biais)
    # still usable: a sane eta trains
    with contextlib.redirect_stdout(io.StringIO()):
        net.DGS(blow_up_data(scale=1.0), 1, 4, 1.0)
    assert np.isfinite(snapshot(net)).all()


def test_divergence_at_a_later_epoch_keeps_the_last_finite_epoch(monkeypatch):
    data, _ = course_data(30, TAILLES[0], TAILLES[-1])
    expected, lines = trained(2, list(data))
    poison_epoch(monkeypatch, 2)
    seen = []
    np.random.seed(0)
    random.seed(1)
    net = Reseau(TAILLES)
    out = io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        pytest.raises(
            DivergenceError,
            match=(
                r"^Époque 2: training diverged .* the network keeps the weights after "
                r"Époque 1\."
            ),
        ) as info,
    ):
        net.DGS(list(data), 5, 4, 3.0, callback=lambda j, c: seen.append(j))
    assert info.value.epoch == 2
    assert out.getvalue() == lines and seen == [0, 1]
    np.testing.assert_array_equal(snapshot(net), snapshot(expected))
    for a, b in zip(net.poids, expected.poids):
        np.testing.assert_array_equal(a, b)


def test_network_reports_divergence_in_english(monkeypatch):
    data, _ = course_data(20, TAILLES[0], TAILLES[-1])
    poison_epoch(monkeypatch, 1)
    with pytest.raises(DivergenceError, match=r"^Epoch 1: .* weights after Epoch 0\. "):
        trained(3, list(data), cls=Network)


def test_update_mini_batch_divergence_changes_nothing():
    np.random.seed(0)
    net = Reseau(TAILLES)
    before = snapshot(net)
    X, Y = blow_up_data(4)
    with pytest.raises(
        DivergenceError,
        match=r"^update_mini_batch: the step with "
        r"eta = 1e\+300 made the weights NaN or inf",
    ):
        net.update_mini_batch((X, Y), 1e300)
    np.testing.assert_array_equal(snapshot(net), before)


def test_forward_and_backprop_never_return_nan(monkeypatch):
    # With finite weights and inputs the kernels' fused multiply-adds give
    # +-inf rather than NaN; should a NaN ever come out, it is an error.
    net = Reseau([2, 1])
    net.poids = [np.full((2, 1), 10.0)]
    x = np.array([[1e308], [-1e308]])
    assert np.isfinite(net.forward(x)).all()

    def nan_out(params, sizes, w_off, b_off, X, out, *knobs):
        out[...] = np.nan

    def nan_grad(params, sizes, w_off, b_off, X, Y, grad, *knobs):
        grad[...] = np.nan

    monkeypatch.setattr(kernels, "forward_all", nan_out)
    monkeypatch.setattr(kernels, "batch_gradient", nan_grad)
    with pytest.raises(FloatingPointError, match=r"^x: the outputs overflowed to NaN"):
        net.forward(x)
    with pytest.raises(FloatingPointError, match=r"^backprop: the gradient overflowed"):
        net.backprop(x, 0)


# -- Ctrl-C --------------------------------------------------------------------


def test_ctrl_c_between_epochs_keeps_the_finished_epochs():
    data, test = course_data(30, TAILLES[0], TAILLES[-1])
    two_list = list(data)
    two, _ = trained(2, two_list)
    state_after_two = random.getstate()
    three, _ = trained(3, list(data))

    def stop_after_epoch_1(j, correct):
        if j == 1:
            raise KeyboardInterrupt

    np.random.seed(0)
    random.seed(1)
    net = Reseau(TAILLES)
    mine = list(data)
    with contextlib.redirect_stdout(io.StringIO()), pytest.raises(KeyboardInterrupt):
        net.DGS(mine, 5, 4, 3.0, test_data=test, callback=stop_after_epoch_1)
    # exactly where a 2-epoch run ends: weights, the shuffled list, random
    np.testing.assert_array_equal(snapshot(net), snapshot(two))
    for a, b in zip(net.poids + net.biais, two.poids + two.biais):
        np.testing.assert_array_equal(a, b)
    assert [id(p) for p in mine] == [id(p) for p in two_list]
    assert random.getstate() == state_after_two
    # and training goes on as if nothing happened
    with contextlib.redirect_stdout(io.StringIO()):
        net.DGS(mine, 1, 4, 3.0)
    np.testing.assert_array_equal(snapshot(net), snapshot(three))


@pytest.mark.parametrize("after_kernel", [False, True])
def test_ctrl_c_inside_an_epoch_never_leaves_half_an_epoch(monkeypatch, after_kernel):
    data, _ = course_data(30, TAILLES[0], TAILLES[-1])
    one, _ = trained(1, list(data))
    real = kernels.train_epoch
    calls = []

    def train_epoch(params, *args):
        # Ctrl-C is seen when compiled code returns: just before or just
        # after the second epoch's kernel ran on its working copy
        calls.append(1)
        if len(calls) == 2 and not after_kernel:
            raise KeyboardInterrupt
        real(params, *args)
        if len(calls) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(kernels, "train_epoch", train_epoch)
    np.random.seed(0)
    random.seed(1)
    net = Reseau(TAILLES)
    with contextlib.redirect_stdout(io.StringIO()), pytest.raises(KeyboardInterrupt):
        net.DGS(list(data), 4, 4, 3.0)
    np.testing.assert_array_equal(snapshot(net), snapshot(one))
    for a, b in zip(net.poids, one.poids):
        np.testing.assert_array_equal(a, b)
    monkeypatch.setattr(kernels, "train_epoch", real)
    assert net.evaluer([(x, int(np.argmax(y))) for x, y in data]) >= 0


@pytest.mark.parametrize("where", ["replica", "callback"])
def test_ctrl_c_in_parallel_training_stops_its_threads(monkeypatch, where):
    data, _ = course_data(60, TAILLES[0], TAILLES[-1])
    one, _ = trained(1, list(data), parallel=True)
    real = kernels.worker_rounds
    main = threading.main_thread()
    calls = []

    def worker_rounds(*args):
        if threading.current_thread() is main:
            calls.append(1)
            if len(calls) == 2:  # second epoch, while the other replicas run
                raise KeyboardInterrupt
        return real(*args)

    def callback(j, correct):  # between epochs, the pool idle
        if j == 0:
            raise KeyboardInterrupt

    if where == "replica":
        monkeypatch.setattr(kernels, "worker_rounds", worker_rounds)
    threads = threading.active_count()
    np.random.seed(0)
    random.seed(1)
    net = Reseau(TAILLES, parallel=True)
    with contextlib.redirect_stdout(io.StringIO()), pytest.raises(KeyboardInterrupt) as info:
        net.DGS(list(data), 3, 4, 3.0, callback=callback if where == "callback" else None)
    # the replicas' threads are gone even while the traceback (held by
    # `info`, as by an interactive session's sys.last_traceback) is alive
    assert threading.active_count() == threads
    assert info.tb is not None
    np.testing.assert_array_equal(snapshot(net), snapshot(one))


# -- the command line ----------------------------------------------------------


def tiny_mnist(n=50):
    rng = np.random.default_rng(0)
    return tuple((rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n)) for _ in range(3))


def test_cli_ctrl_c_in_real_training(capsys, monkeypatch):
    monkeypatch.setattr(cli.train, "_load_mnist", lambda path: tiny_mnist())
    real = _engine.python_shuffle
    calls = []

    def shuffle(order, rng=None):
        calls.append(1)
        if len(calls) == 3:  # the start of epoch 2
            raise KeyboardInterrupt
        real(order)

    monkeypatch.setattr(_engine, "python_shuffle", shuffle)
    rc = cli.main(["train", "--epochs", "5", "--seed", "1", "--no-progress", "--sizes", "784,8,10"])
    out, err = capsys.readouterr()
    assert rc == 130
    assert err == "fastnet: interrupted after epoch 1 (2 of 5 epochs done)\n"
    assert [ln.split(":")[0] for ln in out.splitlines()] == ["Époque 0", "Époque 1"]


def test_cli_ctrl_c_while_loading(capsys, monkeypatch):
    def loading(path):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.train, "_load_mnist", loading)
    assert cli.main(["train", "--no-progress"]) == 130
    assert capsys.readouterr().err == "fastnet: interrupted\n"


def test_cli_divergence_is_one_line(capsys, monkeypatch):
    monkeypatch.setattr(cli.train, "_load_mnist", lambda path: tiny_mnist())
    poison_epoch(monkeypatch, 1)
    rc = cli.main(["train", "--epochs", "3", "--no-progress", "--sizes", "784,8,10"])
    out, err = capsys.readouterr()
    assert rc == 1
    assert err.startswith(
        "fastnet: error: Époque 1: training diverged (weights became "
        "NaN or inf) with eta = 3.0; the network keeps the weights "
        "after Époque 0."
    )
    assert len(err.splitlines()) == 1 and "Traceback" not in err
