"""The initial values of the facades' parameters, drawn from ``np.random``
in the course's and the book's order, so that the same seed gives the same
network as theirs.

Before drawing, :func:`drawing` checks that the network fits in memory: a
refused size leaves ``np.random`` as it was (a ``MemoryError`` half-way
through the draws would have moved it).
"""

import contextlib

import numpy as np

# /proc/meminfo's MemAvailable, then the cgroup (v2, v1) limit and usage
MEMINFO = "/proc/meminfo"
CGROUP_FILES = (
    ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
    ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"),
)


def parameter_count(sizes):
    """Weights and biases of a network of these layer sizes.

    Parameters
    ----------
    sizes : list of int

    Returns
    -------
    int

    Examples
    --------
    >>> parameter_count([784, 30, 10])
    23860
    """
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def bytes_to_build(sizes, dtype):
    """Peak memory of building a network: its float64 draws plus two
    parameter buffers of ``dtype`` (the engine's and the one filled).

    Parameters
    ----------
    sizes : list of int
    dtype : numpy.float64 or numpy.float32

    Returns
    -------
    int

    Examples
    --------
    >>> bytes_to_build([1, 1], np.float32)
    32
    """
    return parameter_count(sizes) * (8 + 2 * np.dtype(dtype).itemsize)


def _read_int(path):
    try:
        with open(path, encoding="ascii") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def available_memory():
    """Bytes this process can still allocate, or None where unknown.

    Linux's ``MemAvailable``, lowered to what a cgroup limit leaves.

    Returns
    -------
    int or None

    Examples
    --------
    >>> m = available_memory()
    >>> m is None or m > 0
    True
    """
    avail = None
    try:
        with open(MEMINFO, encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        pass
    for limit_file, usage_file in CGROUP_FILES:
        limit, usage = _read_int(limit_file), _read_int(usage_file)
        if limit is not None and usage is not None and limit < 2**62:
            left = max(limit - usage, 0)
            avail = left if avail is None else min(avail, left)
    return avail


def _gib(n):
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{n / 2**20:,.1f} MiB"


def _too_big(sizes, dtype, name, need, avail=None):
    count = parameter_count(sizes)
    if avail is None:  # memory ran out while building
        verdict = "memory ran out while building it"
    else:
        verdict = f"more than the {_gib(avail)} of memory available"
    return MemoryError(
        f"{name}: a network of sizes {list(sizes)} has {count:,} parameters "
        f"({_gib(count * np.dtype(dtype).itemsize)} in {np.dtype(dtype).name}); building it "
        f"needs about {need:,} bytes ({_gib(need)}), {verdict}; np.random is as it was"
    )


@contextlib.contextmanager
def drawing(sizes, dtype, name):
    """Around a facade's draws and setup: refuse a network too big for the
    memory before any draw, and should memory still run out inside, put
    ``np.random`` back as it was.

    Parameters
    ----------
    sizes : list of int
        Checked layer sizes.
    dtype : numpy.float64 or numpy.float32
    name : str
        The sizes' argument name, for the message.

    Raises
    ------
    MemoryError
        Naming the bytes needed; ``np.random`` untouched.

    Examples
    --------
    >>> with drawing([2, 1], np.float64, "tailles"):
    ...     b, w = book_draws([2, 1])
    """
    need = bytes_to_build(sizes, dtype)
    avail = available_memory()
    if avail is not None and need > avail:
        raise _too_big(sizes, dtype, name, need, avail)
    state = np.random.get_state()
    try:
        yield
    except MemoryError:
        np.random.set_state(state)
        raise _too_big(sizes, dtype, name, need) from None


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
