"""fastnet/_micro.py is generated: it must be exactly what tools/gen_micro.py
writes, so that nobody edits the output and forgets the generator."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the fastnet under test: the source tree's, or the installed wheel's in CI
PACKAGE = Path(importlib.util.find_spec("fastnet").origin).parent


def generator():
    spec = importlib.util.spec_from_file_location("gen_micro", ROOT / "tools" / "gen_micro.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines source(); writes only under __main__
    return module


def test_micro_kernels_are_the_generators_output():
    expected = generator().source()
    actual = (PACKAGE / "_micro.py").read_text(encoding="utf-8")
    assert actual == expected, (
        "fastnet/_micro.py differs from tools/gen_micro.py's output: "
        "run python tools/gen_micro.py and commit both"
    )
