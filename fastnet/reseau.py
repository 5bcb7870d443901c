"""``Reseau``: the course's network, on compiled kernels."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import numpy as np

from ._draws import drawing, initial_params
from ._engine import DivergenceError
from ._jsonfile import checked_choice, read_params, write_json
from ._knobs import ACTIVATIONS, ACTIVATIONS_FR, COSTS, COUTS, INITS
from ._model import _Facade
from ._options import FRENCH, TrainOptions
from ._typing import ArrayLike, DTypeLike, FloatArray, Labelled, PathLike, Sizes
from ._validation import check_choice, check_path, check_sizes
from .cours import sigmoide, sigmoide_prime
from .historique import Historique
from .reference import cout_exemple

__all__ = ["Reseau", "DivergenceError", "sigmoide", "sigmoide_prime"]

# the knobs a Reseau keeps, with their allowed values and defaults
KNOB_CHOICES = (("cout", tuple(COUTS)), ("activation", tuple(ACTIVATIONS_FR)), ("init", INITS))
KNOB_DEFAULTS = (COSTS[0].fr, ACTIVATIONS[0].fr, INITS[0])


class Reseau(_Facade):
    """The course's sigmoid network, trained by compiled mini-batch SGD.

    The defaults are the course's network. Attributes: ``nb_couches``,
    ``tailles``, ``cout``, ``activation``, ``init``, ``biais`` (arrays
    ``(tailles[l+1], 1)``) and ``poids`` (arrays ``(tailles[l],
    tailles[l+1])``, the course's layout: a layer computes
    ``f(poids[l].T @ a + biais[l])``).

    With ``init="uniforme"`` the values are ``np.random.uniform(-1, 1)``
    draws in the course's order (all biases, then all weights), so that
    after ``np.random.seed(s)`` the network is the course's. ``gauss`` and
    ``gauss_normalise`` draw what ``network.py`` and ``network2.py`` draw.

    Parameters
    ----------
    tailles : list of int
        Layer sizes, inputs first, e.g. ``[784, 30, 10]``.
    dtype : {numpy.float64, numpy.float32}
        Precision of the parameters. float64 (the default) reproduces the
        course's results to 1e-9; float32 is faster.
    parallel : bool
        Default for ``DGS(..., parallel=...)``: train with the parallel
        epoch loop (see [Parallel training](../fidelity.md#parallel-training)
        in docs/fidelity.md).
    cout : {"quadratique", "entropie_croisee", "log_vraisemblance"}
        The cost: the course's quadratic one, cross-entropy (sigmoid
        outputs), or the log-likelihood of softmax outputs.
    activation : {"sigmoide", "tanh", "relu"}
        The hidden layers' activation (the output layer is sigmoid, or
        softmax with ``log_vraisemblance``).
    init : {"uniforme", "gauss", "gauss_normalise", "xavier", "he"}
        Initial values: the course's uniform(-1, 1); N(0, 1) (Nielsen's
        ``network.py``); N(0, 1/n_in) weights and N(0, 1) biases (his
        ``network2.py``); Glorot's uniform(+-sqrt(6/(n_in+n_out))) or He's
        N(0, 2/n_in) weights with zero biases.

    Raises
    ------
    TypeError, ValueError
        A bad argument, named in the message; nothing is drawn from
        ``np.random`` then.

    Examples
    --------
    >>> import numpy as np
    >>> from fastnet import Reseau
    >>> np.random.seed(0)
    >>> net = Reseau([2, 3, 1])
    >>> net.poids[0].shape, net.biais[0].shape
    ((2, 3), (3, 1))
    >>> Reseau([784, 30, 10], cout="entropie_croisee")
    Reseau([784, 30, 10], dtype=float64, cout='entropie_croisee')
    """

    _W, _B = "poids", "biais"
    # what the course's evaluation calls (a subclass may override them)
    _FORWARD, _EVALUATE = "forward", "evaluer"

    def __init__(
        self,
        tailles: Sizes,
        dtype: DTypeLike = np.float64,
        parallel: bool = False,
        cout: str = KNOB_DEFAULTS[0],
        activation: str = KNOB_DEFAULTS[1],
        init: str = KNOB_DEFAULTS[2],
    ) -> None:
        tailles_ok = check_sizes(tailles, "tailles")
        self._check_options(dtype, parallel)
        for value, (name, choices) in zip((cout, activation, init), KNOB_CHOICES):
            check_choice(value, name, choices)
        with drawing(tailles_ok, dtype, "tailles"):  # refuses what cannot fit, first
            biais, poids = initial_params(tailles_ok, init)
            self._setup(tailles, tailles_ok, dtype, parallel, cout, activation, init, biais, poids)

    def _setup(
        self,
        tailles: Sizes,
        tailles_ok: list[int],
        dtype: DTypeLike,
        parallel: bool,
        cout: str,
        activation: str,
        init: str,
        biais: list[Any],
        poids: list[Any],
    ) -> None:
        self.nb_couches = len(tailles_ok)
        self.tailles = tailles
        self._knobs = (cout, activation, init)
        self._init_engine(
            tailles_ok, dtype, parallel, biais, poids, COUTS[cout], ACTIVATIONS_FR[activation]
        )

    @classmethod
    def _from_document(cls, doc: dict[str, Any], fichier: PathLike) -> Reseau:
        """The network of a fastnet file's JSON object (header checked by the
        caller), every value checked; draws nothing."""
        tailles, dtype, parallel, biais, poids = read_params(doc, fichier)
        cout, activation, init = (
            checked_choice(doc, name, choices, fichier) for name, choices in KNOB_CHOICES
        )
        net = cls.__new__(cls)
        net._setup(tailles, tailles, dtype, parallel, cout, activation, init, biais, poids)
        return net

    def _example_cost(self, a: FloatArray, y: FloatArray) -> float:
        return cout_exemple(self.cout, a, y)

    def _to_document(self) -> dict[str, Any]:
        return self._document("Reseau", dict(zip(("cout", "activation", "init"), self._knobs)))

    @property
    def dtype(self) -> type[np.floating[Any]]:
        """Precision of the parameters (float64 or float32)."""
        return self._engine.dtype

    @property
    def cout(self) -> str:
        """The cost: quadratique, entropie_croisee or log_vraisemblance."""
        return self._knobs[0]

    @property
    def activation(self) -> str:
        """The hidden layers' activation: sigmoide, tanh or relu."""
        return self._knobs[1]

    @property
    def init(self) -> str:
        """How the initial values were drawn."""
        return self._knobs[2]

    @property
    def poids(self) -> list[FloatArray]:
        """Weights, ``poids[l]`` of shape ``(tailles[l], tailles[l+1])``."""
        return self._wlist

    @poids.setter
    def poids(self, values: list[ArrayLike]) -> None:
        self._set_weights(values)

    @property
    def biais(self) -> list[FloatArray]:
        """Biases, ``biais[l]`` of shape ``(tailles[l+1], 1)``."""
        return self._blist

    @biais.setter
    def biais(self, values: list[ArrayLike]) -> None:
        self._set_biases(values)

    def forward(self, x: ArrayLike) -> FloatArray:
        """Output of the network.

        Parameters
        ----------
        x : array
            One example as a column ``(tailles[0], 1)``, m examples as
            columns ``(tailles[0], m)``, or a 1-D array of length
            ``tailles[0]`` (taken as a column).

        Returns
        -------
        numpy.ndarray
            ``(tailles[-1], 1)`` or ``(tailles[-1], m)``.

        Raises
        ------
        TypeError, ValueError
            ``x`` is not numbers of that shape, or holds NaN or inf.

        Examples
        --------
        >>> import numpy as np
        >>> from fastnet import Reseau
        >>> Reseau([2, 3, 1]).forward(np.zeros((2, 4))).shape
        (1, 4)
        """
        return self._forward(x, "x")

    def evaluer(self, test_data: Labelled) -> int:
        """Number of examples whose output's argmax is the right digit.

        Parameters
        ----------
        test_data : list or iterator of pairs ``(x, y)``, or ``(X, y)`` arrays
            ``y`` an int label or a one-hot column.

        Returns
        -------
        int

        Raises
        ------
        TypeError, ValueError
            Bad pairs (the message names the first bad one).

        Examples
        --------
        >>> import numpy as np
        >>> from fastnet import Reseau
        >>> net = Reseau([2, 3, 2])
        >>> 0 <= net.evaluer((np.zeros((5, 2)), np.zeros(5, dtype=int))) <= 5
        True
        """
        return self._count(test_data, "test_data")

    def DGS(
        self,
        training_data: Labelled,
        nb_epoques: int,
        taille_mini_batch: int,
        eta: float,
        test_data: Labelled | None = None,
        parallel: bool | None = None,
        callback: Callable[[int, int | None], object] | None = None,
        *,
        lmbda: float = 0.0,
        mu: float = 0.0,
        validation_data: Labelled | None = None,
        arret_precoce: int | None = None,
        reduction_eta: int | None = None,
        verbose: bool = True,
        suivre_cout: bool = False,
        rng: random.Random | None = None,
    ) -> Historique:
        """Stochastic gradient descent, as in the course; returns the history.

        Each epoch shuffles the data like ``random.shuffle`` (a list passed
        in is shuffled in place, as in the course), cuts it into mini-batches
        of ``taille_mini_batch`` and steps ``w <- w - eta/m * sum of
        gradients`` of the cost, then prints ``Époque j: correct / n_test``
        (with ``test_data``) or ``Époque j complete`` (nothing with
        ``verbose=False``). ``training_data``, ``test_data`` and
        ``validation_data`` may be lists or one-shot iterators (``zip``) of
        pairs, or ``(X, y)`` arrays. ``parallel`` overrides the
        constructor's default. ``callback(j, correct)``, if given, is called
        after each epoch's line (``correct`` is None without ``test_data``).

        Beyond the course (keyword only): ``lmbda``, L2 regularisation as in
        network2 (weights scaled by ``1 - eta * lmbda / n`` at each step,
        ``n = len(training_data)``; biases are not); ``mu``, momentum
        (``v <- mu * v - eta/m * gradient``, ``w <- w + v``; not with
        ``parallel``). Watching the accuracy on ``validation_data`` (never
        trained on): ``arret_precoce=n`` stops when it has not improved for
        n epochs; ``reduction_eta=n`` halves eta when it has not improved
        for n epochs, and stops when eta has dropped to eta/128 (network2's
        chapter 3 schedule; momentum's velocity restarts at each halving).
        ``rng``: a ``random.Random`` to draw the shuffles from instead of the
        global ``random`` (the course's); ``random.Random(s)`` draws what
        ``random.seed(s)`` would, whatever other code does with ``random``.
        The shuffles replay ``random.Random``'s own generator from its
        state, so a subclass (``random.SystemRandom``, or one with its own
        ``shuffle`` or ``random``) is refused with a ``TypeError``.

        Returns a :class:`~fastnet.Historique`, a dict of per-epoch lists:
        ``epoque``, ``precision`` (the
        fraction right on ``validation_data`` if given, else on
        ``test_data``, else None), ``precision_test``,
        ``precision_validation`` (None without that data), ``cout`` (the
        training cost, L2 term included, with ``suivre_cout=True``: one more
        pass over the training data per epoch; else None), ``secondes``
        (that epoch's training time, evaluations and compilation excluded),
        ``eta`` and ``compilation`` (seconds that epoch spent compiling the
        kernels or loading them from Numba's cache: the first epoch of a
        process, else 0). ``fastnet.plots.courbes(history)`` draws it.

        Parameters
        ----------
        training_data : list or iterator of pairs ``(x, y)``, or ``(X, y)`` arrays
            The examples trained on (a list is shuffled in place).
        nb_epoques : int
            Number of epochs (0 trains nothing).
        taille_mini_batch : int
            Examples per gradient step.
        eta : float
            Learning rate, > 0.
        test_data, validation_data : like ``training_data``, optional
            Counted after each epoch, never trained on.
        parallel : bool, optional
            Overrides the constructor's ``parallel``.
        callback : callable, optional
            ``callback(j, correct)`` after each epoch.
        lmbda, mu : float
            L2 regularisation (>= 0) and momentum (in [0, 1)).
        arret_precoce, reduction_eta : int, optional
            Early stopping and eta halving after that many epochs without
            progress on ``validation_data``.
        verbose, suivre_cout : bool
            Print the epoch lines; record the training cost.
        rng : random.Random, optional
            Where the shuffles come from (exactly a ``random.Random``, not
            a subclass; the ``random`` module means the global one).

        Returns
        -------
        Historique
            The history described above (a dict of lists, one line at the prompt).

        Raises
        ------
        TypeError, ValueError
            A bad argument, named in the message (with the index of a bad
            pair); the network, the list and ``random`` are left untouched.
        DivergenceError
            An epoch made the weights NaN or inf; the network keeps the
            weights of the last whole epoch, as it does when interrupted
            (Ctrl-C).

        Examples
        --------
        >>> import numpy as np
        >>> from fastnet import Reseau
        >>> X, y = np.random.rand(20, 4), np.random.randint(0, 2, 20)
        >>> h = Reseau([4, 5, 2]).DGS((X, y), 2, 5, 3.0, test_data=(X, y), verbose=False)
        >>> h["epoque"]
        [0, 1]
        """
        opts = TrainOptions(
            test_data,
            parallel,
            callback,
            lmbda,
            mu,
            validation_data,
            arret_precoce,
            reduction_eta,
            verbose,
            suivre_cout,
            rng,
        )
        return Historique(
            self._train(training_data, nb_epoques, taille_mini_batch, eta, FRENCH, opts)
        )

    def update_mini_batch(
        self, mini_batch: Labelled, eta: float, lmbda: float = 0.0, n: int | None = None
    ) -> None:
        """One gradient step on the pairs of ``mini_batch``.

        Parameters
        ----------
        mini_batch : list of pairs ``(x, y)``, or ``(X, y)`` arrays
            The examples of the step.
        eta : float
            Learning rate, > 0.
        lmbda : float
            network2's L2 step (weights scaled by ``1 - eta * lmbda / n``).
        n : int, optional
            Size of the whole training set (default: the mini-batch's).

        Returns
        -------
        None

        Raises
        ------
        TypeError, ValueError
            A bad argument; the weights are unchanged.
        DivergenceError
            The step would make the weights NaN or inf; they are unchanged.

        Examples
        --------
        >>> import numpy as np
        >>> from fastnet import Reseau
        >>> net = Reseau([2, 3, 1])
        >>> net.update_mini_batch([(np.ones((2, 1)), np.ones((1, 1)))], 3.0)
        """
        self._update(mini_batch, eta, "mini_batch", lmbda, n)

    def backprop(self, x: ArrayLike, y: ArrayLike) -> tuple[list[FloatArray], list[FloatArray]]:
        """Gradient of the cost for one example.

        Parameters
        ----------
        x : array ``(tailles[0], 1)``
            The input.
        y : array ``(tailles[-1], 1)`` or int
            The target (an int label counts as one-hot).

        Returns
        -------
        nabla_b, nabla_w : list of numpy.ndarray
            Shaped like ``biais`` and ``poids``.

        Raises
        ------
        TypeError, ValueError
            Bad shapes or values.
        FloatingPointError
            The gradient overflowed.

        Examples
        --------
        >>> import numpy as np
        >>> from fastnet import Reseau
        >>> nb, nw = Reseau([2, 3, 1]).backprop(np.ones((2, 1)), np.ones((1, 1)))
        >>> nw[0].shape
        (2, 3)
        """
        return self._gradients(x, y)

    def cout_total(self, data: Labelled, lmbda: float = 0.0) -> float:
        """Mean cost over ``data``, plus the L2 term.

        Parameters
        ----------
        data : list of pairs ``(x, y)``, or ``(X, y)`` arrays
            Int labels count as one-hot targets.
        lmbda : float
            Adds ``0.5 * lmbda / len(data) * sum ||w||^2``.

        Returns
        -------
        float

        Raises
        ------
        TypeError, ValueError
            Bad data or ``lmbda``.

        Examples
        --------
        >>> import numpy as np
        >>> from fastnet import Reseau
        >>> Reseau([2, 3, 1]).cout_total([(np.ones((2, 1)), np.ones((1, 1)))]) >= 0
        True
        """
        return self._total_cost(data, lmbda)

    def sauvegarder(self, fichier: PathLike) -> None:
        """Write the network to a JSON file (see :mod:`fastnet.io`).

        Parameters
        ----------
        fichier : str or path
            Where to write it; ``fastnet.charger(fichier)`` reads it back.

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
        >>> from fastnet import Reseau, charger
        >>> Reseau([2, 3, 1]).sauvegarder("/tmp/net.json")
        >>> charger("/tmp/net.json")
        Reseau([2, 3, 1], dtype=float64)
        """
        write_json(self._to_document(), check_path(fichier, "fichier"))

    def __repr__(self) -> str:
        knobs = "".join(
            f", {name}={value!r}"
            for name, value, default in zip(
                ("cout", "activation", "init"), self._knobs, KNOB_DEFAULTS
            )
            if value != default
        )
        return f"Reseau({self.tailles!r}, dtype={np.dtype(self.dtype).name}{knobs})"
