"""network2's cost classes: the kernels implement these two costs, and the
classes keep the book's ``fn``/``delta`` for anyone who calls them
(re-exported by :mod:`fastnet.network2`); and the book's one-hot targets,
``vectorized_result`` (re-exported by :mod:`fastnet.network2` and
:mod:`fastnet.mnist`, as the book's ``network2.py`` and ``mnist_loader.py``
both have it)."""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from ._knobs import DIGITS
from .cours import sigmoide_prime as sigmoid_prime


class QuadraticCost:
    """C = ||a - y||^2 / 2; the output error is (a - y) * sigmoid'(z).

    The kernels implement this cost; ``fn`` and ``delta`` are the book's, for
    anyone who calls them. Used as a class, never instantiated.

    Examples
    --------
    >>> from fastnet import network2
    >>> network2.Network([2, 1], cost=network2.QuadraticCost).cost is network2.QuadraticCost
    True
    """

    engine_name = "quadratic"

    @staticmethod
    def fn(a: NDArray[Any], y: NDArray[Any]) -> np.float64:
        """The cost of one example.

        Parameters
        ----------
        a, y : numpy.ndarray
            The output and the target, columns of the same shape.

        Returns
        -------
        numpy.float64

        Examples
        --------
        >>> import numpy as np
        >>> float(QuadraticCost.fn(np.array([[0.5]]), np.array([[1.0]])))
        0.125
        """
        return 0.5 * np.sum((a - y) ** 2)

    @staticmethod
    def delta(z: NDArray[Any], a: NDArray[Any], y: NDArray[Any]) -> NDArray[Any]:
        """The output layer's error.

        Parameters
        ----------
        z, a, y : numpy.ndarray
            Weighted input, output and target of the output layer.

        Returns
        -------
        numpy.ndarray

        Examples
        --------
        >>> import numpy as np
        >>> QuadraticCost.delta(np.zeros((1, 1)), np.array([[0.5]]), np.array([[1.0]]))
        array([[-0.125]])
        """
        return (a - y) * sigmoid_prime(z)


class CrossEntropyCost:
    """C = -sum(y ln a + (1 - y) ln(1 - a)); the output error is a - y
    (the sigmoid's derivative cancels; ``z`` is not used).

    The kernels implement this cost; ``fn`` and ``delta`` are the book's, for
    anyone who calls them. Used as a class, never instantiated.

    Examples
    --------
    >>> from fastnet import network2
    >>> network2.Network([2, 1], cost=network2.CrossEntropyCost).cost is network2.CrossEntropyCost
    True
    """

    engine_name = "cross_entropy"

    @staticmethod
    def fn(a: NDArray[Any], y: NDArray[Any]) -> np.float64:
        """The cost of one example.

        Parameters
        ----------
        a, y : numpy.ndarray
            The output and the target, columns of the same shape.

        Returns
        -------
        numpy.float64

        Examples
        --------
        >>> import numpy as np
        >>> float(CrossEntropyCost.fn(np.array([[0.5]]), np.array([[1.0]])))
        0.6931471805599453
        """
        # 0 * ln 0 gives nan: counted as 0, as the book does
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.sum(np.nan_to_num(-y * np.log(a) - (1 - y) * np.log(1 - a)))

    @staticmethod
    def delta(z: NDArray[Any], a: NDArray[Any], y: NDArray[Any]) -> NDArray[Any]:
        """The output layer's error.

        Parameters
        ----------
        z, a, y : numpy.ndarray
            Weighted input, output and target of the output layer.

        Returns
        -------
        numpy.ndarray

        Examples
        --------
        >>> import numpy as np
        >>> CrossEntropyCost.delta(np.zeros((1, 1)), np.array([[0.5]]), np.array([[1.0]]))
        array([[-0.5]])
        """
        return a - y


#: network2's cost argument: one of the two classes (not an instance)
CostClass: TypeAlias = type[QuadraticCost] | type[CrossEntropyCost]

COSTS: dict[str, CostClass] = {c.__name__: c for c in (QuadraticCost, CrossEntropyCost)}


def check_cost(cost: object) -> None:
    """Refuse any cost class but these two.

    Parameters
    ----------
    cost : type
        ``QuadraticCost`` or ``CrossEntropyCost``.

    Raises
    ------
    ValueError
        Another class (the kernels know only these two costs).
    TypeError
        Not a class.

    Examples
    --------
    >>> check_cost(QuadraticCost)
    """
    if cost not in COSTS.values():
        raise (ValueError if isinstance(cost, type) else TypeError)(
            f"cost: expected QuadraticCost or CrossEntropyCost (fastnet.network2's: the "
            f"kernels implement these two), got {getattr(cost, '__name__', repr(cost))}"
        )


def vectorized_result(j: int) -> NDArray[np.float64]:
    """A (10, 1) float64 column: 1.0 at row ``j``, 0.0 elsewhere.

    The book's one-hot target for the digit ``j`` (``mnist_loader.py`` and
    ``network2.py`` both define it).

    Parameters
    ----------
    j : int
        A digit, 0 to 9.

    Returns
    -------
    numpy.ndarray
        Shape ``(10, 1)``, dtype float64.

    Examples
    --------
    >>> vectorized_result(3).ravel()
    array([0., 0., 0., 1., 0., 0., 0., 0., 0., 0.])
    """
    e = np.zeros((DIGITS, 1))
    e[j] = 1.0
    return e
