"""Building and finishing matplotlib figures for :mod:`fastnet.plots`:
matplotlib is optional, imported only when a figure is made; without
``afficher`` figures use the Agg renderer outside pyplot's registry."""

from __future__ import annotations

_MESSAGE = "fastnet.plots needs matplotlib: pip install fastnet[plot] (or pip install matplotlib)"


def _figure(figsize, afficher):
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(_MESSAGE) from exc
    if afficher:
        import matplotlib.pyplot as plt

        return plt.figure(figsize=figsize)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig


def _finir(fig, fichier, afficher, dpi=100):
    if fichier is not None:
        fig.savefig(fichier, dpi=dpi)
    if afficher:
        import matplotlib.pyplot as plt

        plt.show()
    return fig
