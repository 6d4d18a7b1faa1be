"""The documentation site: every page is in the navigation, every stage has an API page,
CI builds it strictly, and (where mkdocs is installed) it builds without a warning."""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import unifyprofile as up

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[3]
MKDOCS = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def _nav_pages() -> list[str]:
    nav = MKDOCS.split("\nnav:\n", 1)[1].split("\n\n", 1)[0]
    return re.findall(r":\s*(\S+\.md)\s*$", nav, re.MULTILINE)


def test_every_page_is_in_the_navigation_and_every_entry_exists():
    pages = _nav_pages()
    on_disk = sorted(str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md"))
    assert sorted(pages) == on_disk
    for page in ("index.md", "tutorial.md", "from-splink.md", "config.md", "store.md",
                 "scaling.md", "reliability.md", "changelog.md"):
        assert page in pages


def test_every_stage_package_has_an_api_page():
    stages = [name for name in up.__all__ if name[0].islower() and hasattr(
        getattr(up, name), "__path__")]
    assert {"sources", "standardise", "blocking", "compare", "score", "graph", "golden",
            "store", "evaluate"} <= set(stages)
    for stage in [*stages, "errors"]:
        page = (ROOT / "docs" / "reference" / f"{stage}.md").read_text(encoding="utf-8")
        assert f"::: unifyprofile.{stage}\n" in page, stage
    top = (ROOT / "docs" / "reference" / "index.md").read_text(encoding="utf-8")
    for name in up.__all__:
        if name[0].isupper() or name in ("load_config", "dump_config"):
            assert f"::: unifyprofile.{name}\n" in top, name


def test_ci_builds_the_site_strictly_after_the_tests():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_step = script.index('bash -c "$cmd"')
    build = script.index("mkdocs build --strict --site-dir")
    assert test_step < script.index('pip install -q -e ".[docs]"') < build
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["optional-dependencies"]["docs"]
    assert {re.split(r"[<>=\[]", e)[0] for e in extras} == {
        "mkdocs", "mkdocs-material", "mkdocstrings"}
    assert "strict: true" in MKDOCS and "docstring_style: google" in MKDOCS


@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None
                    or importlib.util.find_spec("mkdocstrings_handlers") is None,
                    reason='needs the docs extra (pip install -e ".[docs]"); CI builds the '
                           "site after the tests")
def test_the_site_builds_without_a_warning(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                           "--site-dir", str(tmp_path / "site")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    tutorial = (tmp_path / "site" / "tutorial" / "index.html").read_text(encoding="utf-8")
    assert "Golden profiles with provenance" in tutorial
    api = (tmp_path / "site" / "reference" / "sources" / "index.html").read_text(encoding="utf-8")
    # The reference is made from the docstrings: a function's own words and example.
    assert 'id="unifyprofile.sources.read_table"' in api
    assert "Read a table as text columns" in api
