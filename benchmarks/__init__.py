"""pytest-benchmark suite (a package, so that its module names never clash
with ``tests/``). From the repository root::

    python -m pytest benchmarks --benchmark-only --benchmark-json=bench.json \\
        && python benchmarks/report.py bench.json

``python -m pytest benchmarks --benchmark-disable -q`` runs every body once,
on smaller work, as a quick check."""
