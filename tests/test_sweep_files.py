"""The files a sweep reads and writes: a file that is not a sweep's results
is refused untouched before any configuration runs (only a last line cut
short by a crash may be dropped); the sweep file is never the results file;
outputs are checked before any work; bad sweep files and hand-edited records
get one line naming the file and the field. No data, no Dask: every refusal
here comes before a configuration runs (a run would fail on the missing
data instead)."""

import json
import os
from pathlib import Path

import pytest

from fastnet import cli
from fastnet import sweep as sw

ARGS = ["--eta", "1", "--epochs", "1", "--limit", "100", "--workers", "0", "--no-progress"]


@pytest.fixture(autouse=True)
def no_data(monkeypatch, tmp_path):
    """A configuration that starts would fail loudly: no MNIST here."""
    monkeypatch.setenv("FASTNET_DATA", str(tmp_path / "no-mnist"))
    monkeypatch.chdir(tmp_path)


def run(capsys, *argv):
    rc = cli.main(["sweep", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def record(key="0123456789ab", **kw):
    rec = {"key": key, "status": "ok", "config": {"eta": 1.0}, "val_accuracy": 0.5}
    rec.update(kw)
    return rec


# -- item 1: never destroy a file that is not ours ---------------------------------


@pytest.mark.parametrize(
    "content",
    [
        "my notes\nsecond line\n",
        json.dumps(record()) + "\nnot json\n" + json.dumps(record("ba9876543210")) + "\n",
        "[knobs]\neta = [1, 3]\n",
        json.dumps(record()) + "\n[1, 2]\n",
        "\n\n{}\n",
    ],
)
def test_a_file_that_is_not_results_is_refused_untouched(capsys, tmp_path, content):
    path = tmp_path / "notes.txt"
    path.write_text(content)
    before = os.stat(path)
    rc, out, err = run(capsys, "--results", str(path), *ARGS)
    assert rc == 2, err
    assert "argument --results:" in err and str(path) in err and "untouched" in err
    assert path.read_text() == content and os.stat(path).st_mtime_ns == before.st_mtime_ns
    with pytest.raises(sw.SweepError, match="line"):  # the Python API too
        sw.sweep({"eta": 1.0}, path, workers=0)
    assert path.read_text() == content


def test_the_sweep_file_is_never_the_results_file(capsys, tmp_path):
    spec = tmp_path / "mysweep.toml"
    text = "[knobs]\neta = [1, 3]\nepochs = 1\n"
    spec.write_text(text)
    rc, out, err = run(capsys, str(spec), "--results", str(spec), "--workers", "0")
    assert rc == 2 and "is the sweep file itself" in err
    # through another name too, and from the file's own setting
    (tmp_path / "link.jsonl").symlink_to(spec)
    rc, out, err = run(capsys, str(spec), "--results", str(tmp_path / "link.jsonl"))
    assert rc == 2 and "is the sweep file itself" in err
    spec.write_text(text + '[sweep]\nresults = "mysweep.toml"\n')
    with pytest.raises(sw.SweepError, match="sweep file itself"):
        sw.sweep(spec, workers=0)
    assert spec.read_text().startswith(text)


def test_only_a_cut_last_line_is_dropped(tmp_path):
    path = tmp_path / "r.jsonl"
    whole = json.dumps(record()) + "\n"
    path.write_text(whole + '{"key": "abc", "status": "o')
    assert sw.read_results(path) == ([record()], 1)
    path.write_text('{"key": "abc", "sta')  # the first write, cut short
    assert sw.read_results(path) == ([], 1)
    path.write_text(whole + '{"key": "abc", "status": "o\n')  # a whole line: not a cut
    with pytest.raises(sw.SweepError, match="line 2"):
        sw.read_results(path)
    path.write_text("garbage")  # a lone cut line must look like a record
    with pytest.raises(sw.SweepError, match="line 1"):
        sw.read_results(path)


@pytest.mark.parametrize(
    "rec, field",
    [
        ({"key": "k", "status": "ok"}, "config"),
        ({"key": "k", "config": {}}, "status"),
        ({"status": "ok", "config": {}}, "key"),
        ({"key": "k", "status": "ok", "config": [1]}, "config"),
        ({"key": "k", "status": "ok", "config": {}, "val_accuracy": "high"}, "val_accuracy"),
        ({"key": "k", "status": "ok", "config": {}, "history": [1]}, "history"),
    ],
)
def test_hand_edited_records_name_the_line_and_field(tmp_path, capsys, rec, field):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record()) + "\n" + json.dumps(rec) + "\n")
    with pytest.raises(sw.SweepError, match=f"r.jsonl: line 2: field '{field}'"):
        sw.read_results(path)
    rc, out, err = run(capsys, "--results", str(path), *ARGS)
    assert rc == 2 and f"field '{field}'" in err and "KeyError" not in err


def test_bare_nan_and_non_utf8_results_are_refused(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"key": "k", "status": "ok", "config": {"eta": NaN}}\n')
    with pytest.raises(sw.SweepError, match="line 1: not a JSON record"):
        sw.read_results(path)
    path.write_bytes(b'{"key": "k\xff"}\n')
    with pytest.raises(sw.SweepError, match="not UTF-8"):
        sw.read_results(path)
    with pytest.raises(sw.SweepError, match="is a folder"):
        sw.read_results(tmp_path)


def test_nan_knobs_are_refused_not_written(capsys, tmp_path):
    for value in ("nan", "inf"):
        rc, out, err = run(
            capsys, "--eta", value, "--workers", "0", "--results", str(tmp_path / "r.jsonl")
        )
        assert rc == 2 and f"eta: {value} is not a value" in err
    assert not (tmp_path / "r.jsonl").exists()
    with pytest.raises(sw.SweepError, match="lmbda"):
        sw.configurations({"lmbda": [0.0, float("nan")]})
    with pytest.raises(ValueError):  # and the writer refuses NaN outright
        sw.results._append(tmp_path / "r.jsonl", {"key": "k", "x": float("nan")})


# -- item 18: sweep files -----------------------------------------------------------


@pytest.mark.parametrize(
    "text, says",
    [
        ("[knobs]\neta = 1979-05-27\n", "[knobs] eta: expected a number, a string"),
        ("[knobs]\neta = [1.0, 1979-05-27T07:32:00]\n", "[knobs] eta: expected a number"),
        ("[knobs]\neta = nan\n", "[knobs] eta: nan is not a value"),
        (
            "[sweep]\nresults = 42\n[knobs]\neta = 1\n",
            "[sweep] results: expected a string, got int",
        ),
        ("[sweep]\nsamples = 2.5\n[knobs]\neta = 1\n", "[sweep] samples: expected an int"),
        ("[sweep]\nworkers = true\n[knobs]\neta = 1\n", "[sweep] workers: expected an int"),
    ],
)
def test_bad_toml_values_name_the_file_and_field(capsys, tmp_path, text, says):
    spec = tmp_path / "s.toml"
    spec.write_text(text)
    rc, out, err = run(capsys, str(spec))
    assert rc == 2, err
    line = err.splitlines()[-1]
    assert line.startswith("fastnet sweep: error: ") and str(spec) in line and says in line
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "name, data, says",
    [
        ("s.toml", b"[knobs]\neta = 1 # caf\xe9\n", "not UTF-8"),
        ("s.json", b'{"knobs": {"eta": "\xff"}}', "not UTF-8"),
        ("s.json", b'{"knobs": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
        ("s.json", b'{"knobs": {"eta": ' + b"9" * 5000 + b"}}", "not valid JSON"),
        ("s.json", b'{"knobs": {"eta": NaN}}', "nan is not a value"),
    ],
)
def test_unreadable_sweep_files_are_one_line(capsys, tmp_path, name, data, says):
    spec = tmp_path / name
    spec.write_bytes(data)
    rc, out, err = run(capsys, str(spec))
    assert rc == 2, err
    assert len(err.strip().splitlines()[-1]) < 400
    assert str(spec) in err and says in err and "Traceback" not in err


# -- item 17: outputs checked before any work -----------------------------------


def read_only_place(tmp_path):
    """A folder where no file can be made (root ignores the mode bits: then
    /proc, where nobody can)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        (folder / "probe").touch()
    except OSError:
        return folder
    (folder / "probe").unlink()
    return Path("/proc")


@pytest.mark.parametrize(
    "plot, says",
    [
        ("{tmp}", "is a folder"),
        ("{tmp}/courbes.txt", "expected an image file name ending in"),
        ("{tmp}/courbes", "expected an image file name ending in"),
        ("{ro}/courbes.png", "cannot write"),
        ("{tmp}/missing/courbes.png", "does not exist"),
    ],
)
@pytest.mark.parametrize("command", ["train", "sweep"])
def test_plot_is_checked_before_any_work(capsys, tmp_path, monkeypatch, plot, says, command):
    ro = read_only_place(tmp_path)
    path = plot.format(tmp=tmp_path, ro=ro)
    loads = []
    monkeypatch.setattr(cli.train, "_load_mnist", lambda p: loads.append(p))
    rc = cli.main(
        [
            command,
            "--plot",
            path,
            "--epochs",
            "1",
            *(["--workers", "0"] if command == "sweep" else []),
        ]
    )
    out, err = capsys.readouterr()
    assert rc == 2, err
    assert "argument --plot: " in err and says in err
    assert loads == [] and out == ""
    assert not list(tmp_path.glob("*.results.jsonl")) and not Path("sweep.results.jsonl").exists()


def test_results_in_a_read_only_place_fail_before_work(capsys, tmp_path):
    ro = read_only_place(tmp_path)
    rc, out, err = run(capsys, "--results", str(ro / "r.jsonl"), *ARGS)
    assert rc == 2 and "cannot be written" in err
    rc, out, err = run(capsys, "--results", str(tmp_path), *ARGS)
    assert rc == 2 and "is a folder" in err


def test_timeout_without_a_cluster_is_noted(capsys, tmp_path):
    (config,) = sw.configurations({"eta": 1, "epochs": 1, "limit": 100})
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record(sw.config_key(config), config=config)) + "\n")
    rc, out, err = run(capsys, "--results", str(path), "--timeout", "5", *ARGS)
    assert rc == 0, err  # nothing left to run: no data needed
    assert "1 already done" in err and "the time limit applies on a cluster" in err
    assert "1 configurations: 1 ok, 0 failed" in out


def test_a_rewrite_keeps_the_link_and_the_mode(capsys, tmp_path):
    """Dropping a cut last line rewrites the file: through a link, the file
    it points to; its mode kept; no scratch file left."""
    (config,) = sw.configurations({"eta": 1, "epochs": 1, "limit": 100})
    real = tmp_path / "real.jsonl"
    whole = json.dumps(record(sw.config_key(config), config=config)) + "\n"
    real.write_text(whole + '{"key": "abc", "sta')
    real.chmod(0o640)
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    rc, out, err = run(capsys, "--results", str(link), *ARGS)
    assert rc == 0, err
    assert link.is_symlink() and real.read_text() == whole
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.jsonl", "real.jsonl"]
