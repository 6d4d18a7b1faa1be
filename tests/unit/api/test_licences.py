"""The licence check that CI runs: no copyleft licence among the runtime dependencies.

The check reads real distribution metadata with importlib.metadata: the environment the
tests run in, and small distributions written to a folder for the cases the environment
does not have (a GPL dependency, a dual licence, a test-only extra).
"""

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / ".ci" / "check_licences.py"


@pytest.fixture(scope="module")
def licences():
    spec = importlib.util.spec_from_file_location("check_licences", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_the_installed_runtime_dependencies_pass(licences, capsys):
    assert licences.main([]) == 0
    shown = {line.split()[1]: line for line in capsys.readouterr().out.splitlines()
             if line.startswith(("ok ", "FAIL"))}
    assert "unidecode" not in shown
    assert shown["anyascii"].split()[0] == "ok" and "ISC" in shown["anyascii"]
    # The two LGPL libraries DESIGN.md chose pass only through the written allow-list.
    for name in ("pycountry", "nameparser"):
        assert "weak copyleft" in shown[name] and "allowed: LGPL" in shown[name]
    assert {"pandas", "pyarrow", "rapidfuzz", "typer", "rich"} <= set(shown)
    # Extras are not runtime: pytest (test) and pyspark (spark) are not checked.
    assert "pytest" not in shown and "pyspark" not in shown


@pytest.mark.parametrize(("licence", "kind"), [
    ("GPL-2.0-or-later", "strong copyleft"),                          # unidecode's
    ("GNU General Public License v2 or later (GPLv2+)", "strong copyleft"),
    ("AGPL-3.0-only", "strong copyleft"),
    ("LGPL-2.1-only", "weak copyleft"),
    ("GNU Lesser General Public License v2 (LGPLv2)", "weak copyleft"),
    ("MPL-2.0", "weak copyleft"),
    ("MIT OR GPL-2.0-only", "permissive"),
    ("(Apache-2.0 AND GPL-3.0-only) OR LGPL-3.0-only", "weak copyleft"),
    ("BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0", "permissive"),
    ("ISC", "permissive"),
])
def test_licence_kinds(licences, licence, kind):
    assert licences.kind_of_expression(licence) == kind


def _dist(folder: Path, name: str, *lines: str) -> None:
    info = folder / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("\n".join(
        ["Metadata-Version: 2.4", f"Name: {name}", "Version: 1.0", *lines]) + "\n")


def test_a_copyleft_runtime_dependency_fails(licences, tmp_path, capsys):
    _dist(tmp_path, "app", "Requires-Dist: gplthing", "Requires-Dist: lgplthing",
          "Requires-Dist: dualthing", "Requires-Dist: oldstyle",
          'Requires-Dist: testonly; extra == "test"')
    _dist(tmp_path, "gplthing", "License-Expression: GPL-3.0-or-later",
          "Requires-Dist: deepthing")
    _dist(tmp_path, "deepthing", "Classifier: License :: OSI Approved :: GNU Affero "
                                 "General Public License v3")
    _dist(tmp_path, "lgplthing", "Classifier: License :: OSI Approved :: GNU Lesser "
                                 "General Public License v3 (LGPLv3)")
    _dist(tmp_path, "dualthing", "License-Expression: MIT OR GPL-2.0-only")
    _dist(tmp_path, "oldstyle", "License: BSD")
    _dist(tmp_path, "testonly", "License-Expression: GPL-3.0-only")

    assert licences.main(["--root", "app", "--path", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    status = {line.split()[1]: line.split()[0] for line in captured.out.splitlines()
              if line.startswith(("ok ", "FAIL"))}
    assert status == {"deepthing": "FAIL", "dualthing": "ok", "gplthing": "FAIL",
                      "lgplthing": "FAIL", "oldstyle": "ok"}
    assert "error: gplthing 1.0 is a runtime dependency of app under 'GPL-3.0-or-later' " \
           "(strong copyleft); replace it" in captured.err
    assert "add it to ALLOWED" in captured.err  # the LGPL one


def test_a_missing_runtime_dependency_is_named(licences, tmp_path):
    _dist(tmp_path, "app", "Requires-Dist: nowhere")
    with pytest.raises(SystemExit, match="nowhere is required at run time but not installed"):
        licences.main(["--root", "app", "--path", str(tmp_path)])
