"""``unifyprofile report OUT_DIR [--truth FILE] [-o FILE] [--json]``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

CliMain = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_folder(tmp_path: Path, cli_main: CliMain) -> tuple[Path, Path]:
    """A small run written by ``unifyprofile run`` and its truth file."""
    rows = ["id,first,last,email,city"]
    truth = ["record_id,person_id"]
    for k in range(12):
        for copy in range(1 + (k % 2)):
            rows.append(f"{k}-{copy},Name{k},Family{k % 5},p{k}@x.test,Town{k % 3}")
            truth.append(f"crm:{k}-{copy},P{k}")
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "truth.csv").write_text("\n".join(truth) + "\n", encoding="utf-8")
    (tmp_path / "unify.toml").write_text(
        '[[sources]]\nname = "crm"\npath = "people.csv"\nid_column = "id"\n'
        'columns = { first_name = "first", last_name = "last", email = "email", '
        'city = "city" }\n', encoding="utf-8")
    code, _, err = cli_main("run", str(tmp_path / "unify.toml"), "--out",
                            str(tmp_path / "out"), "--quiet")
    assert code == 0, err
    return tmp_path / "out", tmp_path / "truth.csv"


def test_report_writes_the_file_and_says_what_it_holds(run_folder, cli_main, tmp_path):
    out, truth = run_folder
    target = tmp_path / "r" / "report.html"
    code, said, err = cli_main("report", str(out), "-o", str(target), "--json")
    assert code == 0, err
    answer = json.loads(said)
    assert answer["output"] == str(target) and answer["bytes"] == target.stat().st_size
    assert "truth" not in answer["sections"] and "waterfalls" in answer["sections"]
    text = target.read_text(encoding="utf-8")
    assert all(f'<section id="{s}">' in text for s in answer["sections"])
    code, said, err = cli_main("report", str(out), "--truth", str(truth), "-o", str(target))
    assert code == 0, err
    assert "report written to" in said
    assert '<section id="truth">' in target.read_text(encoding="utf-8")


def test_report_of_a_folder_that_is_no_run_is_a_config_error(cli_main, tmp_path):
    code, _, err = cli_main("report", str(tmp_path), "-o", str(tmp_path / "r.html"))
    assert code == 2 and "output folder" in err
    assert not (tmp_path / "r.html").exists()


def test_report_with_a_bad_truth_file_names_it(run_folder, cli_main, tmp_path):
    out, _ = run_folder
    code, _, err = cli_main("report", str(out), "--truth", str(tmp_path / "nope.csv"),
                            "-o", str(tmp_path / "r.html"))
    assert code == 2 and "nope.csv" in err
