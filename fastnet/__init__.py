"""fastnet: the course's sigmoid network (``Reseau``) and Nielsen's
``network.py`` (``Network``), on Numba-compiled kernels."""

from ._version import __version__
from .historique import Historique
from .io import charger, sauvegarder
from .network import Network
from .reseau import DivergenceError, Reseau, sigmoide, sigmoide_prime

__all__ = [
    "__version__",
    "Reseau",
    "Network",
    "DivergenceError",
    "sigmoide",
    "sigmoide_prime",
    "charger",
    "sauvegarder",
    "Historique",
]
