"""Markdown summary of a pytest-benchmark JSON file.

Usage (from the repository root)::

    python -m pytest benchmarks --benchmark-only --benchmark-json=bench.json
    python benchmarks/report.py bench.json

Prints the machine, the performance targets (measured ratio, PASS/MISS), then
one table per group: ``epoch`` and ``evaluer`` (speed-up vs the course's
reference and vs the numpy peer with one BLAS thread, GFLOP/s, fraction of
the same-run GEMM peak), ``scaling`` (seconds per example relative to the
smallest point), ``compile`` (cold vs warm Numba cache), ``main`` (the
course's whole ``main.py`` as a process: seconds and peak RSS), ``shuffle``
(vs ``random.shuffle``, as a fraction of an epoch), ``alignment`` (the
epoch with its arrays on a cache line or not) and ``peak`` (GEMM).
Speed-ups are ``t_other / t`` from medians: > 1 means faster.
"""

import argparse
import json
import statistics
import sys

from workload import BLAS_DEFAULT  # beside this script (standard library only)

GROUP_ORDER = (
    "epoch",
    "evaluer",
    "scaling",
    "peers",
    "compile",
    "main",
    "shuffle",
    "pairs",
    "alignment",
    "peak",
)


# -- formatting ---------------------------------------------------------------
def fmt_time(s):
    """Seconds with a readable unit."""
    if s is None:
        return "—"
    if s >= 1:
        return f"{s:.3f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.1f} µs"


def fmt_ratio(x):
    return "—" if x is None else f"{x:.2f}×" if x < 10 else f"{x:.1f}×"


def fmt_num(x, spec):
    return "—" if x is None else format(x, spec)


def div(a, b):
    """a / b, or None when either is missing (or b is 0)."""
    return a / b if (a is not None and b) else None


def table(head, rows):
    """Markdown table lines."""
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + [
        "| " + " | ".join(str(c) for c in r) + " |" for r in rows
    ]


def short(b):
    return b["name"].removeprefix("test_")


# -- looking benchmarks up ----------------------------------------------------
def info(b):
    return b.get("extra_info", {})


def median(b):
    return b["stats"]["median"] if b else None


def pick(benches, group, **match):
    """First benchmark of ``group`` whose extra_info has all of ``match``
    (a value of None in ``match`` is not checked)."""
    for b in benches:
        i = info(b)
        if b.get("group") == group and all(v is None or i.get(k) == v for k, v in match.items()):
            return b
    return None


def peer(benches, group, **match):
    """The numpy peer of ``group``: with 1 BLAS thread if measured, else any."""
    return pick(benches, group, impl="numpy", blas_threads=1, **match) or pick(
        benches, group, impl="numpy", **match
    )


def gemm_peaks(benches):
    """``{dtype: (GFLOP/s, blas_threads, note)}`` from the ``peak`` group."""
    peaks = {}
    for b in benches:
        i = info(b)
        if i.get("impl") == "gemm" and i.get("flop"):
            peaks[i.get("dtype")] = (
                i["flop"] / median(b) / 1e9,
                i.get("blas_threads"),
                i.get("blas_limit", ""),
            )
    return peaks


# -- header -------------------------------------------------------------------
def machine_lines(data):
    """Bullet lines describing the machine and the environment."""
    m = data.get("machine_info", {})
    cpu = m.get("cpu", {})
    lines = [
        f"- CPU: {cpu.get('brand_raw', m.get('processor') or '?')} "
        f"(LLVM: {m.get('llvm_cpu', '?')}, SIMD: {m.get('simd', '?')}), "
        f"{cpu.get('count', m.get('cpu_count', '?'))} logical cores, "
        f"{cpu.get('hz_actual_friendly', '?')} ({m.get('machine', '?')}, "
        f"{m.get('system', '?')} {m.get('release', '')})",
        f"- Python {m.get('python_version', '?')}, numpy {m.get('numpy', '?')}, "
        f"numba {m.get('numba', '?')} ({m.get('numba_threads', '?')} threads)",
    ]
    env = m.get("env")
    if env is not None:
        shown = ", ".join(f"{k}={v}" for k, v in env.items()) or "none set"
        lines.append(f"- BLAS/thread env vars: {shown}")
    steal, load = m.get("cpu_steal_fraction"), m.get("loadavg_at_end")
    if steal is not None or load:
        busy = []
        if steal is not None:
            busy.append(
                f"CPU steal during the run {100 * steal:.1f}% (time the "
                "hypervisor gave these cores to other machines)"
            )
        if load:
            busy.append(f"load average at the end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}")
        lines.append(
            "- " + "; ".join(busy) + ": the higher, the noisier, above "
            "all the parallel and 2-thread figures"
        )
    commit = data.get("commit_info", {})
    if commit.get("id"):
        dirty = " (dirty)" if commit.get("dirty") else ""
        lines.append(f"- commit {commit['id'][:10]}{dirty}, {data.get('datetime', '')}")
    return lines


# -- targets ------------------------------------------------------------------
def epoch_of(benches, dtype="float64", mode="serial", batch=10):
    return pick(benches, "epoch", impl="fastnet", dtype=dtype, mode=mode, batch=batch)


def targets(benches):
    """Rows ``(target, measured, goal, result)`` for the performance targets."""
    rows = []

    def add(name, value, goal, ok, shown):
        result = "n/a" if value is None else ("PASS" if ok(value) else "MISS")
        rows.append((name, shown(value) if value is not None else "—", goal, result))

    def at_least(name, value, k):
        add(name, value, f"≥ {k:g}×", lambda v: v >= k, fmt_ratio)

    f64 = median(epoch_of(benches))
    ref = median(pick(benches, "epoch", impl="reference"))
    at_least("epoch: fastnet f64 (1 thread) vs course reference", div(ref, f64), 25)
    np64 = peer(benches, "epoch", dtype="float64", batch=10)
    threads = info(np64).get("blas_threads") if np64 else None
    at_least(
        f"epoch: fastnet f64 vs numpy peer f64 ({threads or '?'} BLAS thread)",
        div(median(np64), f64),
        2.5,
    )
    at_least(
        "epoch: fastnet f32 vs f64 (serial)", div(f64, median(epoch_of(benches, "float32"))), 1.7
    )
    for batch in (10, 100):
        par = epoch_of(benches, mode="parallel", batch=batch)
        w = info(par).get("threads", "?") if par else "?"
        at_least(
            f"epoch: parallel ({w} threads) vs serial, f64, mini-batch {batch}",
            div(median(epoch_of(benches, batch=batch)), median(par)),
            1.5,
        )
    ev_ref = median(pick(benches, "evaluer", impl="reference"))
    for data, what in (
        ("pairs", "vs reference (both on the course's pairs)"),
        ("arrays", "on (X, y) arrays vs reference on pairs"),
    ):
        ev = pick(benches, "evaluer", impl="fastnet", dtype="float64", data=data)
        at_least(f"evaluer: fastnet f64 {what}", div(ev_ref, median(ev)), 50)
    for dtype in ("float64", "float32"):
        # fastnet scores with numpy's BLAS at its default threads: the same peer
        ev = pick(benches, "evaluer", impl="fastnet", dtype=dtype, data="arrays")
        ev_np = pick(benches, "evaluer", impl="numpy", dtype=dtype, blas_limit=BLAS_DEFAULT)
        n = info(ev_np).get("blas_threads") if ev_np else None
        at_least(
            f"evaluer: fastnet {dtype} vs numpy peer, same arrays ({n or '?'} BLAS threads)",
            div(median(ev_np), median(ev)),
            1.0,
        )
    fm = pick(benches, "main", impl="fastnet")
    cm = pick(benches, "main", impl="reference")
    note = ""
    if cm and info(cm).get("extrapolated"):
        note = f" (course: {info(cm).get('measured_epochs')} epochs, extrapolated)"
    at_least(
        f"main.py process, 30 epochs: fastnet vs course{note}",
        div(
            info(cm).get("seconds_target") if cm else None,
            info(fm).get("seconds_target") if fm else None,
        ),
        15,
    )
    fc = pick(benches, "main", impl="fastnet-cold")
    at_least(
        f"main.py first process (empty Numba cache), 30 epochs: fastnet vs course{note}",
        div(
            info(cm).get("seconds_target") if cm else None,
            info(fc).get("seconds_target") if fc else None,
        ),
        10,
    )
    cold = pick(benches, "compile", cache="cold")
    add(
        "cold first process (empty cache): compile before the first epoch",
        info(cold).get("jit_overhead_s") if cold else None,
        "≤ 5 s",
        lambda v: v <= 5,
        fmt_time,
    )
    pairs = pick(benches, "pairs", impl="fastnet")
    add(
        "DGS: converting 50,000 course pairs",
        median(pairs),
        "≤ 50 ms",
        lambda v: v <= 0.05,
        fmt_time,
    )
    warm = pick(benches, "compile", cache="warm")
    add(
        "warm second process: JIT overhead before the first epoch",
        info(warm).get("jit_overhead_s") if warm else None,
        "< 1 s",
        lambda v: v < 1,
        fmt_time,
    )
    rss = div(
        info(fm).get("peak_rss_mb") if fm else None, info(cm).get("peak_rss_mb") if cm else None
    )
    add("main.py peak RSS: fastnet / course", rss, "≤ 1.00×", lambda v: v <= 1, fmt_ratio)
    return rows


# -- group tables -------------------------------------------------------------
def speed_table(group, benches, all_benches, peaks):
    """``epoch`` / ``evaluer``: time, speed-ups, rates, fraction of peak."""
    epoch = group == "epoch"
    head = [
        "benchmark",
        "batch" if epoch else "data",
        "threads",
        "median",
        "min",
        "vs reference",
        "vs numpy 1-thread (same dtype)",
        "examples/s",
        "GFLOP/s",
    ]
    if epoch:
        head += ["% of GEMM peak", "test accuracy %"]
    else:
        head += ["correct"]
    rows = []
    for b in sorted(benches, key=lambda b: -median(b)):
        i = info(b)
        t = median(b)
        batch = i.get("batch")
        key = dict(batch=batch) if epoch else {}
        ref = median(pick(all_benches, group, impl="reference", **key))
        np_b = peer(all_benches, group, dtype=i.get("dtype"), **key)
        flop, n = i.get("flop"), i.get("n_examples")
        gf = div(flop, t) / 1e9 if flop else None
        threads = i.get("blas_threads") if i.get("impl") == "numpy" else i.get("threads", 1)
        if i.get("impl") == "numpy":
            threads = f"BLAS {threads}"
        row = [
            short(b),
            batch if epoch else i.get("data", "—"),
            threads,
            fmt_time(t),
            fmt_time(b["stats"]["min"]),
            fmt_ratio(div(ref, t)),
            fmt_ratio(div(median(np_b), t)),
            fmt_num(div(n, t), ",.0f"),
            fmt_num(gf, ".2f"),
        ]
        if epoch:
            peak = peaks.get(i.get("dtype"))
            used = (i.get("blas_threads") or 1) if i.get("impl") == "numpy" else i.get("threads", 1)
            frac = div(gf, peak[0] * used) if peak else None
            row.append(fmt_num(None if frac is None else 100 * frac, ".1f"))
            acc = i.get("test_accuracy")
            row.append(fmt_num(None if acc is None else 100 * acc, ".2f"))
        else:
            row.append(i.get("correct", "—"))
        rows.append(row)
    return table(head, rows)


def scaling_table(benches):
    """Seconds per example at each (width, batch, n), relative to the smallest point."""
    fast = [b for b in benches if info(b).get("impl") == "fastnet"]
    if not fast:
        return ["(no fastnet points)"]

    def key(b):
        i = info(b)
        return i.get("width"), i.get("batch"), i.get("n")

    def flop_per_example(b):
        return info(b)["flop"] / info(b)["n"]

    fast.sort(key=lambda b: (key(b)[2], key(b)[0], key(b)[1]))
    base = min(fast, key=lambda b: (flop_per_example(b), key(b)[1], key(b)[2]))
    base_spe = median(base) / info(base)["n"]
    rows = []
    for b in fast:
        w, batch, n = key(b)
        spe = median(b) / n
        np_b = pick(benches, "scaling", impl="numpy", width=w, batch=batch, n=n)
        np_spe = median(np_b) / n if np_b else None
        rows.append(
            [
                w,
                batch,
                f"{n:,}",
                fmt_time(median(b)),
                f"{spe * 1e6:.2f}",
                f"{spe / base_spe:.2f}",
                f"{flop_per_example(b) / flop_per_example(base):.2f}",
                fmt_num(div(info(b)["flop"], median(b)) / 1e9, ".2f"),
                fmt_num(None if np_spe is None else np_spe * 1e6, ".2f"),
                fmt_ratio(div(np_spe, spe)),
            ]
        )
    bi = info(base)
    lines = table(
        [
            "width",
            "batch",
            "n",
            "fastnet f64 epoch",
            "µs / example",
            "vs smallest (per example)",
            "FLOP / example vs smallest",
            "GFLOP/s",
            "numpy µs / example (1 BLAS thread)",
            "fastnet vs numpy",
        ],
        rows,
    )
    lines += [
        "",
        f"Smallest point: width {bi.get('width')}, batch {bi.get('batch')}, "
        f'n {bi.get("n"):,}. Linear cost means "vs smallest" equal to '
        '"FLOP / example vs smallest" (1.00 for every n at a given width).',
    ]
    # n-linearity: t(largest n) / t(smallest n) at each (width, batch)
    by = {}
    for b in fast:
        w, batch, n = key(b)
        by.setdefault((w, batch), {})[n] = median(b)
    lin = []
    for (w, batch), ts in sorted(by.items()):
        if len(ts) >= 2:
            lo, hi = min(ts), max(ts)
            lin.append([w, batch, f"{hi:,} / {lo:,}", f"{ts[hi] / ts[lo]:.2f}", f"{hi / lo:.2f}"])
    if lin:
        lines += ["", *table(["width", "batch", "n ratio", "time ratio", "ideal"], lin)]
    return lines


def compile_table(benches):
    """Cold vs warm Numba cache: the child's inner timings."""
    rows = []
    for b in sorted(benches, key=lambda b: info(b).get("cache") != "cold"):
        i = info(b)
        rows.append(
            [
                i.get("cache", short(b)),
                fmt_time(median(b)),
                fmt_time(i.get("interpreter_s")),
                fmt_time(i.get("import_numpy_s")),
                fmt_time(i.get("import_fastnet_s")),
                fmt_time(i.get("first_dgs_s")),
                fmt_time(i.get("steady_dgs_s")),
                fmt_time(i.get("jit_overhead_s")),
                fmt_time(i.get("start_to_first_epoch_s")),
                fmt_num(div(i.get("peak_rss_kb"), 1024), ".0f"),
            ]
        )
    n = info(benches[0]).get("n_train", "?") if benches else "?"
    return table(
        [
            "Numba cache",
            "process (spawn → exit)",
            "interpreter start",
            "import numpy",
            "import fastnet",
            "first DGS",
            "same DGS, warm",
            "JIT overhead (first − warm)",
            "spawn → end of first DGS",
            "peak RSS MB",
        ],
        rows,
    ) + [
        "",
        f"Each process trains [784, 30, 10] for 1 epoch on {n} MNIST images "
        "(course's pairs, with test data). Cold: empty NUMBA_CACHE_DIR; warm: "
        "a second process on the cache the cold one filled.",
    ]


def main_table(benches):
    """The course's main.py as a process: seconds for 30 epochs and peak RSS."""
    ref = pick(benches, "main", impl="reference")
    ref_s = info(ref).get("seconds_target") if ref else None
    ref_rss = info(ref).get("peak_rss_mb") if ref else None
    rows = []
    for b in sorted(benches, key=lambda b: -info(b).get("seconds_target", 0)):
        i = info(b)
        s = i.get("seconds_target")
        est = " (extrapolated)" if i.get("extrapolated") else ""
        rows.append(
            [
                i.get("impl"),
                i.get("measured_epochs"),
                fmt_time(median(b)),
                f"{fmt_time(s)}{est}",
                fmt_time(i.get("epoch_s")),
                fmt_time(i.get("import_s")),
                fmt_time(i.get("load_s")),
                fmt_ratio(div(ref_s, s)),
                fmt_num(i.get("peak_rss_mb"), ".0f"),
                fmt_ratio(div(i.get("peak_rss_mb"), ref_rss)),
                i.get("last_line", "—"),
            ]
        )
    target = info(benches[0]).get("target_epochs", 30) if benches else 30
    return table(
        [
            "impl",
            "epochs run",
            "process (measured)",
            f"process, {target} epochs",
            "per epoch (train + test)",
            "imports",
            "load MNIST",
            "vs course",
            "peak RSS MB",
            "RSS vs course",
            "last line",
        ],
        rows,
    ) + [
        "",
        f"Extrapolated: measured process + per-epoch time × ({target} − epochs run). "
        "Peak RSS: the child's own VmHWM (does not grow with epochs).",
    ]


def shuffle_table(benches, all_benches):
    """Shuffle of 50,000 items: ms, vs random.shuffle, fraction of an epoch."""
    py = median(pick(all_benches, "shuffle", impl="python"))
    ep = median(epoch_of(all_benches))
    rows = []
    for b in sorted(benches, key=lambda b: -median(b)):
        i = info(b)
        t = median(b)
        frac = div(t, ep)
        rows.append(
            [
                short(b),
                i.get("data", "—"),
                f"{i.get('n', 0):,}",
                fmt_time(t),
                fmt_time(b["stats"]["min"]),
                fmt_ratio(div(py, t)),
                fmt_num(None if frac is None else 100 * frac, ".1f"),
            ]
        )
    return table(
        [
            "benchmark",
            "data",
            "n",
            "median",
            "min",
            "vs random.shuffle",
            f"% of a fastnet f64 serial epoch ({fmt_time(ep)})",
        ],
        rows,
    )


def alignment_table(benches):
    """The epoch with 64-byte-aligned arrays against the same epoch at
    offsets 16/32/48, interleaved (``test_alignment.py``)."""
    rows = []
    for b in benches:
        i = info(b)
        off = i.get("misaligned_s") or []
        mis = statistics.median(off) if off else None
        rows.append(
            [
                i.get("dtype", "—"),
                fmt_time(median(b)),
                fmt_time(b["stats"]["min"]),
                fmt_time(mis),
                fmt_time(min(off) if off else None),
                fmt_ratio(div(mis, median(b))),
            ]
        )
    return table(
        [
            "dtype",
            "aligned (64 B): median",
            "min",
            "offsets 16/32/48: median",
            "min",
            "aligned speed-up",
        ],
        rows,
    )


def peak_table(benches):
    """Markdown lines of the GEMM table."""
    rows = []
    for b in benches:
        i = info(b)
        gf = div(i.get("flop"), median(b))
        rows.append(
            [
                short(b),
                fmt_time(median(b)),
                fmt_num(gf and gf / 1e9, ".2f"),
                i.get("blas_limit", "?"),
            ]
        )
    return table(["benchmark", "median", "GFLOP/s", "BLAS threads"], rows)


def peers_table(benches, peaks):
    """fastnet against the numpy peer at each (shape, batch, dtype): the
    ratio (target >= 1) and, from width 100 up, the share of the same-run
    GEMM peak of the dtype (target 60 %)."""
    fast = [b for b in benches if info(b).get("impl") == "fastnet"]
    rows = []
    for b in fast:
        i = info(b)
        shape, batch, dtype = i.get("shape"), i.get("batch"), i.get("dtype")
        inter = i.get("numpy_interleaved_s")
        if inter:  # numpy's epochs timed between fastnet's rounds (same minutes)
            np_t = sorted(inter)[len(inter) // 2]
        else:  # older runs: the numpy peer's own benchmark
            np_b = pick(benches, "peers", impl="numpy", shape=shape, batch=batch, dtype=dtype)
            np_t = median(np_b) if np_b else None
        ratio = div(np_t, median(b))
        gf = div(i.get("flop"), median(b))
        peak = peaks.get(dtype)
        frac = div(gf / 1e9, peak[0]) if (peak and gf) else None  # peaks in GFLOP/s
        wide = min(i.get("sizes", [0, 0])[1:-1] or [0]) >= 100
        verdict = "—" if ratio is None else ("PASS" if ratio >= 1 else "MISS")
        if wide and frac is not None:
            verdict += " / " + ("PASS" if frac >= 0.6 else "MISS")
        rows.append(
            [
                shape,
                batch,
                dtype,
                fmt_time(median(b)),
                fmt_time(np_t) if np_t else "—",
                fmt_ratio(ratio),
                fmt_num(gf and gf / 1e9, ".1f"),
                fmt_num(None if frac is None else 100 * frac, ".1f") if wide else "—",
                verdict,
            ]
        )
    lines = table(
        [
            "sizes",
            "batch",
            "dtype",
            "fastnet (1 thread)",
            "numpy (1 BLAS thread)",
            "fastnet vs numpy",
            "GFLOP/s",
            "% of GEMM peak (width ≥ 100)",
            "≥ numpy / ≥ 60 % of peak",
        ],
        rows,
    )
    return lines + [
        "",
        "One epoch on 10,000 images; numpy's epochs run between fastnet's rounds "
        "(older runs: numpy's own benchmark). Targets (issue 9): never slower than numpy "
        "at any point; from width 100 up, at least 60 % of the same-run GEMM peak of the "
        "dtype.",
    ]


def group_table(group, benches, all_benches, peaks):
    """Markdown lines of one group's table."""
    if group in ("epoch", "evaluer"):
        return speed_table(group, benches, all_benches, peaks)
    if group == "peers":
        return peers_table(benches, peaks)
    if group == "scaling":
        return scaling_table(benches)
    if group == "compile":
        return compile_table(benches)
    if group == "main":
        return main_table(benches)
    if group == "shuffle":
        return shuffle_table(benches, all_benches)
    if group == "peak":
        return peak_table(benches)
    if group == "alignment":
        return alignment_table(benches)
    return table(
        ["benchmark", "median", "min"],
        [[short(b), fmt_time(median(b)), fmt_time(b["stats"]["min"])] for b in benches],
    )


TITLES = {
    "epoch": "One training epoch, [784, 30, 10], 50,000 images",
    "evaluer": "evaluer on the 10,000 test images",
    "scaling": "Scaling: fastnet serial float64, one epoch",
    "peers": "fastnet against numpy at every shape (serial, both dtypes)",
    "compile": "Compile time: a fresh process's first DGS",
    "main": "The course's main.py as a process (30 epochs of [784, 30, 10])",
    "shuffle": "The per-epoch shuffle",
    "peak": "GEMM peak (N × N float matmul)",
    "alignment": "Arrays on a cache line or not: one epoch, [784, 30, 10], mini-batch 10",
}


def report(data):
    """The whole markdown report as a string."""
    benches = data.get("benchmarks", [])
    peaks = gemm_peaks(benches)
    out = ["# fastnet benchmarks", "", *machine_lines(data)]
    for dtype, (gf, _threads, note) in sorted(peaks.items()):
        out.append(f"- GEMM peak {dtype}: {gf:.1f} GFLOP/s ({note})")
    out += [
        "",
        "## Targets",
        "",
        *table(["target", "measured", "goal", "result"], targets(benches)),
    ]
    groups = []
    for b in benches:
        if b.get("group") not in groups:
            groups.append(b.get("group"))
    order = {g: k for k, g in enumerate(GROUP_ORDER)}
    for group in sorted(groups, key=lambda g: (order.get(g, 99), str(g))):
        out += ["", f"## {TITLES.get(group, group)}", ""]
        out += group_table(group, [b for b in benches if b.get("group") == group], benches, peaks)
    out += [
        "",
        "Speed-ups are t(other) / t(this), from medians: > 1 is faster. "
        '"vs reference" and "vs numpy" compare runs of the same mini-batch size. '
        "GFLOP/s counts only the matrix products (see benchmarks/workload.py). "
        "% of GEMM peak = GFLOP/s / (same-dtype GEMM GFLOP/s × threads used).",
    ]
    if any(threads != 1 for _, threads, _ in peaks.values()):
        out.append(
            "The GEMM peak was not limited to one BLAS thread "
            "(install threadpoolctl, or run with OPENBLAS_NUM_THREADS=1), "
            "so it is not a single-core peak."
        )
    return "\n".join(out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("json", help="file written by --benchmark-json")
    p.add_argument("--chart", metavar="PATH", help="also draw the epoch chart (PNG) there")
    args = p.parse_args(argv)
    with open(args.json, encoding="utf-8") as f:
        data = json.load(f)
    print(report(data))
    if args.chart:
        from chart import epoch_chart  # beside this script; needs matplotlib

        epoch_chart(data, args.chart)
    return 0


if __name__ == "__main__":
    sys.exit(main())
