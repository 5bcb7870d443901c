"""Layer 0's sparse step: which inputs are 0 in a whole mini-batch, and
the list of the others (:func:`_zero_inputs`), that ``_passes._sgd``
alone uses in layer 0's products and step where that is exact.

The intrinsics are written as LLVM vector code like :mod:`fastnet._tiles`,
``COLS`` columns at a time; they only decide which inputs the tiles use,
never a value.
"""

import numpy as np
from llvmlite import binding as llvm
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.core.extending import intrinsic

from ._jit import _view, is_c_array, kernel
from ._target import VECTOR_BITS, prefer_wide, wide_vectors
from ._tiles import COLS, _int, _row_vector_ptr, _splat


@intrinsic
def column_bits(typingctx, A, S, m, cols):
    """``S[j]`` = the bitwise OR of ``|A[0, j]|``, ..., ``|A[m-1, j]|``,
    read back as a float, for j < cols (a multiple of ``COLS``, at most A's
    width): +0 exactly where every ``A[e, j]`` is +0 or -0, else a number
    other than 0 or a NaN. Returns the largest of those ``|A[e, j]|`` (NaN
    if one is NaN): the bit patterns of non-negative floats order as
    integers do, so an integer maximum finds it. ``COLS`` columns at a time
    in registers, each of A's rows read once (integer operations take one
    cycle where a float add takes four)."""
    if not (is_c_array(A, 2) and is_c_array(S, 1) and A.dtype == S.dtype):
        return None
    if not (isinstance(A.dtype, types.Float) and isinstance(m, types.Integer)):
        return None

    def codegen(context, builder, sig, args):
        prefer_wide(builder)
        aty, sty = sig.args[:2]
        a = context.make_array(aty)(context, builder, args[0])
        sv = context.make_array(sty)(context, builder, args[1])
        mv, colsv = (_int(context, builder, v, t) for v, t in zip(args[2:], sig.args[2:]))
        bits = aty.dtype.bitwidth
        ity = ir.VectorType(ir.IntType(bits), COLS)
        step = ir.Constant(colsv.type, COLS)
        blocks = builder.udiv(colsv, step)
        top = cgutils.alloca_once_value(builder, ir.Constant(ity, None))
        with cgutils.for_range(builder, blocks) as outer:
            jb = builder.mul(outer.index, step)
            acc = cgutils.alloca_once_value(builder, ir.Constant(ity, None))
            with cgutils.for_range(builder, mv) as inner:
                row = _magnitudes(context, builder, aty, a, inner.index, jb, ity)
                builder.store(builder.or_(builder.load(acc), row), acc)
                _keep_larger(builder, top, row)
            ptr = cgutils.get_item_pointer(context, builder, sty, sv, [jb], wraparound=False)
            builder.store(
                builder.load(acc), builder.bitcast(ptr, ity.as_pointer()), align=bits // 8
            )
        return builder.bitcast(
            _lanes_max(builder, builder.load(top)), context.get_value_type(aty.dtype)
        )

    return A.dtype(A, S, m, cols), codegen


@intrinsic
def largest_magnitude(typingctx, M, rows, cols):
    """The largest ``|M[i, j]|`` for i < rows, j < cols (a multiple of
    ``COLS``), NaN if one is NaN: an integer maximum of the magnitudes' bit
    patterns, ``COLS`` at a time (a scalar loop took 30 µs for [784, 30]'s
    weights, a round of the parallel epoch being about 1 ms). Also the
    largest |error| of a mini-batch's block, whose width is padded too."""
    if not (is_c_array(M, 2) and isinstance(M.dtype, types.Float)):
        return None
    if not all(isinstance(t, types.Integer) for t in (rows, cols)):
        return None

    def codegen(context, builder, sig, args):
        prefer_wide(builder)
        mty = sig.args[0]
        mv = context.make_array(mty)(context, builder, args[0])
        rowsv, colsv = (_int(context, builder, v, t) for v, t in zip(args[1:], sig.args[1:]))
        ity = ir.VectorType(ir.IntType(mty.dtype.bitwidth), COLS)
        step = ir.Constant(colsv.type, COLS)
        top = cgutils.alloca_once_value(builder, ir.Constant(ity, None))
        with cgutils.for_range(builder, rowsv) as outer:
            with cgutils.for_range(builder, builder.udiv(colsv, step)) as inner:
                jb = builder.mul(inner.index, step)
                row = _magnitudes(context, builder, mty, mv, outer.index, jb, ity)
                _keep_larger(builder, top, row)
        return builder.bitcast(
            _lanes_max(builder, builder.load(top)), context.get_value_type(mty.dtype)
        )

    return M.dtype(M, rows, cols), codegen


def _magnitudes(context, builder, aty, a, row, jb, ity):
    """``|A[row, jb:jb+COLS]|`` as the integer vector ``ity`` of bit patterns."""
    bits = aty.dtype.bitwidth
    magnitude = ir.Constant(ity, [(1 << (bits - 1)) - 1] * COLS)  # all but the sign
    ptr = _row_vector_ptr(context, builder, aty, a, row, jb, ity)
    return builder.and_(builder.load(ptr, align=bits // 8), magnitude)


def _keep_larger(builder, top, v):
    """``top`` (an alloca) <- the lane-wise (signed) larger of itself and ``v``."""
    old = builder.load(top)
    builder.store(builder.select(builder.icmp_signed(">", v, old), v, old), top)


def _lanes_max(builder, lanes):
    """The largest (signed) lane of an integer vector."""
    best = builder.extract_element(lanes, ir.Constant(ir.IntType(32), 0))
    for k in range(1, lanes.type.count):
        v = builder.extract_element(lanes, ir.Constant(ir.IntType(32), k))
        best = builder.select(builder.icmp_signed(">", v, best), v, best)
    return best


# LLVM 19 and later compress in a register (``vpcompress`` to a register on
# AVX-512), stored whole after: the form that writes memory is microcoded
# on AMD's Zen 4, slower than a scalar loop there (cwida/ALP#45).
_REGISTER_COMPRESS = llvm.llvm_version_info >= (19,) and VECTOR_BITS >= 512

# Elsewhere (AVX2, SSE, NEON, older LLVM) LLVM expands a compress into a
# store through the stack or a branch, per lane: listing the MNIST test images' inputs took 5.4 ms
# (float32) and 8.9 ms (float64) of evaluer's 10-18 on one thread of the
# Xeon of issue 9 compiled as a Haswell. There, each mask of 8 lanes looks
# up the positions of its set bits in a table (2 KB): the indices are the
# block's first column plus those positions, with no shuffle needed.
_TABLE_LANES = 8
_SET_BITS = bytes(
    b
    for mask in range(1 << _TABLE_LANES)
    for b in (
        [k for k in range(_TABLE_LANES) if mask >> k & 1] + [0] * (_TABLE_LANES - mask.bit_count())
    )
)


def _set_bits_table(module):
    """The module's constant table of :data:`_SET_BITS` (one per module)."""
    name = "fastnet.set_bits"
    table = module.globals.get(name)
    if table is None:
        ty = ir.ArrayType(ir.IntType(8), len(_SET_BITS))
        table = ir.GlobalVariable(module, ty, name)
        table.linkage = "internal"
        table.global_constant = True
        table.initializer = ir.Constant(ty, bytearray(_SET_BITS))
        table.align = _TABLE_LANES
    return table


def _compress_call(builder, ity, mty):
    """LLVM's compress of ``ity`` lanes into a register."""
    return cgutils.get_or_insert_function(
        builder.module,
        ir.FunctionType(ity, [ity, mty, ity]),
        f"llvm.experimental.vector.compress.v{ity.count}i{ity.element.width}",
    )


def _set_bit_positions(builder, table, live, ity):
    """The positions of ``live``'s set lanes, in increasing order, as the
    integer vector ``ity`` (lanes past their count hold 0)."""
    byte = ir.IntType(8)
    mask = builder.zext(builder.bitcast(live, byte), ir.IntType(32))
    at = builder.mul(mask, ir.Constant(ir.IntType(32), _TABLE_LANES))
    ptr = builder.gep(table, [ir.Constant(ir.IntType(32), 0), at], inbounds=True)
    vty = ir.VectorType(byte, _TABLE_LANES)
    row = builder.load(builder.bitcast(ptr, vty.as_pointer()), align=_TABLE_LANES)
    return builder.zext(row, ity)


@intrinsic
def compress_nonzero(typingctx, S, index, cols):
    """Write the j < cols (a multiple of ``COLS``) where ``S[j]`` is not 0
    (NaN included) to ``index``, in increasing order, and return how many.
    On AVX-512 (LLVM 19 or later), a 512-bit vector at a time (16 float32,
    8 float64), each one ``vpcompress``; elsewhere 8 at a time, the
    positions of each block's inputs read from a table. ``index`` holds
    integers of S's item size and at least ``cols`` of them."""
    if not (is_c_array(S, 1) and isinstance(S.dtype, types.Float)):
        return None
    if not (is_c_array(index, 1) and isinstance(index.dtype, types.Integer)):
        return None
    if index.dtype.bitwidth != S.dtype.bitwidth:
        return None
    if not isinstance(cols, types.Integer):
        return None

    def codegen(context, builder, sig, args):
        prefer_wide(builder)
        sty, ity_ = sig.args[:2]
        sv = context.make_array(sty)(context, builder, args[0])
        iv = context.make_array(ity_)(context, builder, args[1])
        colsv = _int(context, builder, args[2], sig.args[2])
        fty = context.get_value_type(sty.dtype)
        bits = sty.dtype.bitwidth
        # one 512-bit vector per compress: LLVM 22 split a 16 x i64 one
        # through the stack with an aligned store at an unaligned place
        lanes = min(COLS, 512 // bits) if _REGISTER_COMPRESS else _TABLE_LANES
        vty = ir.VectorType(fty, lanes)
        ity = ir.VectorType(ir.IntType(bits), lanes)
        mty = ir.VectorType(ir.IntType(1), lanes)
        if _REGISTER_COMPRESS:
            compress = _compress_call(builder, ity, mty)
            offsets = ir.Constant(ity, list(range(lanes)))
        else:
            table = _set_bits_table(builder.module)
        ctpop = cgutils.get_or_insert_function(
            builder.module,
            ir.FunctionType(ir.IntType(lanes), [ir.IntType(lanes)]),
            f"llvm.ctpop.i{lanes}",
        )
        count = cgutils.alloca_once_value(builder, ir.Constant(colsv.type, 0))
        step = ir.Constant(colsv.type, lanes)
        with cgutils.for_range(builder, builder.udiv(colsv, step)) as loop:
            jb = builder.mul(loop.index, step)
            ptr = cgutils.get_item_pointer(context, builder, sty, sv, [jb], wraparound=False)
            values = builder.load(builder.bitcast(ptr, vty.as_pointer()), align=bits // 8)
            live = builder.fcmp_unordered("!=", values, ir.Constant(vty, None))
            first = _splat(builder, builder.trunc(jb, ir.IntType(bits)) if bits < 64 else jb, ity)
            at = builder.load(count)
            out = cgutils.get_item_pointer(context, builder, ity_, iv, [at], wraparound=False)
            if _REGISTER_COMPRESS:
                columns = builder.add(first, offsets)
                packed = builder.call(compress, [columns, live, columns])
            else:
                packed = builder.add(first, _set_bit_positions(builder, table, live, ity))
            # stored whole: count <= jb, so it ends by index[jb + lanes - 1],
            # within ``cols``; the lanes past the count are overwritten next
            # or never read
            builder.store(packed, builder.bitcast(out, ity.as_pointer()), align=bits // 8)
            n = builder.call(ctpop, [builder.bitcast(live, ir.IntType(lanes))])
            builder.store(builder.add(at, builder.zext(n, colsv.type)), count)
        return builder.load(count)

    return types.intp(S, index, cols), codegen


@intrinsic
def index_view(typingctx, buf, start, n):
    """``buf[start:start + n]``'s memory as signed integers of the same
    size (int64 under float64, int32 under float32): a list of indices kept
    in a float workspace. Unchecked: the caller guarantees the range."""
    if not (is_c_array(buf, 1) and isinstance(buf.dtype, types.Float)):
        return None
    if not all(isinstance(t, types.Integer) for t in (start, n)):
        return None
    retty = types.Array(types.int64 if buf.dtype.bitwidth == 64 else types.int32, 1, "C")

    def codegen(context, builder, signature, args):
        src = context.make_array(signature.args[0])(context, builder, args[0])
        at, count = (
            context.cast(builder, v, t, types.intp) for v, t in zip(args[1:], signature.args[1:])
        )
        ptr = context.get_data_type(retty.dtype).as_pointer()
        data = builder.bitcast(builder.gep(src.data, [at]), ptr)
        return _view(context, builder, signature.args[0], src, data, retty, [count])

    return retty(buf, start, n), codegen


@kernel(inline="always")
def _nonzero_inputs(a, index, n_in):
    """Write to ``index``, in increasing order, the i < n_in where ``a[i]``
    (one example's inputs, or :func:`_zero_inputs`'s per-column sums) is
    not 0, NaN included, and return how many."""
    whole = n_in - n_in % COLS
    count = compress_nonzero(a, index, whole)
    for i in range(whole, n_in):
        index[count] = i  # overwritten unless counted
        count += a[i] != 0
    return count


# The list of active inputs and the skipping are used where at least one
# column in SPARSE_SHARE is 0 in a whole mini-batch: with none, they cost
# 5-6 % of a course epoch on the Xeon of issue 9 (dense inputs, float64
# and float32); a skipped row saves an eighth to a quarter of a tile.
SPARSE_SHARE = 8
# After a mini-batch where they were not used, the next DENSE_PAUSE skip
# the scan: on dense inputs it cost 2-5 % of a course epoch. Either way
# the bits are the same; on MNIST every mini-batch is sparse.
DENSE_PAUSE = 15


@kernel(inline="always")
def _zero_inputs(A, S, index, m, n_in):
    """Write to ``index``, in increasing order, layer 0's columns where
    some example of the mini-batch has an input other than 0, and return
    ``(count, top)``, ``top`` at least the largest |input| (NaN if one
    is NaN); or ``(-1, inf)`` where fewer than one column in SPARSE_SHARE
    is 0 in every example (the list would cost more than it saves). ``S``
    (n_in values) is scratch."""
    wide_vectors()
    whole = n_in - n_in % COLS
    # S[i] is 0 exactly where every A[e, i] is; top: the largest |A[e, i]|
    top = float(column_bits(A, S, m, whole))
    for i in range(whole, n_in):
        s = abs(A[0, i])  # a sum of |x| is 0 only if every x is; NaN counts
        for e in range(1, m):
            s += abs(A[e, i])
        S[i] = s
        if s > top or s != s:  # a sum is at least the largest term
            top = float(s)
    zeros = 0
    for i in range(n_in):
        zeros += S[i] == 0
    if zeros * SPARSE_SHARE < n_in:
        return -1, np.inf
    return _nonzero_inputs(S, index, n_in), top
