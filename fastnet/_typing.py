"""Type aliases of the public API's annotations (for type checkers and
readers; nothing here runs at training time)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

__all__ = ["ArrayLike", "DTypeLike", "FloatArray", "Labelled", "PathLike", "Sizes"]

#: An array of the network's precision (float64 or float32).
FloatArray: TypeAlias = NDArray[np.floating[Any]]

#: A file name: a ``str`` or a path (``pathlib.Path``...).
PathLike: TypeAlias = str | os.PathLike[str]

#: Labelled examples: pairs ``(x, y)`` (a list, a zip, any iterable; ``y`` a
#: one-hot column or an int label), or a pair of arrays ``(X, y)`` with one
#: example per row of ``X``.
Labelled: TypeAlias = Iterable[tuple[ArrayLike, ArrayLike]] | tuple[ArrayLike, ArrayLike]

#: Layer sizes, inputs first: a list (the course's), a tuple, a range or a
#: 1-D array of ints.
Sizes: TypeAlias = Sequence[int | np.integer[Any]] | NDArray[np.integer[Any]]
