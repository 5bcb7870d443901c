"""The options and wording of a training call, and the schedule that
watches validation accuracy: plain data, shared by the facades and
:mod:`fastnet._model`'s training loop.

``Reseau`` (French), ``Network`` and ``network2.Network`` (English) differ
only in names and printed lines; each passes its :class:`Vocabulary` and a
:class:`TrainOptions` to the shared loop.
"""

from dataclasses import dataclass

import numpy as np

STOP = "stop"  # what a per-epoch hook returns to end training
HISTORY = (
    "epoque",
    "precision",
    "precision_test",
    "precision_validation",
    "cout",
    "secondes",
    "eta",
    "compilation",
)
# the schedule stops when eta has dropped to eta0 / 2**7 = eta0 / 128
HALVINGS = 7


class Schedule:
    """Early stopping and network2's eta schedule, both driven by the
    accuracy on validation data ("no improvement in n epochs").

    Parameters
    ----------
    eta : float
        The starting learning rate.
    patience : int or None
        Stop after that many epochs without improvement.
    halve_after : int or None
        Halve eta after that many epochs without improvement; stop when it
        has been halved :data:`HALVINGS` times.

    Examples
    --------
    >>> s = Schedule(1.0, None, 1)
    >>> s.update(5), s.update(5)
    (None, 0.5)
    """

    def __init__(self, eta, patience, halve_after):
        self.eta, self.patience, self.halve_after = eta, patience, halve_after
        self.best = None
        self.since_best = self.since_change = self.halvings = 0

    def update(self, correct):
        """The verdict after an epoch.

        Parameters
        ----------
        correct : int
            Validation examples right after this epoch.

        Returns
        -------
        None, STOP or float
            Go on, stop, or go on with this new eta.
        """
        if self.best is None or correct > self.best:
            self.best, self.since_best, self.since_change = correct, 0, 0
        else:
            self.since_best += 1
            self.since_change += 1
        if self.patience and self.since_best >= self.patience:
            return STOP
        if self.halve_after and self.since_change >= self.halve_after:
            self.halvings += 1
            if self.halvings >= HALVINGS:  # eta would be eta0 / 128: done
                return STOP
            self.eta /= 2
            self.since_change = 0
            return self.eta
        return None


@dataclass(frozen=True)
class Vocabulary:
    """How a facade names the training arguments and what it prints.

    Parameters
    ----------
    epochs, batch, training, test : str
        The names of the epoch count, mini-batch size, training data and
        test data arguments (in the messages).
    entry : str
        The training method's name (``"DGS"``, ``"SGD"``).
    epoch : str
        The word for an epoch in the printed lines (``"Époque"``).

    Examples
    --------
    >>> FRENCH.entry, ENGLISH.epoch
    ('DGS', 'Epoch')
    """

    epochs: str
    batch: str
    training: str
    test: str
    entry: str
    epoch: str

    def line(self, j, correct=None, n=None):
        """The line printed after epoch ``j``.

        Parameters
        ----------
        j : int
            The epoch.
        correct, n : int, optional
            Test examples right, out of ``n`` (None without test data).

        Returns
        -------
        str

        Examples
        --------
        >>> FRENCH.line(0, 9, 10), ENGLISH.line(1)
        ('Époque 0: 9 / 10', 'Epoch 1 complete')
        """
        if correct is None:
            return f"{self.epoch} {j} complete"
        return f"{self.epoch} {j}: {correct} / {n}"


FRENCH = Vocabulary(
    "nb_epoques", "taille_mini_batch", "training_data", "test_data", "DGS", "Époque"
)
ENGLISH = Vocabulary("epochs", "mini_batch_size", "training_data", "test_data", "SGD", "Epoch")


@dataclass(frozen=True)
class TrainOptions:
    """The optional arguments of a training call, as given (checked by
    :meth:`_Facade._train`).

    Parameters
    ----------
    test_data, parallel, callback, lmbda, mu, validation_data, verbose, rng
        As in :meth:`fastnet.Reseau.DGS`.
    patience, halve_after, track_cost
        ``DGS``'s ``arret_precoce``, ``reduction_eta`` and ``suivre_cout``.

    Examples
    --------
    >>> TrainOptions(lmbda=5.0).mu
    0.0
    """

    test_data: object = None
    parallel: object = None
    callback: object = None
    lmbda: object = 0.0
    mu: object = 0.0
    validation_data: object = None
    patience: object = None
    halve_after: object = None
    verbose: object = True
    track_cost: object = False
    rng: object = None


@dataclass
class Run:
    """The checked and converted arguments of a training call.

    Parameters
    ----------
    X, Y : numpy.ndarray
        Inputs and targets, one row per example.
    items : list or None
        The caller's list, shuffled in place as the course does.
    epochs, batch : int
    eta, lmbda, mu : float
    parallel : bool
    """

    X: np.ndarray
    Y: np.ndarray
    items: list | None
    epochs: int
    batch: int
    eta: float
    parallel: bool
    lmbda: float
    mu: float
