"""Command line: ``fastnet train`` runs the course's ``main.py`` on fastnet.

``fastnet train`` with no options does what the course's script does: load
MNIST (50,000 training images, 10,000 test images), build
``Reseau([784, 30, 10])`` and train it for 30 epochs with mini-batches of 10
and ``eta = 3.0``, printing ``Époque j: correct / 10000`` after each epoch.
It then prints the final accuracy, the mean time per epoch and the time spent
loading the data.

Exit codes: 0 success, 1 runtime error (data not found, bad data...),
2 bad command line, 130 interrupted (Ctrl-C). Errors are one line on stderr,
``fastnet: error: ...``; set ``FASTNET_DEBUG=1`` to get the traceback instead.

Subcommands live in ``_COMMANDS``: to add one, write ``_add_<name>(sub)``
that registers its parser and sets ``func`` to a function ``(args) -> int``.
"""
import argparse
import contextlib
import math
import os
import random
import sys
import time

import numpy as np

from .reseau import ACTIVATIONS, COUTS as COSTS, INITS

PROG = "fastnet"
MNIST_IN, MNIST_OUT = 784, 10  # 28x28 pixels in, 10 digits out


class UsageError(Exception):
    """A bad option found after parsing (reported like argparse's errors)."""


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
    return parse


positive_int = _int_at_least(1, "an int >= 1")
count_int = _int_at_least(0, "an int >= 0")


def seed_int(text):
    """A seed both ``random.seed`` and ``np.random.seed`` accept."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an int, got {text!r}") from None
    if not 0 <= value < 2 ** 32:  # np.random.seed's range
        raise argparse.ArgumentTypeError(f"expected an int in 0..{2 ** 32 - 1}, got {value}")
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
    return _float_arg(text, lambda v: math.isfinite(v) and v > 0,
                      "a number > 0", "a finite number > 0")


def nonnegative_float(text):
    return _float_arg(text, lambda v: math.isfinite(v) and v >= 0,
                      "a number >= 0", "a finite number >= 0")


def momentum_float(text):
    return _float_arg(text, lambda v: 0 <= v < 1, "a number in [0, 1)", "a number in [0, 1)")


def layer_sizes(text):
    """``"784,30,10"`` -> ``[784, 30, 10]``: at least two positive ints."""
    parts = [p.strip() for p in text.split(",")]
    try:
        sizes = [int(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated layer sizes such as 784,30,10, got {text!r}") from None
    if len(sizes) < 2:
        raise argparse.ArgumentTypeError(
            f"need at least two layers (inputs and outputs) such as 784,30,10, got {text!r}")
    if any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(f"layer sizes must be >= 1, got {text!r}")
    return sizes


# -- progress bar ------------------------------------------------------------

class ProgressBar:
    """A one-line bar over epochs, redrawn in place with ``\\r`` on a stream
    (stderr). ``clear()`` erases it so that other output starts on a clean
    line."""

    WIDTH = 24

    def __init__(self, total, stream):
        self.total = total
        self.stream = stream
        self.done = 0
        self.start = time.perf_counter()
        self.shown = False

    def draw(self):
        filled = self.WIDTH * self.done // max(self.total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        text = f"\r[{bar}] {self.done}/{self.total} époques"
        if self.done:
            per = (time.perf_counter() - self.start) / self.done
            text += f"  {per:.2f} s/époque  reste ~{per * (self.total - self.done):.0f} s"
        self.stream.write(text + "\033[K")  # erase leftovers of a longer line
        self.stream.flush()
        self.shown = True

    def update(self, done):
        self.done = done
        self.draw()

    def clear(self):
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


class _EpochLines:
    """Stands in for stdout during training: drops the course's lines when
    quiet, and erases the progress bar before any line is written (the bar
    and stdout usually share the terminal)."""

    def __init__(self, target, bar, quiet):
        self.target, self.bar, self.quiet = target, bar, quiet

    def write(self, text):
        if self.quiet:
            return len(text)
        if self.bar is not None:
            self.bar.clear()
        return self.target.write(text)

    def flush(self):
        self.target.flush()

    def __getattr__(self, name):  # encoding, isatty... of the real stream
        return getattr(self.target, name)


# -- subcommands -------------------------------------------------------------

_TRAIN_HELP = """\
Train the course's network on MNIST, like the course's main.py: by default
Reseau([784, 30, 10]), 30 epochs, mini-batches of 10, eta = 3.0, trained on
the 50,000 training images and tested on the 10,000 test images after each
epoch ("Époque j: correct / 10000"). Ends with the final accuracy, the mean
time per epoch (training plus the test pass, data loading excluded) and the
data loading time."""

_TRAIN_EPILOG = """\
data: --data PATH, else the directory in $FASTNET_DATA, else the per-user
cache (downloaded on first use).

examples:
  fastnet train                                  # the course's run
  fastnet train --seed 1 --limit 2000 --epochs 2 # quick, reproducible
  fastnet train --sizes 784,100,10 --eta 0.5 --dtype float32 --parallel
  fastnet train --cost entropie_croisee --init gauss_normalise --eta 0.5 \
                --lmbda 5 --plot courbes.png      # chapter 3's network"""


def _add_train(sub):
    p = sub.add_parser(
        "train", help="train Reseau on MNIST (the course's main.py)",
        description=_TRAIN_HELP, epilog=_TRAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=layer_sizes, default=[MNIST_IN, 30, MNIST_OUT],
                   metavar="N,N,...",
                   help="layer sizes, inputs first; MNIST needs 784 first and 10 "
                        "last (default: 784,30,10)")
    p.add_argument("--epochs", type=count_int, default=30, metavar="N",
                   help="number of epochs (default: 30)")
    p.add_argument("--batch-size", type=positive_int, default=10, metavar="N",
                   help="mini-batch size (default: 10)")
    p.add_argument("--eta", type=positive_float, default=3.0, metavar="X",
                   help="learning rate (default: 3.0)")
    p.add_argument("--seed", type=seed_int, default=None, metavar="N",
                   help="seed random and numpy.random before building the network, "
                        "for a reproducible run (default: no seed, so every run "
                        "differs, as in the course)")
    p.add_argument("--parallel", action="store_true",
                   help="train with the parallel epoch loop: replicas on the "
                        "cores, averaged every few mini-batches (faster; not the "
                        "course's exact updates)")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64",
                   help="precision of the parameters (default: float64, the "
                        "course's results; float32 is faster)")
    p.add_argument("--cost", choices=tuple(COSTS), default="quadratique",
                   help="cost function (default: quadratique, the course's; "
                        "log_vraisemblance puts softmax on the outputs)")
    p.add_argument("--activation", choices=tuple(ACTIVATIONS), default="sigmoide",
                   help="activation of the hidden layers (default: sigmoide)")
    p.add_argument("--init", choices=INITS, default="uniforme",
                   help="initial weights and biases: uniforme (the course's "
                        "uniform(-1, 1), default), gauss N(0, 1), gauss_normalise "
                        "N(0, 1/n_in) (network2's), xavier, he")
    p.add_argument("--lmbda", type=nonnegative_float, default=0.0, metavar="X",
                   help="L2 regularisation, as in network2 (default: 0)")
    p.add_argument("--momentum", type=momentum_float, default=0.0, metavar="MU",
                   help="momentum coefficient in [0, 1) (default: 0, none; not with "
                        "--parallel)")
    p.add_argument("--plot", metavar="FILE.png", default=None,
                   help="write the accuracy and cost curves to FILE.png (needs "
                        "matplotlib: pip install fastnet[plot])")
    p.add_argument("--data", metavar="PATH", default=None,
                   help="MNIST location (default: $FASTNET_DATA, else the cache)")
    p.add_argument("--limit", type=positive_int, default=None, metavar="N",
                   help="use only the first N training and N test images "
                        "(quick runs)")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress bar (it is shown on stderr only when "
                        "stderr is a terminal)")
    p.add_argument("--quiet", action="store_true",
                   help="do not print the per-epoch lines, only the summary")
    p.set_defaults(func=_train, parser=p)


def _load_mnist(path):
    """MNIST as arrays; imported here so that a missing or broken loader
    only affects the commands that need the data."""
    from . import mnist
    return mnist.load_arrays(path=path)


def _train(args):
    sizes = args.sizes
    if sizes[0] != MNIST_IN or sizes[-1] != MNIST_OUT:
        raise UsageError(f"argument --sizes: MNIST needs {MNIST_IN} inputs and "
                         f"{MNIST_OUT} outputs (e.g. {MNIST_IN},30,{MNIST_OUT}), "
                         f"got {','.join(map(str, sizes))}")
    if args.data is not None and not os.path.exists(os.path.expanduser(args.data)):
        raise UsageError(f"argument --data: {args.data} does not exist")
    if args.momentum and args.parallel:
        raise UsageError("argument --momentum: not available with --parallel (averaged "
                         "replicas have no single velocity)")
    if args.plot is not None:
        _check_plot(args.plot)  # before training, not after it
    from .reseau import Reseau

    t0 = time.perf_counter()
    try:
        (X_train, y_train), _validation, (X_test, y_test) = _load_mnist(args.data)
    except FileNotFoundError as e:
        if args.data is None:
            raise
        raise FileNotFoundError(f"--data: {e}") from e
    if args.limit is not None:
        X_train, y_train = X_train[:args.limit], y_train[:args.limit]
        X_test, y_test = X_test[:args.limit], y_test[:args.limit]
    load_s = time.perf_counter() - t0

    if args.seed is not None:
        # the network's initial values come from np.random, the shuffles
        # from random: seed both, before building the network
        random.seed(args.seed)
        np.random.seed(args.seed)
    # knobs and training options are passed only when not the course's, so
    # that the default run makes exactly the course's calls
    knobs = {name: value for name, value, default in (
        ("cout", args.cost, "quadratique"), ("activation", args.activation, "sigmoide"),
        ("init", args.init, "uniforme")) if value != default}
    options = {name: value for name, value in (
        ("lmbda", args.lmbda), ("mu", args.momentum), ("suivre_cout", args.plot is not None))
        if value}
    net = Reseau(sizes, dtype=np.dtype(args.dtype).type, parallel=args.parallel, **knobs)

    show_bar = not args.no_progress and _isatty(sys.stderr)
    bar = ProgressBar(args.epochs, sys.stderr) if show_bar and args.epochs else None
    ends = []  # perf_counter() at the end of each epoch
    results = []  # correct count after each epoch

    def on_epoch(j, correct):
        ends.append(time.perf_counter())
        results.append(correct)
        if bar is not None:
            bar.update(j + 1)

    lines = _EpochLines(sys.stdout, bar, args.quiet)
    try:
        if bar is not None:
            bar.draw()
        start = time.perf_counter()
        with contextlib.redirect_stdout(lines):
            history = net.DGS((X_train, y_train), args.epochs, args.batch_size, args.eta,
                              test_data=(X_test, y_test), callback=on_epoch, **options)
    except KeyboardInterrupt:
        if bar is not None:
            bar.clear()
        done = len(ends)
        where = (f"after epoch {done - 1} ({done} of {args.epochs} epochs done)"
                 if done else "during epoch 0 (no epoch done)")
        print(f"{PROG}: interrupted {where}", file=sys.stderr)
        return 130
    if bar is not None:
        bar.clear()

    correct = results[-1] if results else net.evaluer((X_test, y_test))
    n_test = len(y_test)
    print(f"Précision finale : {100.0 * correct / n_test:.2f} % ({correct} / {n_test})")
    if ends:
        print(_epoch_times(np.diff([start] + ends)))
    print(f"Chargement des données : {load_s:.3f} s "
          f"({len(y_train)} images d'entraînement, {n_test} de test)")
    if args.plot is not None:
        from . import plots
        # the run's settings as the figure's title: too long for a legend
        title = "  ".join([f"[{','.join(map(str, sizes))}]", f"η = {args.eta:g}",
                           f"mini-batch {args.batch_size}"]
                          + list(knobs.values())
                          + [f"{k} = {v:g}" for k, v in options.items() if k != "suivre_cout"])
        fig = plots.courbes(history)
        fig.suptitle(title, fontsize=10)
        fig.tight_layout()
        fig.savefig(os.path.expanduser(args.plot), dpi=100)
        print(f"Courbes : {args.plot}")
    return 0


def _check_plot(path):
    """--plot needs matplotlib and an existing folder."""
    folder = os.path.dirname(os.path.abspath(os.path.expanduser(path)))
    if not os.path.isdir(folder):
        raise UsageError(f"argument --plot: folder {folder} does not exist")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ImportError("--plot needs matplotlib: pip install fastnet[plot] "
                          "(or pip install matplotlib)") from None


def _epoch_times(seconds):
    """The time-per-epoch line. The first epoch also pays for loading the
    compiled kernels (and compiling them on a first run), so it is shown
    apart from the steady pace of the others."""
    if len(seconds) == 1:
        return f"Temps par époque : {seconds[0]:.3f} s (1 époque, compilation comprise)"
    return (f"Temps par époque : {seconds.mean():.3f} s en moyenne sur {len(seconds)} "
            f"époques (première {seconds[0]:.3f} s, compilation comprise ; "
            f"suivantes {seconds[1:].mean():.3f} s)")


def _add_sweep(sub):
    """``fastnet sweep``: parser and command live in ``fastnet/sweep.py``
    (Dask is imported only when a sweep runs)."""
    from .sweep import add_parser
    add_parser(sub)


def _add_demo(sub):
    from .demo.command import add_parser  # the demo's parser lives with it
    add_parser(sub)


_COMMANDS = (_add_train, _add_sweep, _add_demo)


def _isatty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


def build_parser():
    """The ``fastnet`` parser, one subparser per command."""
    from . import __version__
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="fastnet: the course's sigmoid network (Reseau), compiled "
                    "with Numba.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in _COMMANDS:
        add(sub)
    return parser


def main(argv=None):
    """Run the command line ``fastnet [COMMAND] [OPTIONS]``; returns the exit
    code (console script entry point)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version, or argparse's usage error
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.func(args)
    except UsageError as e:
        args.parser.print_usage(sys.stderr)
        print(f"{PROG} {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # outside training (e.g. while loading data)
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # stdout closed early (``fastnet train | head``): stop quietly, and
        # keep Python from complaining again when it flushes at exit
        _silence_stdout()
        return 1
    except Exception as e:
        if os.environ.get("FASTNET_DEBUG"):
            raise
        print(f"{PROG}: error: {_one_line(e)}", file=sys.stderr)
        return 1


def _one_line(exc):
    """The exception's message on one line: lines ending a sentence or a
    clause are joined by a space, the items of a list by "; "."""
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


def _silence_stdout():
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    sys.exit(main())
