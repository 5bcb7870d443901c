"""Sweeps: train many knob settings at once, on this machine or a Dask cluster.

A sweep is a set of *knobs* (``eta``, ``batch_size``, ``sizes``, ``cost``...)
each given one value or a list of values. Without ``samples`` every
combination is run (a grid); with ``samples = N``, N configurations are
drawn at random, each knob from its list or from a range such as
``{log_uniform = [0.1, 10]}``. Each configuration is one task: build
``Reseau``, train it with ``DGS`` on the training images, measure the
validation accuracy (used to rank) and the test accuracy (reported, never
used to choose), and return the history.

Tasks run on a Dask cluster (``dask.distributed``, the optional extra
``pip install fastnet[sweep]``): by default a ``LocalCluster`` of worker
processes with one thread each, or an existing cluster given by its
scheduler's address. Dask is imported only when a sweep runs.

Every finished configuration is appended at once to a results file (JSON
lines, one line per configuration, named by a stable key: a hash of its
knobs), so a crash loses nothing already done. Running the same sweep again
skips the configurations recorded there as ``ok`` and runs the rest
(failed ones included: their old line is dropped first, so that the file
keeps one line per configuration).

Python (in a script, under ``if __name__ == "__main__":``, since the local
cluster's worker processes import the main module)::

    from fastnet.sweep import sweep, ranking_table
    records = sweep({"eta": [0.5, 1.0, 3.0], "batch_size": [10, 30],
                     "epochs": 5, "limit": 5000}, results="eta.jsonl")
    print(ranking_table(records))

Command line: ``fastnet sweep examples/sweep.toml`` (see ``fastnet sweep -h``).

The package's modules: :mod:`~fastnet.sweep.spec` (knobs, sweep files,
configurations), :mod:`~fastnet.sweep.task` (one configuration in a worker),
:mod:`~fastnet.sweep.results` (the results file, ranking),
:mod:`~fastnet.sweep.runner` (Dask) and :mod:`~fastnet.sweep.report` (table,
figure). It imports nothing from :mod:`fastnet.cli`.
"""

from .report import _varying as _varying  # the CLI and tests list varying knobs
from .report import plot_curves, ranking_table
from .results import rank, read_results
from .runner import INSTALL_HINT, WORKER_ENV, local_cluster, sweep
from .spec import (
    ALIASES,
    DEFAULTS,
    KNOBS,
    SETTINGS,
    SweepError,
    config_key,
    configurations,
    load_spec,
)
from .task import run_config

__all__ = [
    "KNOBS",
    "ALIASES",
    "DEFAULTS",
    "SETTINGS",
    "INSTALL_HINT",
    "WORKER_ENV",
    "SweepError",
    "load_spec",
    "configurations",
    "config_key",
    "run_config",
    "read_results",
    "local_cluster",
    "sweep",
    "rank",
    "ranking_table",
    "plot_curves",
]
