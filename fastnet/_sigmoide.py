"""La sigmoïde et sa dérivée, en numpy : la seule sigmoïde de fastnet hors
des noyaux compilés (:mod:`fastnet.cours` l'enseigne, ``Reseau``,
``network`` et ``network2`` l'exportent)."""

from __future__ import annotations

from typing import Any, TypeVar, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["sigmoide", "sigmoide_prime"]


_Flottant = TypeVar("_Flottant", bound=np.floating[Any])


@overload
def sigmoide(z: float) -> np.float64: ...
@overload
def sigmoide(z: NDArray[_Flottant]) -> NDArray[_Flottant]: ...
@overload
def sigmoide(z: ArrayLike) -> Any: ...
def sigmoide(z: ArrayLike) -> Any:
    """La fonction sigmoïde ``1 / (1 + exp(-z))``, pour un nombre ou un tableau.

    Pour ``z`` très négatif, ``exp(-z)`` déborde vers l'infini et le résultat
    est 0, ce qui est la bonne limite : on fait taire l'avertissement de numpy.
    C'est la seule sigmoïde de fastnet hors des noyaux compilés (``Reseau``,
    ``network2`` l'exportent aussi).

    Parameters
    ----------
    z : nombre, liste ou tableau numpy
        Un tableau numpy garde son type (float32 reste float32) ; le reste
        est lu en float64.

    Returns
    -------
    float ou numpy.ndarray

    Examples
    --------
    >>> float(sigmoide(0))
    0.5
    """
    if not isinstance(z, (np.ndarray, np.generic)):
        z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(np.negative(z)))


@overload
def sigmoide_prime(z: float) -> np.float64: ...
@overload
def sigmoide_prime(z: NDArray[_Flottant]) -> NDArray[_Flottant]: ...
@overload
def sigmoide_prime(z: ArrayLike) -> Any: ...
def sigmoide_prime(z: ArrayLike) -> Any:
    """La dérivée de la sigmoïde : ``sigmoide(z) * (1 - sigmoide(z))``.

    Parameters
    ----------
    z : nombre, liste ou tableau numpy

    Returns
    -------
    float ou numpy.ndarray

    Examples
    --------
    >>> float(sigmoide_prime(0))
    0.25
    """
    s = sigmoide(z)
    return s * (1 - s)
