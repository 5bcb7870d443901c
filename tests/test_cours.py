"""The course's exercises (fastnet.cours): truth tables, the festival
perceptron, the sigmoid neuron's limit, and gradient-descent iterates checked
against arithmetic done by hand."""

import doctest
import itertools

import numpy as np
import pytest

from fastnet import cours
from fastnet.cours import (
    TABLE_NAND,
    NeuroneSigmoide,
    Perceptron,
    demi_additionneur,
    descente_gradient,
    exercice_descente,
    festival,
    limite_perceptron,
    nand,
    sigmoide,
)

BITS = list(itertools.product((0, 1), repeat=2))


# --- perceptron -------------------------------------------------------------


def test_perceptron_strict_inequality():
    p = Perceptron((1, 1), -1)
    assert p.sortie((1, 1)) == 1  # 1 + 1 - 1 = 1 > 0
    assert p.sortie((1, 0)) == 0  # 1 - 1 = 0: not > 0, so "non"
    assert p.sortie((0, 0)) == 0
    assert p.somme((2, 3)) == 4.0


def test_perceptron_accepts_columns_and_rejects_wrong_sizes():
    p = Perceptron([[1], [2], [3]], 0)
    assert p.sortie(np.array([[1], [0], [0]])) == 1
    with pytest.raises(ValueError):
        p.sortie((1, 0))
    with pytest.raises(ValueError):
        Perceptron((), 0)


def test_festival_default_weights_follow_the_weather():
    for beau, bus, ami in itertools.product((0, 1), repeat=3):
        assert festival(beau, bus, ami) is bool(beau)


def test_festival_lower_threshold():
    # b = -3: rain with bus and friend is enough (2 + 2 = 4 > 3), one is not.
    assert festival(0, 1, 1, biais=-3)
    assert not festival(0, 1, 0, biais=-3)
    assert not festival(0, 0, 1, biais=-3)
    assert festival(1, 0, 0, biais=-3)


# --- NAND and the half adder --------------------------------------------------


def test_table_nand_is_the_courses():
    assert list(TABLE_NAND.items()) == [((1, 1), 0), ((1, 0), 1), ((0, 1), 1), ((0, 0), 1)]


@pytest.mark.parametrize("x1,x2", BITS)
def test_nand_perceptron(x1, x2):
    assert nand(x1, x2) == TABLE_NAND[(x1, x2)] == 1 - (x1 & x2)
    # weights (-2, -2), bias 3
    assert Perceptron((-2, -2), 3).sortie((x1, x2)) == nand(x1, x2)


@pytest.mark.parametrize("x1,x2", BITS)
def test_half_adder(x1, x2):
    somme, retenue = demi_additionneur(x1, x2)
    assert somme == x1 ^ x2
    assert retenue == x1 & x2
    assert 2 * retenue + somme == x1 + x2


def test_half_adder_uses_only_nand(monkeypatch):
    calls = []
    real = cours.nand

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(cours, "nand", spy)
    for x1, x2 in BITS:
        calls.clear()
        assert cours.demi_additionneur(x1, x2) == (x1 ^ x2, x1 & x2)
        assert len(calls) == 5  # 4 NAND for XOR, 1 for the carry


# --- the sigmoid neuron -----------------------------------------------------


def test_sigmoide_values():
    assert sigmoide(0) == 0.5
    assert sigmoide(np.log(3.0)) == pytest.approx(0.75)  # 1 / (1 + 1/3)
    assert sigmoide(-1000.0) == 0.0 and sigmoide(1000.0) == 1.0
    np.testing.assert_allclose(sigmoide([-1.0, 1.0]).sum(), 1.0)  # s(-z) = 1 - s(z)


def test_sigmoid_neuron_output():
    n = NeuroneSigmoide((1, -1), 0.5)
    assert n.sortie((2, 1)) == pytest.approx(1 / (1 + np.exp(-1.5)))  # 2 - 1 + 0.5
    assert isinstance(n.sortie((0, 0)), float)


@pytest.mark.parametrize("x1,x2", BITS)
def test_sigmoid_neuron_tends_to_perceptron(x1, x2):
    sorties = limite_perceptron((-2, -2), 3, (x1, x2), facteurs=(1, 10, 100, 1000))
    cible = nand(x1, x2)
    distances = [abs(s - cible) for s in sorties]
    assert distances == sorted(distances, reverse=True)  # closer as c grows
    assert distances[1] < 1e-4  # c = 10: |c (w.x + b)| >= 10
    assert distances[-1] == 0.0  # c = 1000: the step, to double precision


def test_sigmoid_neuron_limit_when_sum_is_zero():
    # w.x + b = 0 stays at 1/2 whatever c; the perceptron says 0 there.
    assert limite_perceptron((1, 1), -1, (1, 0), facteurs=(1, 1e6)) == [0.5, 0.5]
    assert Perceptron((1, 1), -1).sortie((1, 0)) == 0


# --- gradient descent -------------------------------------------------------


def test_descente_gradient_scalar_by_hand():
    # C(v) = v^2, C'(v) = 2v, v0 = 1, eta = 0.25: v <- v - 0.5 v = v / 2
    assert descente_gradient(lambda v: 2 * v, 1, eta=0.25, iterations=3) == pytest.approx(
        [1, 0.5, 0.25, 0.125]
    )
    assert descente_gradient(lambda v: 2 * v, 3.0, iterations=0) == [3.0]


def test_descente_gradient_vector_returns_copies():
    iteres = descente_gradient(lambda v: v, [2.0, 4.0], eta=0.5, iterations=2)
    assert [list(v) for v in iteres] == [[2, 4], [1, 2], [0.5, 1]]
    assert all(isinstance(v, np.ndarray) for v in iteres)
    assert iteres[0] is not iteres[1]


@pytest.mark.parametrize(
    "kw",
    [
        dict(eta=0),
        dict(eta=-0.1),
        dict(eta=float("nan")),
        dict(iterations=-1),
        dict(iterations=1.5),
        dict(iterations=True),
    ],
)
def test_descente_gradient_rejects_bad_arguments(kw):
    with pytest.raises(ValueError):
        descente_gradient(lambda v: v, 1.0, **kw)


def test_descente_gradient_rejects_wrong_gradient_size():
    with pytest.raises(ValueError):
        descente_gradient(lambda v: np.zeros(3), [1.0, 1.0])


def test_exercise_1_by_hand():
    # f(x) = x^4 - x^3, f'(x) = 4x^3 - 3x^2, eta = 0.1, x0 = 1
    # f'(1)   = 4 - 3 = 1                                x1 = 1 - 0.1        = 0.9
    # f'(0.9) = 4*0.729 - 3*0.81 = 2.916 - 2.43 = 0.486  x2 = 0.9 - 0.0486   = 0.8514
    # 0.8514^2 = 0.72488196, 0.8514^3 = 0.617164500744
    # f'(0.8514) = 2.468658002976 - 2.17464588 = 0.294012122976
    #                                  x3 = 0.8514 - 0.0294012122976 = 0.8219987877024
    ex = exercice_descente()[0]
    assert ex["fonction"] == "f(x) = x^4 - x^3" and ex["depart"] == 1.0
    assert ex["iteres"] == pytest.approx([1, 0.9, 0.8514, 0.8219987877024], rel=0, abs=1e-13)
    # f(1) = 0, f(0.9) = 0.6561 - 0.729 = -0.0729: f decreases toward f(3/4) = -27/256
    assert ex["valeurs"][:2] == pytest.approx([0, -0.0729], abs=1e-15)
    assert all(a > b > -27 / 256 for a, b in zip(ex["valeurs"], ex["valeurs"][1:]))


def test_exercise_2_by_hand():
    # C = -v1^3 + v2^2, grad C = (-3 v1^2, 2 v2), eta = 0.1, v0 = (1, 1)
    # grad(1, 1)       = (-3, 2)                     v1 = (1.3, 0.8)
    # grad(1.3, 0.8)   = (-3*1.69, 1.6) = (-5.07, 1.6)   v2 = (1.807, 0.64)
    # grad(1.807, 0.64) = (-3*3.265249, 1.28) = (-9.795747, 1.28)
    #                                                v3 = (2.7865747, 0.512)
    ex = exercice_descente()[1]
    attendus = [(1, 1), (1.3, 0.8), (1.807, 0.64), (2.7865747, 0.512)]
    assert len(ex["iteres"]) == 4
    for v, attendu in zip(ex["iteres"], attendus):
        assert v == pytest.approx(attendu, rel=0, abs=1e-13)
    # C(1, 1) = 0, C(1.3, 0.8) = -2.197 + 0.64 = -1.557
    assert ex["valeurs"][:2] == pytest.approx([0, -1.557], abs=1e-13)


def test_exercise_3_by_hand():
    # C = v1^2 v2^2, grad C = (2 v1 v2^2, 2 v1^2 v2), eta = 0.1, v0 = (1, 2)
    # grad(1, 2)     = (2*1*4, 2*1*2) = (8, 4)            v1 = (0.2, 1.6)
    # grad(0.2, 1.6) = (2*0.2*2.56, 2*0.04*1.6) = (1.024, 0.128)
    #                                                     v2 = (0.0976, 1.5872)
    # 1.5872^2 = 2.51920384, 0.0976^2 = 0.00952576
    # grad = (0.1952*2.51920384, 0.01905152*1.5872) = (0.491748589568, 0.030238572544)
    #                               v3 = (0.0484251410432, 1.5841761427456)
    ex = exercice_descente()[2]
    attendus = [(1, 2), (0.2, 1.6), (0.0976, 1.5872), (0.0484251410432, 1.5841761427456)]
    for v, attendu in zip(ex["iteres"], attendus):
        assert v == pytest.approx(attendu, rel=0, abs=1e-13)
    # C(1, 2) = 4, C(0.2, 1.6) = 0.04 * 2.56 = 0.1024
    assert ex["valeurs"][:2] == pytest.approx([4, 0.1024], abs=1e-13)


def test_every_exercise_decreases_its_function():
    for ex in exercice_descente():
        assert len(ex["iteres"]) == 4 and ex["gradient"] and ex["commentaire"]
        assert all(a > b for a, b in zip(ex["valeurs"], ex["valeurs"][1:]))


@pytest.mark.parametrize("i", range(3))
def test_hand_gradients_match_finite_differences(i):
    _, _, f, grad, depart, _ = cours._EXERCICE[i]
    rng = np.random.default_rng(i)
    h = 1e-6
    for _ in range(5):
        if np.ndim(depart) == 0:
            x = float(rng.uniform(-2, 2))
            assert grad(x) == pytest.approx((f(x + h) - f(x - h)) / (2 * h), abs=1e-6)
        else:
            v = rng.uniform(-2, 2, 2)
            num = [(f(v + h * e) - f(v - h * e)) / (2 * h) for e in np.eye(2)]
            assert grad(v) == pytest.approx(num, abs=1e-6)


def test_exercise_other_step():
    # eta = 0.5, one step on f from x0 = 1: x1 = 1 - 0.5 * 1 = 0.5
    assert exercice_descente(eta=0.5, iterations=1)[0]["iteres"] == [1.0, 0.5]


def test_docstring_examples():
    resultat = doctest.testmod(cours, optionflags=doctest.ELLIPSIS)
    assert resultat.attempted > 0 and resultat.failed == 0
