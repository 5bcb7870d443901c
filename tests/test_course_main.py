"""A course-style main.py on a slice of real MNIST: fastnet prints the same
lines and ends with the same weights as the course's code."""

import os
from itertools import islice
from pathlib import Path

import numpy as np
import pytest
from support import max_diff, run, run_reference

from fastnet import Reseau
from fastnet.mnist import load_data_wrapper

DATA = Path(
    os.environ.get("FASTNET_DATA", Path(__file__).resolve().parents[2] / "shared/data/mnist")
)
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="MNIST not found")


def test_course_main_on_mnist_slice():
    training, _, test = load_data_wrapper(DATA, download=False)
    training = list(islice(training, 1500))
    test = list(islice(test, 500))
    assert training[0][0].dtype == np.float32  # as in the course's pickle
    ref, ref_out = run_reference([784, 30, 10], training, 2, 10, 3.0, test, (0, 0))
    net, out = run(Reseau, [784, 30, 10], list(training), 2, 10, 3.0, test, (0, 0))
    assert out == ref_out
    assert out.startswith("Époque 0: ") and out.count(" / 500\n") == 2
    assert max_diff(net.poids, ref.poids) < 1e-9
    assert max_diff(net.biais, ref.biais) < 1e-9


def test_zips_straight_from_the_loader():
    training, _, test = load_data_wrapper(DATA, download=False)
    training = zip(*zip(*islice(training, 300)))
    net, out = run(Reseau, [784, 10], training, 1, 10, 3.0, islice(test, 100))
    assert out.startswith("Époque 0: ") and out.endswith(" / 100\n")
