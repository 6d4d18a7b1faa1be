"""The command line: outputs of ``run``, exit codes without tracebacks, ``evaluate --json``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from unifyprofile.config import load_config

#: The ``cli_main`` fixture (conftest.py): (exit code, stdout, stderr).
CliMain = Callable[..., tuple[int, str, str]]

DEMO = Path(__file__).resolve().parents[3] / "examples" / "cx_demo"
OUTPUTS = ("clusters", "golden", "pairs", "rejects", "events")  # the demo has event sources


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "unifyprofile.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )




# -- run on the demo ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("demo") / "out"
    proc = _cli("run", str(DEMO / "unify.toml"), "--out", str(out), "--quiet")
    return out, proc


def test_run_demo_exits_zero_and_writes_every_output(demo_run: tuple[Path, object]) -> None:
    out, proc = demo_run
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [f"{n}.{ext}" for n in OUTPUTS for ext in ("parquet", "csv")]
        + ["model.json", "summary.json", "records.parquet", "links_cut.parquet", "config.toml"]
    )
    assert "unifyprofile run" in proc.stdout
    assert "records from crm" in proc.stdout
    written = [line for line in proc.stdout.splitlines() if "written to" in line]
    assert len(written) == 1 and str(out) in written[0]


def test_run_demo_outputs_are_consistent(demo_run: tuple[Path, object]) -> None:
    out, _ = demo_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["rows_read"] == {"crm": 2254, "csm": 1735, "ecommerce": 1539, "support": 1423}
    assert summary["records"] == {"crm": 2250, "csm": 1734, "ecommerce": 1539, "support": 1421}
    assert summary["rejects"] == 7

    tables = {n: pd.read_parquet(out / f"{n}.parquet") for n in OUTPUTS}
    for name, table in tables.items():
        csv = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
        assert list(csv.columns) == list(table.columns), name
        assert len(csv) == len(table), name

    clusters = tables["clusters"]
    assert list(clusters.columns) == ["record_id", "entity_id"]
    assert len(clusters) == 6944 and clusters["record_id"].is_unique
    assert clusters["entity_id"].nunique() == summary["entities"] == len(tables["golden"])
    sizes = clusters.groupby("entity_id").size().value_counts().sort_index()
    assert {str(k): int(v) for k, v in sizes.items()} == summary["cluster_sizes"]
    assert len(tables["pairs"]) == summary["candidate_pairs"]
    assert tables["rejects"][["source", "row"]].values.tolist() == [
        ["crm", 746],
        ["crm", 873],
        ["crm", 1009],
        ["crm", 1053],
        ["csm", 1119],
        ["support", 629],
        ["support", 1122],
    ]

    model = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert model["format"] == "unifyprofile.FellegiSunter"
    assert model["seed"] == 42


# -- exit codes -----------------------------------------------------------------------


def test_config_error_exits_2_without_traceback(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[resolver]\nthreshold = 1.5\n\n[guard]\nveto = ["dob"]\n', encoding="utf-8")
    proc = _cli("run", str(cfg), "--out", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.startswith(f"error: {cfg}: 2 problems in the configuration:")
    assert "  - guard: unknown key (did you mean 'guards'?)" in proc.stderr
    assert "  - resolver.threshold must be a number in (0, 1] (got 1.5)" in proc.stderr
    assert not (tmp_path / "out").exists()


def _tiny_source(tmp_path: Path) -> Path:
    data = tmp_path / "people.csv"
    data.write_text(
        "id,first,last,email\n"
        "1,Ann,Smith,ann@x.com\n"
        "2,Anne,Smith,ann@x.com\n"
        "3,Bob,Smith,bob@x.com\n"
        "4,Cy,Jones,cy@x.com\n",
        encoding="utf-8",
    )
    return data


def _tiny_config(tmp_path: Path, path: str, extra: str = "") -> Path:
    cfg = tmp_path / "unify.toml"
    cfg.write_text(
        f'[[sources]]\nname = "people"\npath = "{path}"\nid_column = "id"\n'
        '[sources.columns]\nfirst_name = "first"\nlast_name = "last"\nemail = "email"\n' + extra,
        encoding="utf-8",
    )
    return cfg


def test_missing_source_file_exits_3(tmp_path: Path, cli_main: CliMain) -> None:
    cfg = _tiny_config(tmp_path, "missing.csv")
    code, stdout, stderr = cli_main("run", str(cfg), "--out", str(tmp_path / "out"), "--quiet"
    )
    assert code == 3
    assert stderr == (f"error: source 'people': file not found: {tmp_path / 'missing.csv'}\n")
    assert stdout == ""


def test_unknown_mapped_column_exits_3(tmp_path: Path, cli_main: CliMain) -> None:
    _tiny_source(tmp_path)
    cfg = _tiny_config(tmp_path, "people.csv", 'phone = "Phone"\n')
    code, _, stderr = cli_main("run", str(cfg), "--quiet", "--out", str(tmp_path / "out")
    )
    assert code == 3
    assert "phone -> 'Phone' is not a column" in stderr
    assert "Columns in this source: 'id', 'first', 'last', 'email'" in stderr


def test_exploding_blocking_rule_exits_4(tmp_path: Path, cli_main: CliMain) -> None:
    _tiny_source(tmp_path)
    cfg = _tiny_config(
        tmp_path, "people.csv", '\n[blocking]\nrules = [["last_name"]]\nmax_pairs_per_rule = 2\n'
    )
    code, _, stderr = cli_main("run", str(cfg), "--quiet", "--out", str(tmp_path / "out")
    )
    assert code == 4
    assert stderr.startswith(
        "error: blocking rule 'last_name' would produce 3 candidate "
        "pairs, more than max_pairs_per_rule = 2"
    )


def test_blocking_command_prints_rule_counts(tmp_path: Path, cli_main: CliMain) -> None:
    _tiny_source(tmp_path)
    cfg = _tiny_config(tmp_path, "people.csv", '\n[blocking]\nrules = [["email"], ["last_name"]]\n')
    code, stdout, _ = cli_main("blocking", str(cfg))
    assert code == 0
    rows = [line.split() for line in stdout.strip().splitlines()]
    assert rows[0] == ["rule", "pairs", "new_pairs", "cumulative", "largest_block"]
    assert [r[:4] for r in rows[1:]] == [["email", "1", "1", "1"], ["last_name", "3", "2", "3"]]


# -- evaluate -------------------------------------------------------------------------


def _tiny_benchmark(tmp_path: Path) -> Path:
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "records.csv").write_text(
        "record_id,first_name,last_name,dob,email\n"
        "1,Ann,Smith,1980-01-02,ann.smith@example.com\n"
        "2,Anne,Smith,1980-01-02,ann.smith@example.com\n"
        "3,Bob,Jones,1975-05-06,bob.jones@example.com\n"
        "4,Robert,Jones,1975-05-06,bob.jones@example.com\n"
        "5,Cara,Lee,1990-07-08,cara.lee@example.com\n"
        "6,Dan,Brown,1985-03-04,dan.brown@example.com\n"
        "7,Eve,White,1992-11-12,eve.white@example.com\n"
        "8,Evelyn,White,1992-11-12,eve.white@example.com\n",
        encoding="utf-8",
    )
    (folder / "truth.csv").write_text(
        "record_id,cluster_id\n1,a\n2,a\n3,b\n4,b\n7,c\n8,c\n", encoding="utf-8"
    )
    return folder


def test_evaluate_json_prints_one_object(tmp_path: Path, cli_main: CliMain) -> None:
    folder = _tiny_benchmark(tmp_path)
    code, stdout, stderr = cli_main("evaluate", str(folder), "--json")
    assert code == 0, stderr
    lines = stdout.strip().splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert list(report) == [
        "dataset",
        "task",
        "records",
        "candidate_pairs",
        "blocking_recall",
        "threshold",
        "pairwise",
        "cluster",
        "bcubed",
        "entities",
        "largest_entity",
        "model_check",
        "seconds",
    ]
    assert (report["dataset"], report["task"], report["records"]) == ("tiny", "dedup", 8)
    from unifyprofile.infer import DEDUP_THRESHOLD

    assert report["threshold"] == DEDUP_THRESHOLD  # zero-config dedup
    assert report["candidate_pairs"] >= 3
    assert 0 <= report["blocking_recall"] <= 1
    for metric in ("pairwise", "cluster", "bcubed"):
        assert set(report[metric]) >= {"precision", "recall", "f1"}
        assert all(0 <= report[metric][k] <= 1 for k in ("precision", "recall", "f1"))
    assert report["seconds"] > 0


def test_evaluate_missing_folder_exits_3(tmp_path: Path, cli_main: CliMain) -> None:
    code, _, stderr = cli_main("evaluate", str(tmp_path / "nope"), "--json")
    assert code == 3
    assert stderr.startswith(f"error: {tmp_path / 'nope'}: benchmark folder not found")
    assert "Traceback" not in stderr


def _catalogues(tmp_path: Path) -> tuple[Path, Path]:
    left = tmp_path / "shop_a.csv"
    right = tmp_path / "shop_b.csv"
    left.write_text(
        "id,title,price\n"
        "a1,Sony Bravia KDL-40V3000 40in LCD TV,$899.00\n"
        "a2,Canon EOS 400D Digital SLR Camera,$599.00\n"
        "a3,Linksys EZXS88W 8-port Ethernet Switch,$39.99\n", encoding="utf-8")
    right.write_text(
        "id,title,price\n"
        "b1,sony kdl40v3000 lcd television,899\n"
        "b2,Canon EOS-400D SLR body,589.50\n"
        "b3,Bose Acoustimass 5 speakers,399\n", encoding="utf-8")
    return left, right


def test_infer_writes_a_config_that_runs(tmp_path: Path, cli_main: CliMain) -> None:
    left, right = _catalogues(tmp_path)
    target = tmp_path / "inferred.toml"
    code, _, stderr = cli_main("infer", str(left), str(right), "--link",
                            "-o", str(target))
    assert code == 0, stderr
    assert "title: text" in stderr
    assert "estimated candidate pairs before comparing" in stderr
    config = load_config(target)
    assert config.link_type == "link_only"
    assert [s.name for s in config.sources] == ["shop_a", "shop_b"]
    assert {c.type_name for c in config.comparisons} == {"text", "numeric"}
    code, stdout, stderr = cli_main("run", str(target), "--out",
                                 str(tmp_path / "out"), "--json")
    assert code == 0, stderr


def test_infer_finds_each_exports_own_id_column(tmp_path: Path, cli_main: CliMain) -> None:
    """Exports of several systems name their keys differently (``Id``, ``Customer ID``);
    a duplicated id does not disqualify a key: `run` rejects that row with the reason."""
    crm, shop = tmp_path / "crm.csv", tmp_path / "shop.csv"
    firsts = ["Ann", "Bob", "Carla", "Dev", "Ewa", "Femi", "Gus", "Hana", "Ivo", "Jun",
              "Kofi", "Lena", "Milo", "Nia", "Omar"]
    lasts = ["Smith", "Jones", "Kowalski", "Tanaka", "Okafor", "Rossi", "Berg", "Silva",
             "Novak", "Dubois"]
    people = [(f, s) for f in firsts for s in lasts]
    rows = [f"c{k},{f},{s},{f.lower()}.{s.lower()}{k}@mailbox.org"
            for k, (f, s) in enumerate(people)]
    crm.write_text("Id,FirstName,LastName,Email\n" + "\n".join(rows + [rows[0]]) + "\n",
                   encoding="utf-8")
    shop.write_text("Customer ID,First Name,Last Name,Email\n"
                    "7001,Ann,Jones,ann.jones1@mailbox.org\n"
                    "7002,Omar,Dubois,omar.dubois149@mailbox.org\n", encoding="utf-8")
    target = tmp_path / "inferred.toml"
    code, _, stderr = cli_main("infer", str(crm), str(shop), "-o", str(target))
    assert code == 0, stderr
    config = load_config(target)
    assert {s.name: s.id_column for s in config.sources} == {"crm": "Id",
                                                              "shop": "Customer ID"}
    code, stdout, stderr = cli_main("run", str(target), "--out", str(tmp_path / "out"),
                                    "--json")
    assert code == 0, stderr
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv", dtype=str)
    assert list(rejects["source_record_id"]) == ["c0"]
    clusters = pd.read_csv(tmp_path / "out" / "clusters.csv", dtype=str)
    assert len(clusters) == 152  # 150 CRM rows (the repeated one rejected) and 2 shop rows
    together = clusters.set_index("record_id")["entity_id"]
    assert together["crm:c1"] == together["shop:7001"]
    assert together["crm:c149"] == together["shop:7002"]


def test_infer_without_an_id_column_names_the_fix(tmp_path: Path, cli_main: CliMain) -> None:
    path = tmp_path / "t.csv"
    path.write_text("title\nfoo bar\nfoo bar\n", encoding="utf-8")
    code, _, stderr = cli_main("infer", str(path))
    assert code == 2
    assert "--id-column" in stderr
