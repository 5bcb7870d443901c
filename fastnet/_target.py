"""The CPU Numba compiles for, as the kernels' code generation needs it:
its features, the width and number of its vector registers, whether it
has fused multiply-add instructions; and the code that depends on them
(512-bit vectors asked for, the multiply-add).

Read once, at import, from ``NUMBA_CPU_NAME`` / ``NUMBA_CPU_FEATURES``
where they are set (a portable cache, a CPU emulated in tests) or else
from the host, as Numba itself does; ``NUMBA_ENABLE_AVX=0`` is honoured.
Numba's cache is keyed on the same CPU name and features, so code built
for one CPU is never loaded for another.
"""

from llvmlite import binding as llvm
from llvmlite import ir
from numba import types
from numba.core import cgutils, codegen, config
from numba.core.extending import intrinsic


def _features():
    """The CPU features Numba compiles for, as ``{name: bool}``."""
    flat = config.CPU_FEATURES
    if flat is None:
        try:
            flat = codegen.get_host_cpu_features()
        except Exception:  # an older or newer Numba: the host's own list
            try:
                return dict(llvm.get_host_cpu_features())
            except RuntimeError:  # no feature list on this platform
                return {}
    out = {}
    for item in flat.split(","):
        item = item.strip()
        if len(item) > 1 and item[0] in "+-":
            out[item[1:]] = item[0] == "+"
    return out


FEATURES = _features()
CPU_NAME = config.CPU_NAME or llvm.get_host_cpu_name()  # as Numba names it
TRIPLE = llvm.get_process_triple()
X86 = TRIPLE.startswith(("x86_64", "i386", "i686"))
ARM64 = TRIPLE.startswith(("aarch64", "arm64"))

if FEATURES.get("avx512f"):
    VECTOR_BITS, REGISTERS = 512, 32
elif FEATURES.get("avx"):
    VECTOR_BITS, REGISTERS = 256, 16
elif ARM64:
    VECTOR_BITS, REGISTERS = 128, 32
else:
    VECTOR_BITS, REGISTERS = 128, 16

# x86-64 CPUs before 2013 (Intel's Sandy and Ivy Bridge, AMD's before
# Piledriver, some Atoms, Pentiums and Celerons) and baseline x86-64 code
# have no FMA instruction: there LLVM turns each llvm.fma into a call to
# libm's software fma: a float64 epoch took 1.39 s, against 0.16 s with a
# multiply then an add (the Xeon of issue 9 compiled as a Sandy Bridge).
# AArch64 always has FMA.
HAS_FMA = not X86 or bool(FEATURES.get("fma") or FEATURES.get("fma4") or FEATURES.get("avx512f"))


# LLVM tunes most Intel AVX-512 cores to prefer 256-bit vectors (a
# frequency concern of older chips); the micro-kernels need whole 512-bit
# registers (measured on a Xeon "emeraldrapids": 2x the FLOP per
# instruction). A function attribute asks for them in fastnet's kernels
# only; CPUs without AVX-512 ignore it (LLVM caps at the widest legal
# vector), other architectures never see it.
_WIDE = '"prefer-vector-width"="512"'


def prefer_wide(builder):
    """Ask LLVM for 512-bit vectors in the function being built (x86-64 only)."""
    if X86:
        set.add(builder.function.attributes, _WIDE)  # llvmlite knows no string attributes


@intrinsic
def wide_vectors(typingctx):
    """Ask for 512-bit vectors in the calling kernel (see :func:`prefer_wide`),
    for loops that use no :func:`multiply_add`."""

    def codegen(context, builder, signature, args):
        prefer_wide(builder)
        return context.get_dummy_value()

    return types.none(), codegen


def _float3(a, b, c):
    return all(isinstance(t, types.Float) for t in (a, b, c))


def _fma_name(ty):
    """LLVM's name of ``llvm.fma`` on the float or float vector type ``ty``."""
    if isinstance(ty, ir.VectorType):
        return f"llvm.fma.v{ty.count}{ty.element.intrinsic_name}"
    return f"llvm.fma.{ty.intrinsic_name}"


def emit_multiply_add(builder, a, b, c):
    """LLVM code for ``a * b + c`` (floats or float vectors of one type):
    ``llvm.fma``, rounded once, where the CPU Numba compiles for has FMA
    instructions; else a multiply then an add, rounded twice, where
    ``llvm.fma`` would become a call to libm's software fma (10 to 15 times
    slower per epoch). Either way, the same bits in every compiled copy."""
    if not HAS_FMA:
        return builder.fadd(builder.fmul(a, b), c)
    ty = c.type
    fn = cgutils.get_or_insert_function(
        builder.module, ir.FunctionType(ty, [ty, ty, ty]), _fma_name(ty)
    )
    return builder.call(fn, [a, b, c])


@intrinsic
def multiply_add(typingctx, a, b, c):
    """``a * b + c`` in the type of ``c``, as :func:`emit_multiply_add`
    computes it: fused where the CPU has FMA, the same bits in every
    compiled copy."""
    if not _float3(a, b, c):
        return None
    ty = c

    def codegen(context, builder, signature, args):
        prefer_wide(builder)
        x, y, z = (context.cast(builder, v, t, ty) for v, t in zip(args, signature.args))
        return emit_multiply_add(builder, x, y, z)

    return ty(a, b, c), codegen
