"""The course's whole ``main.py`` as a process (``course_main.py``): load
MNIST with the course's loader, build ``Reseau([784, 30, 10])``, train 30
epochs with the course's settings, printing the test accuracy each epoch.

fastnet runs all 30 epochs. The course's code takes about 4 s an epoch, so
it runs ``REFERENCE_EPOCHS`` and the report extrapolates linearly:
``seconds_30 = process_s + train_s * (30 / measured_epochs - 1)``
(``extrapolated`` in ``extra_info``). Each child reports its own peak RSS
(``peak_rss.py``: ``VmHWM``), which does not depend on the epoch count.
A short untimed fastnet run first fills or loads Numba's cache, so the
timed run is a second process start, as every run after the first one is.

``fastnet-cold`` is the same fastnet process with an empty Numba cache
(a fresh ``NUMBA_CACHE_DIR``): a student's very first run, compilation
included (issue 9: ≥ 10× the course's own code).

The course's loader reads Nielsen's ``mnist.pkl.gz``; both processes read
one, written once from the IDX files (same values: float32 pixel/256, the
50k/10k/10k split) into a temporary folder, never into the repository.
The pickle's load is what sets the course's peak memory (about 460 MB).
"""

import gzip
import json
import os
import pickle
import shutil
import tempfile

import pytest

from . import procs
from . import workload as wl
from .conftest import data_dir

pytestmark = pytest.mark.benchmark(group="main")

SCRIPT = "course_main.py"
TARGET_EPOCHS = 30
EPOCHS = {"fastnet": TARGET_EPOCHS, "fastnet-cold": TARGET_EPOCHS, "reference": 2}
SMOKE_EPOCHS = {"fastnet": 2, "fastnet-cold": 1, "reference": 1}
SMOKE_LIMIT = 3000  # images under --benchmark-disable


@pytest.fixture(scope="module")
def course_pickle(tmp_path_factory):
    """Nielsen's ``mnist.pkl.gz``, made from the IDX files."""
    from fastnet.mnist import load_arrays

    path = tmp_path_factory.mktemp("course-pickle") / "mnist.pkl.gz"
    with gzip.open(path, "wb", compresslevel=1) as f:
        pickle.dump(load_arrays(data_dir(), download=False), f, protocol=2)
    return path


def _run(impl, epochs, data, limit=None):
    """``(stats, stdout, wall)`` of one ``course_main.py`` process
    (``fastnet-cold``: fastnet on a fresh, empty Numba cache)."""
    fd, path = tempfile.mkstemp(prefix="course-main-", suffix=".json")
    os.close(fd)
    cache = tempfile.mkdtemp(prefix="fastnet-numba-cache-") if impl == "fastnet-cold" else None
    try:
        args = [
            "--impl",
            impl.removesuffix("-cold"),
            "--epochs",
            epochs,
            "--stats",
            path,
            "--data",
            str(data),
        ]
        if limit:
            args += ["--limit", limit]
        env = procs.child_env(NUMBA_CACHE_DIR=cache) if cache else None
        stdout, _, wall = procs.run_python(SCRIPT, args, env=env)
        with open(path, encoding="utf-8") as f:
            return json.load(f), stdout, wall
    finally:
        os.unlink(path)
        if cache:
            shutil.rmtree(cache, ignore_errors=True)


@pytest.fixture(scope="module")
def kernels_cached(mnist, course_pickle):
    """One short fastnet process, untimed: Numba's cache is then warm."""
    _run("fastnet", 1, course_pickle, 1000)
    return course_pickle


@pytest.mark.parametrize("impl", ["fastnet", "fastnet-cold", "reference"])
def test_main_process(benchmark, kernels_cached, impl):
    """One ``course_main.py`` process, timed once from spawn to exit."""
    smoke = wl.is_smoke(benchmark)
    epochs = (SMOKE_EPOCHS if smoke else EPOCHS)[impl]
    stats, stdout, wall = benchmark.pedantic(
        _run,
        args=(impl, epochs, kernels_cached, SMOKE_LIMIT if smoke else None),
        rounds=1,
        iterations=1,
    )
    lines = stdout.splitlines()
    assert len(lines) == epochs and lines[-1].startswith(f"Époque {epochs - 1}: ")
    per_epoch = stats["train_s"] / epochs
    benchmark.extra_info.update(
        impl=impl,
        dtype="float64",
        sizes=[784, 30, 10],
        batch=10,
        eta=3.0,
        measured_epochs=epochs,
        target_epochs=TARGET_EPOCHS,
        extrapolated=epochs != TARGET_EPOCHS,
        process_s=wall,
        seconds_target=wall + per_epoch * (TARGET_EPOCHS - epochs),
        epoch_s=per_epoch,
        import_s=stats["import_s"],
        load_s=stats["load_s"],
        train_s=stats["train_s"],
        peak_rss_mb=stats["peak_rss_kb"] / 1024,
        peak_rss_source=stats["peak_rss_source"],
        numba_imported=stats["numba_imported"],
        n_train=stats["n_train"],
        last_line=lines[-1],
    )
