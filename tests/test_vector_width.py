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

from fastnet import _jit, _sparse, _target, _tiles
from fastnet._sparse import compress_nonzero

X86 = llvm.get_process_triple().startswith(("x86_64", "i386", "i686"))
AVX512 = X86 and bool(_target.FEATURES.get("avx512f"))  # what Numba compiles for


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
        assert _target._WIDE in ir
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
    elif X86 and _target.HAS_FMA:
        assert fmas, "no FMA instructions in the forward micro-kernel"
    elif X86:  # no FMA: multiplies and adds, never libm's software fma
        assert not fmas
        assert not re.findall(r"call\w*\s+[^\n]*fma", asm)
        assert re.findall(r"\bv?mulpd\s", asm)
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


def _fresh_list_kernel():
    """``compress_nonzero`` compiled now (no cache), as the kernels inline it."""

    def listed(S, index, cols):
        return compress_nonzero(S, index, cols)

    return njit(**dict(_jit.FLAGS, cache=False))(listed)


def _every_mask(dtype):
    """8 x 256 values: block m has an input other than 0 exactly at the set
    bits of m (a number, NaN, inf or a denormal; -0.0 and +0.0 elsewhere)."""
    S = np.zeros(8 * 256, dtype)
    S[1::2] = -0.0
    live = np.flatnonzero([(m >> k) & 1 for m in range(256) for k in range(8)])
    specials = np.array([1.0, np.nan, -np.inf, np.finfo(dtype).smallest_subnormal, -2.5], dtype)
    S[live] = np.resize(specials, live.size)
    return S, live


@pytest.mark.parametrize("dtype, itype", [(np.float64, np.int64), (np.float32, np.int32)])
@pytest.mark.parametrize("method", ["as compiled", "table"])
def test_every_mask_of_inputs_is_listed_in_order(dtype, itype, method, monkeypatch):
    """``compress_nonzero`` on all 256 patterns of 8 inputs: the positions
    not 0 (NaN, infinities and denormals included, -0.0 not), in increasing
    order; both as this CPU compiles it and by the lookup table that CPUs
    without AVX-512 use (forced here)."""
    if method == "table":
        monkeypatch.setattr(_sparse, "_REGISTER_COMPRESS", False)
    S, live = _every_mask(dtype)
    index = np.full(S.size, -1, itype)
    kernel = _fresh_list_kernel()
    assert kernel(S, index, S.size) == live.size
    np.testing.assert_array_equal(index[: live.size], live)
    # only whole blocks of the given columns
    index[:] = -1
    assert kernel(S, index, 64) == np.count_nonzero(live < 64)
    np.testing.assert_array_equal(index[: np.count_nonzero(live < 64)], live[live < 64])
    assert (index[64:] == -1).all()


@pytest.mark.parametrize("dtype, itype", [(np.float64, np.int64), (np.float32, np.int32)])
def test_the_compress_writes_a_register_not_memory(dtype, itype):
    """The list of inputs that are not 0 (``_sparse.compress_nonzero``):
    with LLVM 19 or later, AVX-512 compresses in a register and stores the
    whole vector after; ``vpcompress`` to memory is microcoded on AMD's
    Zen 4, slower than a scalar loop there (CI runs this file compiled for
    Zen 4 too, .ci/run). Elsewhere (no AVX-512, or older LLVM) a lookup
    table gives each mask's positions: no compress at all, which LLVM
    would expand into a branch or a stack store per lane."""
    kernel = _fresh_list_kernel()
    S = np.zeros(64, dtype)
    S[[1, 17, 40, 63]] = (1.0, np.nan, -0.5, 3.0)
    index = np.full(64, -1, itype)
    assert kernel(S, index, 64) == 4
    np.testing.assert_array_equal(index[:4], [1, 17, 40, 63])
    signature = kernel.signatures[0]
    asm, ir_text = kernel.inspect_asm(signature), kernel.inspect_llvm(signature)
    compresses = re.findall(r"vpcompress[dq][^\n]*", asm)
    if AVX512 and _sparse._REGISTER_COMPRESS:
        assert compresses, "no vpcompress on an AVX-512 CPU"
        assert not [c for c in compresses if "(" in c], compresses  # AT&T: (mem)
        assert "fastnet.set_bits" not in ir_text
    else:
        assert not compresses
        assert "compress" not in ir_text
        assert "fastnet.set_bits" in ir_text
