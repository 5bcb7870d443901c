"""The loader (``mnist`` and the ``_untrusted`` readers it imports) and the
reference load from fastnet's folder as a bare package, without the fastnet
package nor Numba, as ``benchmarks/course_main.py --impl reference`` loads
them (the course's own process imports neither)."""

import subprocess
import sys
from pathlib import Path

import fastnet

CODE = """
import importlib, sys, types
package = types.ModuleType("_bare")
package.__path__ = [sys.argv[1]]
sys.modules["_bare"] = package
mnist = importlib.import_module("_bare.mnist")
importlib.import_module("_bare.reference")
assert mnist._untrusted.__name__ == "_bare._untrusted"
print(sorted(n for n in sys.modules if n.split(".")[0] in ("fastnet", "numba", "llvmlite")))
"""


def test_loader_and_reference_import_no_fastnet_nor_numba():
    folder = str(Path(fastnet.__file__).parent)
    proc = subprocess.run(
        [sys.executable, "-I", "-c", CODE, folder], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
