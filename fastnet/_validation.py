"""Plain argument checks, shared by every public entry (the bottom layer).

Each ``check_*`` takes the value and the name the caller knows it by, and
returns the value converted (an ``int``, a ``float``...) or raises
``TypeError`` (wrong kind of object) or ``ValueError`` (right kind, wrong
value) naming that argument. Pure Python and numpy: no fastnet import.
"""

import math
import numbers
import os
import random

import numpy as np

# Longest quoted value (a huge list would flood the terminal), message, recorded error
VALUE_CUT = 40
MESSAGE_CUT = 200
ERROR_CUT = 2000

DTYPES = (np.float64, np.float32)


def cut(text, limit=MESSAGE_CUT):
    """``text`` cut to at most ``limit`` characters.

    Parameters
    ----------
    text : str
        Any text.
    limit : int
        The most characters kept.

    Returns
    -------
    str
        ``text`` itself when short enough, else its first ``limit`` characters.

    Examples
    --------
    >>> cut("abcdef", 3)
    'abc'
    """
    return text[:limit]


def short_repr(value):
    """``repr(value)``, ending in ``...`` when longer than :data:`VALUE_CUT`.

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    str
        Its repr, at most ``VALUE_CUT`` characters.

    Examples
    --------
    >>> short_repr(3.0)
    '3.0'
    """
    text = repr(value)
    return text if len(text) <= VALUE_CUT else text[: VALUE_CUT - 3] + "..."


def check_sizes(sizes, name):
    """Layer sizes: at least two positive ints.

    Parameters
    ----------
    sizes : list, tuple, range or 1-D int array
        The sizes, inputs first.
    name : str
        The argument's name, for the messages.

    Returns
    -------
    list of int

    Raises
    ------
    TypeError
        Not a sequence of ints.
    ValueError
        A size below 1, or fewer than two layers.

    Examples
    --------
    >>> check_sizes((784, 30, 10), "tailles")
    [784, 30, 10]
    """
    if not (
        isinstance(sizes, (list, tuple, range))
        or (isinstance(sizes, np.ndarray) and sizes.ndim == 1)
    ):
        raise TypeError(
            cut(
                f"{name}: expected a list of layer sizes such as [784, 30, 10], "
                f"got {type(sizes).__name__} {sizes!r}"
            )
        )
    out = []
    for i, s in enumerate(sizes):
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"{name}[{i}]: expected a positive int, got {s!r}")
        if s < 1:
            raise ValueError(f"{name}[{i}]: expected a positive int, got {s}")
        out.append(int(s))
    if len(out) < 2:
        raise ValueError(
            f"{name}: need at least two layers (inputs and outputs), got {list(sizes)}"
        )
    return out


def check_count(value, name, minimum):
    """An int ``>= minimum`` (numpy ints too; not a bool, not 30.0).

    Parameters
    ----------
    value : int
        The value to check.
    name : str
        The argument's name, for the messages.
    minimum : int
        The smallest value allowed.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        Not an int.
    ValueError
        Below ``minimum``.

    Examples
    --------
    >>> check_count(30, "nb_epoques", 0)
    30
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}: expected an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: expected an int >= {minimum}, got {value}")
    return int(value)


def check_flag(value, name):
    """A bool (numpy's too); None stays None ("use the default").

    Parameters
    ----------
    value : bool or None
        The value to check.
    name : str
        The argument's name, for the messages.

    Returns
    -------
    bool or None

    Raises
    ------
    TypeError
        Anything else.

    Examples
    --------
    >>> check_flag(True, "parallel")
    True
    """
    if value is None or isinstance(value, (bool, np.bool_)):
        return None if value is None else bool(value)
    raise TypeError(f"{name}: expected True or False, got {value!r}")


def check_bool(value, name):
    """A bool (numpy's too), None refused.

    Parameters
    ----------
    value : bool
        The value to check.
    name : str
        The argument's name, for the messages.

    Returns
    -------
    bool

    Raises
    ------
    TypeError
        Anything but a bool.

    Examples
    --------
    >>> check_bool(False, "verbose")
    False
    """
    if check_flag(value, name) is None:
        raise TypeError(f"{name}: expected True or False, got None")
    return bool(value)


def check_choice(value, name, choices):
    """One of the strings ``choices``.

    Parameters
    ----------
    value : str
        The value to check.
    name : str
        The argument's name, for the messages.
    choices : sequence of str
        The values allowed.

    Returns
    -------
    str

    Raises
    ------
    TypeError
        Not a string.
    ValueError
        A string not in ``choices``.

    Examples
    --------
    >>> check_choice("tanh", "activation", ("sigmoide", "tanh", "relu"))
    'tanh'
    """
    listed = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise TypeError(
            cut(f"{name}: expected one of {listed}, got {type(value).__name__} {value!r}")
        )
    if value not in choices:
        raise ValueError(cut(f"{name}: expected one of {listed}, got {value!r}"))
    return value


def check_real(value, name, below=None, example="5.0"):
    """A finite real ``>= 0`` (and ``< below`` when given), as a float.

    Parameters
    ----------
    value : real
        The value to check.
    name : str
        The argument's name, for the messages.
    below : float, optional
        An exclusive upper bound.
    example : str
        A good value, shown in the messages.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        Not a real number (a bool is not).
    ValueError
        Negative, not finite, or not below ``below``.

    Examples
    --------
    >>> check_real(5, "lmbda")
    5.0
    """
    wanted = (
        f"a number in [0, {below:g}) such as {example}"
        if below is not None
        else f"a finite number >= 0 such as {example}"
    )
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(cut(f"{name}: expected {wanted}, got {type(value).__name__} {value!r}"))
    v = float(value)
    if not (np.isfinite(v) and v >= 0 and (below is None or v < below)):
        raise ValueError(f"{name}: expected {wanted}, got {value!r}")
    return v


def check_eta(eta, name="eta"):
    """A learning rate: a positive finite real (numpy scalars too, not bool).

    Parameters
    ----------
    eta : real
        The value to check.
    name : str
        The argument's name, for the messages.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        Not a real number.
    ValueError
        Zero, negative, NaN or infinite.

    Examples
    --------
    >>> check_eta(3)
    3.0
    """
    if isinstance(eta, (bool, np.bool_)) or not isinstance(eta, numbers.Real):
        raise TypeError(
            f"{name}: expected a positive number such as 3.0, "
            f"got {type(eta).__name__} {short_repr(eta)}"
        )
    try:
        value = float(eta)
    except OverflowError:  # an int too large for a float
        value = math.inf
    if not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"{name}: expected a positive finite number such as 3.0, got {short_repr(eta)}"
        )
    return value


def sum_is_finite(X):
    """Whether the sum of ``X`` is finite: always when every value is
    finite and not huge, never when one is NaN or inf (they propagate
    through the sum, ``inf - inf`` included). One pass, no temporaries."""
    with np.errstate(all="ignore"):  # overflow and inf - inf: the answer, not a warning
        return bool(np.isfinite(X.sum()))


def first_bad_row(X):
    """Index of the first row of ``X`` holding NaN or inf, else None.

    One sum when all is finite (the usual case, :func:`sum_is_finite`); only
    a sum that is not finite (bad or huge values) leads to a row-by-row look."""
    if sum_is_finite(X):
        return None
    bad = np.flatnonzero(~np.isfinite(X).reshape(len(X), -1).all(axis=1))
    return int(bad[0]) if bad.size else None


def resolve_dtype(dtype):
    """The numpy scalar type of a parameter precision.

    Parameters
    ----------
    dtype : numpy.float64, numpy.float32, or their names
        The precision asked for.

    Returns
    -------
    type
        ``numpy.float64`` or ``numpy.float32``.

    Raises
    ------
    TypeError
        Any other dtype.

    Examples
    --------
    >>> resolve_dtype("float32")
    <class 'numpy.float32'>
    """
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype: expected float64 or float32, got {dtype!r}") from None
    if dt not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise TypeError(f"dtype: expected float64 or float32, got {dt}")
    return dt.type


def check_callable(value, name, what):
    """A function, or None.

    Parameters
    ----------
    value : callable or None
        The value to check.
    name : str
        The argument's name, for the messages.
    what : str
        How it is called, shown in the message (``"callback(j, correct)"``).

    Returns
    -------
    callable or None

    Raises
    ------
    TypeError
        Not callable.

    Examples
    --------
    >>> check_callable(None, "callback", "callback(j, correct)") is None
    True
    """
    if value is not None and not callable(value):
        raise TypeError(f"{name}: expected a function {what}, got {type(value).__name__}")
    return value


def check_path(value, name):
    """A file name: a ``str`` or a path.

    ``open(3)`` would read file descriptor 3, and ``open(b"x")`` takes bytes:
    anything else is refused before the file is touched.

    Parameters
    ----------
    value : object
        The argument.
    name : str
        Its name, for the message.

    Returns
    -------
    str or os.PathLike
        ``value``.

    Raises
    ------
    TypeError
        Not a str or an ``os.PathLike``.

    Examples
    --------
    >>> check_path("net.json", "fichier")
    'net.json'
    """
    if isinstance(value, (str, os.PathLike)):
        return value
    raise TypeError(
        f"{name}: expected a file name (str or path), got {type(value).__name__} {value!r}"
    )


def check_rng(value, name="rng"):
    """Where training's shuffles come from: what the compiled shuffle can
    honour, which replays ``random.Random``'s own Mersenne Twister from
    its ``getstate()``.

    Parameters
    ----------
    value : random.Random, the random module, or None
        A ``random.Random`` instance of that very class (not a subclass,
        whose own methods the replay would ignore: ``SystemRandom`` has no
        state at all); the ``random`` module or None for the global
        ``random``, as in the course.
    name : str
        The argument's name, for the messages.

    Returns
    -------
    random.Random or None
        None for the global ``random``.

    Raises
    ------
    TypeError
        Anything else.

    Examples
    --------
    >>> import random
    >>> check_rng(random) is None
    True
    >>> check_rng(random.SystemRandom())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: rng: expected a random.Random or None, got random.SystemRandom (a subclass...
    """
    if value is None or value is random:
        return None
    if type(value) is random.Random:
        return value
    kind = type(value)
    what = f"{kind.__module__}.{kind.__qualname__}"
    if isinstance(value, random.Random):
        raise TypeError(
            f"{name}: expected a random.Random or None, got {what} (a subclass: the "
            f"shuffles replay random.Random's own generator from getstate(), so its "
            f"methods would be ignored)"
        )
    raise TypeError(f"{name}: expected a random.Random or None, got {what}")
