"""The public API's annotations: every public function and method of the
public modules is annotated (parameters and return), the typed usage file
runs, and a type checker refuses a wrong call through them."""

import contextlib
import inspect
import io
from pathlib import Path

import pytest
import typing_usage

import fastnet
import fastnet.historique
import fastnet.io
import fastnet.mnist
import fastnet.network
import fastnet.network2
import fastnet.plots
import fastnet.sweep
from fastnet import Historique, Network, Reseau, network2

ROOT = Path(__file__).resolve().parents[1]
MODULES = (
    fastnet,
    fastnet.network,
    fastnet.network2,
    fastnet.mnist,
    fastnet.plots,
    fastnet.sweep,
    fastnet.io,
    fastnet.historique,
)
CLASSES = (
    Reseau,
    Network,
    network2.Network,
    network2.QuadraticCost,
    network2.CrossEntropyCost,
    Historique,
)


def public_callables():
    """(name, function) for each public function of MODULES and each public
    method or property of CLASSES (inherited ones included)."""
    seen = {}
    for module in MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                seen[f"{module.__name__}.{name}"] = obj
    for cls in CLASSES:
        for name, member in inspect.getmembers(cls):
            if name.startswith("_") and name != "__init__":
                continue
            if isinstance(member, property):
                seen[f"{cls.__qualname__}.{name}"] = member.fget
                if member.fset is not None:
                    seen[f"{cls.__qualname__}.{name}.setter"] = member.fset
            elif inspect.isfunction(member) and member.__module__.startswith("fastnet"):
                seen[f"{cls.__qualname__}.{name}"] = member
    return seen


def test_every_public_function_is_annotated():
    functions = public_callables()
    # the API named in issue 14, so that this test cannot pass on nothing
    for name in (
        "Reseau.DGS",
        "Network.SGD",
        "Network.cost_derivative",
        "fastnet.network2.load",
        "fastnet.mnist.load_data_wrapper",
        "fastnet.plots.courbes",
        "fastnet.sweep.sweep",
        "fastnet.sweep.run_config",
        "fastnet.io.charger",
        "Historique.courbes",
        "Reseau.poids.setter",
    ):
        assert name in functions, name
    missing, empty = [], inspect.Signature.empty
    for name, function in functions.items():
        signature = inspect.signature(function)
        for parameter in signature.parameters.values():
            if parameter.name not in ("self", "cls") and parameter.annotation is empty:
                missing.append(f"{name}({parameter.name})")
        if signature.return_annotation is empty:
            missing.append(f"{name} -> ?")
    assert not missing, missing


def test_the_typed_usage_file_runs(tmp_path):
    with contextlib.redirect_stdout(io.StringIO()):
        typing_usage.main(tmp_path)
    assert (tmp_path / "net.json").is_file() and (tmp_path / "net2.json").is_file()


def test_what_the_annotations_refuse_fastnet_refuses_too():
    # mypy refuses each call (CI's mypy run: an ignore no longer needed fails it)
    calls = typing_usage.refused()
    assert len(calls) == 8
    for call in calls:
        with pytest.raises((TypeError, ValueError)):
            call()


@pytest.mark.parametrize("bad", [1, 2.5, b"net.json", None])
def test_file_names_are_str_or_paths(tmp_path, bad, capfd):
    # an int would be a file descriptor to open(): stdout for 1
    net, net2 = Reseau([2, 1]), network2.Network([2, 1])
    for call, name in (
        (lambda: fastnet.charger(bad), "fichier"),
        (lambda: fastnet.sauvegarder(net, bad), "fichier"),
        (lambda: fastnet.sauvegarder(net2, bad), "fichier"),
        (lambda: net.sauvegarder(bad), "fichier"),
        (lambda: net2.save(bad), "filename"),
        (lambda: network2.load(bad), "filename"),
    ):
        with pytest.raises(TypeError, match=rf"^{name}: expected a file name \(str or path\)"):
            call()
    assert capfd.readouterr().out == ""
    fastnet.sauvegarder(net, tmp_path / "ok.json")  # a path is fine
    assert isinstance(fastnet.charger(tmp_path / "ok.json"), Reseau)
