"""``fastnet sweep``: describing a sweep, with no data and no Dask: grids
and their defaults, stable keys, reproducible random samples, TOML and
JSON files, the command line's knobs and its errors."""

import json
from pathlib import Path

import pytest

from fastnet import cli
from fastnet import sweep as sw

REPO = Path(__file__).resolve().parents[1]


def test_grid_fills_defaults_and_crosses_lists():
    configs = sw.configurations(
        {
            "eta": [0.5, 3],
            "batch_size": [10, 30, 50],
            "sizes": [[784, 30, 10], [784, 100, 10]],
            "epochs": 2,
        }
    )
    assert len(configs) == 12
    assert all(
        c["epochs"] == 2 and c["seed"] == 0 and c["limit"] is None and c["dtype"] == "float64"
        for c in configs
    )
    assert {c["eta"] for c in configs} == {0.5, 3.0}
    assert all(isinstance(c["eta"], float) for c in configs)
    assert len({sw.config_key(c) for c in configs}) == 12
    # one architecture is a single value, not a list of values
    assert len(sw.configurations({"sizes": [784, 30, 10]})) == 1


def test_keys_are_stable_and_aliases_agree():
    a = sw.configurations({"eta": 3, "batch_size": 10})[0]
    b = sw.configurations({"eta": 3.0, "taille_mini_batch": 10})[0]
    assert sw.config_key(a) == sw.config_key(b)
    assert sw.config_key(a) == sw.config_key(dict(reversed(list(a.items()))))
    assert sw.config_key(a) != sw.config_key(dict(a, eta=1.0))
    assert len(sw.config_key(a)) == 12


def test_random_samples_are_reproducible_and_in_range():
    knobs = {
        "eta": {"log_uniform": [0.1, 10]},
        "lmbda": {"uniform": [0, 5]},
        "epochs": {"int": [1, 3]},
        "batch_size": [10, 20],
    }
    one = sw.configurations(knobs, samples=20, seed=7)
    assert one == sw.configurations(knobs, samples=20, seed=7)
    assert one != sw.configurations(knobs, samples=20, seed=8)
    assert len(one) == 20
    for c in one:
        assert 0.1 <= c["eta"] <= 10 and 0 <= c["lmbda"] <= 5
        assert c["epochs"] in (1, 2, 3) and c["batch_size"] in (10, 20)
        assert float(f"{c['eta']:.4g}") == c["eta"]
    # draws from short lists repeat: kept once
    assert len(sw.configurations({"eta": [1, 2]}, samples=30)) == 2


@pytest.mark.parametrize(
    "knobs, samples, match",
    [
        ({"etta": [1]}, None, "unknown knob"),
        ({"eta": {"log_uniform": [0.1, 1]}}, None, "needs samples"),
        ({"eta": {"log_uniform": [0, 1]}}, 3, "low > 0"),
        ({"eta": {"uniform": [2, 1]}}, 3, "low <= high"),
        ({"eta": {"normal": [0, 1]}}, 3, "a range is one of"),
        ({"eta": []}, None, "empty"),
        ({"eta": 1, "batch_size": 1, "taille_mini_batch": 2}, None, "given twice"),
        ({"eta": 1}, 0, "samples"),
    ],
)
def test_bad_descriptions_are_refused(knobs, samples, match):
    with pytest.raises(sw.SweepError, match=match):
        sw.configurations(knobs, samples=samples)


def test_toml_and_json_files(tmp_path):
    (tmp_path / "a.toml").write_text(
        '[sweep]\nsamples = 3\nresults = "out/r.jsonl"\n'
        "[knobs]\neta = [0.5, 1.0]\nsizes = [[784, 30, 10], [784, 60, 10]]\n"
    )
    (tmp_path / "a.json").write_text(
        json.dumps(
            {
                "sweep": {"samples": 3, "results": "out/r.jsonl"},
                "knobs": {"eta": [0.5, 1.0], "sizes": [[784, 30, 10], [784, 60, 10]]},
            }
        )
    )
    kt, st = sw.load_spec(tmp_path / "a.toml")
    kj, sj = sw.load_spec(tmp_path / "a.json")
    assert kt == kj and st == sj
    assert st["results"] == str(tmp_path / "out" / "r.jsonl")
    (tmp_path / "bad.toml").write_text("[knob]\neta = 1\n")
    with pytest.raises(sw.SweepError, match="unknown table"):
        sw.load_spec(tmp_path / "bad.toml")
    (tmp_path / "bad2.toml").write_text("[sweep]\nworker = 2\n")
    with pytest.raises(sw.SweepError, match="unknown \\[sweep\\] setting"):
        sw.load_spec(tmp_path / "bad2.toml")


def test_example_has_24_configurations_over_several_knobs(capsys):
    knobs, _ = sw.load_spec(REPO / "examples" / "sweep.toml")
    configs = sw.configurations(knobs)
    assert len(configs) >= 24
    assert len(sw._varying([{"config": c} for c in configs])) >= 3
    rc = cli.main(["sweep", str(REPO / "examples" / "sweep.toml"), "--dry-run"])
    out, err = capsys.readouterr()
    assert rc == 0 and len(out.splitlines()) == len(configs)
    assert f"{len(configs)} configurations" in err


def test_command_line_knobs_and_samples(capsys):
    rc = cli.main(
        [
            "sweep",
            "--eta",
            "0.5,1,3",
            "--batch-size",
            "10,30",
            "--sizes",
            "784,30,10",
            "784,100,10",
            "--dry-run",
        ]
    )
    out, _ = capsys.readouterr()
    assert rc == 0 and len(out.splitlines()) == 12
    rc = cli.main(
        [
            "sweep",
            "--eta",
            "0.5,1,3",
            "--batch-size",
            "10,30",
            "--samples",
            "4",
            "--seed",
            "3",
            "--dry-run",
        ]
    )
    out2, _ = capsys.readouterr()
    assert rc == 0 and 1 <= len(out2.splitlines()) <= 4


def test_command_line_errors(capsys):
    assert cli.main(["sweep"]) == 2
    assert "nothing to sweep" in capsys.readouterr().err
    assert cli.main(["sweep", "--etta", "1"]) == 2
    capsys.readouterr()
    assert (
        cli.main(["sweep", "--eta", "1", "--lmbda", "{1}", "--eta-schedule", "x", "--samples", "0"])
        == 2
    )
    capsys.readouterr()
    assert cli.main(["sweep", "no-such-file.toml"]) == 2
    assert "is not a file" in capsys.readouterr().err
