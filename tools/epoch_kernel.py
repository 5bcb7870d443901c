"""Time the compiled training epoch alone (no facade, no shuffle), in one
process: ``kernels.train_epoch`` on the 50,000 MNIST images as uint8 pixel
codes, the same shuffled order and starting weights every round.

    python tools/epoch_kernel.py [sizes] [batch] [dtypes] [rounds]
    python tools/epoch_kernel.py 784,30,10 10 float64,float32 9

Prints the minimum and the median of the rounds and the GFLOP/s at the
minimum (FLOP as in benchmarks/workload.py). On shared cores the minimum
is the steadier figure; the benchmark suite (medians, numpy peer in the
same run) is the reference for every claim.
"""

import os
import sys
import time

import numpy as np

from fastnet import kernels, mnist
from fastnet._engine import Layout


def main(argv):
    sizes = [int(s) for s in (argv[1] if len(argv) > 1 else "784,30,10").split(",")]
    batch = int(argv[2]) if len(argv) > 2 else 10
    dtypes = argv[3].split(",") if len(argv) > 3 else ["float64", "float32"]
    rounds = int(argv[4]) if len(argv) > 4 else 9
    (X, y), _, _ = mnist.load_arrays(os.environ.get("FASTNET_DATA"))
    codes = (X * 256).astype(np.uint8)  # exact: MNIST's floats are k/256
    flop = 2 * len(y) * 2 * sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    layout = Layout(sizes)
    cfg = np.zeros(3, np.int64)  # sigmoid, sigmoid output, quadratic cost
    order = np.random.default_rng(0).permutation(len(y)).astype(np.int64)
    for dtype in dtypes:
        Y = np.zeros((len(y), sizes[-1]), dtype)
        Y[np.arange(len(y)), y % sizes[-1]] = 1
        start = np.random.default_rng(1).standard_normal(layout.size).astype(dtype)
        times = []
        for _ in range(rounds + 1):  # the first round compiles or loads
            params = start.copy()
            t = time.perf_counter()
            kernels.train_epoch(
                params, *layout.args(), codes, Y, order, batch, 3.0, cfg, 1.0, 0.0, None
            )
            times.append(time.perf_counter() - t)
        times = sorted(times[1:])
        best, median = times[0], times[len(times) // 2]
        print(
            f"{sizes} mini-batch {batch} {dtype}: min {best * 1e3:.1f} ms, "
            f"median {median * 1e3:.1f} ms, {flop / best / 1e9:.1f} GFLOP/s at the min"
        )


if __name__ == "__main__":
    main(sys.argv)
