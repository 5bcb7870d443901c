"""The demo's JSON API, against a real server on 127.0.0.1 (in a thread)."""

import http.client
import json
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from fastnet import Reseau
from fastnet.demo.preprocess import mnist_like
from fastnet.demo.server import MAX_BODY, make_server
from fastnet.demo.training import Trainer, check_config

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("FASTNET_DATA") or REPO.parent / "shared/data/mnist")
needs_mnist = pytest.mark.skipif(not DATA.exists(), reason=f"no MNIST data at {DATA}")
LIMIT = 1000  # training images for the runs started here: quick epochs


def load_slice():
    from fastnet.mnist import load_arrays

    (X, y), _, (Xt, yt) = load_arrays(str(DATA))
    return (X[:LIMIT], y[:LIMIT]), (Xt[:LIMIT], yt[:LIMIT])


@pytest.fixture(scope="module")
def test_digits():
    from fastnet.mnist import load_arrays

    if not DATA.exists():
        pytest.skip(f"no MNIST data at {DATA}")
    return load_arrays(str(DATA))[2]


class Demo:
    """A demo server on a free port, serving ``net``; ``request`` speaks HTTP."""

    def __init__(self, net, load_data=load_slice):
        self.net = net
        self.trainer = Trainer(load_data, net=net)
        self.server = make_server(self.trainer, "127.0.0.1", 0)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self):
        self.trainer.stop(wait=True)
        self.server.shutdown()
        self.server.server_close()

    def request(self, method, path, body=None, headers=None, raw=False):
        """``(status, document)``; ``body``: a document sent as JSON, or
        bytes sent as they are with ``raw``."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            hdrs = {"Content-Type": "application/json"}
            hdrs.update(headers or {})
            data = body if raw or body is None else json.dumps(body).encode()
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            payload = resp.read()
            ctype = resp.getheader("Content-Type", "")
            doc = json.loads(payload) if ctype.startswith("application/json") else payload
            return resp.status, doc
        finally:
            conn.close()

    def predict(self, pixels):
        return self.request("POST", "/api/predire", {"pixels": [float(p) for p in pixels]})


@pytest.fixture(scope="module")
def demo():
    np.random.seed(3)
    d = Demo(Reseau([784, 30, 10]))
    yield d
    d.close()


@needs_mnist
def test_prediction_is_exactly_forward(demo, test_digits):
    X, _y = test_digits
    for i in (0, 1, 2, 1234, 9999):
        status, doc = demo.predict(X[i])
        assert status == 200, doc
        expected = demo.net.forward(X[i].astype(np.float64).reshape(784, 1))
        assert doc["sorties"] == expected[:, 0].tolist()  # bit for bit through JSON
        assert doc["chiffre"] == int(np.argmax(expected))


def test_integers_and_extremes_are_pixels(demo):
    status, doc = demo.request("POST", "/api/predire", {"pixels": [0] * 783 + [1]})
    assert status == 200 and len(doc["sorties"]) == 10
    x = np.zeros((784, 1))
    x[-1] = 1
    assert doc["sorties"] == demo.net.forward(x)[:, 0].tolist()


BAD = [  # (raw body, what the message says)
    (b"not json", "not JSON"),
    (b"", "not JSON"),
    (b"\xff\xfe", "not JSON"),
    (b"[" * 100000 + b"]" * 100000, "JSON"),
    (b"[1, 2, 3]", '"pixels"'),
    (b'{"pixel": []}', '"pixels"'),
    (b'{"pixels": 3}', "list"),
    (b'{"pixels": [0.5]}', "784 numbers, got 1"),
    (json.dumps({"pixels": [0.5] * 785}).encode(), "784 numbers, got 785"),
    (json.dumps({"pixels": [0.5] * 783 + [1.5]}).encode(), "[0, 1]"),
    (json.dumps({"pixels": [-0.5] + [0.5] * 783}).encode(), "[0, 1]"),
    (('{"pixels": [NaN' + ", 0" * 783 + "]}").encode(), "NaN"),
    (('{"pixels": [Infinity' + ", 0" * 783 + "]}").encode(), "Infinity"),
    (('{"pixels": [1e999' + ", 0" * 783 + "]}").encode(), "NaN or inf"),
    (json.dumps({"pixels": ["0"] * 784}).encode(), "numbers"),
    (json.dumps({"pixels": [True] * 784}).encode(), "numbers"),
    (json.dumps({"pixels": [[0.0]] * 784}).encode(), "numbers"),
    (json.dumps({"pixels": [None] * 784}).encode(), "numbers"),
]


@pytest.mark.parametrize("body, says", BAD)
def test_bad_predictions_get_400_and_one_line(demo, body, says):
    status, doc = demo.request("POST", "/api/predire", body, raw=True)
    assert status == 400
    assert says in doc["erreur"] and "\n" not in doc["erreur"]
    assert len(doc["erreur"]) < 300
    assert demo.predict([0.0] * 784)[0] == 200  # still serving


def test_bad_headers_get_400(demo):
    ok = json.dumps({"pixels": [0] * 784}).encode()
    status, doc = demo.request(
        "POST", "/api/predire", ok, raw=True, headers={"Content-Type": "text/plain"}
    )
    assert status == 400 and "application/json" in doc["erreur"]
    status, doc = demo.request("GET", "/api/etat", headers={"Host": "evil.example:80"})
    assert status == 400 and "Host" in doc["erreur"]


def test_too_large_body_is_refused_unread(demo):
    """A Content-Length over the limit gets 400 at once: the body is not
    read (the server does not wait for 10 MB that never come)."""
    conn = http.client.HTTPConnection("127.0.0.1", demo.port, timeout=10)
    conn.putrequest("POST", "/api/predire")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(MAX_BODY + 1))
    conn.endheaders()
    conn.send(b'{"pixels": [')
    resp = conn.getresponse()
    doc = json.loads(resp.read())
    conn.close()
    assert resp.status == 400 and "too large" in doc["erreur"]
    # without a Content-Length, or a bad one
    for value in (None, "abc", "-5"):
        conn = http.client.HTTPConnection("127.0.0.1", demo.port, timeout=10)
        conn.putrequest("POST", "/api/predire")
        conn.putheader("Content-Type", "application/json")
        if value is not None:
            conn.putheader("Content-Length", value)
        conn.endheaders()
        resp = conn.getresponse()
        assert resp.status == 400, value
        assert "Content-Length" in json.loads(resp.read())["erreur"]
        conn.close()
    assert demo.predict([0.0] * 784)[0] == 200


def test_pages_and_unknown_paths(demo):
    for path, kind in (
        ("/", "text/html"),
        ("/index.html", "text/html"),
        ("/app.js", "javascript"),
        ("/style.css", "text/css"),
    ):
        conn = http.client.HTTPConnection("127.0.0.1", demo.port, timeout=10)
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read().decode()
        assert resp.status == 200 and kind in resp.getheader("Content-Type")
        # offline: nothing is fetched from elsewhere
        assert "http://" not in body and "https://" not in body and "//cdn" not in body
        conn.close()
    status, doc = demo.request("GET", "/", raw=True)
    assert "Dessiner" in doc.decode() and "Apprendre" in doc.decode()
    for path in ("/../../etc/passwd", "/static/index.html", "/fastnet/io.py", "/api/nope"):
        status, doc = demo.request("GET", path)
        assert status == 404 and "erreur" in doc
    status, doc = demo.request("POST", "/api/nope", {"a": 1})
    assert status == 404


@needs_mnist
def test_concurrent_predictions(demo, test_digits):
    X, _ = test_digits
    expected = demo.net.forward(X[:64].astype(np.float64).T)
    failures = []

    def worker(k):
        for i in range(k, 64, 8):
            status, doc = demo.predict(X[i])
            if status != 200 or doc["sorties"] != expected[:, i].tolist():
                failures.append((i, status))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_drawing_endpoint_preprocesses_then_predicts(demo):
    canvas = np.zeros((60, 50))
    canvas[5:55, 20:26] = 1.0  # a "1"
    status, doc = demo.request(
        "POST", "/api/dessin", {"largeur": 50, "hauteur": 60, "pixels": canvas.ravel().tolist()}
    )
    assert status == 200
    x = mnist_like(canvas)
    assert doc["image"] == np.round(x, 4).ravel().tolist()
    assert doc["sorties"] == demo.net.forward(x.reshape(784, 1))[:, 0].tolist()
    assert doc["vide"] is False
    status, doc = demo.request(
        "POST", "/api/dessin", {"largeur": 2, "hauteur": 2, "pixels": [0, 0, 0, 0]}
    )
    assert status == 200 and doc["vide"] is True
    for body in (
        {"largeur": 2, "hauteur": 2, "pixels": [0, 0, 0]},
        {"largeur": 0, "hauteur": 2, "pixels": []},
        {"largeur": 1000, "hauteur": 1, "pixels": [0] * 1000},
        {"hauteur": 2, "pixels": [0, 0]},
    ):
        status, doc = demo.request("POST", "/api/dessin", body)
        assert status == 400, body


def test_training_config_is_checked():
    assert check_config({}) == {"cachees": [30], "epoques": 30, "mini_batch": 10, "eta": 3.0}
    for bad in (
        {"eta": 0},
        {"eta": float("nan")},
        {"eta": "3"},
        {"epoques": 0},
        {"epoques": 1000},
        {"mini_batch": 2.5},
        {"cachees": 30},
        {"cachees": [30, 30, 30, 30]},
        {"cachees": [0]},
        {"cachees": [True]},
        {"cachees": [10000]},
        {"fichier": "/etc/passwd"},
        [1, 2],
    ):
        with pytest.raises((TypeError, ValueError)):
            check_config(bad)


def wait_for(demo, condition, timeout=120):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        status, state = demo.request("GET", "/api/etat")
        assert status == 200
        if condition(state):
            return state
        time.sleep(0.1)
    raise AssertionError(f"timed out; last state {state}")


@needs_mnist
def test_training_runs_and_reports_each_epoch():
    demo = Demo(None)
    try:
        assert demo.request("GET", "/api/etat")[1]["etat"] == "vide"
        status, doc = demo.request(
            "POST", "/api/entrainer", {"cachees": [20], "epoques": 3, "mini_batch": 10, "eta": 3.0}
        )
        assert status == 202 and doc["config"]["cachees"] == [20]
        state = wait_for(demo, lambda s: s["etat"] in ("pret", "erreur"))
        assert state["etat"] == "pret", state
        assert state["tailles"] == [784, 20, 10] and state["epoque"] == 3
        h = state["historique"]
        assert h["epoque"] == [0, 1, 2] and len(h["cout"]) == 3
        assert all(0 <= p <= 1 for p in h["precision"]) and h["precision"][-1] > 0.5
        assert state["n_entrainement"] == state["n_test"] == LIMIT
        # the served network is the trained one: its accuracy is the last one shown
        (_X, _y), (Xt, yt) = load_slice()
        assert demo.trainer.net.evaluer((Xt, yt)) == round(h["precision"][-1] * LIMIT)
        status, w = demo.request("GET", "/api/poids")
        assert status == 200 and w["neurones"] == 20 and w["version"] == state["version"]
        assert np.array(w["poids"]).shape == (20, 28, 28)
        assert np.allclose(
            np.array(w["poids"]).reshape(20, 784), demo.trainer.net.poids[0].T, atol=5e-5
        )
        status, doc = demo.predict(Xt[0])
        assert (
            doc["sorties"]
            == demo.trainer.net.forward(Xt[0].astype(np.float64).reshape(784, 1))[:, 0].tolist()
        )
        # bad configurations: 400, and the network stays
        for bad in ({"eta": -1}, {"cachees": [5000]}, {"epoques": "beaucoup"}, [1]):
            status, doc = demo.request("POST", "/api/entrainer", bad)
            assert status == 400 and "\n" not in doc["erreur"], bad
        assert demo.request("GET", "/api/etat")[1]["etat"] == "pret"
    finally:
        demo.close()


@needs_mnist
def test_predictions_during_training_and_stop():
    demo = Demo(None)
    try:
        demo.request("POST", "/api/entrainer", {"cachees": [30], "epoques": 100})
        wait_for(demo, lambda s: s["epoque"] >= 1)
        outputs = [demo.predict(np.full(784, 0.3)) for _ in range(20)]
        assert all(s == 200 and len(d["sorties"]) == 10 for s, d in outputs)
        # a new run replaces the current one; the old one stops after its epoch
        status, _ = demo.request("POST", "/api/entrainer", {"cachees": [], "epoques": 100})
        assert status == 202
        state = wait_for(demo, lambda s: s["tailles"] == [784, 10] and s["epoque"] >= 1)
        assert state["etat"] == "entrainement"
        status, _doc = demo.request("POST", "/api/arreter", {})
        assert status == 200
        state = wait_for(demo, lambda s: s["etat"] == "arrete")
        assert state["epoque"] < 100
        assert demo.request("GET", "/api/poids")[1]["neurones"] == 10  # no hidden layer
    finally:
        demo.close()


def test_failed_data_load_is_reported_not_fatal():
    def no_data():
        raise FileNotFoundError("MNIST not found in /nowhere")

    demo = Demo(None, load_data=no_data)
    try:
        demo.request("POST", "/api/entrainer", {})
        state = wait_for(demo, lambda s: s["etat"] == "erreur")
        assert "MNIST not found" in state["message"]
        assert demo.request("GET", "/api/etat")[0] == 200
    finally:
        demo.close()


def test_training_can_be_switched_off():
    trainer = Trainer(load_slice, net=Reseau([784, 5, 10]))
    server = make_server(trainer, "127.0.0.1", 0, can_train=False)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        conn.request(
            "POST", "/api/entrainer", body=b"{}", headers={"Content-Type": "application/json"}
        )
        resp = conn.getresponse()
        assert resp.status == 400 and "off" in json.loads(resp.read())["erreur"]
        conn.close()
        assert trainer.state()["etat"] == "pret"
    finally:
        server.shutdown()
        server.server_close()
