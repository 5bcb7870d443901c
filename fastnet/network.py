"""``Network``: the same engine behind the English API of Nielsen's
``network.py`` (chapter 1 of "Neural Networks and Deep Learning")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._draws import book_draws, drawing
from ._jsonfile import read_params
from ._model import _Facade
from ._options import ENGLISH, TrainOptions
from ._typing import ArrayLike, DTypeLike, FloatArray, Labelled, PathLike, Sizes
from ._validation import check_sizes
from .cours import sigmoide as sigmoid
from .cours import sigmoide_prime as sigmoid_prime
from .historique import Historique

# the book's network.py defines sigmoid and sigmoid_prime beside Network:
# the course's functions are the same formulas
__all__ = ["Network", "sigmoid", "sigmoid_prime"]


class Network(_Facade):
    """Nielsen's ``network.Network``, trained by compiled mini-batch SGD.

    ``weights[l]`` has shape ``(sizes[l+1], sizes[l])`` (the book's layout)
    and ``biases[l]`` shape ``(sizes[l+1], 1)``. They start as
    ``np.random.randn`` draws in the book's order (biases, then weights), so
    that after ``np.random.seed(s)`` the network is the book's.

    Parameters
    ----------
    sizes : list of int
        Layer sizes, inputs first.
    dtype, parallel : as for :class:`fastnet.Reseau`.

    Raises
    ------
    TypeError, ValueError
        A bad argument, named in the message (nothing drawn then).

    Examples
    --------
    >>> from fastnet import Network
    >>> net = Network([784, 30, 10])
    >>> net.weights[0].shape
    (30, 784)
    """

    _W, _B = "weights", "biases"
    # what the course's evaluation calls (a subclass may override them)
    _FORWARD, _EVALUATE = "feedforward", "evaluate"

    def __init__(self, sizes: Sizes, dtype: DTypeLike = np.float64, parallel: bool = False) -> None:
        ok = check_sizes(sizes, "sizes")
        self._check_options(dtype, parallel)
        self.num_layers = len(ok)
        self.sizes = sizes
        with drawing(ok, dtype, "sizes"):  # refuses what cannot fit, first
            biases, weights = book_draws(ok)
            self._init_engine(ok, dtype, parallel, biases, [w.T for w in weights])

    @classmethod
    def _from_document(cls, doc: dict[str, Any], fichier: PathLike) -> Network:
        """The network of a fastnet file's JSON object (``classe`` Network,
        header checked by the caller), every value checked; draws nothing."""
        sizes, dtype, parallel, biases, weights_in_out = read_params(doc, fichier)
        net = cls.__new__(cls)
        net.num_layers, net.sizes = len(sizes), sizes
        net._init_engine(sizes, dtype, parallel, biases, weights_in_out)
        return net

    def _to_document(self) -> dict[str, Any]:
        return self._document("Network", {})

    # the buffer holds (n_in, n_out) blocks; the book shows their transposes
    def _weight_to_view(self, w: FloatArray) -> FloatArray:
        return w.T

    def _view_to_in_out(self, w: ArrayLike) -> FloatArray:
        return np.asarray(w).T

    @property
    def dtype(self) -> type[np.floating[Any]]:
        """Precision of the parameters (float64 or float32)."""
        return self._engine.dtype

    @property
    def weights(self) -> list[FloatArray]:
        """Weights, ``weights[l]`` of shape ``(sizes[l+1], sizes[l])``."""
        return self._wlist

    @weights.setter
    def weights(self, values: list[ArrayLike]) -> None:
        self._set_weights(values)

    @property
    def biases(self) -> list[FloatArray]:
        """Biases, ``biases[l]`` of shape ``(sizes[l+1], 1)``."""
        return self._blist

    @biases.setter
    def biases(self, values: list[ArrayLike]) -> None:
        self._set_biases(values)

    def feedforward(self, a: ArrayLike) -> FloatArray:
        """Output of the network.

        Parameters
        ----------
        a : array ``(sizes[0], 1)`` or ``(sizes[0], m)``

        Returns
        -------
        numpy.ndarray
            ``(sizes[-1], 1)`` or ``(sizes[-1], m)``.

        Raises
        ------
        TypeError, ValueError
            Not numbers of that shape, or NaN/inf.

        Examples
        --------
        >>> import numpy as np
        >>> from fastnet import Network
        >>> Network([2, 3, 1]).feedforward(np.zeros((2, 1))).shape
        (1, 1)
        """
        return self._forward(a, "a")

    def evaluate(self, test_data: Labelled) -> int:
        """Number of test inputs whose output's argmax equals the label.

        Parameters
        ----------
        test_data : list or iterator of pairs ``(x, y)``, or ``(X, y)`` arrays

        Returns
        -------
        int

        Raises
        ------
        TypeError, ValueError
            Bad pairs.

        Examples
        --------
        >>> import numpy as np
        >>> from fastnet import Network
        >>> Network([2, 3, 2]).evaluate([(np.zeros((2, 1)), 0)]) in (0, 1)
        True
        """
        return self._count(test_data, "test_data")

    def SGD(
        self,
        training_data: Labelled,
        epochs: int,
        mini_batch_size: int,
        eta: float,
        test_data: Labelled | None = None,
        parallel: bool | None = None,
        callback: Callable[[int, int | None], object] | None = None,
    ) -> Historique:
        """Mini-batch stochastic gradient descent, as in the book.

        Prints ``Epoch j: correct / n_test`` (with ``test_data``) or
        ``Epoch j complete`` after each epoch.

        Parameters
        ----------
        training_data : list or iterator of pairs, or ``(X, y)`` arrays
        epochs, mini_batch_size : int
        eta : float
        test_data : like ``training_data``, optional
        parallel : bool, optional
        callback : callable, optional
            ``callback(j, correct)`` after each epoch.

        Returns
        -------
        Historique
            The per-epoch history described in :meth:`fastnet.Reseau.DGS`.

        Raises
        ------
        TypeError, ValueError
            A bad argument (nothing changed).
        DivergenceError
            The weights became NaN or inf (the last whole epoch's are kept).

        Examples
        --------
        >>> import numpy as np
        >>> from fastnet import Network
        >>> X, y = np.random.rand(10, 2), np.random.randint(0, 2, 10)
        >>> Network([2, 3, 2]).SGD((X, y), 1, 5, 3.0)["epoque"]
        Epoch 0 complete
        [0]
        """
        opts = TrainOptions(test_data=test_data, parallel=parallel, callback=callback)
        return Historique(self._train(training_data, epochs, mini_batch_size, eta, ENGLISH, opts))

    def update_mini_batch(self, mini_batch: Labelled, eta: float) -> None:
        """One gradient step on the pairs of ``mini_batch``.

        Parameters
        ----------
        mini_batch : list of pairs ``(x, y)``
        eta : float

        Returns
        -------
        None

        Raises
        ------
        TypeError, ValueError, DivergenceError
            As :meth:`fastnet.Reseau.update_mini_batch`.

        Examples
        --------
        >>> import numpy as np
        >>> from fastnet import Network
        >>> Network([2, 1]).update_mini_batch([(np.ones((2, 1)), np.ones((1, 1)))], 1.0)
        """
        self._update(mini_batch, eta, "mini_batch")

    def backprop(self, x: ArrayLike, y: ArrayLike) -> tuple[list[FloatArray], list[FloatArray]]:
        """Gradient of the cost for one example.

        Parameters
        ----------
        x : array ``(sizes[0], 1)``
        y : array ``(sizes[-1], 1)`` or int

        Returns
        -------
        nabla_b, nabla_w : list of numpy.ndarray
            Shaped like ``biases`` and ``weights``.

        Raises
        ------
        TypeError, ValueError, FloatingPointError
            As :meth:`fastnet.Reseau.backprop`.

        Examples
        --------
        >>> import numpy as np
        >>> from fastnet import Network
        >>> Network([2, 3, 1]).backprop(np.ones((2, 1)), np.ones((1, 1)))[1][0].shape
        (3, 2)
        """
        return self._gradients(x, y)

    def cost_derivative(self, output_activations: FloatArray, y: ArrayLike) -> FloatArray:
        """The quadratic cost's derivative in the outputs: ``output_activations - y``.

        The book's helper, for anyone who calls it; training runs in the
        compiled kernels, which do not call it.

        Parameters
        ----------
        output_activations : numpy.ndarray
            The network's outputs, a column ``(sizes[-1], 1)``.
        y : numpy.ndarray
            The target, of the same shape.

        Returns
        -------
        numpy.ndarray
            ``output_activations - y``.

        Examples
        --------
        >>> import numpy as np
        >>> from fastnet import Network
        >>> Network([2, 2]).cost_derivative(np.array([[0.75], [0.25]]), np.array([[1.0], [0.0]]))
        array([[-0.25],
               [ 0.25]])
        """
        return output_activations - np.asarray(y)

    def __repr__(self) -> str:
        return f"Network({self.sizes!r}, dtype={np.dtype(self.dtype).name})"
