"""The package's layering, checked on its source: every fastnet module sits
in a declared layer, imports only go down (or sideways within a layer,
without a cycle), and an import inside a function is only for an optional
dependency. The same table is in docs/architecture.md."""

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

# the fastnet under test: the source tree's, or the installed wheel's in CI
ROOT = Path(importlib.util.find_spec("fastnet").origin).parent

# layer -> modules, bottom first (a package name stands for all its modules)
LAYERS = (
    (
        "base",
        (
            "fastnet._validation",
            "fastnet._cores",
            "fastnet._knobs",
            "fastnet._version",
            "fastnet._lazy",
            "fastnet._progress",
            "fastnet._draws",
            "fastnet._options",
            "fastnet._costs",
            "fastnet._typing",
            "fastnet._sigmoide",
            "fastnet.cours",
            "fastnet.reference",
            "fastnet._untrusted",
        ),
    ),
    ("pictures", ("fastnet._figures", "fastnet._live", "fastnet.plots", "fastnet.historique")),
    (
        "kernels",
        (
            "fastnet._target",
            "fastnet._jit",
            "fastnet._exp",
            "fastnet._tiles",
            "fastnet._sparse",
            "fastnet._passes",
            "fastnet.kernels",
            "fastnet.shuffle",
        ),
    ),
    (
        "engine",
        (
            "fastnet.parallel",
            "fastnet._engine",
            "fastnet._data",
            "fastnet._items",
            "fastnet._rawmem",
            "fastnet._jsonfile",
        ),
    ),
    ("model", ("fastnet._training", "fastnet._model")),
    ("facades", ("fastnet.reseau", "fastnet.network", "fastnet.network2")),
    ("services", ("fastnet.io", "fastnet.mnist")),
    ("apps", ("fastnet.sweep", "fastnet.demo")),
    ("cli", ("fastnet.cli", "fastnet.__main__")),
    ("api", ("fastnet",)),
)
# what a function may import for itself: optional or heavy dependencies only
OPTIONAL = {
    "numba",
    "llvmlite",
    "matplotlib",
    "dask",
    "distributed",
    "tomllib",
    "tomli",
    "IPython",
    "ipywidgets",
}


def module_name(path):
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def layer_of(module):
    best = None
    for rank, (_, members) in enumerate(LAYERS):
        for m in members:
            # a subpackage stands for its modules; the top package for itself only
            if module == m or (m != "fastnet" and module.startswith(m + ".")):
                if best is None or len(m) > best[1]:
                    best = (rank, len(m))
    return None if best is None else best[0]


def imports(module):
    """``(target, lineno, in_function)`` for each import in ``module``;
    targets are fastnet modules, or the top-level name of another package."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    out = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
            )
            if isinstance(child, ast.Import):
                for alias in child.names:
                    out.append((resolve(alias.name), child.lineno, in_function))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = module.split(".")
                    base = base[: len(base) - child.level + (1 if is_pkg else 0)]
                    mod = ".".join(base + ([child.module] if child.module else []))
                else:
                    mod = child.module
                for alias in child.names:
                    sub = f"{mod}.{alias.name}"
                    out.append((resolve(sub if sub in MODULES else mod), child.lineno, in_function))
            visit(child, inner)

    visit(tree, False)
    return out


def resolve(name):
    if name.split(".")[0] != "fastnet":
        return name.split(".")[0]
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def internal_graph():
    return {m: {t for t, _, _ in imports(m) if t in MODULES and t != m} for m in MODULES}


def test_every_module_has_a_layer():
    assert [m for m in MODULES if layer_of(m) is None] == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_go_down(module):
    mine = layer_of(module)
    up = [
        (t, line)
        for t, line, _ in imports(module)
        if t in MODULES and t != module and layer_of(t) > mine and not module.startswith(t + ".")
    ]  # a package's module may not import
    assert up == [], f"{module} (layer {LAYERS[mine][0]}) imports upward"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_inside_functions_only_for_optional_dependencies(module):
    bad = [
        (t, line) for t, line, in_function in imports(module) if in_function and t not in OPTIONAL
    ]
    assert bad == [], f"{module}: imports inside functions (move them to the top)"


def test_no_import_cycle():
    graph = internal_graph()
    # a package's __init__ re-exports its modules: that edge runs down, and a
    # module of the package must not import the __init__ back
    for m, targets in graph.items():
        for t in targets:
            assert not (t != "fastnet" and m.startswith(t + ".")), (
                f"{m} imports its own package {t} (import the module it needs)"
            )
    state = {}

    def visit(m, path):
        state[m] = "open"
        for t in sorted(graph[m]):
            if state.get(t) == "open":
                cycle = path[path.index(t) :] + [t]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if t not in state:
                visit(t, path + [t])
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])


def test_the_checker_sees_a_cycle_and_an_upward_import(monkeypatch):
    """The rules above can fail: a fake upward import is caught."""
    fake = {"fastnet._validation": [("fastnet.reseau", 1, False)]}
    real = imports
    monkeypatch.setattr(sys.modules[__name__], "imports", lambda m: fake.get(m, []) or real(m))
    with pytest.raises(AssertionError):
        test_imports_only_go_down("fastnet._validation")
    with pytest.raises(pytest.fail.Exception):
        test_no_import_cycle()


def test_layers_match_the_documentation():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "architecture.md").read_text(
        encoding="utf-8"
    )
    for _, members in LAYERS:
        for m in members:
            assert f"`{m}`" in doc, f"docs/architecture.md does not place {m}"


def test_every_module_is_under_500_lines():
    """The project's rule (developers' brief): modules stay under 500 lines,
    split by what they hold: the package under test, and the checkout's
    tests, benchmarks, tools and docs scripts where they are present."""
    repo = Path(__file__).resolve().parents[1]
    folders = [ROOT] + [repo / f for f in ("tests", "benchmarks", "tools", "docs", "examples")]
    sizes = {
        path: len(path.read_text(encoding="utf-8").splitlines())
        for folder in folders
        if folder.is_dir()
        for path in folder.rglob("*.py")
    }
    assert sum(p.is_relative_to(ROOT) for p in sizes) >= 30  # the package was read
    assert not {str(p): n for p, n in sizes.items() if n >= 500}
