"""``fastnet sweep``: the command line of :mod:`fastnet.sweep` (its options
map onto the sweep's knobs; Dask is imported only when a sweep runs)."""

import argparse
import os
import sys
from pathlib import Path

from .. import sweep as sw
from ..sweep.report import _show, _varying
from ..sweep.results import check_results_file
from .common import (
    PROG,
    UsageError,
    check_plot,
    count_int,
    isatty,
    layer_sizes,
    positive_float,
    positive_int,
    seed_int,
    stop_code,
    stop_words,
)

_HELP = """\
Train many configurations of Reseau on MNIST, on this machine or a Dask
cluster, and rank them by validation accuracy. Knobs come from a sweep file
(TOML or JSON: a [knobs] table and an optional [sweep] table of settings)
and/or from the options below, each taking a comma-separated list of values
(a knob given on the command line replaces the file's). Without --samples
every combination runs (a grid); with --samples N, N random draws.

Each configuration trains on the 50,000 training images (or --limit N),
is ranked by its accuracy on the 10,000 validation images, and reports its
test accuracy in a separate column (never used to choose). Results are
appended to a JSON-lines file as each one finishes; running the same
command again skips the configurations already recorded as ok and retries
the failed ones."""

_EPILOG = """\
examples:
  fastnet sweep examples/sweep.toml
  fastnet sweep examples/sweep.toml --limit 2000 --epochs 2 --plot sweep.png
  fastnet sweep --eta 0.5,1,3 --batch-size 10,30 --sizes 784,30,10 784,100,10 --epochs 5
  fastnet sweep --eta 0.1,0.3,1,3,10 --batch-size 10,20,50 --samples 8 --seed 1
  fastnet sweep sweep.toml --scheduler tcp://10.0.0.5:8786

without Dask (pip install fastnet[sweep]), --workers 0 runs the
configurations one after another in this process."""


def _cli_value(text):
    """A command-line value: int, float, true/false, none, else a string."""
    low = text.strip().lower()
    if low in ("none", "null"):
        return None
    if low in ("true", "false"):
        return low == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text.strip()


def _cli_list(text):
    return [_cli_value(t) for t in text.split(",") if t.strip()] or [_cli_value(text)]


# option -> (knob, help)
_KNOB_OPTIONS = {
    "--epochs": ("epochs", "epochs (default 30)"),
    "--batch-size": ("batch_size", "mini-batch sizes (default 10)"),
    "--eta": ("eta", "learning rates (default 3.0)"),
    "--lmbda": ("lmbda", "L2 regularisation"),
    "--mu": ("mu", "momentum (also --momentum, as in fastnet train)"),
    "--cost": ("cost", "quadratique, entropie_croisee, log_vraisemblance"),
    "--activation": ("activation", "sigmoide, tanh, relu"),
    "--init": ("init", "uniforme, gauss, gauss_normalise, xavier, he"),
    "--early-stop": ("early_stop", "DGS's arret_precoce"),
    "--eta-schedule": ("eta_schedule", "DGS's reduction_eta"),
    "--track-cost": ("track_cost", "true: record the training cost per epoch"),
    "--dtype": ("dtype", "float64 (default), float32"),
    "--seeds": ("seed", "seeds of the weights and shuffles (default 0)"),
    "--limit": ("limit", "first N training, validation and test images"),
}


def add_parser(sub):
    """Register ``fastnet sweep`` on the ``fastnet`` subparsers.

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
        "sweep",
        help="train many knob settings, on this machine or a Dask cluster, and rank them",
        description=_HELP,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("config", nargs="?", metavar="CONFIG", help="sweep file (.toml or .json)")
    knobs = p.add_argument_group("knobs (comma-separated lists of values)")
    knobs.add_argument(
        "--sizes",
        type=layer_sizes,
        nargs="+",
        metavar="N,N,...",
        help="one or more architectures, e.g. 784,30,10 784,100,10",
    )
    for option, (knob, text) in _KNOB_OPTIONS.items():
        names = (option, "--momentum") if knob == "mu" else (option,)
        knobs.add_argument(
            *names, type=_cli_list, metavar="V,V,...", dest=f"knob_{knob}", help=text
        )
    run = p.add_argument_group("sweep")
    run.add_argument(
        "--samples",
        type=positive_int,
        default=None,
        metavar="N",
        help="N random draws instead of the whole grid",
    )
    run.add_argument(
        "--seed",
        type=seed_int,
        default=None,
        metavar="N",
        help="seed of the random draws (default 0)",
    )
    run.add_argument(
        "--workers",
        type=count_int,
        default=None,
        metavar="N",
        help="local worker processes, one thread each (default 2; "
        "0: one after another in this process, no Dask)",
    )
    run.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        default=None,
        help="use this running Dask scheduler and its workers",
    )
    run.add_argument(
        "--results",
        metavar="FILE",
        default=None,
        help="JSON-lines results file (default: <CONFIG stem>.results.jsonl "
        "or sweep.results.jsonl, in the current folder)",
    )
    run.add_argument(
        "--data",
        metavar="PATH",
        default=None,
        help="MNIST location on the workers (default: $FASTNET_DATA, else the cache)",
    )
    run.add_argument(
        "--plot",
        metavar="FILE.png",
        default=None,
        help="write a figure of the best curves (needs matplotlib)",
    )
    run.add_argument(
        "--timeout",
        type=positive_float,
        default=None,
        metavar="SECONDS",
        help="time limit of one configuration on a worker (default 21600, 6 hours): "
        "past it, it is recorded as failed, its worker restarted, and the sweep goes on",
    )
    run.add_argument("--dry-run", action="store_true", help="list the configurations and exit")
    run.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (shown on stderr only when it is a terminal)",
    )
    p.set_defaults(func=command, parser=p)
    return p


def command(args):
    """Run ``fastnet sweep``.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options.

    Returns
    -------
    int
        The exit code: 0 once every configuration has a record, failed or
        not; 130 when interrupted (Ctrl-C), 143 when terminated (SIGTERM).

    Raises
    ------
    UsageError
        A bad sweep file or option.
    """
    knobs, settings = {}, {}
    if args.config is not None:
        if not os.path.isfile(args.config):
            raise UsageError(f"argument CONFIG: {args.config} is not a file")
        try:
            knobs, settings = sw.load_spec(args.config)
        except sw.SweepError as e:
            raise UsageError(str(e)) from None
    given = {knob: getattr(args, f"knob_{knob}") for knob, _ in _KNOB_OPTIONS.values()}
    given["sizes"] = args.sizes
    given = {k: v for k, v in given.items() if v is not None}
    if not knobs and not given:
        raise UsageError(
            "nothing to sweep: give a sweep file or knobs such as "
            "--eta 0.5,1,3 (see fastnet sweep --help)"
        )
    for knob in given:  # the command line replaces the file's value
        knobs = {k: v for k, v in knobs.items() if sw.ALIASES.get(k, k) != knob}
    knobs.update(given)
    opts = {name: getattr(args, name) for name in sw.SETTINGS}
    for name, value in settings.items():
        if opts.get(name) is None:
            opts[name] = value
    try:
        configs = sw.configurations(
            knobs, samples=opts["samples"], seed=opts["seed"] if opts["seed"] is not None else 0
        )
    except sw.SweepError as e:
        raise UsageError(str(e)) from None
    results = opts["results"] or (
        f"{Path(args.config).stem}.results.jsonl" if args.config else "sweep.results.jsonl"
    )
    varying = _varying([{"config": c} for c in configs]) or list(configs[0])
    if args.dry_run:
        for c in configs:
            print(sw.config_key(c), "  ".join(f"{k}={_show(c.get(k))}" for k in varying))
        print(f"{len(configs)} configurations", file=sys.stderr)
        return 0
    if opts["plot"] is not None:
        try:
            check_plot(opts["plot"])
        except ImportError as e:
            raise UsageError(str(e)) from None
    workers = 2 if opts["workers"] is None else opts["workers"]

    keys = {sw.config_key(c) for c in configs}
    try:  # before any work: a file that is not ours stays untouched
        found = check_results_file(results, args.config)
    except sw.SweepError as e:
        raise UsageError(f"argument --results: {e}") from None
    earlier = {r["key"] for r in found if r["status"] == "ok" and r["key"] in keys}
    where = (
        f"the cluster at {opts['scheduler']}"
        if opts["scheduler"]
        else "this process"
        if workers == 0
        else f"{workers} local workers"
    )
    print(
        f"{PROG} sweep: {len(configs)} configurations"
        + (f", {len(earlier)} already done in {results}" if earlier else "")
        + (
            f"; running {len(configs) - len(earlier)} on {where}"
            if len(earlier) < len(configs)
            else ""
        ),
        file=sys.stderr,
    )
    if opts["timeout"] is not None and workers == 0 and not opts["scheduler"]:
        print(
            f"{PROG} sweep: note: the time limit applies on a cluster; with --workers 0 "
            f"the configurations run in this process, without one",
            file=sys.stderr,
        )
    saved = [0]

    def count(record):
        saved[0] += 1
        if record.get("timed_out"):  # say which one, at once: the others go on
            shown = "  ".join(f"{k}={_show(record['config'].get(k))}" for k in varying)
            print(
                f"{PROG} sweep: configuration {record['key']} ({shown}) stalled: no result "
                f"after {record['seconds']:g} s; recorded as failed (timeout), going on",
                file=sys.stderr,
            )

    try:
        records = sw.sweep(
            configs,
            results,
            workers=workers,
            scheduler=opts["scheduler"],
            data=opts["data"],
            on_result=count,
            timeout=opts["timeout"],
            progress=not args.no_progress and isatty(sys.stderr),
        )
    except sw.SweepError as e:  # a bad setting (e.g. the file's timeout)
        raise UsageError(str(e)) from None
    except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM (Terminated)
        print(
            f"{PROG} sweep: {stop_words(stop)}; {saved[0]} more configuration(s) saved in "
            f"{results} ({saved[0] + len(earlier)} of {len(configs)}); run the same "
            f"command again to resume",
            file=sys.stderr,
        )
        return stop_code(stop)
    print(sw.ranking_table(records))
    n_ok = sum(r.get("status") == "ok" for r in records)
    print(
        f"{len(records)} configurations: {n_ok} ok, {len(records) - n_ok} failed "
        f"(ranked by validation accuracy; results in {results})"
    )
    if opts["plot"] is not None and n_ok:
        sw.plot_curves(records, opts["plot"])
        print(f"figure: {opts['plot']}")
    return 0
