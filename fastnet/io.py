"""Saving and loading networks as JSON: no pickle, so loading a file runs no
code, and the file can be read by any language.

``sauvegarder(reseau, fichier)`` (also ``Reseau.sauvegarder(fichier)``)
writes one JSON object, format version 1::

    {"format": "fastnet", "version": 1, "classe": "Reseau",
     "tailles": [784, 30, 10], "dtype": "float64",
     "cout": "quadratique", "activation": "sigmoide", "init": "uniforme",
     "parallel": false,
     "biais": [...],   # biais[l] as nested lists, shape (tailles[l+1], 1)
     "poids": [...]}   # poids[l] as nested lists, shape (tailles[l], tailles[l+1])

``classe`` is ``Reseau`` or ``Network`` (Nielsen's chapter 1 network, whose
``weights[l]`` is the transpose of the ``poids[l]`` stored; it has no
``cout``/``activation``/``init``). Numbers are written as Python writes
floats, which read back to the same float64, bit for bit (float32 values
are exact too). The file is written to a temporary file, then renamed: a
failed save leaves no half-written file.

``charger(fichier)`` reads it back (drawing no random numbers) and checks
everything: a file that is not JSON, not this format, from a newer version,
with a missing key, a bad knob, or a matrix of the wrong shape or with NaN
raises ``ValueError`` naming the file and what is wrong. It also reads the
files of Nielsen's ``network2.save`` (see :mod:`fastnet.network2`).
"""
import json
import os
import tempfile

import numpy as np

FORMAT, VERSION = "fastnet", 1
NETWORK2_KEYS = ("sizes", "weights", "biases", "cost")

__all__ = ["sauvegarder", "charger"]


def sauvegarder(reseau, fichier):
    """Write ``reseau`` (a :class:`fastnet.Reseau` or :class:`fastnet.Network`;
    a :class:`fastnet.network2.Network` is written in network2's own format)
    to the path ``fichier``."""
    from .network import Network
    from .network2 import Network as Network2
    from .reseau import Reseau
    if isinstance(reseau, Network2):
        reseau.save(fichier)
        return
    if isinstance(reseau, Reseau):
        classe = "Reseau"
        knobs = {"cout": reseau.cout, "activation": reseau.activation, "init": reseau.init}
    elif isinstance(reseau, Network):
        classe, knobs = "Network", {}
    else:
        raise TypeError(f"reseau: expected a Reseau or a Network, got {type(reseau).__name__}")
    reseau._sync()  # take in replaced list items; refuses NaN
    eng = reseau._engine
    doc = {"format": FORMAT, "version": VERSION, "classe": classe,
           "tailles": [int(s) for s in eng.layout.sizes], "dtype": np.dtype(eng.dtype).name,
           **knobs, "parallel": bool(reseau.parallel),
           "biais": [b.tolist() for b in eng.layout.bias_views(eng.params)],
           "poids": [w.tolist() for w in eng.layout.weight_views(eng.params)]}
    write_json(doc, fichier)


def write_json(doc, fichier):
    """``doc`` as JSON in ``fichier``, through a temporary file in the same
    folder renamed into place (atomic: all or nothing)."""
    path = os.fspath(fichier)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".fastnet-", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(doc, f, allow_nan=False)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def read_json(fichier):
    """The JSON object in ``fichier``; ValueError naming the file if it is
    not JSON (OSError as usual when it cannot be read)."""
    with open(fichier, encoding="utf-8") as f:
        try:
            return json.load(f)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ValueError(f"{fichier}: not a saved network (not JSON: {e})") from None


def matrices(values, shapes, name, fichier):
    """``values`` (nested lists) as float64 arrays of the given shapes."""
    if not isinstance(values, list) or len(values) != len(shapes):
        raise ValueError(f"{fichier}: {name}: expected a list of {len(shapes)} matrices")
    out = []
    for l, (v, shape) in enumerate(zip(values, shapes)):
        try:
            a = np.array(v, dtype=np.float64)
        except (ValueError, TypeError):
            raise ValueError(f"{fichier}: {name}[{l}]: not a rectangular array of "
                             f"numbers") from None
        if a.shape != shape:
            raise ValueError(f"{fichier}: {name}[{l}]: expected shape {shape}, got {a.shape}")
        if not np.isfinite(a).all():
            raise ValueError(f"{fichier}: {name}[{l}]: contains NaN or inf")
        out.append(a)
    return out


def checked_sizes(sizes, name, fichier):
    from .reseau import check_sizes
    try:
        return check_sizes(sizes, name)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{fichier}: {e}") from None


def _get(doc, key, fichier):
    if key not in doc:
        raise ValueError(f"{fichier}: missing key {key!r}")
    return doc[key]


def charger(fichier):
    """The network saved in ``fichier`` by :func:`sauvegarder` (a
    :class:`fastnet.Reseau` or :class:`fastnet.Network`), or by
    ``network2``'s ``save`` (a :class:`fastnet.network2.Network`)."""
    from .network import Network
    from .reseau import ACTIVATIONS, COUTS, INITS, Reseau, check_choice
    doc = read_json(fichier)
    if not isinstance(doc, dict):
        raise ValueError(f"{fichier}: not a saved network (expected a JSON object)")
    if "format" not in doc and all(k in doc for k in NETWORK2_KEYS):
        from .network2 import from_document
        return from_document(doc, fichier)
    if doc.get("format") != FORMAT:
        raise ValueError(f"{fichier}: not a fastnet network file (no \"format\": \"fastnet\")")
    version = _get(doc, "version", fichier)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"{fichier}: bad format version {version!r}")
    if version > VERSION:
        raise ValueError(f"{fichier}: written by a newer fastnet (format version {version}; "
                         f"this one reads version {VERSION})")
    classe = _get(doc, "classe", fichier)
    if classe not in ("Reseau", "Network"):
        raise ValueError(f"{fichier}: classe: expected 'Reseau' or 'Network', got {classe!r}")
    tailles = checked_sizes(_get(doc, "tailles", fichier), "tailles", fichier)
    dtype = _get(doc, "dtype", fichier)
    if dtype not in ("float64", "float32"):
        raise ValueError(f"{fichier}: dtype: expected 'float64' or 'float32', got {dtype!r}")
    parallel = _get(doc, "parallel", fichier)
    if not isinstance(parallel, bool):
        raise ValueError(f"{fichier}: parallel: expected true or false, got {parallel!r}")
    layers = list(zip(tailles[:-1], tailles[1:]))
    biais = matrices(_get(doc, "biais", fichier), [(n, 1) for _, n in layers], "biais", fichier)
    poids = matrices(_get(doc, "poids", fichier), layers, "poids", fichier)
    if classe == "Network":
        return Network._with_params(tailles, biais, poids, np.dtype(dtype).type, parallel)
    knobs = {}
    for key, allowed in (("cout", tuple(COUTS)), ("activation", tuple(ACTIVATIONS)),
                         ("init", INITS)):
        value = _get(doc, key, fichier)
        try:
            knobs[key] = check_choice(value, key, allowed)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{fichier}: {e}") from None
    return Reseau._with_params(tailles, biais, poids, np.dtype(dtype).type, parallel, **knobs)
