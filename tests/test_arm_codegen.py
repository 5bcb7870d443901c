"""fastnet's kernels compile for ARM (AArch64, NEON) with the tiles' vector
FMAs, as Numba would compile them on an ARM host.

No ARM machine is at hand (issue 9 asks to think of ARM too). A child
process makes llvmlite report an AArch64 process triple before Numba and
fastnet are imported: Numba then compiles for that target (LLVM's
``neoverse-n1``), fastnet's tiles take their ARM shapes (128-bit vectors,
32 registers), and the epoch and scoring kernels are compiled for both
dtypes and never run. Their assembly must hold NEON FMAs on whole vectors
(``fmla v.2d`` / ``v.4s``) and no x86 instruction. What this cannot say:
whether the code computes the right values there, or how fast it is.
"""

import json
import os
import subprocess
import sys

import pytest

_CHILD = r"""
import json, re
from llvmlite import binding as llvm

llvm.initialize_all_targets()
llvm.initialize_all_asmprinters()
try:
    llvm.Target.from_triple("aarch64-unknown-linux-gnu")
except RuntimeError as exc:
    print(json.dumps({"no_target": str(exc)}))
    raise SystemExit(0)
llvm.get_process_triple = lambda: "aarch64-unknown-linux-gnu"

import numpy as np
from fastnet import _target, _tiles, kernels
from fastnet._engine import Layout

report = {
    "x86": _target.X86,
    "vector_bits": _tiles.VECTOR_BITS,
    "registers": _tiles.REGISTERS,
    "rows": [_tiles.FWD_ROWS_64, _tiles.FWD_ROWS_32],
    "span": [_tiles.SPAN_64, _tiles.SPAN_32],
    "kernels": {},
}
layout = Layout([784, 30, 10])
sizes, w_off, b_off = layout.args()
batch = 10
for dt in (np.float64, np.float32):
    params = np.zeros(layout.size, dt)
    X = np.zeros((20, 784), np.uint8)
    Y = np.zeros((20, 10), dt)
    padded, width, pw_off, pb_off = kernels._packed(params, sizes, w_off, b_off)
    acts, deltas, targets = kernels.workspace_arrays(dt, sizes, width, batch)
    kernels.epoch_steps.prepare(
        padded, padded, sizes, width, pw_off, pb_off, X, Y, np.arange(20), 0, 1, 2, batch,
        3.0, acts, deltas, targets, None, kernels.decay_arg(0.0), 0.0, None,
    )
    kernels.scoring(dt, X.dtype).compile_here()  # what a first run's child compiles
    lanes = ".2d" if dt == np.float64 else ".4s"
    for name, dispatcher in (("epoch", kernels._sgd), ("scoring", kernels._forward_rows)):
        (sig,) = [s for s in dispatcher.signatures if str(s[0].dtype) == np.dtype(dt).name]
        asm = dispatcher.inspect_asm(sig)
        report["kernels"][f"{np.dtype(dt).name} {name}"] = {
            "vector_fmla": len([f for f in re.findall(r"\tfmla\t[^\n]*", asm) if lanes in f]),
            "x86": bool(re.search(r"%[xyz]mm\d|\bvfmadd", asm)),
        }
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def arm(tmp_path_factory):
    env = dict(
        os.environ,
        NUMBA_CPU_NAME="neoverse-n1",
        NUMBA_CPU_FEATURES="+neon,+fp-armv8",
        # a cache of its own: the AArch64 code never lands beside the host's
        NUMBA_CACHE_DIR=str(tmp_path_factory.mktemp("numba-arm")),
    )
    done = subprocess.run(
        [sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if "no_target" in report:  # an llvmlite built without LLVM's AArch64 back end
        pytest.skip(f"llvmlite has no AArch64 target: {report['no_target']}")
    return report


def test_the_tiles_take_their_arm_shapes(arm):
    assert not arm["x86"]  # no x86-only function attribute is added
    assert (arm["vector_bits"], arm["registers"]) == (128, 32)
    # 16 columns a row: 8 float64 / 4 float32 registers; 6 kept for operands
    assert arm["rows"] == [3, 6]
    assert arm["span"] == [16, 16]


@pytest.mark.parametrize(
    "kernel", ["float64 epoch", "float64 scoring", "float32 epoch", "float32 scoring"]
)
def test_the_kernels_compile_to_neon_fmas(arm, kernel):
    found = arm["kernels"][kernel]
    assert not found["x86"]
    # one forward tile alone: 3 rows x 8 registers (float64), 6 x 4 (float32)
    assert found["vector_fmla"] >= 24, found
