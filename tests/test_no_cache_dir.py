"""A read-only install with no writable home (issue 11, item 13): Numba
finds nowhere to write its cache. Training must still work, compiling the
kernels in the process, after one warning (not ``RuntimeError: cannot
cache function ...: no locator available``)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import fastnet

CHILD = r"""
import numpy as np
from fastnet import Reseau
net = Reseau([3, 2])
net.DGS([(np.zeros((3, 1)), 1), (np.ones((3, 1)), 0)], 1, 1, 1.0)
print("trained")
"""


def test_training_without_a_writable_cache_folder(tmp_path):
    pkg = tmp_path / "site" / "fastnet"
    shutil.copytree(
        Path(fastnet.__file__).parent, pkg, ignore=shutil.ignore_patterns("__pycache__")
    )
    (pkg / "__pycache__").write_text("")  # Numba's in-tree cache cannot exist
    nowhere = "/proc/fastnet-no-such-folder"  # cannot be created, even by root
    env = dict(
        os.environ,
        PYTHONPATH=str(tmp_path / "site"),
        NUMBA_CACHE_DIR=nowhere,
        HOME=nowhere,
        XDG_CACHE_HOME=nowhere,
        PYTHONWARNINGS="default",
    )
    proc = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "no locator available" not in proc.stderr
    assert proc.stderr.count("NUMBA_CACHE_DIR") == 1, proc.stderr
    assert "trained" in proc.stdout
    assert str(tmp_path) in proc.stderr  # the copy was the one imported
