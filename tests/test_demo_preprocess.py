"""The demo's drawing-to-MNIST preprocessing (fastnet.demo.preprocess)."""

import os
from pathlib import Path

import numpy as np
import pytest

from fastnet.demo.preprocess import _area_matrix, check_image, check_pixels, mnist_like

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("FASTNET_DATA") or REPO.parent / "shared/data/mnist")
needs_mnist = pytest.mark.skipif(not DATA.exists(), reason=f"no MNIST data at {DATA}")


def centre_of_mass(img):
    ys, xs = np.indices(img.shape)  # MNIST's centres of mass are at (14, 14) in these
    return (ys * img).sum() / img.sum(), (xs * img).sum() / img.sum()


def ink_box(img):
    rows = np.flatnonzero(img.any(axis=1))
    cols = np.flatnonzero(img.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def test_empty_drawing_gives_zeros():
    assert not mnist_like(np.zeros((50, 70))).any()
    assert mnist_like(np.zeros((50, 70))).shape == (28, 28)


def test_tall_bar_fits_20_high_keeps_aspect_and_is_centred():
    canvas = np.zeros((200, 200))
    canvas[30:110, 150:170] = 1.0  # 80 high, 20 wide, far from the centre
    out = mnist_like(canvas)
    assert ink_box(out) == (20, 5)  # 80x20 scaled by 1/4
    assert np.allclose(out[out > 0], 1.0)  # whole cells of ink stay 1
    cy, cx = centre_of_mass(out)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5


def test_wide_box_fits_20_wide():
    canvas = np.zeros((100, 300))
    canvas[10:40, 20:260] = 0.5  # 30 high, 240 wide
    out = mnist_like(canvas)
    assert ink_box(out) == (round(30 * 20 / 240), 20)
    assert np.allclose(out[out > 0], 0.5)


def test_downscaling_averages_areas():
    """A checkerboard of 2x2 cells, halved, is uniform grey 0.5... except
    where a cell straddles an output pixel: the box filter conserves ink."""
    assert np.allclose(_area_matrix(3, 7).sum(axis=1), 1.0)
    # each input cell contributes in total n_out / n_in of a unit
    assert np.allclose(_area_matrix(3, 7).sum(axis=0), 3 / 7)
    board = (np.indices((40, 40)).sum(axis=0) % 2).astype(float)
    out = mnist_like(board)
    assert np.allclose(out[4:24, 4:24], 0.5)
    assert np.allclose(out.sum(), board.mean() * 400)


def test_translation_and_scale_invariance():
    """The same digit drawn elsewhere, or twice as large, gives the same
    input (up to the box filter's rounding)."""
    rng = np.random.default_rng(0)
    shape = (rng.random((15, 11)) > 0.5).astype(float)
    a = np.zeros((120, 120))
    a[10:25, 80:91] = shape
    b = np.zeros((120, 120))
    b[60:90, 5:27] = np.kron(shape, np.ones((2, 2)))
    assert np.allclose(mnist_like(a), mnist_like(b))


def test_off_centre_mass_shifts_the_box():
    """An L: its centre of mass is near the heavy corner, so the box is
    not centred but its mass is."""
    canvas = np.zeros((100, 100))
    canvas[10:90, 10:40] = 1
    canvas[70:90, 10:90] = 1
    out = mnist_like(canvas)
    cy, cx = centre_of_mass(out)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
    rows = np.flatnonzero(out.any(axis=1))
    cols = np.flatnonzero(out.any(axis=0))
    # the mass is low and left in the box: the box goes up and right
    assert rows[0] == 2 and cols[0] == 8


def test_mass_at_the_edge_keeps_the_ink_inside():
    """A heavy block in one corner and one dot in the other: pure centring
    would push the dot out of the field; the box stays inside instead."""
    canvas = np.zeros((100, 100))
    canvas[:30, :30] = 1
    canvas[99, 99] = 1
    out = mnist_like(canvas)
    assert out[27, 27] == pytest.approx(1 / 25)  # the dot, averaged over 5x5
    assert out.sum() == pytest.approx(36 + 1 / 25)  # no ink lost
    assert not out[:8].any() and not out[:, :8].any()


@needs_mnist
def test_mnist_digits_come_back_as_they_were():
    """MNIST digits are already fitted and centred: upscaled 4x, drawn
    anywhere on a bigger canvas and preprocessed, they come back close to
    the originals (same 20x20 box, same centre of mass within a pixel)."""
    from fastnet.mnist import load_arrays

    _, _, (X, _y) = load_arrays(str(DATA))
    rng = np.random.default_rng(1)
    errors = []
    for i in rng.choice(len(X), 50, replace=False):
        digit = X[i].reshape(28, 28).astype(np.float64) / X[i].max()
        canvas = np.zeros((200, 200))
        top, left = rng.integers(0, 200 - 112, size=2)
        canvas[top : top + 112, left : left + 112] = np.kron(digit, np.ones((4, 4)))
        out = mnist_like(canvas)
        assert max(ink_box(out)) == 20
        cy, cx = centre_of_mass(out)
        assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
        errors.append(np.abs(out - digit).mean())
    # MNIST's own boxes are 20 pixels up to a grey fringe: small differences
    assert np.median(errors) < 0.01 and max(errors) < 0.1


def test_check_pixels_and_image_refuse_bad_input():
    assert check_pixels([0, 0.5, 1], 3).dtype == np.float64
    for bad, match in (
        ([0, 1], "expected 3 numbers"),
        ([0, 1, 2], r"in \[0, 1\]"),
        ([0, float("nan"), 1], "NaN"),
        ([0, float("inf"), 1], "NaN or inf"),
        ([0, -0.1, 1], r"\[0, 1\]"),
    ):
        with pytest.raises(ValueError, match=match):
            check_pixels(bad, 3)
    for bad in ([0, True, 1], [0, "1", 1], [0, None, 1], [[0], [1], [1]], "abc", {"a": 1}):
        with pytest.raises(TypeError):
            check_pixels(bad, 3)
    assert check_image([0.0] * 6, 3, 2).shape == (2, 3)
    with pytest.raises(ValueError, match="largeur"):
        check_image([], 0, 2)
    with pytest.raises(ValueError, match="hauteur"):
        check_image([0.0] * 600, 1, 600)
    with pytest.raises(TypeError, match="largeur"):
        check_image([0.0] * 6, 3.0, 2)
