"""The one place for Numba compile flags.

- No fast-math flags at all: every floating-point operation is IEEE's,
  so a kernel gives the same bits however LLVM optimises or inlines it
  (issue 9: with ``fastmath={"contract"}`` LLVM chose where to fuse
  ``a*b + c`` per compiled copy, and the copy that ran depended on whether
  the kernels had just been compiled or were loaded from the cache).
  Where a fused multiply-add is wanted (the dot products and the steps:
  twice the arithmetic per cycle, one rounding instead of two), the source
  says so with :func:`fastnet._target.multiply_add` (scalars) or
  :func:`fastnet._target.emit_multiply_add` (the vectors of
  :mod:`fastnet._tiles`): fused where the CPU has FMA instructions, else a
  multiply then an add, the same choice in every kernel compiled for that
  CPU. Every other operation is rounded as written.
- ``cache``: compiled machine code is written next to the package (or
  into ``NUMBA_CACHE_DIR``) so that a second process skips the compile.
- ``nogil``: two networks can train at the same time in two threads.
- SLP vectorization: Numba turns LLVM's SLP vectorizer off by default
  (numba#8852, after miscompilations elsewhere). It is switched on only
  while fastnet's own entry points compile (see :func:`entry`), never for
  the user's Numba code; the micro-kernels no longer need it (they are
  written as vectors, :mod:`fastnet._tiles`), the element-wise loops
  around them may use it, and every kernel is tested against the
  per-example reference.
"""

import functools
import hashlib
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils, config
from numba.core.extending import intrinsic
from numba.core.imputils import impl_ret_borrowed

from ._cores import usable_cores
from ._target import X86 as _X86

FLAGS = dict(cache=True, nogil=True, error_model="numpy")

_lock = threading.Lock()


@intrinsic
def prefetch(typingctx, arr, index):
    """Ask the CPU to start fetching ``arr[index]``'s cache line (LLVM's
    prefetch: read, keep in all cache levels); no effect on results."""

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]], wraparound=False)
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        builder.call(
            fn,
            [
                builder.bitcast(ptr, i8p),
                ir.Constant(i32, 0),
                ir.Constant(i32, 3),
                ir.Constant(i32, 1),
            ],
        )
        return context.get_dummy_value()

    return types.void(arr, index), codegen


def _int64_item(context, builder, signature, args):
    aryty = signature.args[0]
    ary = context.make_array(aryty)(context, builder, args[0])
    return cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]], wraparound=False)


def _is_int64_vector(arr):
    return isinstance(arr, types.Array) and arr.ndim == 1 and arr.dtype == types.int64


@intrinsic
def load_acquire(typingctx, arr, index):
    """``arr[index]`` read with acquire ordering, from an int64 array shared
    between threads: what the writer stored before its release is seen."""
    if not _is_int64_vector(arr):
        return None

    def codegen(context, builder, signature, args):
        return builder.load_atomic(_int64_item(context, builder, signature, args), "acquire", 8)

    return types.int64(arr, index), codegen


@intrinsic
def store_release(typingctx, arr, index, value):
    """``arr[index] = value`` with release ordering (see :func:`load_acquire`)."""
    if not _is_int64_vector(arr):
        return None

    def codegen(context, builder, signature, args):
        value = context.cast(builder, args[2], signature.args[2], types.int64)
        ptr = _int64_item(context, builder, signature, args)
        builder.store_atomic(value, ptr, "release", 8)
        return context.get_dummy_value()

    return types.void(arr, index, value), codegen


@intrinsic
def spin_pause(typingctx):
    """The CPU's spin-wait hint (x86's ``pause``; nothing elsewhere)."""

    def codegen(context, builder, signature, args):
        if _X86:
            fn = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(ir.VoidType(), []), "llvm.x86.sse2.pause"
            )
            builder.call(fn, [])
        return context.get_dummy_value()

    return types.void(), codegen


_cache_warned = False


def is_c_array(ty, ndim):
    """Whether a Numba type is a C-contiguous array of ``ndim`` dimensions."""
    return isinstance(ty, types.Array) and ty.ndim == ndim and ty.layout == "C"


def _view(context, builder, srcty, src, data, retty, dims):
    """A C-contiguous ``retty`` view of ``dims`` (intp values) at ``data``,
    owned by ``src`` (its memory info and parent, one more reference)."""
    size = context.get_abi_sizeof(context.get_data_type(srcty.dtype))
    itemsize = context.get_constant(types.intp, size)
    strides, step = [], itemsize
    for d in reversed(dims):
        strides.insert(0, step)
        step = builder.mul(step, d)
    out = context.make_array(retty)(context, builder)
    context.populate_array(
        out,
        data=data,
        shape=cgutils.pack_array(builder, dims),
        strides=cgutils.pack_array(builder, strides),
        itemsize=itemsize,
        meminfo=src.meminfo,
        parent=src.parent,
    )
    return impl_ret_borrowed(context, builder, retty, out._getvalue())


@intrinsic
def rows_view(typingctx, buf, start, rows, cols):
    """``buf[start:start + rows * cols].reshape((rows, cols))`` for a
    C-contiguous 1-D ``buf``, built in place: Numba's reshape calls a C
    helper (about 30 ns, some 20 times per mini-batch: 3 % of an epoch).
    Unchecked: the caller guarantees the range."""
    if not (is_c_array(buf, 1) and all(isinstance(t, types.Integer) for t in (start, rows, cols))):
        return None
    retty = buf.copy(ndim=2, layout="C")

    def codegen(context, builder, signature, args):
        src = context.make_array(signature.args[0])(context, builder, args[0])
        at, r, c = (
            context.cast(builder, v, t, types.intp) for v, t in zip(args[1:], signature.args[1:])
        )
        data = builder.gep(src.data, [at])
        return _view(context, builder, signature.args[0], src, data, retty, [r, c])

    return retty(buf, start, rows, cols), codegen


@intrinsic
def flat_rows(typingctx, block, rows):
    """``block[:rows].reshape(rows * cols)`` for a C-contiguous 2-D block of
    ``cols`` columns, built in place (see :func:`rows_view`)."""
    if not (is_c_array(block, 2) and isinstance(rows, types.Integer)):
        return None
    retty = block.copy(ndim=1, layout="C")

    def codegen(context, builder, signature, args):
        src = context.make_array(signature.args[0])(context, builder, args[0])
        r = context.cast(builder, args[1], signature.args[1], types.intp)
        cols = builder.extract_value(src.shape, 1)
        return _view(
            context, builder, signature.args[0], src, src.data, retty, [builder.mul(r, cols)]
        )

    return retty(block, rows), codegen


def _sources_digest():
    """One hash of the package's own modules (not its subpackages)."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


SOURCES = _sources_digest()


def _keyed_by_sources(dispatcher):
    """Make Numba's cache entries for ``dispatcher`` depend on every kernel
    source, not only on the function's own file and bytecode.

    Numba links a copy of each helper kernel into its callers' cached
    machine code, but invalidates a cached caller only when the caller's
    own file changes: an edited ``_tiles.py`` or ``_passes.py`` left
    ``kernels.py``'s entries running the old helpers (seen while working on
    issue 9). With the digest of all the sources in the key, any edit
    means a fresh compile. Numba versions without this hook keep their
    own rule."""
    cache = getattr(dispatcher, "_cache", None)
    key = getattr(cache, "_index_key", None)
    if cache is None or key is None:
        return

    def index_key(sig, codegen):
        return (*key(sig, codegen), SOURCES)

    cache._index_key = index_key


def kernel(fn=None, inline="never"):
    """Compile ``fn`` with the project's flags (serial kernel);
    ``@kernel(inline="always")`` inlines it into its callers in Numba's IR.

    Where Numba finds no writable place for its cache (a read-only install
    and no writable home or ``NUMBA_CACHE_DIR``), the kernels are compiled
    in every process instead, after one warning (issue 11, item 13)."""
    global _cache_warned
    if fn is None:
        return functools.partial(kernel, inline=inline)
    flags = dict(FLAGS, inline=inline)
    try:
        dispatcher = njit(**flags)(fn)
        _keyed_by_sources(dispatcher)
        return dispatcher
    except RuntimeError as exc:
        if "no locator available" not in str(exc):
            raise
        if not _cache_warned:
            _cache_warned = True
            warnings.warn(
                "fastnet: Numba has no writable folder for its cache (a read-only "
                "install?); the kernels are compiled again in every process. "
                "Set NUMBA_CACHE_DIR to a writable folder to keep them.",
                RuntimeWarning,
                stacklevel=2,
            )
        return njit(**dict(flags, cache=False))(fn)


_compile_s = [0.0]


def compile_seconds():
    """Seconds this process has spent so far compiling fastnet's kernels
    or loading them from Numba's cache (all threads together)."""
    return _compile_s[0]


def _is_python(executable):
    """Whether ``executable`` is a Python interpreter we may start: not a
    frozen application (PyInstaller and the like set ``sys.frozen``, and
    ``sys.executable`` is then the application itself) nor an embedding
    program."""
    name = Path(executable or "").name.lower()
    return (
        not getattr(sys, "frozen", False)
        and name.startswith("python")
        and Path(executable).is_file()
    )


class Later:
    """Entry points a child process compiles into Numba's cache while this
    one trains (issue 9: a first run's compile about 0.6 s shorter in
    interleaved runs, on the second core), each with an exact stand-in in
    the caller until :attr:`ready`.

    A child process rather than a thread: Numba's compiler swaps global
    state while it works (``sys.stdout`` through colorama when it formats
    an error, the warning filters), which a thread would race with the
    caller's code (seen: a test's redirected output lost). The child
    writes to the same cache (same sources, CPU and ``NUMBA_CACHE_DIR``)
    and prints nothing; when it has exited, the first call here loads the
    kernels from the cache, or compiles them if the child could not.

    Where the kernels are in the cache already, they are loaded at once.
    Without a cache (a read-only install), with one usable core, where
    ``sys.executable`` is not a Python (a frozen or embedding application)
    or no process can be started, nothing is deferred: ``ready`` is true and
    the first call compiles here, as before. Until :meth:`start`, the
    stand-ins serve."""

    def __init__(self, command):
        self._command = command
        self._probes = []
        self._state = None
        self._child = None
        self._lock = threading.Lock()

    def add(self, call, *args):
        """Defer the compile of entry point ``call`` for arguments like ``args``."""
        self._probes.append((call, args))

    def compile_here(self):
        """Compile every deferred entry point (what the child runs)."""
        for call, args in self._probes:
            call.prepare(*args)

    def _probe(self):
        try:
            if all(call.load_cached(*args) for call, args in self._probes):
                return "ready"
            cacheable = all(call.cacheable for call, _ in self._probes)
            if cacheable and usable_cores() >= 2 and _is_python(sys.executable):
                return "pending"
        except (AttributeError, TypeError):  # another Numba's internals
            pass
        return "ready"

    def start(self):
        """Start the child if the kernels are still to compile: the
        epoch's helpers once the caller's own big compile is done (two
        vCPUs may share a physical core, and a child compiling at the same
        time slows that compile down); the scoring kernel at once, whose
        2 s would otherwise come at the first evaluation (see
        ``kernels.prepare_scoring``)."""
        with self._lock:
            if self._state is None:
                self._state = self._probe()
            if self._state != "pending":
                return
            # where this fastnet is, last on the child's path: found if no
            # other fastnet comes first (one that does has other sources,
            # hence other cache keys: this process then compiles them itself)
            here = str(Path(__file__).resolve().parents[1])
            command = f"import sys; sys.path.append({here!r}); {self._command}"
            try:
                self._child = subprocess.Popen(
                    [sys.executable, "-c", command],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                self._state = "child"
            except (OSError, ValueError):  # no process here: compile on first use
                self._state = "ready"

    @property
    def ready(self):
        """Whether the deferred entry points may be called: they are
        loaded, or a child has finished compiling them into the cache, or
        they are to be compiled here on first use."""
        with self._lock:
            if self._state is None:
                self._state = self._probe()
            child = self._child
            if self._state == "child" and child is not None and child.poll() is not None:
                self._state = "ready"
            return self._state == "ready"

    def join(self):
        """Wait for the child :meth:`start` started, if it is still at work
        (never starts one); the wait counts in :func:`compile_seconds`."""
        child = self._child
        if child is not None and child.poll() is None:
            start = time.perf_counter()
            child.wait()
            with _lock:
                _compile_s[0] += time.perf_counter() - start

    def wait(self):
        """Start the child if needed and wait for it (tests and tools)."""
        self.start()
        child = self._child
        if not self.ready and child is not None:
            child.wait()
        return self.ready


def entry(dispatcher):
    """A Python-callable entry point: compiles (on first use per signature)
    with SLP vectorization on, then runs the compiled code. The time spent
    compiling or loading counts in :func:`compile_seconds`."""
    compiled = set()

    def key_of(args):
        # everything Numba types an array by (a cheaper stand-in for typeof),
        # so that no specialization is ever compiled without SLP
        return tuple(
            (
                a.dtype,
                a.ndim,
                a.flags.c_contiguous,
                a.flags.f_contiguous,
                a.flags.writeable,
                a.flags.aligned,
            )
            if isinstance(a, np.ndarray)
            else type(a)
            for a in args
        )

    def ensure(args):
        key = key_of(args)
        if key not in compiled:
            with _lock:
                start = time.perf_counter()
                saved = config.SLP_VECTORIZE
                config.SLP_VECTORIZE = 1
                try:
                    dispatcher.compile(tuple(dispatcher.typeof_pyval(a) for a in args))
                finally:
                    config.SLP_VECTORIZE = saved
                    _compile_s[0] += time.perf_counter() - start
            compiled.add(key)

    @functools.wraps(dispatcher.py_func)
    def call(*args):
        ensure(args)
        return dispatcher(*args)

    def load_cached(*args):
        """Whether the kernel for arguments like ``args`` is (now) loaded:
        in this process already, or from Numba's cache (never compiled)."""
        if key_of(args) not in compiled:
            sig = tuple(dispatcher.typeof_pyval(a) for a in args)
            if dispatcher._cache.load_overload(sig, dispatcher.targetctx) is None:
                return False
            ensure(args)  # from the cache: milliseconds
        return True

    call.load_cached = load_cached
    call.prepare = lambda *args: ensure(args)  # compile or load, do not run
    call.cacheable = type(dispatcher._cache).__name__ != "NullCache"
    return call
