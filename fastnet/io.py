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

from __future__ import annotations

from ._jsonfile import NETWORK2_KEYS, read_header, read_json, write_json
from ._typing import PathLike
from ._validation import check_path
from .network import Network
from .network2 import Network as Network2
from .network2 import from_document as network2_document
from .reseau import Reseau

__all__ = ["sauvegarder", "charger"]


def sauvegarder(reseau: Reseau | Network, fichier: PathLike) -> None:
    """Write a network to a JSON file.

    Parameters
    ----------
    reseau : fastnet.Reseau, fastnet.Network or fastnet.network2.Network
        The network; a ``network2.Network`` is written in network2's own
        format.
    fichier : str or path
        Where to write it (atomically: a failed save leaves no file).

    Raises
    ------
    TypeError
        ``reseau`` is not a fastnet network.
    ValueError
        Its weights hold NaN or inf.
    OSError
        The file cannot be written.

    Examples
    --------
    >>> import fastnet
    >>> fastnet.sauvegarder(fastnet.Reseau([2, 3, 1]), "/tmp/reseau.json")
    """
    check_path(fichier, "fichier")
    if isinstance(reseau, Network2):
        reseau.save(fichier)
        return
    if not isinstance(reseau, (Reseau, Network)):
        raise TypeError(f"reseau: expected a Reseau or a Network, got {type(reseau).__name__}")
    write_json(reseau._to_document(), fichier)


def charger(fichier: PathLike) -> Reseau | Network:
    """Read back a network saved by :func:`sauvegarder` or ``network2.save``.

    Parameters
    ----------
    fichier : str or path
        The file.

    Returns
    -------
    fastnet.Reseau, fastnet.Network or fastnet.network2.Network
        As saved; no random number is drawn.

    Raises
    ------
    ValueError
        Not a network file, a newer format, a missing key, a bad knob, or a
        matrix of the wrong shape or with NaN (the message names the file).
    OSError
        The file cannot be read.

    Examples
    --------
    >>> import fastnet
    >>> fastnet.sauvegarder(fastnet.Reseau([2, 3, 1]), "/tmp/reseau.json")
    >>> fastnet.charger("/tmp/reseau.json")
    Reseau([2, 3, 1], dtype=float64)
    """
    doc = read_json(check_path(fichier, "fichier"))
    if not isinstance(doc, dict):
        raise ValueError(f"{fichier}: not a saved network (expected a JSON object)")
    if "format" not in doc and all(k in doc for k in NETWORK2_KEYS):
        return network2_document(doc, fichier)
    classe = read_header(doc, fichier)
    classes: dict[str, type[Reseau] | type[Network]] = {"Reseau": Reseau, "Network": Network}
    return classes[classe]._from_document(doc, fichier)
