"""The knobs in the compiled kernels: every cost x activation against
finite differences of Engine.total_cost, and the L2 and momentum steps
against their formulas."""

import random

import numpy as np
import pytest

from fastnet._engine import Engine

KNOBS = [
    ("sigmoid", "sigmoid", "quadratic"),
    ("tanh", "sigmoid", "quadratic"),
    ("relu", "sigmoid", "quadratic"),
    ("sigmoid", "sigmoid", "cross_entropy"),
    ("tanh", "sigmoid", "cross_entropy"),
    ("relu", "sigmoid", "cross_entropy"),
    ("sigmoid", "softmax", "log_likelihood"),
    ("tanh", "softmax", "log_likelihood"),
    ("relu", "softmax", "log_likelihood"),
]


def engine(knobs, sizes=(5, 7, 6, 3), seed=0):
    e = Engine(list(sizes), np.float64, *knobs)
    e.params[:] = np.random.default_rng(seed).normal(0, 0.5, e.params.size)
    return e


def batch(seed=1, n=4):
    rng = np.random.default_rng(seed)
    Y = np.zeros((n, 3))
    Y[np.arange(n), rng.integers(0, 3, n)] = 1
    return rng.random((n, 5)), Y


@pytest.mark.parametrize("knobs", KNOBS, ids=["-".join(k) for k in KNOBS])
def test_gradient_matches_finite_differences(knobs):
    e = engine(knobs)
    X, Y = batch()
    g = e.gradient(X, Y)
    h = 1e-6
    num = np.empty_like(g)
    for t in range(e.params.size):
        old = e.params[t]
        e.params[t] = old + h
        up = e.total_cost(X, Y)
        e.params[t] = old - h
        down = e.total_cost(X, Y)
        e.params[t] = old
        num[t] = (up - down) / (2 * h) * len(X)  # total_cost is a mean
    np.testing.assert_allclose(g, num, atol=1e-8, rtol=1e-6)
    assert np.abs(num).max() > 1e-3


def test_unknown_or_mismatched_knobs_are_refused():
    with pytest.raises(ValueError, match="activation: expected one of"):
        Engine([3, 2], np.float64, "swish")
    with pytest.raises(ValueError, match="log-likelihood cost goes with softmax"):
        Engine([3, 2], np.float64, "sigmoid", "softmax", "quadratic")
    with pytest.raises(ValueError, match="log-likelihood cost goes with softmax"):
        Engine([3, 2], np.float64, "sigmoid", "sigmoid", "log_likelihood")


def weight_mask(e):
    mask = np.ones(e.params.size, bool)
    for off, (_, n_out) in zip(e.layout.b_off, e.layout.shapes()):
        mask[off : off + n_out] = False
    return mask


def test_l2_step_is_network2s():
    e = engine(KNOBS[4])
    X, Y = batch()
    eta, lmbda, n = 0.5, 5.0, 100
    g = e.gradient(X, Y)
    decay = 1 - eta * lmbda / n
    expected = np.where(weight_mask(e), decay * e.params, e.params) - eta / len(X) * g
    np.testing.assert_allclose(e.step(X, Y, eta, lmbda, n), expected, atol=1e-15, rtol=0)


def test_momentum_steps():
    e = engine(KNOBS[3])
    X, Y = batch()
    w0 = e.params.copy()
    eta, mu = 0.5, 0.9
    random.seed(0)
    gen = e.epochs(X, Y, np.arange(len(X)), 2, len(X), eta, mu=mu)
    next(gen)
    w1 = e.params.copy()
    next(gen)
    w2 = e.params.copy()
    ref = engine(KNOBS[3])
    v1 = -eta / len(X) * ref.gradient(X, Y)
    np.testing.assert_allclose(w1, w0 + v1, atol=1e-15, rtol=0)
    ref.params[:] = w1
    v2 = mu * v1 - eta / len(X) * ref.gradient(X, Y)
    np.testing.assert_allclose(w2, w1 + v2, atol=1e-15, rtol=0)
    with pytest.raises(ValueError, match="momentum"):
        next(e.epochs(X, Y, np.arange(len(X)), 1, 2, eta, parallel=True, mu=mu))


def test_softmax_outputs_sum_to_one_and_relu_is_nonnegative():
    e = engine(KNOBS[8])
    X, _ = batch(n=20)
    out = e.forward(X)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-12)
    assert (out > 0).all()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("pixels", [True, False], ids=["pixel-codes", "floats"])
def test_course_kernel_without_knobs_gives_the_general_kernels_bits(dtype, pixels):
    """The course's configuration runs a kernel compiled with ``cfg`` None
    and ``decay`` None (the other knobs' code and the multiply by decay
    pruned, for a shorter first compile and a faster step); the same epoch
    through the general kernel, knob codes all 0 and decay 1.0, gives the
    same bits."""
    from fastnet import kernels
    from fastnet._engine import Layout

    sizes = [20, 30, 12, 10]
    rng = np.random.default_rng(3)
    X = rng.integers(0, 256, (37, 20)).astype(np.uint8)
    if not pixels:
        X = rng.random((37, 20)).astype(dtype)
    Y = np.eye(10, dtype=dtype)[rng.integers(0, 10, 37)]
    order = rng.permutation(37).astype(np.int64)
    layout = Layout(sizes)
    start = rng.normal(0, 0.5, layout.size).astype(dtype)
    course = np.zeros(3, np.int64)
    assert kernels.knobs_arg(course) is None
    assert kernels.knobs_arg(np.array([1, 0, 0])) is not None
    assert kernels.decay_arg(1.0) is None and kernels.decay_arg(0.999) == 0.999
    out = {}
    for name, knobs, decay in (("pruned", None, None), ("general", course, 1.0)):
        padded, width, pw_off, pb_off = kernels._packed(start.copy(), *layout.args())
        acts, deltas, targets = kernels.workspace_arrays(dtype, layout.sizes, width, 4)
        steps = (37 + 3) // 4
        args = (X, Y, order, 0, 1, steps, 4, 3.0, acts, deltas, targets, knobs, decay, 0.0, None)
        kernels.epoch_steps(padded, padded, layout.sizes, width, pw_off, pb_off, *args)
        out[name] = padded
    assert not np.array_equal(out["pruned"], kernels._packed(start, *layout.args())[0])
    np.testing.assert_array_equal(out["pruned"], out["general"])


# float64 with the course's knobs and two sets that use every other code once;
# float32 (other tile shapes) with the course's: each kernel compiled here
# costs 2-4 s of a cold test run
PADDING_CASES = [(k, np.float64) for k in (KNOBS[0], KNOBS[4], KNOBS[8])] + [(KNOBS[0], np.float32)]


@pytest.mark.parametrize(
    "knobs,dtype",
    PADDING_CASES,
    ids=["-".join(k) + "-" + np.dtype(d).name for k, d in PADDING_CASES],
)
@pytest.mark.parametrize("l2,mu", [(0.0, 0.0), (5.0, 0.0), (0.0, 0.5), (5.0, 0.5)])
def test_the_padding_of_the_weights_stays_zero(knobs, dtype, l2, mu):
    """Activations' padding columns are left as the activation makes them
    (sigmoid(0) = 0.5: not zeroed, ``_passes._bias_sigmoid``); the errors
    there are 0, so training never moves the padded weights and biases off
    0, whatever the knobs, and the padding never reaches a real weight."""
    from fastnet import kernels
    from fastnet._engine import Layout

    sizes = [5, 7, 6, 3]
    e = Engine(sizes, dtype, *knobs)
    layout = Layout(sizes)
    X, Y = batch(n=9)
    X, Y = X.astype(dtype), Y.astype(dtype)
    width, pw_off, pb_off, size = kernels.layout_arrays(sizes)
    decay = 1 - 0.5 * l2 / 9
    start = np.random.default_rng(2).normal(0, 0.5, layout.size).astype(dtype)
    params = start.copy()
    vel = kernels.zeros_aligned(size, dtype) if mu else None
    for _ in range(3):
        kernels.train_epoch(
            params, *layout.args(), X, Y, np.arange(9), 2, 0.5, e.cfg, decay, mu, vel
        )
    assert np.isfinite(params).all()
    padded = kernels.pack_padded(params, *layout.args())
    # the same epochs on the padded buffer itself, as the kernels see it
    buf = kernels.pack_padded(start, *layout.args())
    acts, deltas, targets = kernels.workspace_arrays(dtype, layout.sizes, width, 2)
    vel2 = kernels.zeros_aligned(size, dtype) if mu else None
    for _ in range(3):
        kernels.epoch_steps(
            buf,
            buf,
            layout.sizes,
            width,
            pw_off,
            pb_off,
            X,
            Y,
            np.arange(9),
            0,
            1,
            5,
            2,
            0.5,
            acts,
            deltas,
            targets,
            kernels.knobs_arg(e.cfg),
            kernels.decay_arg(decay),
            mu,
            vel2,
        )
    for l in range(len(sizes) - 1):
        n_in, n_out, wd = sizes[l], sizes[l + 1], int(width[l + 1])
        W = buf[pw_off[l] : pw_off[l] + n_in * wd].reshape(n_in, wd)
        assert not W[:, n_out:].any() and not buf[pb_off[l] + n_out : pb_off[l] + wd].any()
        if mu:
            V = vel2[pw_off[l] : pw_off[l] + n_in * wd].reshape(n_in, wd)
            assert not V[:, n_out:].any()
    np.testing.assert_array_equal(buf, padded)  # as the facade's epochs, bit for bit
