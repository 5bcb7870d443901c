"""A readable, per-example version of Nielsen's ``network2.py`` (chapter 3)
for the tests: its draws, its L2 step, its monitoring and printed lines,
written from the book's description (book layout: ``weights[l]`` is
``(sizes[l+1], sizes[l])``)."""

import random

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def one_hot(label, n):
    e = np.zeros((n, 1))
    e[label] = 1.0
    return e


class Network2Reference:
    def __init__(self, sizes, cost="CrossEntropyCost"):
        self.sizes, self.cost = sizes, cost
        self.default_weight_initializer()

    def default_weight_initializer(self):
        # biases N(0, 1), then weights N(0, 1) / sqrt(inputs of the neuron)
        self.biases = [np.random.randn(n, 1) for n in self.sizes[1:]]
        self.weights = [
            np.random.randn(n_out, n_in) / np.sqrt(n_in)
            for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])
        ]

    def large_weight_initializer(self):
        self.biases = [np.random.randn(n, 1) for n in self.sizes[1:]]
        self.weights = [
            np.random.randn(n_out, n_in) for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])
        ]

    def feedforward(self, a):
        for b, w in zip(self.biases, self.weights):
            a = sigmoid(w @ a + b)
        return a

    def example_cost(self, a, y):
        if self.cost == "QuadraticCost":
            return 0.5 * float(np.sum((a - y) ** 2))
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = -(y * np.log(a)) - (1 - y) * np.log(1 - a)
        return float(np.sum(np.nan_to_num(terms)))

    def backprop(self, x, y):
        activations, zs = [x], []
        for b, w in zip(self.biases, self.weights):
            zs.append(w @ activations[-1] + b)
            activations.append(sigmoid(zs[-1]))
        a = activations[-1]
        delta = a - y
        if self.cost == "QuadraticCost":
            delta = delta * a * (1 - a)
        grads_b, grads_w = [None] * len(self.biases), [None] * len(self.weights)
        for l in range(len(self.weights) - 1, -1, -1):
            grads_b[l] = delta
            grads_w[l] = delta @ activations[l].T
            if l:
                s = activations[l]
                delta = (self.weights[l].T @ delta) * s * (1 - s)
        return grads_b, grads_w

    def step(self, batch, eta, lmbda, n):
        sum_b = [np.zeros(b.shape) for b in self.biases]
        sum_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in batch:
            gb, gw = self.backprop(x, y)
            sum_b = [s + g for s, g in zip(sum_b, gb)]
            sum_w = [s + g for s, g in zip(sum_w, gw)]
        m = len(batch)
        self.weights = [
            (1 - eta * (lmbda / n)) * w - (eta / m) * g for w, g in zip(self.weights, sum_w)
        ]
        self.biases = [b - (eta / m) * g for b, g in zip(self.biases, sum_b)]

    def accuracy(self, data):
        right = 0
        for x, y in data:
            label = y if isinstance(y, (int, np.integer)) else int(np.argmax(y))
            right += int(np.argmax(self.feedforward(x)) == label)
        return right

    def total_cost(self, data, lmbda):
        n_out = self.sizes[-1]
        total = 0.0
        for x, y in data:
            target = one_hot(y, n_out) if isinstance(y, (int, np.integer)) else y
            total += self.example_cost(self.feedforward(x), target) / len(data)
        return total + 0.5 * (lmbda / len(data)) * sum(float(np.sum(w * w)) for w in self.weights)

    def SGD(
        self,
        training_data,
        epochs,
        batch,
        eta,
        lmbda=0.0,
        evaluation_data=None,
        monitor_evaluation_cost=False,
        monitor_evaluation_accuracy=False,
        monitor_training_cost=False,
        monitor_training_accuracy=False,
    ):
        n = len(training_data)
        lists = ([], [], [], [])
        for j in range(epochs):
            random.shuffle(training_data)
            for k in range(0, n, batch):
                self.step(training_data[k : k + batch], eta, lmbda, n)
            print(f"Epoch {j} training complete")
            if monitor_training_cost:
                lists[2].append(self.total_cost(training_data, lmbda))
                print(f"Cost on training data: {lists[2][-1]}")
            if monitor_training_accuracy:
                lists[3].append(self.accuracy(training_data))
                print(f"Accuracy on training data: {lists[3][-1]} / {n}")
            if monitor_evaluation_cost:
                lists[0].append(self.total_cost(evaluation_data, lmbda))
                print(f"Cost on evaluation data: {lists[0][-1]}")
            if monitor_evaluation_accuracy:
                lists[1].append(self.accuracy(evaluation_data))
                print(f"Accuracy on evaluation data: {lists[1][-1]} / {len(evaluation_data)}")
            print()
        return lists
