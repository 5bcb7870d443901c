"""fastnet.network2's printed lines beside the book's formulas on MNIST.

Trains [784, 30, 10] for 2 epochs (lmbda = 5.0, all four monitors) with
fastnet.network2 and with the per-example implementation of the book's
formulas in tests/network2_reference.py, same seeds, for both costs; prints
the lines that differ and the largest relative difference of the costs.

    FASTNET_DATA=../shared/data/mnist python tools/network2_costs.py [N_TRAIN]

N_TRAIN: training images used (default 50000, all of them).
"""

import contextlib
import io
import os
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from network2_reference import Network2Reference  # noqa: E402

from fastnet import mnist, network2  # noqa: E402


def printed(net, training, validation):
    random.seed(7)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        net.SGD(list(training), 2, 10, 0.5, 5.0, validation, True, True, True, True)
    return out.getvalue().splitlines()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    training, validation, _ = mnist.load_data_wrapper(os.environ.get("FASTNET_DATA"))
    training, validation = list(training)[:n], list(validation)
    worst = 0.0
    for cost in ("CrossEntropyCost", "QuadraticCost"):
        np.random.seed(3)
        theirs = printed(Network2Reference([784, 30, 10], cost), training, validation)
        np.random.seed(3)
        ours = printed(
            network2.Network([784, 30, 10], getattr(network2, cost)), training, validation
        )
        same = sum(a == b for a, b in zip(ours, theirs))
        print(f"{cost}: {same} of {len(theirs)} lines identical")
        for a, b in zip(ours, theirs):
            if a != b:
                rel = abs(float(a.split(": ")[1]) / float(b.split(": ")[1]) - 1)
                worst = max(worst, rel)
                print(f"  fastnet  {a}\n  formulas {b}   (relative {rel:.2g})")
    print(f"largest relative difference of a cost: {worst:.2g}")


if __name__ == "__main__":
    main()
