"""fastnet on an x86-64 CPU without FMA instructions (Intel's Sandy and Ivy
Bridge, AMD's before Piledriver, some Atoms and Celerons), compiled as a
Sandy Bridge in a child process and run on this one.

There ``llvm.fma`` would be a call to libm's software fma for every
multiply-add (an epoch 14 times slower); the kernels must multiply then
add instead (``fastnet._target.multiply_add``), train, and hold no call
to ``fma``. CI also runs the kernel tests compiled as a baseline x86-64
(SSE2, no FMA either; ``.ci/run``).
"""

import json
import os
import subprocess
import sys

import pytest
from llvmlite import binding as llvm

AVX_NO_FMA = (
    "+64bit,+cmov,+cx8,+cx16,+fxsr,+mmx,+sse,+sse2,+sse3,+ssse3,+sse4.1,+sse4.2,"
    "+popcnt,+avx,-avx2,-fma,-fma4,-avx512f"
)

_CHILD = r"""
import json, re
import numpy as np
from numba import njit
from fastnet import Reseau, _target, kernels
from fastnet._target import multiply_add

rng = np.random.default_rng(0)
X = rng.random((300, 784)) * (rng.random((300, 784)) < 0.2)
y = rng.integers(0, 10, 300)
report = {"has_fma": _target.HAS_FMA, "vector_bits": _target.VECTOR_BITS, "dtypes": {}}
for dt in ("float64", "float32"):
    np.random.seed(0)
    net = Reseau([784, 30, 10], dtype=dt)
    net.DGS((X.astype(dt), y), 2, 10, 3.0)
    report["dtypes"][dt] = {
        "finite": bool(all(np.isfinite(w).all() for w in net.poids + net.biais)),
        "correct": int(net.evaluer((X.astype(dt), y))),
    }
asm = "".join(
    d.inspect_asm(s) for d in (kernels._sgd, kernels._forward_rows) for s in d.signatures
)
report["kernels"] = len(kernels._sgd.signatures) + len(kernels._forward_rows.signatures)
report["fma_calls"] = re.findall(r"call\w*\s+[^\n]*fma[^\n]*", asm)
report["fma_instructions"] = len(re.findall(r"\bv?fmadd", asm))
report["ymm_multiplies"] = len(re.findall(r"\bvmulp[sd]\s+[^\n]*ymm", asm))
# 1 + 2**-30 times 1 - 2**-30 is 1 - 2**-60: 1.0 once rounded, so
# rounding twice gives 0.0 where a fused multiply-add gives -2**-60
a, b = 1.0 + 2.0**-30, 1.0 - 2.0**-30
report["multiply_add"] = njit(lambda a, b, c: multiply_add(a, b, c))(a, b, -1.0)
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def no_fma(tmp_path_factory):
    features = dict(llvm.get_host_cpu_features())
    if not llvm.get_process_triple().startswith("x86_64") or not features.get("avx"):
        pytest.skip("runs Sandy Bridge code: needs an x86-64 CPU with AVX")
    env = dict(
        os.environ,
        NUMBA_CPU_NAME="sandybridge",
        NUMBA_CPU_FEATURES=AVX_NO_FMA,
        NUMBA_CACHE_DIR=str(tmp_path_factory.mktemp("numba-no-fma")),
    )
    done = subprocess.run(
        [sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_target_has_no_fma(no_fma):
    assert no_fma["has_fma"] is False
    assert no_fma["vector_bits"] == 256


def test_multiply_add_rounds_twice_without_fma(no_fma):
    assert no_fma["multiply_add"] == 0.0


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_it_trains(no_fma, dtype):
    found = no_fma["dtypes"][dtype]
    assert found["finite"]
    assert found["correct"] > 30  # 300 random images, 10 labels: above chance after training


def test_the_kernels_multiply_and_add_without_calling_fma(no_fma):
    assert no_fma["kernels"] >= 4  # training and scoring, both dtypes
    assert no_fma["fma_calls"] == []
    assert no_fma["fma_instructions"] == 0
    assert no_fma["ymm_multiplies"] > 50
