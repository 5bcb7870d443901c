"""tools/scoring_parts.py, the profile behind section 18 of
docs/performance.md, still runs against the current kernels (no timing is
checked: the tool measures, the suite judges)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import scoring_parts  # noqa: E402

from conftest import MNIST_NAMES, mnist_dir  # noqa: E402

DATA = mnist_dir()


@pytest.mark.skipif(
    not all((DATA / n).is_file() for n in MNIST_NAMES), reason=f"no MNIST at {DATA}"
)  # CI refuses to start without it (conftest)
@pytest.mark.parametrize("what", ["parts", "stages", "cold", "blocks"])
def test_the_scoring_profile_runs(what, capsys):
    scoring_parts.main([what, "300"], data=DATA)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["float64", "float32"]


def test_an_unknown_measurement_is_refused():
    with pytest.raises(SystemExit, match="parts"):
        scoring_parts.main(["everything"])
