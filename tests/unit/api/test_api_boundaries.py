"""One door per room: a package is entered through its ``__init__``.

No module imports another package's private module (``unifyprofile.sources._read``) or
private name (``from unifyprofile.blocking import _count``); what another package needs
becomes public API of its own.  The private top-level modules (``unifyprofile._columns``,
``unifyprofile._log``) are the helpers every room shares.  Tests keep the same rule,
except that the tests of a stage (``tests/unit/<stage>/``) may look inside that stage.
Every package's ``__all__`` lists every public name its ``__init__`` defines.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import types
from pathlib import Path

import pytest

import unifyprofile

ROOT = Path(__file__).resolve().parents[3]
SRC = ROOT / "src" / "unifyprofile"


def _room(parts: tuple[str, ...]) -> str:
    """The room of a module path below ``unifyprofile``: its subpackage, or the module
    itself for a top-level module (``resolver``, ``infer``)."""
    return parts[0].removesuffix(".py") if parts else ""


def _private_imports(tree: ast.AST, home: str | None) -> list[str]:
    """``from unifyprofile.X._y import ...`` or ``from unifyprofile.X import _y`` where X is
    not ``home``."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            module = node.module.split(".")
            names = [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            module, names = [], []
            for alias in node.names:
                if alias.name.startswith("unifyprofile."):
                    module = alias.name.split(".")
        else:
            continue
        if module[:1] != ["unifyprofile"]:
            continue
        room = module[1] if len(module) > 1 else ""
        if room == home or room.startswith("_"):
            continue  # its own room, or the shared helpers (``unifyprofile._columns``)
        private_module = any(p.startswith("_") for p in module[2:])
        private_names = [n for n in names if n.startswith("_") and not n.startswith("__")]
        if private_module or private_names:
            out.append(f"line {node.lineno}: {node.module or module} "
                       f"{', '.join(names)}".strip())
    return out


def _source_modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py"))


@pytest.mark.parametrize("path", _source_modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_enters_another_package_by_a_private_door(path: Path) -> None:
    parts = path.relative_to(SRC).parts
    home = _room(parts)
    found = _private_imports(ast.parse(path.read_text(encoding="utf-8")), home)
    assert not found, (f"{path.relative_to(ROOT)} imports private parts of another package; "
                       f"export them from that package's __init__: {found}")


def _test_modules() -> list[Path]:
    return sorted((ROOT / "tests").rglob("*.py"))


@pytest.mark.parametrize("path", _test_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_test_enters_another_package_by_a_private_door(path: Path) -> None:
    parts = path.relative_to(ROOT / "tests").parts
    home = parts[1] if parts[0] == "unit" and len(parts) > 2 else None
    found = _private_imports(ast.parse(path.read_text(encoding="utf-8")), home)
    assert not found, (f"{path.relative_to(ROOT)} imports private parts of a package it does "
                       f"not test: {found}")


def test_the_rule_is_seen_by_its_own_checker() -> None:
    """The checker finds both kinds of private door, and lets a package use its own."""
    code = ast.parse("from unifyprofile.sources._read import map_rows\n"
                     "from unifyprofile.blocking import _count, block\n"
                     "from unifyprofile.score._decide import vetoed\n")
    assert len(_private_imports(code, "engines")) == 3
    assert len(_private_imports(code, "score")) == 2


def _packages() -> list[str]:
    return [m.name for m in pkgutil.walk_packages(unifyprofile.__path__, "unifyprofile.")
            if m.ispkg]


@pytest.mark.parametrize("name", _packages())
def test_every_package_lists_exactly_its_public_names(name: str) -> None:
    package = importlib.import_module(name)
    exported = getattr(package, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert len(exported) == len(set(exported)), f"{name}.__all__ repeats a name"
    for item in exported:
        assert hasattr(package, item), f"{name}.__all__ names {item!r}, which it lacks"
    # Names the package defines (not those it imports for its own use, such as ``Any``);
    # a name loaded on first use (``__getattr__``) is in ``__all__`` and found above.
    public = {n for n, v in vars(package).items()
              if not n.startswith("_") and not isinstance(v, types.ModuleType)
              and str(getattr(v, "__module__", name)).startswith(name)}
    assert public <= set(exported), (
        f"{name}: public names not in __all__: {sorted(public - set(exported))}")
