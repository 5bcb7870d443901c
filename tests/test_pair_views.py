"""Taking in the course's pairs: the columns are used in place (no copy)
exactly when they are consecutive rows of one array, and the bulk address
read behind that agrees with numpy's own answer array by array."""

import numpy as np
import pytest

from fastnet import _data, _rawmem


def test_bulk_addresses_agree_with_numpy():
    base = np.arange(6000, dtype=np.float64).reshape(300, 20)
    arrays = [base[i] for i in range(300)] + [np.zeros(3), base[5, ::2], base.T[3]]
    got = _rawmem.data_addresses(arrays)
    assert got is not None  # CPython: the layout is found
    want = [a.__array_interface__["data"][0] for a in arrays]
    assert got.tolist() == want


def test_consecutive_columns_are_taken_without_a_copy():
    X = np.random.default_rng(0).random((50, 8, 1))
    cols = [X[i] for i in range(50)]
    rows = _data._stack_same(cols, 8)
    assert np.shares_memory(rows, X)
    assert np.array_equal(rows, X.reshape(50, 8))


@pytest.mark.parametrize(
    "make",
    [
        lambda X: [X[i] for i in range(X.shape[0])][::-1],  # reversed order
        lambda X: [X[i] for i in (0, 1, 3, 2) + tuple(range(4, X.shape[0]))],  # one swap
        lambda X: [X[i] for i in range(X.shape[0])][:-1] + [X[-1].copy()],  # last one not a view
        lambda X: (
            [X[0]]
            + [
                X.reshape(-1)[i * 8 : i * 8 + 16 : 2].reshape(8, 1)  # strided views,
                for i in range(1, X.shape[0] - 1)
            ]
        ),  # starting where rows start
    ],
)
def test_other_columns_are_copied_exactly(make):
    X = np.random.default_rng(1).random((40, 8, 1))
    cols = make(X)
    rows = _data._stack_same(cols, 8)
    assert not np.shares_memory(rows, X)
    assert np.array_equal(rows, np.stack([c.reshape(8) for c in cols]))


def test_mixed_shapes_go_to_the_per_item_path():
    X = np.zeros((10, 8, 1))
    cols = [X[i] for i in range(10)]
    cols[7] = np.zeros(8)  # (8,) among (8, 1): allowed, but not stacked in one go
    assert _data._stack_same(cols, 8) is None
    cols[7] = np.zeros(())  # a 0-d array has no len(): must not raise here
    assert _data._stack_same(cols, 8) is None
    with pytest.raises(ValueError, match=r"^training_data\[7\]: x must have shape \(8, 1\)"):
        _data.training_arrays([(c, 0) for c in cols], 8, 2)
