"""Stopping the commands: SIGTERM is handled as Ctrl-C is (one line, whole
epochs or results kept) with exit 143; a stop never ends with exit 0; a sweep
whose worker freezes records that configuration as failed (timeout), names
it, and goes on.

Real processes and a real Dask LocalCluster; small MNIST slices keep them
short. Every subprocess is stopped in a ``finally``."""

import contextlib
import faulthandler
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import fastnet
from fastnet import cli
from fastnet import sweep as sw
from fastnet.cli.common import Terminated, handle_signals, stop_code

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("FASTNET_DATA") or REPO.parent / "shared/data/mnist")
needs_mnist = pytest.mark.skipif(not DATA.exists(), reason=f"no MNIST data at {DATA}")
try:
    import distributed  # noqa: F401

    HAVE_DASK = True
except ImportError:
    HAVE_DASK = False
needs_dask = pytest.mark.skipif(not HAVE_DASK, reason="needs dask[distributed]")
WAIT = 120  # seconds a child may take to reach the point of the test


@pytest.fixture(autouse=True)
def hang_guard(monkeypatch):
    monkeypatch.setenv("FASTNET_DATA", str(DATA))
    faulthandler.dump_traceback_later(300, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def child_env():
    env = dict(
        os.environ,
        FASTNET_DATA=str(DATA),
        PYTHONPATH=str(REPO),
        PYTHONUNBUFFERED="1",
        NUMBA_NUM_THREADS="1",
    )
    env.pop("FASTNET_DEBUG", None)
    return env


@contextlib.contextmanager
def started(cmd, **kw):
    proc = subprocess.Popen(
        cmd,
        start_new_session=True,
        env=child_env(),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


# -- the signal handling itself (in this process) ---------------------------------


def test_sigterm_raises_terminated_and_is_recorded():
    with handle_signals() as received:
        with pytest.raises(Terminated):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler runs at the next bytecode
    assert received == [signal.SIGTERM]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # put back
    assert stop_code(Terminated()) == 143 and stop_code(KeyboardInterrupt()) == 130


def test_a_swallowed_stop_does_not_exit_0(monkeypatch, capsys):
    """A library that catches the KeyboardInterrupt must not turn a Ctrl-C
    (or SIGTERM) into a success."""

    def swallowing(args):
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                os.kill(os.getpid(), sig)
                time.sleep(5)
            except KeyboardInterrupt:
                pass  # what a careless library does
        return 0

    monkeypatch.setattr(cli.train, "command", swallowing)
    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    parser._subparsers._group_actions[0].choices["train"].set_defaults(func=swallowing)
    assert cli.main(["train"]) == 130  # the first stop decides
    assert "fastnet: interrupted" in capsys.readouterr().err


# -- fastnet train / sweep / demo, in subprocesses --------------------------------


def rest_of(proc, timeout=60):
    """``(out, err)``: the rest of the child's output once it exits, read
    through the same buffered streams as :func:`wait_for` (``communicate``
    reads the pipes themselves, and lines that ``readline`` had already
    buffered would be lost: seen in CI once epochs came faster). Both are
    read at once, so that a child filling one pipe cannot block on it while
    the other is being read."""
    got = {}

    def drain(name, stream):
        got[name] = stream.read()

    readers = [
        threading.Thread(target=drain, args=(name, stream), daemon=True)
        for name, stream in (("out", proc.stdout), ("err", proc.stderr))
    ]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + timeout
    for reader in readers:
        reader.join(max(0.0, deadline - time.monotonic()))
    assert not any(r.is_alive() for r in readers), f"the child did not stop within {timeout} s"
    proc.wait(timeout=5)
    return got["out"], got["err"]


def test_rest_of_reads_a_child_that_fills_its_error_pipe_first():
    """A child writing more than a pipe holds to stderr before it closes
    stdout: read one stream after the other, it would block for good."""
    code = "import sys; sys.stderr.write('x' * 300_000); sys.stderr.flush(); print('done')"
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    out, err = rest_of(proc, timeout=30)
    assert out == "done\n"
    assert len(err) == 300_000


def wait_for(proc, stream, text):
    """Lines of ``stream`` up to the first containing ``text``."""
    deadline = time.monotonic() + WAIT
    seen = []
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"{text!r} never came: {seen}; stderr: {proc.stderr.read()}")


@needs_mnist
def test_sigterm_stops_train_like_ctrl_c():
    cmd = [
        sys.executable,
        "-m",
        "fastnet",
        "train",
        "--limit",
        "500",
        "--epochs",
        "100000",
        "--seed",
        "1",
        "--no-progress",
    ]
    with started(cmd) as proc:
        lines = wait_for(proc, proc.stdout, "Époque 1:")
        proc.send_signal(signal.SIGTERM)
        out, err = rest_of(proc)
    assert proc.returncode == 143, err
    done = len([ln for ln in lines + out.splitlines() if ln.startswith("Époque")])
    assert err.startswith("fastnet: terminated (SIGTERM) after epoch "), err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    n = int(err.split("after epoch ")[1].split()[0])
    # whole epochs: the last one finished (its line may not have been printed yet)
    assert done <= n + 1 <= done + 1


@needs_mnist
@needs_dask
def test_sigterm_stops_sweep_with_results_kept(tmp_path):
    results = tmp_path / "r.jsonl"
    cmd = [
        sys.executable,
        "-m",
        "fastnet",
        "sweep",
        "--eta",
        "0.5,1,2,3",
        "--seeds",
        "0,1,2,3",
        "--epochs",
        "2",
        "--limit",
        "3000",
        "--results",
        str(results),
        "--no-progress",
        "--workers",
        "1",
    ]
    with started(cmd) as proc:
        deadline = time.monotonic() + WAIT
        while not (results.exists() and results.read_text().count("\n") >= 1):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no results written"
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "fastnet sweep: terminated (SIGTERM);" in err
    assert "run the same command again to resume" in err
    recs = [json.loads(ln) for ln in results.read_text().splitlines()]
    assert 1 <= len(recs) < 16 and all(r["status"] == "ok" for r in recs)


def test_sigterm_stops_demo(tmp_path):
    np.random.seed(5)
    fastnet.Reseau([784, 16, 10]).sauvegarder(tmp_path / "reseau.json")
    cmd = [
        sys.executable,
        "-m",
        "fastnet",
        "demo",
        "--no-browser",
        "--port",
        "0",
        str(tmp_path / "reseau.json"),
    ]
    with started(cmd) as proc:
        wait_for(proc, proc.stdout, "fastnet demo : http://127.0.0.1:")
        proc.send_signal(signal.SIGTERM)
        out, err = rest_of(proc)
    assert proc.returncode == 143, err
    assert "terminated (SIGTERM)" in err and "Traceback" not in err


# -- a frozen worker ----------------------------------------------------------------


@contextlib.contextmanager
def cluster_with_a_frozen_worker():
    """A LocalCluster of 2 workers, both warmed up (data loaded, kernels
    compiled), then one stopped with SIGSTOP: it keeps its connection and
    its heartbeat's last word, and never answers again."""
    with sw.local_cluster(2) as client:
        warm = sw.configurations({"epochs": 1, "limit": 100, "seed": 99})[0]
        client.run(sw.run_config, warm)  # on every worker
        pids = client.run(os.getpid)
        frozen = sorted(pids.values())[0]
        os.kill(frozen, signal.SIGSTOP)
        try:
            yield client, frozen
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(frozen, signal.SIGCONT)


@needs_mnist
@needs_dask
def test_frozen_worker_is_a_timed_out_configuration(tmp_path, monkeypatch, capsys):
    """Before: the sweep waited for ever, silently. Now the stalled
    configuration is named, recorded as failed (timeout), its worker
    restarted, and the others finish."""
    results = tmp_path / "r.jsonl"
    stack = contextlib.ExitStack()
    clusters = []

    @contextlib.contextmanager
    def frozen_cluster(workers=2, timeout=60):
        client, pid = stack.enter_context(cluster_with_a_frozen_worker())
        clusters.append(pid)
        yield client

    monkeypatch.setattr(sw.runner, "local_cluster", frozen_cluster)
    start = time.monotonic()
    with stack:
        rc = cli.main(
            [
                "sweep",
                "--eta",
                "1,2,3,4",
                "--epochs",
                "1",
                "--limit",
                "300",
                "--results",
                str(results),
                "--no-progress",
                "--timeout",
                "10",
            ]
        )
    took = time.monotonic() - start
    out, err = capsys.readouterr()
    assert rc == 0, err
    recs = {r["key"]: r for r in map(json.loads, results.read_text().splitlines())}
    assert len(recs) == 4
    stalled = [r for r in recs.values() if r["status"] == "failed"]
    assert len(stalled) >= 1, "the frozen worker got no configuration"
    for r in stalled:
        assert r["timed_out"] and r["error"].startswith("TimeoutError: no result after 10 s")
        assert f"configuration {r['key']} (eta={r['config']['eta']:g}) stalled" in err
    assert any(r["status"] == "ok" for r in recs.values())
    assert "4 configurations:" in out
    assert took < WAIT


@needs_dask
def test_timeout_must_be_positive(tmp_path):
    with pytest.raises(sw.SweepError, match="timeout"):
        sw.sweep({"eta": 1.0}, tmp_path / "r.jsonl", timeout=0)
    (tmp_path / "s.toml").write_text('[sweep]\ntimeout = "long"\n[knobs]\neta = 1\n')
    with pytest.raises(sw.SweepError, match=r"\[sweep\] timeout: expected a number"):
        sw.load_spec(tmp_path / "s.toml")


@needs_mnist
@needs_dask
def test_ctrl_c_while_a_worker_is_frozen_exits_130(tmp_path, monkeypatch, capsys):
    """The issue's case: a sweep stalled on a frozen worker (time limit far
    away), then Ctrl-C: exit 130 and the results kept, never exit 0."""
    import threading

    results = tmp_path / "r.jsonl"
    stack = contextlib.ExitStack()

    @contextlib.contextmanager
    def frozen_cluster(workers=2, timeout=60):
        client, _pid = stack.enter_context(cluster_with_a_frozen_worker())
        yield client

    def ctrl_c_when_stalled():
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if results.exists() and results.read_text().count("\n") >= 3:
                time.sleep(1)  # stalled now: only the frozen worker's one is left
                break
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(sw.runner, "local_cluster", frozen_cluster)
    with stack:
        threading.Thread(target=ctrl_c_when_stalled, daemon=True).start()
        rc = cli.main(
            ["sweep", "--eta", "1,2,3,4", "--epochs", "1", "--limit", "300",
             "--results", str(results), "--no-progress", "--timeout", "3600"]
        )  # fmt: skip
    out, err = capsys.readouterr()
    assert rc == 130, err
    assert "fastnet sweep: interrupted; 3 more configuration(s) saved" in err
    recs = [json.loads(ln) for ln in results.read_text().splitlines()]
    assert len(recs) == 3 and all(r["status"] == "ok" for r in recs)
