"""The course's ``main.py``, as a process to time (``test_main_process.py``).

    python benchmarks/course_main.py --impl fastnet --epochs 30 [--stats FILE]

Seeds ``random`` and ``np.random`` with 0, loads MNIST with the course's
loader (``load_data_wrapper``) and ``list()``s its zips, builds
``Reseau([784, 30, 10])`` and runs ``DGS(training, epochs, 10, 3.0,
test_data=test)``, printing the course's lines.

``--impl fastnet`` imports ``fastnet.Reseau`` and ``fastnet.mnist``, as a
course ``main.py`` with the drop-in does. ``--impl reference`` runs the
course's own per-example code (``fastnet/reference.py``); that file and the
loader (``fastnet/mnist.py``, numpy only) are then loaded from the package's
folder without running its ``__init__``,
so that the process never imports the fastnet package (nor Numba), as the
course's main would not.

``--stats FILE`` writes phase timings (``time.monotonic()``) and the
process's own peak RSS (``peak_rss.py``) as JSON.
"""

import time

START_AT = time.monotonic()

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import types  # noqa: E402
from pathlib import Path  # noqa: E402

from peak_rss import peak_rss_kb  # noqa: E402  (this folder, first on sys.path)

REPO = Path(__file__).resolve().parents[1]


def _bare_package():
    """``fastnet``'s folder as a package whose ``__init__`` is never run.

    Its modules (the reference, the loader and the numpy-only modules they
    import) then load without the fastnet package itself (nor Numba), as
    the course's own main would not import them.
    """
    name = "_fastnet_files"
    if name not in sys.modules:
        package = types.ModuleType(name)
        # where fastnet is (the source tree, or an installed wheel), found
        # without running its __init__
        package.__path__ = list(importlib.util.find_spec("fastnet").submodule_search_locations)
        sys.modules[name] = package
    return name


def _from_file(module):
    """Import ``fastnet/<module>.py`` from the bare package."""
    return importlib.import_module(f"{_bare_package()}.{module}")


def implementation(impl):
    """``(Reseau, load_data_wrapper)`` of ``impl``."""
    if impl == "fastnet":
        from fastnet import Reseau
        from fastnet.mnist import load_data_wrapper

        return Reseau, load_data_wrapper
    reseau = _from_file("reference")
    loader = _from_file("mnist")
    return reseau.ReseauReference, loader.load_data_wrapper


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--impl", choices=("fastnet", "reference"), default="fastnet")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument(
        "--data",
        default=os.environ.get("FASTNET_DATA"),
        help="MNIST folder (default: $FASTNET_DATA)",
    )
    p.add_argument(
        "--limit",
        type=int,
        default=None,
        help="keep the first N training and test images (quick checks)",
    )
    p.add_argument("--stats", default=None, help="write timings and peak RSS here (JSON)")
    args = p.parse_args(argv)

    import numpy as np

    Reseau, load_data_wrapper = implementation(args.impl)
    imported_at = time.monotonic()

    # --- the course's main.py ---
    random.seed(0)
    np.random.seed(0)
    training_data, validation_data, test_data = load_data_wrapper(args.data, download=False)
    training_data = list(training_data)
    test_data = list(test_data)
    if args.limit:
        training_data, test_data = training_data[: args.limit], test_data[: args.limit]
    loaded_at = time.monotonic()
    net = Reseau([784, 30, 10])
    net.DGS(training_data, args.epochs, 10, 3.0, test_data=test_data)
    # ---
    trained_at = time.monotonic()
    sys.stdout.flush()

    if args.stats:
        rss_kb, rss_source = peak_rss_kb()
        stats = dict(
            impl=args.impl,
            epochs=args.epochs,
            n_train=len(training_data),
            n_test=len(test_data),
            start_at=START_AT,
            import_s=imported_at - START_AT,
            load_s=loaded_at - imported_at,
            train_s=trained_at - loaded_at,
            script_s=trained_at - START_AT,
            peak_rss_kb=rss_kb,
            peak_rss_source=rss_source,
            numba_imported="numba" in sys.modules,
        )
        with open(args.stats, "w", encoding="utf-8") as f:
            json.dump(stats, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
