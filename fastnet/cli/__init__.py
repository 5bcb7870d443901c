"""Command line: ``fastnet train`` (the course's ``main.py``), ``fastnet
sweep`` (many knob settings, on Dask) and ``fastnet demo`` (the classroom
page).

Exit codes: 0 success, 1 runtime error (data not found, bad data...),
2 bad command line, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM,
handled as Ctrl-C is). Errors are one line on stderr,
``fastnet: error: ...``; set ``FASTNET_DEBUG=1`` to get the traceback instead.

Wording: what the course's training prints (the epoch lines, the summary,
the progress bar over epochs, the figures) is French, like the course; what
is about the command itself (help, errors, interruptions, the sweep's
report) is English, like argparse's own messages.

Each command is a module with ``add_parser(sub)`` (registers its parser and
sets ``func`` to a function ``(args) -> int``) and ``command(args)``; to add
one, write the module and list it in ``COMMANDS``.
"""

import argparse
import os
import signal
import sys

from .._version import __version__
from . import demo, sweep, train
from .common import (
    PROG,
    Terminated,
    UsageError,
    handle_signals,
    one_line,
    silence_stdout,
    stop_code,
    stop_words,
)

__all__ = ["main", "build_parser", "PROG", "UsageError"]

COMMANDS = (train, sweep, demo)


def build_parser():
    """The ``fastnet`` parser, one subparser per command.

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> build_parser().prog
    'fastnet'
    """
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="fastnet: the course's sigmoid network (Reseau), compiled with Numba.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def main(argv=None):
    """Run the command line ``fastnet [COMMAND] [OPTIONS]`` (the console
    script's entry point).

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code.

    Examples
    --------
    >>> main(["--version"])  # doctest: +SKIP
    fastnet 0.1.0
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version, or argparse's usage error
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    with handle_signals() as received:
        code = _run(args)
    if received and code in (0, 1):  # a stop swallowed on the way: not a success
        stopped = Terminated() if received[0] == signal.SIGTERM else KeyboardInterrupt()
        print(f"{PROG}: {stop_words(stopped)}", file=sys.stderr)
        return stop_code(stopped)
    return code


def _run(args):
    try:
        return args.func(args)
    except UsageError as e:
        args.parser.print_usage(sys.stderr)
        print(f"{PROG} {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:  # outside training (e.g. while loading data)
        print(f"{PROG}: {stop_words(e)}", file=sys.stderr)
        return stop_code(e)
    except BrokenPipeError:
        # stdout closed early (``fastnet train | head``): stop quietly, and
        # keep Python from complaining again when it flushes at exit
        silence_stdout()
        return 1
    except Exception as e:
        if os.environ.get("FASTNET_DEBUG"):
            raise
        print(f"{PROG}: error: {one_line(e)}", file=sys.stderr)
        return 1
