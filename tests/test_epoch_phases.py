"""tools/epoch_phases.py: the phase profile of the compiled epoch still
instruments the current kernels, computes fastnet's own bits, and names
every phase (no timing is checked: the tool measures, the suite judges)."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import epoch_phases  # noqa: E402

from conftest import MNIST_NAMES, mnist_dir  # noqa: E402

DATA = mnist_dir()
needs_mnist = pytest.mark.skipif(
    not all((DATA / n).is_file() for n in MNIST_NAMES), reason=f"no MNIST at {DATA}"
)


@needs_mnist
def test_phases_cover_the_epoch(tmp_path):
    sizes = [784, 20, 20, 10]  # two hidden layers: every kind of phase
    results = epoch_phases.run(sizes, 10, ["float64", "float32"], 1, 300, tmp_path, DATA)
    names = epoch_phases.phase_names(sizes)
    for dtype, (wall, secs) in results.items():
        assert secs.shape == (epoch_phases.SLOTS,)
        assert np.all(secs >= 0)
        assert all(secs[slot] > 0 for slot in names), dtype  # every phase ran
        assert not np.any(np.delete(secs, list(names)))  # and nothing else
        assert wall > 0


def test_a_stale_anchor_stops_the_tool(tmp_path):
    path = tmp_path / "module.py"
    path.write_text("x = 1\n")
    with pytest.raises(SystemExit, match="update tools/epoch_phases.py"):
        epoch_phases._patch(path, [("y = 2", "y = 3")])
