"""The tiny network and data the input tests share: 4 inputs, 3 outputs,
and a few good pairs in the course's column layout."""

import numpy as np

N_IN, N_OUT = 4, 3
TAILLES = [N_IN, 5, N_OUT]


def col(*values):
    return np.array(values, dtype=float).reshape(-1, 1)


def one_hot(k, n=N_OUT):
    y = np.zeros((n, 1))
    y[k] = 1.0
    return y


def good_pairs(n=6):
    rng = np.random.default_rng(0)
    return [(rng.random((N_IN, 1)), one_hot(i % N_OUT)) for i in range(n)]


def good_test(n=6):
    rng = np.random.default_rng(1)
    return [(rng.random((N_IN, 1)), i % N_OUT) for i in range(n)]


KEEP = object()


def with_item(i, x=KEEP, y=KEEP):
    """Good pairs with pair ``i`` replaced (x or y)."""
    data = good_pairs()
    x0, y0 = data[i]
    data[i] = (x0 if x is KEEP else x, y0 if y is KEEP else y)
    return data
