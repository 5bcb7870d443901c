"""Running a sweep: on a Dask cluster (a local one of worker processes, or a
running scheduler), or one configuration after another in this process.
Dask is imported only when a sweep runs on it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from .. import mnist
from .._progress import ProgressBar
from .._typing import PathLike
from .._validation import ERROR_CUT
from .results import _append, _prepare_results, check_results_file, rank
from .spec import SweepError, config_key, configurations, load_spec
from .task import _record, run_config

logger = logging.getLogger("fastnet.sweep")
DEFAULT_TIMEOUT = 6 * 3600.0  # seconds per configuration: generous, yet not for ever

INSTALL_HINT = (
    "fastnet sweep needs Dask (dask.distributed): "
    'pip install fastnet[sweep]  (or: pip install "dask[distributed]")'
)


def _dask():
    try:
        import distributed
    except ImportError as e:
        raise ImportError(INSTALL_HINT) from e
    return distributed


# worker processes: one thread each, and nothing below spawning more
WORKER_ENV = {
    "NUMBA_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


@contextlib.contextmanager
def local_cluster(workers: int = 2, timeout: float = 60) -> Iterator[Any]:
    """A Dask ``LocalCluster`` of ``workers`` processes with one thread each,
    on 127.0.0.1 only (the scheduler's HTTP server, which runs even without
    the dashboard, on a free port: never a fixed one that two sweeps would
    fight over); yields a connected ``Client`` and closes both on the way
    out."""
    distributed = _dask()
    cluster = distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        scheduler_port=0,
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
        env=dict(WORKER_ENV),
    )
    try:
        client = distributed.Client(cluster, timeout=timeout)
        try:
            yield client
        finally:
            client.close(timeout=timeout)
    finally:
        cluster.close(timeout=timeout)


def _serial(todo, data):
    for config in todo:
        yield run_config(config, data)


def _slots(client):
    """Threads of the cluster's workers (at least 1): how many configurations
    are handed to it at once, so that each one starts when it is handed
    over and its time limit counts its run, not its wait."""
    try:
        return max(1, sum(client.nthreads().values()))
    except Exception:  # a scheduler that does not answer: one at a time
        return 1


def _holders(client, key):
    """Addresses of the workers the scheduler has running ``key``."""
    try:
        return sorted(w for w, keys in client.processing().items() if key in keys)
    except Exception:
        return []


def _timed_out(client, fut, config, timeout, restart):
    """The failed record of a configuration past its time limit; its task is
    cancelled and the worker running it restarted (a frozen worker would
    otherwise hold its thread, and the next configuration, for ever)."""
    where = _holders(client, fut.key)
    fut.cancel()
    if where and restart:
        try:
            client.restart_workers(where, timeout=30, raise_for_error=False)
        except Exception as e:  # the record says enough; go on with the others
            logger.warning("could not restart worker(s) %s: %s", ", ".join(where), e)
    on = f" on worker {', '.join(where)}" if where else ""
    return _record(
        config,
        "failed",
        error=f"TimeoutError: no result after {timeout:g} s{on} (stalled?); "
        f"raise the time limit with --timeout or timeout = SECONDS",
        seconds=timeout,
        worker=where[0] if where else None,
        timed_out=True,
    )


def _on_cluster(client, todo, data, stall_timeout, timeout=None, restart=False):
    """Records as the tasks finish. A task whose worker died is resubmitted
    by Dask on another worker; one that kills workers again and again
    (``KilledWorker``) comes back as a failed record, and so does one that
    gives no result within ``timeout`` seconds of being handed over."""
    distributed = _dask()
    token = os.urandom(4).hex()
    queue = list(todo)
    running: dict[Any, tuple[Any, float | None]] = {}  # future -> (config, deadline or None)
    last_done = time.monotonic()
    try:
        while queue or running:
            while queue and len(running) < _slots(client):
                config = queue.pop(0)
                fut = client.submit(
                    run_config,
                    config,
                    data,
                    pure=False,
                    key=f"fastnet-sweep-{config_key(config)}-{token}",
                )
                running[fut] = (config, None if timeout is None else time.monotonic() + timeout)
            now = time.monotonic()
            waits = [d - now for _, d in running.values() if d is not None]
            if stall_timeout is not None:
                waits.append(last_done + stall_timeout - now)
            try:
                done, _ = distributed.wait(
                    list(running),
                    timeout=max(0.0, min(waits)) if waits else None,
                    return_when="FIRST_COMPLETED",
                )
            except (TimeoutError, asyncio.TimeoutError):
                done = set()
            now = time.monotonic()
            for fut in list(running):
                config, deadline = running[fut]
                if fut in done:
                    if fut.status == "finished":
                        record = fut.result()
                    else:
                        exc = fut.exception() if fut.status == "error" else None
                        msg = (
                            f"{type(exc).__name__}: {exc}"
                            if exc is not None
                            else f"task {fut.status}"
                        )
                        record = _record(config, "failed", error=" ".join(msg.split())[:ERROR_CUT])
                    fut.release()
                elif deadline is not None and now >= deadline:
                    record = _timed_out(client, fut, config, timeout, restart)
                else:
                    continue
                del running[fut]
                last_done = now
                yield record
            if stall_timeout is not None and now - last_done >= stall_timeout:
                raise TimeoutError(
                    f"no configuration finished in {stall_timeout} s "
                    f"({len(running) + len(queue)} still running or waiting)"
                )
    finally:
        if running:  # interrupted: do not leave work running on the cluster
            client.cancel(list(running))


def sweep(
    spec: dict[str, Any] | list[dict[str, Any]] | PathLike,
    results: PathLike | None = None,
    *,
    samples: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    data: PathLike | None = None,
    progress: bool | IO[str] = False,
    on_result: Callable[[dict[str, Any]], object] | None = None,
    stall_timeout: float | None = None,
    timeout: float | None = None,
) -> list[dict[str, Any]]:
    """Run a sweep and return the records of its configurations, best first.

    Parameters
    ----------
    spec : dict, list of dict, or path
        Knobs (see :func:`configurations`), a list of configurations, or a
        sweep file whose ``[sweep]`` settings are the defaults of the
        arguments below.
    results : path
        The JSON-lines results file (default ``sweep.results.jsonl``, or
        ``<file stem>.results.jsonl`` for a sweep file, in the current
        folder; a ``results`` setting in the file is relative to the file). Configurations
        already there with ``status = "ok"`` are not run again.
    samples, seed : int, optional
        Random draws instead of a grid, and their seed (default 0).
    workers : int
        Worker processes of the local cluster (default 2); 0 runs the
        configurations one after another in this process, without Dask.
    scheduler : str, optional
        ``tcp://host:port`` of a running Dask scheduler to use instead.
    client : distributed.Client, optional
        An open client to use instead (not closed here).
    data : path, optional
        MNIST location on the workers (default: each worker's
        ``$FASTNET_DATA`` or cache).
    progress : bool or stream
        A progress bar on stderr (True) or on the given stream.
    on_result : callable, optional
        ``on_result(record)`` after each record is written.
    stall_timeout : float, optional
        Give up (``TimeoutError``) when no configuration finishes for that
        many seconds.
    timeout : float, optional
        The time limit of one configuration on a cluster, in seconds from
        when it is handed to a worker (default: the file's ``timeout``
        setting, else 6 hours). A configuration past it is recorded as
        failed (``TimeoutError``, ``timed_out: true``), its task cancelled
        and the worker running it restarted (a frozen worker would hold it
        for ever); the sweep goes on. Not applied with ``workers=0`` (one
        process: nothing else could stop the training).

    Returns
    -------
    list of dict
        One record per configuration of this sweep (those found in the
        results file too), sorted by validation accuracy, failed ones last.

    Raises
    ------
    SweepError
        A bad description or setting.
    ImportError
        Dask is needed (``workers`` > 0 or a scheduler) but not installed.
    TimeoutError
        Nothing finished within ``stall_timeout``.

    Examples
    --------
    >>> records = sweep({"eta": [1.0, 3.0], "epochs": 1, "limit": 500},
    ...                 "eta.jsonl", workers=0)  # doctest: +SKIP
    >>> print(ranking_table(records))  # doctest: +SKIP
    """
    settings: dict[str, Any] = {}
    spec_file = None
    if isinstance(spec, (str, os.PathLike)):
        spec_file = spec
        knobs, settings = load_spec(spec)
        if results is None:
            results = settings.get("results") or f"{Path(spec).stem}.results.jsonl"
        spec = knobs
    samples = settings.get("samples") if samples is None else samples
    seed = settings.get("seed", 0) if seed is None else seed
    workers = settings.get("workers", 2) if workers is None else workers
    scheduler = settings.get("scheduler") if scheduler is None else scheduler
    data = settings.get("data") if data is None else data
    timeout = settings.get("timeout", DEFAULT_TIMEOUT) if timeout is None else timeout
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, (int, float))
        or not (timeout > 0 and math.isfinite(timeout))
    ):
        raise SweepError(f"timeout: expected a number of seconds > 0, got {timeout!r}")
    results = Path(results or "sweep.results.jsonl")
    if isinstance(spec, dict):
        configs = configurations(spec, samples=samples, seed=seed)
    else:  # ready-made configurations: same names and defaults as a grid
        configs = [configurations(dict(c))[0] for c in spec]
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise SweepError(f"workers: expected an int >= 0, got {workers!r}")

    keys = {config_key(c): c for c in configs}
    check_results_file(results, spec_file)  # before any work, the file untouched
    results.parent.mkdir(parents=True, exist_ok=True)
    done = _prepare_results(results, keys)
    found = {k: done[k] for k in keys if k in done}
    todo = [c for k, c in keys.items() if k not in found]
    if todo and (workers or scheduler is not None) and client is None:
        _dask()  # say how to install it before anything else happens
    if todo and scheduler is None and client is None:
        # local workers see this machine's files: find (or fetch) the data
        # once, here, and fail early when it is missing
        data = str(mnist.find_data(data))

    stream = sys.stderr if progress is True else (progress or None)
    bar = ProgressBar(len(todo), stream, "configs") if stream is not None and todo else None
    new, failed = [], [0]

    def consume(records):
        # closing: on Ctrl-C the generator's cleanup (cancelling what is
        # still queued) runs now, not when the traceback is freed
        with contextlib.closing(records):
            for record in records:
                _append(results, record)
                new.append(record)
                if bar is not None:
                    failed[0] += record["status"] != "ok"
                    bar.update(1, f" ({failed[0]} failed)" if failed[0] else "")
                if on_result is not None:
                    on_result(record)

    try:
        if not todo:
            pass
        elif client is not None:
            consume(_on_cluster(client, todo, data, stall_timeout, timeout, restart=True))
        elif scheduler is not None:
            distributed = _dask()
            with distributed.Client(scheduler, timeout=30) as own:
                consume(_on_cluster(own, todo, data, stall_timeout, timeout, restart=True))
        elif workers == 0:
            consume(_serial(todo, data))
        else:
            with local_cluster(workers) as own:
                consume(_on_cluster(own, todo, data, stall_timeout, timeout, restart=True))
    finally:
        if bar is not None:
            bar.close()
    return rank(list(found.values()) + new)
