"""fastnet.plots: every figure is rendered to a PNG with Agg and read back to
check it is a real picture (size, not blank, many colours), and the figures'
contents (lines, titles, red error marks) are checked on the returned Figure."""

import os
import sys
from pathlib import Path

import numpy as np
import pytest

from fastnet import Reseau, _live, plots

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")  # never open a window during the tests
import matplotlib.image as mpimg  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

DATA = Path(
    os.environ.get("FASTNET_DATA") or Path(__file__).resolve().parents[2] / "shared/data/mnist"
)

RED = to_rgba("red")


def check_png(path, min_side=200, min_colours=20):
    assert path.is_file() and path.stat().st_size > 1000
    img = mpimg.imread(path)
    h, w = img.shape[:2]
    assert h >= min_side and w >= min_side
    assert float(img[..., :3].std()) > 0.01, "image is blank"
    colours = np.unique((img[..., :3] * 255).round().astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) >= min_colours
    return img


def history(n, precision=True, cout=True, secondes=True, offset=0.0):
    h = {"epoque": list(range(n))}
    if precision:
        h["precision"] = [0.5 + 0.4 * (1 - 0.5 ** (i + 1)) - offset for i in range(n)]
    if cout:
        h["cout"] = [0.2 * 0.7**i + offset for i in range(n)]
    if secondes:
        h["secondes"] = [0.1] * n
    return h


@pytest.fixture
def reseau():
    np.random.seed(0)
    return Reseau([784, 10, 10])


# --- courbe_sigmoide --------------------------------------------------------


def test_courbe_sigmoide_png(tmp_path):
    fichier = tmp_path / "sigmoide.png"
    fig = plots.courbe_sigmoide(fichier)
    img = check_png(fichier)
    assert img.shape[1] > img.shape[0]  # two panels side by side
    gauche, droite = fig.axes
    x, y = gauche.lines[0].get_data()
    assert x[0] == -6 and x[-1] == 6
    np.testing.assert_allclose(y, 1 / (1 + np.exp(-x)))
    assert y[len(y) // 2] == 0.5  # sigma(0) = 1/2
    # the step: 0 on the left, 1 on the right
    niveaux = {tuple(line.get_ydata()) for line in droite.lines}
    assert (0, 0) in niveaux and (1, 1) in niveaux


def test_courbe_sigmoide_without_file_returns_figure():
    from matplotlib.figure import Figure

    fig = plots.courbe_sigmoide()
    assert isinstance(fig, Figure) and len(fig.axes) == 2


# --- courbes ------------------------------------------------------------------


def test_courbes_several_runs(tmp_path):
    fichier = tmp_path / "courbes.png"
    runs = [history(5), history(5, offset=0.05), history(3)]
    fig = plots.courbes(runs, ["eta = 3", "eta = 1", "court"], fichier=fichier)
    check_png(fichier)
    ax_prec, ax_cout = fig.axes
    assert len(ax_prec.lines) == 3 and len(ax_cout.lines) == 3
    # accuracy in percent, epochs on x
    x, y = ax_prec.lines[0].get_data()
    assert list(x) == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(y, 100 * np.array(runs[0]["precision"]))
    labels = [t.get_text() for t in ax_prec.get_legend().get_texts()]
    assert labels[0].startswith("eta = 3") and "s/époque" in labels[0]
    # same colour for a run in both panels
    for a, b in zip(ax_prec.lines, ax_cout.lines):
        assert a.get_color() == b.get_color()


def test_courbes_missing_values(tmp_path):
    sans_test = history(4, precision=False)
    sans_test["precision"] = [None] * 4  # no test data
    sans_cout = history(4, cout=False, secondes=False)
    trou = history(4)
    trou["precision"][2] = None  # one epoch not evaluated
    fichier = tmp_path / "trous.png"
    fig = plots.courbes({"a": sans_test, "b": sans_cout, "c": trou}, fichier=fichier)
    check_png(fichier)
    ax_prec, ax_cout = fig.axes
    assert [line.get_label() for line in ax_prec.lines] == ["b", "c (0.1 s/époque)"]
    assert [line.get_label() for line in ax_cout.lines] == ["a (0.1 s/époque)", "c (0.1 s/époque)"]
    assert np.isnan(ax_prec.lines[1].get_ydata()[2])


def test_courbes_single_history_and_no_data_panel(tmp_path):
    fichier = tmp_path / "seul.png"
    fig = plots.courbes(
        {"epoque": [0, 1, 2], "precision": [None] * 3, "cout": [0.3, 0.2, 0.1]}, fichier=fichier
    )
    check_png(fichier)
    ax_prec, ax_cout = fig.axes
    assert not ax_prec.lines and len(ax_cout.lines) == 1
    assert any(t.get_text() == "pas de données" for t in ax_prec.texts)


@pytest.mark.parametrize(
    "args",
    [
        ([],),
        ([history(2)], ["a", "b"]),
        ([{"precision": [0.5]}],),
        ([{"epoque": [0, 1], "precision": [0.5]}],),
    ],
)
def test_courbes_rejects_bad_input(args):
    with pytest.raises(ValueError):
        plots.courbes(*args)


# --- grille_chiffres ----------------------------------------------------------


def check_grid(fig, net, X, y, n):
    preds = net.forward(X[:n].T).argmax(axis=0)
    images = [ax for ax in fig.axes if ax.images]
    assert len(images) == n
    erreurs = 0
    for i, ax in enumerate(images):
        title = ax.title
        if preds[i] == y[i]:
            assert title.get_text() == str(preds[i])
            assert to_rgba(title.get_color()) != RED
        else:
            erreurs += 1
            assert title.get_text() == f"{preds[i]} ({y[i]})"
            assert to_rgba(title.get_color()) == RED
    assert fig._suptitle.get_text().startswith(f"{erreurs} erreur")
    return erreurs


def test_grille_chiffres_random_data(tmp_path, reseau):
    rng = np.random.default_rng(1)
    X = rng.random((40, 784)).astype(np.float32)
    y = rng.integers(0, 10, 40)
    fichier = tmp_path / "grille.png"
    fig = plots.grille_chiffres(reseau, X, y, n=25, fichier=fichier)
    check_png(fichier)
    erreurs = check_grid(fig, reseau, X, y, 25)
    assert erreurs > 0  # an untrained net errs
    assert len(fig.axes) == 25


def test_grille_chiffres_partial_grid_one_hot_and_no_labels(reseau):
    rng = np.random.default_rng(2)
    X = rng.random((7, 784))
    y = rng.integers(0, 10, 7)
    fig = plots.grille_chiffres(reseau, X, np.eye(10)[y], n=30)  # n > len(X)
    check_grid(fig, reseau, X, y, 7)
    assert len(fig.axes) == 9  # 3 x 3, two left empty
    fig = plots.grille_chiffres(reseau, X, n=4)
    assert all(to_rgba(ax.title.get_color()) != RED for ax in fig.axes)


def test_grille_chiffres_rejects_bad_input(reseau):
    with pytest.raises(ValueError):
        plots.grille_chiffres(reseau, np.zeros((3, 780)), [0, 1, 2])  # not square
    with pytest.raises(ValueError):
        plots.grille_chiffres(reseau, np.zeros((3, 784)), [0, 1, 2], n=0)
    with pytest.raises(ValueError):
        plots.grille_chiffres(reseau, np.zeros((3, 784)), [0], n=3)
    with pytest.raises(TypeError):
        plots.grille_chiffres(object(), np.zeros((3, 784)), [0, 1, 2])


def test_grille_chiffres_real_mnist(tmp_path):
    from fastnet.mnist import load_arrays

    if not DATA.exists():
        pytest.skip(f"no MNIST at {DATA}")
    try:
        (X_train, y_train), _, (X_test, y_test) = load_arrays(DATA, download=False)
    except FileNotFoundError:
        pytest.skip(f"no MNIST at {DATA}")
    np.random.seed(0)
    net = Reseau([784, 10, 10])
    fichier = tmp_path / "mnist.png"
    fig = plots.grille_chiffres(net, X_test, y_test, n=16, fichier=fichier)
    check_png(fichier)
    check_grid(fig, net, X_test, y_test, 16)
    # shown as images: the first test digit is a 7, dark ink on white
    img = fig.axes[0].images[0].get_array()
    assert img.shape == (28, 28) and float(img.max()) > 0.9


# --- poids_caches ---------------------------------------------------------------


def test_poids_caches_png(tmp_path, reseau):
    fichier = tmp_path / "poids.png"
    fig = plots.poids_caches(reseau, fichier=fichier)
    check_png(fichier)
    images = [ax for ax in fig.axes if ax.images]
    assert len(images) == 10
    for j, ax in enumerate(images):
        np.testing.assert_array_equal(
            ax.images[0].get_array(), reseau.poids[0][:, j].reshape(28, 28)
        )
        assert ax.title.get_text() == f"neurone {j}"


def test_poids_caches_subset_and_network(tmp_path):
    from fastnet import Network

    np.random.seed(3)
    net = Network([784, 12, 10])
    fig = plots.poids_caches(net, n=5, fichier=tmp_path / "n.png")
    images = [ax for ax in fig.axes if ax.images]
    assert len(images) == 5
    np.testing.assert_array_equal(
        images[4].images[0].get_array(), net.weights[0][4].reshape(28, 28)
    )
    with pytest.raises(ValueError):
        plots.poids_caches(net, n=0)


# --- matplotlib missing -------------------------------------------------------------


def test_clear_error_without_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    with pytest.raises(ImportError, match=r"pip install fastnet\[plot\]"):
        plots.courbe_sigmoide()


def test_afficher_uses_pyplot_show(monkeypatch):
    import matplotlib.pyplot as plt

    shown = []
    monkeypatch.setattr(plt, "show", lambda *a, **k: shown.append(True))
    fig = plots.courbe_sigmoide(afficher=True)
    assert shown == [True] and plt.fignum_exists(fig.number)
    plt.close(fig)
    # without afficher, nothing is registered in pyplot
    avant = plt.get_fignums()
    plots.courbe_sigmoide()
    assert plt.get_fignums() == avant and shown == [True]


# --- en_direct ------------------------------------------------------------------


def test_en_direct_outside_a_notebook_only_records(capsys):
    rappel = plots.en_direct(total=15)
    training, test = _pairs()
    np.random.seed(0)
    Reseau([6, 5, 3]).DGS(training, 3, 5, 2.0, test_data=test, callback=rappel, verbose=False)
    assert rappel.epoques == [0, 1, 2] and all(isinstance(c, int) for c in rappel.corrects)
    assert capsys.readouterr().out == ""
    fig = rappel.figure()
    np.testing.assert_allclose(
        fig.axes[0].lines[0].get_ydata(), [100 * c / 15 for c in rappel.corrects]
    )


def _pairs():
    rng = np.random.default_rng(0)
    X, labels = rng.random((15, 6)), rng.integers(0, 3, 15)
    training = [(X[i].reshape(6, 1), np.eye(3)[labels[i]].reshape(3, 1)) for i in range(15)]
    return training, [(X[i].reshape(6, 1), int(labels[i])) for i in range(15)]


def test_en_direct_in_a_notebook_redraws_one_figure(monkeypatch):
    shown, updates = [], []

    class Handle:
        def update(self, obj):
            updates.append(obj)

    class FakeDisplay:
        class Image:
            def __init__(self, data, format):
                assert format == "png" and data[:8] == b"\x89PNG\r\n\x1a\n"
                self.data = data

        @staticmethod
        def display(obj, display_id=False):
            assert display_id is True
            shown.append(obj)
            return Handle()

    monkeypatch.setattr(_live, "_affichage_notebook", lambda: FakeDisplay)
    rappel = plots.en_direct(titre="essai : ")
    for j in range(4):
        rappel(j, 10 + j)
    assert len(shown) == 1 and len(updates) == 3  # one figure, redrawn in place
    rappel(4, None)  # an epoch without test data draws nothing new but does not fail
    assert len(updates) == 4


def test_en_direct_refuses_bad_arguments():
    with pytest.raises(ValueError, match="total"):
        plots.en_direct(total=0)
    with pytest.raises(TypeError, match="titre"):
        plots.en_direct(titre=3)


def test_not_in_a_notebook_without_a_kernel():
    assert _live._affichage_notebook() is None
