"""The command line ``fastnet train``.

Most tests call ``main([...])`` in-process (fast); one runs
``python -m fastnet train`` in a subprocess, end to end. Runs on real MNIST
use a slice (``--limit 2000 --epochs 2``); option wiring, the progress bar
and error paths use tiny synthetic data instead, so they need no data files.
"""

import io
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from fastnet import cli, reseau

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("FASTNET_DATA") or REPO.parent / "shared/data/mnist")
needs_mnist = pytest.mark.skipif(not DATA.exists(), reason=f"no MNIST data at {DATA}")

QUICK = ["--limit", "2000", "--epochs", "2", "--seed", "1", "--no-progress"]
EPOCH_LINE = re.compile(r"^Époque (\d+): (\d+) / (\d+)$")
FINAL_LINE = re.compile(r"^Précision finale : (\d+\.\d\d) % \((\d+) / (\d+)\)$")


def run_main(capsys, *argv):
    """``(exit code, stdout, stderr)`` of ``main(argv)``."""
    rc = cli.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def course_lines(out):
    """The course's per-epoch lines and the final accuracy line."""
    return [ln for ln in out.splitlines() if EPOCH_LINE.match(ln) or FINAL_LINE.match(ln)]


def check_quick_run(out, n=2000, epochs=2):
    """The output of a ``--limit n --epochs epochs`` run is well formed."""
    lines = out.splitlines()
    counts = []
    for j in range(epochs):
        m = EPOCH_LINE.match(lines[j])
        assert m, lines[j]
        assert int(m.group(1)) == j and int(m.group(3)) == n
        counts.append(int(m.group(2)))
    m = FINAL_LINE.match(lines[epochs])
    assert m, lines[epochs]
    correct = int(m.group(2))
    assert correct == counts[-1] and int(m.group(3)) == n
    assert m.group(1) == f"{100 * correct / n:.2f}"
    assert lines[epochs + 1].startswith("Temps par époque : ")
    assert lines[epochs + 2].startswith("Chargement des données : ")
    # a slice of MNIST already learns something in two epochs
    assert correct > 0.5 * n
    return counts


# -- real MNIST ----------------------------------------------------------------


@needs_mnist
def test_quick_run_prints_the_course_lines_and_is_reproducible(capsys):
    rc, out1, err = run_main(capsys, "train", "--data", str(DATA), *QUICK)
    assert rc == 0, err
    assert err == ""  # no bar with --no-progress, no warnings
    check_quick_run(out1)
    rc, out2, _ = run_main(capsys, "train", "--data", str(DATA), *QUICK)
    assert rc == 0
    assert course_lines(out1) == course_lines(out2)


@needs_mnist
def test_python_m_fastnet_end_to_end(capsys):
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(REPO)] + [p for p in [os.environ.get("PYTHONPATH")] if p]),
    )
    env.pop("FASTNET_DEBUG", None)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "fastnet",
            "train",
            "--data",
            str(DATA),
            "--limit",
            "2000",
            "--epochs",
            "2",
            "--seed",
            "1",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    counts = check_quick_run(proc.stdout)
    # same seed in another process: the same lines as in-process
    rc, out, _ = run_main(capsys, "train", "--data", str(DATA), *QUICK)
    assert rc == 0
    assert course_lines(out) == course_lines(proc.stdout)
    assert counts == [int(EPOCH_LINE.match(ln).group(2)) for ln in out.splitlines()[:2]]


@needs_mnist
def test_data_from_fastnet_data_env(capsys, monkeypatch):
    monkeypatch.setenv("FASTNET_DATA", str(DATA))
    rc, out, err = run_main(capsys, "train", *QUICK, "--quiet")
    assert rc == 0, err
    assert not any(EPOCH_LINE.match(ln) for ln in out.splitlines())
    assert FINAL_LINE.match(out.splitlines()[0])


# -- bad command lines and runtime errors ----------------------------------------


@pytest.mark.parametrize(
    "argv, code, message",
    [
        (["--sizes", "784"], 2, "need at least two layers"),
        (["--sizes", "10,30,10"], 2, "MNIST needs 784 inputs and 10 outputs"),
        (["--sizes", "784,30,3"], 2, "MNIST needs 784 inputs and 10 outputs"),
        (["--sizes", "784,a,10"], 2, "comma-separated layer sizes"),
        (["--sizes", "784,0,10"], 2, "layer sizes must be >= 1"),
        (["--epochs", "-1"], 2, "argument --epochs: expected an int >= 0, got -1"),
        (["--epochs", "two"], 2, "argument --epochs"),
        (["--batch-size", "0"], 2, "argument --batch-size"),
        (["--eta", "0"], 2, "argument --eta: expected a finite number > 0, got 0"),
        (["--eta", "inf"], 2, "argument --eta"),
        (["--seed", "-1"], 2, "argument --seed"),
        (["--dtype", "float16"], 2, "argument --dtype"),
        (["--limit", "0"], 2, "argument --limit"),
        (["--data", "/nonexistent"], 2, "argument --data: /nonexistent does not exist"),
        (["--bogus"], 2, "unrecognized arguments: --bogus"),
    ],
)
def test_bad_options(capsys, argv, code, message):
    rc, out, err = run_main(capsys, "train", *argv)
    assert rc == code
    assert message in err
    assert "error:" in err.splitlines()[-1]
    assert "Traceback" not in err and out == ""


def test_data_folder_without_mnist(capsys, tmp_path):
    rc, out, err = run_main(capsys, "train", "--data", str(tmp_path))
    assert rc == 1
    assert err.startswith("fastnet: error: --data: ") and str(tmp_path) in err
    assert len(err.splitlines()) == 1 and out == ""


def test_runtime_errors_are_one_line(capsys, monkeypatch):
    def broken(path):
        raise OSError("download failed:\n  http://a/x.gz: refused\n  http://b/x.gz: timeout")

    monkeypatch.setattr(cli.train, "_load_mnist", broken)
    rc, out, err = run_main(capsys, "train")
    assert rc == 1
    assert err == (
        "fastnet: error: download failed: http://a/x.gz: refused; http://b/x.gz: timeout\n"
    )


def test_no_command_prints_help(capsys):
    rc, out, err = run_main(capsys)
    assert rc == 2
    assert "usage: fastnet" in err and "train" in err


def test_help(capsys):
    rc, out, err = run_main(capsys, "train", "--help")
    assert rc == 0
    for option in (
        "--sizes",
        "--epochs",
        "--batch-size",
        "--eta",
        "--seed",
        "--parallel",
        "--dtype",
        "--data",
        "--limit",
        "--no-progress",
        "--quiet",
    ):
        assert option in out


# -- synthetic data: wiring, progress bar, interruption -------------------------


def tiny_mnist(n=60, seed=0):
    rng = np.random.default_rng(seed)
    split = [(rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n)) for _ in range(3)]
    return tuple(split)


RealReseau = reseau.Reseau


class SpyReseau(RealReseau):
    """Records how the CLI builds and trains the network; the training is
    replaced by epochs that print the course's line and change nothing."""

    calls = []

    def __init__(self, tailles, dtype=np.float64, parallel=False):
        super().__init__(tailles, dtype=dtype, parallel=parallel)
        SpyReseau.calls.append(dict(tailles=tailles, dtype=dtype, parallel=parallel, net=self))

    def DGS(
        self,
        training_data,
        nb_epoques,
        taille_mini_batch,
        eta,
        test_data=None,
        parallel=None,
        callback=None,
    ):
        SpyReseau.calls.append(
            dict(
                n_train=len(training_data[1]),
                epochs=nb_epoques,
                batch=taille_mini_batch,
                eta=eta,
                n_test=len(test_data[1]),
            )
        )
        for j in range(nb_epoques):
            correct = self.evaluer(test_data)
            print(f"Époque {j}: {correct} / {len(test_data[1])}")
            callback(j, correct)
            if j == getattr(SpyReseau, "interrupt_after", None):
                raise KeyboardInterrupt


@pytest.fixture
def spy(monkeypatch):
    monkeypatch.setattr(cli.train, "_load_mnist", lambda path: tiny_mnist())
    monkeypatch.setattr(reseau, "Reseau", SpyReseau)
    SpyReseau.calls = []
    SpyReseau.interrupt_after = None
    return SpyReseau


def test_defaults_are_the_course_main(capsys, spy):
    rc, out, err = run_main(capsys, "train", "--no-progress")
    assert rc == 0, err
    built, trained = spy.calls
    del built["net"]
    assert built == dict(tailles=[784, 30, 10], dtype=np.float64, parallel=False)
    assert trained == dict(n_train=60, epochs=30, batch=10, eta=3.0, n_test=60)
    assert len([ln for ln in out.splitlines() if EPOCH_LINE.match(ln)]) == 30


def test_options_reach_the_network(capsys, spy):
    rc, out, err = run_main(
        capsys,
        "train",
        "--sizes",
        "784, 16,8 ,10",
        "--epochs",
        "3",
        "--batch-size",
        "7",
        "--eta",
        "0.5",
        "--dtype",
        "float32",
        "--parallel",
        "--limit",
        "25",
        "--no-progress",
    )
    assert rc == 0, err
    built, trained = spy.calls
    del built["net"]
    assert built == dict(tailles=[784, 16, 8, 10], dtype=np.float32, parallel=True)
    assert trained == dict(n_train=25, epochs=3, batch=7, eta=0.5, n_test=25)


def test_seed_seeds_random_and_numpy_before_the_network(capsys, spy):
    assert run_main(capsys, "train", "--seed", "5", "--epochs", "0")[0] == 0
    net = spy.calls[0]["net"]
    np.random.seed(5)
    expected = RealReseau([784, 30, 10])
    for a, b in zip(net.poids + net.biais, expected.poids + expected.biais):
        np.testing.assert_array_equal(a, b)
    # the spy's DGS does not shuffle: random is as right after the seed
    state = random.getstate()
    random.seed(5)
    assert random.getstate() == state


def test_zero_epochs_reports_the_initial_accuracy(capsys, spy):
    rc, out, err = run_main(capsys, "train", "--epochs", "0", "--seed", "3")
    assert rc == 0, err
    lines = out.splitlines()
    assert FINAL_LINE.match(lines[0]) and lines[0].endswith(" / 60)")
    assert lines[1].startswith("Chargement des données")


def test_progress_bar_on_a_terminal(capsys, spy, monkeypatch):
    monkeypatch.setattr(cli.train, "isatty", lambda stream: True)
    rc, out, err = run_main(capsys, "train", "--epochs", "2")
    assert rc == 0
    assert "\r[" in err and "2/2 époques" in err
    assert err.endswith("\r\033[K")  # erased at the end
    assert "\r" not in out  # the bar never lands in stdout
    rc, out, err = run_main(capsys, "train", "--epochs", "2", "--no-progress")
    assert err == ""


def test_progress_bar_is_erased_before_each_line():
    stream = io.StringIO()
    bar = cli.train.epoch_bar(4, stream)
    bar.update(1)
    lines = cli.train.EpochLines(stream, bar, quiet=False)
    lines.write("Époque 1: 5 / 10\n")
    text = stream.getvalue()
    assert text.index("1/4 époques") < text.rindex("\r\033[KÉpoque 1")


def test_ctrl_c_stops_with_130(capsys, spy):
    spy.interrupt_after = 1
    rc, out, err = run_main(capsys, "train", "--epochs", "5", "--no-progress")
    assert rc == 130
    assert err == "fastnet: interrupted after epoch 1 (2 of 5 epochs done)\n"
    assert "Précision finale" not in out
