"""A drawing turned into an MNIST-like 28x28 input, as MNIST was made.

MNIST's digits were fitted in a 20x20 box (aspect ratio kept, grey levels
from the anti-aliasing of the rescaling), then placed in a 28x28 field so
that their centre of mass falls on the field's centre. :func:`mnist_like`
does the same to a grey image of any size (ink 1, paper 0).
"""

import numpy as np

FIELD, BOX = 28, 20
MAX_SIDE = 512  # largest drawing accepted, in pixels per side

__all__ = ["check_image", "mnist_like"]


def check_image(pixels, width, height, name="pixels"):
    """``pixels`` (a flat sequence of ``width * height`` numbers in [0, 1],
    row by row) as a float64 array of shape ``(height, width)``; ValueError
    or TypeError naming ``name`` otherwise."""
    for value, what in ((width, "largeur"), (height, "hauteur")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{what}: expected an int, got {value!r}"[:120])
        if not 1 <= value <= MAX_SIDE:
            raise ValueError(f"{what}: expected an int in 1..{MAX_SIDE}, got {value}")
    return check_pixels(pixels, width * height, name).reshape(height, width)


def check_pixels(pixels, n, name="pixels"):
    """``pixels`` as a flat float64 array of ``n`` finite numbers in [0, 1]."""
    if not isinstance(pixels, (list, tuple, np.ndarray)):
        raise TypeError(f"{name}: expected a list of {n} numbers, got {type(pixels).__name__}")
    if len(pixels) != n:
        raise ValueError(f"{name}: expected {n} numbers, got {len(pixels)}")
    if not isinstance(pixels, np.ndarray) and not all(
        type(v) in (int, float) for v in pixels
    ):  # bools and strings are not pixels
        bad = next(v for v in pixels if type(v) not in (int, float))
        raise TypeError(f"{name}: expected numbers, got {bad!r}"[:120])
    a = np.asarray(pixels, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(f"{name}: expected a flat list of {n} numbers")
    if not np.isfinite(a).all():
        raise ValueError(f"{name}: contains NaN or inf")
    if a.size and (a.min() < 0 or a.max() > 1):
        raise ValueError(
            f"{name}: expected numbers in [0, 1], got values in [{a.min():g}, {a.max():g}]"
        )
    return a


def _area_matrix(n_out, n_in):
    """(n_out, n_in) matrix averaging the input cells that each output cell
    covers (box filter: exact area weights, so downscaling anti-aliases)."""
    edges = np.linspace(0.0, n_in, n_out + 1)  # output cells in input units
    lo, hi = edges[:-1, None], edges[1:, None]
    cells = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(hi, cells + 1) - np.maximum(lo, cells), 0.0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def mnist_like(image, threshold=0.0):
    """The 28x28 MNIST-like version of a grey drawing.

    Parameters
    ----------
    image : array_like, shape (height, width)
        Grey levels in [0, 1], ink 1 on paper 0.
    threshold : float
        Pixels above it count as ink when finding the digit's bounding box.

    Returns
    -------
    numpy.ndarray, shape (28, 28), float64 in [0, 1]
        The digit's bounding box rescaled (box filter, aspect ratio kept) so
        that its longer side is 20 pixels, then placed so that its centre
        of mass is as near pixel (14, 14) as whole pixels allow (where
        MNIST's are), without pushing ink out of the field. All zeros for an
        empty drawing.
    """
    img = np.asarray(image, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError(f"image: expected a 2-D array, got shape {img.shape}")
    out = np.zeros((FIELD, FIELD))
    rows = np.flatnonzero((img > threshold).any(axis=1))
    cols = np.flatnonzero((img > threshold).any(axis=0))
    if rows.size == 0:
        return out
    crop = img[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    h, w = crop.shape
    scale = BOX / max(h, w)
    new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    small = _area_matrix(new_h, h) @ crop @ _area_matrix(new_w, w).T
    mass = small.sum()
    if mass <= 0:
        return out
    # centre of mass in pixel indices; MNIST's sit at (14, 14) (measured:
    # 14.0 +- 0.3 on the test images), so that is where it goes
    cy = (small.sum(axis=1) @ np.arange(new_h)) / mass
    cx = (small.sum(axis=0) @ np.arange(new_w)) / mass
    top = int(np.clip(round(FIELD / 2 - cy), 0, FIELD - new_h))
    left = int(np.clip(round(FIELD / 2 - cx), 0, FIELD - new_w))
    out[top : top + new_h, left : left + new_w] = np.clip(small, 0.0, 1.0)
    return out
