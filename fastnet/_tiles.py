"""Register-blocked micro-kernels, written as LLVM vector code.

Each tile keeps ``rows`` accumulators of ``COLS`` columns as LLVM vectors
(``<16 x double>`` or ``<16 x float>``) and updates them with
:func:`fastnet._target.emit_multiply_add` (the vector ``llvm.fma`` where the
CPU has FMA: one rounding per multiply-add), lane by lane in the order of
the sum, exactly what a scalar loop of :func:`fastnet._target.multiply_add`
would give. LLVM's code
generator splits each vector into the CPU's registers (two zmm per row
with AVX-512 in float64, four ymm with AVX2, eight NEON registers on
ARM), so one description serves every CPU, and the number of rows per
tile is chosen from the registers the CPU has (:func:`fwd_rows`,
:func:`grad_rows`).

Written as Numba ``@intrinsic`` s rather than Python: the earlier
generated Python (80 scalar accumulators per kernel) cost Numba 0.7 to
1.8 s of typing and lowering per kernel on a first run (issue 9); with the
tiles the first ``DGS`` compiled in 6.9 s instead of 11.5 s. Arrays are
C-contiguous 2-D and padded so that every block of ``COLS`` columns is
whole; callers guarantee the indices.
"""

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.core.extending import intrinsic

from ._jit import is_c_array
from ._target import REGISTERS, VECTOR_BITS, emit_multiply_add, prefer_wide

COLS = 16  # columns per tile: one vector per row


def _per_row(itemsize, cols):
    """Vector registers one tile row of ``cols`` values takes."""
    return max(1, cols * itemsize * 8 // VECTOR_BITS)


def _span(itemsize):
    """Columns per tile where the layer is wide enough: ``2 * COLS`` where
    the CPU has 32 vector registers and a row of ``2 * COLS`` values takes
    at most four of them (AVX-512: float64 and float32), else ``COLS``.
    Wider rows use each broadcast input for more FMAs and read a block's
    inputs once where it is at most ``2 * COLS`` wide: fewer loads per FMA
    (loads outnumbered FMAs in the float32 one-register tile). On the Xeon
    of issue 9, float32 epochs ran 10-20 % faster, float64 ones 0-16 %
    (same bits: every sum keeps its order). AVX2, SSE and NEON, with 16
    registers or 128-bit ones, keep ``COLS``."""
    return 2 * COLS if REGISTERS >= 32 and _per_row(itemsize, 2 * COLS) <= 4 else COLS


SPAN_64, SPAN_32 = _span(8), _span(4)


def _rows_for(itemsize, spare, most):
    """Rows per tile: as many vector accumulators as the registers hold
    (keeping ``spare`` for operands), at most ``most``; counted for the
    widest tile of the dtype (:data:`SPAN_64`, :data:`SPAN_32`)."""
    per_row = _per_row(itemsize, SPAN_64 if itemsize == 8 else SPAN_32)
    return max(1, min(most, (REGISTERS - spare) // per_row))


# At most 5 float64 / 10 float32 examples per forward tile (the course's
# mini-batch of 10 is two tiles or one) and 4 / 8 weight rows per gradient
# tile: 16 to 20 vector accumulators on AVX-512, enough to cover the FMA
# latency (4 cycles x 2 ports); more did not measure faster on the Xeon,
# fewer leave the FMA units idle (docs/performance.md, section 10).
FWD_ROWS_64 = _rows_for(8, 6, 5)
FWD_ROWS_32 = _rows_for(4, 6, 10)
GRAD_ROWS_64 = _rows_for(8, 6, 4)
GRAD_ROWS_32 = _rows_for(4, 6, 8)


def _row_vector_ptr(context, builder, aryty, ary, row, col, vty):
    ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [row, col], wraparound=False)
    return builder.bitcast(ptr, vty.as_pointer())


def _splat(builder, x, vty):
    undef = ir.Constant(vty, ir.Undefined)
    one = builder.insert_element(undef, x, ir.Constant(ir.IntType(32), 0))
    mask = ir.Constant(ir.VectorType(ir.IntType(32), vty.count), [0] * vty.count)
    return builder.shuffle_vector(one, undef, mask)


def _accumulate(context, builder, scalars, rows, count, jb, vty, r, where, index=None):
    """The loop both tiles share: for t in range(count), accumulator k
    (k < r) gets ``scalars[where(k, t)] * rows[t, jb:jb+COLS]`` added,
    fused, in order of t (t replaced by ``index(t)`` where given). ``scalars``
    and ``rows`` are (Numba type, array) pairs. Returns the accumulators
    (allocas: LLVM keeps them in registers)."""
    (sty, sary), (rty, rary) = scalars, rows
    size = rty.dtype.bitwidth // 8
    accs = [cgutils.alloca_once_value(builder, ir.Constant(vty, None)) for _ in range(r)]
    with cgutils.for_range(builder, count) as loop:
        t = loop.index if index is None else index(loop.index)
        row = builder.load(_row_vector_ptr(context, builder, rty, rary, t, jb, vty), align=size)
        for k in range(r):
            xp = cgutils.get_item_pointer(
                context, builder, sty, sary, where(k, t), wraparound=False
            )
            x = _splat(builder, builder.load(xp), vty)
            acc = emit_multiply_add(builder, x, row, builder.load(accs[k]))
            builder.store(acc, accs[k])
    return accs


def _int(context, builder, value, ty):
    return context.cast(builder, value, ty, types.intp)


def _item(context, builder, aryty, ary, at):
    """``ary[at]`` of a 1-D integer array, as an intp."""
    ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [at], wraparound=False)
    return _int(context, builder, builder.load(ptr), aryty.dtype)


def _tile_rows(rows, dtype, rows64, rows32):
    """Rows of a tile: ``rows``, or (None) the block size for the dtype."""
    if rows is not None:
        return rows
    return rows64 if dtype.bitwidth == 64 else rows32


def _span_of(dtype):
    return SPAN_64 if dtype.bitwidth == 64 else SPAN_32


def _by_columns(builder, jb, cols, span, emit):
    """``emit(width)`` for the tile at column ``jb`` of a ``cols``-wide
    block: ``span`` columns where they fit (a run-time test), else ``COLS``
    (blocks are whole multiples of ``COLS``); only the ``COLS`` code where
    the dtype has no wider tile."""
    if span == COLS:
        emit(COLS)
        return
    end = builder.add(jb, ir.Constant(jb.type, span))
    with builder.if_else(builder.icmp_signed("<=", end, cols)) as (wide, narrow):
        with wide:
            emit(span)
        with narrow:
            emit(COLS)


def _fwd_tile(rows, indexed=False):
    @intrinsic
    def fwd_tile(typingctx, A, W, Z, K, e0, jb, n, cols):
        if not (is_c_array(A, 2) and is_c_array(W, 2) and is_c_array(Z, 2)):
            return None
        if not (A.dtype == W.dtype == Z.dtype and isinstance(W.dtype, types.Float)):
            return None
        if indexed and not (is_c_array(K, 1) and isinstance(K.dtype, types.Integer)):
            return None
        r = _tile_rows(rows, W.dtype, FWD_ROWS_64, FWD_ROWS_32)

        def codegen(context, builder, sig, args):
            prefer_wide(builder)
            aty, wty, zty, kty = sig.args[:4]
            a, w, z = (
                context.make_array(t)(context, builder, v) for t, v in zip(sig.args[:3], args)
            )
            e0v, jbv, nv, colsv = (
                _int(context, builder, v, t) for v, t in zip(args[4:], sig.args[4:])
            )
            index = None
            if indexed:  # the inputs K[0], ..., K[n-1] only
                kv = context.make_array(kty)(context, builder, args[3])

                def index(t):
                    return _item(context, builder, kty, kv, t)

            fty = context.get_value_type(wty.dtype)
            size = wty.dtype.bitwidth // 8
            erows = [builder.add(e0v, ir.Constant(e0v.type, k)) for k in range(r)]

            def emit(cols):
                vty = ir.VectorType(fty, cols)
                accs = _accumulate(
                    context,
                    builder,
                    (aty, a),
                    (wty, w),
                    nv,
                    jbv,
                    vty,
                    r,
                    lambda k, i: (erows[k], i),
                    index,
                )
                for k in range(r):
                    zp = _row_vector_ptr(context, builder, zty, z, erows[k], jbv, vty)
                    builder.store(builder.load(accs[k]), zp, align=size)

            _by_columns(builder, jbv, colsv, _span_of(wty.dtype), emit)
            return context.get_dummy_value()

        return types.void(A, W, Z, K, e0, jb, n, cols), codegen

    r = "r" if rows is None else rows
    fwd_tile.__doc__ = (
        f"Z[e0:e0+{r}, jb:jb+s] = A[e0:e0+{r}, :n] @ W[:n, jb:jb+s], each sum "
        "fused and in order of the inputs (r: :func:`fwd_rows`; s: the dtype's "
        ":func:`col_span` where jb + s <= cols, else ``COLS``); K is not read."
    )
    if indexed:
        fwd_tile.__doc__ = (
            f"The tile of :func:`fwd_block` over the inputs K[0], ..., K[n-1] "
            f"only (K: an integer array, increasing): Z[e0:e0+{r}, jb:jb+s] = "
            f"A[e0:e0+{r}, K[:n]] @ W[K[:n], jb:jb+s], in order of K."
        )
    return fwd_tile


def _grad_tile(rows, momentum, indexed=False):
    @intrinsic
    def grad_tile(typingctx, A, D, W, V, i0, jb, m, c, decay, mu, cols):
        if not all(is_c_array(t, 2) for t in (A, D, W)):
            return None
        if momentum and not is_c_array(V, 2):
            return None
        if indexed and not (is_c_array(V, 1) and isinstance(V.dtype, types.Integer)):
            return None
        if not (A.dtype == D.dtype == W.dtype and isinstance(W.dtype, types.Float)):
            return None
        if not all(isinstance(t, types.Float) for t in (c, mu)):
            return None
        # decay None: no L2 (decay 1), typed apart so that its multiply is not compiled
        plain = isinstance(decay, types.NoneType)
        if not (plain or isinstance(decay, types.Float)):
            return None
        r = _tile_rows(rows, W.dtype, GRAD_ROWS_64, GRAD_ROWS_32)

        def codegen(context, builder, sig, args):
            prefer_wide(builder)
            aty, dty, wty, vty_ = sig.args[:4]
            a, d, w = (
                context.make_array(t)(context, builder, v) for t, v in zip(sig.args[:3], args)
            )
            i0v, jbv, mv = (_int(context, builder, v, t) for v, t in zip(args[4:7], sig.args[4:7]))
            colsv = _int(context, builder, args[10], sig.args[10])
            fty = context.get_value_type(wty.dtype)
            cv, muv = (context.cast(builder, args[i], sig.args[i], wty.dtype) for i in (7, 9))
            if not plain:
                decayv = context.cast(builder, args[8], sig.args[8], wty.dtype)
            size = wty.dtype.bitwidth // 8
            if indexed:  # the rows are V[i0], V[i0 + 1], ...
                index = context.make_array(vty_)(context, builder, args[3])
                irows = [
                    _item(context, builder, vty_, index, builder.add(i0v, ir.Constant(i0v.type, k)))
                    for k in range(r)
                ]
            else:
                irows = [builder.add(i0v, ir.Constant(i0v.type, k)) for k in range(r)]
            if momentum:
                vel = context.make_array(vty_)(context, builder, args[3])

            def emit(cols):
                vty = ir.VectorType(fty, cols)
                accs = _accumulate(
                    context,
                    builder,
                    (aty, a),
                    (dty, d),
                    mv,
                    jbv,
                    vty,
                    r,
                    lambda k, e: [e, irows[k]],
                )
                minus_c = _splat(builder, builder.fneg(cv), vty)
                decays = None if plain else _splat(builder, decayv, vty)
                if momentum:
                    mus = _splat(builder, muv, vty)
                for k in range(r):
                    wp = _row_vector_ptr(context, builder, wty, w, irows[k], jbv, vty)
                    wv = builder.load(wp, align=size)
                    g = builder.load(accs[k])
                    if momentum:  # v <- mu*v - c*g, then w <- decay*w + v
                        vp = _row_vector_ptr(context, builder, vty_, vel, irows[k], jbv, vty)
                        kept = builder.fmul(mus, builder.load(vp, align=size))
                        v = emit_multiply_add(builder, minus_c, g, kept)
                        builder.store(v, vp, align=size)
                        new = (
                            builder.fadd(wv, v)
                            if plain
                            else emit_multiply_add(builder, decays, wv, v)
                        )
                    else:  # w <- decay*w - c*g
                        kept = wv if plain else builder.fmul(decays, wv)
                        new = emit_multiply_add(builder, minus_c, g, kept)
                    builder.store(new, wp, align=size)

            _by_columns(builder, jbv, colsv, _span_of(wty.dtype), emit)
            return context.get_dummy_value()

        return types.void(A, D, W, V, i0, jb, m, c, decay, mu, cols), codegen

    step = "v <- mu*v - c*g; w <- decay*w + v" if momentum else "w <- decay*w - c*g"
    r = "r" if rows is None else rows
    if indexed:
        grad_tile.__doc__ = (
            f"The tile of :func:`grad_block` on the {r} rows V[i0], ..., V[i0+{r}-1] "
            "of A's columns and W (V: an integer array of row indices, each row "
            "computed exactly as there; no momentum)."
        )
        return grad_tile
    grad_tile.__doc__ = (
        f"g = A[:m, i0:i0+{r}].T @ D[:m, jb:jb+s], summed over the examples "
        f"in order (as the course does), then {step} on W's rows i0..i0+{r} "
        "(r: :func:`grad_rows`; s as in the forward tile); V (the velocity) "
        "is read only with momentum; ``decay`` None is decay 1, compiled "
        "without its multiply (``1*w`` is ``w``: the same bits)."
    )
    return grad_tile


@intrinsic
def bias_step(typingctx, D, b, m, c, cols):
    """``b[j] <- multiply_add(-c, g, b[j])`` for j < cols (a multiple of ``COLS``),
    g = D[0, j] + ... + D[m-1, j] summed in order from +0: the bits of the
    scalar loop over the examples, ``COLS`` columns at a time (a scalar sum
    per column read D down its columns)."""
    if not (is_c_array(D, 2) and is_c_array(b, 1) and D.dtype == b.dtype):
        return None
    if not (isinstance(b.dtype, types.Float) and isinstance(c, types.Float)):
        return None
    if not (isinstance(m, types.Integer) and isinstance(cols, types.Integer)):
        return None

    def codegen(context, builder, sig, args):
        prefer_wide(builder)
        dty, bty = sig.args[:2]
        d, bv = (context.make_array(t)(context, builder, v) for t, v in zip(sig.args[:2], args))
        mv, colsv = (_int(context, builder, args[i], sig.args[i]) for i in (2, 4))
        vty = ir.VectorType(context.get_value_type(bty.dtype), COLS)
        size = bty.dtype.bitwidth // 8
        cv = context.cast(builder, args[3], sig.args[3], bty.dtype)
        minus_c = _splat(builder, builder.fneg(cv), vty)
        step = ir.Constant(colsv.type, COLS)
        acc = cgutils.alloca_once_value(builder, ir.Constant(vty, None))
        with cgutils.for_range(builder, builder.udiv(colsv, step)) as outer:
            jb = builder.mul(outer.index, step)
            builder.store(ir.Constant(vty, None), acc)  # +0
            with cgutils.for_range(builder, mv) as inner:
                ptr = _row_vector_ptr(context, builder, dty, d, inner.index, jb, vty)
                row = builder.load(ptr, align=size)
                builder.store(builder.fadd(builder.load(acc), row), acc)
            ptr = cgutils.get_item_pointer(context, builder, bty, bv, [jb], wraparound=False)
            ptr = builder.bitcast(ptr, vty.as_pointer())
            new = [minus_c, builder.load(acc), builder.load(ptr, align=size)]
            builder.store(emit_multiply_add(builder, *new), ptr, align=size)
        return context.get_dummy_value()

    return types.void(D, b, m, c, cols), codegen


TRANSPOSE = 8  # rows and columns of a transposed block


def _transpose_masks(bit, n):
    """shufflevector masks that swap row bit ``bit`` with lane bit ``bit``
    between two rows of n lanes: the rows whose row bit is 0, then 1."""
    low = [i if not i >> bit & 1 else n + (i ^ 1 << bit) for i in range(n)]
    high = [i ^ 1 << bit if not i >> bit & 1 else n + i for i in range(n)]
    return low, high


@intrinsic
def transpose_block(typingctx, W, WT, i0, j0):
    """WT[j0:j0+8, i0:i0+8] = W[i0:i0+8, j0:j0+8].T: 8 row loads, three
    rounds of shuffles (each swaps one bit of the row index with the same
    bit of the column index), 8 row stores. The element-by-element loop
    it replaces read W down its columns: a 100 x 100 layer's transposition
    took 1.6 (float64) to 2.7 (float32) times as long on the Xeon of issue
    9. Callers guarantee the indices."""
    if not (is_c_array(W, 2) and is_c_array(WT, 2) and W.dtype == WT.dtype):
        return None
    if not isinstance(W.dtype, types.Float):
        return None

    def codegen(context, builder, sig, args):
        wty, tty = sig.args[:2]
        w, t = (context.make_array(ty)(context, builder, v) for ty, v in zip(sig.args[:2], args))
        i0v, j0v = (_int(context, builder, v, ty) for v, ty in zip(args[2:], sig.args[2:]))
        n = TRANSPOSE
        vty = ir.VectorType(context.get_value_type(wty.dtype), n)
        size = wty.dtype.bitwidth // 8

        def at(k, base):
            return builder.add(base, ir.Constant(base.type, k))

        rows = [
            builder.load(
                _row_vector_ptr(context, builder, wty, w, at(k, i0v), j0v, vty), align=size
            )
            for k in range(n)
        ]
        for bit in range(n.bit_length() - 1):
            low, high = (
                ir.Constant(ir.VectorType(ir.IntType(32), n), m) for m in _transpose_masks(bit, n)
            )
            out = list(rows)
            for k in range(n):
                if not k >> bit & 1:
                    a, b = rows[k], rows[k | 1 << bit]
                    out[k] = builder.shuffle_vector(a, b, low)
                    out[k | 1 << bit] = builder.shuffle_vector(a, b, high)
            rows = out
        for k in range(n):
            ptr = _row_vector_ptr(context, builder, tty, t, at(k, j0v), i0v, vty)
            builder.store(rows[k], ptr, align=size)
        return context.get_dummy_value()

    return types.void(W, WT, i0, j0), codegen


def _per_dtype(value64, value32):
    """An intrinsic ``f(W)`` giving ``value64`` or ``value32`` for W's float
    dtype, as a compile-time constant."""

    @intrinsic
    def per_dtype(typingctx, W):
        if not (isinstance(W, types.Array) and isinstance(W.dtype, types.Float)):
            return None
        r = value64 if W.dtype.bitwidth == 64 else value32

        def codegen(context, builder, sig, args):
            return context.get_constant(types.intp, r)

        return types.intp(W), codegen

    return per_dtype


fwd_rows = _per_dtype(FWD_ROWS_64, FWD_ROWS_32)
fwd_rows.__doc__ = "Examples per forward tile for W's dtype (a compile-time constant)."
grad_rows = _per_dtype(GRAD_ROWS_64, GRAD_ROWS_32)
grad_rows.__doc__ = "Weight rows per gradient tile for W's dtype (a compile-time constant)."
col_span = _per_dtype(SPAN_64, SPAN_32)
col_span.__doc__ = (
    "Columns per tile for W's dtype where the block is wide enough (:data:`SPAN_64`, "
    ":data:`SPAN_32`; a compile-time constant): the step of the callers' column loops, "
    "the tiles narrowing the last one to ``COLS`` where needed."
)

fwd_block = _fwd_tile(None)
fwd_row = _fwd_tile(1)
fwd_block_at = _fwd_tile(None, indexed=True)
fwd_row_at = _fwd_tile(1, indexed=True)
grad_block = _grad_tile(None, False)
grad_row = _grad_tile(1, False)
grad_block_m = _grad_tile(None, True)
grad_block_at = _grad_tile(None, False, indexed=True)
grad_row_m = _grad_tile(1, True)
