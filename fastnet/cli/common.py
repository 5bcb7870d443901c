"""What the commands share: the program's name, usage errors, argparse
types, the progress bar, and one-line error messages."""

import argparse
import math
import os
import sys

from .._progress import ProgressBar

__all__ = [
    "PROG",
    "UsageError",
    "ProgressBar",
    "positive_int",
    "count_int",
    "seed_int",
    "positive_float",
    "nonnegative_float",
    "momentum_float",
    "layer_sizes",
    "isatty",
    "one_line",
    "check_plot",
]

PROG = "fastnet"


class UsageError(Exception):
    """A bad option found after parsing (reported like argparse's errors).

    Examples
    --------
    >>> str(UsageError("argument --data: nope does not exist"))
    'argument --data: nope does not exist'
    """


# -- argument types: each raises ArgumentTypeError with a readable message --


def _int_at_least(minimum, what):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value}")
        return value

    parse.__name__ = what  # argparse names the type in some messages
    parse.__doc__ = f"Parse {what} (argparse type)."
    return parse


positive_int = _int_at_least(1, "an int >= 1")
count_int = _int_at_least(0, "an int >= 0")


def seed_int(text):
    """A seed both ``random.seed`` and ``np.random.seed`` accept.

    Parameters
    ----------
    text : str
        The option's value.

    Returns
    -------
    int

    Raises
    ------
    argparse.ArgumentTypeError
        Not an int in ``0..2**32 - 1``.

    Examples
    --------
    >>> seed_int("5")
    5
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an int, got {text!r}") from None
    if not 0 <= value < 2**32:  # np.random.seed's range
        raise argparse.ArgumentTypeError(f"expected an int in 0..{2**32 - 1}, got {value}")
    return value


def _float_arg(text, ok, wanted, finite_wanted):
    """``text`` as a float for which ``ok(value)`` holds, else an argparse error
    saying what was ``wanted``."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}") from None
    if not ok(value):
        raise argparse.ArgumentTypeError(f"expected {finite_wanted}, got {text}")
    return value


def positive_float(text):
    """A finite number > 0 (argparse type), such as ``--eta 3.0``.

    Parameters
    ----------
    text : str

    Returns
    -------
    float

    Raises
    ------
    argparse.ArgumentTypeError

    Examples
    --------
    >>> positive_float("3")
    3.0
    """
    return _float_arg(
        text, lambda v: math.isfinite(v) and v > 0, "a number > 0", "a finite number > 0"
    )


def nonnegative_float(text):
    """A finite number >= 0 (argparse type), such as ``--lmbda 5``.

    Parameters
    ----------
    text : str

    Returns
    -------
    float

    Raises
    ------
    argparse.ArgumentTypeError

    Examples
    --------
    >>> nonnegative_float("0")
    0.0
    """
    return _float_arg(
        text, lambda v: math.isfinite(v) and v >= 0, "a number >= 0", "a finite number >= 0"
    )


def momentum_float(text):
    """A number in [0, 1) (argparse type), such as ``--momentum 0.9``.

    Parameters
    ----------
    text : str

    Returns
    -------
    float

    Raises
    ------
    argparse.ArgumentTypeError

    Examples
    --------
    >>> momentum_float("0.9")
    0.9
    """
    return _float_arg(text, lambda v: 0 <= v < 1, "a number in [0, 1)", "a number in [0, 1)")


def layer_sizes(text):
    """``"784,30,10"`` -> ``[784, 30, 10]``: at least two positive ints.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of int

    Raises
    ------
    argparse.ArgumentTypeError

    Examples
    --------
    >>> layer_sizes("784, 30,10")
    [784, 30, 10]
    """
    parts = [p.strip() for p in text.split(",")]
    try:
        sizes = [int(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated layer sizes such as 784,30,10, got {text!r}"
        ) from None
    if len(sizes) < 2:
        raise argparse.ArgumentTypeError(
            f"need at least two layers (inputs and outputs) such as 784,30,10, got {text!r}"
        )
    if any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(f"layer sizes must be >= 1, got {text!r}")
    return sizes


def isatty(stream):
    """Whether ``stream`` is a terminal (False for a replaced or closed one).

    Parameters
    ----------
    stream : file-like

    Returns
    -------
    bool

    Examples
    --------
    >>> import io
    >>> isatty(io.StringIO())
    False
    """
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def check_plot(path):
    """Check that ``--plot FILE`` can be written: matplotlib is installed and
    the folder exists (before any training, not after it).

    Parameters
    ----------
    path : str
        The option's value.

    Raises
    ------
    UsageError
        The folder does not exist.
    ImportError
        matplotlib is not installed.

    Examples
    --------
    >>> check_plot("courbes.png")
    """
    folder = os.path.dirname(os.path.abspath(os.path.expanduser(path)))
    if not os.path.isdir(folder):
        raise UsageError(f"argument --plot: folder {folder} does not exist")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ImportError(
            "--plot needs matplotlib: pip install fastnet[plot] (or pip install matplotlib)"
        ) from None


def one_line(exc):
    """The exception's message on one line: lines ending a sentence or a
    clause are joined by a space, the items of a list by ``"; "``.

    Parameters
    ----------
    exc : BaseException

    Returns
    -------
    str
        The message, prefixed by the type's name unless it is an expected
        failure (OSError, ValueError, TypeError, ImportError, ArithmeticError).

    Examples
    --------
    >>> one_line(ValueError("bad file:\\nline 3"))
    'bad file: line 3'
    """
    msg = ""
    for line in (ln.strip() for ln in str(exc).splitlines()):
        if line:
            sep = " " if not msg or msg[-1] in ".:;," else "; "
            msg = msg + sep + line if msg else line
    msg = msg or type(exc).__name__
    # expected failures speak for themselves (ArithmeticError: training
    # diverged); name the type of anything else
    if isinstance(exc, (OSError, ValueError, TypeError, ImportError, ArithmeticError)):
        return msg
    return f"{type(exc).__name__}: {msg}"


def silence_stdout():
    """Point stdout at /dev/null (after a broken pipe), so that Python does
    not complain again when it flushes at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
