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
"""
import asyncio
import contextlib
import hashlib
import io
import itertools
import json
import math
import os
import random
import socket
import sys
import threading
import time
from pathlib import Path

__all__ = ["KNOBS", "DEFAULTS", "SweepError", "load_spec", "configurations",
           "config_key", "run_config", "read_results", "local_cluster",
           "sweep", "rank", "ranking_table", "plot_curves"]

INSTALL_HINT = ("fastnet sweep needs Dask (dask.distributed): "
                "pip install fastnet[sweep]  (or: pip install \"dask[distributed]\")")

# knob -> (where it goes, the API's keyword). "net": Reseau(...),
# "dgs": DGS(...), "run": used by the task itself.
KNOBS = {
    "sizes": ("net", "tailles"),
    "dtype": ("net", "dtype"),
    "cost": ("net", "cout"),
    "activation": ("net", "activation"),
    "init": ("net", "init"),
    "epochs": ("dgs", "nb_epoques"),
    "batch_size": ("dgs", "taille_mini_batch"),
    "eta": ("dgs", "eta"),
    "lmbda": ("dgs", "lmbda"),
    "mu": ("dgs", "mu"),
    "early_stop": ("dgs", "arret_precoce"),
    "eta_schedule": ("dgs", "reduction_eta"),
    "track_cost": ("dgs", "suivre_cout"),  # one more pass per epoch, for the cost curve
    "seed": ("run", None),   # seeds random and np.random before building
    "limit": ("run", None),  # first N training (and validation, test) images
}
# the API's own (French) names are accepted too
ALIASES = {api: knob for knob, (_, api) in KNOBS.items() if api}
ALIASES.update({"batch-size": "batch_size", "early-stop": "early_stop",
                "eta-schedule": "eta_schedule", "track-cost": "track_cost",
                "momentum": "mu"})
# filled into every configuration (the course's main.py run, seed 0, all
# the data); knobs not listed here are passed only when given
DEFAULTS = {"sizes": [784, 30, 10], "epochs": 30, "batch_size": 10, "eta": 3.0,
            "seed": 0, "limit": None, "dtype": "float64"}
_FLOAT_KNOBS = ("eta", "lmbda", "mu")
_RANGES = ("uniform", "log_uniform", "int")
SETTINGS = ("samples", "seed", "results", "workers", "scheduler", "data", "plot")


class SweepError(ValueError):
    """A sweep description that cannot be run (unknown knob, bad range...)."""


# -- describing a sweep ------------------------------------------------------

def load_spec(path):
    """Read a sweep file (``.toml`` or ``.json``).

    Returns ``(knobs, settings)``: the ``[knobs]`` table (knob -> value or
    list of values or range) and the ``[sweep]`` table (``samples``,
    ``seed``, ``results``, ``workers``, ``scheduler``, ``data``, ``plot``).
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise SweepError(f"{path}: not valid JSON: {e}") from None
    else:
        try:
            import tomllib
        except ImportError:  # Python 3.10: the same parser, from PyPI
            try:
                import tomli as tomllib
            except ImportError:
                raise SweepError(f"{path}: reading TOML on Python 3.10 needs tomli "
                                 f"(pip install fastnet[sweep]); or write the sweep "
                                 f"as JSON") from None
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise SweepError(f"{path}: not valid TOML: {e}") from None
    if not isinstance(doc, dict):
        raise SweepError(f"{path}: expected tables [sweep] and [knobs]")
    extra = set(doc) - {"sweep", "knobs"}
    if extra:
        raise SweepError(f"{path}: unknown table(s) {sorted(extra)}; expected "
                         f"[knobs] (the values to try) and [sweep] (settings)")
    knobs, settings = doc.get("knobs", {}), doc.get("sweep", {})
    if not isinstance(knobs, dict) or not isinstance(settings, dict):
        raise SweepError(f"{path}: [knobs] and [sweep] must be tables")
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise SweepError(f"{path}: unknown [sweep] setting(s) {sorted(unknown)}; "
                         f"known: {', '.join(SETTINGS)}")
    if settings.get("results") is not None:  # relative to the file's folder
        settings["results"] = str(path.parent / settings["results"])
    return knobs, settings


def _knob_name(name):
    knob = ALIASES.get(name, name)
    if knob not in KNOBS:
        raise SweepError(f"unknown knob {name!r}; known knobs: {', '.join(KNOBS)}")
    return knob


def _normal(knob, value):
    """One value in a canonical form, so that ``eta = 3`` and ``eta = 3.0``
    are the same configuration. Lenient on purpose: a bad value is the
    task's failure to record, not a reason to refuse the whole sweep."""
    if isinstance(value, tuple):
        value = list(value)
    if knob in _FLOAT_KNOBS and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _values(knob, value):
    """The list of values a knob takes (a range stays a dict)."""
    if isinstance(value, dict):
        kind = [k for k in value if k in _RANGES]
        if len(value) != 1 or not kind:
            raise SweepError(f"{knob}: a range is one of {{uniform = [a, b]}}, "
                             f"{{log_uniform = [a, b]}}, {{int = [a, b]}}; got {value!r}")
        lo_hi = value[kind[0]]
        if (not isinstance(lo_hi, (list, tuple)) or len(lo_hi) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                           for v in lo_hi) or lo_hi[0] > lo_hi[1]):
            raise SweepError(f"{knob}: {kind[0]} needs [low, high] with low <= high, "
                             f"got {lo_hi!r}")
        if kind[0] == "log_uniform" and lo_hi[0] <= 0:
            raise SweepError(f"{knob}: log_uniform needs low > 0, got {lo_hi!r}")
        return {kind[0]: list(lo_hi)}
    # sizes is itself a list: [784, 30, 10] is one value, a list of lists many
    many = (isinstance(value, (list, tuple))
            and (knob != "sizes" or any(isinstance(v, (list, tuple)) for v in value)))
    values = [_normal(knob, v) for v in value] if many else [_normal(knob, value)]
    if not values:
        raise SweepError(f"{knob}: empty list of values")
    return values


def _draw(rng, values):
    if isinstance(values, list):
        return values[rng.randrange(len(values))]
    (kind, (lo, hi)), = values.items()
    if kind == "int":
        return rng.randint(math.ceil(lo), math.floor(hi))
    x = rng.uniform(lo, hi) if kind == "uniform" else math.exp(
        rng.uniform(math.log(lo), math.log(hi)))
    return float(f"{x:.4g}")  # 4 significant digits: readable, stable keys


def configurations(knobs, samples=None, seed=0):
    """The configurations of a sweep, in a fixed order.

    Parameters
    ----------
    knobs : dict
        knob -> one value, a list of values, or (with ``samples``) a range
        ``{"uniform": [a, b]}``, ``{"log_uniform": [a, b]}`` or
        ``{"int": [a, b]}``. Names are those of :data:`KNOBS` or the API's
        own (``tailles``, ``taille_mini_batch``, ``cout``...).
    samples : int, optional
        Without it, every combination of the lists (a grid). With it, that
        many random draws, each knob drawn independently; duplicates are
        kept once.
    seed : int
        Seed of the random draws (the same seed gives the same sweep, which
        is what lets a rerun resume it).

    Returns
    -------
    list of dict
        Each configuration has every knob of :data:`DEFAULTS` plus the
        knobs given.
    """
    if not isinstance(knobs, dict):
        raise SweepError(f"knobs: expected a dict, got {type(knobs).__name__}")
    table = {}
    for name, value in knobs.items():
        knob = _knob_name(name)
        if knob in table:
            raise SweepError(f"knob {knob!r} given twice (as {name!r})")
        table[knob] = _values(knob, value)
    names = sorted(table)
    if samples is None:
        ranged = [k for k in names if isinstance(table[k], dict)]
        if ranged:
            raise SweepError(f"{', '.join(ranged)}: a range needs samples = N "
                             f"(random draws)")
        combos = itertools.product(*(table[k] for k in names))
    else:
        if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
            raise SweepError(f"samples: expected an int >= 1, got {samples!r}")
        rng = random.Random(seed)
        combos = [[_draw(rng, table[k]) for k in names] for _ in range(samples)]
    out, seen = [], set()
    for combo in combos:
        config = dict(DEFAULTS)
        config.update(zip(names, combo))
        key = config_key(config)
        if key not in seen:
            seen.add(key)
            out.append(config)
    return out


def config_key(config):
    """A stable 12-hex-digit key: a hash of the configuration's knobs."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


# -- one configuration (runs in a worker) ------------------------------------

_DATA = {}  # resolved MNIST location -> arrays, one load per worker process
_DATA_LOCK = threading.Lock()


def _mnist(data):
    """MNIST arrays, loaded once per process and shared by its tasks."""
    from . import mnist
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
    import numpy as np

    from .reseau import Reseau

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
    args = [(X, y), dgs_kw.pop("nb_epoques"), dgs_kw.pop("taille_mini_batch"),
            dgs_kw.pop("eta")]
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
        history = net.DGS(*args, test_data=(Xt, yt), validation_data=(Xv, yv),
                          verbose=False, rng=random.Random(seed), **dgs_kw)
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
    rec = {"key": config_key(config), "status": status, "config": config,
           "val_accuracy": None, "test_accuracy": None, "best_val_accuracy": None,
           "best_epoch": None, "epochs_run": 0, "seconds": None, "error": None,
           "worker": None, "history": None}
    rec.update(fields)
    return rec


def run_config(config, data=None):
    """Train one configuration in this process and return its record.

    Never raises for a bad configuration: a bad knob value, a divergence or
    any other error gives ``status = "failed"`` with the error's text. The
    accuracies are those of the last epoch run; ``best_val_accuracy`` and
    ``best_epoch`` tell where validation peaked. ``seconds`` is the
    training time (with the per-epoch evaluations); ``load_seconds`` the
    data's (0 once the worker has it in memory).
    """
    from . import __version__

    worker = f"{socket.gethostname()}:{os.getpid()}"
    start = loaded = time.perf_counter()
    try:
        arrays = _mnist(data)
        loaded = time.perf_counter()
        history = _clean(_train(config, arrays))
    except Exception as e:  # recorded, not raised: one bad config must not stop the sweep
        msg = " ".join(str(e).split()) or type(e).__name__
        return _record(config, "failed", error=f"{type(e).__name__}: {msg}"[:2000],
                       seconds=time.perf_counter() - loaded, worker=worker,
                       fastnet=__version__)
    val = [v for v in history.get("precision") or []]
    test = history.get("precision_test") or []
    scored = [(v, i) for i, v in enumerate(val) if v is not None]
    best = max(scored, key=lambda t: (t[0], -t[1])) if scored else None
    return _record(
        config, "ok", val_accuracy=val[-1] if val else None,
        test_accuracy=test[-1] if test else None,
        best_val_accuracy=best[0] if best else None,
        best_epoch=history["epoque"][best[1]] if best else None,
        epochs_run=len(history.get("epoque") or []),
        seconds=time.perf_counter() - loaded, load_seconds=loaded - start,
        worker=worker, fastnet=__version__, history=history)


# -- the results file --------------------------------------------------------

def read_results(path):
    """``(records, bad_lines)``: the records of a results file in file
    order, and how many lines could not be read (a line cut short by a
    crash). A missing file is empty."""
    records, bad = [], 0
    try:
        f = open(path, encoding="utf-8")
    except FileNotFoundError:
        return records, bad
    with f:
        for line in f:
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                bad += 1
                continue
            if isinstance(rec, dict) and isinstance(rec.get("key"), str):
                records.append(rec)
            else:
                bad += 1
    return records, bad


def _prepare_results(path, keys):
    """Keep one line per configuration: the first ``ok`` record of a key,
    and, for configurations outside this sweep that never succeeded, their
    last ``failed`` record; this sweep's failures go (they run again).
    Rewrites the file (atomically) only when something is dropped.
    Returns the ``ok`` records by key."""
    records, bad = read_results(path)
    done, last_failed = {}, {}
    for rec in records:
        if rec.get("status") == "ok":
            done.setdefault(rec["key"], rec)
    for rec in records:
        key = rec["key"]
        if key not in done and key not in keys:
            last_failed[key] = rec
    kept = [r for r in records
            if done.get(r["key"]) is r or last_failed.get(r["key"]) is r]
    if bad or len(kept) != len(records):
        tmp = Path(f"{path}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            for rec in kept:
                f.write(json.dumps(rec) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    return done


def _append(path, record):
    """One line, one ``write`` on an O_APPEND descriptor, synced: a crash
    leaves whole lines (at worst a last line cut short, skipped on read)."""
    data = (json.dumps(record) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        while data:
            data = data[os.write(fd, data):]
        os.fsync(fd)
    finally:
        os.close(fd)


# -- running -----------------------------------------------------------------

def _dask():
    try:
        import distributed
    except ImportError as e:
        raise ImportError(INSTALL_HINT) from e
    return distributed


# worker processes: one thread each, and nothing below spawning more
WORKER_ENV = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
              "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@contextlib.contextmanager
def local_cluster(workers=2, timeout=60):
    """A Dask ``LocalCluster`` of ``workers`` processes with one thread each,
    on 127.0.0.1 only (the scheduler's HTTP server, which runs even without
    the dashboard, on a free port: never a fixed one that two sweeps would
    fight over); yields a connected ``Client`` and closes both on the way
    out."""
    import logging

    distributed = _dask()
    cluster = distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
        scheduler_port=0, dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR,
        env=dict(WORKER_ENV))
    try:
        client = distributed.Client(cluster, timeout=timeout)
        try:
            yield client
        finally:
            client.close(timeout=timeout)
    finally:
        cluster.close(timeout=timeout)


class _Bar:
    """A one-line progress bar over the sweep's configurations (stderr)."""

    WIDTH = 24

    def __init__(self, total, stream):
        self.total, self.stream = total, stream
        self.done = self.failed = 0
        self.start = time.perf_counter()

    def draw(self):
        filled = self.WIDTH * self.done // max(self.total, 1)
        text = f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total} configs"
        if self.failed:
            text += f" ({self.failed} failed)"
        if self.done:
            left = (time.perf_counter() - self.start) / self.done * (self.total - self.done)
            text += f"  ~{left:.0f} s left"
        self.stream.write(text + "\033[K")
        self.stream.flush()

    def update(self, record):
        self.done += 1
        self.failed += record["status"] != "ok"
        self.draw()

    def clear(self):
        self.stream.write("\r\033[K")
        self.stream.flush()


def _serial(todo, data):
    for config in todo:
        yield run_config(config, data)


def _on_cluster(client, todo, data, stall_timeout):
    """Records as the tasks finish. A task whose worker died is resubmitted
    by Dask on another worker; one that kills workers again and again
    (``KilledWorker``) comes back as a failed record."""
    distributed = _dask()
    token = os.urandom(4).hex()
    futures = {client.submit(run_config, config, data, pure=False,
                             key=f"fastnet-sweep-{config_key(config)}-{token}"): config
               for config in todo}
    pending = set(futures)
    try:
        while pending:
            try:
                done, pending = distributed.wait(pending, timeout=stall_timeout,
                                                 return_when="FIRST_COMPLETED")
            except (TimeoutError, asyncio.TimeoutError):
                raise TimeoutError(f"no configuration finished in {stall_timeout} s "
                                   f"({len(pending)} still running or waiting)") from None
            for fut in done:
                config = futures[fut]
                if fut.status == "finished":
                    record = fut.result()
                else:
                    exc = fut.exception() if fut.status == "error" else None
                    msg = (f"{type(exc).__name__}: {exc}" if exc is not None
                           else f"task {fut.status}")
                    record = _record(config, "failed", error=" ".join(msg.split())[:2000])
                fut.release()
                yield record
    finally:
        if pending:  # interrupted: do not leave work running on the cluster
            client.cancel(list(pending))


def sweep(spec, results=None, *, samples=None, seed=None, workers=None, scheduler=None,
          client=None, data=None, progress=False, on_result=None, stall_timeout=None):
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

    Returns
    -------
    list of dict
        One record per configuration of this sweep (those found in the
        results file too), sorted by validation accuracy, failed ones last.
    """
    settings = {}
    if isinstance(spec, (str, os.PathLike)):
        knobs, settings = load_spec(spec)
        if results is None:
            results = settings.get("results") or f"{Path(spec).stem}.results.jsonl"
        spec = knobs
    samples = settings.get("samples") if samples is None else samples
    seed = settings.get("seed", 0) if seed is None else seed
    workers = settings.get("workers", 2) if workers is None else workers
    scheduler = settings.get("scheduler") if scheduler is None else scheduler
    data = settings.get("data") if data is None else data
    results = Path(results or "sweep.results.jsonl")
    if isinstance(spec, dict):
        configs = configurations(spec, samples=samples, seed=seed)
    else:  # ready-made configurations: same names and defaults as a grid
        configs = [configurations(dict(c))[0] for c in spec]
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise SweepError(f"workers: expected an int >= 0, got {workers!r}")

    keys = {config_key(c): c for c in configs}
    results.parent.mkdir(parents=True, exist_ok=True)
    done = _prepare_results(results, keys)
    found = {k: done[k] for k in keys if k in done}
    todo = [c for k, c in keys.items() if k not in found]
    if todo and (workers or scheduler is not None) and client is None:
        _dask()  # say how to install it before anything else happens
    if todo and scheduler is None and client is None:
        # local workers see this machine's files: find (or fetch) the data
        # once, here, and fail early when it is missing
        from . import mnist
        data = str(mnist.find_data(data))

    stream = sys.stderr if progress is True else (progress or None)
    bar = _Bar(len(todo), stream) if stream is not None and todo else None
    new = []

    def consume(records):
        # closing: on Ctrl-C the generator's cleanup (cancelling what is
        # still queued) runs now, not when the traceback is freed
        with contextlib.closing(records):
            for record in records:
                _append(results, record)
                new.append(record)
                if bar is not None:
                    bar.update(record)
                if on_result is not None:
                    on_result(record)

    try:
        if bar is not None:
            bar.draw()
        if not todo:
            pass
        elif client is not None:
            consume(_on_cluster(client, todo, data, stall_timeout))
        elif scheduler is not None:
            distributed = _dask()
            with distributed.Client(scheduler, timeout=30) as own:
                consume(_on_cluster(own, todo, data, stall_timeout))
        elif workers == 0:
            consume(_serial(todo, data))
        else:
            with local_cluster(workers) as own:
                consume(_on_cluster(own, todo, data, stall_timeout))
    finally:
        if bar is not None:
            bar.clear()
    return rank(list(found.values()) + new)


def rank(records):
    """Records best first: ``ok`` by validation accuracy (ties: key), then
    failed ones. Test accuracy plays no part."""
    def order(r):
        val = r.get("val_accuracy")
        ok = r.get("status") == "ok" and val is not None
        return (not ok, -(val or 0.0), r["key"])
    return sorted(records, key=order)


# -- reporting ---------------------------------------------------------------

def _show(value):
    if isinstance(value, list):
        return "-".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return "-" if value is None else str(value)


def _varying(records):
    """Knobs whose value differs between records (the table's columns)."""
    names = []
    for knob in KNOBS:
        values = {json.dumps(r["config"].get(knob)) for r in records}
        if len(values) > 1:
            names.append(knob)
    return names


def ranking_table(records):
    """The ranked table: one row per configuration, best validation
    accuracy first, test accuracy in its own column; failed ones last with
    their error."""
    records = rank(records)
    if not records:
        return "no configurations"
    knobs = _varying(records)

    def pct(x):
        return "-" if x is None else f"{100 * x:.2f}"

    head = ["#", "key", *knobs, "val %", "test %", "epochs", "s"]
    rows = []
    for i, r in enumerate(records, 1):
        ok = r.get("status") == "ok"
        sec = r.get("seconds")
        row = [str(i), r["key"], *(_show(r["config"].get(k)) for k in knobs),
               pct(r.get("val_accuracy")) if ok else "FAILED",
               pct(r.get("test_accuracy")) if ok else "-",
               str(r.get("epochs_run") or 0) if ok else "-",
               "-" if sec is None else f"{sec:.2f}"]
        rows.append(row)
    widths = [max(len(row[c]) for row in rows + [head]) for c in range(len(head))]
    numeric = set(range(len(head))) - {1}

    def line(row):
        return "  ".join(cell.rjust(w) if c in numeric else cell.ljust(w)
                         for c, (cell, w) in enumerate(zip(row, widths))).rstrip()

    out = [line(head), line(["-" * w for w in widths])]
    out += [line(row) for row in rows]
    failed = [r for r in records if r.get("status") != "ok"]
    for r in failed:
        out.append(f"failed {r['key']}: {r.get('error') or 'unknown error'}"[:300])
    return "\n".join(out)


def _label(config, knobs):
    """``784-100-10 entropie_croisee eta=1``: names only for numbers."""
    parts = []
    for k in knobs:
        v = config.get(k)
        parts.append(_show(v) if isinstance(v, (str, list)) else f"{k}={_show(v)}")
    return " ".join(parts)


def plot_curves(records, path, top=10):
    """Validation accuracy (and training cost, where recorded with
    ``track_cost``) per epoch of the ``top`` best configurations, drawn by
    :func:`fastnet.plots.courbes` and written to ``path``."""
    from . import plots

    best = [r for r in rank(records) if r.get("status") == "ok" and r.get("history")]
    best = best[:top]
    if not best:
        raise ValueError("no successful configuration to plot")
    knobs = _varying(best) or ["eta"]
    labels = [_label(r["config"], knobs) for r in best]
    fig = plots.courbes([r["history"] for r in best], labels)
    ax_prec, ax_cost = fig.axes[:2]
    ax_prec.set_title("Précision sur les données de validation")
    if "cost" in knobs:  # not the quadratic cost's formula for all of them
        ax_cost.set_ylabel("coût (celui de chaque configuration)")
    handles, texts = ax_prec.get_legend_handles_labels()
    for ax in (ax_prec, ax_cost):
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    if not ax_cost.get_lines():  # no cost recorded: that panel holds the legend
        ax_cost.clear()
        ax_cost.axis("off")
        ax_cost.legend(handles, texts, loc="center", fontsize="small",
                       title="meilleures configurations (validation)")
    else:  # one legend for both panels, below them
        fig.set_size_inches(11, 4.2 + 0.22 * len(best))
        fig.legend(handles, texts, loc="lower center", ncol=2, fontsize="small")
        fig.tight_layout(rect=(0, 0.05 * len(best) ** 0.5 + 0.1, 1, 1))
    fig.savefig(path, dpi=100)
    return fig


# -- command line: ``fastnet sweep`` -----------------------------------------

_HELP = """\
Train many configurations of Reseau on MNIST, on this machine or a Dask
cluster, and rank them by validation accuracy. Knobs come from a sweep file
(TOML or JSON: a [knobs] table and an optional [sweep] table of settings)
and/or from the options below, each taking a comma-separated list of values
(a knob given on the command line replaces the file's). Without --samples
every combination runs (a grid); with --samples N, N random draws.

Each configuration trains on the 50,000 training images (or --limit N),
is ranked by its accuracy on the 10,000 validation images, and reports its
test accuracy in a separate column (never used to choose). Results are
appended to a JSON-lines file as each one finishes; running the same
command again skips the configurations already recorded as ok and retries
the failed ones."""

_EPILOG = """\
examples:
  fastnet sweep examples/sweep.toml
  fastnet sweep examples/sweep.toml --limit 2000 --epochs 2 --plot sweep.png
  fastnet sweep --eta 0.5,1,3 --batch-size 10,30 --sizes 784,30,10 784,100,10 --epochs 5
  fastnet sweep --eta 0.1,0.3,1,3,10 --batch-size 10,20,50 --samples 8 --seed 1
  fastnet sweep sweep.toml --scheduler tcp://10.0.0.5:8786

without Dask (pip install fastnet[sweep]), --workers 0 runs the
configurations one after another in this process."""


def _cli_value(text):
    """A command-line value: int, float, true/false, none, else a string."""
    low = text.strip().lower()
    if low in ("none", "null"):
        return None
    if low in ("true", "false"):
        return low == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text.strip()


def _cli_list(text):
    return [_cli_value(t) for t in text.split(",") if t.strip()] or [_cli_value(text)]


# option -> (knob, help)
_KNOB_OPTIONS = {
    "--epochs": ("epochs", "epochs (default 30)"),
    "--batch-size": ("batch_size", "mini-batch sizes (default 10)"),
    "--eta": ("eta", "learning rates (default 3.0)"),
    "--lmbda": ("lmbda", "L2 regularisation"),
    "--mu": ("mu", "momentum (also --momentum, as in fastnet train)"),
    "--cost": ("cost", "quadratique, entropie_croisee, log_vraisemblance"),
    "--activation": ("activation", "sigmoide, tanh, relu"),
    "--init": ("init", "uniforme, gauss, gauss_normalise, xavier, he"),
    "--early-stop": ("early_stop", "DGS's arret_precoce"),
    "--eta-schedule": ("eta_schedule", "DGS's reduction_eta"),
    "--track-cost": ("track_cost", "true: record the training cost per epoch"),
    "--dtype": ("dtype", "float64 (default), float32"),
    "--seeds": ("seed", "seeds of the weights and shuffles (default 0)"),
    "--limit": ("limit", "first N training, validation and test images"),
}


def add_parser(sub):
    """Register ``fastnet sweep`` on the ``fastnet`` subparsers."""
    import argparse

    from .cli import count_int, layer_sizes, seed_int

    p = sub.add_parser("sweep", help="train many knob settings, on this machine "
                                     "or a Dask cluster, and rank them",
                       description=_HELP, epilog=_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("config", nargs="?", metavar="CONFIG",
                   help="sweep file (.toml or .json)")
    knobs = p.add_argument_group("knobs (comma-separated lists of values)")
    knobs.add_argument("--sizes", type=layer_sizes, nargs="+", metavar="N,N,...",
                       help="one or more architectures, e.g. 784,30,10 784,100,10")
    for option, (knob, text) in _KNOB_OPTIONS.items():
        names = (option, "--momentum") if knob == "mu" else (option,)
        knobs.add_argument(*names, type=_cli_list, metavar="V,V,...", dest=f"knob_{knob}",
                           help=text)
    run = p.add_argument_group("sweep")
    run.add_argument("--samples", type=_positive, default=None, metavar="N",
                     help="N random draws instead of the whole grid")
    run.add_argument("--seed", type=seed_int, default=None, metavar="N",
                     help="seed of the random draws (default 0)")
    run.add_argument("--workers", type=count_int, default=None, metavar="N",
                     help="local worker processes, one thread each (default 2; "
                          "0: one after another in this process, no Dask)")
    run.add_argument("--scheduler", metavar="tcp://HOST:PORT", default=None,
                     help="use this running Dask scheduler and its workers")
    run.add_argument("--results", metavar="FILE", default=None,
                     help="JSON-lines results file (default: <CONFIG stem>.results.jsonl "
                          "or sweep.results.jsonl, in the current folder)")
    run.add_argument("--data", metavar="PATH", default=None,
                     help="MNIST location on the workers (default: $FASTNET_DATA, "
                          "else the cache)")
    run.add_argument("--plot", metavar="FILE.png", default=None,
                     help="write a figure of the best curves (needs matplotlib)")
    run.add_argument("--dry-run", action="store_true",
                     help="list the configurations and exit")
    run.add_argument("--no-progress", action="store_true",
                     help="no progress bar (shown on stderr only when it is a terminal)")
    p.set_defaults(func=command, parser=p)
    return p


def _positive(text):
    from .cli import positive_int
    return positive_int(text)


def command(args):
    """``fastnet sweep``: returns the exit code (0 once every configuration
    has a record, failed or not; 130 when interrupted)."""
    from .cli import PROG, UsageError, _isatty

    knobs, settings = {}, {}
    if args.config is not None:
        if not os.path.isfile(args.config):
            raise UsageError(f"argument CONFIG: {args.config} is not a file")
        try:
            knobs, settings = load_spec(args.config)
        except SweepError as e:
            raise UsageError(str(e)) from None
    given = {knob: getattr(args, f"knob_{knob}") for knob, _ in _KNOB_OPTIONS.values()}
    given["sizes"] = args.sizes
    given = {k: v for k, v in given.items() if v is not None}
    if not knobs and not given:
        raise UsageError("nothing to sweep: give a sweep file or knobs such as "
                         "--eta 0.5,1,3 (see fastnet sweep --help)")
    for knob in given:  # the command line replaces the file's value
        knobs = {k: v for k, v in knobs.items() if ALIASES.get(k, k) != knob}
    knobs.update(given)
    opts = {name: getattr(args, name) for name in
            ("samples", "seed", "workers", "scheduler", "results", "data", "plot")}
    for name, value in settings.items():
        if opts.get(name) is None:
            opts[name] = value
    try:
        configs = configurations(knobs, samples=opts["samples"],
                                 seed=opts["seed"] if opts["seed"] is not None else 0)
    except SweepError as e:
        raise UsageError(str(e)) from None
    results = opts["results"] or (f"{Path(args.config).stem}.results.jsonl"
                                  if args.config else "sweep.results.jsonl")
    if args.dry_run:
        varying = _varying([{"config": c} for c in configs]) or list(configs[0])
        for c in configs:
            print(config_key(c), "  ".join(f"{k}={_show(c.get(k))}" for k in varying))
        print(f"{len(configs)} configurations", file=sys.stderr)
        return 0
    if opts["plot"] is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise UsageError("--plot needs matplotlib: pip install fastnet[plot]") from None
    workers = 2 if opts["workers"] is None else opts["workers"]

    keys = {config_key(c) for c in configs}
    earlier = {r["key"] for r in read_results(results)[0]
               if r.get("status") == "ok" and r["key"] in keys}
    where = (f"the cluster at {opts['scheduler']}" if opts["scheduler"]
             else "this process" if workers == 0 else f"{workers} local workers")
    print(f"{PROG} sweep: {len(configs)} configurations"
          + (f", {len(earlier)} already done in {results}" if earlier else "")
          + (f"; running {len(configs) - len(earlier)} on {where}"
             if len(earlier) < len(configs) else ""), file=sys.stderr)
    saved = [0]

    def count(_record):
        saved[0] += 1

    try:
        records = sweep(configs, results, workers=workers, scheduler=opts["scheduler"],
                        data=opts["data"], on_result=count,
                        progress=not args.no_progress and _isatty(sys.stderr))
    except KeyboardInterrupt:
        print(f"{PROG} sweep: interrupted; {saved[0]} more configuration(s) saved in "
              f"{results} ({saved[0] + len(earlier)} of {len(configs)}); run the same "
              f"command again to resume", file=sys.stderr)
        return 130
    print(ranking_table(records))
    n_ok = sum(r.get("status") == "ok" for r in records)
    print(f"{len(records)} configurations: {n_ok} ok, {len(records) - n_ok} failed "
          f"(ranked by validation accuracy; results in {results})")
    if opts["plot"] is not None and n_ok:
        plot_curves(records, opts["plot"])
        print(f"figure: {opts['plot']}")
    return 0
