"""In CI, missing MNIST (or a missing optional dependency) fails the run
instead of silently skipping the tests that need it (tests/conftest.py)."""

import os
import subprocess
import sys

import pytest

from conftest import MNIST_NAMES, REPO, ci_problems, in_ci, mnist_dir


def _pytest(tmp_path, **env):
    """Run a quick selection of the suite in a child pytest."""
    full = {k: v for k, v in os.environ.items() if k not in ("CI", "FASTNET_DATA")}
    full.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_mnist.py",
            "-k",
            "cache_dir_variables",
        ],
        check=False,
        cwd=REPO,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ci_without_mnist_fails_the_run(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    run = _pytest(tmp_path, CI="true", FASTNET_DATA=str(empty))
    out = run.stdout + run.stderr
    assert run.returncode != 0, out
    assert f"MNIST is missing from {empty}" in out
    assert "train-images-idx3-ubyte.gz" in out and "would be skipped" in out
    assert " passed" not in out  # no test ran


def test_without_ci_missing_mnist_only_skips(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    run = _pytest(tmp_path, FASTNET_DATA=str(empty))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout


@pytest.mark.skipif(
    not all((mnist_dir() / n).is_file() for n in MNIST_NAMES),
    reason="MNIST absent here (in CI this case cannot happen: see above)",
)
def test_ci_with_everything_runs(tmp_path):
    run = _pytest(tmp_path, CI="1", FASTNET_DATA=str(mnist_dir()))
    assert run.returncode == 0 and "1 passed" in run.stdout, run.stdout + run.stderr


@pytest.mark.parametrize(
    "value, expected",
    [
        ("", False),
        ("0", False),
        ("false", False),
        ("No", False),
        ("1", True),
        ("true", True),
        ("yes", True),
    ],
)
def test_in_ci(monkeypatch, value, expected):
    monkeypatch.setenv("CI", value)
    assert in_ci() is expected


def test_problems_name_the_missing_pieces(tmp_path, monkeypatch):
    monkeypatch.setenv("FASTNET_DATA", str(tmp_path))
    (tmp_path / MNIST_NAMES[0]).write_bytes(b"")
    problems = ci_problems()
    assert any(MNIST_NAMES[1] in p and MNIST_NAMES[0] not in p for p in problems)
