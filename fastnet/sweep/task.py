"""One configuration, trained in a worker process: its data (loaded once per
process) and :func:`run_config`, which never raises for a bad configuration."""

from __future__ import annotations

import contextlib
import io
import math
import os
import random
import socket
import threading
import time
from typing import Any

import numpy as np

from .. import mnist
from .._typing import PathLike
from .._validation import ERROR_CUT
from .._version import __version__
from ..reseau import Reseau
from .spec import KNOBS, config_key

_DATA: dict[str, tuple] = {}  # resolved MNIST location -> arrays, one load per worker process
_DATA_LOCK = threading.Lock()


def _mnist(data):
    """MNIST arrays, loaded once per process and shared by its tasks."""
    where = str(mnist.find_data(data))
    with _DATA_LOCK:
        if where not in _DATA:
            _DATA.clear()  # one data set at a time: bounded memory
            _DATA[where] = mnist.load_arrays(where)
        return _DATA[where]


_NP_RANDOM_LOCK = threading.Lock()


def _fraction(correct, n):
    return None if correct is None else correct / n


def _train(config, arrays):
    """Build and train one configuration: the one place that maps sweep
    knobs onto ``Reseau(...)`` and ``DGS(...)``. Returns the history."""
    (X, y), (Xv, yv), (Xt, yt) = arrays
    limit = config.get("limit")
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"limit: expected an int >= 1, got {limit!r}")
        X, y, Xv, yv, Xt, yt = (a[:limit] for a in (X, y, Xv, yv, Xt, yt))
    net_kw, dgs_kw = {}, {}
    for knob, value in config.items():
        where, api = KNOBS[knob]
        if where == "net":
            net_kw[api] = np.dtype(value).type if knob == "dtype" else value
        elif where == "dgs":
            dgs_kw[api] = value
    args = [(X, y), dgs_kw.pop("nb_epoques"), dgs_kw.pop("taille_mini_batch"), dgs_kw.pop("eta")]
    seed = config.get("seed")
    with _NP_RANDOM_LOCK:  # seed and draw the initial weights in one piece
        if seed is not None:  # initial weights from np.random
            np.random.seed(seed)
        # one thread per worker: the parallel loop's replicas would oversubscribe
        net = Reseau(parallel=False, **net_kw)
    # Shuffles from the configuration's own generator (what random.seed(seed)
    # gives): a Dask worker's own threads also draw from the global random,
    # which would make a result depend on the worker it ran on.
    with contextlib.redirect_stdout(io.StringIO()):
        history = net.DGS(
            *args,
            test_data=(Xt, yt),
            validation_data=(Xv, yv),
            verbose=False,
            rng=random.Random(seed),
            **dgs_kw,
        )
    return {k: list(v) for k, v in dict(history).items()}


def _clean(value):
    """JSON-safe: numpy scalars to Python, NaN/inf to None."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _record(config, status, **fields):
    rec = {
        "key": config_key(config),
        "status": status,
        "config": config,
        "val_accuracy": None,
        "test_accuracy": None,
        "best_val_accuracy": None,
        "best_epoch": None,
        "epochs_run": 0,
        "seconds": None,
        "error": None,
        "worker": None,
        "history": None,
    }
    rec.update(fields)
    return rec


def run_config(config: dict[str, Any], data: PathLike | None = None) -> dict[str, Any]:
    """Train one configuration in this process and return its record.

    Never raises for a bad configuration: a bad knob value, a divergence or
    any other error gives ``status = "failed"`` with the error's text. The
    accuracies are those of the last epoch run; ``best_val_accuracy`` and
    ``best_epoch`` tell where validation peaked. ``seconds`` is the
    training time (with the per-epoch evaluations); ``load_seconds`` the
    data's (0 once the worker has it in memory).

    Parameters
    ----------
    config : dict
        One configuration (see :func:`fastnet.sweep.configurations`).
    data : str or path, optional
        The MNIST folder (default: ``$FASTNET_DATA``, else the cache).

    Returns
    -------
    dict
        The record: ``key``, ``status``, ``config``, ``val_accuracy``,
        ``test_accuracy``, ``best_val_accuracy``, ``best_epoch``,
        ``epochs_run``, ``seconds``, ``error``, ``worker``, ``history``...

    Examples
    --------
    >>> from fastnet.sweep import configurations
    >>> run_config(configurations({"epochs": 1, "limit": 100})[0])["status"]  # doctest: +SKIP
    'ok'
    """
    worker = f"{socket.gethostname()}:{os.getpid()}"
    start = loaded = time.perf_counter()
    try:
        arrays = _mnist(data)
        loaded = time.perf_counter()
        history = _clean(_train(config, arrays))
    except Exception as e:  # recorded, not raised: one bad config must not stop the sweep
        msg = " ".join(str(e).split()) or type(e).__name__
        return _record(
            config,
            "failed",
            error=f"{type(e).__name__}: {msg}"[:ERROR_CUT],
            seconds=time.perf_counter() - loaded,
            worker=worker,
            fastnet=__version__,
        )
    val = [v for v in history.get("precision") or []]
    test = history.get("precision_test") or []
    scored = [(v, i) for i, v in enumerate(val) if v is not None]
    best = max(scored, key=lambda t: (t[0], -t[1])) if scored else None
    return _record(
        config,
        "ok",
        val_accuracy=val[-1] if val else None,
        test_accuracy=test[-1] if test else None,
        best_val_accuracy=best[0] if best else None,
        best_epoch=history["epoque"][best[1]] if best else None,
        epochs_run=len(history.get("epoque") or []),
        seconds=time.perf_counter() - loaded,
        load_seconds=loaded - start,
        worker=worker,
        fastnet=__version__,
        history=history,
    )
