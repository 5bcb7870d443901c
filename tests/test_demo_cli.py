"""``fastnet demo`` as a command, in a subprocess: starts, prints its
address, serves, and stops on Ctrl-C (exit 130)."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

import fastnet
from fastnet import cli

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("FASTNET_DATA") or REPO.parent / "shared/data/mnist")
needs_mnist = pytest.mark.skipif(not DATA.exists(), reason=f"no MNIST data at {DATA}")


# ``python -m fastnet`` with Ctrl-C's default handling, even where the test
# runner was started with SIGINT ignored (a shell's background job), which
# the child would inherit and rightly respect (fastnet.cli.common.handle_signals)
WITH_CTRL_C = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'fastnet'; runpy.run_module('fastnet', run_name='__main__', alter_sys=True)"
)


def start(*args):
    """The demo in a subprocess and the URL it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WITH_CTRL_C, "demo", "--no-browser", "--port", "0", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()  # the address comes first, before any training
    if not line.startswith("fastnet demo : http://127.0.0.1:"):
        proc.kill()
        raise AssertionError(f"unexpected first line {line!r}; stderr: {proc.stderr.read()}")
    return proc, line.split()[3]


def get(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.loads(r.read())


def post(url, doc):
    req = urllib.request.Request(
        url,
        data=json.dumps(doc).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def interrupt(proc):
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    return proc.returncode, out, err


def test_serves_a_saved_network_and_stops_on_ctrl_c(tmp_path):
    np.random.seed(5)
    net = fastnet.Reseau([784, 16, 10])
    net.sauvegarder(tmp_path / "reseau.json")
    proc, url = start(str(tmp_path / "reseau.json"))
    try:
        state = get(url + "api/etat")
        assert state["etat"] == "pret" and state["source"] == "fichier"
        assert state["tailles"] == [784, 16, 10]
        x = np.random.default_rng(0).random(784)
        status, doc = post(url + "api/predire", {"pixels": x.tolist()})
        assert status == 200
        assert doc["sorties"] == net.forward(x.reshape(784, 1))[:, 0].tolist()
        status, doc = post(url + "api/predire", {"pixels": [2.0] * 784})
        assert status == 400 and "[0, 1]" in doc["erreur"]
        with urllib.request.urlopen(url, timeout=30) as r:
            assert "Dessiner" in r.read().decode()
    finally:
        rc, _out, err = interrupt(proc)
    assert rc == 130, err
    assert "Traceback" not in err


@needs_mnist
def test_trains_at_start_up_with_progress():
    proc, url = start("--limit", "500", "--epochs", "2", "--data", str(DATA))
    try:
        end = time.monotonic() + 120
        while time.monotonic() < end:
            state = get(url + "api/etat")
            if state["etat"] in ("pret", "erreur"):
                break
            time.sleep(0.2)
        assert state["etat"] == "pret", state
        assert state["tailles"] == [784, 30, 10] and len(state["historique"]["precision"]) == 2
    finally:
        rc, _out, err = interrupt(proc)
    assert rc == 130
    assert "Époque 0 : " in err and "Époque 1 : " in err  # progress on the terminal


@pytest.mark.parametrize(
    "content, says", [("not json", "not JSON"), ('{"format": "fastnet"}', "missing key")]
)
def test_bad_network_file_is_one_line(tmp_path, capsys, content, says):
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert cli.main(["demo", str(path), "--no-browser", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("fastnet demo: error:") and says in err


def test_wrong_sizes_and_missing_file(tmp_path, capsys):
    fastnet.Reseau([20, 5, 10]).sauvegarder(tmp_path / "small.json")
    assert cli.main(["demo", str(tmp_path / "small.json"), "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert "784 inputs and 10 outputs" in err and err.count("\n") == 1
    assert cli.main(["demo", str(tmp_path / "none.json"), "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert "none.json" in err and err.count("\n") == 1
    assert cli.main(["demo", "--data", str(tmp_path / "nowhere"), "--no-browser"]) == 1
    assert "--data" in capsys.readouterr().err


def test_bad_options_exit_2(capsys):
    for argv in (["demo", "--port", "70000"], ["demo", "--port", "x"], ["demo", "--epochs", "0"]):
        assert cli.main(argv) == 2
        assert "error" in capsys.readouterr().err


def test_other_host_warns(tmp_path, capsys, monkeypatch):
    """A --host other than loopback prints a warning before listening; the
    server is stopped at once (Ctrl-C stands in for a user)."""
    from fastnet.demo import server

    def interrupted(self, poll_interval=0.5):
        raise KeyboardInterrupt

    monkeypatch.setattr(server.DemoServer, "serve_forever", interrupted)
    net = fastnet.Reseau([784, 4, 10])
    net.sauvegarder(tmp_path / "n.json")
    for host, warned in (("0.0.0.0", True), ("127.0.0.1", False), ("localhost", False)):
        assert (
            cli.main(
                ["demo", str(tmp_path / "n.json"), "--no-browser", "--port", "0", "--host", host]
            )
            == 130
        )
        out, err = capsys.readouterr()
        assert ("warning: listening on 0.0.0.0" in err) == warned, err
        assert out.startswith("fastnet demo : http://")
    from fastnet.demo.server import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert not is_loopback("example.org")


def test_port_in_use_is_one_line(tmp_path, capsys):
    import socket

    fastnet.Reseau([784, 4, 10]).sauvegarder(tmp_path / "n.json")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert (
            cli.main(["demo", str(tmp_path / "n.json"), "--no-browser", "--port", str(port)]) == 1
        )
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and err.count("\n") == 1
