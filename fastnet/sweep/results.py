"""The results file: JSON lines, one per configuration, appended as each
finishes (a crash loses nothing already done), and the ranking of records."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .._typing import PathLike


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
        How many lines could not be read (a line cut short by a crash).

    Examples
    --------
    >>> read_results("/nonexistent/results.jsonl")
    ([], 0)
    """
    records: list[dict[str, Any]]
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
