"""Network files as JSON, below the facades: writing atomically, reading
with errors that name the file, and the parts of the format every facade
shares (see :mod:`fastnet.io` for the format itself)."""

import json
import os
import tempfile

import numpy as np

from ._validation import check_choice, check_sizes

FORMAT, VERSION = "fastnet", 1
NETWORK2_KEYS = ("sizes", "weights", "biases", "cost")
CLASSES = ("Reseau", "Network")


def write_json(doc, fichier):
    """Write ``doc`` as JSON to ``fichier``, atomically.

    Parameters
    ----------
    doc : dict
        A JSON-able object (no NaN).
    fichier : str or path
        Where to write it; a temporary file in the same folder is renamed
        into place, so a failed write leaves no half-written file.

    Raises
    ------
    OSError
        The folder cannot be written.
    ValueError
        ``doc`` holds NaN or inf.

    Examples
    --------
    >>> write_json({"a": 1}, "/tmp/fastnet-doctest.json")
    """
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
    """The JSON object in ``fichier``.

    Parameters
    ----------
    fichier : str or path

    Returns
    -------
    object

    Raises
    ------
    ValueError
        Not JSON (the message names the file).
    OSError
        The file cannot be read.

    Examples
    --------
    >>> write_json({"a": 1}, "/tmp/fastnet-doctest.json")
    >>> read_json("/tmp/fastnet-doctest.json")
    {'a': 1}
    """
    with open(fichier, encoding="utf-8") as f:
        try:
            return json.load(f)
        except RecursionError:
            raise ValueError(f"{fichier}: not a saved network (JSON nested too deeply)") from None
        except ValueError as e:  # not JSON, not UTF-8, a number with too many digits
            msg = " ".join(str(e).split())[:200]
            raise ValueError(f"{fichier}: not a saved network (not JSON: {msg})") from None


def matrices(values, shapes, name, fichier):
    """Nested lists as float64 arrays of the given shapes.

    Parameters
    ----------
    values : list
        One nested list per matrix.
    shapes : list of tuple
        The shape each must have.
    name : str
        The key they were read from, for the messages.
    fichier : str or path
        The file they were read from, for the messages.

    Returns
    -------
    list of numpy.ndarray

    Raises
    ------
    ValueError
        Not a list of that many rectangular matrices of finite numbers of
        those shapes.

    Examples
    --------
    >>> matrices([[[1.0], [2.0]]], [(2, 1)], "biais", "f.json")[0].shape
    (2, 1)
    """
    if not isinstance(values, list) or len(values) != len(shapes):
        raise ValueError(f"{fichier}: {name}: expected a list of {len(shapes)} matrices")
    out = []
    for l, (v, shape) in enumerate(zip(values, shapes)):
        try:
            a = np.array(v, dtype=np.float64)
        except (ValueError, TypeError):
            raise ValueError(
                f"{fichier}: {name}[{l}]: not a rectangular array of numbers"
            ) from None
        if a.shape != shape:
            raise ValueError(f"{fichier}: {name}[{l}]: expected shape {shape}, got {a.shape}")
        if not np.isfinite(a).all():
            raise ValueError(f"{fichier}: {name}[{l}]: contains NaN or inf")
        out.append(a)
    return out


def checked_sizes(sizes, name, fichier):
    """Layer sizes read from ``fichier``, checked.

    Parameters
    ----------
    sizes : object
        What the file holds.
    name : str
        The key, for the messages.
    fichier : str or path
        The file, for the messages.

    Returns
    -------
    list of int

    Raises
    ------
    ValueError
        Not layer sizes (the message names the file).

    Examples
    --------
    >>> checked_sizes([2, 1], "tailles", "f.json")
    [2, 1]
    """
    try:
        return check_sizes(sizes, name)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{fichier}: {e}") from None


def get(doc, key, fichier):
    """``doc[key]``.

    Parameters
    ----------
    doc : dict
    key : str
    fichier : str or path
        The file, for the message.

    Returns
    -------
    object

    Raises
    ------
    ValueError
        ``key`` is missing (the message names the file).

    Examples
    --------
    >>> get({"a": 1}, "a", "f.json")
    1
    """
    if key not in doc:
        raise ValueError(f"{fichier}: missing key {key!r}")
    return doc[key]


def checked_choice(doc, key, choices, fichier):
    """``doc[key]``, one of ``choices``.

    Parameters
    ----------
    doc : dict
    key : str
    choices : sequence of str
    fichier : str or path
        The file, for the message.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        Missing, or not one of ``choices`` (the message names the file).

    Examples
    --------
    >>> checked_choice({"init": "he"}, "init", ("he", "xavier"), "f.json")
    'he'
    """
    value = get(doc, key, fichier)
    try:
        return check_choice(value, key, choices)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{fichier}: {e}") from None


def header(classe):
    """The first keys of a fastnet file.

    Parameters
    ----------
    classe : {"Reseau", "Network"}

    Returns
    -------
    dict

    Examples
    --------
    >>> header("Reseau")
    {'format': 'fastnet', 'version': 1, 'classe': 'Reseau'}
    """
    return {"format": FORMAT, "version": VERSION, "classe": classe}


def read_header(doc, fichier):
    """Check a fastnet file's format and version.

    Parameters
    ----------
    doc : dict
        The file's JSON object.
    fichier : str or path
        The file, for the messages.

    Returns
    -------
    str
        Its ``classe``.

    Raises
    ------
    ValueError
        Not a fastnet file, a bad or newer version, or an unknown class.

    Examples
    --------
    >>> read_header(header("Network"), "f.json")
    'Network'
    """
    if doc.get("format") != FORMAT:
        raise ValueError(f'{fichier}: not a fastnet network file (no "format": "fastnet")')
    version = get(doc, "version", fichier)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"{fichier}: bad format version {version!r}")
    if version > VERSION:
        raise ValueError(
            f"{fichier}: written by a newer fastnet (format version {version}; "
            f"this one reads version {VERSION})"
        )
    classe = get(doc, "classe", fichier)
    if classe not in CLASSES:
        raise ValueError(f"{fichier}: classe: expected 'Reseau' or 'Network', got {classe!r}")
    return classe


def read_params(doc, fichier):
    """The parameters of a fastnet file, checked.

    Parameters
    ----------
    doc : dict
        The file's JSON object.
    fichier : str or path
        The file, for the messages.

    Returns
    -------
    tuple
        ``(tailles, dtype, parallel, biais, poids)``: weights as ``(n_in,
        n_out)`` blocks, ``dtype`` a numpy type.

    Raises
    ------
    ValueError
        A missing key, bad sizes, dtype or flag, or a bad matrix.

    Examples
    --------
    >>> doc = {"tailles": [1, 1], "dtype": "float64", "parallel": False,
    ...        "biais": [[[0.0]]], "poids": [[[1.0]]]}
    >>> read_params(doc, "f.json")[0]
    [1, 1]
    """
    tailles = checked_sizes(get(doc, "tailles", fichier), "tailles", fichier)
    dtype = get(doc, "dtype", fichier)
    if dtype not in ("float64", "float32"):
        raise ValueError(f"{fichier}: dtype: expected 'float64' or 'float32', got {dtype!r}")
    parallel = get(doc, "parallel", fichier)
    if not isinstance(parallel, bool):
        raise ValueError(f"{fichier}: parallel: expected true or false, got {parallel!r}")
    layers = list(zip(tailles[:-1], tailles[1:]))
    biais = matrices(get(doc, "biais", fichier), [(n, 1) for _, n in layers], "biais", fichier)
    poids = matrices(get(doc, "poids", fichier), layers, "poids", fichier)
    return tailles, np.dtype(dtype).type, parallel, biais, poids
