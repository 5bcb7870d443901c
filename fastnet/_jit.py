"""The one place for Numba compile flags.

``fastmath`` stays off: it lets LLVM reorder sums, which breaks the 1e-9
fidelity promise against the course's code. ``cache`` writes the compiled
machine code next to the package (or into ``NUMBA_CACHE_DIR``) so that a
second process skips the compile. ``nogil`` lets two networks train at the
same time in two Python threads.
"""
from numba import njit

FLAGS = dict(cache=True, fastmath=False, nogil=True, error_model="numpy")


def kernel(fn):
    """Compile ``fn`` with the project's flags (serial kernel)."""
    return njit(**FLAGS)(fn)


def parallel_kernel(fn):
    """Compile ``fn`` with the project's flags and ``parallel=True``."""
    return njit(parallel=True, **FLAGS)(fn)
