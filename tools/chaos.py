"""How fast do two float64 runs of the course network drift apart?

Trains [784, 30, 10] on all of MNIST (batch 10, eta 3.0, seeds 0/0) with
the course's reference code under two OpenBLAS kernels, and with fastnet,
and prints the largest weight difference after each epoch:

    python tools/chaos.py --data ../shared/data/mnist --epochs 3

(about 4 s per reference epoch; the reference runs twice).
"""

import argparse
import contextlib
import io
import os
import random
import subprocess
import sys
import tempfile

import numpy as np


def train(kind, data, epochs, out):
    from fastnet import Reseau
    from fastnet.mnist import load_data_wrapper
    from fastnet.reference import ReseauReference

    training = list(load_data_wrapper(data, download=False)[0])
    cls = Reseau if kind == "fastnet" else ReseauReference
    np.random.seed(0)
    random.seed(0)
    net = cls([784, 30, 10])
    for j in range(epochs):
        with contextlib.redirect_stdout(io.StringIO()):
            net.DGS(training, 1, 10, 3.0)
        np.savez(f"{out}_{j}.npz", *net.poids, *net.biais)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.environ.get("FASTNET_DATA"))
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return train(args.worker[0], args.data, args.epochs, args.worker[1])
    tmp = tempfile.mkdtemp()
    runs = {
        "reference (default BLAS)": ("reference", {}),
        "reference (OPENBLAS_CORETYPE=Haswell)": ("reference", {"OPENBLAS_CORETYPE": "Haswell"}),
        "fastnet": ("fastnet", {}),
    }
    for name, (kind, env) in runs.items():
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--data",
                str(args.data),
                "--epochs",
                str(args.epochs),
                "--worker",
                kind,
                os.path.join(tmp, name),
            ],
            env={**os.environ, **env},
            check=True,
        )
    base = "reference (default BLAS)"
    for name in list(runs)[1:]:
        for j in range(args.epochs):
            a = np.load(os.path.join(tmp, f"{base}_{j}.npz"))
            b = np.load(os.path.join(tmp, f"{name}_{j}.npz"))
            diff = max(float(np.abs(a[k] - b[k]).max()) for k in a.files)
            print(f"epoch {j}: max |{name} - {base}| = {diff:.3g}")


if __name__ == "__main__":
    main()
