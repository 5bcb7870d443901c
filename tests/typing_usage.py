"""fastnet's annotations as a user's code meets them.

mypy checks this file (``files`` in pyproject.toml's ``[tool.mypy]``, run by
CI): each ``assert_type`` fails the check when an annotation changes what a
user's editor sees. tests/test_typing.py also runs it, on small data, so that
the code it shows works.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

import fastnet
from fastnet import Historique, Network, Reseau, charger, network2, plots, sauvegarder
from fastnet import mnist as mnist_module
from fastnet import network as network_module
from fastnet.sweep import configurations, ranking_table, read_results

if sys.version_info >= (3, 11):
    from typing import assert_type
else:  # Python 3.10
    from typing_extensions import assert_type

FloatArray = NDArray[np.floating[Any]]


def course(folder: Path) -> None:
    """The course's API: Reseau, DGS's history, saving and loading."""
    X = np.random.rand(40, 4)
    y = np.random.randint(0, 3, 40)
    pairs = [(X[i].reshape(4, 1), int(y[i])) for i in range(40)]
    net = Reseau([4, 5, 3], cout="entropie_croisee")
    history = net.DGS((X, y), 2, 10, 0.5, test_data=pairs, verbose=False, rng=random.Random(1))
    assert_type(history, Historique)
    assert_type(history["precision"], list[Any])
    assert_type(net.evaluer(pairs), int)
    assert_type(net.forward(X[0].reshape(4, 1)), FloatArray)
    assert_type(net.poids, list[FloatArray])
    assert_type(net.backprop(X[0], 1), tuple[list[FloatArray], list[FloatArray]])
    assert_type(net.cout_total(pairs), float)
    assert_type(net.update_mini_batch(pairs[:5], 0.5), None)
    assert_type(net.dtype, type[np.floating[Any]])
    sauvegarder(net, folder / "net.json")  # a Path as well as a str
    loaded = charger(str(folder / "net.json"))
    assert_type(loaded, Reseau | Network)
    assert isinstance(loaded, Reseau) and loaded.tailles == [4, 5, 3]


def book(folder: Path) -> None:
    """The book's APIs: network.py's and network2.py's names."""
    data = [(np.random.rand(4, 1), network2.vectorized_result(j % 10)[:3]) for j in range(20)]
    net = Network([4, 3, 3])
    assert_type(net.SGD(data, 1, 5, 3.0, test_data=[(x, 0) for x, _ in data]), Historique)
    assert_type(net.feedforward(data[0][0]), FloatArray)
    assert_type(net.cost_derivative(net.feedforward(data[0][0]), data[0][1]), FloatArray)
    assert_type(network_module.sigmoid(0.5), np.float64)
    assert_type(network_module.sigmoid_prime(np.zeros(3, np.float32)), NDArray[np.float32])
    assert_type(mnist_module.vectorized_result(3), NDArray[np.float64])
    net2 = network2.Network((4, 3, 3), cost=network2.QuadraticCost)  # any sequence of sizes
    assert_type(Network(np.array([4, 3, 3])).num_layers, int)
    costs, accuracies, training_costs, training_accuracies = net2.SGD(
        data,
        1,
        5,
        0.5,
        lmbda=1.0,
        evaluation_data=data,
        monitor_evaluation_cost=True,
        monitor_evaluation_accuracy=True,
    )
    assert_type(costs, list[np.float64])
    assert_type(accuracies, list[int])
    assert_type(net2.total_cost(data, 1.0), np.float64)
    assert_type(net2.accuracy(data), int)
    assert_type(net2.cost, type[network2.QuadraticCost] | type[network2.CrossEntropyCost])
    net2.save(folder / "net2.json")
    assert_type(network2.load(folder / "net2.json"), network2.Network)


def tools(folder: Path) -> None:
    """The data, the pictures' callback and the sweep's helpers."""
    assert_type(mnist_module.cache_dir(), Path)
    loader: Callable[..., Any] = mnist_module.load_data
    assert callable(loader)
    callback = plots.en_direct(total=10)
    assert_type(callback, Callable[[int, int | None], None])
    callback(0, 5)
    configs = configurations({"eta": [1.0, 3.0]})
    assert_type(configs, list[dict[str, Any]])
    (folder / "r.jsonl").write_text("")
    records, bad = read_results(folder / "r.jsonl")
    assert_type(bad, int)
    assert_type(ranking_table(records), str)
    assert_type(fastnet.__version__, str)


def refused() -> list[Callable[[], object]]:
    """Wrong calls: the annotations refuse each one (``warn_unused_ignores``
    makes mypy fail if one of these ignores is no longer needed), and
    fastnet refuses each at run time with a TypeError (tests/test_typing.py)."""
    net = Reseau([2, 3, 1])
    data = [(np.zeros((2, 1)), 0)]
    return [
        lambda: net.DGS(data, "30", 10, 3.0),  # type: ignore[arg-type]
        lambda: net.DGS(data, 1, 10, 3.0, verbose="oui"),  # type: ignore[arg-type]
        lambda: Reseau([2, 1], dtype=np.float64, parallel="non"),  # type: ignore[arg-type]
        lambda: network2.Network([2, 1], cost="CrossEntropyCost"),  # type: ignore[arg-type]
        lambda: charger(42),  # type: ignore[arg-type]
        lambda: sauvegarder("net", "net.json"),  # type: ignore[arg-type]
        lambda: net.update_mini_batch(data, 0.5, n="10"),  # type: ignore[arg-type]
        lambda: configurations(["eta"]),  # type: ignore[arg-type]
    ]


def main(folder: Path) -> None:
    """Everything above but :func:`refused`, in ``folder`` (tests/test_typing.py
    calls it)."""
    np.random.seed(0)
    course(folder)
    book(folder)
    tools(folder)
