"""``Reseau``: the course's network, on compiled kernels."""
import random
import time

import numpy as np

from . import _data
from ._engine import DivergenceError, Engine, check_eta, is_finite, resolve_dtype
from ._knobs import (ACTIVATIONS, COUTS, HISTORY, INITS, STOP, Schedule, check_choice,
                     check_real, initial_params)

__all__ = ["Reseau", "DivergenceError", "sigmoide", "sigmoide_prime"]


def sigmoide(z):
    """The sigmoid 1 / (1 + exp(-z)), safe for any finite input.

    Same values as the course's formula; very negative inputs give 0 without
    numpy's overflow warning.
    """
    if isinstance(z, (list, tuple)):
        z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def sigmoide_prime(z):
    """Derivative of the sigmoid: sigmoide(z) * (1 - sigmoide(z))."""
    s = sigmoide(z)
    return s * (1 - s)


def check_sizes(sizes, name):
    """A list of at least two positive ints (a tuple, range or 1-D int
    array will do)."""
    if not (isinstance(sizes, (list, tuple, range))
            or (isinstance(sizes, np.ndarray) and sizes.ndim == 1)):
        raise TypeError(f"{name}: expected a list of layer sizes such as [784, 30, 10], "
                        f"got {type(sizes).__name__} {sizes!r}"[:200])
    out = []
    for i, s in enumerate(sizes):
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"{name}[{i}]: expected a positive int, got {s!r}")
        if s < 1:
            raise ValueError(f"{name}[{i}]: expected a positive int, got {s}")
        out.append(int(s))
    if len(out) < 2:
        raise ValueError(f"{name}: need at least two layers (inputs and outputs), "
                         f"got {list(sizes)}")
    return out


def check_count(value, name, minimum):
    """An int >= minimum (numpy ints too; not a bool, not a float such as 30.0)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}: expected an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: expected an int >= {minimum}, got {value}")
    return int(value)


def check_flag(value, name):
    """A bool (numpy's too); None stays None ("use the default")."""
    if value is None or isinstance(value, (bool, np.bool_)):
        return None if value is None else bool(value)
    raise TypeError(f"{name}: expected True or False, got {value!r}")


def new_engine(sizes, dtype, cost="quadratic", activation="sigmoid"):
    """An engine; softmax outputs go with the log-likelihood cost."""
    output = "softmax" if cost == "log_likelihood" else "sigmoid"
    return Engine(sizes, dtype, activation=activation, output=output, cost=cost)


class _Facade:
    """What both facades share: the engine, parameter views and syncing."""

    # names of the weight/bias attributes and of the layer sizes, per facade
    _W = _B = "_"

    def _init_engine(self, sizes, dtype, parallel, biases, weights_in_out,
                     cost="quadratic", activation="sigmoid"):
        self._engine = new_engine(sizes, dtype, cost, activation)
        self.parallel = bool(parallel)
        self._set_params(biases, weights_in_out)

    def _reconfigure(self, cost):
        """Another cost on the same parameters (the buffer is shared, so the
        views stay valid)."""
        self._sync()
        old = self._engine
        eng = new_engine([int(s) for s in old.layout.sizes], old.dtype, cost, old.activation)
        eng.params = old.params
        self._engine = eng

    @staticmethod
    def _check_options(dtype, parallel):
        """Checked before the initial draws, so that a refused call leaves
        ``np.random`` as it was."""
        resolve_dtype(dtype)
        if not isinstance(parallel, (bool, np.bool_)):
            raise TypeError(f"parallel: expected True or False, got {parallel!r}")

    # -- parameter views -------------------------------------------------
    def _weight_to_view(self, w):  # course layout (n_in, n_out) by default
        return w

    def _views(self):
        lay, buf = self._engine.layout, self._engine.params
        wviews = [self._weight_to_view(w) for w in lay.weight_views(buf)]
        bviews = lay.bias_views(buf)
        # one statement with no call in between: Ctrl-C cannot land halfway
        # and leave lists that _sync would take for user replacements
        self._wviews, self._bviews, self._wlist, self._blist = (
            wviews, bviews, list(wviews), list(bviews))

    def _set_params(self, biases, weights_in_out):
        eng = self._engine
        buf = np.empty_like(eng.params)
        for dst, src in zip(eng.layout.weight_views(buf), weights_in_out):
            dst[...] = src
        for dst, src in zip(eng.layout.bias_views(buf), biases):
            dst[...] = src
        eng.params = buf
        self._views()

    def _checked(self, values, views, name):
        if isinstance(values, np.ndarray) or not hasattr(values, "__len__"):
            raise TypeError(f"{name}: expected a list of {len(views)} arrays")
        if len(values) != len(views):
            raise ValueError(f"{name}: expected {len(views)} arrays, got {len(values)}")
        out = []
        for l, (v, ref) in enumerate(zip(values, views)):
            a = _data._asarray(v, f"{name}[{l}]")
            if a.dtype.kind not in "fiu":
                raise TypeError(f"{name}[{l}]: expected numbers, got dtype {a.dtype}")
            if a.shape != ref.shape:
                raise ValueError(f"{name}[{l}]: expected shape {ref.shape}, got {a.shape}")
            if not np.isfinite(a).all():
                raise ValueError(f"{name}[{l}]: contains NaN or inf")
            out.append(a)
        return out

    def _sync(self):
        """Take in list items the user replaced (``net.poids[0] = ...``)."""
        if (any(a is not b for a, b in zip(self._wlist, self._wviews))
                or any(a is not b for a, b in zip(self._blist, self._bviews))
                or len(self._wlist) != len(self._wviews)
                or len(self._blist) != len(self._bviews)):
            w = self._checked(self._wlist, self._wviews, self._W)
            b = self._checked(self._blist, self._bviews, self._B)
            self._set_params(b, [self._view_to_in_out(x) for x in w])
        if not np.isfinite(self._engine.params).all():
            raise ValueError(f"{self._W}/{self._B}: contain NaN or inf")

    def _view_to_in_out(self, w):
        return w

    def _set_weights(self, values):
        w = self._checked(values, self._wviews, self._W)
        self._sync()
        self._set_params(self._bviews, [self._view_to_in_out(x) for x in w])

    def _set_biases(self, values):
        b = self._checked(values, self._bviews, self._B)
        self._sync()
        self._set_params(b, self._engine.layout.weight_views(self._engine.params))

    # -- shared operations -----------------------------------------------
    def _n(self):
        sizes = self._engine.layout.sizes
        return int(sizes[0]), int(sizes[-1])

    def _forward(self, x, name):
        rows = _data.input_columns(x, self._n()[0], name)
        self._sync()
        out = self._engine.forward(rows)
        # a safety net: with finite weights and inputs the kernels' fused
        # multiply-adds saturate to +-inf rather than make NaN
        if not is_finite(out):
            raise FloatingPointError(f"{name}: the outputs overflowed to NaN "
                                     f"(inputs of magnitude {np.abs(rows).max():.3g})")
        return out.T.copy()

    def _count(self, test_data, name):
        X, labels = _data.test_arrays(test_data, *self._n(), name)
        self._sync()
        return self._engine.count_correct(X, labels)

    def _gradients(self, x, y):
        X, Y = _data.example(x, y, *self._n())
        self._sync()
        eng = self._engine
        grad = eng.gradient(X, Y)
        if not is_finite(grad):
            raise FloatingPointError("backprop: the gradient overflowed (NaN or inf); "
                                     "x or y hold huge values")
        nabla_b = [b.copy() for b in eng.layout.bias_views(grad)]
        nabla_w = [self._weight_to_view(w).copy() for w in eng.layout.weight_views(grad)]
        return nabla_b, nabla_w

    def _update(self, mini_batch, eta, name, lmbda=0.0, n=None):
        eta = check_eta(eta)
        lmbda = check_real(lmbda, "lmbda")
        if n is not None:
            n = check_count(n, "n", 1)
        X, Y, _ = _data.training_arrays(mini_batch, *self._n(), name)
        self._sync()
        params = self._engine.step(X, Y, eta, lmbda, n)
        if not is_finite(params):
            raise DivergenceError(
                f"update_mini_batch: the step with eta = {eta!r} made the weights NaN "
                f"or inf; the weights are unchanged (try a smaller eta)", eta=eta)
        self._engine.params = params
        self._views()

    def _total_cost(self, data, lmbda, name="data"):
        """Mean cost over ``data`` (int labels taken as one-hot targets) plus
        network2's L2 term ``0.5 * lmbda / len(data) * sum ||w||^2``."""
        lmbda = check_real(lmbda, "lmbda")
        X, Y, _ = _data.training_arrays(data, *self._n(), name)
        self._sync()
        return self._cost(X, Y, lmbda)

    def _cost(self, X, Y, lmbda):
        eng = self._engine
        cost = eng.total_cost(X, Y)
        if lmbda:
            squares = sum(float(np.dot(w.ravel(), w.ravel()))
                          for w in eng.layout.weight_views(eng.params.astype(np.float64)))
            cost += 0.5 * (lmbda / X.shape[0]) * squares
        return cost

    def _check_training(self, training_data, epochs, batch, eta, parallel, lmbda, mu,
                        names):
        """What every training entry checks and converts first: a refused
        call leaves the weights, the caller's list and `random` as they were."""
        epochs = check_count(epochs, names[0], 0)
        batch = check_count(batch, names[1], 1)
        eta = check_eta(eta)
        parallel = check_flag(parallel, "parallel")
        parallel = self.parallel if parallel is None else parallel
        lmbda = check_real(lmbda, "lmbda")
        mu = check_real(mu, "mu", below=1.0, example="0.9")
        if mu and parallel:
            raise ValueError("mu: momentum is not available with parallel training "
                             "(averaged replicas have no single velocity)")
        X, Y, items = _data.training_arrays(training_data, *self._n(), names[2])
        return X, Y, items, epochs, batch, eta, parallel, lmbda, mu

    def _run(self, X, Y, items, epochs, batch, eta, parallel, lmbda, mu, after_epoch,
             label, entry, data_name, rng=None):
        """Train for ``epochs``, calling ``after_epoch(j, eta, seconds)`` once
        each epoch is committed (``seconds``: that epoch's training alone).
        It returns None to go on, STOP, or a new eta; a new eta starts a new
        run of the engine (momentum's velocity restarts at zero)."""
        n = X.shape[0]
        # a mini-batch larger than the data is the whole data: the same
        # steps, and the kernels' scratch space stays bounded
        batch = min(batch, n)
        order = np.arange(n, dtype=np.int64)
        j = 0
        try:
            while j < epochs:
                run = self._engine.epochs(X, Y, order, epochs - j, batch, eta,
                                          parallel=parallel, lmbda=lmbda, n_total=n, mu=mu,
                                          rng=rng)
                verdict = None
                try:
                    start = time.perf_counter()
                    for _ in run:
                        seconds = time.perf_counter() - start - self._engine.epoch_compile_s
                        self._views()
                        verdict = after_epoch(j, eta, seconds)
                        j += 1
                        if verdict is not None:
                            break
                        start = time.perf_counter()
                finally:
                    # close now, not when the traceback is freed: parallel
                    # training's threads stop here
                    run.close()
                if verdict is STOP:
                    break
                if verdict is not None:
                    eta = verdict
        except DivergenceError:
            kept = f"after {label} {j - 1}" if j else f"it had before {entry}"
            raise DivergenceError(
                f"{label} {j}: training diverged (weights became NaN or inf) with "
                f"eta = {eta!r}; the network keeps the weights {kept}. Try a smaller "
                f"eta, or look for huge values in {data_name}.", epoch=j, eta=eta) from None
        finally:
            self._views()
            if items is not None:
                # the course shuffles the caller's list in place
                items[:] = [items[i] for i in order]

    def _train(self, training_data, epochs, batch, eta, test_data, parallel,
               line, names, callback, lmbda=0.0, mu=0.0, validation_data=None,
               patience=None, halve_after=None, verbose=True, track_cost=False,
               rng=None):
        """The course's DGS (and network.py's SGD) with the knobs; returns
        the history (see Reseau.DGS)."""
        if callback is not None and not callable(callback):
            raise TypeError(f"callback: expected a function callback(j, correct), "
                            f"got {type(callback).__name__}")
        if rng is not None and not isinstance(rng, random.Random):
            raise TypeError(f"rng: expected a random.Random, got {type(rng).__name__}")
        X, Y, items, epochs, batch, eta, parallel, lmbda, mu = self._check_training(
            training_data, epochs, batch, eta, parallel, lmbda, mu, names)
        patience = None if patience is None else check_count(patience, "arret_precoce", 1)
        halve_after = (None if halve_after is None
                       else check_count(halve_after, "reduction_eta", 1))
        if validation_data is None and (patience or halve_after):
            which = "arret_precoce" if patience else "reduction_eta"
            raise ValueError(f"{which}: needs validation_data (the accuracy it watches is "
                             f"measured on data kept out of training, never on test_data)")
        for flag, flag_name in ((verbose, "verbose"), (track_cost, "suivre_cout")):
            if check_flag(flag, flag_name) is None:
                raise TypeError(f"{flag_name}: expected True or False, got None")
        if test_data is not None:
            Xt, lt = _data.test_arrays(test_data, *self._n(), names[3])
        if validation_data is not None:
            Xv, lv = _data.test_arrays(validation_data, *self._n(), "validation_data")
        self._sync()
        history = {key: [] for key in HISTORY}
        schedule = Schedule(eta, patience, halve_after)

        def after_epoch(j, eta_j, seconds):
            eng = self._engine
            compiled = eng.epoch_compile_s - eng.compile_seconds()
            correct = eng.count_correct(Xt, lt) if test_data is not None else None
            valid = eng.count_correct(Xv, lv) if validation_data is not None else None
            if verbose:
                print(line[1].format(j) if correct is None
                      else line[0].format(j, correct, len(lt)))
            p_test = None if correct is None else correct / len(lt)
            p_valid = None if valid is None else valid / len(lv)
            for key, value in (("epoque", j), ("precision", p_test if valid is None else p_valid),
                               ("precision_test", p_test), ("precision_validation", p_valid),
                               ("cout", self._cost(X, Y, lmbda) if track_cost else None),
                               ("secondes", seconds), ("eta", eta_j),
                               ("compilation", compiled + eng.compile_seconds())):
                history[key].append(value)
            if callback is not None:
                callback(j, correct)
            return None if valid is None else schedule.update(valid)

        label = line[1].split()[0]  # "Époque" or "Epoch"
        self._run(X, Y, items, epochs, batch, eta, parallel, lmbda, mu, after_epoch,
                  label, names[4], names[2], rng)
        return history


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

    def __init__(self, tailles, dtype=np.float64, parallel=False, cout="quadratique",
                 activation="sigmoide", init="uniforme"):
        tailles_ok = check_sizes(tailles, "tailles")
        self._check_options(dtype, parallel)
        check_choice(cout, "cout", tuple(COUTS))
        check_choice(activation, "activation", tuple(ACTIVATIONS))
        check_choice(init, "init", INITS)
        biais, poids = initial_params(tailles_ok, init)
        self._setup(tailles, tailles_ok, dtype, parallel, cout, activation, init, biais, poids)

    def _setup(self, tailles, tailles_ok, dtype, parallel, cout, activation, init,
               biais, poids):
        self.nb_couches = len(tailles_ok)
        self.tailles = tailles
        self._knobs = (cout, activation, init)
        self._init_engine(tailles_ok, dtype, parallel, biais, poids,
                          COUTS[cout], ACTIVATIONS[activation])

    @classmethod
    def _with_params(cls, tailles, biais, poids, dtype=np.float64, parallel=False,
                     cout="quadratique", activation="sigmoide", init="uniforme"):
        """A network with the given (checked) parameters; draws nothing."""
        net = cls.__new__(cls)
        net._setup(tailles, tailles, dtype, parallel, cout, activation, init, biais, poids)
        return net

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
        (that epoch's training time, evaluations and compilation excluded),
        ``eta`` and ``compilation`` (seconds that epoch spent compiling the
        kernels or loading them from Numba's cache: the first epoch of a
        process, else 0). ``fastnet.plots.courbes(history)`` draws it.

        Every argument is checked before anything changes: a bad one raises
        ``TypeError`` or ``ValueError`` naming it (and the index of a bad
        pair) and leaves the network, the list and ``random`` untouched.
        An epoch whose weights become NaN or inf raises
        :class:`DivergenceError`; the network keeps the weights of the last
        whole epoch, as it does when interrupted (Ctrl-C).
        """
        return self._train(training_data, nb_epoques, taille_mini_batch, eta, test_data,
                           parallel, ("Époque {0}: {1} / {2}", "Époque {0} complete"),
                           ("nb_epoques", "taille_mini_batch", "training_data", "test_data",
                            "DGS"),
                           callback, lmbda, mu, validation_data, arret_precoce,
                           reduction_eta, verbose, suivre_cout, rng)

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
        from .io import sauvegarder
        sauvegarder(self, fichier)

    def __repr__(self):
        knobs = "".join(f", {name}={value!r}" for name, value, default in zip(
            ("cout", "activation", "init"), self._knobs,
            ("quadratique", "sigmoide", "uniforme")) if value != default)
        return f"Reseau({self.tailles!r}, dtype={np.dtype(self.dtype).name}{knobs})"
