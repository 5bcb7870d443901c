"""The course's network, per example, as the slides write it.

This is the readable reference that every fast path in fastnet is tested
and benchmarked against. It follows the course's code line for line (with
its slip ``self.weights``/``self.biases`` read as ``self.poids``/
``self.biais``); ``backprop`` is the one the course uses but does not show,
written for the course's weight layout ``poids[l]`` of shape
``(tailles[l], tailles[l+1])``.
"""
import random

import numpy as np


def sigmoide(z):
    """The sigmoid 1 / (1 + exp(-z)), as the course writes it."""
    return 1.0 / (1.0 + np.exp(-z))


def sigmoide_prime(z):
    """Derivative of the sigmoid."""
    return sigmoide(z) * (1 - sigmoide(z))


class ReseauReference:
    """The course's ``Reseau``, one example at a time (slow, for checking)."""

    def __init__(self, tailles):
        self.nb_couches = len(tailles)
        self.tailles = tailles
        self.biais = [np.random.uniform(-1., 1., size=(y, 1))
                      for y in tailles[1:]]
        self.poids = [np.random.uniform(-1., 1., size=(y, x))
                      for (y, x) in zip(tailles[:-1], tailles[1:])]

    def forward(self, x):
        for b, w in zip(self.biais, self.poids):
            x = sigmoide(np.matmul(w.T, x) + b)
        return x

    def evaluer(self, test_data):
        resultats = [(np.argmax(self.forward(x)), y) for (x, y) in test_data]
        return sum(int(x == y) for (x, y) in resultats)

    def DGS(self, training_data, nb_epoques, taille_mini_batch, eta,
            test_data=None):
        if test_data is not None:
            n_test = len(test_data)
        n = len(training_data)
        for j in range(nb_epoques):
            random.shuffle(training_data)
            mini_batches = [training_data[k:k + taille_mini_batch]
                            for k in range(0, n, taille_mini_batch)]
            for mini_batch in mini_batches:
                self.update_mini_batch(mini_batch, eta)
            if test_data is not None:
                print(f"Époque {j}: {self.evaluer(test_data)} / {n_test}")
            else:
                print(f"Époque {j} complete")

    def update_mini_batch(self, mini_batch, eta):
        nabla_b = [np.zeros(b.shape) for b in self.biais]
        nabla_w = [np.zeros(w.shape) for w in self.poids]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        self.poids = [w - (eta / len(mini_batch)) * nw
                      for w, nw in zip(self.poids, nabla_w)]
        self.biais = [b - (eta / len(mini_batch)) * nb
                      for b, nb in zip(self.biais, nabla_b)]

    def backprop(self, x, y):
        """Gradient of the quadratic cost ||a - y||^2 / 2 for one example."""
        nabla_b = [np.zeros(b.shape) for b in self.biais]
        nabla_w = [np.zeros(w.shape) for w in self.poids]
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biais, self.poids):
            z = np.matmul(w.T, activation) + b
            zs.append(z)
            activation = sigmoide(z)
            activations.append(activation)
        delta = (activations[-1] - y) * sigmoide_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = np.matmul(activations[-2], delta.T)
        for l in range(2, self.nb_couches):
            delta = np.matmul(self.poids[-l + 1], delta) * sigmoide_prime(zs[-l])
            nabla_b[-l] = delta
            nabla_w[-l] = np.matmul(activations[-l - 1], delta.T)
        return (nabla_b, nabla_w)
