"""The documentation's files: the committed pictures exist and are small, the
README stays short and its links lead to pages that exist, and every page
is in the site's navigation."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PICTURES = ("sigmoide.png", "courbes.png", "grille.png", "poids.png", "benchmark.png")


@pytest.mark.parametrize("name", PICTURES)
def test_picture_is_committed_and_small(name):
    path = DOCS / "images" / name
    assert path.is_file(), f"{path} missing: run docs/make_pictures.py (or report.py --chart)"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert 2_000 < path.stat().st_size <= 100 * 1024


def test_every_committed_picture_is_small():
    for path in (DOCS / "images").glob("*.png"):
        assert path.stat().st_size <= 100 * 1024, path


def test_readme_is_at_most_200_lines():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200


def test_readme_links_lead_somewhere():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [t for t in targets if not re.match(r"[a-z]+://", t)]
    assert local, "the README links into the docs"
    for target in local:
        assert (ROOT / target).exists(), target


def test_every_page_is_in_the_nav():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = set(re.findall(r":\s*([\w/.-]+\.md)\s*$", config, flags=re.MULTILINE))
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert pages == nav


def test_the_exercises_page_examples_are_true():
    import doctest

    result = doctest.testfile(str(DOCS / "cours.md"), module_relative=False)
    assert result.attempted >= 4 and result.failed == 0


def _bench(name, group, median, **info):
    return {
        "name": name,
        "group": group,
        "stats": {"median": median, "min": median},
        "extra_info": info,
    }


def _peers_fastnet(seconds, sizes, batch, **extra):
    """A float64 fastnet point of the ``peers`` group (10**9 FLOP)."""
    return _bench(
        "test_peers_fastnet",
        "peers",
        seconds,
        impl="fastnet",
        dtype="float64",
        sizes=sizes,
        shape="-".join(map(str, sizes)),
        batch=batch,
        flop=10**9,
        **extra,
    )


def test_benchmark_chart_from_report(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    import json
    import sys

    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import chart
    import report

    flop = 10**9
    data = {
        "machine_info": {
            "cpu": {"brand_raw": "Test CPU", "count": 2},
            "loadavg_at_end": [0.5, 0.5, 0.5],
        },
        "benchmarks": [
            _bench("test_gemm[float64]", "peak", 0.02, impl="gemm", dtype="float64", flop=flop),
            _bench(
                "test_epoch_reference",
                "epoch",
                4.0,
                impl="reference",
                dtype="float64",
                mode="serial",
                batch=10,
                flop=flop,
            ),
            _bench(
                "test_epoch_numpy[float64-blas1]",
                "epoch",
                0.4,
                impl="numpy",
                dtype="float64",
                mode="serial",
                batch=10,
                flop=flop,
                blas_threads=1,
            ),
            _bench(
                "test_epoch_fastnet[float64-serial]",
                "epoch",
                0.1,
                impl="fastnet",
                dtype="float64",
                mode="serial",
                batch=10,
                flop=flop,
                threads=1,
            ),
            _bench(
                "test_epoch_fastnet[float64-parallel]",
                "epoch",
                0.08,
                impl="fastnet",
                dtype="float64",
                mode="parallel",
                batch=10,
                flop=flop,
                threads=2,
            ),
            _bench(
                "test_epoch_fastnet_b100[serial]",
                "epoch",
                0.05,
                impl="fastnet",
                dtype="float64",
                mode="serial",
                batch=100,
                flop=flop,
                threads=1,
            ),
        ],
    }
    rows = chart.epoch_rows(data)
    # peak: 50 GFLOP/s; fastnet serial: 10 GFLOP/s = 20 %; parallel: 12.5 / (2 x 50) = 12.5 %
    assert [r[0] for r in rows] == [
        "the course's per-example code",
        "numpy peer, float64",
        "fastnet float64",
        "fastnet float64, parallel (2 threads)",
    ]
    assert [round(r[2], 6) for r in rows] == [0.5, 5.0, 20.0, 12.5]
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data))
    png = tmp_path / "chart.png"
    assert report.main([str(path), "--chart", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size < 100 * 1024
    with pytest.raises(ValueError, match="no 'epoch'"):
        chart.epoch_chart({"benchmarks": []}, tmp_path / "none.png")
    sys.modules.pop("chart", None)
    for name in ("report", "report_tables", "report_format"):
        sys.modules.pop(name, None)


def test_report_peers_table_gives_a_verdict_per_point(monkeypatch):
    """report.py's ``peers`` table (report_tables.py): fastnet vs numpy per shape, and the
    share of the GEMM peak from width 100 up, each with PASS or MISS."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import report_tables

    def point(impl, sizes, seconds, flop):
        return _bench(
            f"test_peers_{impl}",
            "peers",
            seconds,
            impl=impl,
            dtype="float32",
            sizes=sizes,
            shape="-".join(map(str, sizes)),
            batch=100,
            flop=flop,
        )

    flop = 10**9
    benches = [
        point("fastnet", [784, 30, 10], 0.02, flop),  # 50 GFLOP/s, 2x numpy
        point("numpy", [784, 30, 10], 0.04, flop),
        point("fastnet", [784, 300, 10], 0.05, flop),  # 20 GFLOP/s = 20 % of peak, 0.8x
        point("numpy", [784, 300, 10], 0.04, flop),
    ]
    peaks = {"float32": (100.0, 1, "")}  # GFLOP/s, as gemm_peaks gives them
    lines = "\n".join(report_tables.peers_table(benches, peaks))
    rows = [line for line in lines.splitlines() if line.startswith("| 784-")]
    assert len(rows) == 2
    assert "2.00×" in rows[0] and rows[0].rstrip(" |").endswith("PASS")
    assert "0.80×" in rows[1] and "20.0" in rows[1] and rows[1].rstrip(" |").endswith("MISS / MISS")


def test_report_peers_table_prefers_the_interleaved_numpy_epochs(monkeypatch):
    """A fastnet point carrying numpy's epochs timed between its rounds is
    compared with their median, not with numpy's separate benchmark."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import report_tables

    fast = _peers_fastnet(
        0.05, [784, 30, 10], 10, numpy_interleaved_s=[0.2, 0.1, 0.15, 0.5, 0.12]
    )  # numpy's median 0.15
    stale = _bench(
        "test_peers_numpy",
        "peers",
        0.01,
        impl="numpy",
        dtype="float64",
        shape="784-30-10",
        batch=10,
    )
    lines = "\n".join(report_tables.peers_table([fast, stale], {"float64": (50.0, 1, "")}))
    rows = [line for line in lines.splitlines() if line.startswith("| 784-")]
    assert len(rows) == 1 and "3.00×" in rows[0] and "150.0 ms" in rows[0]
    for name in ("report_tables", "report_format"):
        monkeypatch.delitem(sys.modules, name, raising=False)


def test_report_share_rows_use_the_median_of_the_paired_rounds(monkeypatch):
    """The share-of-peak targets read ``test_share.py``'s median of the
    per-round ratios (each epoch beside its own GEMM), PASS or MISS against
    70 % (float64) and 60 % (float32); its table lists every round."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import report

    def share(dtype, shares):
        return _bench(
            f"test_share_of_peak[{dtype}]",
            "share",
            0.1,
            impl="fastnet",
            dtype=dtype,
            gemm_gflops=[80.0] * len(shares),
            epoch_gflops=[80.0 * s for s in shares],
            shares=shares,
            share_median=sorted(shares)[len(shares) // 2],
        )

    data = {"benchmarks": [share("float64", [0.5, 0.72, 0.71]), share("float32", [0.3, 0.5, 0.55])]}
    text = report.report(data)
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if "share of" in line}
    f64 = next(v for k, v in rows.items() if "float64" in k)
    f32 = next(v for k, v in rows.items() if "float32" in k)
    assert "71.0 %" in f64 and f64.rstrip(" |").endswith("PASS")
    assert "50.0 %" in f32 and f32.rstrip(" |").endswith("MISS")
    assert "| float64 | 3 | 80 80 80 | 40 58 57 | 50 72 71 | 71.0 |" in text
    for name in ("report", "report_tables", "report_format"):
        monkeypatch.delitem(sys.modules, name, raising=False)


def test_report_peers_share_uses_the_gemm_timed_beside_it(monkeypatch):
    """A point carrying the GEMM peaks timed between its rounds is judged
    against their median, not against the run's separate GEMM benchmark."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import report_tables

    fast = _peers_fastnet(  # 50 GFLOP/s against a median GEMM of 90: 55.6 %
        0.02,
        [784, 100, 10],
        100,
        numpy_interleaved_s=[0.04],
        gemm_interleaved_gflops=[90.0, 80.0, 200.0],
    )
    lines = "\n".join(report_tables.peers_table([fast], {"float64": (70.0, 1, "")}))
    row = next(line for line in lines.splitlines() if line.startswith("| 784-"))
    assert "55.6" in row and row.rstrip(" |").endswith("PASS / MISS")
    for name in ("report_tables", "report_format"):
        monkeypatch.delitem(sys.modules, name, raising=False)


def test_report_ratio_targets_read_the_back_to_back_pairs(monkeypatch):
    """Where ``test_ratios.py`` ran, the float32 / float64 and parallel /
    serial targets read its median of per-round ratios, and the ratio of
    the epoch group's separate medians is shown beside, as information;
    its table lists every round."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import report

    def epoch(name, t, dtype, mode, batch):
        return _bench(
            name, "epoch", t, impl="fastnet", dtype=dtype, mode=mode, batch=batch, threads=1
        )

    def paired(pair, batch, ratios):
        return _bench(
            f"test_paired_ratio[{pair}]",
            "ratios",
            0.1,
            impl="fastnet",
            pair=pair,
            batch=batch,
            slow_s=[0.06] * len(ratios),
            fast_s=[0.06 / r for r in ratios],
            ratios=ratios,
            ratio_median=sorted(ratios)[len(ratios) // 2],
        )

    benches = [  # separate medians: f32 1.6x (MISS alone), parallel 1.2x / 2.0x
        epoch("test_epoch_fastnet[float64-serial]", 0.060, "float64", "serial", 10),
        epoch("test_epoch_fastnet[float32-serial]", 0.0375, "float32", "serial", 10),
        epoch("test_epoch_fastnet[float64-parallel]", 0.050, "float64", "parallel", 10),
        epoch("test_epoch_fastnet_b100[serial]", 0.060, "float64", "serial", 100),
        epoch("test_epoch_fastnet_b100[parallel]", 0.030, "float64", "parallel", 100),
    ]
    text = report.report({"benchmarks": benches})
    lines = [line for line in text.splitlines() if line.startswith("| epoch:")]
    f32 = next(line for line in lines if "f32 vs f64" in line)
    assert "1.60×" in f32 and f32.rstrip(" |").endswith("MISS") and "pairs" not in f32
    benches += [
        paired("f32_vs_f64", 10, [1.8, 1.75, 1.72]),
        paired("parallel_b10", 10, [1.4, 1.45, 1.3]),
        paired("parallel_b100", 100, [1.6, 1.7, 1.55]),
    ]
    text = report.report({"benchmarks": benches})
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if "|" in line}

    def row(*words):
        return next(v for k, v in rows.items() if all(w in k for w in words))

    assert row("f32 vs f64", "back-to-back").rstrip(" |").endswith("PASS")
    assert "1.75×" in row("f32 vs f64", "back-to-back")
    assert "1.60×" in row("f32 vs f64", "medians of the epoch group")
    assert row("mini-batch 10", "back-to-back").rstrip(" |").endswith("MISS")
    assert "1.20×" in row("mini-batch 10", "medians of the epoch group")
    assert "1.60×" in row("mini-batch 100", "back-to-back")
    assert "| f32_vs_f64 | 10 | 3 | 60 60 60 | 33 34 35 | 1.80 1.75 1.72 | 1.75 |" in text
    for name in ("report", "report_tables", "report_format"):
        monkeypatch.delitem(sys.modules, name, raising=False)
