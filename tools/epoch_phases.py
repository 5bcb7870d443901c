"""Where the compiled epoch's time goes, phase by phase (a profile).

The VMs this project is developed on expose no hardware counters, and the
epoch is one compiled function, so a sampling profiler sees a single
symbol. This tool copies the installed fastnet into a temporary package,
adds a cycle counter read (LLVM's ``readcyclecounter``: ``rdtsc`` on
x86-64) around each phase of ``_passes._sgd`` and ``_passes._forward``,
and runs one epoch per round of the course's network (or ``sizes``) on the
50,000 MNIST images as pixel codes, as ``tools/epoch_kernel.py`` does:

    python tools/epoch_phases.py [sizes] [batch] [dtypes] [rounds] [rows]
    python tools/epoch_phases.py 784,30,10 10 float64,float32 7

For each dtype it prints the round with the shortest wall time: each
phase's milliseconds and share, and GFLOP/s for the products (all of them,
as in benchmarks/workload.py: layer 0's gradient step skips the rows of
inputs that are 0 in a whole mini-batch, so its rate is an effective one
on MNIST, docs/performance.md section 17). The counter
reads cost a few dozen cycles per phase and mini-batch (under 1 % of a
course epoch); the instrumented copy computes the same bits as fastnet
(checked on every run). The instrumentation is applied by exact text
anchors in ``_passes.py``: if they no longer match, the tool stops and
says so (``tests/test_epoch_phases.py`` runs it on every test run).
"""

import importlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import fastnet
from fastnet import mnist

NAME = "fastnet_phases"
SLOTS = 64
LOAD, OUTPUT = 0, 1
SCAN = 60  # layer 0's zero inputs (fastnet._sparse._zero_inputs)


def forward_slots(layer):
    """Slots of layer ``layer``'s products and its activation."""
    return 2 + 2 * layer, 3 + 2 * layer


def backward_slots(layer):
    """Slots of the error sent below ``layer``, its bias step, its weights' step."""
    return 24 + 3 * layer, 25 + 3 * layer, 26 + 3 * layer


_CYCLES = '''

@intrinsic
def cycles(typingctx):
    """The CPU's cycle counter (LLVM readcyclecounter); phase timing only."""

    def codegen(context, builder, signature, args):
        fnty = ir.FunctionType(ir.IntType(64), [])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.readcyclecounter")
        return builder.call(fn, [])

    return types.int64(), codegen
'''

# (old, new) text pairs applied to the copy's _passes.py, each exactly once
_PASSES = [
    (
        "def _forward(padded, sizes, width, pw_off, pb_off, acts, rows, m, cfg, first):",
        "def _forward(padded, sizes, width, pw_off, pb_off, acts, rows, m, cfg, first, clock):",
    ),
    (
        "        _products(A, W, Z, m, n_in, wd)\n        if cfg is None:",
        "        t0 = cycles()\n        _products(A, W, Z, m, n_in, wd)\n        t1 = cycles()\n"
        "        clock[2 + 2 * l] += t1 - t0\n        if cfg is None:",
    ),
    (
        "            _activate_layer(Z, b, m, n_out, wd, l == nl - 1, cfg)\n",
        "            _activate_layer(Z, b, m, n_out, wd, l == nl - 1, cfg)\n"
        "        clock[3 + 2 * l] += cycles() - t1\n",
    ),
    ("    vel,\n):\n", "    vel,\n    clock,\n):\n"),
    (
        "        _load(X, Y, order, start, m, acts, targets, batch, width)\n",
        "        t0 = cycles()\n"
        "        _load(X, Y, order, start, m, acts, targets, batch, width)\n",
    ),
    (
        "        _prefetch_rows(X, Y, order, start + 2 * stride * batch, batch)\n",
        "        _prefetch_rows(X, Y, order, start + 2 * stride * batch, batch)\n"
        "        clock[0] += cycles() - t0\n"
        "        t0 = cycles()\n",
    ),
    ("        first = 0\n", f"        clock[{SCAN}] += cycles() - t0\n        first = 0\n"),
    (
        "                    _products_at(A0, W0, Z1, m, active, n_active, width[1])\n"
        "                    _bias_sigmoid(Z1, b0, m, sizes[1], width[1])\n",
        "                    t0 = cycles()\n"
        "                    _products_at(A0, W0, Z1, m, active, n_active, width[1])\n"
        "                    t1 = cycles()\n"
        "                    clock[2] += t1 - t0\n"
        "                    _bias_sigmoid(Z1, b0, m, sizes[1], width[1])\n"
        "                    clock[3] += cycles() - t1\n",
    ),
    (
        "        _forward(padded, sizes, width, pw_off, pb_off, acts, batch, m, cfg, first)\n"
        "        _output_errors(acts, deltas, targets, sizes, width, batch, m, cfg)\n"
        "        for l in range(nl - 1, -1, -1):\n",
        "        _forward(padded, sizes, width, pw_off, pb_off, acts, batch, m, cfg, first,"
        " clock)\n"
        "        t0 = cycles()\n"
        "        _output_errors(acts, deltas, targets, sizes, width, batch, m, cfg)\n"
        "        clock[1] += cycles() - t0\n"
        "        for l in range(nl - 1, -1, -1):\n"
        "            t0 = cycles()\n",
    ),
    (
        "            tile = grad_rows(Wout)\n",
        "            t1 = cycles()\n            clock[24 + 3 * l] += t1 - t0\n"
        "            tile = grad_rows(Wout)\n",
    ),
    (
        "            bias_step(D, b, m, c, wd)  # padding: errors +0, biases kept +0\n",
        "            bias_step(D, b, m, c, wd)\n            t2 = cycles()\n"
        "            clock[25 + 3 * l] += t2 - t1\n",
    ),
    (
        "                        grad_row(A, D, Wout, Wout, active[t], jb, m, c, decay, mu_t, wd)"
        "\n",
        "                        grad_row(A, D, Wout, Wout, active[t], jb, m, c, decay, mu_t, wd)"
        "\n                clock[26 + 3 * l] += cycles() - t2\n",
    ),
    (
        "                    grad_row(A, D, Wout, Wout, i0, jb, m, c, decay, mu_t, wd)\n",
        "                    grad_row(A, D, Wout, Wout, i0, jb, m, c, decay, mu_t, wd)\n"
        "            clock[26 + 3 * l] += cycles() - t2\n",
    ),
]

_KERNELS = [
    ("def train_epoch(", f"CLOCK = np.zeros({SLOTS}, np.int64)\n\n\ndef train_epoch("),
    (
        "        mu,\n        vel,\n    )\n    _unpack_np",
        "        mu,\n        vel,\n        CLOCK,\n    )\n    _unpack_np",
    ),
]


def _patch(path, pairs):
    text = path.read_text()
    for old, new in pairs:
        if text.count(old) != 1:
            raise SystemExit(
                f"epoch_phases: {path.name} no longer has the text this tool "
                f"instruments ({old.strip()[:60]!r}); update tools/epoch_phases.py"
            )
        text = text.replace(old, new)
    path.write_text(text)


def instrumented(folder):
    """Import an instrumented copy of fastnet from ``folder``; returns its kernels."""
    src = Path(fastnet.__file__).resolve().parent
    dst = Path(folder) / NAME
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.nbi", "*.nbc"))
    with open(dst / "_jit.py", "a") as f:
        f.write(_CYCLES)
    _patch(dst / "_passes.py", _PASSES)
    with open(dst / "_passes.py", "a") as f:  # a global the kernels find when they compile
        f.write("\nfrom ._jit import cycles  # noqa: E402\n")
    _patch(dst / "kernels.py", _KERNELS)
    sys.path.insert(0, str(folder))
    return importlib.import_module(f"{NAME}.kernels")


def _counter_rate():
    """Counter ticks per second, against ``time.perf_counter``."""
    from numba import njit

    cycles = importlib.import_module(f"{NAME}._jit").cycles
    read = njit(lambda: cycles())
    read()
    c0, t0 = read(), time.perf_counter()
    time.sleep(0.2)
    c1, t1 = read(), time.perf_counter()
    return (c1 - c0) / (t1 - t0)


def phase_names(sizes):
    """``{slot: name}`` for a network of ``sizes``."""
    names = {LOAD: "load rows (+prefetch)", SCAN: "layer 0's zero inputs", OUTPUT: "output errors"}
    nl = len(sizes) - 1
    for l in range(nl):
        p, a = forward_slots(l)
        names[p] = f"forward {l}: products ({sizes[l]}x{sizes[l + 1]})"
        names[a] = f"forward {l}: bias, activation"
    for l in range(nl - 1, -1, -1):
        back, bias, step = backward_slots(l)
        names[back] = f"backward {l}: error sent down" if l else "backward 0: the layer's views"
        names[bias] = f"backward {l}: bias step"
        names[step] = f"backward {l}: gradient tiles + step"
    return names


def run(sizes, batch, dtypes, rounds, rows, folder, data=None):
    """``{dtype: (wall_s, seconds per slot)}``: the fastest of ``rounds``
    epochs; the instrumented copy's weights are checked against fastnet's.
    MNIST is read from ``data``, else ``$FASTNET_DATA``."""
    from fastnet import kernels as plain
    from fastnet._engine import Layout

    K = instrumented(folder)
    rate = _counter_rate()
    (X, y), _, _ = mnist.load_arrays(data or os.environ.get("FASTNET_DATA"))
    X, y = X[:rows], y[:rows]
    codes = (X * 256).astype(np.uint8)  # exact: MNIST's floats are k/256
    layout = Layout(sizes)
    cfg = np.zeros(3, np.int64)  # sigmoid, sigmoid output, quadratic cost
    order = np.random.default_rng(0).permutation(len(y)).astype(np.int64)
    out = {}
    for dtype in dtypes:
        Y = np.zeros((len(y), sizes[-1]), dtype)
        Y[np.arange(len(y)), y % sizes[-1]] = 1
        start = np.random.default_rng(1).standard_normal(layout.size).astype(dtype)
        args = (*layout.args(), codes, Y, order, batch, 3.0, cfg, 1.0, 0.0, None)
        same = start.copy()
        plain.train_epoch(same, *args)
        best = None
        for r in range(rounds + 1):  # the first round compiles or loads
            p = start.copy()
            K.CLOCK[:] = 0
            t = time.perf_counter()
            K.train_epoch(p, *args)
            wall = time.perf_counter() - t
            if not np.array_equal(p, same):
                raise SystemExit("epoch_phases: the instrumented epoch gave other weights")
            if r and (best is None or wall < best[0]):
                best = (wall, K.CLOCK / rate)
        out[dtype] = best
    return out


def main(argv):
    sizes = [int(s) for s in (argv[1] if len(argv) > 1 else "784,30,10").split(",")]
    batch = int(argv[2]) if len(argv) > 2 else 10
    dtypes = argv[3].split(",") if len(argv) > 3 else ["float64", "float32"]
    rounds = int(argv[4]) if len(argv) > 4 else 7
    rows = int(argv[5]) if len(argv) > 5 else 50_000
    with tempfile.TemporaryDirectory() as folder:
        results = run(sizes, batch, dtypes, rounds, rows, folder)
    n = min(rows, 50_000)
    print(f"{sizes}, mini-batch {batch}, {n} rows: fastest of {rounds} epochs")
    print(f"{'phase':44s}" + "".join(f"{d:>32s}" for d in dtypes))
    for slot, name in phase_names(sizes).items():
        cells = ""
        for d in dtypes:
            wall, secs = results[d]
            cell = f"{1e3 * secs[slot]:7.1f} ms {100 * secs[slot] / wall:4.1f} %"
            for l in range(len(sizes) - 1):
                if slot in (forward_slots(l)[0], backward_slots(l)[2]) and secs[slot] > 0:
                    gf = 2 * n * sizes[l] * sizes[l + 1] / secs[slot] / 1e9
                    cell = f"{gf:5.1f} GF/s " + cell
            cells += f"{cell:>32s}"
        print(f"{name:44s}{cells}")
    print(
        f"{'sum of the phases':44s}"
        + "".join(f"{1e3 * results[d][1].sum():19.1f} ms" for d in dtypes)
    )
    print(f"{'epoch (wall)':44s}" + "".join(f"{1e3 * results[d][0]:29.1f} ms" for d in dtypes))


if __name__ == "__main__":
    main(sys.argv)
