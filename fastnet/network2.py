"""Nielsen's ``network2.py`` (chapter 3), on fastnet's compiled engine.

A drop-in: ``import fastnet.network2 as network2`` and a chapter 3 script
runs unchanged, with the same results for the same seeds (float64; examples
in the documentation's page on the book's API). Same names, draws, updates
(L2 as network2 does it: weights scaled by ``1 - eta * lmbda / n`` at each
mini-batch step, biases not), printed lines and JSON files.
``QuadraticCost`` and ``CrossEntropyCost`` keep the book's ``fn``/``delta``;
training runs in the compiled kernels, which know these two costs (another
cost class is refused). The ``convert`` flags of ``accuracy``/``total_cost``
are accepted but not needed: labels and targets are told apart by shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _data
from ._costs import COSTS, CostClass, CrossEntropyCost, QuadraticCost, check_cost, vectorized_result
from ._draws import book_draws, drawing
from ._jsonfile import checked_sizes, matrices, read_json, write_json
from ._options import ENGLISH
from ._training import TRAINING_METHODS, count_through, note_slow_path, overridden
from ._typing import DTypeLike, Labelled, PathLike, Sizes
from ._validation import check_bool, check_path, check_sizes
from .network import Network as _BookNetwork
from .network import sigmoid, sigmoid_prime

__all__ = [
    "Network",
    "QuadraticCost",
    "CrossEntropyCost",
    "load",
    "vectorized_result",
    "sigmoid",
    "sigmoid_prime",
]


class Network(_BookNetwork):
    """``network2.Network``: Nielsen's chapter 3 network, compiled.

    ``weights[l]`` has shape ``(sizes[l+1], sizes[l])``, ``biases[l]``
    ``(sizes[l+1], 1)``; they start as network2's default draws (N(0, 1)
    biases, N(0, 1/n_in) weights).

    Parameters
    ----------
    sizes : list of int
        Layer sizes, inputs first.
    cost : {CrossEntropyCost, QuadraticCost}
        The cost class.
    dtype, parallel : as for :class:`fastnet.Network`.

    Raises
    ------
    TypeError, ValueError
        A bad argument (nothing drawn then).

    Examples
    --------
    >>> from fastnet import network2
    >>> network2.Network([784, 30, 10])
    Network([784, 30, 10], cost=CrossEntropyCost, dtype=float64)
    """

    def __init__(
        self,
        sizes: Sizes,
        cost: CostClass = CrossEntropyCost,
        dtype: DTypeLike = np.float64,
        parallel: bool = False,
    ) -> None:
        ok = check_sizes(sizes, "sizes")
        self._check_options(dtype, parallel)
        check_cost(cost)  # all checked before the draws
        self.num_layers = len(ok)
        self.sizes = sizes
        with drawing(ok, dtype, "sizes"):  # refuses what cannot fit, first
            biases, weights = book_draws(ok, normalised=True)
            self._init_engine(ok, dtype, parallel, biases, [w.T for w in weights], cost.engine_name)
        self._cost_class = cost

    @classmethod
    def _from_values(
        cls, sizes: list[int], cost: CostClass, biases: list[Any], weights_in_out: list[Any]
    ) -> Network:
        """A network with these (checked) values; draws nothing."""
        net = cls.__new__(cls)
        net.num_layers, net.sizes = len(sizes), sizes
        net._init_engine(sizes, np.float64, False, biases, weights_in_out, cost.engine_name)
        net._cost_class = cost
        return net

    def _example_cost(self, a: Any, y: Any) -> float:
        return float(self._cost_class.fn(a, y))

    @property
    def cost(self) -> CostClass:
        """The cost class, ``CrossEntropyCost`` or ``QuadraticCost``."""
        return self._cost_class

    @cost.setter
    def cost(self, value: CostClass) -> None:
        check_cost(value)
        self._reconfigure(value.engine_name)
        self._cost_class = value

    def default_weight_initializer(self) -> None:
        """Draw again: biases N(0, 1), weights N(0, 1/n_in).

        Returns
        -------
        None

        Examples
        --------
        >>> from fastnet import network2
        >>> network2.Network([2, 3, 1]).default_weight_initializer()
        """
        self._redraw(normalised=True)

    def large_weight_initializer(self) -> None:
        """Draw again: biases and weights N(0, 1) (chapter 1's).

        Returns
        -------
        None

        Examples
        --------
        >>> from fastnet import network2
        >>> network2.Network([2, 3, 1]).large_weight_initializer()
        """
        self._redraw(normalised=False)

    def _redraw(self, normalised: bool) -> None:
        biases, weights = book_draws([int(s) for s in self._engine.layout.sizes], normalised)
        self._set_params(biases, [w.T for w in weights])

    def SGD(  # type: ignore[override]  # the book's network2 has other arguments
        self,
        training_data: Labelled,
        epochs: int,
        mini_batch_size: int,
        eta: float,
        lmbda: float = 0.0,
        evaluation_data: Labelled | None = None,
        monitor_evaluation_cost: bool = False,
        monitor_evaluation_accuracy: bool = False,
        monitor_training_cost: bool = False,
        monitor_training_accuracy: bool = False,
        parallel: bool | None = None,
    ) -> tuple[list[np.float64], list[int], list[np.float64], list[int]]:
        """Mini-batch SGD with L2 regularisation, as network2 does it.

        After each epoch prints ``Epoch j training complete``, then, for
        each flag set, ``Cost on training data: c``, ``Accuracy on training
        data: k / n``, ``Cost on evaluation data: c``, ``Accuracy on
        evaluation data: k / n``, then an empty line. Costs include the L2
        term; accuracies are counts.

        Parameters
        ----------
        training_data : list or iterator of pairs, or ``(X, y)`` arrays
        epochs, mini_batch_size : int
        eta : float
        lmbda : float
            L2 regularisation (weights scaled by ``1 - eta * lmbda / n``).
        evaluation_data : like ``training_data``, optional
        monitor_evaluation_cost, monitor_evaluation_accuracy : bool
        monitor_training_cost, monitor_training_accuracy : bool
        parallel : bool, optional

        Returns
        -------
        tuple of four lists
            ``(evaluation_cost, evaluation_accuracy, training_cost,
            training_accuracy)``, per epoch, empty when not monitored:
            costs are ``numpy.float64`` and accuracies ``int``, as the
            book's.

        Raises
        ------
        TypeError, ValueError
            A bad argument (nothing changed).
        DivergenceError
            The weights became NaN or inf.

        Examples
        --------
        >>> import numpy as np
        >>> from fastnet import network2
        >>> X, y = np.random.rand(10, 2), np.random.randint(0, 2, 10)
        >>> out = network2.Network([2, 3, 2]).SGD((X, y), 1, 5, 0.5)
        Epoch 0 training complete
        <BLANKLINE>
        >>> out
        ([], [], [], [])
        """
        run = self._check_training(
            training_data, epochs, mini_batch_size, eta, parallel, lmbda, 0.0, ENGLISH
        )
        X, Y, lmbda = run.X, run.Y, run.lmbda
        flags: dict[str, bool] = {}
        for name, value in (
            ("monitor_evaluation_cost", monitor_evaluation_cost),
            ("monitor_evaluation_accuracy", monitor_evaluation_accuracy),
            ("monitor_training_cost", monitor_training_cost),
            ("monitor_training_accuracy", monitor_training_accuracy),
        ):
            flags[name[len("monitor_") :]] = check_bool(value, name)
        if evaluation_data is not None:
            Xe, Ye, _ = _data.training_arrays(evaluation_data, *self._n(), "evaluation_data")
            labels_e = Ye.argmax(axis=1)
        elif flags["evaluation_cost"] or flags["evaluation_accuracy"]:
            raise ValueError("evaluation_data: needed to monitor the evaluation cost or accuracy")
        labels = Y.argmax(axis=1)
        self._sync()
        results: dict[str, list[Any]] = {
            "evaluation_cost": [],
            "evaluation_accuracy": [],
            "training_cost": [],
            "training_accuracy": [],
        }

        def report(key: str, text: str, value: object) -> None:
            results[key].append(value)
            print(text.format(value))

        def after_epoch(j: int, eta_j: float, seconds: float) -> None:
            count = self._count_labels
            print(f"Epoch {j} training complete")
            if flags["training_cost"]:
                report("training_cost", "Cost on training data: {}", self._book_cost(X, Y, lmbda))
            if flags["training_accuracy"]:
                report(
                    "training_accuracy",
                    f"Accuracy on training data: {{}} / {len(Y)}",
                    count(X, labels),
                )
            if flags["evaluation_cost"]:
                report(
                    "evaluation_cost", "Cost on evaluation data: {}", self._book_cost(Xe, Ye, lmbda)
                )
            if flags["evaluation_accuracy"]:
                report(
                    "evaluation_accuracy",
                    f"Accuracy on evaluation data: {{}} / {len(Ye)}",
                    count(Xe, labels_e),
                )
            print()

        own = overridden(self, TRAINING_METHODS)
        if own:
            note_slow_path(self, own, "SGD", run.parallel)
        self._run(run, after_epoch, ENGLISH, course=bool(own), book_step=True)
        return (
            results["evaluation_cost"],
            results["evaluation_accuracy"],
            results["training_cost"],
            results["training_accuracy"],
        )

    def update_mini_batch(
        self, mini_batch: Labelled, eta: float, lmbda: float = 0.0, n: int | None = None
    ) -> None:
        """One step on ``mini_batch``, with network2's L2 term.

        Parameters
        ----------
        mini_batch : list of pairs ``(x, y)``
        eta, lmbda : float
        n : int, optional
            Size of the whole training set (default: the mini-batch's).

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
        >>> from fastnet import network2
        >>> net = network2.Network([2, 1])
        >>> net.update_mini_batch([(np.ones((2, 1)), np.ones((1, 1)))], 0.5, 5.0, 100)
        """
        self._update(mini_batch, eta, "mini_batch", lmbda, n)

    def accuracy(self, data: Labelled, convert: bool = False) -> int:
        """Number of pairs whose output's argmax is the label.

        Parameters
        ----------
        data : list of pairs ``(x, y)``, or ``(X, y)`` arrays
            ``y`` an int, or a one-hot or target column (its argmax).
        convert : bool
            Accepted for the book's calls; not needed.

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
        >>> from fastnet import network2
        >>> network2.Network([2, 2]).accuracy([(np.ones((2, 1)), 1)]) in (0, 1)
        True
        """
        X, Y, _ = _data.training_arrays(data, *self._n(), "data")
        self._sync()
        return self._count_labels(X, Y.argmax(axis=1))

    def _count_labels(self, X: Any, labels: Any) -> int:
        if overridden(self, ["feedforward"]):  # the book's accuracy calls it
            return count_through(self.feedforward, X, labels)
        return self._engine.count_correct(X, labels)

    def total_cost(self, data: Labelled, lmbda: float, convert: bool = False) -> np.float64:
        """Mean cost over ``data`` plus ``0.5 * lmbda / len(data) * sum ||w||^2``.

        Parameters
        ----------
        data : list of pairs ``(x, y)``, or ``(X, y)`` arrays
            Int labels count as one-hot targets.
        lmbda : float
        convert : bool
            Accepted for the book's calls; not needed.

        Returns
        -------
        numpy.float64
            As the book's (its sum starts at ``0.0`` and adds numpy
            numbers). It agrees with the book's formula to about 1e-14
            relative, not to the last bit: the sum runs in another order.

        Raises
        ------
        TypeError, ValueError
            Bad data or ``lmbda``.

        Examples
        --------
        >>> import numpy as np
        >>> from fastnet import network2
        >>> cost = network2.Network([2, 2]).total_cost([(np.ones((2, 1)), 1)], 0.0)
        >>> type(cost).__name__, bool(cost > 0)
        ('float64', True)
        """
        return np.float64(self._total_cost(data, lmbda))

    def _book_cost(self, X: Any, Y: Any, lmbda: float) -> np.float64:
        # a numpy number, as the book's monitored costs are
        return np.float64(self._cost(X, Y, lmbda))

    def save(self, filename: PathLike) -> None:
        """Write network2's JSON file.

        Parameters
        ----------
        filename : str or path
            Gets ``sizes``, ``weights``, ``biases`` (nested lists in the
            book's layout) and ``cost`` (the class's name).

        Returns
        -------
        None

        Raises
        ------
        ValueError
            The weights hold NaN or inf.
        OSError
            The file cannot be written.

        Examples
        --------
        >>> from fastnet import network2
        >>> network2.Network([2, 1]).save("/tmp/net2.json")
        >>> network2.load("/tmp/net2.json").sizes
        [2, 1]
        """
        check_path(filename, "filename")
        self._sync()
        write_json(
            {
                "sizes": [int(s) for s in self._engine.layout.sizes],
                "weights": [w.tolist() for w in self.weights],
                "biases": [b.tolist() for b in self.biases],
                "cost": self.cost.__name__,
            },
            filename,
        )

    def __repr__(self) -> str:
        return (
            f"Network({self.sizes!r}, cost={self.cost.__name__}, dtype={np.dtype(self.dtype).name})"
        )


def from_document(doc: dict[str, Any], filename: PathLike, draw: bool = False) -> Network:
    """The network of a network2 JSON document, checked.

    Nothing is drawn from ``np.random`` (``fastnet.charger``'s promise),
    unless ``draw``: then, as network2's ``load`` does, a new Network draws
    its initial values before the saved ones replace them, so that a
    chapter 3 script's later draws are the book's.

    Parameters
    ----------
    doc : dict
        The file's JSON object.
    filename : str or path
        The file, for the messages.
    draw : bool
        Draw initial values first, as network2's ``load`` does.

    Returns
    -------
    Network

    Raises
    ------
    ValueError
        A missing key, a bad cost, or a matrix of the wrong shape or with NaN
        (the message names the file).

    Examples
    --------
    >>> from_document({"sizes": [1, 1], "weights": [[[0.5]]], "biases": [[[0.0]]],
    ...                "cost": "QuadraticCost"}, "f.json").cost.__name__
    'QuadraticCost'
    """
    for key in ("sizes", "weights", "biases", "cost"):
        if key not in doc:
            raise ValueError(f"{filename}: missing key {key!r} (not a network2 file?)")
    sizes = checked_sizes(doc["sizes"], "sizes", filename)
    cost = COSTS.get(doc["cost"]) if isinstance(doc["cost"], str) else None
    if cost is None:
        raise ValueError(
            f"{filename}: cost: expected 'QuadraticCost' or 'CrossEntropyCost', got {doc['cost']!r}"
        )
    layers = list(zip(sizes[:-1], sizes[1:]))
    weights = matrices(doc["weights"], [(y, x) for x, y in layers], "weights", filename)
    biases = matrices(doc["biases"], [(y, 1) for _, y in layers], "biases", filename)
    if draw:  # values checked above: the draws happen only for a good file
        net = Network(sizes, cost=cost)
        net.weights, net.biases = weights, biases
        return net
    return Network._from_values(sizes, cost, biases, [w.T for w in weights])


def load(filename: PathLike) -> Network:
    """The network saved by :meth:`Network.save` (or network2's own).

    Like network2's ``load``, it builds a new Network, whose initial draws
    advance ``np.random``, then gives it the saved values; a script's later
    draws are the book's. ``fastnet.charger`` reads the same files drawing
    nothing.

    Parameters
    ----------
    filename : str or path

    Returns
    -------
    Network

    Raises
    ------
    ValueError
        Not a network2 file, or bad values in it.
    OSError
        The file cannot be read.

    Examples
    --------
    >>> from fastnet import network2
    >>> network2.Network([3, 2]).save("/tmp/n2.json")
    >>> network2.load("/tmp/n2.json").sizes
    [3, 2]
    """
    doc = read_json(check_path(filename, "filename"))
    if not isinstance(doc, dict):
        raise ValueError(f"{filename}: not a network2 file (expected a JSON object)")
    return from_document(doc, filename, draw=True)
