"""The command line under real exports: notes on stderr and in summary.json in every mode;
the daily store workflow (quiet days, rejects written, careful erasure that sticks)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import unifyprofile as up

#: The ``cli_main`` fixture (conftest.py): (exit code, stdout, stderr).
CliMain = Callable[..., tuple[int, str, str]]

CONFIG = """
[resolver]
threshold = 0.9

[[sources]]
name = "crm"
path = "crm.csv"
id_column = "id"
columns = { first_name = "first", last_name = "last", email = "email", phone = "phone" }

[[rules]]
name = "email"
keys = ["email", "first_name:nick"]

[blocking]
rules = [["email"], ["last_name:soundex"]]
"""
ROWS = [("a1", "Ann", "Lee", "ann.lee@mail.com"), ("a2", "Ann", "Lee", "ann.lee@mail.com"),
        ("a3", "Alexandra", "Ray", "alex@ray.org"), ("a4", "Alexandra", "Stone", "as@st.one"),
        ("b1", "Boris", "Ivanov", "boris@post.org"), ("c1", "Chen", "Wei", "chen@web.cn")]


def _export(path: Path, rows: list[tuple[str, ...]] = ROWS, extra: str = "") -> Path:
    text = "id,first,last,email,phone\n" + "".join(f"{','.join(r)},\n" for r in rows) + extra
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "unify.toml").write_text(CONFIG, encoding="utf-8")
    _export(tmp_path / "crm.csv")
    return tmp_path




EMPTY_PHONE = "source 'crm': column 'phone' (mapped to phone) is empty in all 6 rows"


@pytest.mark.parametrize("mode", [[], ["--json"]])
def test_run_notes_go_to_stderr_and_summary_json_in_every_mode(project: Path, mode: list[str],
                                                               cli_main: CliMain) -> None:
    out = project / "out"
    code, stdout, stderr = cli_main("run", str(project / "unify.toml"),
                                 "--out", str(out), "--quiet", *mode)
    assert code == 0, stderr
    assert f"warning: {EMPTY_PHONE}" in stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert any(n.startswith(EMPTY_PHONE) for n in summary["notes"])
    if mode:
        assert json.loads(stdout)["notes"] == summary["notes"]


def test_run_summary_counts_lines_rows_records_and_rejects(project: Path,
                                                           cli_main: CliMain) -> None:
    _export(project / "crm.csv", extra='d1,"Dora,Marquez,d@m.es,\nd2,Dan,Roe,dan@roe.org,\n')
    code, stdout, stderr = cli_main("run", str(project / "unify.toml"),
                                 "--out", str(project / "out"), "--quiet", "--json")
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["rows_read"] == {"crm": 8}
    assert summary["records"] == {"crm": 7}
    assert summary["rejects_by_source"] == {"crm": 1}
    assert summary["lines_read"]["crm"] == {"total": 9, "header": 1, "blank": 0,
                                            "records": 7, "rejects": 1}


def _store(cli_main: CliMain, project: Path, *args: str, tty: bool = False
           ) -> tuple[int, str, str]:
    return cli_main(*args, "--store", str(project / "profiles.db"), stdin_tty=tty)


def _ingest(cli_main: CliMain, project: Path, *extra: str) -> tuple[int, str, str]:
    return _store(cli_main, project, "ingest", str(project / "unify.toml"), *extra)


def test_header_only_delta_is_a_quiet_day(project: Path, cli_main: CliMain) -> None:
    assert _ingest(cli_main, project)[0] == 0
    delta = project / "crm_2026-11-23.csv"
    delta.write_text("id,first,last,email,phone\n", encoding="utf-8")
    code, stdout, stderr = _ingest(cli_main, project, str(delta), "--json")
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert (summary["records"], summary["created"], summary["updated"]) == (0, 0, 0)
    assert "has no data rows" in stderr


def test_ingest_writes_its_rejects(project: Path, cli_main: CliMain) -> None:
    assert _ingest(cli_main, project)[0] == 0
    delta = _export(project / "crm_2026-11-24.csv", [("e1", "Emil", "Novak", "e@n.cz")],
                    extra=",Nobody,Else,x@y.z,\ne1,Emil,Twice,e@n.cz,\n")
    rejects = project / "rejects.csv"
    code, stdout, stderr = _ingest(cli_main, project, str(delta), "--json",
                                   "--rejects", str(rejects))
    assert code == 0, stderr
    rows = json.loads(stdout)["rejected_rows"]
    assert [(r["row"], r["reason"].split(":")[0]) for r in rows] == [
        (2, "missing id"), (3, "duplicate id")]
    assert rejects.read_text(encoding="utf-8").splitlines()[0] == (
        "source,row,source_record_id,column,reason")
    assert len(rejects.read_text(encoding="utf-8").splitlines()) == 3


def test_erasure_sticks_when_the_same_export_comes_again(project: Path, cli_main: CliMain) -> None:
    assert _ingest(cli_main, project)[0] == 0
    code, stdout, stderr = _store(cli_main, project, "erase", "--match",
                                  "email=Ann.Lee@mail.com", "--yes")
    assert code == 0, stderr
    assert "erased 2 record(s)" in stdout
    code, stdout, stderr = _ingest(cli_main, project, str(project / "crm.csv"),
                                   "--json")
    assert code == 0, stderr
    assert json.loads(stdout)["suppressed"] == 2
    db = project / "profiles.db"
    with up.IdentityStore(db) as store:
        assert "crm:a1" not in set(store.clusters()["record_id"])
        # A new record with the erased e-mail is suppressed too.
        store.ingest(pd.DataFrame({"id": ["z9"], "first": ["Ann"], "last": ["Lee"],
                                   "email": ["ann.lee@mail.com"], "phone": [None]}),
                     source="crm")
        assert "crm:z9" not in set(store.clusters()["record_id"])
    data = db.read_bytes()
    for value in (b"ann.lee@mail.com", b"Ann.Lee", b"crm:a1", b"crm:a2", b"crm:z9"):
        assert value not in data, value
    # Lifting the suppression lets the records in again.
    code, stdout, _ = _store(cli_main, project, "unsuppress", "--record-id",
                             "crm:a1", "--record-id", "crm:a2", "--match",
                             "email=ann.lee@mail.com")
    assert code == 0 and "lifted 3 suppression(s)" in stdout
    assert _ingest(cli_main, project, str(project / "crm.csv"))[0] == 0
    with up.IdentityStore(db) as store:
        assert {"crm:a1", "crm:a2"} <= set(store.clusters()["record_id"])


def test_careful_erase(project: Path, monkeypatch, cli_main: CliMain) -> None:
    assert _ingest(cli_main, project)[0] == 0
    before = (project / "profiles.db").read_bytes()
    # Two people named Alexandra: a dry run lists them, erasing needs --all.
    code, stdout, _ = _store(cli_main, project, "erase", "--match",
                             "first_name=alexandra", "--dry-run")
    assert code == 0
    assert "would erase 2 record(s) of 2 entities" in stdout
    assert "crm:a3" in stdout and "crm:a4" in stdout
    code, _, stderr = _store(cli_main, project, "erase", "--match",
                             "first_name=alexandra", "--yes")
    assert code == 7 and "pass --all" in stderr
    # Without --yes and without a terminal it refuses; on a terminal it asks.
    code, _, stderr = _store(cli_main, project, "erase", "--record-id", "crm:b1")
    assert code == 7 and "pass --yes" in stderr
    monkeypatch.setattr("typer.confirm", lambda *a, **k: False)
    code, _, _ = _store(cli_main, project, "erase", "--record-id", "crm:b1",
                        tty=True)
    assert code == 130
    with up.IdentityStore(project / "profiles.db") as store:
        assert {"crm:a3", "crm:a4", "crm:b1"} <= set(store.clusters()["record_id"])
    # An unknown record id is an error, as an unknown entity id is.
    code, _, stderr = _store(cli_main, project, "erase", "--record-id",
                             "crm:nobody", "--yes")
    assert code == 7 and "no record 'crm:nobody'" in stderr
    assert before  # the store file was there all along
    code, stdout, _ = _store(cli_main, project, "erase", "--match",
                             "first_name=alexandra", "--yes", "--all")
    assert code == 0 and "erased 2 record(s)" in stdout


def test_a_waiting_writer_says_so(project: Path, capsys, cli_main: CliMain) -> None:
    assert _ingest(cli_main, project)[0] == 0
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"db = sqlite3.connect({str(project / 'profiles.db')!r}, isolation_level=None)\n"
         "db.execute('BEGIN IMMEDIATE')\n"
         "print('locked', flush=True)\n"
         "sys.stdin.readline()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with up.IdentityStore(project / "profiles.db", wait=1.5) as store, \
                pytest.raises(up.errors.StoreError, match="another process has been writing"):
            store.ingest(str(project / "crm.csv"))
    finally:
        holder.communicate("\n", timeout=30)
    assert ("another process is writing to the store; waiting up to 0.5 s more"
            in capsys.readouterr().err)
