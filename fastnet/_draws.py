"""The initial values of the facades' parameters, drawn from ``np.random``
in the course's and the book's order, so that the same seed gives the same
network as theirs."""

import numpy as np


def book_draws(sizes, normalised=False):
    """The book's initial draws.

    Parameters
    ----------
    sizes : list of int
        Layer sizes.
    normalised : bool
        Divide the weights by ``sqrt(n_in)`` (``network2``'s default).

    Returns
    -------
    biases, weights : list of numpy.ndarray
        N(0, 1) biases ``(n_out, 1)``, then N(0, 1) weights ``(n_out, n_in)``,
        drawn in that order.

    Examples
    --------
    >>> b, w = book_draws([2, 3, 1])
    >>> w[0].shape
    (3, 2)
    """
    biases = [np.random.randn(y, 1) for y in sizes[1:]]
    weights = []
    for x, y in zip(sizes[:-1], sizes[1:]):
        w = np.random.randn(y, x)
        weights.append(w / np.sqrt(x) if normalised else w)
    return biases, weights


def initial_params(sizes, init):
    """``Reseau``'s initial values, drawn from ``np.random``.

    Parameters
    ----------
    sizes : list of int
        Layer sizes.
    init : str
        One of :data:`fastnet._knobs.INITS` (see :class:`fastnet.Reseau`).

    Returns
    -------
    biases, weights : list of numpy.ndarray
        Biases ``(n_out, 1)`` and weights as ``(n_in, n_out)`` blocks.

    Examples
    --------
    >>> b, w = initial_params([2, 3, 1], "uniforme")
    >>> w[0].shape
    (2, 3)
    """
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
