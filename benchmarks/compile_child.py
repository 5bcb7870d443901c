"""Child process of ``test_compile.py``: import fastnet, then train
``[784, 30, 10]`` for one epoch on a tiny slice of MNIST in the course's
format, and print the timings as one JSON line on stdout.

Run with ``NUMBA_CACHE_DIR`` pointing at an empty folder for a cold start
(every kernel compiled), or at the folder a previous run filled for a warm
one (kernels loaded from Numba's cache). Timings are ``time.monotonic()``
differences; ``*_at`` are raw readings, comparable with the parent's.
"""

import time

START_AT = time.monotonic()

import contextlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
from pathlib import Path  # noqa: E402

from peak_rss import peak_rss_kb  # noqa: E402  (this folder, first on sys.path)

N_TRAIN, N_TEST = 1000, 500
STEADY_CALLS = 3


def main():
    t0 = time.monotonic()
    import numpy as np

    t1 = time.monotonic()
    from fastnet import Reseau
    from fastnet.mnist import read_idx

    t2 = time.monotonic()

    folder = Path(os.environ["FASTNET_DATA"])
    X = read_idx(folder / "t10k-images-idx3-ubyte.gz")[: N_TRAIN + N_TEST]
    X = X.reshape(len(X), 784, 1).astype(np.float32) / np.float32(256)
    y = read_idx(folder / "t10k-labels-idx1-ubyte.gz")[: N_TRAIN + N_TEST].astype(np.int64)
    training = []
    for i in range(N_TRAIN):
        target = np.zeros((10, 1))
        target[y[i]] = 1.0
        training.append((X[i], target))
    test = [(X[i], int(y[i])) for i in range(N_TRAIN, N_TRAIN + N_TEST)]
    t3 = time.monotonic()

    random.seed(0)
    np.random.seed(0)
    net = Reseau([784, 30, 10])
    with contextlib.redirect_stdout(io.StringIO()):
        t4 = time.monotonic()
        net.DGS(training, 1, 10, 3.0, test_data=test)
        t5 = time.monotonic()
        steady = []
        for _ in range(STEADY_CALLS):
            s = time.monotonic()
            net.DGS(training, 1, 10, 3.0, test_data=test)
            steady.append(time.monotonic() - s)
    print(
        json.dumps(
            dict(
                start_at=START_AT,
                first_dgs_end_at=t5,
                startup_s=t0 - START_AT,
                import_numpy_s=t1 - t0,
                import_fastnet_s=t2 - t1,
                load_s=t3 - t2,
                first_dgs_s=t5 - t4,
                steady_dgs_s=min(steady),
                jit_overhead_s=(t5 - t4) - min(steady),
                n_train=N_TRAIN,
                n_test=N_TEST,
                numba_cache_dir=os.environ.get("NUMBA_CACHE_DIR"),
                peak_rss_kb=peak_rss_kb()[0],
            )
        )
    )


if __name__ == "__main__":
    main()
