"""The numpy peer: the book's "fully matrix-based" mini-batch SGD.

Same network and math as the course's ``Reseau`` (sigmoid layers,
quadratic cost, ``w <- w - eta/m * sum of gradients``, weights laid out
``(n_in, n_out)``), but each mini-batch is one Python step: its ``m``
examples go through the layers together as an ``(m, n_in)`` matrix, so
the per-example loop becomes a few matrix products per layer. This is the
fastest the course's algorithm gets in plain numpy, and the fair peer for
fastnet's compiled kernels.
"""

import numpy as np


def sigmoid(z):
    """1 / (1 + exp(-z)), element-wise, in the dtype of ``z``."""
    return 1.0 / (1.0 + np.exp(-z))


class MatrixReseau:
    """The course's network, trained one mini-batch matrix at a time.

    Parameters
    ----------
    biais, poids : lists of arrays in the course's layout
        ``biais[l]`` ``(n_out, 1)``, ``poids[l]`` ``(n_in, n_out)``; copied.
    dtype : numpy.float64 or numpy.float32
        Precision of the parameters and of all the arithmetic.
    """

    def __init__(self, biais, poids, dtype=np.float64):
        self.dtype = np.dtype(dtype)
        self.poids = [np.array(w, dtype=self.dtype) for w in poids]
        # biases as rows (1, n_out), to broadcast over the examples (rows)
        self.biais = [np.array(b, dtype=self.dtype).reshape(1, -1) for b in biais]

    def forward(self, X):
        """Outputs ``(m, n_out)`` for the rows of ``X`` ``(m, n_in)``."""
        a = X
        for w, b in zip(self.poids, self.biais):
            a = sigmoid(a @ w + b)
        return a

    def evaluer(self, X, labels):
        """Number of rows whose output argmax equals the label."""
        return int(np.count_nonzero(np.argmax(self.forward(X), axis=1) == labels))

    def backprop(self, X, Y):
        """Summed gradients ``(nabla_b, nabla_w)`` over the rows of X/Y,
        ``nabla_b[l]`` as rows ``(1, n_out)``."""
        acts = [X]
        a = X
        for w, b in zip(self.poids, self.biais):
            a = sigmoid(a @ w + b)
            acts.append(a)
        # sigmoid'(z) = a (1 - a), bit for bit what the course recomputes
        delta = (a - Y) * (a * (1 - a))
        nabla_b = [None] * len(self.poids)
        nabla_w = [None] * len(self.poids)
        nabla_b[-1] = delta.sum(axis=0, keepdims=True)
        nabla_w[-1] = acts[-2].T @ delta
        for l in range(2, len(acts)):
            a = acts[-l]
            delta = (delta @ self.poids[-l + 1].T) * (a * (1 - a))
            nabla_b[-l] = delta.sum(axis=0, keepdims=True)
            nabla_w[-l] = acts[-l - 1].T @ delta
        return nabla_b, nabla_w

    def update_mini_batch(self, X, Y, eta):
        """One SGD step on the mini-batch rows X ``(m, n_in)``, Y ``(m, n_out)``."""
        nabla_b, nabla_w = self.backprop(X, Y)
        step = eta / X.shape[0]
        for w, g in zip(self.poids, nabla_w):
            w -= step * g
        for b, g in zip(self.biais, nabla_b):
            b -= step * g

    def epoch(self, X, Y, batch, eta, rng):
        """One epoch: shuffle with ``rng``, then one step per mini-batch.

        ``X`` ``(n, n_in)`` and one-hot ``Y`` ``(n, n_out)`` should already be
        in the network's dtype (a float32 ``X`` is read as is).
        """
        n = X.shape[0]
        order = rng.permutation(n)
        for k in range(0, n, batch):
            idx = order[k : k + batch]
            self.update_mini_batch(X[idx], Y[idx], eta)

    def course_params(self):
        """``(biais, poids)`` in the course's layout (copies)."""
        return ([b.reshape(-1, 1).copy() for b in self.biais], [w.copy() for w in self.poids])
