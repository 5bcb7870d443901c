"""The documentation's files: the committed pictures exist and are small, the
README stays short and its links lead to pages that exist, and every page
is in the site's navigation."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PICTURES = ("sigmoide.png", "courbes.png", "grille.png", "poids.png", "benchmark.png")


@pytest.mark.parametrize("name", PICTURES)
def test_picture_is_committed_and_small(name):
    path = DOCS / "images" / name
    assert path.is_file(), f"{path} missing: run docs/make_pictures.py (or report.py --chart)"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert 2_000 < path.stat().st_size <= 100 * 1024


def test_every_committed_picture_is_small():
    for path in (DOCS / "images").glob("*.png"):
        assert path.stat().st_size <= 100 * 1024, path


def test_readme_is_at_most_200_lines():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200


def test_readme_links_lead_somewhere():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [t for t in targets if not re.match(r"[a-z]+://", t)]
    assert local, "the README links into the docs"
    for target in local:
        assert (ROOT / target).exists(), target


def test_every_page_is_in_the_nav():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = set(re.findall(r":\s*([\w/]+\.md)\s*$", config, flags=re.MULTILINE))
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert pages == nav


def test_the_exercises_page_examples_are_true():
    import doctest
    result = doctest.testfile(str(DOCS / "cours.md"), module_relative=False)
    assert result.attempted >= 4 and result.failed == 0
