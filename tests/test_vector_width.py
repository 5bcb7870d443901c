"""The micro-kernels ask LLVM for whole 512-bit vectors on x86-64.

LLVM tunes most Intel AVX-512 cores (Skylake-X to Emerald Rapids) to
prefer 256-bit vectors; there the register-blocked micro-kernels used to
compile to half-width FMAs (issue 9: 272 ms f64 epochs on a Xeon). The
function attribute set in ``fastnet._jit`` must reach the compiled kernels,
and on a CPU with AVX-512 the forward micro-kernel must use zmm FMAs.
"""

import re

import numpy as np
import pytest
from llvmlite import binding as llvm
from numba import njit

from fastnet import _jit, _sparse, _tiles
from fastnet._sparse import compress_nonzero

X86 = llvm.get_process_triple().startswith(("x86_64", "i386", "i686"))
AVX512 = X86 and bool(_tiles._HOST.get("avx512f"))  # what Numba compiles for


def _fresh_forward_kernel(dtype=np.float64):
    """The forward micro-kernel compiled now (no cache), as fastnet compiles
    it, run on a block as wide as the dtype's widest tile."""
    block = _tiles.fwd_block

    def forward(A, W, Z, n, cols):
        block(A, W, Z, Z, 0, 0, n, cols)

    kernel = njit(**dict(_jit.FLAGS, cache=False))(forward)
    if dtype == np.float64:
        rows, cols = _tiles.FWD_ROWS_64, _tiles.SPAN_64
    else:
        rows, cols = _tiles.FWD_ROWS_32, _tiles.SPAN_32
    A = np.ones((rows, 40), dtype)
    W = np.ones((40, cols), dtype)
    Z = np.zeros((rows, cols), dtype)
    kernel(A, W, Z, 40, cols)
    np.testing.assert_array_equal(Z, A @ W)
    sig = kernel.signatures[0]
    return kernel.inspect_llvm(sig), kernel.inspect_asm(sig)


def test_kernels_ask_for_512_bit_vectors_on_x86_only():
    ir, _ = _fresh_forward_kernel()
    if X86:
        assert _jit._WIDE in ir
    else:
        assert "prefer-vector-width" not in ir


def test_forward_kernel_uses_whole_registers():
    _, asm = _fresh_forward_kernel()
    fmas = re.findall(r"vfmadd\w+\s+[^\n]*", asm)
    if AVX512:
        # 5 rows x 32 float64 columns = 20 zmm FMAs per input, no ymm ones
        wide = [f for f in fmas if "zmm" in f]
        assert len(wide) >= _tiles.FWD_ROWS_64 * _tiles.SPAN_64 // 8, fmas
        assert not [f for f in fmas if "ymm" in f], fmas
    elif X86 and _tiles._HOST.get("fma"):
        assert fmas, "no FMA instructions in the forward micro-kernel"
    else:
        assert asm  # other CPUs: compiled, and correct (checked above)


def test_float32_forward_tile_spans_two_registers_per_row():
    """float32 on AVX-512: 10 rows x 32 columns, 20 zmm FMAs per input
    (two registers per row, each broadcast input used twice)."""
    _, asm = _fresh_forward_kernel(np.float32)
    fmas = re.findall(r"vfmadd\w+\s+[^\n]*", asm)
    if AVX512:
        wide = [f for f in fmas if "zmm" in f and "ps" in f.split()[0]]
        assert _tiles.SPAN_32 == 2 * _tiles.COLS
        assert len(wide) >= _tiles.FWD_ROWS_32 * 2, fmas
    else:
        assert asm


@pytest.mark.parametrize("dtype, itype", [(np.float64, np.int64), (np.float32, np.int32)])
def test_the_compress_writes_a_register_not_memory(dtype, itype):
    """The list of inputs that are not 0 (``_sparse.compress_nonzero``):
    with LLVM 19 or later, AVX-512 compresses in a register and stores the
    whole vector after; ``vpcompress`` to memory is microcoded on AMD's
    Zen 4, slower than a scalar loop there (CI runs this file compiled for
    Zen 4 too, .ci/run). Older LLVM has only the compressing store."""

    def listed(S, index, cols):
        return compress_nonzero(S, index, cols)

    kernel = njit(**dict(_jit.FLAGS, cache=False))(listed)
    S = np.zeros(64, dtype)
    S[[1, 17, 40, 63]] = (1.0, np.nan, -0.5, 3.0)
    index = np.full(64, -1, itype)
    assert kernel(S, index, 64) == 4
    np.testing.assert_array_equal(index[:4], [1, 17, 40, 63])
    asm = kernel.inspect_asm(kernel.signatures[0])
    compresses = re.findall(r"vpcompress[dq][^\n]*", asm)
    if AVX512 and _sparse._REGISTER_COMPRESS:
        assert compresses, "no vpcompress on an AVX-512 CPU"
        assert not [c for c in compresses if "(" in c], compresses  # AT&T: (mem)
    elif not AVX512:
        assert not compresses
