"""Describing a sweep: its knobs (read from the registry, :mod:`fastnet._knobs`),
the sweep file, the configurations of a grid or of random draws, and their
stable keys."""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .._knobs import KNOBS as _REGISTRY
from .._typing import PathLike

# knob -> (where it goes, the API's keyword). "net": Reseau(...),
# "dgs": DGS(...), "run": used by the task itself.
KNOBS = {k.name: (k.where, k.api) for k in _REGISTRY}
_DEFAULT = {k.name: k.default for k in _REGISTRY}
# the API's own (French) names are accepted too
ALIASES = {api: knob for knob, (_, api) in KNOBS.items() if api}
ALIASES.update(
    {
        "batch-size": "batch_size",
        "early-stop": "early_stop",
        "eta-schedule": "eta_schedule",
        "track-cost": "track_cost",
        "momentum": "mu",
    }
)
# filled into every configuration (the course's main.py run, seed 0, all
# the data); knobs not listed here are passed only when given. The registry's
# sizes are a tuple: a configuration holds a list, as JSON gives back
DEFAULTS: dict[str, object] = {
    name: list(value) if isinstance(value := _DEFAULT[name], tuple) else value
    for name in ("sizes", "epochs", "batch_size", "eta", "seed", "limit", "dtype")
}
_FLOAT_KNOBS = ("eta", "lmbda", "mu")
_RANGES = ("uniform", "log_uniform", "int")
SETTINGS = ("samples", "seed", "results", "workers", "scheduler", "data", "plot", "timeout")


class SweepError(ValueError):
    """A sweep description that cannot be run (unknown knob, bad range...).

    A ``ValueError`` whose message says what is wrong, naming the knob or
    setting.

    Examples
    --------
    >>> configurations({"nope": 1})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fastnet.sweep.spec.SweepError: unknown knob 'nope'; known knobs: sizes, dtype, ...
    """


# -- describing a sweep ------------------------------------------------------


def load_spec(path: PathLike) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read a sweep file (``.toml`` or ``.json``).

    Parameters
    ----------
    path : str or path
        The sweep file.

    Returns
    -------
    knobs : dict
        The ``[knobs]`` table: knob -> value, list of values or range.
    settings : dict
        The ``[sweep]`` table (``samples``, ``seed``, ``results``,
        ``workers``, ``scheduler``, ``data``, ``plot``); ``results`` made
        relative to the file's folder.

    Raises
    ------
    SweepError
        Not valid TOML/JSON, or unknown tables or settings.
    OSError
        The file cannot be read.

    Examples
    --------
    >>> knobs, settings = load_spec("examples/sweep.toml")  # doctest: +SKIP
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise SweepError(
            f"{path}: not UTF-8 text (byte {e.start}); save the sweep file as UTF-8"
        ) from None
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError) as e:  # also: too deep, too many digits
            raise SweepError(f"{path}: not valid JSON: {_short(e)}") from None
    else:
        try:
            import tomllib
        except ImportError:  # Python 3.10: the same parser, from PyPI
            try:
                import tomli as tomllib
            except ImportError:
                raise SweepError(
                    f"{path}: reading TOML on Python 3.10 needs tomli "
                    f"(pip install fastnet[sweep]); or write the sweep "
                    f"as JSON"
                ) from None
        try:
            doc = tomllib.loads(text)
        except (ValueError, RecursionError) as e:  # TOMLDecodeError is a ValueError
            raise SweepError(f"{path}: not valid TOML: {_short(e)}") from None
    if not isinstance(doc, dict):
        raise SweepError(f"{path}: expected tables [sweep] and [knobs]")
    extra = set(doc) - {"sweep", "knobs"}
    if extra:
        raise SweepError(
            f"{path}: unknown table(s) {sorted(extra)}; expected "
            f"[knobs] (the values to try) and [sweep] (settings)"
        )
    knobs, settings = doc.get("knobs", {}), doc.get("sweep", {})
    if not isinstance(knobs, dict) or not isinstance(settings, dict):
        raise SweepError(f"{path}: [knobs] and [sweep] must be tables")
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise SweepError(
            f"{path}: unknown [sweep] setting(s) {sorted(unknown)}; known: {', '.join(SETTINGS)}"
        )
    for name, value in settings.items():
        _check_setting(name, value, path)
    for name, value in knobs.items():
        _check_json_value(value, f"{path}: [knobs] {name}")
    if settings.get("results") is not None:  # relative to the file's folder
        settings["results"] = str(path.parent / settings["results"])
    return knobs, settings


def _short(exc):
    """An exception's text on one short line (a recursion error's is long)."""
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return " ".join(str(exc).split())[:200]


# [sweep] setting -> the types it takes
_SETTING_TYPES = {
    "samples": (int,),
    "seed": (int,),
    "workers": (int,),
    "timeout": (int, float),
    "results": (str,),
    "scheduler": (str,),
    "data": (str,),
    "plot": (str,),
}


def _check_setting(name, value, where):
    types = _SETTING_TYPES[name]
    if isinstance(value, bool) or not isinstance(value, types):
        wanted = "a number" if float in types else "an int" if int in types else "a string"
        raise SweepError(
            f"{where}: [sweep] {name}: expected {wanted}, got {type(value).__name__} {value!r}"
        )


def _check_json_value(value, where):
    """Knob values are what JSON holds (a TOML date is not) and finite
    numbers (a NaN cannot be a configuration's key nor a JSON value)."""
    if isinstance(value, dict):
        for k, v in value.items():
            _check_json_value(v, f"{where}.{k}")
    elif isinstance(value, (list, tuple)):
        for v in value:
            _check_json_value(v, where)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise SweepError(f"{where}: {value} is not a value a knob can take (not finite)")
    elif value is not None and not isinstance(value, (str, int)):
        raise SweepError(
            f"{where}: expected a number, a string, true/false or a list of them, "
            f"got {type(value).__name__} {value!r}"
        )


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
            raise SweepError(
                f"{knob}: a range is one of {{uniform = [a, b]}}, "
                f"{{log_uniform = [a, b]}}, {{int = [a, b]}}; got {value!r}"
            )
        lo_hi = value[kind[0]]
        if (
            not isinstance(lo_hi, (list, tuple))
            or len(lo_hi) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in lo_hi)
            or lo_hi[0] > lo_hi[1]
        ):
            raise SweepError(f"{knob}: {kind[0]} needs [low, high] with low <= high, got {lo_hi!r}")
        if kind[0] == "log_uniform" and lo_hi[0] <= 0:
            raise SweepError(f"{knob}: log_uniform needs low > 0, got {lo_hi!r}")
        return {kind[0]: list(lo_hi)}
    # sizes is itself a list: [784, 30, 10] is one value, a list of lists many
    many = isinstance(value, (list, tuple)) and (
        knob != "sizes" or any(isinstance(v, (list, tuple)) for v in value)
    )
    values = [_normal(knob, v) for v in value] if many else [_normal(knob, value)]
    if not values:
        raise SweepError(f"{knob}: empty list of values")
    return values


def _draw(rng, values):
    if isinstance(values, list):
        return values[rng.randrange(len(values))]
    ((kind, (lo, hi)),) = values.items()
    if kind == "int":
        return rng.randint(math.ceil(lo), math.floor(hi))
    x = (
        rng.uniform(lo, hi)
        if kind == "uniform"
        else math.exp(rng.uniform(math.log(lo), math.log(hi)))
    )
    return float(f"{x:.4g}")  # 4 significant digits: readable, stable keys


def configurations(
    knobs: dict[str, Any], samples: int | None = None, seed: int = 0
) -> list[dict[str, Any]]:
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

    Raises
    ------
    SweepError
        An unknown knob, a knob given twice, a bad range or ``samples``.

    Examples
    --------
    >>> [c["eta"] for c in configurations({"eta": [1, 3]})]
    [1.0, 3.0]
    >>> len(configurations({"eta": {"log_uniform": [0.1, 10]}}, samples=4))
    4
    """
    if not isinstance(knobs, dict):
        raise SweepError(f"knobs: expected a dict, got {type(knobs).__name__}")
    table = {}
    for name, value in knobs.items():
        knob = _knob_name(name)
        if knob in table:
            raise SweepError(f"knob {knob!r} given twice (as {name!r})")
        _check_json_value(value, knob)
        table[knob] = _values(knob, value)
    names = sorted(table)
    if samples is None:
        ranged = [k for k in names if isinstance(table[k], dict)]
        if ranged:
            raise SweepError(f"{', '.join(ranged)}: a range needs samples = N (random draws)")
        combos: Iterable[Sequence[Any]] = itertools.product(*(table[k] for k in names))
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


def config_key(config: dict[str, Any]) -> str:
    """A stable 12-hex-digit key: a hash of the configuration's knobs.

    Parameters
    ----------
    config : dict
        A configuration (JSON-able values).

    Returns
    -------
    str

    Examples
    --------
    >>> config_key({"eta": 3.0}) == config_key({"eta": 3.0})
    True
    """
    text = json.dumps(config, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]
