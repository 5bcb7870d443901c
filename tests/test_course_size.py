"""The course's own network, [784, 30, 10], against the reference without
MNIST: widths that are not a multiple of the kernels' block (30 hidden
units, 10 outputs), on synthetic data, serial and with the default
``parallel=True`` of ``DGS``."""

import contextlib
import io
import random

import numpy as np
import pytest
from support import course_data, max_diff, run, run_reference
from test_parallel import local_sgd_reference

from fastnet import Reseau
from fastnet.parallel import SYNC_EXAMPLES, default_workers
from fastnet.reference import ReseauReference

SIZES = [784, 30, 10]


def pixel_data(n, seed=0):
    """Pairs like the course loader's: float32 pixels k/256 (fastnet keeps
    these as uint8 codes internally), one-hot targets, int test labels."""
    training, test = course_data(n, 784, 10, seed=seed)
    rng = np.random.default_rng(seed + 1)
    training = [((rng.integers(0, 256, (784, 1)) / 256).astype(np.float32), y) for _, y in training]
    test = [(x, int(np.argmax(y))) for x, y in training]
    return training, test


@pytest.mark.parametrize("data", ["floats", "pixels"])
@pytest.mark.parametrize("batch", [10, 7])
def test_course_network_matches_reference(data, batch):
    training, test = (
        course_data(300, 784, 10, seed=3) if data == "floats" else pixel_data(300, seed=3)
    )
    ref, ref_out = run_reference(SIZES, training, 2, batch, 3.0, test=test[:100])
    net, out = run(Reseau, SIZES, list(training), 2, batch, 3.0, test=test[:100])
    assert out == ref_out and out.count("Époque") == 2
    assert max_diff(net.poids, ref.poids) < 1e-9
    assert max_diff(net.biais, ref.biais) < 1e-9
    assert net.evaluer(test) == ref.evaluer(test)


@pytest.mark.parametrize("data", ["floats", "pixels"])
def test_default_parallel_dgs_matches_its_reference(data):
    # DGS(parallel=True) with its own defaults: default_workers() replicas,
    # rounds of about SYNC_EXAMPLES examples each; enough data for two
    # rounds and a short last one
    workers, batch = default_workers(), 10
    sync_every = max(1, round(SYNC_EXAMPLES / batch))
    n = workers * sync_every * batch * 2 + 130
    training, _ = course_data(n, 784, 10, seed=5) if data == "floats" else pixel_data(n, seed=5)
    np.random.seed(4)
    ref = ReseauReference(SIZES)
    np.random.seed(4)
    net = Reseau(SIZES)
    random.seed(8)
    local_sgd_reference(ref, list(training), 2, batch, 3.0, workers, sync_every)
    random.seed(8)
    with contextlib.redirect_stdout(io.StringIO()):
        net.DGS(list(training), 2, batch, 3.0, parallel=True)
    assert max_diff(net.poids, ref.poids) < 1e-9
    assert max_diff(net.biais, ref.biais) < 1e-9


def test_parallel_flag_of_the_constructor_is_the_same_path():
    training, _ = course_data(default_workers() * 600, 784, 10, seed=6)
    results = []
    for net_flag, dgs_flag in ((True, None), (False, True)):
        np.random.seed(1)
        net = Reseau(SIZES, parallel=net_flag)
        random.seed(2)
        with contextlib.redirect_stdout(io.StringIO()):
            net.DGS(list(training), 1, 10, 3.0, parallel=dgs_flag)
        results.append(net.poids)
    assert max_diff(*results) == 0
