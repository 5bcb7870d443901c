"""Python's ``random.shuffle``, compiled.

The course shuffles its training list with ``random.shuffle`` each epoch.
For fastnet to see the course's mini-batches after ``random.seed(s)``, it
must draw exactly the same permutation; doing it in Python costs about 12 ms
for 50,000 items (`benchmarks/test_shuffle.py`), a large slice of a compiled
epoch. So this module replays
CPython's Mersenne Twister (MT19937) and its ``_randbelow`` rejection
sampling in Numba, reading the state from ``random.getstate()`` and writing
it back, so that later calls to ``random`` go on exactly as in the course.
A self-check against ``random.shuffle`` guards against an interpreter
whose algorithm differs; it then falls back to ``random.shuffle``, which
also serves while a first run compiles the kernel in another process
(``fastnet.kernels.later``).
"""

import random

import numpy as np

from ._jit import entry, kernel

_N = 624
_M = 397


@kernel
def _twist(mt):
    for kk in range(_N):
        y = (mt[kk] & 0x80000000) | (mt[(kk + 1) % _N] & 0x7FFFFFFF)
        v = mt[(kk + _M) % _N] ^ (y >> 1)
        if y & 1:
            v ^= 0x9908B0DF
        mt[kk] = v


@kernel
def _next_u32(mt, pos):
    """Next 32-bit output; ``pos`` is a 1-element array holding the index."""
    if pos[0] >= _N:
        _twist(mt)
        pos[0] = 0
    y = mt[pos[0]]
    pos[0] += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C5680
    y ^= (y << 15) & 0xEFC60000
    y ^= y >> 18
    return y & 0xFFFFFFFF


@kernel
def _shuffle_inplace(order, mt, pos):
    # k: n's bit length, kept as n counts down (a loop over n's bits for
    # each item took about half of the shuffle's time)
    k = 0
    while (order.size >> k) != 0:
        k += 1
    for i in range(order.size - 1, 0, -1):
        n = i + 1
        if (n >> (k - 1)) == 0:
            k -= 1
        r = _next_u32(mt, pos) >> (32 - k)
        while r >= n:
            r = _next_u32(mt, pos) >> (32 - k)
        tmp = order[i]
        order[i] = order[r]
        order[r] = tmp


shuffle_inplace = entry(_shuffle_inplace)
shuffle_inplace.__doc__ = "Permute ``order`` as ``random.shuffle`` would with state (mt, pos)."


def _shuffle_with_python_state(order, rng=random):
    version, internal, gauss = rng.getstate()
    mt = np.array(internal[:_N], dtype=np.int64)
    pos = np.array([internal[_N]], dtype=np.int64)
    shuffle_inplace(order, mt, pos)
    rng.setstate((version, (*mt.tolist(), int(pos[0])), gauss))


def _self_check():
    """Whether the compiled shuffle draws ``random.shuffle``'s permutations
    and leaves the same state, on private generators (the caller's
    ``random`` is left alone)."""
    for n in (2, 3, 17, 1000, 70001):
        expected = list(range(n))
        python = random.Random(12345 + n)
        python.shuffle(expected)
        compiled = random.Random(12345 + n)
        got = np.arange(n, dtype=np.int64)
        _shuffle_with_python_state(got, compiled)
        if got.tolist() != expected or compiled.getstate() != python.getstate():
            return False
    return True


def probe_args():
    """Arguments typed like :func:`shuffle_inplace`'s (to compile it)."""
    return np.zeros(2, dtype=np.int64), np.zeros(_N, dtype=np.int64), np.zeros(1, dtype=np.int64)


_verified = None


def python_shuffle(order, rng=None, compiled=True):
    """Shuffle the int64 array ``order`` in place, exactly like
    ``rng.shuffle(list)`` would, advancing ``rng``'s state (``rng``: a
    ``random.Random``; default the global ``random``, as the course).

    Compiled unless ``compiled`` is false (while a first run compiles it in
    another process) or its self-check failed; else ``rng.shuffle`` on a
    list: the same permutation, 12 ms more per 50,000 items."""
    global _verified
    rng = random if rng is None else rng
    if compiled and _verified is None:
        _verified = _self_check()
    if compiled and _verified:
        _shuffle_with_python_state(order, rng)
    else:
        items = order.tolist()
        rng.shuffle(items)
        order[:] = items
