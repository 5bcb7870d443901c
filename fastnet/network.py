"""``Network``: the same engine behind the English API of Nielsen's
``network.py`` (chapter 1 of "Neural Networks and Deep Learning")."""
import numpy as np

from .historique import Historique
from .reseau import _Facade, check_sizes


class Network(_Facade):
    """Nielsen's ``network.Network``, trained by compiled mini-batch SGD.

    Parameters
    ----------
    sizes : list of int
        Layer sizes, inputs first.
    dtype, parallel : as for :class:`fastnet.Reseau`.

    ``weights[l]`` has shape ``(sizes[l+1], sizes[l])`` (the book's layout)
    and ``biases[l]`` shape ``(sizes[l+1], 1)``. They start as
    ``np.random.randn`` draws in the book's order (biases, then weights), so
    that after ``np.random.seed(s)`` the network is the book's.
    """

    _W, _B = "weights", "biases"

    def __init__(self, sizes, dtype=np.float64, parallel=False):
        ok = check_sizes(sizes, "sizes")
        self._check_options(dtype, parallel)
        self.num_layers = len(ok)
        self.sizes = sizes
        biases = [np.random.randn(y, 1) for y in ok[1:]]
        weights = [np.random.randn(y, x) for x, y in zip(ok[:-1], ok[1:])]
        self._init_engine(ok, dtype, parallel, biases, [w.T for w in weights])

    @classmethod
    def _with_params(cls, sizes, biases, weights_in_out, dtype=np.float64, parallel=False):
        """A network with the given (checked) parameters, weights as
        ``(n_in, n_out)`` blocks; draws nothing."""
        net = cls.__new__(cls)
        net.num_layers, net.sizes = len(sizes), sizes
        net._init_engine(sizes, dtype, parallel, biases, weights_in_out)
        return net

    # the buffer holds (n_in, n_out) blocks; the book shows their transposes
    def _weight_to_view(self, w):
        return w.T

    def _view_to_in_out(self, w):
        return np.asarray(w).T

    @property
    def dtype(self):
        """Precision of the parameters (float64 or float32)."""
        return self._engine.dtype

    @property
    def weights(self):
        """Weights, ``weights[l]`` of shape ``(sizes[l+1], sizes[l])``."""
        return self._wlist

    @weights.setter
    def weights(self, values):
        self._set_weights(values)

    @property
    def biases(self):
        """Biases, ``biases[l]`` of shape ``(sizes[l+1], 1)``."""
        return self._blist

    @biases.setter
    def biases(self, values):
        self._set_biases(values)

    def feedforward(self, a):
        """Output for ``a`` of shape ``(sizes[0], 1)`` or ``(sizes[0], m)``."""
        return self._forward(a, "a")

    def evaluate(self, test_data):
        """Number of test inputs whose output's argmax equals the label."""
        return self._count(test_data, "test_data")

    def SGD(self, training_data, epochs, mini_batch_size, eta, test_data=None,
            parallel=None, callback=None):
        """Mini-batch stochastic gradient descent, as in the book; prints
        ``Epoch j: correct / n_test`` or ``Epoch j complete``. Returns the
        per-epoch history described in :meth:`fastnet.Reseau.DGS`."""
        return Historique(self._train(
            training_data, epochs, mini_batch_size, eta, test_data,
                           parallel, ("Epoch {0}: {1} / {2}", "Epoch {0} complete"),
                           ("epochs", "mini_batch_size", "training_data", "test_data", "SGD"),
                           callback))

    def update_mini_batch(self, mini_batch, eta):
        """One gradient step on the pairs of ``mini_batch``."""
        self._update(mini_batch, eta, "mini_batch")

    def backprop(self, x, y):
        """``(nabla_b, nabla_w)`` for one example, shaped like
        ``biases``/``weights``."""
        return self._gradients(x, y)

    def __repr__(self):
        return f"Network({self.sizes!r}, dtype={np.dtype(self.dtype).name})"
