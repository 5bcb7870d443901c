"""kernels.train_epoch builds the padded buffer and the scratch arrays with
numpy (no allocation kernels to compile on a first run); the other entry
points still build them in compiled code. The two must agree exactly."""

import numpy as np
import pytest

from fastnet import kernels
from fastnet._engine import Layout
from fastnet._passes import _pack, _workspace, padded_layout


@pytest.mark.parametrize("sizes", [[784, 30, 10], [2, 1], [5, 17, 33, 1], [3, 16, 16, 16]])
def test_numpy_layout_pack_and_workspace_match_the_kernels(sizes):
    layout = Layout(sizes)
    want = padded_layout(layout.sizes)
    got = kernels.layout_arrays(sizes)
    for a, b in zip(got[:3], want[:3]):
        assert a.dtype == np.int64 and np.array_equal(a, b)
    assert got[3] == want[3]
    width, pw_off, pb_off, size = want
    params = np.random.default_rng(0).standard_normal(layout.size)
    padded = np.empty(size)
    _pack(params, layout.sizes, layout.w_off, layout.b_off, width, pw_off, pb_off, padded)
    ours = kernels._pack_np(
        params, layout.sizes, layout.w_off, layout.b_off, width, pw_off, pb_off, params.dtype
    )
    assert np.array_equal(ours, padded)
    back = np.zeros_like(params)
    kernels._unpack_np(ours, layout.sizes, layout.w_off, layout.b_off, width, pw_off, pb_off, back)
    assert np.array_equal(back, params)
    for a, b in zip(
        kernels.workspace_arrays(np.float64, layout.sizes, width, 7),
        _workspace(params, layout.sizes, width, 7),
    ):
        assert a.shape == b.shape and a.dtype == b.dtype and not a.any()
