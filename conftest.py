"""Repository-root pytest hooks: ``pytest --benchmark-only`` typed at the
root runs the benchmark suite in ``benchmarks/``.

``testpaths`` names only ``tests/``, so that plain ``pytest`` stays the fast
test command; without this hook ``--benchmark-only`` would collect the tests
and skip every one of them. Paths given on the command line always win:
``pytest tests --benchmark-only`` is left alone.
"""

from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent / "benchmarks"


def _benchmarks_by_default(config):
    """True when ``--benchmark-only`` was given and the paths come from
    ``testpaths`` (none on the command line, run from the root)."""
    return (
        config.getoption("benchmark_only", default=False)
        and config.args_source == pytest.Config.ArgsSource.TESTPATHS
    )


def pytest_configure(config):
    if _benchmarks_by_default(config):
        # config.args is what the session collects; it must hold strings
        config.args = [str(BENCHMARKS)]
        config.stash[_REDIRECTED] = True


_REDIRECTED = pytest.StashKey[bool]()


def pytest_report_header(config):
    if config.stash.get(_REDIRECTED, False):
        return (
            "benchmarks: --benchmark-only without paths runs benchmarks/ "
            "(testpaths is for the tests)"
        )
    return None


def pytest_terminal_summary(terminalreporter, config):
    if not config.stash.get(_REDIRECTED, False):
        return
    saved = config.getoption("benchmark_json", default=None)
    if hasattr(saved, "write"):  # pytest-benchmark 4 gives the open file
        saved = saved.name
    write = terminalreporter.write_line
    if saved:
        write(f"Report (targets and tables): python benchmarks/report.py {saved}")
    else:
        write(
            "Report (targets and tables): rerun with --benchmark-json=bench.json, "
            "then python benchmarks/report.py bench.json"
        )
