"""``Reseau``: the course's network, on compiled kernels."""
import random  # noqa: F401  (the course's DGS shuffles with the global random)

import numpy as np

from . import _data
from ._engine import DivergenceError, Engine, check_eta, is_finite, resolve_dtype

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


class _Facade:
    """What both facades share: the engine, parameter views and syncing."""

    # names of the weight/bias attributes and of the layer sizes, per facade
    _W = _B = "_"

    def _init_engine(self, sizes, dtype, parallel, biases, weights_in_out):
        self._engine = Engine(sizes, dtype)
        self.parallel = bool(parallel)
        self._set_params(biases, weights_in_out)

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

    def _update(self, mini_batch, eta, name):
        eta = check_eta(eta)
        X, Y, _ = _data.training_arrays(mini_batch, *self._n(), name)
        self._sync()
        params = self._engine.step(X, Y, eta)
        if not is_finite(params):
            raise DivergenceError(
                f"update_mini_batch: the step with eta = {eta!r} made the weights NaN "
                f"or inf; the weights are unchanged (try a smaller eta)", eta=eta)
        self._engine.params = params
        self._views()

    def _train(self, training_data, epochs, batch, eta, test_data, parallel,
               line, names, callback):
        # Everything is checked before the first change: a refused call
        # leaves the weights, the caller's list and `random` as they were.
        epochs = check_count(epochs, names[0], 0)
        batch = check_count(batch, names[1], 1)
        eta = check_eta(eta)
        parallel = check_flag(parallel, "parallel")
        if callback is not None and not callable(callback):
            raise TypeError(f"callback: expected a function callback(j, correct), "
                            f"got {type(callback).__name__}")
        X, Y, items = _data.training_arrays(training_data, *self._n(), names[2])
        if test_data is not None:
            Xt, lt = _data.test_arrays(test_data, *self._n(), names[3])
        self._sync()
        parallel = self.parallel if parallel is None else parallel
        # a mini-batch larger than the data is the whole data: the same
        # steps, and the kernels' scratch space stays bounded
        batch = min(batch, X.shape[0])
        order = np.arange(X.shape[0], dtype=np.int64)
        eng = self._engine
        epochs_run = eng.epochs(X, Y, order, epochs, batch, eta, parallel=parallel)
        try:
            for j in epochs_run:
                self._views()
                correct = None
                if test_data is not None:
                    correct = eng.count_correct(Xt, lt)
                    print(line[0].format(j, correct, len(lt)))
                else:
                    print(line[1].format(j))
                if callback is not None:
                    callback(j, correct)
        except DivergenceError as e:
            label = line[1].split()[0]  # "Époque" or "Epoch"
            kept = (f"after {label} {e.epoch - 1}" if e.epoch
                    else f"it had before {names[4]}")
            raise DivergenceError(
                f"{label} {e.epoch}: training diverged (weights became NaN or inf) with "
                f"eta = {eta!r}; the network keeps the weights {kept}. Try a smaller "
                f"eta, or look for huge values in {names[2]}.", epoch=e.epoch, eta=eta) from None
        finally:
            # close now, not when the traceback is freed: parallel training's
            # threads stop here
            epochs_run.close()
            self._views()
            if items is not None:
                # the course shuffles the caller's list in place
                items[:] = [items[i] for i in order]


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

    Attributes
    ----------
    nb_couches, tailles : as in the course.
    biais : list of arrays ``(tailles[l+1], 1)``.
    poids : list of arrays ``(tailles[l], tailles[l+1])`` (course layout:
        a layer computes ``sigmoide(poids[l].T @ a + biais[l])``).

    Initial values are drawn with ``np.random.uniform(-1, 1)`` in the
    course's order (all biases, then all weights), so that after
    ``np.random.seed(s)`` the network is the course's.
    """

    _W, _B = "poids", "biais"

    def __init__(self, tailles, dtype=np.float64, parallel=False):
        tailles_ok = check_sizes(tailles, "tailles")
        self._check_options(dtype, parallel)
        self.nb_couches = len(tailles_ok)
        self.tailles = tailles
        biais = [np.random.uniform(-1., 1., size=(y, 1)) for y in tailles_ok[1:]]
        poids = [np.random.uniform(-1., 1., size=(y, x))
                 for (y, x) in zip(tailles_ok[:-1], tailles_ok[1:])]
        self._init_engine(tailles_ok, dtype, parallel, biais, poids)

    @property
    def dtype(self):
        """Precision of the parameters (float64 or float32)."""
        return self._engine.dtype

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
            test_data=None, parallel=None, callback=None):
        """Stochastic gradient descent, as in the course.

        Each epoch shuffles the data like ``random.shuffle`` (a list passed
        in is shuffled in place, as in the course), cuts it into mini-batches
        of ``taille_mini_batch`` and steps ``w <- w - eta/m * sum of
        gradients`` of the quadratic cost, then prints
        ``Époque j: correct / n_test`` (with ``test_data``) or
        ``Époque j complete``. ``training_data`` and ``test_data`` may be
        lists or one-shot iterators (``zip``) of pairs, or ``(X, y)``
        arrays. ``parallel`` overrides the constructor's default.
        ``callback(j, correct)``, if given, is called after each epoch's line
        (``correct`` is None without ``test_data``).

        Every argument is checked before anything changes: a bad one raises
        ``TypeError`` or ``ValueError`` naming it (and the index of a bad
        pair) and leaves the network, the list and ``random`` untouched.
        An epoch whose weights become NaN or inf raises
        :class:`DivergenceError`; the network keeps the weights of the last
        whole epoch, as it does when interrupted (Ctrl-C).
        """
        self._train(training_data, nb_epoques, taille_mini_batch, eta, test_data,
                    parallel, ("Époque {0}: {1} / {2}", "Époque {0} complete"),
                    ("nb_epoques", "taille_mini_batch", "training_data", "test_data",
                     "DGS"),
                    callback)

    def update_mini_batch(self, mini_batch, eta):
        """One gradient step on the pairs of ``mini_batch``."""
        self._update(mini_batch, eta, "mini_batch")

    def backprop(self, x, y):
        """``(nabla_b, nabla_w)``: gradient of the quadratic cost for one
        example, shaped like ``biais`` and ``poids``."""
        return self._gradients(x, y)

    def __repr__(self):
        return f"Reseau({self.tailles!r}, dtype={np.dtype(self.dtype).name})"
