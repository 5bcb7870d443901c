"""Kernels compiled by a child process on a first run (``fastnet._jit.Later``,
issue 9): the child fills the same Numba cache, the caller uses exact
stand-ins meanwhile, and a later process loads the kernels at once, with
no child. Each case runs in a fresh interpreter on a fresh cache."""

import json
import os
import subprocess
import sys

CHILD = r"""
import json, sys, time
import numpy as np
from fastnet import kernels
later = kernels.later
first = later.ready                 # loaded from the cache, if there
later.start()                       # a child, if still to compile
child = later._child is not None
assert later.wait()
X = (np.arange(40, dtype=np.float32).reshape(4, 10) / 256)
codes = np.empty(X.shape, np.uint8)
print(json.dumps({"first": first, "child": child, "answer": int(kernels.pixel_codes(X, codes)),
                  "codes": codes.ravel().tolist()}))
"""


def _run(cache):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
    out = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_a_child_fills_the_cache_then_the_next_process_loads_it(tmp_path):
    cold = _run(tmp_path)
    assert cold["child"] and not cold["first"]  # the stand-ins served at first
    names = [p.name for p in tmp_path.rglob("*.nbi")]
    assert any("pixel_codes" in name for name in names), names
    assert any("shuffle_inplace" in name for name in names), names
    warm = _run(tmp_path)
    assert warm["first"] and not warm["child"]  # loaded from the cache: no child
    assert warm["answer"] == cold["answer"] == -1
    assert warm["codes"] == cold["codes"] == list(range(40))


def test_no_child_from_an_application_that_is_not_python(monkeypatch):
    from fastnet import _jit

    assert _jit._is_python(sys.executable)
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # PyInstaller's mark
    assert not _jit._is_python(sys.executable)
    monkeypatch.delattr(sys, "frozen")
    assert not _jit._is_python("/usr/bin/uwsgi")
    assert not _jit._is_python("")
    later = _jit.Later("raise SystemExit(1)")
    monkeypatch.setattr(_jit, "_is_python", lambda executable: False)
    later.add(_FakeEntry(), 1)
    later.start()
    assert later.ready and later._child is None  # compiled on first use, here


class _FakeEntry:
    cacheable = True

    def load_cached(self, *args):
        return False  # not in the cache: a child would be needed
