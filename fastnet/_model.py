"""What the facades share: the engine behind them, their parameter views
and the training loop (its options, wording and schedule are in
:mod:`fastnet._options`, the initial draws in :mod:`fastnet._draws`).

``Reseau`` (French), ``Network`` and ``network2.Network`` (English) differ only in names,
layouts and printed lines; each gives :meth:`_Facade._train` its vocabulary and options.
"""

import copy
import time
from typing import Any

import numpy as np

from . import _data
from ._engine import DivergenceError, Engine, is_finite
from ._jsonfile import header
from ._options import HISTORY, STOP, Run, Schedule
from ._training import (
    TRAINING_METHODS,
    Diverged,
    backprop_sums,
    check_unchanged,
    cost_through,
    count_through,
    course_epochs,
    diverged,
    divergence,
    divergence_reason,
    example_pairs,
    labelled_pairs,
    list_change,
    note_slow_path,
    overridden,
)
from ._validation import (
    check_bool,
    check_callable,
    check_count,
    check_eta,
    check_flag,
    check_real,
    check_rng,
    resolve_dtype,
)
from .reference import cout_exemple


def new_engine(sizes, dtype, cost="quadratic", activation="sigmoid"):
    """An engine for a facade; softmax outputs go with the log-likelihood cost.

    Parameters
    ----------
    sizes : list of int
        Layer sizes.
    dtype : numpy.float64 or numpy.float32
    cost, activation : str
        English names (see :mod:`fastnet._knobs`).

    Returns
    -------
    fastnet._engine.Engine

    Examples
    --------
    >>> new_engine([2, 3, 1], "float64", "log_likelihood").output
    'softmax'
    """
    output = "softmax" if cost == "log_likelihood" else "sigmoid"
    return Engine(sizes, dtype, activation=activation, output=output, cost=cost)


class _Facade:
    """What every facade shares: the engine, parameter views and syncing.

    Copies (``copy.copy``, ``copy.deepcopy``) and pickles are whole,
    independent networks: each has its own engine, and its ``poids`` are
    views into that engine's parameters, so edits reach its computations
    and no other network's.
    """

    # weight/bias attribute names and the course's evaluation methods, per facade
    _W = _B = "_"
    _FORWARD, _EVALUATE = "forward", "evaluer"
    # views into the engine's buffer: rebuilt for a copy, never copied
    _VIEWS = ("_wviews", "_bviews", "_wlist", "_blist")

    def __getstate__(self):
        self._sync()  # list items the user replaced go into the buffer first
        return {k: v for k, v in self.__dict__.items() if k not in self._VIEWS}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._views()

    def __copy__(self):
        # other attributes shared, as copy.copy does; the parameters never
        # (a shared engine would leave one network's views stale)
        new = type(self).__new__(type(self))
        new.__setstate__({**self.__getstate__(), "_engine": copy.deepcopy(self._engine)})
        return new

    def _init_engine(
        self, sizes, dtype, parallel, biases, weights_in_out, cost="quadratic", activation="sigmoid"
    ):
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

    def _view_to_in_out(self, w):
        return w

    def _views(self):
        lay, buf = self._engine.layout, self._engine.params
        wviews = [self._weight_to_view(w) for w in lay.weight_views(buf)]
        bviews = lay.bias_views(buf)
        # one statement with no call in between: Ctrl-C cannot land halfway
        # and leave lists that _sync would take for user replacements
        self._wviews, self._bviews, self._wlist, self._blist = (
            wviews,
            bviews,
            list(wviews),
            list(bviews),
        )

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
        if (
            any(a is not b for a, b in zip(self._wlist, self._wviews))
            or any(a is not b for a, b in zip(self._blist, self._bviews))
            or len(self._wlist) != len(self._wviews)
            or len(self._blist) != len(self._bviews)
        ):
            w = self._checked(self._wlist, self._wviews, self._W)
            b = self._checked(self._blist, self._bviews, self._B)
            self._set_params(b, [self._view_to_in_out(x) for x in w])
        if not np.isfinite(self._engine.params).all():
            raise ValueError(f"{self._W}/{self._B}: contain NaN or inf")

    def _set_weights(self, values):
        w = self._checked(values, self._wviews, self._W)
        self._sync()
        self._set_params(self._bviews, [self._view_to_in_out(x) for x in w])

    def _set_biases(self, values):
        b = self._checked(values, self._bviews, self._B)
        self._sync()
        self._set_params(b, self._engine.layout.weight_views(self._engine.params))

    def _document(self, classe, knobs):
        """The saved file's JSON object (see :mod:`fastnet.io`)."""
        self._sync()  # take in replaced list items; refuses NaN
        eng = self._engine
        return {
            **header(classe),
            "tailles": [int(s) for s in eng.layout.sizes],
            "dtype": np.dtype(eng.dtype).name,
            **knobs,
            "parallel": bool(self.parallel),
            "biais": [b.tolist() for b in eng.layout.bias_views(eng.params)],
            "poids": [w.tolist() for w in eng.layout.weight_views(eng.params)],
        }

    # -- shared operations -----------------------------------------------
    def _n(self) -> tuple[int, int]:
        sizes = self._engine.layout.sizes
        return int(sizes[0]), int(sizes[-1])

    def _forward(self, x, name):
        rows = _data.input_columns(x, self._n()[0], name)
        self._sync()
        out = self._engine.forward(rows)
        # a safety net: with finite weights and inputs the kernels' fused
        # multiply-adds saturate to +-inf rather than make NaN
        if not is_finite(out):
            raise FloatingPointError(
                f"{name}: the outputs overflowed to NaN "
                f"(inputs of magnitude {np.abs(rows).max():.3g})"
            )
        return out.T.copy()

    def _count(self, test_data, name):
        own = overridden(self, [self._FORWARD])  # the course's evaluer calls it
        # the engine checks array inputs for NaN/inf as it scores them
        X, labels = _data.labelled_arrays(test_data, *self._n(), name, check_inputs=bool(own))
        self._sync()
        if own:
            return count_through(getattr(self, self._FORWARD), X, labels)
        return self._engine.count_correct(X, labels, name=name)

    def _gradients(self, x, y):
        X, Y = _data.example(x, y, *self._n())
        self._sync()
        eng = self._engine
        grad = eng.gradient(X, Y)
        if not is_finite(grad):
            raise FloatingPointError(
                "backprop: the gradient overflowed (NaN or inf); x or y hold huge values"
            )
        nabla_b = [b.copy() for b in eng.layout.bias_views(grad)]
        nabla_w = [self._weight_to_view(w).copy() for w in eng.layout.weight_views(grad)]
        return nabla_b, nabla_w

    def _update(self, mini_batch, eta, name, lmbda=0.0, n=None):
        eta = check_eta(eta)
        lmbda = check_real(lmbda, "lmbda")
        if n is not None:
            n = check_count(n, "n", 1)
        X, Y, items = _data.training_arrays(mini_batch, *self._n(), name)
        self._sync()
        if overridden(self, ["backprop"]):  # the course's step sums its gradients
            pairs = items if items is not None else example_pairs(X, Y)
            params = self._backprop_step(pairs, eta, lmbda, n or len(pairs))
        else:
            params = self._engine.step(X, Y, eta, lmbda, n)
        reason = divergence(params)
        if reason is not None:
            what = (
                "made the weights NaN or inf" if not is_finite(params) else f"diverged ({reason})"
            )
            raise Diverged(
                f"update_mini_batch: the step with eta = {eta!r} {what}; the weights are "
                f"unchanged (try a smaller eta)",
                eta=eta,
                reason=reason,
            )
        self._engine.params = params
        self._views()

    def _backprop_step(self, pairs, eta, lmbda, n):
        """The course's step through an overridden ``backprop``: the new
        parameter buffer (the network's is not changed)."""
        nabla_b, nabla_w = backprop_sums(self, pairs)
        nabla_w = self._checked(nabla_w, self._wviews, "backprop: nabla_w")
        nabla_b = self._checked(nabla_b, self._bviews, "backprop: nabla_b")
        eng, rate = self._engine, eta / len(pairs)
        decay = 1.0 - eta * (lmbda / n) if lmbda else 1.0
        new = eng.params.copy()
        for w, nw in zip(eng.layout.weight_views(new), nabla_w):
            w[...] = decay * w - rate * self._view_to_in_out(nw)
        for b, nb in zip(eng.layout.bias_views(new), nabla_b):
            b[...] = b - rate * nb
        return new

    def _total_cost(self, data, lmbda, name="data"):
        """Mean cost over ``data`` (int labels taken as one-hot targets) plus
        network2's L2 term ``0.5 * lmbda / len(data) * sum ||w||^2``."""
        lmbda = check_real(lmbda, "lmbda")
        X, Y, _ = _data.training_arrays(data, *self._n(), name)
        self._sync()
        return self._cost(X, Y, lmbda)

    def _cost(self, X, Y, lmbda):
        eng = self._engine
        if overridden(self, [self._FORWARD]):  # the course's cost calls it
            cost = cost_through(getattr(self, self._FORWARD), self._example_cost, X, Y)
        else:
            cost = eng.total_cost(X, Y)
        if lmbda:
            squares = sum(
                float(np.dot(w.ravel(), w.ravel()))
                for w in eng.layout.weight_views(eng.params.astype(np.float64))
            )
            cost += 0.5 * (lmbda / X.shape[0]) * squares
        return cost

    def _example_cost(self, a, y):
        """One example's cost, computed as the course does (quadratic here;
        the facades with other costs say theirs)."""
        return cout_exemple("quadratique", a, y)

    def _check_training(self, training_data, epochs, batch, eta, parallel, lmbda, mu, vocab):
        """What every training entry checks and converts first: a refused
        call leaves the weights, the caller's list and `random` as they were."""
        epochs = check_count(epochs, vocab.epochs, 0)
        batch = check_count(batch, vocab.batch, 1)
        eta = check_eta(eta)
        parallel = check_flag(parallel, "parallel")
        parallel = self.parallel if parallel is None else parallel
        lmbda = check_real(lmbda, "lmbda")
        mu = check_real(mu, "mu", below=1.0, example="0.9")
        if mu and parallel:
            raise ValueError(
                "mu: momentum is not available with parallel training "
                "(averaged replicas have no single velocity)"
            )
        n_in, n_out, dtype = *self._n(), self._engine.dtype
        X, Y, items = _data.training_arrays(training_data, n_in, n_out, vocab.training, dtype)
        return Run(X, Y, items, epochs, batch, eta, parallel, lmbda, mu)

    def _run(self, run, after_epoch, vocab, rng=None, course=False, book_step=False):
        """Train ``run``, calling ``after_epoch(j, eta, seconds)`` once each
        epoch is committed (``seconds``: that epoch's training alone). It
        returns None to go on, STOP, or a new eta; a new eta starts a new
        run of the engine (momentum's velocity restarts at zero).
        ``course``: through the network's own ``update_mini_batch`` (a
        subclass's), one mini-batch at a time, as the course does (called
        as network2 does, with ``lmbda`` and ``n``, if ``book_step``)."""
        X, eta = run.X, run.eta
        n = X.shape[0]
        # a mini-batch larger than the data is the whole data (bounded scratch space)
        batch = min(run.batch, n)
        order = np.arange(n, dtype=np.int64)
        given = None if run.items is None else list(run.items)  # to notice changes
        if course:
            pairs = given if given is not None else example_pairs(X, run.Y)
        j = 0
        try:
            while j < run.epochs:
                if course:
                    epochs = course_epochs(
                        self, pairs, order, run.epochs - j, batch, eta, run.lmbda, n, rng, book_step
                    )
                else:
                    epochs = self._engine.epochs(
                        X,
                        run.Y,
                        order,
                        run.epochs - j,
                        batch,
                        eta,
                        parallel=run.parallel,
                        lmbda=run.lmbda,
                        n_total=n,
                        mu=run.mu,
                        rng=rng,
                    )
                verdict = None
                last = self._engine.params  # the last whole epoch's, kept on divergence
                try:
                    start = time.perf_counter()
                    for _ in epochs:
                        seconds = time.perf_counter() - start - self._engine.epoch_compile_s
                        reason = divergence(self._engine.params)
                        if reason is not None:  # finite, but too large to use
                            self._engine.params = last
                            raise diverged(reason)
                        self._views()
                        verdict = after_epoch(j, eta, seconds)
                        j += 1
                        check_unchanged(run.items, given, j - 1, vocab)
                        last = self._engine.params  # the callback may have set it
                        if verdict is not None:
                            break
                        start = time.perf_counter()
                finally:
                    # close now, not when the traceback is freed: parallel
                    # training's threads stop here
                    epochs.close()
                if verdict is STOP:
                    break
                if verdict is not None:
                    eta = verdict
        except DivergenceError as e:
            label = vocab.epoch
            kept = f"after {label} {j - 1}" if j else f"it had before {vocab.entry}"
            reason = divergence_reason(e)
            raise DivergenceError(
                f"{label} {j}: training diverged ({reason}) with "
                f"eta = {eta!r}; the network keeps the weights {kept}. Try a smaller "
                f"eta, or look for huge values in {vocab.training}.",
                epoch=j,
                eta=eta,
            ) from None
        finally:
            self._views()
            if given is not None and list_change(run.items, given) is None:
                # the course shuffles the caller's list in place (a list
                # changed meanwhile is left as it was made)
                run.items[:] = [given[i] for i in order]

    def _train(self, training_data, epochs, batch, eta, vocab, opts):
        """The course's DGS (and network.py's SGD) with the knobs in
        ``opts`` (a :class:`TrainOptions`); returns the history (see
        :meth:`fastnet.Reseau.DGS`)."""
        callback = check_callable(opts.callback, "callback", "callback(j, correct)")
        rng = check_rng(opts.rng)
        run = self._check_training(
            training_data, epochs, batch, eta, opts.parallel, opts.lmbda, opts.mu, vocab
        )
        patience, halve_after = opts.patience, opts.halve_after
        patience = None if patience is None else check_count(patience, "arret_precoce", 1)
        halve_after = None if halve_after is None else check_count(halve_after, "reduction_eta", 1)
        validation_data, test_data = opts.validation_data, opts.test_data
        if validation_data is None and (patience or halve_after):
            which = "arret_precoce" if patience else "reduction_eta"
            raise ValueError(
                f"{which}: needs validation_data (the accuracy it watches is "
                f"measured on data kept out of training, never on test_data)"
            )
        verbose = check_bool(opts.verbose, "verbose")
        track_cost = check_bool(opts.track_cost, "suivre_cout")
        Xt: Any = None
        lt: Any = None
        Xv: Any = None
        lv: Any = None
        if test_data is not None:
            Xt, lt = _data.labelled_arrays(test_data, *self._n(), vocab.test)
        if validation_data is not None:
            Xv, lv = _data.labelled_arrays(validation_data, *self._n(), "validation_data")
        own = overridden(self, TRAINING_METHODS)
        if own and run.mu:
            raise ValueError(
                f"mu: momentum is not available with {type(self).__name__}'s own "
                f"{' and '.join(own)} (the course's update_mini_batch has no velocity)"
            )
        evaluate = getattr(self, self._EVALUATE)
        evaluate_own = bool(overridden(self, [self._FORWARD, self._EVALUATE]))

        def counter(data, X, labels):
            if data is None:
                return lambda: None
            if evaluate_own:  # as the course evaluates: through its evaluer
                pairs = labelled_pairs(data, X, labels)
                return lambda: evaluate(pairs)
            return self._engine.scorer(X, labels)

        count_test, count_valid = counter(test_data, Xt, lt), counter(validation_data, Xv, lv)
        self._sync()
        if own:
            note_slow_path(self, own, vocab.entry, run.parallel)
        history: dict[str, list] = {key: [] for key in HISTORY}
        schedule = Schedule(run.eta, patience, halve_after)

        def after_epoch(j, eta_j, seconds):
            eng = self._engine
            # evaluating may compile too: counted with the epoch's compilation
            compiled = eng.epoch_compile_s - eng.compile_seconds()
            correct, valid = count_test(), count_valid()
            if verbose:
                print(vocab.line(j, correct, None if correct is None else len(lt)))
            p_test = None if correct is None else correct / len(lt)
            p_valid = None if valid is None else valid / len(lv)
            cost = self._cost(run.X, run.Y, run.lmbda) if track_cost else None
            for key, value in (
                ("epoque", j),
                ("precision", p_test if valid is None else p_valid),
                ("precision_test", p_test),
                ("precision_validation", p_valid),
                ("cout", cost),
                ("secondes", seconds),
                ("eta", eta_j),
                ("compilation", compiled + eng.compile_seconds()),
            ):
                history[key].append(value)
            if callback is not None:
                callback(j, correct)
            return None if valid is None else schedule.update(valid)

        self._run(run, after_epoch, vocab, rng, course=bool(own))
        return history
