"""What the training loop checks between epochs, and the course's own
loop for subclasses that override its methods (the model layer, beside
:mod:`fastnet._model`, which imports it).

- Divergence: weights NaN or inf, or too large for their squares to be a
  float (:func:`divergence`).
- A training list changed during training (:func:`check_unchanged`).
- Overrides: a subclass of ``Reseau`` or ``Network`` whose
  ``update_mini_batch``, ``backprop`` or ``forward``/``feedforward`` (or
  ``evaluer``/``evaluate``) are its own trains and evaluates through them,
  as the course's loop does, in Python (:func:`course_epochs`).
"""

import operator
import warnings

import numpy as np

from ._engine import DivergenceError, _shuffle_lock, python_shuffle


def magnitude_limit(dtype):
    """The largest parameter magnitude training accepts: the square root of
    the dtype's largest float (about 1.3e154 in float64, 1.8e19 in float32).

    Beyond it the square of a weight overflows, and with it the L2 term of
    the cost, and products of weights of successive layers in the gradient;
    a sigmoid or tanh unit with such a weight on any input above 1e-100 is
    saturated to exactly 0 or 1 (its derivative is exactly 0), so the weight
    can no longer learn. Training that gets there has diverged, even though
    every number is still finite.

    Parameters
    ----------
    dtype : numpy.float64 or numpy.float32

    Returns
    -------
    float

    Examples
    --------
    >>> f"{magnitude_limit(np.float64):.3g}"
    '1.34e+154'
    """
    return float(np.sqrt(np.finfo(dtype).max))


def divergence(params):
    """Why ``params`` count as diverged, in words; None when they do not.

    Parameters
    ----------
    params : numpy.ndarray
        A parameter buffer.

    Returns
    -------
    str or None

    Examples
    --------
    >>> divergence(np.array([1.0, -1e200]))
    'weights grew beyond 1.3e+154 in magnitude, where their squares overflow float64'
    """
    hi, lo = float(params.max()), float(params.min())  # a NaN propagates
    if not (np.isfinite(hi) and np.isfinite(lo)):
        return "weights became NaN or inf"
    limit = magnitude_limit(params.dtype)
    if max(hi, -lo) >= limit:
        return (
            f"weights grew beyond {limit:.2g} in magnitude, where their squares "
            f"overflow {params.dtype.name}"
        )
    return None


class Diverged(DivergenceError):
    """A :class:`DivergenceError` that says why in ``reason`` (the training
    loop puts it in its message, with the epoch and eta)."""

    def __init__(self, message=None, epoch=None, eta=None, reason=None):
        super().__init__(message, epoch=epoch, eta=eta)
        self.reason = reason


def diverged(reason):
    """A :class:`Diverged` carrying ``reason``."""
    return Diverged(reason, reason=reason)


def list_change(items, given):
    """How the list ``items`` differs from its copy ``given`` (same objects
    in the same order), in words; None when it does not."""
    if items is None:
        return None
    n, m = len(given), len(items)
    if m == n and all(map(operator.is_, items, given)):
        return None
    if m == 0:
        return "it was emptied"
    if m > n and all(map(operator.is_, items[:n], given)):
        return f"{m - n} item{'s' * (m - n > 1)} appended"
    if m < n:
        return f"{n - m} item{'s' * (n - m > 1)} removed ({n} -> {m})"
    if m > n:
        return f"{m - n} item{'s' * (m - n > 1)} added ({n} -> {m})"
    first = next(i for i, (a, b) in enumerate(zip(items, given)) if a is not b)
    return f"item {first} replaced or moved"


def check_unchanged(items, given, epoch, vocab):
    """Stop training whose list of examples was changed (by a callback or
    another thread): DGS trains on the examples it was called with, so a
    change would be silently ignored, or lost when the list is shuffled."""
    change = list_change(items, given)
    if change is not None:
        raise RuntimeError(
            f"{vocab.training}: the list changed during {vocab.entry} ({change} after "
            f"{vocab.epoch} {epoch}); {vocab.entry} trains on the examples it was called "
            f"with, so it stopped: the network keeps the weights after {vocab.epoch} "
            f"{epoch}, and the list is left as it was changed (not shuffled). Change the "
            f"list between calls to {vocab.entry}."
        )


# -- subclasses that override the course's methods -----------------------------

# what the course's loop calls: DGS -> update_mini_batch -> backprop, and
# DGS -> evaluer -> forward (network.py: SGD, evaluate, feedforward)
TRAINING_METHODS = ("update_mini_batch", "backprop")
_noted: set[type] = set()


def fastnet_class(net):
    """The fastnet class ``net``'s class derives from (itself if it is one)."""
    return next(c for c in type(net).__mro__ if c.__module__.startswith("fastnet."))


def overridden(net, names):
    """Those of the methods ``names`` that ``net``'s class defines itself
    (a student's subclass), in that order."""
    base = fastnet_class(net)
    return [n for n in names if getattr(type(net), n, None) is not getattr(base, n, None)]


def note_slow_path(net, names, entry, parallel):
    """Say once per class that training goes through its own methods."""
    cls = type(net)
    if cls in _noted:
        return
    _noted.add(cls)
    extra = "; parallel training is not used on this path" if parallel else ""
    warnings.warn(
        f"{cls.__name__} overrides {', '.join(names)}: {entry} trains through them, "
        f"one mini-batch at a time in Python as the course's loop does, much slower "
        f"than fastnet's compiled epochs{extra}",
        UserWarning,
        stacklevel=4,
    )


def as_floats(X):
    """Input rows as floats (uint8 rows are pixel codes k standing for k/256)."""
    return X / 256.0 if X.dtype == np.uint8 else X


def example_pairs(X, Y):
    """``(x, y)`` column pairs, the course's format, from rows."""
    X = as_floats(X)
    return [(X[i].reshape(-1, 1), Y[i].reshape(-1, 1)) for i in range(len(X))]


def labelled_pairs(data, X, labels):
    """The pairs an overridden ``evaluer`` gets: the caller's list, or
    ``(x column, int label)`` pairs built from arrays."""
    if isinstance(data, list):
        return data
    X = as_floats(X)
    return [(X[i].reshape(-1, 1), int(labels[i])) for i in range(len(X))]


def count_through(forward, X, labels):
    """The course's ``evaluer``: examples whose ``forward(x)``'s argmax is
    the label, one example at a time."""
    X = as_floats(X)
    return sum(int(np.argmax(forward(X[i].reshape(-1, 1))) == labels[i]) for i in range(len(X)))


def cost_through(forward, example_cost, X, Y):
    """The course's mean cost: ``example_cost(forward(x), y)`` over the
    rows, one example at a time."""
    X = as_floats(X)
    total = sum(
        float(example_cost(forward(X[i].reshape(-1, 1)), Y[i].reshape(-1, 1)))
        for i in range(len(X))
    )
    return total / len(X)


def course_epochs(
    net, pairs, order, epochs, batch, eta, lmbda=0.0, n_total=None, rng=None, book_step=False
):
    """The course's DGS epochs through ``net.update_mini_batch``, as a
    generator like :meth:`fastnet._engine.Engine.epochs`: shuffle ``order``
    as ``random.shuffle`` would, call ``update_mini_batch`` on each
    mini-batch of ``pairs`` in that order, yield the epoch number.

    ``update_mini_batch(mini_batch, eta)`` is the course's call; with
    ``lmbda`` (or ``book_step``, network2's) it gets ``lmbda`` and
    ``n_total`` too. Each epoch works on a copy of the parameters; should
    it fail (an error, Ctrl-C) the network keeps those of the last whole
    epoch.
    """
    eng = net._engine
    for j in range(epochs):
        compiled = eng.compile_seconds()
        start = eng.params
        eng.params = start.copy()  # in-place edits must not reach `start`
        net._views()
        try:
            with _shuffle_lock:
                python_shuffle(order, rng)
            batches = [pairs[i] for i in order]
            for k in range(0, len(batches), batch):
                if lmbda or book_step:  # network2's signature takes them always
                    net.update_mini_batch(batches[k : k + batch], eta, lmbda, n_total)
                else:
                    net.update_mini_batch(batches[k : k + batch], eta)
            net._sync()  # list items the method replaced
        except DivergenceError as e:  # from fastnet's own update_mini_batch
            eng.params = start
            raise diverged(divergence_reason(e)) from None
        except BaseException:
            eng.params = start
            raise
        eng.epoch_compile_s = eng.compile_seconds() - compiled  # as Engine.epochs says it
        yield j


def divergence_reason(error):
    """The reason a :class:`DivergenceError` gives, for the loop's message."""
    return getattr(error, "reason", None) or "weights became NaN or inf"


def backprop_sums(net, pairs):
    """Sums of ``net.backprop(x, y)`` over ``pairs``: ``(nabla_b, nabla_w)``
    in the facade's layout (float64 where the method gives less)."""
    sum_b: list = []
    sum_w: list = []
    for k, (x, y) in enumerate(pairs):
        nabla_b, nabla_w = net.backprop(x, y)
        if k == 0:
            sum_b = [np.array(b, dtype=np.float64) for b in nabla_b]
            sum_w = [np.array(w, dtype=np.float64) for w in nabla_w]
        else:
            sum_b = [a + np.asarray(b) for a, b in zip(sum_b, nabla_b)]
            sum_w = [a + np.asarray(w) for a, w in zip(sum_w, nabla_w)]
    return sum_b, sum_w
