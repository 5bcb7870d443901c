"""The per-group tables of ``report.py`` (one function per benchmark group)."""

import statistics

from report_format import (  # beside this script (standard library only)
    div,
    epoch_of,
    fmt_num,
    fmt_ratio,
    fmt_time,
    info,
    median,
    peer,
    pick,
    short,
    table,
)


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
        beside = i.get("gemm_interleaved_gflops")
        if beside:  # the GEMM timed between fastnet's rounds (same minutes)
            peak_gf = statistics.median(beside)
        else:  # older runs: the group's own GEMM benchmark
            peak_gf = peaks[dtype][0] if dtype in peaks else None
        frac = div(gf / 1e9, peak_gf) if (peak_gf and gf) else None
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
        "(older runs: numpy's own benchmark), and so does the GEMM peak of the dtype "
        "(older runs: the run's GEMM benchmark). Targets (issue 9): never slower than numpy "
        "at any point; from width 100 up, at least 60 % of that GEMM peak.",
    ]


def _each(values, spec, scale=1.0):
    """A benchmark's per-round values on one line."""
    return " ".join(format(scale * v, spec) for v in values or [])


def share_table(benches):
    """Each round's GEMM peak, epoch rate and share (``test_share.py``)."""
    rows = []
    for i in map(info, benches):
        shares = i.get("shares") or []
        median_share = None if not shares else 100 * i["share_median"]
        rows.append(
            [i.get("dtype", "?"), len(shares), _each(i.get("gemm_gflops"), ".0f")]
            + [_each(i.get("epoch_gflops"), ".0f"), _each(shares, ".0f", 100)]
            + [fmt_num(median_share, ".1f")]
        )
    return table(
        ["dtype", "rounds", "GEMM GFLOP/s", "epoch GFLOP/s", "share %", "median share %"], rows
    ) + [
        "",
        "Each round times the GEMM (best of 3, one BLAS thread) right before one "
        "fastnet serial epoch at mini-batch 10: the machine's drift between the two "
        "is seconds, not minutes.",
    ]


def ratios_table(benches):
    """Each round's pair of epochs and their ratio (``test_ratios.py``)."""
    rows = []
    for i in map(info, benches):
        ratios = i.get("ratios") or []
        rows.append(
            [i.get("pair", "?"), i.get("batch", "?"), len(ratios)]
            + [_each(i.get("slow_s"), ".0f", 1e3), _each(i.get("fast_s"), ".0f", 1e3)]
            + [_each(ratios, ".2f"), fmt_num(i.get("ratio_median"), ".2f")]
        )
    return table(
        ["pair", "batch", "rounds", "slower, ms", "faster, ms", "ratios", "median ratio"], rows
    ) + [
        "",
        "Each round runs the two epochs back to back, in alternating order; "
        "f32_vs_f64: float64 then float32 serial; parallel_bN: float64 serial "
        "then parallel at mini-batch N.",
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
    if group == "share":
        return share_table(benches)
    if group == "alignment":
        return alignment_table(benches)
    if group == "ratios":
        return ratios_table(benches)
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
    "share": "Share of the GEMM peak, epoch and GEMM timed in pairs",
    "alignment": "Arrays on a cache line or not: one epoch, [784, 30, 10], mini-batch 10",
    "ratios": "Epoch ratios timed in back-to-back pairs",
}
