"""``evaluer`` scores the course's network with the compiled forward pass
and the other knobs' networks with numpy's matrix products (one BLAS call
per layer and per 2048 rows): its count must be that of the compiled
``forward``'s argmax for every activation, output, dtype and input kind."""

import numpy as np
import pytest

from fastnet import Reseau

# (hidden activation, cost): log_vraisemblance puts softmax on the output
KNOBS = [
    ("sigmoide", "quadratique"),
    ("tanh", "entropie_croisee"),
    ("relu", "log_vraisemblance"),
    ("sigmoide", "log_vraisemblance"),
]


@pytest.mark.parametrize("activation,cout", KNOBS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("inputs", ["uint8", "float32", "float64"])
def test_evaluer_counts_the_forward_argmax(activation, cout, dtype, inputs):
    rng = np.random.default_rng(7)
    net = Reseau([20, 17, 9, 5], dtype=dtype, activation=activation, cout=cout)
    n = 5000  # more than one block of 2048 rows
    if inputs == "uint8":
        X = rng.integers(0, 256, size=(n, 20), dtype=np.uint8)
    else:
        X = rng.random((n, 20)).astype(inputs)
    y = rng.integers(0, 5, size=n)
    out = net.forward(X.T if inputs != "uint8" else (X / 256).T)
    expected = int(np.count_nonzero(np.argmax(out, axis=0) == y))
    assert net.evaluer((X, y)) == expected
    # the pairs form goes the same way
    pairs = [
        (X[i].reshape(20, 1) / (256 if inputs == "uint8" else 1), int(y[i])) for i in range(300)
    ]
    assert net.evaluer(pairs) == int(np.count_nonzero(np.argmax(out[:, :300], axis=0) == y[:300]))


def test_evaluer_saturated_outputs_take_the_first_maximum():
    """Huge weights saturate the sigmoid outputs to exactly 1.0: np.argmax
    picks the first, as the course's evaluer does."""
    net = Reseau([2, 3])
    net.poids = [np.full((2, 3), 1000.0)]
    net.biais = [np.zeros((3, 1))]
    X = np.ones((4, 2))
    assert net.evaluer((X, np.array([0, 0, 1, 2]))) == 2
