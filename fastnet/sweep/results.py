"""The results file: JSON lines, one per configuration, appended as each
finishes (a crash loses nothing already done), and the ranking of records.

A file given as a results file is read before any configuration runs and
refused, untouched, unless every line is a record a sweep wrote: only a last
line cut short by a crash (no newline at its end) may be dropped."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from .._typing import PathLike
from .spec import SweepError

STATUSES = ("ok", "failed")
_NOT_RESULTS = "not a sweep's results file, left untouched; give another results file"


def _check_record(rec, path, number):
    """A record as a sweep writes it, else SweepError naming the line and field."""
    where = f"{path}: line {number}"
    if not isinstance(rec, dict):
        raise SweepError(
            f"{where}: expected a JSON object, got {type(rec).__name__} ({_NOT_RESULTS})"
        )
    key = rec.get("key")
    if not isinstance(key, str) or not key:
        raise SweepError(f"{where}: field 'key': expected a string ({_NOT_RESULTS})")
    if rec.get("status") not in STATUSES:
        raise SweepError(
            f"{where}: field 'status': expected 'ok' or 'failed', got {rec.get('status')!r} "
            f"({_NOT_RESULTS})"
        )
    if not isinstance(rec.get("config"), dict):
        raise SweepError(f"{where}: field 'config': expected an object of knobs ({_NOT_RESULTS})")
    for field in ("val_accuracy", "test_accuracy", "best_val_accuracy", "seconds"):
        v = rec.get(field)
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
            raise SweepError(f"{where}: field {field!r}: expected a number or null, got {v!r}")
    if rec.get("history") is not None and not isinstance(rec["history"], dict):
        raise SweepError(f"{where}: field 'history': expected an object or null")


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")  # bare NaN/Infinity: not written by a sweep


def read_results(path: PathLike) -> tuple[list[dict[str, Any]], int]:
    """Read a results file.

    Parameters
    ----------
    path : str or path
        A JSON-lines results file; a missing file is empty.

    Returns
    -------
    records : list of dict
        Its records, in file order.
    bad_lines : int
        1 when the last line was cut short by a crash (it is skipped), else 0.

    Raises
    ------
    SweepError
        The file is not a sweep's results file: a line that is not a record
        (other than a cut-short last line), not UTF-8, or a folder. The
        message names the file and the line.

    Examples
    --------
    >>> read_results("/nonexistent/results.jsonl")
    ([], 0)
    """
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return [], 0
    except IsADirectoryError:
        raise SweepError(f"{path}: is a folder, not a results file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SweepError(f"{path}: not UTF-8 text (byte {e.start}): {_NOT_RESULTS}") from None
    rows = text.split("\n")
    cut = rows[-1] != ""  # no newline at the end: the last write may be cut short
    records: list[dict[str, Any]] = []
    bad = 0
    for number, line in enumerate(rows, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line, parse_constant=_no_constant)
        except (ValueError, RecursionError) as e:
            last = number == len(rows)
            # a sweep's own line cut short: it starts as every record does
            if last and cut and (records or line.startswith('{"key": "')):
                bad += 1
                continue
            msg = e.msg if isinstance(e, json.JSONDecodeError) else str(e)[:80]
            raise SweepError(
                f"{path}: line {number}: not a JSON record ({msg}): {_NOT_RESULTS}"
            ) from None
        _check_record(rec, path, number)
        records.append(rec)
    return records, bad


def check_results_file(path, spec_file=None):
    """Refuse, before any work, a results file that cannot be used.

    Parameters
    ----------
    path : str or path
        The results file.
    spec_file : str or path, optional
        The sweep file: the results may not overwrite it.

    Returns
    -------
    list of dict
        The file's records.

    Raises
    ------
    SweepError
        It is the sweep file, a folder, not a results file, or its folder
        cannot be written.
    """
    path = Path(path)
    if spec_file is not None and (
        Path(spec_file).resolve() == path.resolve()
        or (path.exists() and os.path.samefile(spec_file, path))
    ):
        raise SweepError(f"results file {path} is the sweep file itself; give another results file")
    records, _ = read_results(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        parent = next((p for p in folder.parents if p.exists()), Path("."))
        if not os.access(parent, os.W_OK | os.X_OK):
            raise SweepError(f"results file {path}: cannot create folder {folder}")
        return records
    _check_writable(path, folder)
    return records


def _check_writable(path, folder):
    """Open the file for appending (writing nothing), or make and remove a
    scratch file beside it: what the sweep will do, tried before it runs."""
    try:
        if path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
        else:
            probe = folder / f".{path.name}.fastnet-check"
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            os.unlink(probe)
    except OSError as e:
        raise SweepError(f"results file {path}: cannot be written ({e.strerror or e})") from None


def _prepare_results(path, keys):
    """Keep one line per configuration: the first ``ok`` record of a key,
    and, for configurations outside this sweep that never succeeded, their
    last ``failed`` record; this sweep's failures go (they run again).
    Rewrites the file (atomically) only when something is dropped.
    Returns the ``ok`` records by key."""
    records, bad = read_results(path)  # SweepError: not a results file
    done: dict[str, dict[str, Any]]
    last_failed: dict[str, dict[str, Any]]
    done, last_failed = {}, {}
    for rec in records:
        if rec.get("status") == "ok":
            done.setdefault(rec["key"], rec)
    for rec in records:
        key = rec["key"]
        if key not in done and key not in keys:
            last_failed[key] = rec
    kept = [r for r in records if done.get(r["key"]) is r or last_failed.get(r["key"]) is r]
    if bad or len(kept) != len(records):
        _rewrite(path, kept)
    return done


def _rewrite(path, records):
    """Replace the file's lines atomically: through a link, the file it
    points to; its mode kept; no scratch file left behind, even on Ctrl-C."""
    target = Path(os.path.realpath(path))
    mode = stat.S_IMODE(target.stat().st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for rec in records:
                f.write(json.dumps(rec, allow_nan=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def _append(path, record):
    """One line, one ``write`` on an O_APPEND descriptor, synced: a crash
    leaves whole lines (at worst a last line cut short, skipped on read)."""
    data = (json.dumps(record, allow_nan=False) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        while data:
            data = data[os.write(fd, data) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def rank(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records best first.

    Parameters
    ----------
    records : list of dict

    Returns
    -------
    list of dict
        ``ok`` records by validation accuracy (ties: by key), then the
        failed ones. Test accuracy plays no part.

    Examples
    --------
    >>> [r["key"] for r in rank([{"key": "a", "status": "ok", "val_accuracy": 0.5},
    ...                          {"key": "b", "status": "ok", "val_accuracy": 0.9}])]
    ['b', 'a']
    """

    def order(r):
        val = r.get("val_accuracy")
        ok = r.get("status") == "ok" and val is not None
        return (not ok, -(val or 0.0), r["key"])

    return sorted(records, key=order)
