"""The demo's network and its training, shared by the server's threads.

One :class:`Trainer` holds the network that answers predictions and, while
a run is going on, trains a new one in a background thread. After each
epoch the trained weights are copied into a fresh network that replaces the
served one in a single assignment: a prediction always sees one whole
network, never weights halfway through a mini-batch.
"""

import copy
import math
import random
import threading
import time

import numpy as np

from ..reseau import Reseau

N_IN, N_OUT = 784, 10  # 28x28 pixels in, 10 digits out

# what the page may ask for: enough to explore, small enough to stay a demo
LIMITS = {
    "eta": (1e-4, 100.0),
    "epoques": (1, 100),
    "mini_batch": (1, 1000),
    "cachees": (0, 3),
    "neurones": (1, 400),
}
DEFAULT = {"cachees": [30], "epoques": 30, "mini_batch": 10, "eta": 3.0}  # the course's
MAX_SHOWN = 100  # hidden neurons whose weights /api/poids returns

__all__ = ["DEFAULT", "LIMITS", "Trainer", "check_config"]


class _Stopped(Exception):
    """Raised from the epoch callback to end a run early."""


def _int_in(config, key, limits):
    value = config[key]
    lo, hi = limits
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{key}: expected an int, got {value!r}"[:120])
    if not lo <= value <= hi:
        raise ValueError(f"{key}: expected an int in {lo}..{hi}, got {value}")
    return value


def check_config(config):
    """A training request (``cachees``, ``epoques``, ``mini_batch``, ``eta``;
    missing keys take the course's values) checked against ``LIMITS``;
    TypeError or ValueError naming the key otherwise."""
    if not isinstance(config, dict):
        raise TypeError(
            "expected a JSON object such as "
            '{"cachees": [30], "epoques": 30, "mini_batch": 10, "eta": 3.0}'
        )
    unknown = sorted(set(config) - set(DEFAULT))
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (expected {', '.join(DEFAULT)})")
    out = {**DEFAULT, **config}
    hidden = out["cachees"]
    if not isinstance(hidden, list):
        raise TypeError(
            f"cachees: expected a list of hidden layer sizes such as [30], got {hidden!r}"[:120]
        )
    lo, hi = LIMITS["cachees"]
    if not lo <= len(hidden) <= hi:
        raise ValueError(f"cachees: expected {lo} to {hi} hidden layers, got {len(hidden)}")
    for i, n in enumerate(hidden):
        _int_in({f"cachees[{i}]": n}, f"cachees[{i}]", LIMITS["neurones"])
    _int_in(out, "epoques", LIMITS["epoques"])
    _int_in(out, "mini_batch", LIMITS["mini_batch"])
    eta = out["eta"]
    if isinstance(eta, bool) or not isinstance(eta, (int, float)) or not math.isfinite(eta):
        raise TypeError(f"eta: expected a finite number, got {eta!r}"[:120])
    lo, hi = LIMITS["eta"]
    if not lo <= eta <= hi:
        raise ValueError(f"eta: expected a number in [{lo:g}, {hi:g}], got {eta:g}")
    out["eta"] = float(eta)
    out["cachees"] = list(hidden)
    return out


def first_layer(net):
    """The first layer's weights as (neurons, inputs), whatever the class."""
    if isinstance(net, Reseau):
        return np.asarray(net.poids[0]).T
    return np.asarray(net.weights[0])  # Network and network2: (n_out, n_in)


def outputs(net, column):
    """The network's output column for one input column."""
    if isinstance(net, Reseau):
        return net.forward(column)
    return net.feedforward(column)


class Trainer:
    """The served network and the training runs.

    Parameters
    ----------
    load_data : callable
        ``load_data()`` gives ``((X_train, y_train), (X_test, y_test))``;
        called once, in the training thread, the first time a run needs it.
    net : Reseau, Network or network2.Network, optional
        The network to serve until a run replaces it.
    log : callable, optional
        Called with one line of text per event (start, epoch, end).
    """

    def __init__(self, load_data, net=None, log=None):
        self._load_data = load_data
        self._data = None
        self._lock = threading.Lock()
        self._thread = None
        self._stop = threading.Event()
        self._log = log or (lambda line: None)
        self.net = net
        self._state = {
            "etat": "pret" if net is not None else "vide",
            "message": "",
            "source": "fichier" if net is not None else None,
            "config": None,
            "epoque": 0,
            "epoques": 0,
            "version": 0,
            "n_entrainement": None,
            "n_test": None,
            "historique": {"epoque": [], "precision": [], "cout": [], "secondes": []},
        }

    # -- what the handlers call (any thread) ------------------------------
    def predict(self, pixels):
        """``(outputs, digit)`` for 784 pixels (a flat float64 array)."""
        net = self.net  # one read: the whole network of one moment
        if net is None:
            raise RuntimeError("no network yet")
        out = outputs(net, pixels.reshape(N_IN, 1))[:, 0]
        return [float(v) for v in out], int(np.argmax(out))

    def state(self):
        """A JSON-ready copy of the training state."""
        with self._lock:
            s = dict(self._state)
            s["historique"] = {k: list(v) for k, v in s["historique"].items()}
        net = self.net
        s["tailles"] = None if net is None else [int(n) for n in _sizes(net)]
        return s

    def weights(self):
        """The first layer's weights, one 28x28 image (rounded) per neuron."""
        with self._lock:
            version = self._state["version"]
        net = self.net
        if net is None:
            return {"version": version, "neurones": 0, "poids": []}
        w = first_layer(net)
        shown = w[:MAX_SHOWN]
        return {
            "version": version,
            "neurones": int(w.shape[0]),
            "poids": np.round(shown.reshape(-1, 28, 28), 4).tolist(),
        }

    def start(self, config):
        """Start a run with ``config`` (see :func:`check_config`) after the
        current one, if any, has stopped; returns the checked config."""
        config = check_config(config)
        with self._lock:
            previous = self._thread
            self._stop.set()
            stop = self._stop = threading.Event()
            self._state.update(
                etat="attente",
                message="",
                config=config,
                epoque=0,
                epoques=config["epoques"],
                source="entrainement",
                historique={"epoque": [], "precision": [], "cout": [], "secondes": []},
            )
            self._thread = threading.Thread(
                target=self._run,
                args=(config, stop, previous),
                name="fastnet-demo-training",
                daemon=True,
            )
            self._thread.start()
        return config

    def stop(self, wait=False):
        """Ask the current run to end after its epoch (``wait``: until it has)."""
        with self._lock:
            self._stop.set()
            thread = self._thread
        if wait and thread is not None:
            thread.join()

    def wait(self, timeout=None):
        """Wait for the current run to end; True if none is running."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    # -- the training thread ----------------------------------------------
    def _set(self, stop, **changes):
        """Update the state for the run of ``stop``, unless a newer run
        has replaced it (a replaced run finishes its epoch silently)."""
        with self._lock:
            if self._stop is stop:
                self._state.update(changes)

    def _run(self, config, stop, previous):
        if previous is not None:
            previous.join()
        if stop.is_set():
            return
        try:
            if self._data is None:
                self._set(stop, etat="chargement", message="chargement de MNIST")
                self._data = self._load_data()
            (X, y), test = self._data
            self._set(stop, n_entrainement=len(y), n_test=len(test[1]))
            sizes = [N_IN, *config["cachees"], N_OUT]
            net = Reseau(sizes)
            self._publish(net, stop)
            self.predict(np.zeros(N_IN))  # compiles the forward pass now, not at the first stroke
            self._set(stop, etat="entrainement", message="")
            self._log(
                f"Entraînement de {sizes} : {config['epoques']} époques, "
                f"mini-batch {config['mini_batch']}, eta = {config['eta']:g}"
            )
            started = [time.perf_counter()]

            def after_epoch(j, correct):
                seconds = time.perf_counter() - started[0]
                cost = net.cout_total((X, y))
                self._publish(net, stop)
                with self._lock:
                    if self._stop is not stop:
                        raise _Stopped
                    h = self._state["historique"]
                    h["epoque"].append(j)
                    h["precision"].append(correct / len(test[1]))
                    h["cout"].append(cost)
                    h["secondes"].append(seconds)
                    self._state["epoque"] = j + 1
                self._log(f"Époque {j} : {correct} / {len(test[1])}")
                if stop.is_set():
                    raise _Stopped
                started[0] = time.perf_counter()

            net.DGS(
                (X, y),
                config["epoques"],
                config["mini_batch"],
                config["eta"],
                test_data=test,
                callback=after_epoch,
                verbose=False,
                rng=random.Random(),
            )
            self._set(stop, etat="pret", message="")
        except _Stopped:
            self._set(stop, etat="arrete", message="entraînement arrêté")
        except Exception as e:  # noqa: BLE001 (the run fails, the server goes on)
            message = " ".join(str(e).split()) or type(e).__name__
            self._set(stop, etat="erreur", message=message)
            self._log(f"Entraînement interrompu : {message}")

    def _publish(self, net, stop):
        snapshot = copy.deepcopy(net)  # an independent network: training goes on
        with self._lock:
            if self._stop is stop:
                self.net = snapshot
                self._state["version"] += 1


def _sizes(net):
    return net.tailles if isinstance(net, Reseau) else net.sizes
