"""The course's forward pass skips each example's inputs that are 0 in its
first layer (``kernels.forward_rows`` with ``cfg`` None, section 18 of
docs/performance.md). It must give the bits of the dense pass (the same
kernel under an all-zero knob array, which skips nothing), say whether a
first-layer sum was not finite, and be compiled by a first run's child
process while the epoch kernel compiles (``kernels.prepare_scoring``)."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import MNIST_NAMES, mnist_dir
from fastnet import Reseau, kernels
from fastnet.mnist import load_arrays
from fastnet.reference import ReseauReference

SHAPES = [[784, 30, 10], [37, 17, 5, 4], [16, 3]]  # 37: a tail after 2 blocks of 16


def _inputs(rng, n, n_in, kind):
    keep = rng.random((n, n_in)) < 0.2  # MNIST-like: most inputs 0
    if kind == "uint8":
        return (rng.integers(1, 256, (n, n_in)) * keep).astype(np.uint8)
    X = (rng.normal(size=(n, n_in)) * keep).astype(kind)
    X[~keep & (rng.random((n, n_in)) < 0.5)] = -0.0  # signed zeros are zeros too
    X[n // 2] = 0.0  # a row of zeros
    return X


def _run(net, X, sparse):
    """forward_rows' outputs and flag, skipping zeros (cfg None) or not."""
    eng = net._engine
    cfg = None if sparse else np.zeros(len(eng.cfg), dtype=np.int64)
    out = np.empty((len(X), net.tailles[-1]), dtype=eng.dtype)
    args = kernels._forward_args(eng.params, *eng.layout.args(), X, out, cfg)
    return out, kernels.forward_rows(*args)


@pytest.mark.parametrize("sizes", SHAPES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", ["uint8", "float32", "float64"])
@pytest.mark.parametrize("n", [1, 50, 123])  # 50 rows per pass: one, exactly one, several
def test_skipping_zero_inputs_gives_the_dense_bits(sizes, dtype, kind, n):
    rng = np.random.default_rng(n + len(sizes))
    net = Reseau(sizes, dtype=dtype)
    X = _inputs(rng, n, sizes[0], kind)
    (sparse, ok), (dense, ok_dense) = _run(net, X, True), _run(net, X, False)
    assert ok and ok_dense
    assert np.array_equal(sparse.view(np.uint8), dense.view(np.uint8))
    # and the course's outputs, to rounding
    ref = ReseauReference(sizes)
    ref.biais = [np.array(b, dtype=np.float64) for b in net.biais]
    ref.poids = [np.array(w, dtype=np.float64) for w in net.poids]
    scale = 1 / 256 if kind == "uint8" else 1
    want = np.stack([ref.forward(x.reshape(-1, 1).astype(np.float64) * scale)[:, 0] for x in X])
    tol = 1e-12 if dtype == "float64" else 1e-5
    np.testing.assert_allclose(sparse, want, rtol=tol, atol=tol)


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_weights_that_are_not_finite_turn_the_skipping_off(bad):
    """0 * inf is NaN: with a weight that is not finite nothing is left
    out, as in the course's products."""
    rng = np.random.default_rng(3)
    net = Reseau([37, 17, 5])
    X = _inputs(rng, 60, 37, "float64")
    column = int(np.flatnonzero(X[:, 3] == 0)[0])  # a row whose input 3 is 0
    eng = net._engine  # the facade refuses such weights; a kernel must cope all the same
    eng.layout.weight_views(eng.params)[0][3, 2] = bad
    (sparse, ok), (dense, _) = _run(net, X, True), _run(net, X, False)
    assert not ok  # inf * x or 0 * inf in some sum
    assert np.array_equal(sparse.view(np.uint8), dense.view(np.uint8))
    assert np.isnan(sparse[column]).any()  # the zero input met the bad weight


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_a_bad_input_leaves_a_sum_that_is_not_finite(bad):
    rng = np.random.default_rng(4)
    net = Reseau([37, 17, 5])
    X = _inputs(rng, 120, 37, "float32")
    assert _run(net, X, True)[1]
    X[77, 36] = bad  # in the tail after the blocks of 16
    out, ok = _run(net, X, True)
    assert not ok
    assert np.isfinite(np.delete(out, 77, axis=0)).all()  # the other rows are scored


@pytest.mark.skipif(
    not all((mnist_dir() / n).is_file() for n in MNIST_NAMES), reason="no MNIST"
)  # CI refuses to start without it (conftest)
def test_evaluer_counts_as_the_matrix_products_do():
    """On MNIST, the compiled count is numpy's (one matrix product per
    layer) after a few epochs of training."""
    (X, y), _, (Xt, yt) = load_arrays(mnist_dir())
    net = Reseau([784, 30, 10])
    net.DGS((X[:5000], y[:5000]), 2, 10, 3.0)
    out = net._engine._blas_forward(Xt)
    assert net.evaluer((Xt, yt)) == int(np.count_nonzero(np.argmax(out, axis=1) == yt))
    np.testing.assert_allclose(net._engine.forward(Xt), out, rtol=1e-12, atol=1e-12)


CHILD = r"""
import json, random, sys
import numpy as np
from fastnet import Reseau, kernels
random.seed(0); np.random.seed(0)  # the weights and the shuffles
rng = np.random.default_rng(5)
X = (rng.integers(0, 256, (300, 40)) * (rng.random((300, 40)) < .2)).astype(np.uint8)
y = rng.integers(0, 10, 300)
net = Reseau([40, 12, 10])
scoring = kernels.scoring(np.float64, np.uint8)
hist = net.DGS((X[:200], y[:200]), 2, 10, 3.0, test_data=(X[200:], y[200:]), verbose=False)
out = net._engine.forward(X)
print(json.dumps({"child": scoring._child is not None, "precision": hist["precision"],
                  "out": out.ravel().tolist()}))
"""


def _process(cache):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
    run = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_a_first_run_compiles_the_scoring_in_a_child(tmp_path):
    cold = _process(tmp_path)
    assert cold["child"]  # DGS with test data started it, the cache being empty
    names = [p.name for p in tmp_path.rglob("*.nbi")]
    assert any("_forward_rows" in name for name in names), names
    warm = _process(tmp_path)
    assert not warm["child"]  # loaded from the cache
    assert warm["precision"] == cold["precision"]
    assert warm["out"] == cold["out"]
