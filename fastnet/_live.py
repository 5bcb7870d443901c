"""Live training curves in Jupyter: :func:`en_direct` makes a ``DGS``
callback that redraws the accuracy after each epoch (re-exported by
:mod:`fastnet.plots`)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from io import BytesIO

import numpy as np

from ._figures import _figure

__all__ = ["en_direct"]


class _EnDirect:
    """The callback made by :func:`en_direct` (``epoques`` and ``corrects``
    keep what it was given)."""

    def __init__(self, total, titre):
        self.total, self.titre = total, titre
        self.epoques, self.corrects = [], []
        self._affichage = None

    def __call__(self, j, correct):
        self.epoques.append(j)
        self.corrects.append(correct)
        affichage = _affichage_notebook()
        if affichage is None:
            return
        fig = self.figure()
        png = BytesIO()
        fig.savefig(png, format="png", dpi=80)
        image = affichage.Image(data=png.getvalue(), format="png")
        if self._affichage is None:
            self._affichage = affichage.display(image, display_id=True)
        else:
            self._affichage.update(image)

    def figure(self):
        """The curve so far, as a Figure."""
        fig = _figure((6, 3.2), False)
        ax = fig.subplots()
        from matplotlib.ticker import MaxNLocator

        points = [(j, c) for j, c in zip(self.epoques, self.corrects) if c is not None]
        if points:
            x, y = zip(*points)
            y = tuple(100 * c / self.total for c in y) if self.total else y
            ax.plot(x, y, marker="o", ms=3, color="C0")
            ax.set_title(
                f"{self.titre}époque {self.epoques[-1]} : {y[-1]:.4g}"
                + (" %" if self.total else " bonnes réponses"),
                fontsize=10,
            )
        else:
            ax.set_title(
                f"{self.titre}époque {self.epoques[-1]} (pas de données de test)", fontsize=10
            )
        ax.set_xlabel("époque")
        ax.set_ylabel("précision (%)" if self.total else "bonnes réponses")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        fig.tight_layout()
        return fig


def _affichage_notebook():
    """IPython.display when running in a notebook's kernel, else None."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or getattr(shell, "kernel", None) is None:
        return None
    import IPython.display

    return IPython.display


def en_direct(total: int | None = None, titre: str = "") -> Callable[[int, int | None], None]:
    """A callback for ``DGS(..., callback=plots.en_direct())`` that redraws
    the test accuracy after every epoch, in place, in a Jupyter notebook.

    Parameters
    ----------
    total : int, optional
        The number of test examples: the curve is then in percent (else in
        right answers).
    titre : str
        Put before the figure's title, e.g. ``"eta = 3 : "``.

    Returns
    -------
    callable
        ``callback(j, correct)``. In a notebook it shows one figure and
        updates it at each epoch (``IPython.display`` with a display id);
        elsewhere (a script, the terminal) it only records ``epoques`` and
        ``corrects``, and its ``figure()`` method draws them. Needs
        matplotlib.

    Examples
    --------
    >>> net.DGS(training_data, 30, 10, 3.0, test_data=test_data,
    ...         callback=plots.en_direct(total=len(test_data)))  # doctest: +SKIP
    """
    _figure((1, 1), False)  # fail now, not after the first epoch, without matplotlib
    if total is not None and (
        isinstance(total, bool) or not isinstance(total, (int, np.integer)) or total < 1
    ):
        raise ValueError(f"total must be an int >= 1, not {total!r}")
    if not isinstance(titre, str):
        raise TypeError(f"titre must be a str, not {type(titre).__name__}")
    return _EnDirect(None if total is None else int(total), titre)
