"""``fastnet demo``: the classroom page's parser and command."""

import argparse
import os
import sys
import threading
import webbrowser

import numpy as np

from ..demo.server import is_loopback, make_server
from ..demo.training import DEFAULT, LIMITS, N_IN, N_OUT, Trainer, _sizes
from ..io import charger
from ..mnist import load_arrays
from .common import stop_code, stop_words

PROG = "fastnet demo"

_HELP = """\
Start the classroom demo: a local web page where one draws digits and sees
the network answer (view "Dessiner"), and watches it learn, epoch by epoch
(view "Apprendre"). Without FICHIER.json it trains the course's
[784, 30, 10] at start-up (a few seconds); with one (saved by sauvegarder)
it serves that network. Ctrl-C stops the server."""

_EPILOG = """\
examples:
  fastnet demo                          # train the course's network, open the page
  fastnet demo reseau.json --port 8000  # serve a saved network
  fastnet demo --limit 5000 --epochs 5  # a quicker start on a slow machine"""


def _bounded_int(lo, hi):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an int, got {text!r}") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"expected an int in {lo}..{hi}, got {value}")
        return value

    parse.__name__ = "int"
    return parse


def add_parser(subparsers):
    """Register ``demo`` on the ``fastnet`` subparsers."""
    p = subparsers.add_parser(
        "demo",
        help="a local web page to draw digits and watch the network learn",
        description=_HELP,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "fichier",
        nargs="?",
        metavar="FICHIER.json",
        default=None,
        help="a network saved by sauvegarder (784 inputs, 10 outputs)",
    )
    p.add_argument(
        "--port",
        type=_bounded_int(0, 65535),
        default=8000,
        metavar="N",
        help="port to listen on (default: 8000; 0: any free port)",
    )
    p.add_argument(
        "--host",
        default=None,
        metavar="H",
        help="address to listen on (default: 127.0.0.1, this machine only; "
        "another address lets other machines in: no password protects it)",
    )
    p.add_argument(
        "--data",
        metavar="PATH",
        default=None,
        help="MNIST location (default: $FASTNET_DATA, else the cache)",
    )
    p.add_argument(
        "--limit",
        type=_bounded_int(1, 10**9),
        default=None,
        metavar="N",
        help="train and test on the first N images only (quicker)",
    )
    p.add_argument(
        "--epochs",
        type=_bounded_int(*LIMITS["epoques"]),
        default=None,
        metavar="N",
        help="epochs of the start-up run (default: 30)",
    )
    p.add_argument(
        "--no-browser", action="store_true", help="do not open the page in a web browser"
    )
    p.set_defaults(func=command, parser=p)
    return p


def _error(message):
    print(f"{PROG}: error: {' '.join(str(message).split())}", file=sys.stderr)
    return 1


def _load_network(path):
    """The saved network at ``path`` if it takes 784 inputs and gives 10
    outputs; ValueError/OSError with a one-line message otherwise."""
    net = charger(path)
    sizes = list(_sizes(net))
    if sizes[0] != N_IN or sizes[-1] != N_OUT:
        raise ValueError(
            f"{path}: the demo needs {N_IN} inputs and {N_OUT} outputs, "
            f"this network has sizes {sizes}"
        )
    return net


def _open_browser(url):
    """Open ``url`` where a graphical browser can show it (a console-only
    machine would get a text browser taking over the terminal)."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return
    threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()


def command(args):
    """Run ``fastnet demo``; returns the exit code (0, 1 error, 130 Ctrl-C, 143 SIGTERM)."""

    net = None
    if args.fichier is not None:
        try:
            net = _load_network(args.fichier)
        except (OSError, ValueError) as e:
            return _error(e if isinstance(e, ValueError) else f"{args.fichier}: {e.strerror}")
    if args.data is not None and not os.path.exists(os.path.expanduser(args.data)):
        return _error(f"--data: {args.data} does not exist")

    def load_data():
        train, _validation, test = load_arrays(path=args.data)
        if args.limit is not None:
            train = (train[0][: args.limit], train[1][: args.limit])
            test = (test[0][: args.limit], test[1][: args.limit])
        return train, test

    def log(line):
        print(line, file=sys.stderr, flush=True)

    trainer = Trainer(load_data, net=net, log=log)
    host = args.host or "127.0.0.1"
    if not is_loopback(host):
        print(
            f"{PROG}: warning: listening on {args.host}: other machines on the network "
            f"can use this demo (and start trainings on it)",
            file=sys.stderr,
        )
    try:
        server = make_server(trainer, host, args.port)
    except OSError as e:
        return _error(
            f"cannot listen on {host}:{args.port}: {e.strerror or e} (--port 0 takes any free port)"
        )
    try:
        if net is not None:  # compile the forward pass now, not at the first stroke
            threading.Thread(target=trainer.predict, args=(np.zeros(784),), daemon=True).start()
        else:
            config = dict(DEFAULT)
            if args.epochs is not None:
                config["epoques"] = args.epochs
            trainer.start(config)
        print(f"fastnet demo : {server.url}  (Ctrl-C pour arrêter)", flush=True)
        if not args.no_browser:
            _open_browser(server.url)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM (Terminated)
        print(f"{PROG}: arrêté ({stop_words(stop)})", file=sys.stderr)
        return stop_code(stop)
    finally:
        trainer.stop()
        server.server_close()
    return 0
