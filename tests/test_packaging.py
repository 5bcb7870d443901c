"""The package as its users get it: one version everywhere, a wheel that holds
every file of the package, and ``pytest --benchmark-only`` at the root.

``FASTNET_WHEEL`` names the wheel to check (CI passes the one it built and
installs); without it the test builds one. ``FASTNET_SOURCE`` names the git
checkout it was built from (default: this repository).
"""

import importlib.metadata
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import fastnet
from conftest import MNIST_NAMES, mnist_dir
from fastnet import cli

REPO = Path(__file__).resolve().parents[1]
SOURCE = Path(os.environ.get("FASTNET_SOURCE") or REPO)
CACHES = (".pyc", ".pyo", ".nbi", ".nbc")


def _pytest(cwd, *args, timeout=300, env=None):
    """``python -m pytest ARGS`` in ``cwd`` (``env``: more variables):
    (exit code, stdout)."""
    env = {k: v for k, v in {**os.environ, **(env or {})}.items() if not k.startswith("PYTEST_")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return proc.returncode, proc.stdout + proc.stderr


# -- one version ----------------------------------------------------------------


def test_version_is_the_metadata_version(capsys):
    meta = importlib.metadata.version("fastnet")
    assert fastnet.__version__ == meta, (
        "fastnet.__version__ and the installed metadata differ: reinstall "
        "(pip install -e .) after changing the version"
    )
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"fastnet {meta}"


def test_console_script_prints_the_version():
    script = Path(sys.executable).with_name("fastnet")
    assert script.exists(), f"no fastnet console script beside {sys.executable}"
    proc = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"fastnet {importlib.metadata.version('fastnet')}"


# -- the wheel ------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    given = os.environ.get("FASTNET_WHEEL")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(SOURCE)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (built,) = out.glob("fastnet-*.whl")
    return built


def _tracked_package_files():
    if shutil.which("git") is None or not (SOURCE / ".git").exists():
        pytest.fail(
            f"{SOURCE} is not a git checkout: set FASTNET_SOURCE to the one "
            f"the wheel was built from"
        )
    out = subprocess.run(
        ["git", "ls-files", "fastnet"], cwd=SOURCE, check=True, capture_output=True, text=True
    ).stdout
    files = {f for f in out.splitlines() if f and not f.endswith(CACHES)}
    assert "fastnet/__init__.py" in files and "fastnet/py.typed" in files
    return files


def test_wheel_holds_every_tracked_package_file(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    missing = _tracked_package_files() - names
    assert not missing, (
        f"files git tracks under fastnet/ but {wheel.name} lacks (add their pattern to "
        f"[tool.setuptools.package-data] in pyproject.toml): {sorted(missing)}"
    )
    dist_info = f"fastnet-{fastnet.__version__}.dist-info/"
    strays = sorted(n for n in names if not n.startswith(("fastnet/", dist_info)))
    assert not strays, f"files outside the package in the wheel: {strays}"
    caches = sorted(n for n in names if n.endswith(CACHES) or "__pycache__" in n)
    assert not caches, f"compiled caches in the wheel: {caches}"


def test_wheel_metadata(wheel):
    with zipfile.ZipFile(wheel) as z:
        dist_info = f"fastnet-{fastnet.__version__}.dist-info/"
        meta = z.read(dist_info + "METADATA").decode()
        names = set(z.namelist())
    head = dict(
        line.split(": ", 1)
        for line in meta.split("\n\n")[0].splitlines()
        if ": " in line and not line.startswith(" ")
    )
    assert head["Name"] == "fastnet"
    assert head["Version"] == fastnet.__version__
    assert head["License-Expression"] == "MIT"
    assert dist_info + "licenses/LICENSE" in names
    requires = [
        line.split(": ", 1)[1] for line in meta.splitlines() if line.startswith("Requires-Dist: ")
    ]
    assert "numpy>=1.24" in requires and "numba>=0.59" in requires
    assert "Typing :: Typed" in meta
    assert (dist_info + "entry_points.txt") in names


# -- pytest --benchmark-only at the root ---------------------------------------

MINI_TEST = "def test_unit():\n    assert 1 + 1 == 2\n"
MINI_BENCH = "def test_speed(benchmark):\n    assert benchmark(sum, [1, 2]) == 3\n"


@pytest.fixture
def mini_repo(tmp_path):
    """A repository with this one's root conftest.py and pytest settings, one
    test in tests/ and one benchmark in benchmarks/."""
    for name in ("conftest.py", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path / name)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_unit.py").write_text(MINI_TEST)
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "test_speed.py").write_text(MINI_BENCH)
    return tmp_path


def test_plain_pytest_collects_the_tests_only(mini_repo):
    rc, out = _pytest(mini_repo, "--collect-only", "-q")
    assert rc == 0, out
    assert "tests/test_unit.py::test_unit" in out
    assert "benchmarks/" not in out


def test_benchmark_only_at_the_root_collects_the_benchmarks(mini_repo):
    rc, out = _pytest(mini_repo, "--collect-only", "-q", "--benchmark-only")
    assert rc == 0, out
    assert "benchmarks/test_speed.py::test_speed" in out
    assert "tests/test_unit.py" not in out


def test_benchmark_only_with_paths_is_left_alone(mini_repo):
    rc, out = _pytest(mini_repo, "--collect-only", "-q", "--benchmark-only", "tests")
    assert rc == 0, out
    assert "tests/test_unit.py::test_unit" in out
    assert "benchmarks/" not in out


def test_benchmark_only_runs_them_and_names_the_report(mini_repo):
    saved = mini_repo / "b.json"  # absolute, as the command line gave it
    rc, out = _pytest(
        mini_repo,
        "--benchmark-only",
        f"--benchmark-json={saved}",
        "--benchmark-max-time=0.001",
        "--benchmark-min-rounds=1",
        "--benchmark-warmup=off",
    )
    assert rc == 0, out
    assert "1 passed" in out
    assert f"python benchmarks/report.py {saved}\n" in out
    assert saved.exists()


def test_benchmark_only_collects_every_benchmark_module():
    rc, out = _pytest(REPO, "--collect-only", "-q", "--benchmark-only")
    assert rc == 0, out
    ids = [ln for ln in out.splitlines() if "::" in ln]
    modules = {i.split("::")[0] for i in ids}
    expected = {f"benchmarks/{p.name}" for p in (REPO / "benchmarks").glob("test_*.py")}
    assert len(expected) >= 8 and modules == expected, (sorted(modules), out[-2000:])


@pytest.mark.skipif(not all((mnist_dir() / n).is_file() for n in MNIST_NAMES), reason="no MNIST")
def test_every_benchmark_runs_in_smoke_mode(tmp_path):
    """Each benchmark body once, untimed, on its small smoke workload
    (``--benchmark-disable``): a benchmark broken by a change in the
    kernels fails here, not in the next measurement run."""
    env_data = str(mnist_dir())
    rc, out = _pytest(
        REPO,
        "benchmarks",
        "--benchmark-disable",
        "-q",
        f"--basetemp={tmp_path}",
        timeout=900,
        env={"FASTNET_DATA": env_data},
    )
    assert rc == 0, out[-3000:]
    assert " passed" in out and "failed" not in out, out[-3000:]


# -- the oldest versions CI tests ----------------------------------------------


def _release(text):
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def test_oldest_versions_job_pins_the_declared_lower_bounds():
    import re

    text = (REPO / "pyproject.toml").read_text()
    declared = {}
    for name, low in re.findall(r'"([A-Za-z0-9_-]+)(?:\[[a-z,]+\])?>=([0-9.]+)', text):
        declared[name.lower()] = _release(low)
    pins = {}
    for line in (REPO / ".ci" / "oldest.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = _release(version)
    assert pins.get("distributed") == pins["dask"]  # dask[distributed]: both pinned
    for name in (
        "numpy",
        "numba",
        "matplotlib",
        "dask",
        "pytest",
        "pytest-benchmark",
        "hypothesis",
        "threadpoolctl",
    ):
        assert pins.get(name) == declared[name], (name, pins.get(name), declared[name])


# -- the run on the installed wheel checks what it imports ---------------------


def test_installed_run_refuses_a_source_tree(tmp_path):
    """With FASTNET_TEST_INSTALLED=1, a fastnet found outside site-packages
    (here a stand-in package in the current directory) stops the session."""
    (tmp_path / "fastnet").mkdir()
    (tmp_path / "fastnet" / "__init__.py").write_text('__version__ = "0+stand.in"\n')
    (tmp_path / "tests").mkdir()
    shutil.copy(REPO / "tests" / "conftest.py", tmp_path / "tests" / "conftest.py")
    (tmp_path / "tests" / "test_unit.py").write_text(MINI_TEST)
    env = dict(os.environ, FASTNET_TEST_INSTALLED="1")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR, out
    assert f"fastnet was imported from {tmp_path / 'fastnet' / '__init__.py'}" in out
    assert "1 passed" not in out
