"""Les exercices du cours, en petit module : perceptron, NAND, demi-additionneur,
neurone sigmoïde et descente de gradient.

Tout est écrit en numpy / Python simple (pas de Numba) : c'est le code qu'on
lit pour comprendre, pas celui qu'on optimise. Exemple ::

    >>> from fastnet.cours import nand, demi_additionneur, exercice_descente
    >>> nand(1, 1), nand(0, 1)
    (0, 1)
    >>> demi_additionneur(1, 1)          # 1 + 1 = 10 en binaire
    (0, 1)
    >>> [e["iteres"] for e in exercice_descente()][0]
    [1.0, 0.9, 0.8514, 0.8219987877024]
"""

from __future__ import annotations

import math

import numpy as np

from ._sigmoide import sigmoide, sigmoide_prime

__all__ = [
    "Perceptron",
    "festival",
    "nand",
    "TABLE_NAND",
    "demi_additionneur",
    "sigmoide",
    "sigmoide_prime",
    "NeuroneSigmoide",
    "limite_perceptron",
    "descente_gradient",
    "exercice_descente",
]


def _vecteur(valeurs, nom):
    v = np.asarray(valeurs, dtype=float).ravel()
    if v.size == 0:
        raise ValueError(f"{nom} est vide")
    return v


class Perceptron:
    """Un perceptron : renvoie 1 (« oui ») si ``w · x + b > 0``, 0 (« non ») sinon.

    Parameters
    ----------
    poids : suite de nombres
        Les poids ``w_1, ..., w_n`` : l'importance de chaque entrée.
    biais : nombre
        Le biais ``b`` : plus il est grand, plus le perceptron dit « oui »
        facilement (``-b`` est le seuil que ``w · x`` doit dépasser).

    Raises
    ------
    ValueError
        Des poids vides.

    Examples
    --------
    >>> Perceptron((-2, -2), 3).sortie((1, 1))
    0
    """

    def __init__(self, poids, biais):
        self.poids = _vecteur(poids, "poids")
        self.biais = float(biais)

    def somme(self, x):
        """``w · x + b`` pour l'entrée ``x``.

        Parameters
        ----------
        x : suite de nombres
            Autant de valeurs que de poids.

        Returns
        -------
        float

        Raises
        ------
        ValueError
            Pas autant de valeurs que de poids.

        Examples
        --------
        >>> Perceptron((1, 2), -1).somme((1, 1))
        2.0
        """
        x = _vecteur(x, "x")
        if x.size != self.poids.size:
            raise ValueError(f"x a {x.size} valeurs, le perceptron a {self.poids.size} poids")
        return float(np.dot(self.poids, x)) + self.biais

    def sortie(self, x):
        """1 si ``w · x + b > 0``, 0 sinon (exactement 0 donne 0 : l'inégalité
        du cours est stricte).

        Parameters
        ----------
        x : suite de nombres

        Returns
        -------
        int
            0 ou 1.

        Examples
        --------
        >>> Perceptron((1, 1), -1).sortie((1, 0))
        0
        """
        return 1 if self.somme(x) > 0 else 0

    def __repr__(self):
        return f"Perceptron(poids={self.poids.tolist()}, biais={self.biais})"


def festival(beau, bus, ami, poids=(6, 2, 2), biais=-5):
    """Est-ce que vous irez au festival ? L'exemple de décision du cours.

    Les entrées valent 1 (oui) ou 0 (non) :
    ``beau`` (il fait beau), ``bus`` (il y a un bus, vous n'avez pas de
    voiture), ``ami`` (un ami veut bien vous accompagner).

    À quoi correspondent les poids et le biais ?

    - Chaque **poids** dit combien un facteur compte dans la décision. Avec
      les poids par défaut ``(6, 2, 2)``, le temps compte trois fois plus que
      le bus ou l'ami.
    - Le **biais** dit à quel point vous avez envie d'y aller, indépendamment
      des facteurs : ``-b`` est le seuil que la somme pondérée doit dépasser.
      Avec ``b = -5``, il faut ``6 beau + 2 bus + 2 ami > 5`` : on y va dès
      qu'il fait beau (6 > 5), et jamais sous la pluie, même avec le bus et
      l'ami (2 + 2 = 4, pas assez).
    - Un biais moins négatif rend plus « partant » : avec ``b = -3``, on y va
      aussi sous la pluie si le bus et l'ami sont là (4 > 3), mais pas avec
      un seul des deux (2 < 3).

    Parameters
    ----------
    beau, bus, ami : 0 ou 1
    poids : suite de trois nombres
    biais : nombre

    Returns
    -------
    bool
        ``True`` (on y va) ou ``False``.

    Examples
    --------
    >>> festival(1, 0, 0), festival(0, 1, 1)
    (True, False)
    """
    return Perceptron(poids, biais).sortie((beau, bus, ami)) == 1


# La table de vérité du cours, dans l'ordre du cours : (x1, x2) -> NAND(x1, x2).
TABLE_NAND = {(1, 1): 0, (1, 0): 1, (0, 1): 1, (0, 0): 1}

# Poids (-2, -2), biais 3 : la somme vaut 3, 1, 1 ou -1 ; seule l'entrée (1, 1)
# la rend négative, ce qui est exactement NAND.
_NAND = Perceptron((-2, -2), 3)


def nand(x1, x2):
    """NAND(x1, x2) calculé par un perceptron de poids (-2, -2) et de biais 3.

    ``-2 x1 - 2 x2 + 3`` vaut 3 pour (0, 0), 1 pour (1, 0) et (0, 1), et -1
    pour (1, 1) : le perceptron répond 0 seulement quand les deux entrées
    valent 1. Voir ``TABLE_NAND``.

    Parameters
    ----------
    x1, x2 : 0 ou 1

    Returns
    -------
    int

    Examples
    --------
    >>> [nand(*x) for x in TABLE_NAND] == list(TABLE_NAND.values())
    True
    """
    return _NAND.sortie((x1, x2))


def demi_additionneur(x1, x2):
    """Additionne deux bits avec des perceptrons NAND seulement.

    Renvoie ``(somme, retenue)`` : ``somme = x1 XOR x2`` (le bit des unités),
    ``retenue = x1 AND x2`` (le bit de poids 2). Le circuit du cours ::

        n1 = NAND(x1, x2)
        n2 = NAND(x1, n1)          # vaut NON(x1) OU x2
        n3 = NAND(x2, n1)          # vaut x1 OU NON(x2)
        somme   = NAND(n2, n3)     # XOR : 4 portes NAND
        retenue = NAND(n1, n1)     # NON(n1) = x1 ET x2

    Parameters
    ----------
    x1, x2 : 0 ou 1

    Returns
    -------
    tuple of int
        ``(somme, retenue)``.

    Examples
    --------
    >>> demi_additionneur(1, 0)
    (1, 0)
    """
    n1 = nand(x1, x2)
    n2 = nand(x1, n1)
    n3 = nand(x2, n1)
    return nand(n2, n3), nand(n1, n1)


class NeuroneSigmoide(Perceptron):
    """Comme un perceptron, mais la sortie vaut ``sigmoide(w · x + b)``, un
    nombre entre 0 et 1 qui varie doucement quand les poids varient (c'est ce
    qui permet d'apprendre par petites corrections).

    Parameters
    ----------
    poids : suite de nombres
    biais : nombre

    Examples
    --------
    >>> NeuroneSigmoide((1, 1), 0).sortie((0, 0))
    0.5
    """

    def sortie(self, x):
        """``sigmoide(w · x + b)``.

        Parameters
        ----------
        x : suite de nombres

        Returns
        -------
        float

        Examples
        --------
        >>> NeuroneSigmoide((2,), 0).sortie((0,))
        0.5
        """
        return float(sigmoide(self.somme(x)))

    def __repr__(self):
        return f"NeuroneSigmoide(poids={self.poids.tolist()}, biais={self.biais})"


def limite_perceptron(poids, biais, x, facteurs=(1, 10, 100, 1000)):
    """Sorties du neurone sigmoïde de poids ``c w`` et de biais ``c b`` sur
    l'entrée ``x``, pour chaque ``c`` de ``facteurs``.

    Quand ``c`` grandit, ``c (w · x + b)`` part vers ``+inf`` ou ``-inf`` et
    la sortie tend vers 1 ou 0 : celle du perceptron ``(w, b)``. Seul cas
    à part, ``w · x + b = 0`` : la sortie reste 0,5 (le perceptron, lui, dit 0).

    Parameters
    ----------
    poids : suite de nombres
    biais : nombre
    x : suite de nombres
    facteurs : suite de nombres

    Returns
    -------
    list of float

    Examples
    --------
    >>> limite_perceptron((-2, -2), 3, (1, 1), facteurs=(1, 10))  # doctest: +ELLIPSIS
    [0.268..., 4.539...e-05]
    """
    return [
        NeuroneSigmoide(np.asarray(poids, dtype=float) * c, float(biais) * c).sortie(x)
        for c in facteurs
    ]


def descente_gradient(f_grad, v0, eta=0.1, iterations=3):
    """La descente de gradient du cours : répéter ``v <- v - eta * grad C(v)``.

    Parameters
    ----------
    f_grad : fonction
        ``f_grad(v)`` renvoie le gradient de ``C`` en ``v`` (un nombre si ``v``
        est un nombre, un vecteur de même taille sinon).
    v0 : nombre ou suite de nombres
        Le point de départ.
    eta : nombre > 0
        Le pas.
    iterations : entier >= 0
        Le nombre de pas.

    Returns
    -------
    list
        ``[v0, v1, ..., v_iterations]`` : des ``float`` si ``v0`` est un
        nombre, des tableaux numpy 1-D sinon.

    Raises
    ------
    ValueError
        ``eta`` ou ``iterations`` hors de leur domaine.

    Examples
    --------
    >>> descente_gradient(lambda v: 2 * v, 1.0, eta=0.25, iterations=2)
    [1.0, 0.5, 0.25]
    """
    if not (isinstance(eta, (int, float, np.number)) and math.isfinite(eta) and eta > 0):
        raise ValueError(f"eta doit être un nombre > 0, pas {eta!r}")
    if (
        isinstance(iterations, bool)
        or not isinstance(iterations, (int, np.integer))
        or iterations < 0
    ):
        raise ValueError(f"iterations doit être un entier >= 0, pas {iterations!r}")
    scalaire = np.ndim(v0) == 0
    v = float(v0) if scalaire else _vecteur(v0, "v0")
    iteres = [v if scalaire else v.copy()]
    for _ in range(iterations):
        g = f_grad(v) if scalaire else f_grad(v.copy())
        if scalaire:
            v = v - eta * float(g)
        else:
            g = np.asarray(g, dtype=float).ravel()
            if g.shape != v.shape:
                raise ValueError(f"le gradient a {g.size} composantes, v en a {v.size}")
            v = v - eta * g
        iteres.append(v if scalaire else v.copy())
    return iteres


# Les trois fonctions de l'exercice, avec leurs gradients calculés à la main.


def _f1(x):
    return x**4 - x**3


def _grad_f1(x):
    return 4 * x**3 - 3 * x**2


def _c2(v):
    return -(v[0] ** 3) + v[1] ** 2


def _grad_c2(v):
    return np.array([-3 * v[0] ** 2, 2 * v[1]])


def _c3(v):
    return v[0] ** 2 * v[1] ** 2


def _grad_c3(v):
    return np.array([2 * v[0] * v[1] ** 2, 2 * v[0] ** 2 * v[1]])


# (formule, gradient, fonction, gradient, départ, ce que montre ce départ).
# Le cours ne donne pas de point de départ ; ceux-ci donnent des itérés non
# triviaux (x0 = 2 donnerait x1 = 2 - 0,1 * 20 = 0, point critique où tout
# s'arrête).
_EXERCICE = (
    (
        "f(x) = x^4 - x^3",
        "f'(x) = 4x^3 - 3x^2",
        _f1,
        _grad_f1,
        1.0,
        "x0 = 1 : on descend vers le minimum x = 3/4 (où f'(x) = x^2 (4x - 3) s'annule).",
    ),
    (
        "C(v1, v2) = -v1^3 + v2^2",
        "grad C = (-3 v1^2, 2 v2)",
        _c2,
        _grad_c2,
        (1.0, 1.0),
        "v0 = (1, 1) : v2 tend vers 0 mais v1 grandit sans fin : C n'a pas de "
        "minimum (-v1^3 tend vers -inf).",
    ),
    (
        "C(v1, v2) = v1^2 v2^2",
        "grad C = (2 v1 v2^2, 2 v1^2 v2)",
        _c3,
        _grad_c3,
        (1.0, 2.0),
        "v0 = (1, 2) : C est minimale (0) sur les deux axes ; la descente va "
        "vers l'axe v1 = 0 et s'arrête près de (0, 1,58), pas en (0, 0).",
    ),
)


def exercice_descente(eta=0.1, iterations=3):
    """L'exercice du cours : 3 itérations de descente de gradient, ``eta = 0,1``.

    Renvoie une liste de trois dictionnaires, un par fonction, avec les clés
    ``"fonction"`` et ``"gradient"`` (les formules), ``"depart"`` (le point de
    départ choisi), ``"commentaire"`` (ce que montre ce départ), ``"iteres"``
    (``[v0, v1, v2, v3]``) et ``"valeurs"`` (la fonction en chaque itéré :
    elle diminue à chaque pas).

    Points de départ (le cours n'en donne pas) : ``x0 = 1`` pour
    ``x^4 - x^3``, ``(1, 1)`` pour ``-v1^3 + v2^2``, ``(1, 2)`` pour
    ``v1^2 v2^2``.

    Parameters
    ----------
    eta : nombre > 0
    iterations : entier >= 0

    Returns
    -------
    list of dict

    Examples
    --------
    >>> [e["iteres"] for e in exercice_descente()][0]
    [1.0, 0.9, 0.8514, 0.8219987877024]
    """
    resultats = []
    for formule, gradient, f, grad, depart, commentaire in _EXERCICE:
        iteres = descente_gradient(grad, depart, eta, iterations)
        resultats.append(
            {
                "fonction": formule,
                "gradient": gradient,
                "depart": depart,
                "commentaire": commentaire,
                "iteres": iteres,
                "valeurs": [float(f(v)) for v in iteres],
            }
        )
    return resultats
