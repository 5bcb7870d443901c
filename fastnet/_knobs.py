"""The knobs beyond the course: their French names, their checks, the
initial draws, and the validation-driven schedule (early stopping, eta
halving). Pure Python and numpy; the facades use them, the kernels never see
the French names."""
import numbers

import numpy as np

# French names of the knobs -> the engine's
COUTS = {"quadratique": "quadratic", "entropie_croisee": "cross_entropy",
         "log_vraisemblance": "log_likelihood"}
ACTIVATIONS = {"sigmoide": "sigmoid", "tanh": "tanh", "relu": "relu"}
INITS = ("uniforme", "gauss", "gauss_normalise", "xavier", "he")
# the schedule stops when eta has dropped to eta0 / 2**7 = eta0 / 128
HALVINGS = 7


def check_choice(value, name, choices):
    """One of the strings ``choices``."""
    listed = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected one of {listed}, got {type(value).__name__} "
                        f"{value!r}"[:200])
    if value not in choices:
        raise ValueError(f"{name}: expected one of {listed}, got {value!r}"[:200])
    return value


def check_real(value, name, below=None, example="5.0"):
    """A finite real >= 0 (and < ``below`` when given), as a float."""
    wanted = (f"a number in [0, {below:g}) such as {example}" if below is not None
              else f"a finite number >= 0 such as {example}")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected {wanted}, got {type(value).__name__} "
                        f"{value!r}"[:200])
    v = float(value)
    if not (np.isfinite(v) and v >= 0 and (below is None or v < below)):
        raise ValueError(f"{name}: expected {wanted}, got {value!r}")
    return v


def initial_params(sizes, init):
    """``(biases, weights)`` drawn from ``np.random``, weights as ``(n_in,
    n_out)`` blocks; see :class:`Reseau` for what each ``init`` draws."""
    layers = list(zip(sizes[:-1], sizes[1:]))  # (n_in, n_out)
    if init == "uniforme":  # the course's order: all biases, then all weights
        return ([np.random.uniform(-1., 1., size=(n_out, 1)) for _, n_out in layers],
                [np.random.uniform(-1., 1., size=(n_in, n_out)) for n_in, n_out in layers])
    if init in ("gauss", "gauss_normalise"):
        biases = [np.random.randn(n_out, 1) for _, n_out in layers]
    else:  # Glorot's and He's papers start biases at 0
        biases = [np.zeros((n_out, 1)) for _, n_out in layers]
    weights = []
    for n_in, n_out in layers:
        # drawn (n_out, n_in) as the book does, so that the same seed gives
        # network.py's (gauss) and network2.py's (gauss_normalise) networks
        if init == "xavier":
            r = np.sqrt(6.0 / (n_in + n_out))
            w = np.random.uniform(-r, r, size=(n_out, n_in))
        else:
            w = np.random.randn(n_out, n_in)
            if init == "gauss_normalise":
                w = w / np.sqrt(n_in)
            elif init == "he":
                w = w * np.sqrt(2.0 / n_in)
        weights.append(w.T)
    return biases, weights


STOP = "stop"  # what a per-epoch hook returns to end training


class Schedule:
    """Early stopping and network2's eta schedule, both driven by the
    accuracy on validation data ("no improvement in n epochs")."""

    def __init__(self, eta, patience, halve_after):
        self.eta, self.patience, self.halve_after = eta, patience, halve_after
        self.best = None
        self.since_best = self.since_change = self.halvings = 0

    def update(self, correct):
        """None to go on, STOP, or the new eta."""
        if self.best is None or correct > self.best:
            self.best, self.since_best, self.since_change = correct, 0, 0
        else:
            self.since_best += 1
            self.since_change += 1
        if self.patience and self.since_best >= self.patience:
            return STOP
        if self.halve_after and self.since_change >= self.halve_after:
            self.halvings += 1
            if self.halvings >= HALVINGS:  # eta would be eta0 / 128: done
                return STOP
            self.eta /= 2
            self.since_change = 0
            return self.eta
        return None


HISTORY = ("epoque", "precision", "precision_test", "precision_validation", "cout",
           "secondes", "eta", "compilation")
