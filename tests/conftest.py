"""In CI, what the tests need must be there: a missing MNIST (or a missing
optional dependency) would otherwise only skip the tests that need it, and
a CI run without them would pass."""

import importlib.util
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MNIST_NAMES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
# what the tests import to run, not to skip: dask for the sweeps,
# matplotlib for the plots
OPTIONAL = ("matplotlib", "dask.distributed")


def in_ci():
    """True when the environment variable ``CI`` is set to anything but
    an empty string, 0, false or no (GitHub, GitLab and .ci/run set it)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def mnist_dir():
    """Where the tests read MNIST: ``$FASTNET_DATA``, else
    ``../shared/data/mnist`` beside the repository."""
    return Path(
        os.environ.get("FASTNET_DATA") or REPO.parent / "shared" / "data" / "mnist"
    )


def _module_missing(name):
    try:
        return importlib.util.find_spec(name) is None
    except ModuleNotFoundError:  # the parent package is missing
        return True


def ci_problems():
    """What the test suite would skip for lack of it, as sentences."""
    problems = []
    folder = mnist_dir()
    missing = [n for n in MNIST_NAMES if not (folder / n).is_file()]
    if missing:
        problems.append(
            f"MNIST is missing from {folder} (FASTNET_DATA="
            f"{os.environ.get('FASTNET_DATA', '<unset>')}): "
            f"{', '.join(missing)}"
        )
    absent = [m for m in OPTIONAL if _module_missing(m)]
    if absent:
        problems.append(
            f"not installed: {', '.join(absent)} (pip install -e '.[dev,plot,sweep]')"
        )
    return problems


def pytest_sessionstart(session):
    if in_ci() and (problems := ci_problems()):
        pytest.exit(
            "CI is set, and the tests that need these would be skipped:\n  "
            + "\n  ".join(problems),
            returncode=1,
        )
