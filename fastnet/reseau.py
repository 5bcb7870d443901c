"""``Reseau``: the course's network, on compiled kernels."""
import numpy as np

from ._draws import initial_params
from ._engine import DivergenceError
from ._jsonfile import checked_choice, read_params, write_json
from ._knobs import ACTIVATIONS, ACTIVATIONS_FR, COSTS, COUTS, INITS
from ._model import FRENCH, TrainOptions, _Facade
from ._validation import check_choice, check_sizes
from .cours import sigmoide, sigmoide_prime

__all__ = ["Reseau", "DivergenceError", "sigmoide", "sigmoide_prime"]

# the knobs a Reseau keeps, with their allowed values and defaults
KNOB_CHOICES = (("cout", tuple(COUTS)), ("activation", tuple(ACTIVATIONS_FR)), ("init", INITS))
KNOB_DEFAULTS = (COSTS[0].fr, ACTIVATIONS[0].fr, INITS[0])


class Reseau(_Facade):
    """The course's sigmoid network, trained by compiled mini-batch SGD.

    Parameters
    ----------
    tailles : list of int
        Layer sizes, inputs first, e.g. ``[784, 30, 10]``.
    dtype : {numpy.float64, numpy.float32}
        Precision of the parameters. float64 (the default) reproduces the
        course's results to 1e-9; float32 is faster.
    parallel : bool
        Default for ``DGS(..., parallel=...)``: train with the parallel
        epoch loop (see the README, "Parallel training").
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

    The defaults are the course's network. Attributes: ``nb_couches``,
    ``tailles``, ``cout``, ``activation``, ``init``, ``biais`` (arrays
    ``(tailles[l+1], 1)``) and ``poids`` (arrays ``(tailles[l],
    tailles[l+1])``, the course's layout: a layer computes
    ``f(poids[l].T @ a + biais[l])``).

    With ``init="uniforme"`` the values are ``np.random.uniform(-1, 1)``
    draws in the course's order (all biases, then all weights), so that
    after ``np.random.seed(s)`` the network is the course's. ``gauss`` and
    ``gauss_normalise`` draw what ``network.py`` and ``network2.py`` draw.
    """

    _W, _B = "poids", "biais"

    def __init__(self, tailles, dtype=np.float64, parallel=False, cout=KNOB_DEFAULTS[0],
                 activation=KNOB_DEFAULTS[1], init=KNOB_DEFAULTS[2]):
        tailles_ok = check_sizes(tailles, "tailles")
        self._check_options(dtype, parallel)
        for value, (name, choices) in zip((cout, activation, init), KNOB_CHOICES):
            check_choice(value, name, choices)
        biais, poids = initial_params(tailles_ok, init)
        self._setup(tailles, tailles_ok, dtype, parallel, cout, activation, init, biais, poids)

    def _setup(self, tailles, tailles_ok, dtype, parallel, cout, activation, init,
               biais, poids):
        self.nb_couches = len(tailles_ok)
        self.tailles = tailles
        self._knobs = (cout, activation, init)
        self._init_engine(tailles_ok, dtype, parallel, biais, poids,
                          COUTS[cout], ACTIVATIONS_FR[activation])

    @classmethod
    def _from_document(cls, doc, fichier):
        """The network of a fastnet file's JSON object (header checked by the
        caller), every value checked; draws nothing."""
        tailles, dtype, parallel, biais, poids = read_params(doc, fichier)
        cout, activation, init = (checked_choice(doc, name, choices, fichier)
                                  for name, choices in KNOB_CHOICES)
        net = cls.__new__(cls)
        net._setup(tailles, tailles, dtype, parallel, cout, activation, init, biais, poids)
        return net

    def _to_document(self):
        return self._document("Reseau", dict(zip(("cout", "activation", "init"), self._knobs)))

    @property
    def dtype(self):
        """Precision of the parameters (float64 or float32)."""
        return self._engine.dtype

    @property
    def cout(self):
        """The cost: quadratique, entropie_croisee or log_vraisemblance."""
        return self._knobs[0]

    @property
    def activation(self):
        """The hidden layers' activation: sigmoide, tanh or relu."""
        return self._knobs[1]

    @property
    def init(self):
        """How the initial values were drawn."""
        return self._knobs[2]

    @property
    def poids(self):
        """Weights, ``poids[l]`` of shape ``(tailles[l], tailles[l+1])``."""
        return self._wlist

    @poids.setter
    def poids(self, values):
        self._set_weights(values)

    @property
    def biais(self):
        """Biases, ``biais[l]`` of shape ``(tailles[l+1], 1)``."""
        return self._blist

    @biais.setter
    def biais(self, values):
        self._set_biases(values)

    def forward(self, x):
        """Output of the network for ``x`` of shape ``(tailles[0], 1)``
        (one example) or ``(tailles[0], m)`` (m examples as columns); a 1-D
        ``x`` of length ``tailles[0]`` is taken as a column."""
        return self._forward(x, "x")

    def evaluer(self, test_data):
        """Number of pairs ``(x, y)`` whose output's argmax equals ``y``
        (an int label or a one-hot column)."""
        return self._count(test_data, "test_data")

    def DGS(self, training_data, nb_epoques, taille_mini_batch, eta,
            test_data=None, parallel=None, callback=None, *, lmbda=0.0, mu=0.0,
            validation_data=None, arret_precoce=None, reduction_eta=None,
            verbose=True, suivre_cout=False, rng=None):
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

        Returns a dict of per-epoch lists: ``epoque``, ``precision`` (the
        fraction right on ``validation_data`` if given, else on
        ``test_data``, else None), ``precision_test``,
        ``precision_validation`` (None without that data), ``cout`` (the
        training cost, L2 term included, with ``suivre_cout=True``: one more
        pass over the training data per epoch; else None), ``secondes``
        (that epoch's training time, evaluations excluded) and ``eta``.
        ``fastnet.plots.courbes(history)`` draws it.

        Every argument is checked before anything changes: a bad one raises
        ``TypeError`` or ``ValueError`` naming it (and the index of a bad
        pair) and leaves the network, the list and ``random`` untouched.
        An epoch whose weights become NaN or inf raises
        :class:`DivergenceError`; the network keeps the weights of the last
        whole epoch, as it does when interrupted (Ctrl-C).
        """
        opts = TrainOptions(test_data, parallel, callback, lmbda, mu, validation_data,
                            arret_precoce, reduction_eta, verbose, suivre_cout, rng)
        return self._train(training_data, nb_epoques, taille_mini_batch, eta, FRENCH, opts)

    def update_mini_batch(self, mini_batch, eta, lmbda=0.0, n=None):
        """One gradient step on the pairs of ``mini_batch``; with ``lmbda``,
        network2's L2 step, ``n`` being the size of the whole training set
        (default: the mini-batch's)."""
        self._update(mini_batch, eta, "mini_batch", lmbda, n)

    def backprop(self, x, y):
        """``(nabla_b, nabla_w)``: gradient of the cost for one example,
        shaped like ``biais`` and ``poids``."""
        return self._gradients(x, y)

    def cout_total(self, data, lmbda=0.0):
        """Mean cost over the pairs of ``data`` (int labels count as one-hot
        targets), plus ``0.5 * lmbda / len(data) * sum ||w||^2``."""
        return self._total_cost(data, lmbda)

    def sauvegarder(self, fichier):
        """Write the network to ``fichier`` (JSON; see :mod:`fastnet.io`);
        ``fastnet.charger(fichier)`` reads it back."""
        write_json(self._to_document(), fichier)

    def __repr__(self):
        knobs = "".join(f", {name}={value!r}" for name, value, default in zip(
            ("cout", "activation", "init"), self._knobs, KNOB_DEFAULTS) if value != default)
        return f"Reseau({self.tailles!r}, dtype={np.dtype(self.dtype).name}{knobs})"
