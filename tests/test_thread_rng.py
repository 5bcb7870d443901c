"""The documented way to train while other threads use ``random``
(docs/threads.md): ``DGS(..., rng=random.Random(seed))``. Neither side
sees the other's numbers: the training is the one it would be alone, and
the other thread's global ``random`` draws are the stream of its seed."""

import contextlib
import io
import random
import threading

import numpy as np
from support import course_data, max_diff

from fastnet import Reseau


def _train(training, rng_seed):
    np.random.seed(0)
    net = Reseau([20, 9, 4])
    with contextlib.redirect_stdout(io.StringIO()):
        net.DGS(list(training), 30, 5, 2.0, rng=random.Random(rng_seed))
    return net


def test_rng_keeps_dgs_and_another_threads_random_apart():
    training, _ = course_data(4000, 20, 4)
    alone = _train(training, 11)
    random.seed(99)
    expected = [random.getrandbits(32) for _ in range(200_000)]
    random.seed(99)
    drawn, stop = [], threading.Event()

    def other():
        while not stop.is_set() and len(drawn) < len(expected):
            drawn.append(random.getrandbits(32))

    thread = threading.Thread(target=other)
    thread.start()
    try:
        beside = _train(training, 11)
    finally:
        stop.set()
        thread.join()
    assert max_diff(alone.poids, beside.poids) == 0
    assert drawn and drawn == expected[: len(drawn)]
