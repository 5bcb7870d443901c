"""Markdown summary of a pytest-benchmark JSON file.

Usage (from the repository root)::

    python -m pytest benchmarks --benchmark-only --benchmark-json=bench.json
    python benchmarks/report.py bench.json

For each benchmark: median (and min) time, speed-up vs the course's reference and
vs the numpy peer of the same dtype (``t_other / t``: > 1 means faster),
examples/s and GFLOP/s at the median (FLOP counts: ``workload.py``), and
for the training epochs the fraction of the machine's GEMM peak of the
same dtype measured in the same run (``peak`` group), times the number of
threads for parallel runs.
"""
import argparse
import json
import sys


def fmt_time(s):
    """Seconds with a readable unit."""
    if s >= 1:
        return f"{s:.3f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.1f} µs"


def fmt_ratio(x):
    return "—" if x is None else f"{x:.2f}×" if x < 10 else f"{x:.1f}×"


def fmt_num(x, spec):
    return "—" if x is None else format(x, spec)


def machine_lines(data):
    """Bullet lines describing the machine and the environment."""
    m = data.get("machine_info", {})
    cpu = m.get("cpu", {})
    lines = [
        f"- CPU: {cpu.get('brand_raw', m.get('processor') or '?')}, "
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
    commit = data.get("commit_info", {})
    if commit.get("id"):
        dirty = " (dirty)" if commit.get("dirty") else ""
        lines.append(f"- commit {commit['id'][:10]}{dirty}, {data.get('datetime', '')}")
    return lines


def gemm_peaks(benches):
    """``{dtype: (GFLOP/s, blas_threads, note)}`` from the ``peak`` group."""
    peaks = {}
    for b in benches:
        info = b.get("extra_info", {})
        if info.get("impl") == "gemm" and info.get("flop"):
            gf = info["flop"] / b["stats"]["median"] / 1e9
            peaks[info.get("dtype")] = (gf, info.get("blas_threads"), info.get("blas_limit", ""))
    return peaks


def find(benches, group, impl, dtype=None):
    """Median of the first benchmark of ``group`` by ``impl`` (and dtype)."""
    for b in benches:
        info = b.get("extra_info", {})
        if (b.get("group") == group and info.get("impl") == impl
                and (dtype is None or info.get("dtype") == dtype)):
            return b["stats"]["median"]
    return None


def group_table(group, benches, all_benches, peaks):
    """Markdown lines of one group's table."""
    if group == "peak":
        return peak_table(benches)
    epoch = group == "epoch"
    head = ["benchmark", "median", "min", "vs reference", "vs numpy (same dtype)",
            "examples/s", "GFLOP/s"]
    if epoch:
        head += ["% of GEMM peak", "test accuracy"]
    if group == "evaluer":
        head += ["correct"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for b in sorted(benches, key=lambda b: -b["stats"]["median"]):
        info = b.get("extra_info", {})
        t = b["stats"]["median"]
        ref = find(all_benches, group, "reference")
        peer = find(all_benches, group, "numpy", info.get("dtype"))
        flop, n = info.get("flop"), info.get("n_examples")
        gf = flop / t / 1e9 if flop else None
        row = [b["name"].removeprefix("test_"), fmt_time(t), fmt_time(b["stats"]["min"]),
               fmt_ratio(ref / t) if ref else "—",
               fmt_ratio(peer / t) if peer else "—",
               fmt_num(n / t if n else None, ",.0f"), fmt_num(gf, ".2f")]
        if epoch:
            peak = peaks.get(info.get("dtype"))
            threads = info.get("threads", 1)
            frac = gf / (peak[0] * threads) if (peak and gf) else None
            row.append(fmt_num(None if frac is None else 100 * frac, ".1f"))
            acc = info.get("test_accuracy")
            row.append(fmt_num(None if acc is None else 100 * acc, ".2f"))
        if group == "evaluer":
            row.append(str(info.get("correct", "—")))
        lines.append("| " + " | ".join(row) + " |")
    return lines


def peak_table(benches):
    """Markdown lines of the GEMM table."""
    lines = ["| benchmark | median | GFLOP/s | BLAS threads |", "|---|---|---|---|"]
    for b in benches:
        info = b.get("extra_info", {})
        t = b["stats"]["median"]
        gf = info["flop"] / t / 1e9 if info.get("flop") else None
        lines.append(f"| {b['name'].removeprefix('test_')} | {fmt_time(t)} | "
                     f"{fmt_num(gf, '.2f')} | {info.get('blas_limit', '?')} |")
    return lines


def report(data):
    """The whole markdown report as a string."""
    benches = data.get("benchmarks", [])
    peaks = gemm_peaks(benches)
    out = ["# fastnet benchmarks", "", *machine_lines(data)]
    for dtype, (gf, threads, note) in sorted(peaks.items()):
        out.append(f"- GEMM peak {dtype}: {gf:.1f} GFLOP/s")
    groups = []
    for b in benches:
        if b.get("group") not in groups:
            groups.append(b.get("group"))
    order = {"epoch": 0, "evaluer": 1, "peak": 2}
    for group in sorted(groups, key=lambda g: (order.get(g, 9), str(g))):
        out += ["", f"## {group}", ""]
        out += group_table(group, [b for b in benches if b.get("group") == group],
                           benches, peaks)
    out += ["", "Speed-ups are t(other) / t(this), from medians: > 1 is faster. "
            "GFLOP/s counts only the matrix products (see benchmarks/workload.py). "
            "% of GEMM peak = GFLOP/s / (same-dtype GEMM GFLOP/s × threads used)."]
    if any(threads != 1 for _, threads, _ in peaks.values()):
        out.append("The GEMM peak was not limited to one BLAS thread "
                   "(install threadpoolctl, or run with OPENBLAS_NUM_THREADS=1), "
                   "so it is not a single-core peak.")
    return "\n".join(out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("json", help="file written by --benchmark-json")
    args = p.parse_args(argv)
    with open(args.json, encoding="utf-8") as f:
        data = json.load(f)
    print(report(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
