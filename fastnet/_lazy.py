"""Numba is imported when a kernel is first needed, not with fastnet.

llvmlite and Numba's compiled kernels take about 140 MB of memory. A
course's main.py imports fastnet before loading MNIST; importing Numba
only at the first training call keeps that cost out of the loading peak.
So do the standard library's thread pools (with ``logging`` and ``queue``:
1.6 MB) and ``html`` (0.5 MB), which that main.py never uses before it.
"""

import importlib


class LazyModule:
    """Attribute access imports the module (once; Python caches it)."""

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        return getattr(importlib.import_module(self._name), attr)


kernels = LazyModule("fastnet.kernels")
shuffle = LazyModule("fastnet.shuffle")
jit = LazyModule("fastnet._jit")
futures = LazyModule("concurrent.futures")
html = LazyModule("html")
