"""Taking in the course's pairs: the columns are used in place (no copy)
exactly when they are consecutive rows of one array, and the bulk address
read behind that agrees with numpy's own answer array by array."""

import numpy as np
import pytest

from fastnet import _data, _rawmem


def test_bulk_addresses_agree_with_numpy():
    base = np.arange(6000, dtype=np.float64).reshape(300, 20)
    arrays = [base[i] for i in range(300)] + [np.zeros(20), base[3] * 1, base[7].copy()]
    got = _rawmem.uniform_views(arrays)
    assert got is not None  # CPython: the layout is found
    want = [a.__array_interface__["data"][0] for a in arrays]
    assert got.addresses.tolist() == want
    assert not got.one_base
    assert _rawmem.uniform_views(arrays[:300]).one_base


def _others():
    base = np.zeros((30, 8, 1))
    return {
        "dtype": base[0].astype(np.float32),
        "shape": base[0].reshape(8),
        "strides": base.reshape(-1)[:16:2].reshape(8, 1),
        "subclass": np.asmatrix(base[0]),
        "a float": 2.5,
        "None": None,
        "a list": [0.0] * 8,
    }


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix
@pytest.mark.parametrize(
    "kind", ["dtype", "shape", "strides", "subclass", "a float", "None", "a list"]
)
@pytest.mark.parametrize("where", [1, 17, 29])
def test_bulk_read_refuses_what_is_not_uniform(kind, where):
    base = np.zeros((30, 8, 1))
    arrays = [base[i] for i in range(30)]
    arrays[where] = _others()[kind]
    assert _rawmem.uniform_views(arrays) is None
    rows = _data._stack_same(arrays, 8)
    if kind == "strides":  # still (8, 1) float64 columns: one copy
        assert np.array_equal(rows, np.stack([a.reshape(8) for a in arrays]))
    else:
        assert rows is None


def test_ids_read_from_the_list_agree_with_id():
    values = [np.zeros(2), 1.5, "x", None] * 1000
    assert _rawmem._ids(values).tolist() == [id(v) for v in values]
    assert _rawmem._ids(tuple(values)).tolist() == [id(v) for v in values]


def test_without_the_bulk_read_the_same_rows_come_back(monkeypatch):
    X = np.random.default_rng(0).random((50, 8, 1))
    cols = [X[i] for i in range(50)]
    loose = [c.copy() for c in cols]
    want_view, want_copy = _data._stack_same(cols, 8), _data._stack_same(loose, 8)
    monkeypatch.setattr(_rawmem, "_layout", None)  # another Python: asked array by array
    got_view, got_copy = _data._stack_same(cols, 8), _data._stack_same(loose, 8)
    assert np.shares_memory(got_view, X) and np.shares_memory(want_view, X)
    assert not np.shares_memory(got_copy, X)
    assert np.array_equal(got_view, want_view) and np.array_equal(got_copy, want_copy)


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
