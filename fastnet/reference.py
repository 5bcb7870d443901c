"""The course's network, per example, as the slides write it.

This is the readable reference that every fast path in fastnet is tested
and benchmarked against. It follows the course's code line for line (with
its slip ``self.weights``/``self.biases`` read as ``self.poids``/
``self.biais``); ``backprop`` is the one the course uses but does not show,
written for the course's weight layout ``poids[l]`` of shape
``(tailles[l], tailles[l+1])``.

Beyond the course (its last slide's questions, answered as in Nielsen's
chapter 3), the same code takes knobs: the cost (``cout``), the hidden
layers' activation, the initialisation, L2 regularisation (``lmbda``) and
momentum (``mu``). With the defaults it is exactly the course's code: same
draws, same arithmetic.

This file imports nothing but numpy and the standard library, so that it
can be run on its own (the benchmarks load it as a plain module).
"""

import random

import numpy as np


def sigmoide(z):
    """The sigmoid 1 / (1 + exp(-z)), as the course writes it."""
    return 1.0 / (1.0 + np.exp(-z))


def sigmoide_prime(z):
    """Derivative of the sigmoid."""
    return sigmoide(z) * (1 - sigmoide(z))


def tanh_prime(z):
    """Derivative of tanh: 1 - tanh(z)^2."""
    return 1.0 - np.tanh(z) ** 2


def relu(z):
    """max(z, 0)."""
    return np.maximum(z, 0.0)


def relu_prime(z):
    """1 where z > 0, else 0 (the derivative at 0 is taken as 0)."""
    return (z > 0).astype(float)


def softmax(z):
    """exp(z) / sum(exp(z)) over the column; shifted by max(z), which
    changes nothing mathematically but keeps exp from overflowing."""
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


# hidden-layer activations: (function, derivative)
ACTIVATIONS = {
    "sigmoide": (sigmoide, sigmoide_prime),
    "tanh": (np.tanh, tanh_prime),
    "relu": (relu, relu_prime),
}

# each cost and the output layer it goes with
COUTS = {"quadratique": "sigmoide", "entropie_croisee": "sigmoide", "log_vraisemblance": "softmax"}

INITS = ("uniforme", "gauss", "gauss_normalise", "xavier", "he")


def _xlogy(y, a):
    """y * ln(a), with 0 * ln(0) taken as 0 (as network2's np.nan_to_num)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y == 0, 0.0, y * np.log(a))


def cout_exemple(cout, a, y):
    """The cost of one output column ``a`` against its target ``y``."""
    if cout == "quadratique":
        return 0.5 * float(np.sum((a - y) ** 2))
    if cout == "entropie_croisee":
        return -float(np.sum(_xlogy(y, a) + _xlogy(1 - y, 1 - a)))
    # log-likelihood: -ln a[label] for a one-hot y
    return -float(np.sum(_xlogy(y, a)))


def initialisation(tailles, init="uniforme"):
    """``(biais, poids)`` drawn from ``np.random``, ``poids[l]`` in the
    course's layout ``(tailles[l], tailles[l+1])``.

    ``uniforme`` is the course's: uniform(-1, 1), all biases then all
    weights. The others draw each weight matrix as the book does,
    ``(n_out, n_in)``, and transpose it, so that ``gauss`` gives Nielsen's
    ``network.py`` network and ``gauss_normalise`` his ``network2.py``
    network for the same seed. ``xavier`` (Glorot uniform) and ``he`` start
    the biases at 0, as their papers do.
    """
    if init == "uniforme":
        biais = [np.random.uniform(-1.0, 1.0, size=(y, 1)) for y in tailles[1:]]
        poids = [
            np.random.uniform(-1.0, 1.0, size=(y, x)) for (y, x) in zip(tailles[:-1], tailles[1:])
        ]
        return biais, poids
    couches = list(zip(tailles[:-1], tailles[1:]))  # (n_in, n_out)
    if init in ("gauss", "gauss_normalise"):
        biais = [np.random.randn(n_out, 1) for _, n_out in couches]
    else:
        biais = [np.zeros((n_out, 1)) for _, n_out in couches]
    poids = []
    for n_in, n_out in couches:
        if init == "gauss":
            w = np.random.randn(n_out, n_in)
        elif init == "gauss_normalise":
            w = np.random.randn(n_out, n_in) / np.sqrt(n_in)
        elif init == "xavier":
            r = np.sqrt(6.0 / (n_in + n_out))
            w = np.random.uniform(-r, r, size=(n_out, n_in))
        elif init == "he":
            w = np.random.randn(n_out, n_in) * np.sqrt(2.0 / n_in)
        else:
            raise ValueError(f"init: expected one of {', '.join(INITS)}, got {init!r}")
        poids.append(w.T.copy())
    return biais, poids


class ReseauReference:
    """The course's ``Reseau``, one example at a time (slow, for checking).

    ``cout`` is ``quadratique`` (the course's), ``entropie_croisee`` or
    ``log_vraisemblance`` (softmax outputs); ``activation`` is that of the
    hidden layers, ``sigmoide`` (the course's), ``tanh`` or ``relu``;
    ``sortie`` (the output layer) follows from ``cout`` and may be given to
    say so; ``init`` is one of :data:`INITS` (see :func:`initialisation`).
    """

    # the course's network; class-level so that an instance made with
    # __new__ and given only poids/biais (as some tests do) is the course's
    cout, activation, sortie = "quadratique", "sigmoide", "sigmoide"

    def __init__(
        self, tailles, cout="quadratique", activation="sigmoide", sortie=None, init="uniforme"
    ):
        if cout not in COUTS:
            raise ValueError(f"cout: expected one of {', '.join(COUTS)}, got {cout!r}")
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"activation: expected one of {', '.join(ACTIVATIONS)}, got {activation!r}"
            )
        if sortie not in (None, COUTS[cout]):
            raise ValueError(
                f"sortie: the cost {cout} goes with {COUTS[cout]} outputs, got {sortie!r}"
            )
        self.cout, self.activation, self.sortie = cout, activation, COUTS[cout]
        self.nb_couches = len(tailles)
        self.tailles = tailles
        self.biais, self.poids = initialisation(tailles, init)
        self._vitesses_a_zero()

    def _fonctions(self):
        """The activation function of each layer, inputs excluded."""
        cachee = ACTIVATIONS[self.activation][0]
        derniere = softmax if self.sortie == "softmax" else sigmoide
        return [cachee] * (self.nb_couches - 2) + [derniere]

    def _vitesses_a_zero(self):
        # momentum's velocities: one per weight and bias, at rest
        self.vitesse_poids = [np.zeros(w.shape) for w in self.poids]
        self.vitesse_biais = [np.zeros(b.shape) for b in self.biais]

    def forward(self, x):
        for b, w, f in zip(self.biais, self.poids, self._fonctions()):
            x = f(np.matmul(w.T, x) + b)
        return x

    def evaluer(self, test_data):
        resultats = [(np.argmax(self.forward(x)), y) for (x, y) in test_data]
        return sum(int(x == y) for (x, y) in resultats)

    def cout_total(self, data, lmbda=0.0):
        """Mean cost over the pairs ``(x, y)`` (``y`` a target column), plus
        network2's L2 term ``0.5 * lmbda / n * sum ||w||^2``."""
        data = list(data)
        total = sum(cout_exemple(self.cout, self.forward(x), y) for x, y in data)
        carres = sum(float(np.sum(w**2)) for w in self.poids)
        return total / len(data) + 0.5 * (lmbda / len(data)) * carres

    def DGS(
        self, training_data, nb_epoques, taille_mini_batch, eta, test_data=None, lmbda=0.0, mu=0.0
    ):
        if test_data is not None:
            n_test = len(test_data)
        n = len(training_data)
        self._vitesses_a_zero()  # each call starts at rest
        for j in range(nb_epoques):
            random.shuffle(training_data)
            mini_batches = [
                training_data[k : k + taille_mini_batch] for k in range(0, n, taille_mini_batch)
            ]
            for mini_batch in mini_batches:
                self.update_mini_batch(mini_batch, eta, lmbda, n, mu)
            if test_data is not None:
                print(f"Époque {j}: {self.evaluer(test_data)} / {n_test}")
            else:
                print(f"Époque {j} complete")

    def update_mini_batch(self, mini_batch, eta, lmbda=0.0, n=None, mu=0.0):
        """One step on ``mini_batch``. ``lmbda``: L2 as in network2, the
        weights (not the biases) scaled by ``1 - eta * lmbda / n`` where
        ``n`` is the size of the whole training set (default: the
        mini-batch's). ``mu``: momentum, ``v <- mu * v - eta/m * nabla``
        then ``w <- (1 - eta * lmbda / n) * w + v``."""
        nabla_b = [np.zeros(b.shape) for b in self.biais]
        nabla_w = [np.zeros(w.shape) for w in self.poids]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        m = len(mini_batch)
        n = m if n is None else n
        # with lmbda = 0 the factor is exactly 1.0: the course's step
        decay = 1 - eta * (lmbda / n)
        if mu == 0:
            self.poids = [decay * w - (eta / m) * nw for w, nw in zip(self.poids, nabla_w)]
            self.biais = [b - (eta / m) * nb for b, nb in zip(self.biais, nabla_b)]
            return
        self.vitesse_poids = [mu * v - (eta / m) * nw for v, nw in zip(self.vitesse_poids, nabla_w)]
        self.vitesse_biais = [mu * v - (eta / m) * nb for v, nb in zip(self.vitesse_biais, nabla_b)]
        self.poids = [decay * w + v for w, v in zip(self.poids, self.vitesse_poids)]
        self.biais = [b + v for b, v in zip(self.biais, self.vitesse_biais)]

    def backprop(self, x, y):
        """Gradient of the cost of one example (the course's quadratic
        ||a - y||^2 / 2 by default)."""
        nabla_b = [np.zeros(b.shape) for b in self.biais]
        nabla_w = [np.zeros(w.shape) for w in self.poids]
        activation = x
        activations = [x]
        zs = []
        for b, w, f in zip(self.biais, self.poids, self._fonctions()):
            z = np.matmul(w.T, activation) + b
            zs.append(z)
            activation = f(z)
            activations.append(activation)
        if self.cout == "quadratique":
            delta = (activations[-1] - y) * sigmoide_prime(zs[-1])
        else:
            # cross-entropy with sigmoids, log-likelihood with softmax: the
            # output's derivative cancels, leaving a - y
            delta = activations[-1] - y
        nabla_b[-1] = delta
        nabla_w[-1] = np.matmul(activations[-2], delta.T)
        derivee = ACTIVATIONS[self.activation][1]
        for l in range(2, self.nb_couches):
            delta = np.matmul(self.poids[-l + 1], delta) * derivee(zs[-l])
            nabla_b[-l] = delta
            nabla_w[-l] = np.matmul(activations[-l - 1], delta.T)
        return (nabla_b, nabla_w)
