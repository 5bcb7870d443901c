"""Two networks trained at the same time in two threads do not interfere:
the kernels keep no state between calls and release the GIL, so each
network ends exactly as when trained alone."""

import contextlib
import io
import random
import threading
import zlib

import numpy as np
import pytest
from support import course_data, snapshot

from fastnet import Reseau, _engine

JOBS = [  # tailles, n examples, mini-batch, eta, seed
    ([12, 16, 10, 4], 900, 5, 3.0, 1),
    ([9, 20, 3], 700, 8, 1.5, 2),
]
EPOCHS = 3


def own_shuffle(order, rng=None):
    """A shuffle that depends only on ``order`` itself: each thread's
    epochs then see the same mini-batches whatever the other thread does
    (DGS's own shuffle draws from the one global ``random``)."""
    np.random.default_rng(zlib.crc32(order.tobytes())).shuffle(order)


def make(job, parallel):
    tailles, n, _, _, seed = job
    np.random.seed(seed)
    net = Reseau(tailles, parallel=parallel)
    data, test = course_data(n, tailles[0], tailles[-1], seed=seed)
    return net, data, test


def train(net, data, test, job, out, barrier=None):
    if barrier is not None:
        barrier.wait()
    _, _, batch, eta, _ = job
    net.DGS(data, EPOCHS, batch, eta, callback=lambda j, c: out.append((j, c)), test_data=test)
    out.append(("evaluer", net.evaluer(test)))
    out.append(("forward", net.forward(test[0][0]).copy()))


def run_both(parallel, threaded):
    nets = [make(job, parallel) for job in JOBS]
    outs = [[] for _ in JOBS]
    with contextlib.redirect_stdout(io.StringIO()):
        if not threaded:
            for (net, data, test), job, out in zip(nets, JOBS, outs):
                train(net, data, test, job, out)
        else:
            barrier = threading.Barrier(len(JOBS))
            errors = []

            def work(k):
                try:
                    train(*nets[k], JOBS[k], outs[k], barrier)
                except BaseException as e:  # pragma: no cover - reported below
                    errors.append(e)

            threads = [threading.Thread(target=work, args=(k,)) for k in range(len(JOBS))]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            assert not any(t.is_alive() for t in threads), "a training thread hangs"
            assert not errors, errors
    return [snapshot(net) for net, _, _ in nets], outs


@pytest.mark.parametrize("parallel", [False, True])
def test_two_threads_train_as_if_alone(monkeypatch, parallel):
    monkeypatch.setattr(_engine, "python_shuffle", own_shuffle)
    alone, alone_out = run_both(parallel, threaded=False)
    together, together_out = run_both(parallel, threaded=True)
    for a, b in zip(alone, together):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(alone_out, together_out):
        assert [x for x in a if x[0] != "forward"] == [x for x in b if x[0] != "forward"]
        np.testing.assert_array_equal(a[-1][1], b[-1][1])


def test_shuffles_from_two_threads_stay_whole():
    """With DGS's own shuffle, the two threads share ``random``: each
    epoch's shuffle is drawn in one piece (never two threads from the same
    state), so ``random`` ends where 2 x EPOCHS shuffles would leave it."""
    n = 500
    jobs = [([6, 5, 3], n, 10, 3.0, 1), ([6, 4, 3], n, 7, 2.0, 2)]
    random.seed(11)
    expected = None
    for _ in range(5):  # the race is timing-dependent: give it chances
        random.seed(11)
        barrier = threading.Barrier(2)
        nets = [make(job, False) for job in jobs]

        def work(k, nets=nets, barrier=barrier):
            net, data, _ = nets[k]
            barrier.wait()
            net.DGS(list(data), EPOCHS, jobs[k][2], jobs[k][3])

        with contextlib.redirect_stdout(io.StringIO()):
            threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
        after = random.getstate()
        if expected is None:
            random.seed(11)
            items = list(range(n))
            for _ in range(2 * EPOCHS):
                random.shuffle(items)
            expected = random.getstate()
        assert after == expected
