"""Numba's cache entries for fastnet's kernels depend on every kernel source.

Numba links copies of helper kernels into their callers' cached machine
code but invalidates a caller only when its own file changes; fastnet adds
a digest of all its modules to each entry's key (``fastnet._jit``), so an
edited helper can never run stale from the cache.
"""

import hashlib
from pathlib import Path

import fastnet
from fastnet import _jit, kernels, shuffle


def test_the_digest_covers_every_module_of_the_package():
    digest = hashlib.sha256()
    for path in sorted(Path(fastnet.__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    assert _jit.SOURCES == digest.hexdigest()


def test_every_cached_kernel_key_ends_with_the_digest():
    dispatchers = [kernels._sgd, kernels._forward_rows, shuffle._shuffle_inplace]
    for dispatcher in dispatchers:
        cache = dispatcher._cache
        codegen = dispatcher.targetctx.codegen()
        key = cache._index_key((), codegen)
        assert key[-1] == _jit.SOURCES, dispatcher
        # and the rest is Numba's own key (signature, CPU, bytecode)
        assert key[0] == () and key[1] == codegen.magic_tuple()
