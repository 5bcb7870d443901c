"""fastnet's own exponential (fastnet/_exp.py), which the kernels' sigmoid
uses so that its loops vectorise: within 1 ulp of the C library's ``exp`` over
the whole float64 range, IEEE's answers at the edges (overflow to inf, the
subnormal range, underflow to 0, NaN and infinities), and a sigmoid that
matches the course's formula to 2 ulp."""

import math

import numpy as np
import pytest
from numba import njit

from fastnet._exp import exp
from fastnet._passes import sigmoid


@njit(error_model="numpy")
def _exps(x, out):
    for i in range(x.size):
        out[i] = exp(x[i])


@njit(error_model="numpy")
def _sigmoids(z, out):
    for i in range(z.size):
        out[i] = sigmoid(z[i])


def _ulps(got, want):
    return np.abs(got - want) / np.spacing(np.abs(want))


def _libm_exp(x):
    # the C library's exp (glibc: correctly rounded nearly always); numpy's
    # own exp may be a vectorised one 1 ulp off (numpy 1.24 with AVX-512)
    return np.array([math.exp(v) for v in x.tolist()])


def _exp_of(x):
    out = np.empty_like(x)
    _exps(x, out)
    return out


@pytest.mark.parametrize(
    "low, high", [(-1.0, 1.0), (-40.0, 40.0), (-708.0, 709.7), (-745.1, -708.0), (1e-12, 1e-6)]
)
def test_within_one_ulp_of_numpy(low, high):
    x = np.random.default_rng(9).uniform(low, high, 200_000)
    got = _exp_of(x)
    assert _ulps(got, _libm_exp(x)).max() <= 1.0


def test_edges_are_ieee():
    tiny = np.nextafter(0.0, 1.0)
    x = np.array(
        [np.nan, np.inf, -np.inf, 709.78, 709.79, 710.0, 1e308, -745.1, -745.2, -1e308]
        + [0.0, -0.0, 1e-300, -1e-300, 1.0, -1.0, np.log(tiny), np.log(np.finfo(float).max)]
    )
    got = _exp_of(x)
    with np.errstate(over="ignore"):
        want = np.exp(x)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    finite = np.isfinite(want) & (want > 0)
    assert np.array_equal(got[~finite & ~np.isnan(want)], want[~finite & ~np.isnan(want)])
    assert _ulps(got[finite], want[finite]).max() <= 1.0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_matches_the_course_formula(dtype):
    z = np.concatenate(
        [np.random.default_rng(3).normal(0, 8, 100_000), [-800, -745, -40, 0, 40, 800]]
    ).astype(dtype)
    out = np.empty_like(z)
    _sigmoids(z, out)
    with np.errstate(over="ignore"):
        want = (1.0 / (1.0 + np.exp(-z.astype(np.float64)))).astype(dtype)
    assert _ulps(out, want).max() <= 2.0  # float32: in float32 arithmetic
    assert out[-6] == 0.0 and out[-1] == 1.0 and out[-3] == 0.5


@njit(error_model="numpy")
def _exps32(x, out):
    for i in range(x.size):
        out[i] = exp(x[i])


def test_float32_exp_within_one_ulp():
    x = np.random.default_rng(4).uniform(-87.3, 88.7, 400_000).astype(np.float32)
    edges = [0.0, -0.0, 1.0, -1.0, 88.72, 88.73, 89.0, 200.0, -103.0, -104.0, -200.0]
    x = np.concatenate([x, np.float32(edges + [np.inf, -np.inf, np.nan])])
    got = np.empty_like(x)
    _exps32(x, got)
    assert got.dtype == np.float32
    with np.errstate(over="ignore"):
        want = np.exp(x.astype(np.float64))  # rounded once below: the correct float32
        want32 = want.astype(np.float32)
    normal = np.isfinite(want32) & (want32 >= np.finfo(np.float32).tiny)
    assert _ulps(got[normal], want32[normal]).max() <= 1.0
    assert np.all(got[want > 1.001 * float(np.finfo(np.float32).max)] == np.inf)
    assert np.all(got[want < 1e-50] == 0.0)
    assert np.isnan(got[-1]) and got[-2] == 0.0 and got[-3] == np.inf
