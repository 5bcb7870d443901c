"""The course's main.py, with fastnet as the drop-in.

Run from the repository root (MNIST found through FASTNET_DATA, the
--data folder of `fastnet train`, or the per-user cache):

    FASTNET_DATA=../shared/data/mnist python examples/main.py

Swap the import for the course's own ``reseau`` module and the same seeds
print the same lines, only much more slowly.
"""

import random

import numpy as np

from fastnet import Reseau
from fastnet.mnist import load_data_wrapper

random.seed(0)
np.random.seed(0)

training_data, validation_data, test_data = load_data_wrapper()
training_data = list(training_data)
test_data = list(test_data)

net = Reseau([784, 30, 10])
net.DGS(training_data, 30, 10, 3.0, test_data=test_data)
