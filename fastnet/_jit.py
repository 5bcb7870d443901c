"""The one place for Numba compile flags.

- ``fastmath={"contract"}``: lets LLVM fuse ``a*b + c`` into one FMA
  instruction (twice the arithmetic per cycle, and one rounding instead of
  two). Other fast-math flags stay off: reordering sums or assuming no
  NaN/inf would loosen the 1e-9 agreement with the course's code and hide
  divergence.
- ``cache``: compiled machine code is written next to the package (or
  into ``NUMBA_CACHE_DIR``) so that a second process skips the compile.
- ``nogil``: two networks can train at the same time in two threads.
- SLP vectorization: Numba turns LLVM's SLP vectorizer off by default
  (numba#8852, after miscompilations elsewhere); fastnet's register-blocked
  micro-kernels need it to pack their scalar accumulators into SIMD
  registers (about 3x faster). It is switched on only while fastnet's own
  entry points compile (see :func:`entry`), never for the user's Numba
  code, and every kernel is tested against the per-example reference.
"""
import contextlib
import functools
import threading

import numpy as np
from numba import njit
from numba.core import config

FLAGS = dict(cache=True, fastmath={"contract"}, nogil=True, error_model="numpy")

_lock = threading.Lock()


@contextlib.contextmanager
def _slp():
    with _lock:
        saved = config.SLP_VECTORIZE
        config.SLP_VECTORIZE = 1
        try:
            yield
        finally:
            config.SLP_VECTORIZE = saved


def kernel(fn):
    """Compile ``fn`` with the project's flags (serial kernel)."""
    return njit(**FLAGS)(fn)


def entry(dispatcher):
    """A Python-callable entry point: compiles (on first use per signature)
    with SLP vectorization on, then runs the compiled code."""
    compiled = set()

    @functools.wraps(dispatcher.py_func)
    def call(*args):
        # everything Numba types an array by (a cheaper stand-in for typeof),
        # so that no specialization is ever compiled without SLP
        key = tuple((a.dtype, a.ndim, a.flags.c_contiguous, a.flags.f_contiguous,
                     a.flags.writeable, a.flags.aligned)
                    if isinstance(a, np.ndarray) else type(a) for a in args)
        if key not in compiled:
            with _slp():
                dispatcher.compile(tuple(dispatcher.typeof_pyval(a) for a in args))
            compiled.add(key)
        return dispatcher(*args)

    return call
