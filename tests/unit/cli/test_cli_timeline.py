"""``unifyprofile timeline``: one entity's touchpoints from a run's output or a store."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

CliMain = Callable[..., tuple[int, str, str]]

PEOPLE = ("id,first,last,email,seen,kind,state\n"
          "1,Ann,Smith,ann@x.com,2024-03-02T10:00:00Z,order,\n"
          "2,Anne,Smith,ann@x.com,2024-03-01T09:00:00Z,ticket,open\n"
          "3,Bob,Jones,bob@x.com,2024-01-01,ticket,solved\n")
CONFIG = ('[[sources]]\nname = "crm"\npath = "people.csv"\nid_column = "id"\n'
          'columns = { first_name = "first", last_name = "last", email = "email" }\n'
          '{events}\n[[rules]]\nname = "email"\nkeys = ["email", "first_name:nick"]\n')
EVENTS = ('[sources.events]\nat = "seen"\nchannel_value = "web"\ntype = "kind"\n'
          'status = "state"\n')


def _config(folder: Path, events: bool = True) -> Path:
    (folder / "people.csv").write_text(PEOPLE, encoding="utf-8")
    path = folder / "unify.toml"
    path.write_text(CONFIG.replace("{events}", EVENTS if events else ""), encoding="utf-8")
    return path


def _ann(out: Path) -> str:
    clusters = pd.read_parquet(out / "clusters.parquet")
    return str(clusters.set_index("record_id").loc["crm:1", "entity_id"])


def test_timeline_of_a_run_in_time_order(tmp_path: Path, cli_main: CliMain) -> None:
    out = tmp_path / "out"
    assert cli_main("run", str(_config(tmp_path)), "--out", str(out), "--quiet")[0] == 0
    ann = _ann(out)
    code, stdout, _ = cli_main("timeline", str(out), ann, "--json")
    assert code == 0
    answer = json.loads(stdout)
    assert answer["entity_id"] == ann
    assert [e["record_id"] for e in answer["events"]] == ["crm:2", "crm:1"]
    assert [e["type"] for e in answer["events"]] == ["ticket", "order"]
    assert answer["events"][0]["at"] == "2024-03-01T09:00:00Z"
    code, stdout, _ = cli_main("timeline", str(out), ann)
    assert code == 0 and "2 touchpoint(s)" in stdout and "ticket" in stdout
    code, _, stderr = cli_main("timeline", str(out), "E-nobody")
    assert code == 5 and "no entity 'E-nobody'" in stderr


def test_timeline_of_a_store_follows_the_entity(tmp_path: Path, cli_main: CliMain) -> None:
    store = str(tmp_path / "p.db")
    assert cli_main("ingest", str(_config(tmp_path)), "--store", store, "--quiet")[0] == 0
    out = tmp_path / "out"
    cli_main("run", str(tmp_path / "unify.toml"), "--out", str(out), "--quiet")
    ann = _ann(out)  # the store names entities as a run over the same data does
    code, stdout, _ = cli_main("timeline", ann, "--store", store, "--json")
    assert code == 0
    assert [e["source_record_id"] for e in json.loads(stdout)["events"]] == ["2", "1"]
    code, _, stderr = cli_main("timeline", "E0000000000000000", "--store", store)
    assert code == 7 and "no entity" in stderr
    code, _, stderr = cli_main("timeline", str(out), ann, "--store", store)
    assert code == 2 and "only the ENTITY_ID" in stderr


def test_a_run_without_events_says_what_to_declare(tmp_path: Path, cli_main: CliMain
                                                    ) -> None:
    out = tmp_path / "out"
    assert cli_main("run", str(_config(tmp_path, events=False)), "--out", str(out),
                    "--quiet")[0] == 0
    assert not (out / "events.parquet").exists()
    code, _, stderr = cli_main("timeline", str(out), _ann(out))
    assert code == 2 and "[sources.events]" in stderr
    code, _, stderr = cli_main("timeline", str(out))
    assert code == 2 and "ENTITY_ID" in stderr
