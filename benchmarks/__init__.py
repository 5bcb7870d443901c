"""pytest-benchmark suite: ``python -m pytest benchmarks --benchmark-only``
(a package, so that its module names never clash with ``tests/``)."""
