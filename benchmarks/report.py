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

from report_format import (
    div,
    epoch_of,
    fmt_ratio,
    fmt_time,
    gemm_peaks,
    info,
    median,
    peer,
    pick,
    table,
)
from report_tables import TITLES, group_table
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
    "share",
    "ratios",
    "peak",
)


# -- header -------------------------------------------------------------------
def machine_lines(data):
    """Bullet lines describing the machine and the environment."""
    m = data.get("machine_info", {})
    cpu = m.get("cpu", {})
    lines = [
        f"- CPU: {cpu.get('brand_raw', m.get('processor') or '?')} "
        f"(Numba compiles for LLVM's {m.get('llvm_cpu', '?')}, SIMD: {m.get('simd', '?')}), "
        f"{cpu.get('count', m.get('cpu_count', '?'))} logical cores, "
        f"{cpu.get('hz_actual_friendly', '?')} ({m.get('machine', '?')}, "
        f"{m.get('system', '?')} {m.get('release', '')})",
        f"- Python {m.get('python_version', '?')}, numpy {m.get('numpy', '?')}, "
        f"numba {m.get('numba', '?')} ({m.get('numba_threads', '?')} threads)",
    ]
    env = m.get("env")
    if env is not None:
        shown = ", ".join(f"{k}={v}" for k, v in env.items()) or "none set"
        lines.append(f"- BLAS, thread and CPU env vars: {shown}")
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
PAIRED = ", median of back-to-back pairs"


def paired_ratio(benches, pair):
    """The median ratio of ``test_ratios.py``'s pair ``pair``, or None
    (runs before the twelfth pass, or the group not run)."""
    b = pick(benches, "ratios", pair=pair)
    return info(b).get("ratio_median") if b else None


def information(rows, name, shown):
    """A row shown beside the targets (``shown``: the formatted value),
    with no goal of its own."""
    rows.append((name, shown, "(information)", "—"))


def targets(benches):
    """Rows ``(target, measured, goal, result)`` for the performance targets."""
    rows = []

    def add(name, value, goal, ok, shown):
        result = "n/a" if value is None else ("PASS" if ok(value) else "MISS")
        rows.append((name, shown(value) if value is not None else "—", goal, result))

    def at_least(name, value, k):
        add(name, value, f"≥ {k:g}×", lambda v: v >= k, fmt_ratio)

    def paired_at_least(name, pair, apart, k, apart_name):
        """The target read from ``test_ratios.py``'s pair where the run has
        it, with ``apart`` (the separate medians' ratio) beside it; else
        ``apart`` itself (runs before the twelfth pass)."""
        paired = paired_ratio(benches, pair)
        at_least(name + (PAIRED if paired else ""), paired or apart, k)
        if paired:
            information(rows, apart_name, fmt_ratio(apart))

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
    paired_at_least(
        "epoch: fastnet f32 vs f64 (serial)",
        "f32_vs_f64",
        div(f64, median(epoch_of(benches, "float32"))),
        1.7,
        "epoch: fastnet f32 vs f64, medians of the epoch group",
    )
    for dtype, goal in (("float64", 0.7), ("float32", 0.6)):
        share = pick(benches, "share", dtype=dtype)
        add(
            f"epoch: fastnet {dtype} serial, share of the GEMM peak timed beside it "
            "(median over rounds)",
            info(share).get("share_median") if share else None,
            f"≥ {100 * goal:.0f} %",
            lambda v, goal=goal: v >= goal,
            lambda v: f"{100 * v:.1f} %",
        )
    for dtype in ("float64", "float32"):
        share = pick(benches, "share", dtype=dtype)
        executed = info(share).get("executed_share_median") if share else None
        if executed is not None:  # runs from the tenth pass on
            stepped = info(share)["stepped_share"]
            information(
                rows,
                f"epoch: fastnet {dtype} serial, the same share counting only the FLOP "
                f"executed (layer 0: {100 * stepped:.1f} % of its inputs used)",
                f"{100 * executed:.1f} %",
            )
    for batch in (10, 100):
        par = epoch_of(benches, mode="parallel", batch=batch)
        w = info(par).get("threads", "?") if par else "?"
        apart = div(median(epoch_of(benches, batch=batch)), median(par))
        what = f"epoch: parallel ({w} threads) vs serial, f64, mini-batch {batch}"
        paired_at_least(
            what, f"parallel_b{batch}", apart, 1.5, what + ", medians of the epoch group"
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
        inter = info(ev).get("numpy_interleaved_s") if ev else None
        # numpy's passes timed between fastnet's rounds, where the run has them
        np_t = statistics.median(inter) if inter else median(ev_np)
        at_least(
            f"evaluer: fastnet {dtype} vs numpy peer, same arrays ({n or '?'} BLAS threads)",
            div(np_t, median(ev)),
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
        "GFLOP/s counts only the matrix products (see benchmarks/workload.py), "
        "all of them, as the course's algorithm defines them: from the tenth pass on "
        "the kernels leave out of layer 0's products and step the inputs that are 0 "
        "in a whole mini-batch (exactly), so on MNIST they are an effective rate; the "
        "executed share is in the targets. "
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
