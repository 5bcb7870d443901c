"""Running benchmark children: a fresh Python process on this checkout,
timed from the parent, that reports its own figures as JSON."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
TIMEOUT_S = 600


def child_env(**extra):
    """This environment, with the checkout first on ``PYTHONPATH``, MNIST's
    folder in ``FASTNET_DATA`` and ``extra`` set on top."""
    from .conftest import data_dir

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env["FASTNET_DATA"] = str(data_dir())
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_python(script, args=(), env=None):
    """Run ``python script args`` from the repository root.

    Returns ``(stdout, spawn, wall)``: ``spawn`` is ``time.monotonic()``
    just before the start (the clock is system-wide, so a child's own
    ``time.monotonic()`` readings can be set against it) and ``wall`` the
    seconds until the child had exited. Raises with the child's stderr if
    it fails.
    """
    cmd = [sys.executable, str(HERE / script), *map(str, args)]
    spawn = time.monotonic()
    done = subprocess.run(
        cmd, cwd=REPO, env=env or child_env(), capture_output=True, text=True, timeout=TIMEOUT_S
    )
    wall = time.monotonic() - spawn
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout, spawn, wall


def last_json(stdout):
    """The JSON object on the last non-empty line of ``stdout``."""
    lines = [l for l in stdout.splitlines() if l.strip()]
    return json.loads(lines[-1])
