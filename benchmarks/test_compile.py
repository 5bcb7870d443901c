"""Compile time: a fresh Python process that imports fastnet and trains
one epoch on a tiny slice (``compile_child.py``), with an empty Numba cache
(``cold``: every kernel compiled) and again with the cache that run filled
(``warm``: a second process start, kernels loaded from disk).

The benchmark time is the whole process, spawn to exit (one round). The
child's own timings go to ``extra_info``: interpreter start, ``import
numpy``, ``import fastnet``, the first ``DGS`` call and the same call once
warm; ``jit_overhead_s`` (first minus warm call) is what compiling or
loading the kernels adds before the first epoch, and
``start_to_first_epoch_s`` runs from spawn to the end of the first call.
"""

import shutil
import tempfile

import pytest

from . import procs

pytestmark = pytest.mark.benchmark(group="compile")

CHILD = "compile_child.py"


@pytest.fixture(scope="module")
def numba_cache():
    """``{"dir": folder or None}``: the Numba cache the cold run filled."""
    state = {"dir": None}
    yield state
    if state["dir"]:
        shutil.rmtree(state["dir"], ignore_errors=True)


def _run(cache_dir):
    stdout, spawn, wall = procs.run_python(CHILD, env=procs.child_env(NUMBA_CACHE_DIR=cache_dir))
    out = procs.last_json(stdout)
    out.update(
        process_s=wall,
        start_to_first_epoch_s=out["first_dgs_end_at"] - spawn,
        interpreter_s=out["start_at"] - spawn + out["startup_s"],
    )
    return out


@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_compile(benchmark, mnist, numba_cache, cache):
    """One child process, timed once; its inner timings in ``extra_info``."""
    if cache == "cold" or numba_cache["dir"] is None:
        if numba_cache["dir"]:
            shutil.rmtree(numba_cache["dir"], ignore_errors=True)
        numba_cache["dir"] = tempfile.mkdtemp(prefix="fastnet-numba-cache-")
        if cache == "warm":  # run on its own: fill the cache first, untimed
            _run(numba_cache["dir"])
    out = benchmark.pedantic(_run, args=(numba_cache["dir"],), rounds=1, iterations=1)
    out.pop("numba_cache_dir", None)
    benchmark.extra_info.update(
        impl="fastnet", cache=cache, dtype="float64", sizes=[784, 30, 10], **out
    )
