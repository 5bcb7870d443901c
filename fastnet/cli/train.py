"""``fastnet train``: the course's ``main.py`` on fastnet.

With no options it does what the course's script does: load MNIST (50,000
training images, 10,000 test images), build ``Reseau([784, 30, 10])`` and
train it for 30 epochs with mini-batches of 10 and ``eta = 3.0``, printing
``Époque j: correct / 10000`` after each epoch; then the final accuracy,
the mean time per epoch and the time spent loading the data. Defaults and
choices come from the knob registry (:mod:`fastnet._knobs`).
"""

import argparse
import contextlib
import os
import random
import sys
import time

import numpy as np

from .. import mnist, plots, reseau
from .._knobs import ACTIVATIONS_FR, COUTS, DIGITS, IMAGE_PIXELS, INITS, KNOB
from .._options import FRENCH
from .common import (
    PROG,
    ProgressBar,
    UsageError,
    check_plot,
    count_int,
    isatty,
    layer_sizes,
    momentum_float,
    nonnegative_float,
    positive_float,
    positive_int,
    seed_int,
    stop_code,
    stop_words,
)

MNIST_IN, MNIST_OUT = IMAGE_PIXELS, DIGITS
# Reseau(...)'s knobs: (the option's dest = registry name, Reseau's keyword)
NET_KNOBS = tuple((name, KNOB[name].api) for name in ("cost", "activation", "init"))


def _default(name):
    return KNOB[name].default


def epoch_bar(total, stream):
    """The progress bar over epochs (on stderr).

    Parameters
    ----------
    total : int
        Number of epochs.
    stream : file-like
        Where to draw it.

    Returns
    -------
    fastnet.cli.common.ProgressBar

    Examples
    --------
    >>> import io
    >>> epoch_bar(30, io.StringIO()).close()
    """
    return ProgressBar(total, stream, "époques")


class EpochLines:
    """Stands in for stdout during training: drops the course's lines when
    quiet, and erases the progress bar before any line is written (the bar
    and stdout usually share the terminal).

    Parameters
    ----------
    target : file-like
        The real stdout.
    bar : ProgressBar or None
        The bar to erase before each line.
    quiet : bool
        Drop every line.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> EpochLines(out, None, quiet=True).write("Époque 0 complete\\n")
    18
    >>> out.getvalue()
    ''
    """

    def __init__(self, target, bar, quiet):
        self.target, self.bar, self.quiet = target, bar, quiet
        # epoch lines seen: DGS prints one once that epoch is committed,
        # before it calls the callback
        self.epochs = 0

    def write(self, text):
        if text.startswith(FRENCH.epoch + " "):
            self.epochs += 1
        if self.quiet:
            return len(text)
        if self.bar is not None:
            self.bar.clear()
        return self.target.write(text)

    def flush(self):
        self.target.flush()

    def __getattr__(self, name):  # encoding, isatty... of the real stream
        return getattr(self.target, name)


_TRAIN_HELP = """Flush the real stream.

        Returns
        -------
        None
        """

_TRAIN_EPILOG = """\
data: --data PATH, else the directory in $FASTNET_DATA, else the per-user
cache (downloaded on first use).

examples:
  fastnet train                                  # the course's run
  fastnet train --seed 1 --limit 2000 --epochs 2 # quick, reproducible
  fastnet train --sizes 784,100,10 --eta 0.5 --dtype float32 --parallel
  fastnet train --cost entropie_croisee --init gauss_normalise --eta 0.5 \
                --lmbda 5 --plot courbes.png      # chapter 3's network"""


def add_parser(sub):
    """Register ``fastnet train`` on the ``fastnet`` subparsers.

    Parameters
    ----------
    sub : argparse subparsers action
        ``parser.add_subparsers(...)``'s result.

    Returns
    -------
    argparse.ArgumentParser
        The command's parser.
    """
    p = sub.add_parser(
        "train",
        help="train Reseau on MNIST (the course's main.py)",
        description=_TRAIN_HELP,
        epilog=_TRAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--sizes",
        type=layer_sizes,
        default=list(_default("sizes")),
        metavar="N,N,...",
        help="layer sizes, inputs first; MNIST needs 784 first and 10 last (default: 784,30,10)",
    )
    p.add_argument(
        "--epochs",
        type=count_int,
        default=_default("epochs"),
        metavar="N",
        help="number of epochs (default: %(default)s)",
    )
    p.add_argument(
        "--batch-size",
        type=positive_int,
        default=_default("batch_size"),
        metavar="N",
        help="mini-batch size (default: %(default)s)",
    )
    p.add_argument(
        "--eta",
        type=positive_float,
        default=_default("eta"),
        metavar="X",
        help="learning rate (default: %(default)s)",
    )
    p.add_argument(
        "--seed",
        type=seed_int,
        default=None,
        metavar="N",
        help="seed random and numpy.random before building the network, "
        "for a reproducible run (default: no seed, so every run "
        "differs, as in the course)",
    )
    p.add_argument(
        "--parallel",
        action="store_true",
        help="train with the parallel epoch loop: replicas on the "
        "cores, averaged every few mini-batches (faster; not the "
        "course's exact updates)",
    )
    p.add_argument(
        "--dtype",
        choices=("float64", "float32"),
        default="float64",
        help="precision of the parameters (default: float64, the "
        "course's results; float32 is faster)",
    )
    p.add_argument(
        "--cost",
        choices=tuple(COUTS),
        default=_default("cost"),
        help="cost function (default: quadratique, the course's; "
        "log_vraisemblance puts softmax on the outputs)",
    )
    p.add_argument(
        "--activation",
        choices=tuple(ACTIVATIONS_FR),
        default=_default("activation"),
        help="activation of the hidden layers (default: sigmoide)",
    )
    p.add_argument(
        "--init",
        choices=INITS,
        default=_default("init"),
        help="initial weights and biases: uniforme (the course's "
        "uniform(-1, 1), default), gauss N(0, 1), gauss_normalise "
        "N(0, 1/n_in) (network2's), xavier, he",
    )
    p.add_argument(
        "--lmbda",
        type=nonnegative_float,
        default=_default("lmbda"),
        metavar="X",
        help="L2 regularisation, as in network2 (default: 0)",
    )
    p.add_argument(
        "--momentum",
        type=momentum_float,
        default=_default("mu"),
        metavar="MU",
        help="momentum coefficient in [0, 1) (default: 0, none; not with --parallel)",
    )
    p.add_argument(
        "--plot",
        metavar="FILE.png",
        default=None,
        help="write the accuracy and cost curves to FILE.png (needs "
        "matplotlib: pip install fastnet[plot])",
    )
    p.add_argument(
        "--data",
        metavar="PATH",
        default=None,
        help="MNIST location (default: $FASTNET_DATA, else the cache)",
    )
    p.add_argument(
        "--limit",
        type=positive_int,
        default=None,
        metavar="N",
        help="use only the first N training and N test images (quick runs)",
    )
    p.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (it is shown on stderr only when stderr is a terminal)",
    )
    p.add_argument(
        "--quiet", action="store_true", help="do not print the per-epoch lines, only the summary"
    )
    p.set_defaults(func=command, parser=p)
    return p


def _load_mnist(path):
    """MNIST as arrays."""
    return mnist.load_arrays(path=path)


def command(args):
    """Run ``fastnet train``.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options.

    Returns
    -------
    int
        The exit code: 0, 130 when interrupted (Ctrl-C), 143 when
        terminated (SIGTERM).

    Raises
    ------
    UsageError
        A bad combination of options.
    """
    sizes = args.sizes
    if sizes[0] != MNIST_IN or sizes[-1] != MNIST_OUT:
        raise UsageError(
            f"argument --sizes: MNIST needs {MNIST_IN} inputs and "
            f"{MNIST_OUT} outputs (e.g. {MNIST_IN},30,{MNIST_OUT}), "
            f"got {','.join(map(str, sizes))}"
        )
    if args.data is not None and not os.path.exists(os.path.expanduser(args.data)):
        raise UsageError(f"argument --data: {args.data} does not exist")
    if args.momentum and args.parallel:
        raise UsageError(
            "argument --momentum: not available with --parallel (averaged "
            "replicas have no single velocity)"
        )
    if args.plot is not None:
        check_plot(args.plot)  # before training, not after it

    t0 = time.perf_counter()
    try:
        (X_train, y_train), _validation, (X_test, y_test) = _load_mnist(args.data)
    except FileNotFoundError as e:
        if args.data is None:
            raise
        raise FileNotFoundError(f"--data: {e}") from e
    if args.limit is not None:
        X_train, y_train = X_train[: args.limit], y_train[: args.limit]
        X_test, y_test = X_test[: args.limit], y_test[: args.limit]
    load_s = time.perf_counter() - t0

    if args.seed is not None:
        # the network's initial values come from np.random, the shuffles
        # from random: seed both, before building the network
        random.seed(args.seed)
        np.random.seed(args.seed)
    # knobs and training options are passed only when not the course's, so
    # that the default run makes exactly the course's calls
    knobs = {
        api: getattr(args, dest) for dest, api in NET_KNOBS if getattr(args, dest) != _default(dest)
    }
    options = {
        name: value
        for name, value in (
            (KNOB["lmbda"].api, args.lmbda),
            (KNOB["mu"].api, args.momentum),
            (KNOB["track_cost"].api, args.plot is not None),
        )
        if value
    }
    net = reseau.Reseau(sizes, dtype=np.dtype(args.dtype).type, parallel=args.parallel, **knobs)

    show_bar = not args.no_progress and isatty(sys.stderr)
    bar = epoch_bar(args.epochs, sys.stderr) if show_bar and args.epochs else None
    ends = []  # perf_counter() at the end of each epoch
    results = []  # correct count after each epoch

    def on_epoch(j, correct):
        ends.append(time.perf_counter())
        results.append(correct)
        if bar is not None:
            bar.update(1)

    lines = EpochLines(sys.stdout, bar, args.quiet)
    try:
        start = time.perf_counter()
        with contextlib.redirect_stdout(lines):
            history = net.DGS(
                (X_train, y_train),
                args.epochs,
                args.batch_size,
                args.eta,
                test_data=(X_test, y_test),
                callback=on_epoch,
                **options,
            )
    except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM (Terminated)
        if bar is not None:
            bar.close()
        # a stop between an epoch's line and its callback: that epoch is kept
        done = max(len(ends), lines.epochs)
        where = (
            f"after epoch {done - 1} ({done} of {args.epochs} epochs done)"
            if done
            else "during epoch 0 (no epoch done)"
        )
        print(f"{PROG}: {stop_words(stop)} {where}", file=sys.stderr)
        return stop_code(stop)
    if bar is not None:
        bar.close()

    correct = results[-1] if results else net.evaluer((X_test, y_test))
    n_test = len(y_test)
    print(f"Précision finale : {100.0 * correct / n_test:.2f} % ({correct} / {n_test})")
    if ends:
        print(_epoch_times(np.diff([start] + ends)))
    print(
        f"Chargement des données : {load_s:.3f} s "
        f"({len(y_train)} images d'entraînement, {n_test} de test)"
    )
    if args.plot is not None:
        # the run's settings as the figure's title: too long for a legend
        title = "  ".join(
            [f"[{','.join(map(str, sizes))}]", f"η = {args.eta:g}", f"mini-batch {args.batch_size}"]
            + list(knobs.values())
            + [f"{k} = {v:g}" for k, v in options.items() if k != KNOB["track_cost"].api]
        )
        fig = plots.courbes(history)
        fig.suptitle(title, fontsize=10)
        fig.tight_layout()
        fig.savefig(os.path.expanduser(args.plot), dpi=100)
        print(f"Courbes : {args.plot}")
    return 0


def _epoch_times(seconds):
    """The time-per-epoch line. The first epoch also pays for loading the
    compiled kernels (and compiling them on a first run), so it is shown
    apart from the steady pace of the others."""
    if len(seconds) == 1:
        return f"Temps par époque : {seconds[0]:.3f} s (1 époque, compilation comprise)"
    return (
        f"Temps par époque : {seconds.mean():.3f} s en moyenne sur {len(seconds)} "
        f"époques (première {seconds[0]:.3f} s, compilation comprise ; "
        f"suivantes {seconds[1:].mean():.3f} s)"
    )
