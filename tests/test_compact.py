"""Large float32 pixel data is streamed as exact uint8 codes; everything
else goes the float path. Both must train identically."""

import contextlib
import io
import random

import numpy as np
import pytest

from fastnet import Reseau, _data


def pixels(n, n_in, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, (n, n_in)) / 256).astype(np.float32)


def test_pixel_data_becomes_codes_and_back():
    X = pixels(200, 400)
    Xc, _, _ = _data.training_arrays((X, np.zeros(200, dtype=int)), 400, 3)
    assert Xc.dtype == np.uint8
    np.testing.assert_array_equal(Xc.astype(np.float32) / 256, X)


def test_other_floats_stay_floats():
    X = pixels(200, 400)
    X[3, 7] = 0.3  # not a multiple of 1/256
    Xc, _, _ = _data.training_arrays((X, np.zeros(200, dtype=int)), 400, 3)
    assert Xc.dtype == np.float32 and Xc is X
    X[3, 7] = 1.0  # 256/256 is out of the code range
    assert _data.training_arrays((X, np.zeros(200, dtype=int)), 400, 3)[0].dtype == np.float32


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("row", [0, 57, 199])
def test_non_finite_rows_are_named(bad, row):
    X = pixels(200, 400)
    X[row, 5] = bad
    with pytest.raises(ValueError, match=rf"X\[{row}\] contains NaN or inf"):
        _data.training_arrays((X, np.zeros(200, dtype=int)), 400, 3)
    X[row, 5] = 0.5
    X[row, 6] = 0.3  # not pixels before the bad value
    X[row + 0 if row == 199 else row + 1, 9] = bad
    with pytest.raises(ValueError, match="contains NaN or inf"):
        _data.training_arrays((X, np.zeros(200, dtype=int)), 400, 3)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_codes_train_exactly_like_floats(dtype):
    X = pixels(300, 300, seed=1)
    y = np.random.default_rng(2).integers(0, 4, 300)
    nets = []
    for inputs in (X, X.astype(np.float64)):  # codes path, then float path
        np.random.seed(0)
        random.seed(0)
        net = Reseau([300, 20, 4], dtype=dtype)
        with contextlib.redirect_stdout(io.StringIO()):
            net.DGS((inputs, y), 2, 10, 3.0)
        nets.append(net)
    assert _data.training_arrays((X, y), 300, 4)[0].dtype == np.uint8
    for a, b in zip(nets[0].poids + nets[0].biais, nets[1].poids + nets[1].biais):
        np.testing.assert_array_equal(a, b)
    assert nets[0].evaluer((X, y)) == nets[1].evaluer((X.astype(np.float64), y))
