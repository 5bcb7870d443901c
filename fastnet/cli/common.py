"""What the commands share: the program's name, usage errors, argparse
types, the progress bar, and one-line error messages."""

import argparse
import contextlib
import math
import os
import signal
import sys
import threading

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
    "check_output",
    "Terminated",
    "stop_code",
    "stop_words",
    "handle_signals",
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


def check_output(path, option):
    """Check, before any work, that the file ``path`` can be written: not a
    folder, its folder exists, and a file can be made there (a scratch file,
    removed at once; an existing file is opened for appending, nothing
    written).

    Parameters
    ----------
    path : str
        The option's value.
    option : str
        The option's name, for the message (``"--plot"``).

    Raises
    ------
    UsageError
        The file cannot be written, saying why.

    Examples
    --------
    >>> check_output("/tmp/courbes.png", "--plot")
    """
    full = os.path.abspath(os.path.expanduser(path))
    folder = os.path.dirname(full)
    if os.path.isdir(full):
        raise UsageError(f"argument {option}: {path} is a folder; give a file name")
    if not os.path.isdir(folder):
        raise UsageError(f"argument {option}: folder {folder} does not exist")
    try:
        if os.path.exists(full):
            os.close(os.open(full, os.O_WRONLY | os.O_APPEND))
        else:
            probe = os.path.join(folder, f".{os.path.basename(full)}.fastnet-check")
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            os.unlink(probe)
    except OSError as e:
        raise UsageError(f"argument {option}: cannot write {path}: {e.strerror or e}") from None


def check_plot(path):
    """Check that ``--plot FILE`` can be written, before any training: an
    image format matplotlib writes (named by the file's extension, so that
    the file written is the one named), and a place where it can be written.

    Parameters
    ----------
    path : str
        The option's value.

    Raises
    ------
    UsageError
        No image extension, a folder, or a place that cannot be written.
    ImportError
        matplotlib is not installed.

    Examples
    --------
    >>> check_plot("courbes.png")
    """
    try:
        from matplotlib.backend_bases import FigureCanvasBase
    except ImportError:
        raise ImportError(
            "--plot needs matplotlib: pip install fastnet[plot] (or pip install matplotlib)"
        ) from None
    formats = FigureCanvasBase.get_supported_filetypes()
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if os.path.isdir(os.path.expanduser(path)):
        raise UsageError(
            f"argument --plot: {path} is a folder; give a file name such as courbes.png"
        )
    if ext not in formats:
        raise UsageError(
            f"argument --plot: {path}: expected an image file name ending in "
            f"{', '.join('.' + f for f in sorted(formats))}"
        )
    check_output(path, "--plot")


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


# -- stopping: Ctrl-C and SIGTERM ------------------------------------------------


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be so that it is handled the same
    way (whole epochs kept, results saved, one line) but exits with 143.

    Examples
    --------
    >>> isinstance(Terminated(), KeyboardInterrupt)
    True
    """


def stop_code(exc):
    """The exit code of a stop: 143 for SIGTERM, 130 for Ctrl-C (128 + signal).

    Examples
    --------
    >>> stop_code(KeyboardInterrupt()), stop_code(Terminated())
    (130, 143)
    """
    return 128 + (signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT)


def stop_words(exc):
    """``"interrupted"`` (Ctrl-C) or ``"terminated (SIGTERM)"``.

    Examples
    --------
    >>> stop_words(Terminated())
    'terminated (SIGTERM)'
    """
    return "terminated (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"


@contextlib.contextmanager
def handle_signals():
    """While a command runs: SIGTERM raises :class:`Terminated`, and the
    signals received are recorded, so that a stop that some library
    swallowed still ends the command with 130/143, never 0.

    Yields
    ------
    list of int
        The signals received so far.
    """
    received = []
    if threading.current_thread() is not threading.main_thread():
        yield received  # signal handlers can only be set in the main thread
        return

    def on_int(signum, frame):
        received.append(signum)
        raise KeyboardInterrupt

    def on_term(signum, frame):
        received.append(signum)
        raise Terminated

    old_int = signal.getsignal(signal.SIGINT)
    old_term = signal.signal(signal.SIGTERM, on_term)
    if old_int is signal.default_int_handler:  # not when Ctrl-C is ignored
        signal.signal(signal.SIGINT, on_int)
    try:
        yield received
    finally:
        signal.signal(signal.SIGTERM, old_term)
        signal.signal(signal.SIGINT, old_int)
