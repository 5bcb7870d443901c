"""examples/cours.ipynb runs from top to bottom in a real Jupyter kernel, and
its training cells show what the docs promise: live curves redrawn in place,
a one-line history, the pictures."""

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "cours.ipynb"
DATA = Path(os.environ.get("FASTNET_DATA") or ROOT.parent / "shared/data/mnist")


def outputs_of(cell):
    return [o for o in cell.get("outputs", [])]


def texts(cell):
    out = []
    for o in outputs_of(cell):
        if o["output_type"] == "stream":
            out.append(o["text"])
        elif "data" in o and "text/plain" in o["data"]:
            out.append(o["data"]["text/plain"])
    return "\n".join(out)


def has_png(cell):
    return any("image/png" in o.get("data", {}) for o in outputs_of(cell))


def test_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.fixture(scope="module")
def executed():
    if not DATA.is_dir():
        pytest.fail(f"MNIST not found in {DATA}: set FASTNET_DATA")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    )
    # the kernel gets MNIST's folder through its environment, as a user's would
    client.execute(env=dict(os.environ, FASTNET_DATA=str(DATA)))
    return nb


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def cell_with(nb, snippet):
    found = [c for c in code_cells(nb) if snippet in c.source]
    assert len(found) == 1, snippet
    return found[0]


def test_notebook_runs_and_shows_the_course(executed):
    nb = executed
    errors = [o for c in code_cells(nb) for o in outputs_of(c) if o["output_type"] == "error"]
    assert errors == []
    assert "1 + 1 = 10 (binary)" in texts(cell_with(nb, "demi_additionneur"))
    assert "beau bus ami" in texts(cell_with(nb, "cours.festival"))
    assert "[1.0, 0.9, 0.8514" not in texts(cell_with(nb, "exercice_descente"))  # rounded
    assert "0.8514" in texts(cell_with(nb, "exercice_descente"))
    for snippet in (
        "plots.courbe_sigmoide()",
        "historique.courbes()",
        "grille_chiffres",
        "plots.poids_caches(net)",
        "plots.courbes(essais)",
    ):
        assert has_png(cell_with(nb, snippet)), snippet


def test_training_cell_has_live_curves_and_one_line(executed):
    cell = cell_with(executed, "plots.en_direct")
    outs = outputs_of(cell)
    # five epochs, one live figure: it was redrawn in place, not appended
    live = [o for o in outs if o["output_type"] == "display_data"]
    assert len(live) == 1 and "image/png" in live[0]["data"]
    text = texts(cell)
    assert "Époque 4: " in text and " / 2000" in text
    result = [o for o in outs if o["output_type"] == "execute_result"]
    assert len(result) == 1
    line = result[0]["data"]["text/plain"]
    assert line.startswith("Historique(5 époques, précision finale ") and "\n" not in line
    assert "<table" in result[0]["data"]["text/html"]


def test_two_knobs_compared(executed):
    text = texts(cell_with(executed, "plots.courbes(essais)"))
    assert text.count("Historique(5 époques") == 2
    # same seeds and order: the first run repeats the training cell's exactly
    first = text.split("quadratique, uniforme, eta 3: ")[1].splitlines()[0]
    training = cell_with(executed, "plots.en_direct")
    result = [o for o in outputs_of(training) if o["output_type"] == "execute_result"]
    assert first == result[0]["data"]["text/plain"]
