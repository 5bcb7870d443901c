"""The exponential and the sigmoid the kernels use, in arithmetic LLVM can
vectorise.

A call to libm's ``exp`` stops LLVM from vectorising the loop around it:
on the Intel Xeon of issue 9 the sigmoid cost 4.8 ns per value that way,
0.8 ns with this function (8 values per AVX-512 instruction), a sigmoid
being 10 to 25 % of an epoch. It is also the same whatever the libm, and
on every CPU with FMA: only IEEE operations and explicit multiply-adds, in
a fixed order (fused where the CPU has FMA, else a multiply then an add:
still within 1 ulp, ``fastnet._target``).

Method: ``x = n ln2 + r`` with ``n`` an integer and ``|r| <= ln2/2``
(Cody and Waite's two-part ``ln2``), ``exp(r)`` by its Taylor series, and
``2**n`` applied in two halves, so that results in the subnormal range
and the overflow to ``inf`` come out as IEEE's. In float64: degree 13
(the first term left out is below 2**-60 of the sum); measured against
numpy's ``exp`` on 4 million values over [-708, 709], at most 1 ulp apart,
equal for 92 % of them. In float32, for float32 networks: float32
arithmetic to degree 7 (below 2**-27), within 1 ulp of the correctly
rounded value (``tests/test_exp.py``): twice the values per vector and
half the series.

Both are Numba intrinsics that emit the LLVM code for the argument's type
directly: the choice of precision costs no typing of Python code, so the
float64 path compiles as fast as before the float32 one existed (issue 9:
a Python-level dispatch cost 0.35 s of a first run).
"""

import math

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.core.extending import intrinsic

from ._target import emit_multiply_add, prefer_wide


def _taylor(degree):
    return tuple(1.0 / math.factorial(k) for k in range(degree + 1))


# Per precision: the float type's bits, the clamps beyond which the result
# is 0 or inf whatever the rounding, ln2's two parts (n * hi exact), the
# series, and the exponent field of 2**n.
_FORMS = {
    64: dict(
        low=-746.0,
        high=710.0,
        hi=6.93147180369123816490e-01,
        lo=1.90821492927058770002e-10,
        taylor=_taylor(13),
        int_bits=64,
        bias=1023,
        shift=52,
    ),
    32: dict(
        low=-104.0,
        high=89.0,
        hi=0.693359375,  # 355/512: n * hi is exact for |n| < 2**15
        lo=math.log(2) - 0.693359375,
        taylor=_taylor(7),
        int_bits=32,
        bias=127,
        shift=23,
    ),
}
LOG2E = 1.4426950408889634


def _bits(fty):
    return 32 if isinstance(fty, ir.FloatType) else 64


def _call(builder, name, fty, args):
    """A call to the LLVM intrinsic ``name`` (``llvm.floor``) on ``fty``."""
    fn = cgutils.get_or_insert_function(
        builder.module, ir.FunctionType(fty, [fty] * len(args)), f"{name}.f{_bits(fty)}"
    )
    return builder.call(fn, args)


def _pow2(builder, n, fty, form):
    """``2.0**n`` for an integral float ``n`` in the normal exponent range,
    built from its exponent bits (a shift, where ``ldexp`` is a libm call)."""
    ity = ir.IntType(form["int_bits"])
    bits = builder.add(builder.fptosi(n, ity), ir.Constant(ity, form["bias"]))
    return builder.bitcast(builder.shl(bits, ir.Constant(ity, form["shift"])), fty)


def emit_exp(builder, x, fty):
    """LLVM code for ``e**x`` in ``x``'s float type (NaN gives NaN, +-inf
    give inf and 0)."""
    form = _FORMS[_bits(fty)]

    def c(v):
        return ir.Constant(fty, v)

    def mul_add(a, b, d):
        return emit_multiply_add(builder, a, b, d)

    # not x > low is also true for NaN: a finite value for the integer steps
    xc = builder.select(builder.fcmp_ordered(">", x, c(form["low"])), x, c(form["low"]))
    xc = builder.select(builder.fcmp_ordered(">", x, c(form["high"])), c(form["high"]), xc)
    n = _call(builder, "llvm.floor", fty, [mul_add(xc, c(LOG2E), c(0.5))])
    minus_n = builder.fneg(n)
    r = mul_add(minus_n, c(form["lo"]), mul_add(minus_n, c(form["hi"]), xc))
    taylor = form["taylor"]
    p = c(taylor[-1])
    for k in range(len(taylor) - 2, -1, -1):
        p = mul_add(r, p, c(taylor[k]))
    half = _call(builder, "llvm.floor", fty, [builder.fmul(n, c(0.5))])
    e = builder.fmul(
        builder.fmul(p, _pow2(builder, half, fty, form)),
        _pow2(builder, builder.fsub(n, half), fty, form),
    )
    return builder.select(builder.fcmp_ordered("==", x, x), e, x)


def _float_type(context, ty):
    return context.get_value_type(ty)


@intrinsic
def exp(typingctx, x):
    """``e**x`` for a float64 or float32 ``x``, in its own precision."""
    if not isinstance(x, types.Float) or x.bitwidth not in _FORMS:
        return None

    def codegen(context, builder, sig, args):
        prefer_wide(builder)
        return emit_exp(builder, args[0], _float_type(context, sig.args[0]))

    return x(x), codegen


@intrinsic
def sigmoid(typingctx, z):
    """``1 / (1 + e**-z)`` in ``z``'s precision (float64 or float32).
    exp(-z) may overflow to inf for z << 0: 1/(1+inf) = 0 is the right limit."""
    if not isinstance(z, types.Float) or z.bitwidth not in _FORMS:
        return None

    def codegen(context, builder, sig, args):
        prefer_wide(builder)
        fty = _float_type(context, sig.args[0])
        one = ir.Constant(fty, 1.0)
        e = emit_exp(builder, builder.fneg(args[0]), fty)
        return builder.fdiv(one, builder.fadd(one, e))

    return z(z), codegen
