"""Which fastnet the tests run against.

The header names the imported package. With ``FASTNET_TEST_INSTALLED=1``
(CI's run on the built wheel) the session refuses to start unless fastnet
was imported from the environment's site-packages, so a run that silently
tested the source tree instead cannot pass.
"""
import os
import sysconfig
from pathlib import Path

import pytest


def _fastnet_file():
    import fastnet
    return Path(fastnet.__file__).resolve()


def _installed_dirs():
    return {Path(sysconfig.get_path(k)).resolve() for k in ("purelib", "platlib")}


def pytest_report_header(config):
    import numba
    import numpy

    import fastnet
    return (f"fastnet {fastnet.__version__} from {_fastnet_file().parent}; "
            f"numpy {numpy.__version__}, numba {numba.__version__}")


def pytest_sessionstart(session):
    if os.environ.get("FASTNET_TEST_INSTALLED") != "1":
        return
    where = _fastnet_file()
    if not any(where.is_relative_to(d) for d in _installed_dirs()):
        raise pytest.UsageError(
            f"FASTNET_TEST_INSTALLED=1 but fastnet was imported from {where}, "
            f"not from this environment's site-packages {sorted(map(str, _installed_dirs()))}")
