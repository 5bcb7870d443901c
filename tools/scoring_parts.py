"""Where ``evaluer``'s time goes on the MNIST test images (docs/performance.md,
section 18), in three measurements:

    python tools/scoring_parts.py [parts|spin|blocks|all] [rows]

* ``parts``: the compiled scoring kernel on one thread, skipping each
  example's zero inputs, with every input 0 (no product left but the
  output layer's), and dense (an all-zero knob array, which skips
  nothing); beside it numpy's first product on one BLAS thread.
* ``spin``: fastnet's two-thread ``evaluer``, ten calls back to back,
  before a numpy product, right after it (OpenBLAS's worker then spins
  for about 0.1 s), and a second later; three times.
* ``blocks``: numpy's and fastnet's ``evaluer`` in alternating blocks of
  back-to-back calls (numpy's threads spin through fastnet's block).

Medians, milliseconds, float64 then float32. Set ``FASTNET_DATA`` to the
MNIST folder; unset ``OPENBLAS_CORETYPE``/``OPENBLAS_L2_SIZE`` for figures
to compare with numpy.
"""

import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import workload  # noqa: E402
from benchmarks.numpy_peer import MatrixReseau  # noqa: E402
from fastnet import Reseau, kernels  # noqa: E402
from fastnet.mnist import load_arrays  # noqa: E402


def _median_ms(calls, rounds):
    """Median milliseconds of each of ``calls`` (a dict), interleaved."""
    for f in calls.values():
        f()
    times = {k: [] for k in calls}
    for _ in range(rounds):
        for k, f in calls.items():
            start = time.perf_counter()
            f()
            times[k].append(time.perf_counter() - start)
    return {k: round(1e3 * float(np.median(v)), 2) for k, v in times.items()}


def parts(net, X):
    eng = net._engine
    out = np.empty((len(X), net.tailles[-1]), dtype=eng.dtype)
    zeros = np.empty_like(X)
    zeros[:] = 0  # its pages touched, as X's are
    dense = np.zeros(len(eng.cfg), dtype=np.int64)  # the course's knobs, not None

    def run(inputs, cfg):
        args = kernels._forward_args(eng.params, *eng.layout.args(), inputs, out, cfg)
        kernels.forward_rows(*args)

    one_thread, _ = workload.blas_limit(1)
    with one_thread:
        return _median_ms(
            {
                "skipping zero inputs": lambda: run(X, None),
                "every input 0": lambda: run(zeros, None),
                "dense": lambda: run(X, dense),
                "numpy's first product": lambda: X @ net.poids[0],
            },
            21,
        )


def spin(net, X, y):
    def block():  # ten calls back to back
        times = []
        for _ in range(10):
            start = time.perf_counter()
            net.evaluer((X, y))
            times.append(time.perf_counter() - start)
        return times

    before, after, later = [], [], []
    block()
    for _ in range(3):
        before += block()
        X[:200] @ net.poids[0]  # a numpy product on its threads
        after += block()
        time.sleep(1.0)
        later += block()
    return {
        k: round(1e3 * float(np.median(v)), 2)
        for k, v in (("before", before), ("right after", after), ("1 s after", later))
    }


def blocks(net, X, y):
    peer = MatrixReseau(net.biais, net.poids, X.dtype)
    calls = {"numpy": lambda: peer.evaluer(X, y), "fastnet": lambda: net.evaluer((X, y))}
    times = {k: [] for k in calls}
    for _ in range(4):
        for k, f in calls.items():
            f()  # the block's first call: not kept
            for _ in range(10):
                start = time.perf_counter()
                f()
                times[k].append(time.perf_counter() - start)
    return {k: round(1e3 * float(np.median(v)), 2) for k, v in times.items()}


def main(argv, data=None):
    what = argv[0] if argv else "all"
    rows = int(argv[1]) if len(argv) > 1 else 10_000
    if what not in ("parts", "spin", "blocks", "all"):
        raise SystemExit(__doc__)
    data = data or os.environ.get("FASTNET_DATA", "../shared/data/mnist")
    _, _, (X, y) = load_arrays(data)
    X, y = X[:rows], y[:rows]
    for dtype in ("float64", "float32"):
        net = Reseau([784, 30, 10], dtype=dtype)
        Xd = X.astype(dtype)
        if what in ("parts", "all"):
            print(dtype, "one thread, the kernel's parts:", parts(net, Xd))
        if what in ("spin", "all"):
            print(dtype, "2 threads, evaluer and numpy's spin:", spin(net, Xd, y))
        if what in ("blocks", "all"):
            print(dtype, "alternating blocks, back to back:", blocks(net, Xd, y))


if __name__ == "__main__":
    main(sys.argv[1:])
