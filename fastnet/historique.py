"""``Historique``: what ``DGS`` and ``SGD`` return, a dict of per-epoch lists
that shows itself in one line at the prompt and as a small table in Jupyter.

It is a ``dict`` (``h["precision"]``, ``dict(h)``, ``json.dumps(h)`` and
``h == {...}`` work as before); only its display and ``courbes()`` are new.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from . import plots
from ._lazy import html
from ._typing import PathLike

if TYPE_CHECKING:  # matplotlib is optional: imported on use
    from matplotlib.figure import Figure

__all__ = ["Historique"]

# the columns of the HTML table: (key, heading, format)
_COLONNES = (
    ("precision", "précision", "pourcent"),
    ("precision_test", "test", "pourcent"),
    ("precision_validation", "validation", "pourcent"),
    ("cout", "coût", "{:.4g}"),
    ("eta", "eta", "{:g}"),
    ("secondes", "s", "{:.3g}"),
)
# rows kept at each end of the HTML table of a long history
_BOUTS = 5


def _nombres(valeurs: object) -> list[float | None] | None:
    """The list as floats, or None when it holds no number at all."""
    if not isinstance(valeurs, (list, tuple)):
        return None
    out = [None if v is None else float(v) for v in valeurs]
    return out if any(v is not None and not math.isnan(v) for v in out) else None


def _pourcent(p: float) -> str:
    return f"{100 * p:.2f} %"


class Historique(dict[str, list[Any]]):
    """Per-epoch history of a training run, as returned by ``Reseau.DGS``.

    A ``dict`` of lists, one value per epoch: ``epoque``, ``precision`` (the
    fraction right on the validation data if given, else on the test data,
    else None), ``precision_test``, ``precision_validation``, ``cout`` (the
    training cost, with ``suivre_cout=True``), ``secondes`` and ``eta``.

    At the prompt it reads as one line::

        Historique(30 époques, précision finale 95.17 %, meilleure 95.22 % à l'époque 27)

    in Jupyter as a compact table, and :meth:`courbes` draws it.

    Examples
    --------
    >>> h = Historique(epoque=[0, 1], precision=[0.9, 0.95])
    >>> h
    Historique(2 époques, précision finale 95.00 %, meilleure 95.00 % à l'époque 1)
    >>> h["precision"][-1], dict(h) == {"epoque": [0, 1], "precision": [0.9, 0.95]}
    (0.95, True)
    """

    __slots__ = ()

    def _epoques(self) -> list[Any]:
        epoques = self.get("epoque")
        return list(epoques) if isinstance(epoques, (list, tuple)) else []

    def _resume(self) -> list[str]:
        """The parts of the one-line summary."""
        epoques = self._epoques()
        n = len(epoques)
        parts = [f"{n} époque{'s' if n > 1 else ''}"]
        if n == 0:
            return parts
        precision = _nombres(self.get("precision"))
        if precision is not None and len(precision) == n:
            sur = " (validation)" if _nombres(self.get("precision_validation")) else ""
            valides = [
                (p, i) for i, p in enumerate(precision) if p is not None and not math.isnan(p)
            ]
            best, i_best = max(valides, key=lambda t: (t[0], -t[1]))
            final = precision[-1]
            parts.append("précision finale " + ("?" if final is None else _pourcent(final)) + sur)
            parts.append(f"meilleure {_pourcent(best)} à l'époque {epoques[i_best]}")
        else:
            parts.append("sans données de test")
        cout = _nombres(self.get("cout"))
        if cout is not None and cout[-1] is not None:
            parts.append(f"coût final {cout[-1]:.4g}")
        return parts

    def __repr__(self) -> str:
        return f"Historique({', '.join(self._resume())})"

    __str__ = __repr__

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        """IPython's plain-text display: the same one line."""
        p.text(repr(self))

    def _repr_html_(self) -> str:
        """Jupyter's display: the summary and a compact table (a long
        history shows its first and last epochs)."""
        epoques = self._epoques()
        n = len(epoques)
        colonnes = []
        for cle, titre, forme in _COLONNES:
            valeurs = _nombres(self.get(cle))
            if valeurs is not None and len(valeurs) == n:
                colonnes.append((titre, forme, valeurs))
        if not any(titre == "validation" for titre, _, _ in colonnes):
            # without validation data, "test" repeats "précision"
            colonnes = [c for c in colonnes if c[0] != "test"]

        def cellule(forme: str, v: float | None) -> str:
            if v is None or math.isnan(v):
                return "—"
            return _pourcent(v) if forme == "pourcent" else forme.format(v)

        lignes: list[int | None] = list(range(n))
        if n > 2 * _BOUTS + 1:
            lignes = lignes[:_BOUTS] + [None] + lignes[-_BOUTS:]
        style = ' style="text-align:right;padding:1px 8px"'
        tete = "".join(
            f"<th{style}>{html.escape(t)}</th>" for t in ["époque"] + [c[0] for c in colonnes]
        )
        corps = []
        for i in lignes:
            if i is None:
                cells = [f"<td{style}>…</td>"] * (len(colonnes) + 1)
            else:
                cells = [f"<td{style}>{html.escape(str(epoques[i]))}</td>"] + [
                    f"<td{style}>{cellule(forme, valeurs[i])}</td>"
                    for _, forme, valeurs in colonnes
                ]
            corps.append("<tr>" + "".join(cells) + "</tr>")
        return (
            f"<div><code>{html.escape(repr(self))}</code>"
            f'<table style="font-size:90%;border-collapse:collapse">'
            f"<thead><tr>{tete}</tr></thead><tbody>{''.join(corps)}</tbody>"
            "</table></div>"
        )

    def courbes(
        self, fichier: PathLike | None = None, afficher: bool = False, etiquette: str | None = None
    ) -> Figure:
        """Accuracy and cost per epoch: :func:`fastnet.plots.courbes` on
        this history.

        Parameters
        ----------
        fichier : path, optional
            Where to write the figure (PNG, or any format matplotlib knows).
        afficher : bool
            Open a window (``plt.show()``); in Jupyter the returned figure is
            shown as the cell's value anyway.
        etiquette : str, optional
            The legend label of this run.

        Returns
        -------
        matplotlib.figure.Figure
        """
        return plots.courbes(self, etiquettes=etiquette, fichier=fichier, afficher=afficher)
