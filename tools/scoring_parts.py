"""Where ``evaluer``'s time goes on the MNIST test images (docs/performance.md,
sections 18 and 20), in five measurements:

    python tools/scoring_parts.py [parts|stages|cold|spin|blocks|all] [rows]

* ``parts``: the compiled scoring kernel on one thread, skipping each
  example's zero inputs, with every input 0 (no product left but the
  output layer's), and dense (an all-zero knob array, which skips
  nothing); beside it numpy's first product on one BLAS thread.
* ``stages``: the same kernel on one thread, stopped after each of its
  stages in turn (a copy of ``kernels._forward_rows`` with a ``stage``
  argument, made by exact text anchors: the tool stops if they no longer
  match); each stage's cost is the difference between two rows. The whole
  copy's outputs are checked bit for bit against the kernel's. Beside
  them, numpy's ``X.max()``: one plain read of the same array.
* ``cold``: back to back, and each call after the benchmark's gap of busy
  waiting (``workload.EVAL_GAP_S``, in which the inputs leave the caches):
  fastnet's two-thread ``evaluer``, the scoring kernel on one thread, and
  numpy's ``X.max()`` (one plain read of X) on one thread and on two, each
  reading half of X.
* ``spin``: fastnet's two-thread ``evaluer``, ten calls back to back,
  before a numpy product, right after it (OpenBLAS's worker then spins
  for about 0.1 s), and a second later; three times.
* ``blocks``: numpy's and fastnet's ``evaluer`` in alternating blocks of
  back-to-back calls (numpy's threads spin through fastnet's block).

Medians, milliseconds, float64 then float32. Set ``FASTNET_DATA`` to the
MNIST folder; unset ``OPENBLAS_CORETYPE``/``OPENBLAS_L2_SIZE`` for figures
to compare with numpy.
"""

import inspect
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from numba import njit  # noqa: E402

from benchmarks import workload  # noqa: E402
from benchmarks.numpy_peer import MatrixReseau  # noqa: E402
from fastnet import Reseau, _jit, kernels  # noqa: E402
from fastnet._sparse import _nonzero_inputs  # noqa: E402
from fastnet.mnist import load_arrays  # noqa: E402


def _median_ms(calls, rounds, gap=0.0):
    """Median milliseconds of each of ``calls`` (a dict), interleaved, each
    call after ``gap`` s of busy waiting (none by default)."""
    for f in calls.values():
        f()
    times = {k: [] for k in calls}
    for _ in range(rounds):
        for k, f in calls.items():
            if gap:
                workload.busy_wait(gap)
            start = time.perf_counter()
            f()
            times[k].append(time.perf_counter() - start)
    return {k: round(1e3 * float(np.median(v)), 2) for k, v in times.items()}


def parts(net, X):
    eng = net._engine
    out = np.empty((len(X), net.tailles[-1]), dtype=eng.dtype)
    zeros = np.empty_like(X)
    zeros[:] = 0  # its pages touched, as X's are
    dense = np.zeros(len(eng.cfg), dtype=np.int64)  # the course's knobs, not None

    def run(inputs, cfg):
        args = kernels._forward_args(eng.params, *eng.layout.args(), inputs, out, cfg)
        kernels.forward_rows(*args)

    one_thread, _ = workload.blas_limit(1)
    with one_thread:
        return _median_ms(
            {
                "skipping zero inputs": lambda: run(X, None),
                "every input 0": lambda: run(zeros, None),
                "dense": lambda: run(X, dense),
                "numpy's first product": lambda: X @ net.poids[0],
            },
            21,
        )


def _stop(stage):
    """Kernel text: end this chunk of rows here when the argument is ``stage``."""
    return f"        if stage == {stage}:\n            continue\n"


# (anchor, text put before it) in kernels._forward_rows, each exactly once:
# the staged copy stops each chunk of rows after the stage its argument names
_LIST_ONLY = "        if stage == 1:\n            for e in range(m):\n"
_LIST_ONLY += "                _nonzero_inputs(A[e], index, sizes[0])\n            continue\n"
_STAGES = [
    ("def _forward_rows(padded, sizes, width, pw_off, pb_off, X, out, cfg, acts, index):", None),
    ("        if skip:\n            _products_by_row(", _stop(0) + _LIST_ONLY),
    ("        for e in range(m):  # a NaN or inf input", _stop(2)),
    ("        if cfg is None:\n            _bias_sigmoid(", _stop(3)),
    ("        _forward(padded, sizes, width, pw_off, pb_off, acts, chunk, m, cfg, 1)", _stop(4)),
    ("        for e in range(m):\n            for j in range(sizes[nl]):", _stop(5)),
]
STAGE_NAMES = (
    "copy the rows",
    "+ list their inputs",
    "+ layer 0's products",
    "+ finiteness check",
    "+ bias and sigmoid",
    "+ output layer",
    "+ outputs written (the whole kernel)",
)


def _staged_kernel():
    """kernels._forward_rows with a last argument ``stage`` (0 to 6)."""
    source = inspect.getsource(kernels._forward_rows.py_func)
    for anchor, before in _STAGES:
        if source.count(anchor) != 1:
            raise SystemExit(f"scoring_parts: anchor not found once in _forward_rows: {anchor!r}")
        if before is None:
            source = source.replace(anchor, anchor.replace("index):", "index, stage):"))
        else:
            source = source.replace(anchor, before + anchor)
    # compiled with fastnet's flags, but not cached: the copy has no file
    uncached = dict(_jit.FLAGS, cache=False)
    space = dict(vars(kernels), _nonzero_inputs=_nonzero_inputs, kernel=njit(**uncached))
    exec(source, space)
    return kernels.entry(space["_forward_rows"])


def _course_args(net, X):
    """forward_rows' arguments for the course's network on X (sigmoids:
    the knobs argument None), with an output array of its own."""
    eng = net._engine
    out = np.empty((len(X), net.tailles[-1]), dtype=eng.dtype)
    return kernels._forward_args(eng.params, *eng.layout.args(), X, out, None)


def stages(net, X):
    staged = _staged_kernel()
    args = _course_args(net, X)
    out = args[6]
    mine = np.empty_like(out)
    staged(*args[:6], mine, *args[7:], len(STAGE_NAMES) - 1)
    kernels.forward_rows(*args)
    if not np.array_equal(mine.view(np.uint8), out.view(np.uint8)):
        raise SystemExit("scoring_parts: the staged copy's outputs differ from the kernel's")
    calls = {name: (lambda k=k: staged(*args, k)) for k, name in enumerate(STAGE_NAMES)}
    calls["numpy's X.max(), one read of X"] = X.max
    return _median_ms(calls, 21)


def _on_two_threads(first, second):
    """Run ``first`` here and ``second`` on another thread, together."""

    def both():
        other = threading.Thread(target=second)
        other.start()
        first()
        other.join()

    return both


def cold(net, X, y):
    args = _course_args(net, X)
    half = len(X) // 2
    calls = {
        "evaluer, 2 threads": lambda: net.evaluer((X, y)),
        "the kernel, 1 thread": lambda: kernels.forward_rows(*args),
        "X.max(), 1 thread": X.max,
        "X.max() by halves, 2 threads": _on_two_threads(X[:half].max, X[half:].max),
    }
    # each call alone: back to back means after itself
    return {
        name: tuple(_median_ms({name: call}, 15, gap)[name] for gap in (0, workload.EVAL_GAP_S))
        for name, call in calls.items()
    }


def spin(net, X, y):
    def block():  # ten calls back to back
        times = []
        for _ in range(10):
            start = time.perf_counter()
            net.evaluer((X, y))
            times.append(time.perf_counter() - start)
        return times

    before, after, later = [], [], []
    block()
    for _ in range(3):
        before += block()
        X[:200] @ net.poids[0]  # a numpy product on its threads
        after += block()
        time.sleep(1.0)
        later += block()
    return {
        k: round(1e3 * float(np.median(v)), 2)
        for k, v in (("before", before), ("right after", after), ("1 s after", later))
    }


def blocks(net, X, y):
    peer = MatrixReseau(net.biais, net.poids, X.dtype)
    calls = {"numpy": lambda: peer.evaluer(X, y), "fastnet": lambda: net.evaluer((X, y))}
    times = {k: [] for k in calls}
    for _ in range(4):
        for k, f in calls.items():
            f()  # the block's first call: not kept
            for _ in range(10):
                start = time.perf_counter()
                f()
                times[k].append(time.perf_counter() - start)
    return {k: round(1e3 * float(np.median(v)), 2) for k, v in times.items()}


def main(argv, data=None):
    what = argv[0] if argv else "all"
    rows = int(argv[1]) if len(argv) > 1 else 10_000
    if what not in ("parts", "stages", "cold", "spin", "blocks", "all"):
        raise SystemExit(__doc__)
    data = data or os.environ.get("FASTNET_DATA", "../shared/data/mnist")
    _, _, (X, y) = load_arrays(data)
    X, y = X[:rows], y[:rows]
    for dtype in ("float64", "float32"):
        net = Reseau([784, 30, 10], dtype=dtype)
        Xd = X.astype(dtype)
        if what in ("parts", "all"):
            print(dtype, "one thread, the kernel's parts:", parts(net, Xd))
        if what in ("stages", "all"):
            print(dtype, "one thread, the kernel stopped after each stage:", stages(net, Xd))
        if what in ("cold", "all"):
            print(dtype, "back to back / after the gap:", cold(net, Xd, y))
        if what in ("spin", "all"):
            print(dtype, "2 threads, evaluer and numpy's spin:", spin(net, Xd, y))
        if what in ("blocks", "all"):
            print(dtype, "alternating blocks, back to back:", blocks(net, Xd, y))


if __name__ == "__main__":
    main(sys.argv[1:])
