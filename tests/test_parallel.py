"""The parallel epoch loop: local SGD with periodic averaging, checked
against the same algorithm written with the course's per-example code."""

import random

import numpy as np
import pytest
from support import course_data, max_diff

from fastnet import Reseau
from fastnet.reference import ReseauReference


def local_sgd_reference(ref, training, epochs, batch, eta, workers, sync_every):
    """The parallel algorithm, spelled out with the reference's steps."""
    data = list(training)
    n = len(data)
    for _ in range(epochs):
        random.shuffle(data)
        batches = [data[k : k + batch] for k in range(0, n, batch)]
        per_round = workers * sync_every
        for first in range(0, len(batches), per_round):
            replicas = []
            for w in range(min(workers, len(batches) - first)):
                r = ReseauReference.__new__(ReseauReference)
                r.nb_couches, r.tailles = ref.nb_couches, ref.tailles
                r.poids = [p.copy() for p in ref.poids]
                r.biais = [b.copy() for b in ref.biais]
                for k in range(sync_every):
                    bi = first + k * workers + w
                    if bi < len(batches):
                        r.update_mini_batch(batches[bi], eta)
                replicas.append(r)
            ref.poids = [
                sum(r.poids[l] for r in replicas) / len(replicas) for l in range(len(ref.poids))
            ]
            ref.biais = [
                sum(r.biais[l] for r in replicas) / len(replicas) for l in range(len(ref.biais))
            ]
    return ref


def train_parallel(net, training, epochs, batch, eta, workers, sync_every):
    from fastnet import _data

    X, Y, _ = _data.training_arrays(list(training), net.tailles[0], net.tailles[-1])
    order = np.arange(len(X), dtype=np.int64)
    for _ in net._engine.epochs(
        X, Y, order, epochs, batch, eta, parallel=True, workers=workers, sync_every=sync_every
    ):
        pass
    net._views()


@pytest.mark.parametrize(
    "workers,sync_every,n,batch", [(2, 3, 47, 5), (3, 1, 40, 4), (2, 4, 23, 10), (1, 2, 30, 6)]
)
def test_parallel_matches_its_reference(workers, sync_every, n, batch):
    training, _ = course_data(n, 6, 3, seed=workers)
    np.random.seed(4)
    ref = ReseauReference([6, 5, 3])
    np.random.seed(4)
    net = Reseau([6, 5, 3])
    random.seed(8)
    local_sgd_reference(ref, training, 3, batch, 2.0, workers, sync_every)
    random.seed(8)
    train_parallel(net, training, 3, batch, 2.0, workers, sync_every)
    assert max_diff(net.poids, ref.poids) < 1e-9
    assert max_diff(net.biais, ref.biais) < 1e-9


def test_one_worker_is_the_serial_loop():
    training, _ = course_data(40, 5, 3)
    np.random.seed(1)
    a = Reseau([5, 4, 3])
    np.random.seed(1)
    b = Reseau([5, 4, 3])
    random.seed(3)
    train_parallel(a, training, 2, 6, 3.0, workers=1, sync_every=5)
    import contextlib
    import io

    random.seed(3)
    with contextlib.redirect_stdout(io.StringIO()):
        b.DGS(list(training), 2, 6, 3.0)
    assert max_diff(a.poids, b.poids) == 0


def test_parallel_dgs_is_deterministic():
    training, test = course_data(200, 10, 4)
    results = []
    for _ in range(2):
        np.random.seed(0)
        random.seed(0)
        net = Reseau([10, 8, 4], parallel=True)
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            net.DGS(list(training), 3, 10, 3.0)
        results.append([w.copy() for w in net.poids])
    assert max_diff(*results) == 0
    assert all(np.isfinite(w).all() for w in results[0])


@pytest.mark.parametrize("workers", [2, 3])
def test_spinning_and_blocking_workers_give_the_same_bits(monkeypatch, workers):
    """Threads that spin between rounds (a core each), that spin and then
    block, and that block at once (fewer cores than workers) run the same
    algorithm."""
    from fastnet import parallel

    training, _ = course_data(90, 7, 3, seed=5)
    nets = []
    # spinning; spinning that runs out at once (then blocking); blocking only
    spin = parallel._spins()
    for cores, spins in ((64, spin), (64, 1), (1, spin)):
        monkeypatch.setattr(parallel, "usable_cores", lambda cores=cores: cores)
        monkeypatch.setattr(parallel, "_spins", lambda spins=spins: spins)
        np.random.seed(2)
        net = Reseau([7, 6, 3])
        random.seed(9)
        train_parallel(net, training, 2, 4, 3.0, workers, sync_every=3)
        nets.append(net)
    for other in nets[1:]:
        assert max_diff(nets[0].poids, other.poids) == 0
        assert max_diff(nets[0].biais, other.biais) == 0


@pytest.mark.parametrize("cores", [64, 1])
def test_a_failing_worker_raises_instead_of_hanging(monkeypatch, cores):
    """A worker thread's exception reaches the caller; the main thread
    neither waits forever for its rounds nor leaves threads behind."""
    import threading

    from fastnet import kernels, parallel

    monkeypatch.setattr(parallel, "usable_cores", lambda: cores)
    real = kernels.worker_rounds

    def worker_rounds(*args):
        if threading.current_thread() is not threading.main_thread():
            raise MemoryError("worker out of memory")
        return real(*args)

    monkeypatch.setattr(kernels, "worker_rounds", worker_rounds)
    training, _ = course_data(60, 5, 3)
    threads = threading.active_count()
    net = Reseau([5, 4, 3])
    with pytest.raises(MemoryError, match="worker out of memory"):
        train_parallel(net, training, 2, 4, 3.0, workers=2, sync_every=2)
    assert threading.active_count() == threads


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("active", [1, 2, 3, 4, 5])
def test_the_average_sums_in_replica_order_then_divides(dtype, active):
    """``kernels.average``: (r0 + r1 + ...) / active, bit for bit, with
    subnormals, huge values, infinities and NaN among the replicas (a power
    of two divides by a multiply, exact)."""
    from fastnet import kernels

    rng = np.random.default_rng(active)
    tiny = -320 if dtype == np.float64 else -44
    rep = rng.normal(size=(5, 1003)) * 10.0 ** rng.integers(tiny, 30, (5, 1003))
    rep = rep.astype(dtype)
    rep[0, 0], rep[1, 1], rep[2, 2] = np.inf, -np.inf, np.nan
    rep[0, 3], rep[1, 3] = np.inf, -np.inf  # inf - inf: NaN once both are summed
    rep[:, 4] = np.finfo(dtype).max  # overflows to inf from two replicas on
    shared = np.empty(rep.shape[1], dtype=dtype)
    kernels.average(rep, active, shared)
    want = rep[0].copy()
    with np.errstate(over="ignore", invalid="ignore"):  # meant: inf and NaN
        for w in range(1, active):
            want = want + rep[w]
        want = want / dtype(active)
    assert np.array_equal(shared.view(np.uint8), want.view(np.uint8))
