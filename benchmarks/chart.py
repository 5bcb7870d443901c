"""Chart of one epoch per implementation from a pytest-benchmark JSON file:
median time (log scale) and share of the core's GEMM peak.

Usage (from the repository root)::

    python benchmarks/report.py bench.json --chart docs/images/benchmark.png
    python benchmarks/chart.py bench.json docs/images/benchmark.png

Reads the ``epoch`` group (mini-batch 10) and the ``peak`` group (GEMM) that
``benchmarks/test_epoch.py`` and ``benchmarks/test_gemm.py`` write. Needs
matplotlib, imported when drawing.
"""

import json
import sys

# bars in this order, labelled like the README's table
_ORDER = (
    ("reference", None, None, "the course's per-example code"),
    ("numpy", "float64", None, "numpy peer, float64"),
    ("numpy", "float32", None, "numpy peer, float32"),
    ("fastnet", "float64", "serial", "fastnet float64"),
    ("fastnet", "float32", "serial", "fastnet float32"),
    ("fastnet", "float64", "parallel", "fastnet float64, parallel"),
    ("fastnet", "float32", "parallel", "fastnet float32, parallel"),
)


def _info(b):
    return b.get("extra_info", {})


def epoch_rows(data, batch=10):
    """``[(label, median seconds, % of the GEMM peak or None)]``, slowest
    first, for the ``epoch`` benchmarks of mini-batch ``batch``.

    The peak is the same-dtype single-thread GEMM rate of the same run,
    times the threads the implementation used (as ``report.py`` computes
    it); the numpy peer with one BLAS thread is preferred when both exist.
    """
    benches = data.get("benchmarks", [])
    peaks = {
        _info(b).get("dtype"): _info(b)["flop"] / b["stats"]["median"]
        for b in benches
        if _info(b).get("impl") == "gemm" and _info(b).get("flop")
    }
    rows = []
    for impl, dtype, mode, label in _ORDER:
        found = [
            b
            for b in benches
            if b.get("group") == "epoch"
            and _info(b).get("impl") == impl
            and _info(b).get("batch") == batch
            and dtype in (None, _info(b).get("dtype"))
            and mode in (None, _info(b).get("mode"))
        ]
        if impl == "numpy":
            found.sort(key=lambda b: _info(b).get("blas_threads") != 1)
        if not found:
            continue
        b, i = found[0], _info(found[0])
        t = b["stats"]["median"]
        used = (i.get("blas_threads") or 1) if impl == "numpy" else i.get("threads", 1)
        peak = peaks.get(i.get("dtype"))
        share = 100 * i["flop"] / t / (peak * used) if peak and i.get("flop") else None
        if mode == "parallel":
            label = f"{label} ({used} threads)"
        rows.append((label, t, share))
    return rows


def epoch_chart(data, path, title=None):
    """Draw :func:`epoch_rows` of ``data`` (a loaded benchmark JSON) to
    ``path`` (PNG): two panels, epoch time and % of the GEMM peak. Returns
    the matplotlib Figure."""
    rows = epoch_rows(data)
    if not rows:
        raise ValueError("no 'epoch' benchmarks of mini-batch 10 in this file")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 0.45 * len(rows) + 1.4))
    FigureCanvasAgg(fig)
    temps, part = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": (3, 2)})
    labels = [r[0] for r in rows]
    y = range(len(rows))
    colours = [
        "0.6"
        if lab.startswith("the course")
        else "tab:orange"
        if lab.startswith("numpy")
        else "tab:blue"
        for lab in labels
    ]
    temps.barh(y, [r[1] for r in rows], color=colours)
    temps.set_xscale("log")
    temps.set_xlabel("median seconds per epoch (log scale)")
    for k, (_, t, _) in enumerate(rows):
        temps.text(
            t * 1.05, k, f"{t * 1e3:.0f} ms" if t < 1 else f"{t:.2f} s", va="center", fontsize=8
        )
    temps.set_xlim(right=max(r[1] for r in rows) * 3)
    temps.set_yticks(list(y), labels, fontsize=9)
    temps.invert_yaxis()
    shares = [r[2] or 0.0 for r in rows]
    part.barh(y, shares, color=colours)
    for k, (_, _, s) in enumerate(rows):
        part.text((s or 0) + 1, k, "—" if s is None else f"{s:.0f} %", va="center", fontsize=8)
    # above 100 % only when the peak run was slowed by other load: shown as it is
    part.set_xlim(0, max(100, 1.15 * max(shares)))
    part.set_xlabel("% of the GEMM peak (the course's FLOP)")
    for ax in (temps, part):
        ax.grid(axis="x", alpha=0.3)
    m = data.get("machine_info", {})
    cpu = m.get("cpu", {}).get("brand_raw", "")
    fig.suptitle(
        title
        or f"One epoch of [784, 30, 10], 50,000 images, mini-batch 10{' — ' + cpu if cpu else ''}",
        fontsize=10,
    )
    load = m.get("loadavg_at_end")
    commit = data.get("commit_info", {}).get("id", "")[:10]
    note = [
        f"commit {commit}" if commit else "",
        data.get("datetime", "")[:16],
        f"load average at the end {load[0]:.1f} on {m.get('cpu', {}).get('count', '?')} "
        "cores (the higher, the noisier)"
        if load
        else "",
    ]
    fig.text(0.01, 0.01, "; ".join(n for n in note if n), fontsize=7, color="0.4")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=80)
    return fig


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python benchmarks/chart.py BENCH.json OUT.png")
    with open(sys.argv[1], encoding="utf-8") as f:
        epoch_chart(json.load(f), sys.argv[2])
