"""Figures for the course: the sigmoid, training curves, test digits with
their predictions, and the hidden neurons' weights.

Needs matplotlib (``pip install fastnet[plot]``), imported only when a
function is called, so ``import fastnet.plots`` works without it.

Every function returns a :class:`matplotlib.figure.Figure`, writes it to
``fichier`` (PNG, or any format matplotlib knows from the extension) when
given, and opens a window only with ``afficher=True``. Without
``afficher``, figures are built with the Agg renderer outside pyplot's
registry: nothing pops up, nothing accumulates in pyplot, and it works on a
machine without a display. In Jupyter, the returned figure is displayed as
the cell's value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from ._figures import _figure, _finir
from ._live import en_direct
from ._typing import PathLike
from ._validation import check_count

if TYPE_CHECKING:  # matplotlib is optional: imported on use
    from matplotlib.figure import Figure
from .cours import sigmoide

__all__ = ["courbe_sigmoide", "courbes", "en_direct", "grille_chiffres", "poids_caches"]


def courbe_sigmoide(fichier: PathLike | None = None, afficher: bool = False) -> Figure:
    """The sigmoid's graph beside the perceptron's step function, on [-6, 6].

    The course: « coder la fonction sigmoid(z) et afficher son graphe », and
    « on n'est pas si loin du perceptron ». The step panel repeats the
    sigmoid in grey so the two can be compared.

    Parameters
    ----------
    fichier : path, optional
        Where to write the figure (PNG, or any format matplotlib knows).
    afficher : bool
        Show it on screen (pyplot) as well.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ImportError
        matplotlib is not installed.

    Examples
    --------
    >>> from fastnet import plots
    >>> fig = plots.courbe_sigmoide("sigmoide.png")  # doctest: +SKIP
    """
    fig = _figure((10, 4), afficher)
    gauche, droite = fig.subplots(1, 2, sharey=True)
    z = np.linspace(-6, 6, 601)

    gauche.plot(z, sigmoide(z), color="tab:blue", lw=2)
    gauche.set_title(r"Neurone sigmoïde : $\sigma(z) = 1 / (1 + e^{-z})$")

    droite.plot(z, sigmoide(z), color="0.75", lw=1.5, ls="--", label=r"$\sigma(z)$")
    # The step jumps at 0 and the course's inequality is strict (z > 0), so
    # the value at 0 is 0: filled dot below, open dot above.
    droite.plot([-6, 0], [0, 0], color="tab:red", lw=2, label="perceptron")
    droite.plot([0, 6], [1, 1], color="tab:red", lw=2)
    droite.plot([0], [0], "o", color="tab:red")
    droite.plot([0], [1], "o", mfc="white", mec="tab:red")
    droite.set_title(r"Perceptron : 1 si $z > 0$, 0 sinon")
    droite.legend(loc="upper left")

    for ax in (gauche, droite):
        ax.set_xlabel(r"$z = w \cdot x + b$")
        ax.set_xlim(-6, 6)
        ax.set_ylim(-0.05, 1.05)
        ax.axhline(0.5, color="0.85", lw=0.8, zorder=0)
        ax.axvline(0, color="0.85", lw=0.8, zorder=0)
        ax.grid(alpha=0.3)
    gauche.set_ylabel("sortie")
    fig.tight_layout()
    return _finir(fig, fichier, afficher)


def _liste_historiques(
    historiques: Any, etiquettes: Any
) -> tuple[list[Mapping[str, Any]], list[str]]:
    if isinstance(historiques, dict) and "epoque" not in historiques:
        # {label: history}
        if etiquettes is None:
            etiquettes = [str(k) for k in historiques]
        historiques = list(historiques.values())
    elif isinstance(historiques, dict):
        historiques = [historiques]
    else:
        historiques = list(historiques)
    if not historiques:
        raise ValueError("historiques is empty")
    if etiquettes is None:
        etiquettes = (
            [""] if len(historiques) == 1 else [f"essai {i + 1}" for i in range(len(historiques))]
        )
    elif isinstance(etiquettes, str):
        etiquettes = [etiquettes]
    etiquettes = list(etiquettes)
    if len(etiquettes) != len(historiques):
        raise ValueError(f"{len(etiquettes)} etiquettes for {len(historiques)} historiques")
    for h in historiques:
        if not isinstance(h, dict) or "epoque" not in h:
            raise ValueError("each history must be a dict with an 'epoque' list")
    return historiques, etiquettes


def _serie(h, cle, n):
    """``h[cle]`` as floats with None -> nan, or None when there is nothing."""
    valeurs = h.get(cle)
    if valeurs is None:
        return None
    valeurs = list(valeurs)
    if len(valeurs) != n:
        raise ValueError(f"history has {n} epoques but {len(valeurs)} '{cle}' values")
    y = np.array([np.nan if v is None else float(v) for v in valeurs])
    return None if np.all(np.isnan(y)) else y


def courbes(
    historiques: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    etiquettes: str | Sequence[str] | None = None,
    fichier: PathLike | None = None,
    afficher: bool = False,
) -> Figure:
    """Accuracy and cost per epoch for one or several runs, to compare knobs.

    Two panels, accuracy (in %) and cost, one line per run with the same
    colour in both. A run without any accuracy (or cost) is left out of that
    panel; a panel with no data says so. When ``"secondes"`` is given, the
    legend shows the mean time per epoch.

    Parameters
    ----------
    historiques : dict, list of dicts, or dict of dicts
        A history is a dict of per-epoch lists: ``"epoque"`` (ints),
        ``"precision"`` (fraction of test data right, 0..1, or None without
        test data), ``"cout"`` (training cost; may be missing or None) and
        ``"secondes"`` (time each epoch took; may be missing). A dict
        ``{label: history}`` gives the labels itself.
    etiquettes : list of str, optional
        One legend label per run (default ``essai 1``, ``essai 2``...).
    fichier : path, optional
        Where to write the figure.
    afficher : bool
        Show it on screen as well.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError, ValueError
        Not histories, or labels that do not match them.
    ImportError
        matplotlib is not installed.

    Examples
    --------
    >>> history = net.DGS(training, 30, 10, 3.0, test_data=test)  # doctest: +SKIP
    >>> plots.courbes(history, fichier="courbes.png")  # doctest: +SKIP
    """
    historiques, etiquettes = _liste_historiques(historiques, etiquettes)
    fig = _figure((11, 4.2), afficher)
    ax_prec, ax_cout = fig.subplots(1, 2)
    from matplotlib.ticker import MaxNLocator

    couleurs = [f"C{i % 10}" for i in range(len(historiques))]
    vus = {"precision": False, "cout": False}
    for h, etiquette, couleur in zip(historiques, etiquettes, couleurs):
        x = np.asarray(list(h["epoque"]), dtype=float)
        secondes = _serie(h, "secondes", len(x))
        if secondes is not None:
            duree = f"{np.nanmean(secondes):.2g} s/époque"
            etiquette = f"{etiquette} ({duree})" if etiquette else duree
        marqueur = "o" if len(x) <= 30 else None
        for ax, cle, echelle in ((ax_prec, "precision", 100.0), (ax_cout, "cout", 1.0)):
            y = _serie(h, cle, len(x))
            if y is None:
                continue
            vus[cle] = True
            ax.plot(x, y * echelle, color=couleur, marker=marqueur, ms=3, label=etiquette or None)

    ax_prec.set_title("Précision sur les données de test")
    ax_prec.set_ylabel("précision (%)")
    ax_cout.set_title("Coût d'entraînement")
    ax_cout.set_ylabel(r"$C = \frac{1}{2n} \sum_x \|y(x) - a\|^2$")
    for ax, cle in ((ax_prec, "precision"), (ax_cout, "cout")):
        ax.set_xlabel("époque")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        if not vus[cle]:
            ax.text(
                0.5,
                0.5,
                "pas de données",
                transform=ax.transAxes,
                ha="center",
                va="center",
                color="0.5",
            )
        elif ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize="small")
    fig.tight_layout()
    return _finir(fig, fichier, afficher)


def _cote_image(taille):
    cote = math.isqrt(taille)
    if cote * cote != taille:
        raise ValueError(f"{taille} pixels is not a square image")
    return cote


def _grille(n):
    colonnes = math.ceil(math.sqrt(n))
    return math.ceil(n / colonnes), colonnes


def _cases(fig, n, lignes, colonnes):
    """The first ``n`` axes of a grid, without ticks; the others hidden."""
    axes = fig.subplots(lignes, colonnes, squeeze=False).ravel()
    for i, ax in enumerate(axes):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= n:
            ax.set_axis_off()
    return axes[:n]


def grille_chiffres(
    reseau: object,
    X: ArrayLike,
    y: ArrayLike | None = None,
    n: int = 25,
    fichier: PathLike | None = None,
    afficher: bool = False,
) -> Figure:
    """A grid of the first ``n`` images of ``X`` with the network's answers.

    The figure's title counts the errors.

    Parameters
    ----------
    reseau : object with ``forward`` (or ``feedforward``)
        ``reseau.forward(x)`` with ``x`` of shape ``(784, 1)``, such as a
        ``Reseau``; the answer is the output's argmax. Nielsen-style objects
        (``Network``) are called through ``feedforward``.
    X : array (m, 784)
        Images as rows (28x28 pixels, any square size works).
    y : array (m,) of int labels, or one-hot rows, optional
        The right answers. A wrong prediction gets the red title
        ``"pred (vrai)"``; a right one the black title ``"pred"``.
    n : int
        How many images (at most ``len(X)``).
    fichier : path, optional
        Where to write the figure.
    afficher : bool
        Show it on screen as well.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        ``reseau`` has no ``forward``/``feedforward``.
    ValueError
        ``X``, ``y`` or ``n`` do not fit.

    Examples
    --------
    >>> plots.grille_chiffres(net, X_test, y_test, n=25)  # doctest: +SKIP
    """
    X = np.asarray(X)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"X must be a non-empty (m, pixels) array, not shape {X.shape}")
    n = min(check_count(n, "n", 1), len(X))
    cote = _cote_image(X.shape[1])
    vrais = None
    if y is not None:
        y = np.asarray(y)
        if len(y) < n:
            raise ValueError(f"y has {len(y)} labels for {n} images")
        vrais = y[:n].argmax(axis=1) if y.ndim == 2 else y[:n].astype(int)
    # One forward per image: `reseau` may be any object with the course's
    # forward, which is only promised to take one (784, 1) column.
    forward = getattr(reseau, "forward", None) or getattr(reseau, "feedforward", None)
    if forward is None:
        raise TypeError("reseau needs a 'forward' (or 'feedforward') method")
    preds = [int(np.argmax(forward(X[i].reshape(-1, 1)))) for i in range(n)]

    lignes, colonnes = _grille(n)
    fig = _figure((1.3 * colonnes, 1.45 * lignes + 0.5), afficher)
    erreurs = 0
    for i, ax in enumerate(_cases(fig, n, lignes, colonnes)):
        ax.imshow(X[i].reshape(cote, cote), cmap="gray_r", interpolation="nearest")
        if vrais is not None and preds[i] != vrais[i]:
            erreurs += 1
            ax.set_title(f"{preds[i]} ({vrais[i]})", color="red", fontsize=10)
            for bord in ax.spines.values():
                bord.set_color("red")
                bord.set_linewidth(2)
        else:
            ax.set_title(str(preds[i]), color="black", fontsize=10)
    if vrais is not None:
        fig.suptitle(
            f"{erreurs} erreur{'s' if erreurs > 1 else ''} sur {n} (en rouge : prédit (vrai))",
            fontsize=11,
        )
    else:
        fig.suptitle("chiffres prédits", fontsize=11)
    fig.tight_layout()
    return _finir(fig, fichier, afficher)


def poids_caches(
    reseau: object, fichier: PathLike | None = None, n: int | None = None, afficher: bool = False
) -> Figure:
    """The hidden neurons' input weights, one 28x28 image per neuron.

    ``reseau.poids[0]`` has shape ``(784, n_caches)``: column ``j`` holds
    neuron ``j``'s weights, one per pixel. (A ``Network``'s
    ``weights[0]``, of shape ``(n_caches, 784)``, works too.) ``n`` limits
    how many neurons are drawn (default: all).

    Red is positive, blue negative, on one symmetric scale shared by every
    image (the colour bar), so the neurons can be compared: a neuron looks
    for ink where it is red and for blank paper where it is blue.

    Parameters
    ----------
    reseau : Reseau or Network
        The network (its first weight matrix is drawn).
    fichier : path, optional
        Where to write the figure.
    n : int, optional
        How many neurons (default: all).
    afficher : bool
        Show it on screen as well.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        ``reseau`` has no ``poids``/``weights``.
    ValueError
        A weight matrix that is not square images, or a bad ``n``.

    Examples
    --------
    >>> plots.poids_caches(net, "poids.png", n=16)  # doctest: +SKIP
    """
    if hasattr(reseau, "poids"):
        W = np.asarray(reseau.poids[0], dtype=float)
    elif hasattr(reseau, "weights"):
        W = np.asarray(reseau.weights[0], dtype=float).T
    else:
        raise TypeError("reseau needs a 'poids' (or 'weights') attribute")
    if W.ndim != 2:
        raise ValueError(f"first weight matrix must be 2-D, not shape {W.shape}")
    cote = _cote_image(W.shape[0])
    total = W.shape[1]
    if n is None:
        n = total
    n = min(check_count(n, "n", 1), total)
    vmax = float(np.max(np.abs(W[:, :n]))) or 1.0

    lignes, colonnes = _grille(n)
    fig = _figure((1.3 * colonnes + 0.9, 1.4 * lignes + 0.5), afficher)
    image = None
    for j, ax in enumerate(_cases(fig, n, lignes, colonnes)):
        image = ax.imshow(
            W[:, j].reshape(cote, cote),
            cmap="RdBu_r",
            vmin=-vmax,
            vmax=vmax,
            interpolation="nearest",
        )
        ax.set_title(f"neurone {j}", fontsize=8)
    fig.suptitle(f"Poids d'entrée des neurones cachés ({n} sur {total})", fontsize=11)
    fig.tight_layout(rect=(0, 0, 0.92, 1))
    barre = fig.add_axes((0.93, 0.1, 0.015, 0.75))
    fig.colorbar(image, cax=barre)
    return _finir(fig, fichier, afficher)
