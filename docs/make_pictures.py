"""Make the documentation's pictures under docs/images/ (each PNG <= 100 KB).

Usage, from the repository root (MNIST found through FASTNET_DATA, or
``--data``)::

    FASTNET_DATA=../shared/data/mnist python docs/make_pictures.py

Seeded (``random`` and ``np.random`` with 0) and in float64, so that the same
versions of fastnet, numpy and matplotlib draw the same pictures. Trains the
course's network (30 epochs of [784, 30, 10], eta 3.0) and the same network
with eta 0.5, about 10 s after the kernels are compiled. The benchmark chart is made separately,
from a benchmark run: ``python benchmarks/report.py bench.json --chart
docs/images/benchmark.png``.
"""

import argparse
import random
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image  # matplotlib's own dependency

from fastnet import Reseau, plots
from fastnet.mnist import load_arrays

IMAGES = Path(__file__).resolve().parent / "images"
DPI = 72


def save(fig, name, dpi=DPI):
    """Write ``fig`` as docs/images/NAME and say how big it is."""
    path = IMAGES / name
    png = BytesIO()
    fig.savefig(png, format="png", dpi=dpi)
    # a 256-colour palette: a third of the size, no visible change at this size
    Image.open(png).convert("RGB").quantize(256).save(path, optimize=True)
    size = path.stat().st_size
    print(f"{path.relative_to(IMAGES.parent.parent)}: {size / 1024:.0f} KB")
    if size > 100 * 1024:
        raise SystemExit(f"{path} is over 100 KB: lower DPI")
    return path


def train(training, test, **knobs):
    random.seed(0)
    np.random.seed(0)
    eta = knobs.pop("eta")
    net = Reseau([784, 30, 10], **knobs)
    historique = net.DGS(training, 30, 10, eta, test_data=test, suivre_cout=True, verbose=False)
    print(f"eta {eta}{', ' if knobs else ''}{knobs or ''}: {historique!r}")
    return net, historique


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", help="MNIST folder (default: FASTNET_DATA or the cache)")
    args = p.parse_args(argv)
    IMAGES.mkdir(exist_ok=True)
    (X, y), _, (Xt, yt) = load_arrays(args.data)

    save(plots.courbe_sigmoide(), "sigmoide.png")
    course, h_course = train((X, y), (Xt, yt), eta=3.0)
    _, h_lent = train((X, y), (Xt, yt), eta=0.5)
    save(plots.courbes({"eta = 3,0 (le cours)": h_course, "eta = 0,5": h_lent}), "courbes.png")
    save(plots.grille_chiffres(course, Xt, yt, n=40), "grille.png")
    save(plots.poids_caches(course), "poids.png")


if __name__ == "__main__":
    main()
