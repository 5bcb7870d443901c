"""Session checks: which fastnet the tests run against, and, in CI, that
nothing the tests need is missing.

The header names the imported package. With ``FASTNET_TEST_INSTALLED=1``
(CI's run on the built wheel) the session refuses to start unless fastnet
was imported from the environment's site-packages, so a run that silently
tested the source tree instead cannot pass. In CI, a missing MNIST (or a
missing optional dependency) would otherwise only skip the tests that need
it, and a CI run without them would pass: the session stops instead.
"""

import importlib.util
import os
import sysconfig
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
    return Path(os.environ.get("FASTNET_DATA") or REPO.parent / "shared" / "data" / "mnist")


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
        problems.append(f"not installed: {', '.join(absent)} (pip install -e '.[dev,plot,sweep]')")
    return problems


def _fastnet_file():
    import fastnet

    return Path(fastnet.__file__).resolve()


def _installed_dirs():
    return {Path(sysconfig.get_path(k)).resolve() for k in ("purelib", "platlib")}


def pytest_report_header(config):
    import numba
    import numpy

    import fastnet

    return (
        f"fastnet {fastnet.__version__} from {_fastnet_file().parent}; "
        f"numpy {numpy.__version__}, numba {numba.__version__}"
    )


def pytest_sessionstart(session):
    if in_ci() and (problems := ci_problems()):
        pytest.exit(
            "CI is set, and the tests that need these would be skipped:\n  "
            + "\n  ".join(problems),
            returncode=1,
        )
    if os.environ.get("FASTNET_TEST_INSTALLED") != "1":
        return
    where = _fastnet_file()
    if not any(where.is_relative_to(d) for d in _installed_dirs()):
        raise pytest.UsageError(
            f"FASTNET_TEST_INSTALLED=1 but fastnet was imported from {where}, "
            f"not from this environment's site-packages {sorted(map(str, _installed_dirs()))}"
        )
