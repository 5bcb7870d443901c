"""``fastnet train`` with the knobs and ``--plot``: options reach Reseau
and DGS (only when not the course's defaults), the curves are written as a
real PNG, bad values are usage errors."""

import os
from pathlib import Path

import numpy as np
import pytest

from fastnet import cli, reseau

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("FASTNET_DATA") or REPO.parent / "shared/data/mnist")
needs_mnist = pytest.mark.skipif(not DATA.exists(), reason=f"no MNIST data at {DATA}")


def run_main(capsys, *argv):
    rc = cli.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def tiny_mnist(n=80, seed=0):
    rng = np.random.default_rng(seed)
    return tuple((rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n)) for _ in range(3))


class Recording(reseau.Reseau):
    """The real network, recording the keyword arguments it is given."""

    calls = []

    def __init__(self, tailles, **kwargs):
        Recording.calls.append(("Reseau", kwargs))
        super().__init__(tailles, **kwargs)

    def DGS(self, *args, **kwargs):
        Recording.calls.append(
            ("DGS", {k: v for k, v in kwargs.items() if k not in ("test_data", "callback")})
        )
        return super().DGS(*args, **kwargs)


@pytest.fixture
def recording(monkeypatch):
    monkeypatch.setattr(cli.train, "_load_mnist", lambda path: tiny_mnist())
    monkeypatch.setattr(reseau, "Reseau", Recording)
    Recording.calls = []
    return Recording


def test_defaults_pass_no_knob(capsys, recording):
    rc, _, err = run_main(capsys, "train", "--epochs", "1", "--no-progress", "--sizes", "784,8,10")
    assert rc == 0, err
    assert recording.calls == [("Reseau", dict(dtype=np.float64, parallel=False)), ("DGS", {})]


def test_knobs_reach_the_network_and_the_plot_is_written(capsys, recording, tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib.image as mpimg

    png = tmp_path / "courbes.png"
    rc, out, err = run_main(
        capsys,
        "train",
        "--epochs",
        "3",
        "--no-progress",
        "--sizes",
        "784,8,10",
        "--cost",
        "log_vraisemblance",
        "--activation",
        "relu",
        "--init",
        "he",
        "--lmbda",
        "2.5",
        "--momentum",
        "0.5",
        "--eta",
        "0.1",
        "--seed",
        "1",
        "--plot",
        str(png),
    )
    assert rc == 0, err
    built, trained = recording.calls
    assert built[1] == dict(
        dtype=np.float64, parallel=False, cout="log_vraisemblance", activation="relu", init="he"
    )
    assert trained[1] == dict(lmbda=2.5, mu=0.5, suivre_cout=True)
    assert out.splitlines()[-1] == f"Courbes : {png}"
    img = mpimg.imread(png)
    assert img.shape[0] >= 200 and img.shape[1] >= 400
    assert float(img[..., :3].std()) > 0.01  # not blank


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--cost", "hinge"], "argument --cost: invalid choice: 'hinge'"),
        (["--activation", "sigmoid"], "argument --activation: invalid choice"),
        (["--init", "zeros"], "argument --init: invalid choice"),
        (["--lmbda", "-1"], "argument --lmbda: expected a finite number >= 0, got -1"),
        (["--lmbda", "x"], "argument --lmbda: expected a number >= 0"),
        (["--momentum", "1"], "argument --momentum: expected a number in [0, 1), got 1"),
        (["--momentum", "0.9", "--parallel"], "argument --momentum: not available with --parallel"),
        (
            ["--plot", "/nonexistent/dir/c.png"],
            "argument --plot: folder /nonexistent/dir does not exist",
        ),
    ],
)
def test_bad_knob_options(capsys, recording, argv, message):
    rc, out, err = run_main(capsys, "train", *argv)
    assert rc == 2 and message in err and out == ""
    assert recording.calls == []  # refused before anything was built


def test_plot_without_matplotlib_fails_before_training(capsys, recording, monkeypatch, tmp_path):
    import builtins

    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    rc, out, err = run_main(capsys, "train", "--plot", str(tmp_path / "c.png"))
    assert rc == 1
    assert err == (
        "fastnet: error: --plot needs matplotlib: pip install fastnet[plot] "
        "(or pip install matplotlib)\n"
    )
    assert recording.calls == []


def test_help_lists_the_knobs(capsys):
    rc, out, _ = run_main(capsys, "train", "--help")
    assert rc == 0
    for option in (
        "--cost",
        "--activation",
        "--init",
        "--lmbda",
        "--momentum",
        "--plot",
        "entropie_croisee",
        "gauss_normalise",
    ):
        assert option in out


@needs_mnist
def test_chapter3_network_on_a_slice_of_mnist(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "ch3.png"
    rc, out, err = run_main(
        capsys,
        "train",
        "--data",
        str(DATA),
        "--limit",
        "2000",
        "--epochs",
        "3",
        "--seed",
        "1",
        "--no-progress",
        "--cost",
        "entropie_croisee",
        "--init",
        "gauss_normalise",
        "--eta",
        "0.5",
        "--lmbda",
        "5",
        "--plot",
        str(png),
    )
    assert rc == 0, err
    lines = out.splitlines()
    assert [ln.split(":")[0] for ln in lines[:3]] == ["Époque 0", "Époque 1", "Époque 2"]
    correct = int(lines[2].split(": ")[1].split(" / ")[0])
    assert correct > 0.8 * 2000
    assert png.stat().st_size > 10000
