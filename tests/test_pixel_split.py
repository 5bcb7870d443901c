"""Pixel data is recognised over row ranges on the usable cores
(``fastnet._data._pixel_codes_split``): the answer must be the one a single
pass gives, whichever range holds the first bad row or the first value that
is not a pixel code."""

import numpy as np
import pytest

from fastnet import _data, _engine, kernels

N = 3 * _engine.SPLIT_ROWS + 7  # several ranges when two cores are usable


def _pixels(seed=0):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, size=(N, 20)) / 256).astype(np.float32)


def _single_pass(X):
    return int(kernels.pixel_codes(X, np.empty(X.shape, np.uint8)))


@pytest.mark.parametrize("row", [0, N // 2, N - 1])
def test_first_nan_row_is_found_in_any_range(row):
    X = _pixels()
    X[row, 3] = np.nan
    X[N - 1 if row != N - 1 else 0, 5] = np.inf  # a second bad row, later or earlier
    first = min(row, N - 1 if row != N - 1 else 0)
    assert _data._pixel_codes_split(X, np.empty(X.shape, np.uint8)) == first
    assert _single_pass(X) == first
    with pytest.raises(ValueError, match=rf"X\[{first}\] contains NaN or inf"):
        _data._checked_rows(X, lambda i: f"X[{i}]")


@pytest.mark.parametrize("row", [0, N // 2, N - 1])
def test_one_value_off_the_pixel_grid_keeps_the_floats(row):
    X = _pixels()
    X[row, 7] = 0.3  # not k/256
    assert _data._pixel_codes_split(X, np.empty(X.shape, np.uint8)) == -2
    assert _data._checked_rows(X, lambda i: f"X[{i}]") is X


def test_exact_pixels_come_back_as_their_codes():
    X = _pixels(1)
    out = _data._checked_rows(X, lambda i: f"X[{i}]")
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, (X * 256).astype(np.uint8))
    assert _data._pixel_codes_split(X, np.empty(X.shape, np.uint8)) == _single_pass(X) == -1


def _variants():
    base = _pixels(3)
    out = {"exact": base}
    for name, (row, value) in {
        "nan": (5, np.nan),
        "inf late": (N - 1, np.inf),
        "-inf": (0, -np.inf),
        "off grid": (9, 0.3),
        "one": (2, 1.0),  # 256/256: beyond the codes
        "negative": (4, -1 / 256),
        "minus zero": (6, -0.0),
    }.items():
        X = base.copy()
        X[row, 1] = value
        out[name] = X
    both = base.copy()
    both[3, 0], both[7, 2] = 0.3, np.nan  # off the grid first, then a NaN
    out["off grid then nan"] = both
    return out


@pytest.mark.parametrize("name", list(_variants()))
def test_numpy_stand_in_gives_the_kernels_answer_and_codes(name):
    X = _variants()[name]
    want_codes, got_codes = np.empty(X.shape, np.uint8), np.empty(X.shape, np.uint8)
    want = int(kernels.pixel_codes(X, want_codes))
    got = _data._pixel_codes_numpy(X, got_codes)
    assert got == want
    if want == -1:
        assert np.array_equal(got_codes, want_codes)
