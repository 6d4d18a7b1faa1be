"""One stray quote in the demo's CRM export costs that one row, as an explicit reject; the
rows after it are records (the old reader swallowed the rows up to the next quote)."""

from __future__ import annotations

import shutil
from pathlib import Path

import unifyprofile as up

DEMO = Path(__file__).resolve().parents[2] / "examples" / "cx_demo"


def test_a_stray_quote_in_the_crm_export_loses_no_other_record(tmp_path: Path) -> None:
    for path in DEMO.iterdir():
        if path.is_file():
            shutil.copy(path, tmp_path / path.name)
    crm = tmp_path / "crm_contacts.csv"
    lines = crm.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[10] = lines[10].replace(",", ',"', 1)  # line 11: a quote opens the first name
    crm.write_text("".join(lines), encoding="utf-8")

    result = up.Resolver(up.load_config(tmp_path / "unify.toml")).run()
    summary = result.summary()
    assert summary["rows_read"]["crm"] == 2254
    assert summary["records"]["crm"] == 2250 - 1
    assert summary["rejects_by_source"]["crm"] == 4 + 1
    assert summary["lines_read"]["crm"] == {"total": 2255, "header": 1, "blank": 0,
                                            "records": 2249, "rejects": 5}
    stray = result.rejects[result.rejects["reason"].str.contains("unclosed quote")]
    assert stray[["source", "row"]].to_dict("records") == [{"source": "crm", "row": 10}]
    assert "(line 11)" in stray["reason"].iloc[0]
