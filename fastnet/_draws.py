"""The initial values of the facades' parameters, drawn from ``np.random``
in the course's and the book's order, so that the same seed gives the same
network as theirs."""

import numpy as np


def book_draws(sizes, normalised=False):
    """The book's initial draws: N(0, 1) biases, then N(0, 1) weights drawn
    ``(n_out, n_in)``, divided by ``sqrt(n_in)`` when ``normalised``
    (``network2``'s default); returns ``(biases, weights)``."""
    biases = [np.random.randn(y, 1) for y in sizes[1:]]
    weights = []
    for x, y in zip(sizes[:-1], sizes[1:]):
        w = np.random.randn(y, x)
        weights.append(w / np.sqrt(x) if normalised else w)
    return biases, weights


def initial_params(sizes, init):
    """``(biases, weights)`` drawn from ``np.random``, weights as ``(n_in,
    n_out)`` blocks; see :class:`fastnet.Reseau` for what each ``init`` draws."""
    layers = list(zip(sizes[:-1], sizes[1:]))  # (n_in, n_out)
    if init == "uniforme":  # the course's order: all biases, then all weights
        return (
            [np.random.uniform(-1.0, 1.0, size=(n_out, 1)) for _, n_out in layers],
            [np.random.uniform(-1.0, 1.0, size=(n_in, n_out)) for n_in, n_out in layers],
        )
    if init in ("gauss", "gauss_normalise"):
        # the same seed gives network.py's (gauss) and network2.py's networks
        biases, weights = book_draws(sizes, normalised=init == "gauss_normalise")
        return biases, [w.T for w in weights]
    biases = [np.zeros((n_out, 1)) for _, n_out in layers]  # Glorot's and He's papers
    weights = []
    for n_in, n_out in layers:
        if init == "xavier":
            r = np.sqrt(6.0 / (n_in + n_out))
            w = np.random.uniform(-r, r, size=(n_out, n_in))
        else:  # he
            w = np.random.randn(n_out, n_in) * np.sqrt(2.0 / n_in)
        weights.append(w.T)
    return biases, weights
