"""Reading a pytest-benchmark JSON for ``report.py``: picking benchmarks by
their ``extra_info``, medians, the GEMM peaks, and number formats."""


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


def epoch_of(benches, dtype="float64", mode="serial", batch=10):
    """The fastnet epoch benchmark of that dtype, mode and batch."""
    return pick(benches, "epoch", impl="fastnet", dtype=dtype, mode=mode, batch=batch)
