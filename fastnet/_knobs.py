"""The knob registry: every knob's names, default, allowed values and
kernel code, defined once (the bottom layer, with :mod:`fastnet._validation`).

The facades (``Reseau`` speaks French, ``Network``/``network2`` English),
the command line, the sweep and the kernels all read these tables; nothing
else spells a knob's values or codes.

- :data:`ACTIVATIONS`, :data:`OUTPUTS`, :data:`COSTS`: one :class:`Choice`
  per value, with its French name (``Reseau``, ``fastnet train``), its
  English name (the engine, ``network2``) and its integer code in the
  kernels' ``cfg`` array, whose slots are :data:`CFG_ACTIVATION`,
  :data:`CFG_OUTPUT` and :data:`CFG_COST`.
- :data:`INITS`: how ``Reseau`` draws its initial values.
- :data:`KNOBS`: one :class:`Knob` per training setting, with its English
  name (CLI option, sweep key), its French keyword in the API, where it
  goes (``Reseau(...)``, ``DGS(...)`` or the run itself) and the course's
  default.
"""

from dataclasses import dataclass

# -- values of the network's knobs ------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One value of a knob.

    Parameters
    ----------
    fr : str
        Its French name (``Reseau``'s argument, ``fastnet train``'s option).
    en : str
        Its English name (the engine's, ``network2``'s).
    code : int
        Its code in the kernels' ``cfg`` array.

    Examples
    --------
    >>> COSTS[1].fr, COSTS[1].en, COSTS[1].code
    ('entropie_croisee', 'cross_entropy', 1)
    """

    fr: str
    en: str
    code: int


ACTIVATIONS = (
    Choice("sigmoide", "sigmoid", 0),
    Choice("tanh", "tanh", 1),
    Choice("relu", "relu", 2),
)
OUTPUTS = (Choice("sigmoide", "sigmoid", 0), Choice("softmax", "softmax", 1))
COSTS = (
    Choice("quadratique", "quadratic", 0),
    Choice("entropie_croisee", "cross_entropy", 1),
    Choice("log_vraisemblance", "log_likelihood", 2),
)
INITS = ("uniforme", "gauss", "gauss_normalise", "xavier", "he")

# the slots of the kernels' ``cfg`` array (int64)
CFG_ACTIVATION, CFG_OUTPUT, CFG_COST = 0, 1, 2


def french(table):
    """French name -> English name, in the table's order.

    Parameters
    ----------
    table : tuple of Choice
        :data:`ACTIVATIONS`, :data:`OUTPUTS` or :data:`COSTS`.

    Returns
    -------
    dict

    Examples
    --------
    >>> french(ACTIVATIONS)["sigmoide"]
    'sigmoid'
    """
    return {c.fr: c.en for c in table}


def english(table):
    """The English names, in the table's order.

    Parameters
    ----------
    table : tuple of Choice
        :data:`ACTIVATIONS`, :data:`OUTPUTS` or :data:`COSTS`.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> english(OUTPUTS)
    ('sigmoid', 'softmax')
    """
    return tuple(c.en for c in table)


def code(table, en):
    """The kernel code of the value named ``en`` (English).

    Parameters
    ----------
    table : tuple of Choice
        :data:`ACTIVATIONS`, :data:`OUTPUTS` or :data:`COSTS`.
    en : str
        An English name of that table.

    Returns
    -------
    int

    Raises
    ------
    KeyError
        ``en`` is not in the table.

    Examples
    --------
    >>> code(COSTS, "log_likelihood")
    2
    """
    for c in table:
        if c.en == en:
            return c.code
    raise KeyError(en)


# French names, as the facade and the command line take them
COUTS = french(COSTS)
ACTIVATIONS_FR = french(ACTIVATIONS)

# -- training knobs -----------------------------------------------------------


@dataclass(frozen=True)
class Knob:
    """A setting of a training run.

    Parameters
    ----------
    name : str
        Its English name: the sweep's key, the command line's option.
    api : str or None
        Its keyword in ``Reseau(...)`` or ``DGS(...)`` (French); None for a
        setting of the run itself.
    where : {"net", "dgs", "run"}
        Where it goes: ``Reseau(...)``, ``DGS(...)``, or the run.
    default : object
        The course's value (``main.py``'s run).

    Examples
    --------
    >>> KNOB["eta"].default
    3.0
    """

    name: str
    api: str | None
    where: str
    default: object = None


MNIST_SIZES = (784, 30, 10)  # the course's network on MNIST

KNOBS = (
    Knob("sizes", "tailles", "net", MNIST_SIZES),
    Knob("dtype", "dtype", "net", "float64"),
    Knob("cost", "cout", "net", COSTS[0].fr),
    Knob("activation", "activation", "net", ACTIVATIONS[0].fr),
    Knob("init", "init", "net", INITS[0]),
    Knob("epochs", "nb_epoques", "dgs", 30),
    Knob("batch_size", "taille_mini_batch", "dgs", 10),
    Knob("eta", "eta", "dgs", 3.0),
    Knob("lmbda", "lmbda", "dgs", 0.0),
    Knob("mu", "mu", "dgs", 0.0),
    Knob("early_stop", "arret_precoce", "dgs"),
    Knob("eta_schedule", "reduction_eta", "dgs"),
    Knob("track_cost", "suivre_cout", "dgs", False),  # one more pass per epoch
    Knob("seed", None, "run", 0),  # seeds random and np.random
    Knob("limit", None, "run", None),  # first N images of each set
)
KNOB = {k.name: k for k in KNOBS}

# -- data constants -----------------------------------------------------------

# MNIST: 28x28 grey pixels, stored as bytes k meaning k/256 (exact in float32)
IMAGE_SIDE = 28
IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE
DIGITS = 10
PIXEL_LEVELS = 256
