"""The engine shared by the French and English facades.

It owns the flat parameter buffer the kernels work on, its layout, and the
training loop around the compiled epoch. Facades (``Reseau``, ``Network``)
only validate, convert data and print.
"""

import threading
from collections.abc import Callable

import numpy as np

from ._knobs import (
    ACTIVATIONS,
    CFG_ACTIVATION,
    CFG_COST,
    CFG_OUTPUT,
    COSTS,
    OUTPUTS,
    PIXEL_LEVELS,
    code,
    english,
)
from ._lazy import futures, jit, kernels, shuffle
from ._validation import first_bad_row, resolve_dtype, sum_is_finite
from .parallel import ParallelTrainer, default_workers


def python_shuffle(order, rng=None):
    """``random.shuffle``'s permutation of ``order``, compiled (fastnet.shuffle)
    once a first run's child process has compiled it (``kernels.later``);
    from ``rng`` (a ``random.Random``) if given, else the global ``random``."""
    shuffle.python_shuffle(order, rng, compiled=kernels.later.ready)


# The shuffle reads random's state, shuffles in compiled code (GIL released)
# and writes the state back: two threads training at once must not
# interleave these steps, or both would draw the same permutation.
_shuffle_lock = threading.Lock()


class DivergenceError(FloatingPointError):
    """Training made the weights NaN or inf (eta too large, or huge
    inputs or targets). The network keeps its last finite weights: those
    of the last whole epoch before ``epoch``. ``epoch`` (None outside
    ``DGS``/``SGD``) and ``eta`` say where and with what it happened."""

    def __init__(self, message=None, epoch=None, eta=None):
        if message is None:
            message = (
                f"training diverged in epoch {epoch} (weights became NaN or inf) with eta = {eta!r}"
            )
        super().__init__(message)
        self.epoch, self.eta = epoch, eta


class Layout:
    """Where each layer's weights and biases sit in the flat buffer."""

    def __init__(self, sizes):
        self.sizes = np.asarray(sizes, dtype=np.int64)
        n_layers = len(sizes) - 1
        self.w_off = np.zeros(n_layers, dtype=np.int64)
        self.b_off = np.zeros(n_layers, dtype=np.int64)
        pos = 0
        for l in range(n_layers):
            n_in, n_out = int(sizes[l]), int(sizes[l + 1])
            self.w_off[l] = pos
            pos += n_in * n_out
            self.b_off[l] = pos
            pos += n_out
        self.size = pos

    def shapes(self):
        """(n_in, n_out) for each layer."""
        s = self.sizes
        return [(int(s[l]), int(s[l + 1])) for l in range(len(s) - 1)]

    def weight_views(self, buf):
        """Weights of each layer as views ``(n_in, n_out)`` into ``buf``."""
        return [buf[o : o + i * n].reshape(i, n) for o, (i, n) in zip(self.w_off, self.shapes())]

    def bias_views(self, buf):
        """Biases of each layer as column views ``(n_out, 1)`` into ``buf``."""
        return [buf[o : o + n].reshape(n, 1) for o, (_, n) in zip(self.b_off, self.shapes())]

    def args(self):
        return self.sizes, self.w_off, self.b_off


def _relu(z):
    return np.maximum(z, z * 0.0)


def sigmoid_inplace(z):
    """:func:`fastnet.reference.sigmoide` in ``z``'s own memory: the same
    operations in the same order (negate, exp, add 1, divide 1 by it), so
    the same bits, without its three temporaries (scoring 10,000 rows:
    about 3 % of ``evaluer``)."""
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1.0
    return np.divide(1.0, z, out=z)


_ACTIVATIONS: dict[int, Callable[[np.ndarray], np.ndarray]] = {
    code(ACTIVATIONS, "sigmoid"): sigmoid_inplace,
    code(ACTIVATIONS, "tanh"): np.tanh,
    code(ACTIVATIONS, "relu"): _relu,
}
_SOFTMAX = code(OUTPUTS, "softmax")
# Rows scored per BLAS call when the inputs need converting: whole
# products, a float64 copy of 13 MB at most; inputs already in the model's
# dtype go through whole, up to a few tens of MB of temporaries (issue 9:
# 10,000 float32 MNIST rows took 6.7 ms in chunks of 2048, numpy's one
# call 5.3-5.7 ms).
_SCORE_ROWS = 2048
_WHOLE_ROWS = 1 << 16

# Rows below which a second thread costs more than it saves.
SPLIT_ROWS = 2000


def split_parts(n):
    """How many threads :func:`split_rows` uses for ``n`` rows."""
    return min(default_workers(), n // SPLIT_ROWS) if n >= 2 * SPLIT_ROWS else 1


def split_rows(n, work):
    """Run ``work(start, stop)`` over row ranges, on the usable cores when
    there are enough rows (each row's result is independent, and the kernels
    release the GIL, so this changes nothing but the time); returns the list
    of results in row order."""
    parts = split_parts(n)
    bounds = [n * k // parts for k in range(parts + 1)]
    if parts == 1:
        return [work(0, n)]
    with futures.ThreadPoolExecutor(parts - 1) as pool:
        rest = [pool.submit(work, bounds[k], bounds[k + 1]) for k in range(1, parts)]
        first = work(bounds[0], bounds[1])
        return [first] + [f.result() for f in rest]


def knob_codes(activation, output, cost):
    """The kernels' ``cfg`` array; refuses unknown values and combinations
    whose gradients the kernels do not implement."""
    for value, table, name in (
        (activation, ACTIVATIONS, "activation"),
        (output, OUTPUTS, "output"),
        (cost, COSTS, "cost"),
    ):
        allowed = english(table)
        if value not in allowed:
            raise ValueError(f"{name}: expected one of {', '.join(allowed)}, got {value!r}")
    if (cost == "log_likelihood") != (output == "softmax"):
        raise ValueError(
            "the log-likelihood cost goes with softmax outputs, and softmax "
            f"outputs with the log-likelihood cost (got cost={cost!r}, "
            f"output={output!r})"
        )
    cfg = np.zeros(3, dtype=np.int64)
    cfg[CFG_ACTIVATION] = code(ACTIVATIONS, activation)
    cfg[CFG_OUTPUT] = code(OUTPUTS, output)
    cfg[CFG_COST] = code(COSTS, cost)
    return cfg


class Engine:
    """Flat parameters + compiled training, evaluation and gradients.

    ``activation`` (hidden layers), ``output`` and ``cost`` choose the
    network; the defaults are the course's (sigmoid, sigmoid, quadratic).
    """

    def __init__(self, sizes, dtype, activation="sigmoid", output="sigmoid", cost="quadratic"):
        self.cfg = knob_codes(activation, output, cost)
        self.activation, self.output, self.cost = activation, output, cost
        self.layout = Layout(sizes)
        self.dtype = resolve_dtype(dtype)
        self.params = np.zeros(self.layout.size, dtype=self.dtype)
        # seconds the last epoch of :meth:`epochs` spent compiling or loading kernels
        self.epoch_compile_s = 0.0

    @staticmethod
    def compile_seconds():
        """Seconds this process has spent compiling or loading kernels."""
        return jit.compile_seconds()

    def input_dtype(self, dtype):
        """The dtype :meth:`prepare_inputs` gives inputs of ``dtype``."""
        if dtype == np.uint8:
            return np.dtype(np.uint8)
        if self.dtype == np.float32 or dtype == np.float32:
            return np.dtype(np.float32)
        return np.dtype(np.float64)

    def prepare_inputs(self, X):
        # uint8 pixel codes (k standing for k/256) and float32 inputs stay as
        # they are (exact when widened in the kernel); a float32 model reads
        # everything else as float32.
        return np.ascontiguousarray(X, dtype=self.input_dtype(X.dtype))

    def forward(self, X):
        return self._forward(X)[0]

    def _forward(self, X):
        """``(outputs, finite)``: finite is false where a first-layer sum is
        NaN or inf (see :func:`fastnet.kernels.forward_all`)."""
        X = self.prepare_inputs(X)
        out = np.empty((X.shape[0], int(self.layout.sizes[-1])), dtype=self.dtype)
        args = self.layout.args()
        finite = split_rows(
            X.shape[0],
            lambda a, b: kernels.forward_all(self.params, *args, X[a:b], out[a:b], self.cfg),
        )
        return out, all(finite)

    def scorer(self, X, labels):
        """``count_correct(X, labels)`` as a function of no argument, for the
        epochs of a training run. On a first run, a child process compiles
        its kernel meanwhile, while this one compiles the epoch's
        (:func:`fastnet.kernels.prepare_scoring`)."""
        if kernels.knobs_arg(self.cfg) is None:  # the course's network
            kernels.prepare_scoring(self.dtype, self.input_dtype(X.dtype))
        return lambda: self.count_correct(X, labels)

    def count_correct(self, X, labels, name=None):
        """Rows whose output's argmax (numpy's, as the course's ``evaluer``)
        equals the label.

        The course's network (sigmoids, no other knob) is scored with the
        compiled forward pass, whose first layer skips each row's inputs
        that are 0: on MNIST 1.4-2 times as fast as numpy's matrix products
        on the same 2 threads (docs/performance.md, section 18). Other
        networks are scored with numpy's matrix products, one per layer, as
        the course's ``evaluer`` does (``np.dot``), which needs no kernel
        compiled for their knobs; inputs already in the model's dtype go
        through whole (up to ``_WHOLE_ROWS`` at a time), others are
        converted a few thousand rows at a time. Either way the outputs
        agree with the course's to rounding; an argmax could differ only
        between two outputs equal to the last bits.

        ``name``: X has not been checked for NaN and inf, and a bad row
        raises ``ValueError("{name}: X[i] contains NaN or inf")``. The check
        costs no pass over X: a row holding NaN or inf makes every one of
        its first-layer sums NaN or inf (IEEE: ``inf * 0`` is NaN), so X
        is searched row by row only where a sum is not finite (huge finite
        inputs can overflow a sum too: the search then finds no bad row,
        and scoring goes on)."""
        labels = np.ascontiguousarray(labels, dtype=np.int64)
        if kernels.knobs_arg(self.cfg) is None:  # the course's network
            out, finite = self._forward(X)
            if not finite and name is not None:
                bad = first_bad_row(X)
                if bad is not None:
                    raise ValueError(f"{name}: X[{bad}] contains NaN or inf")
            return int(np.count_nonzero(np.argmax(out, axis=1) == labels))
        rows = _WHOLE_ROWS if X.dtype == self.dtype else _SCORE_ROWS
        correct = 0
        for start in range(0, X.shape[0], rows):
            chunk = X[start : start + rows]
            out = self._blas_forward(chunk, check=name is not None)
            if out is None:
                bad = first_bad_row(chunk)
                if bad is not None:
                    raise ValueError(f"{name}: X[{start + bad}] contains NaN or inf")
                out = self._blas_forward(chunk)
            hits = np.argmax(out, axis=1) == labels[start : start + rows]
            correct += int(np.count_nonzero(hits))
        return correct

    def _blas_forward(self, X, check=False):
        """Outputs for the rows of X with numpy (the kernels' activations;
        uint8 pixel codes k read as k/256, like the kernels); with
        ``check``, None as soon as a first-layer sum is NaN or inf."""
        a = np.asarray(X, dtype=self.dtype)  # may be X itself: never written
        if X.dtype == np.uint8:
            a = a * np.asarray(1.0 / PIXEL_LEVELS, dtype=self.dtype)  # exact
        weights = self.layout.weight_views(self.params)
        biases = self.layout.bias_views(self.params)
        last = len(weights) - 1
        hidden = int(self.cfg[CFG_ACTIVATION])
        with np.errstate(over="ignore"):  # exp(-z) = inf gives sigmoid 0, its limit
            for l, (W, b) in enumerate(zip(weights, biases)):
                if l == 0 and check:
                    with np.errstate(invalid="ignore"):  # inf * 0 in a bad row: NaN, as meant
                        z = a @ W
                    if not sum_is_finite(z):
                        return None
                else:
                    z = a @ W
                z += b.T
                if l < last:
                    a = _ACTIVATIONS[hidden](z)
                elif int(self.cfg[CFG_OUTPUT]) == _SOFTMAX:
                    z -= z.max(axis=1, keepdims=True)
                    a = np.exp(z)
                    a /= a.sum(axis=1, keepdims=True)
                else:
                    a = sigmoid_inplace(z)
        return a

    def total_cost(self, X, Y):
        """Mean cost over the rows of X against targets Y (no L2 term)."""
        X = self.prepare_inputs(X)
        Y = np.ascontiguousarray(Y, dtype=self.dtype)
        args = self.layout.args()
        parts = split_rows(
            X.shape[0],
            lambda a, b: (
                (b - a) * float(kernels.total_cost(self.params, *args, X[a:b], Y[a:b], self.cfg))
            ),
        )
        return sum(parts) / X.shape[0]

    def gradient(self, X, Y):
        """Summed gradients over the rows of X/Y, laid out like params."""
        X = self.prepare_inputs(X)
        Y = np.ascontiguousarray(Y, dtype=self.dtype)
        grad = np.zeros_like(self.params)
        kernels.batch_gradient(self.params, *self.layout.args(), X, Y, grad, self.cfg)
        return grad

    def step(self, X, Y, eta, lmbda=0.0, n_total=None):
        """One mini-batch update on all rows of X/Y; returns the new buffer."""
        X = self.prepare_inputs(X)
        Y = np.ascontiguousarray(Y, dtype=self.dtype)
        params = self.params.copy()
        order = np.arange(X.shape[0], dtype=np.int64)
        decay = self._decay(eta, lmbda, n_total or X.shape[0])
        kernels.train_epoch(
            params,
            *self.layout.args(),
            X,
            Y,
            order,
            X.shape[0],
            float(eta),
            self.cfg,
            decay,
            0.0,
            None,
        )
        return params

    @staticmethod
    def _decay(eta, lmbda, n_total):
        """network2's L2 step: weights scale by 1 - eta*lmbda/n each mini-batch."""
        return 1.0 - float(eta) * (float(lmbda) / n_total) if lmbda else 1.0

    def epochs(
        self,
        X,
        Y,
        order,
        epochs,
        batch,
        eta,
        parallel=False,
        workers=None,
        sync_every=None,
        lmbda=0.0,
        n_total=None,
        mu=0.0,
        rng=None,
    ):
        """Generator over epochs: shuffle ``order`` like ``random.shuffle``,
        train one epoch in compiled code, yield the epoch number.

        Trains a copy of the parameters, committed to ``self.params``
        after every whole epoch, so that an interruption (Ctrl-C arrives
        between compiled calls) never leaves a half-updated network. An
        epoch that leaves any parameter NaN or inf is not committed: it
        raises :class:`DivergenceError` naming the epoch.

        ``lmbda``: L2 regularisation with network2's semantics (``n_total``
        defaults to the number of rows); ``mu``: momentum, with a velocity
        that starts at zero on each call. Momentum is not available with
        ``parallel`` (averaged replicas have no single velocity). ``rng``:
        the ``random.Random`` the shuffles come from (default: the global
        ``random``, as in the course).
        """
        if parallel and mu:
            raise ValueError("momentum (mu) is not available with parallel training")
        X = self.prepare_inputs(X)
        Y = np.ascontiguousarray(Y, dtype=self.dtype)
        args = self.layout.args()
        decay = self._decay(eta, lmbda, n_total or X.shape[0])
        vel = (
            kernels.zeros_aligned(kernels.layout_arrays(self.layout.sizes)[3], self.dtype)
            if mu
            else None
        )
        trainer = (
            ParallelTrainer(self.layout, self.dtype, batch, workers, sync_every)
            if parallel
            else None
        )
        try:
            for j in range(epochs):
                compiled = jit.compile_seconds()
                params = self.params.copy()
                with _shuffle_lock:
                    python_shuffle(order, rng)
                if trainer is not None:
                    trainer.epoch(params, X, Y, order, float(eta), self.cfg, decay)
                else:
                    kernels.train_epoch(
                        params,
                        *args,
                        X,
                        Y,
                        order,
                        batch,
                        float(eta),
                        self.cfg,
                        decay,
                        float(mu),
                        vel,
                    )
                kernels.later.start()  # the epoch kernel is compiled: the child's turn
                if not is_finite(params):
                    raise DivergenceError(epoch=j, eta=eta)
                self.params = params  # one store: the commit cannot be torn
                self.epoch_compile_s = jit.compile_seconds() - compiled
                yield j
        finally:
            if trainer is not None:
                trainer.close()


def is_finite(buf):
    return bool(np.isfinite(buf).all())
