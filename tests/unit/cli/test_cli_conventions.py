"""Command-line conventions: --version, exit codes, flags, --json everywhere, progress,
``run --model``, ``blocking --json``, ``infer`` on every format, help that reads well."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import typer

from unifyprofile import cli
from unifyprofile.config import load_config

#: The ``cli_main`` fixture (conftest.py): (exit code, stdout, stderr).
CliMain = Callable[..., tuple[int, str, str]]

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "examples" / "cx_demo"


def _cli(*args: str, columns: int = 400) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "unifyprofile.cli", *args],
                          capture_output=True, text=True, env=env, timeout=300)




def _people(folder: Path) -> Path:
    (folder / "people.csv").write_text(
        "id,first,last,email\n1,Ann,Smith,ann@x.com\n2,Anne,Smith,ann@x.com\n"
        "3,Bob,Jones,bob@x.com\n", encoding="utf-8")
    config = folder / "unify.toml"
    config.write_text(
        '[[sources]]\nname = "crm"\npath = "people.csv"\nid_column = "id"\n'
        'columns = { first_name = "first", last_name = "last", email = "email" }\n\n'
        '[[rules]]\nname = "email"\nkeys = ["email", "first_name:nick"]\n', encoding="utf-8")
    return config


# -- version, exit codes --------------------------------------------------------------


def test_version_is_the_installed_distributions(cli_main: CliMain) -> None:
    code, stdout, _ = cli_main("--version")
    assert code == 0
    assert stdout.strip() == f"unifyprofile {importlib.metadata.version('unifyprofile')}"


def test_version_is_defined_once() -> None:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    import unifyprofile

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert unifyprofile.__version__ == project["version"]
    source = (ROOT / "src" / "unifyprofile" / "__init__.py").read_text(encoding="utf-8")
    assert f'"{project["version"]}"' not in source  # read from the installed metadata
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {project['version']}" in changelog


@pytest.mark.parametrize("args", [
    ("run",),                                   # missing argument
    ("run", "x.toml", "--no-such-option"),      # unknown option
    ("no-such-command",),                       # unknown command
    ("erase", "--store", "p.db", "--yes", "maybe"),  # an extra argument
])
def test_a_usage_error_exits_64_not_2(args, cli_main: CliMain) -> None:
    code, _, stderr = cli_main(*args)
    assert code == cli.USAGE_ERROR == 64
    assert "Usage: " in stderr and "Error: " in stderr


def test_a_config_error_still_exits_2(tmp_path, cli_main: CliMain) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[resolver]\nthreshold = 2\n", encoding="utf-8")
    code, _, stderr = cli_main("blocking", str(bad))
    assert code == 2
    assert "resolver.threshold must be a number in (0, 1] (got 2)" in stderr


def test_exit_codes_are_documented() -> None:
    doc = cli.__doc__ or ""
    for code, words in ((2, "configuration error"), (64, "usage error"), (130, "aborted")):
        assert re.search(rf"^{code}\s+{words}", doc, re.MULTILINE), code
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "64 usage error" in readme and "2 config error" in readme


# -- flags and --json -----------------------------------------------------------------


def _commands() -> dict[str, object]:
    group = typer.main.get_command(cli.app)
    return dict(group.commands)  # type: ignore[attr-defined]


def test_every_command_takes_json() -> None:
    commands = _commands()
    assert set(commands) == {"run", "evaluate", "infer", "blocking", "ingest", "resolve",
                             "lookup", "explain", "review", "report", "erase", "unsuppress",
                             "timeline", "serve", "keys"}
    keys = dict(commands.pop("keys").commands)  # type: ignore[attr-defined]
    assert set(keys) == {"create", "list", "revoke"}
    for name, command in {**commands, **keys}.items():
        opts = {opt for param in command.params for opt in param.opts}  # type: ignore[attr-defined]
        assert "--json" in opts, name


def test_quiet_is_a_flag_and_help_shows_it_as_one() -> None:
    proc = _cli("run", "--help", columns=100)
    assert proc.returncode == 0
    line = next(x for x in proc.stdout.splitlines() if "--quiet" in x)
    assert re.fullmatch(r"\s+--quiet\s+No progress bars\.", line), line
    ingest = _cli("ingest", "--help", columns=100).stdout
    assert re.search(r"^\s+--quiet\s+No progress bars\.$", ingest, re.MULTILINE)


def test_help_keeps_bracketed_text_and_wraps_paragraphs() -> None:
    run = _cli("run", "--help", columns=100).stdout
    assert "unifyprofile[spark]" in re.sub(r"\s+", " ", run)
    width = 60
    erase = _cli("erase", "--help", columns=width).stdout
    assert max(len(line) for line in erase.splitlines()) <= width
    # The description is rewrapped to the width, not cut where the docstring's lines end.
    description = erase.split("Options:")[0].strip().split("\n\n")[1:]
    for paragraph in description:
        lines = paragraph.splitlines()
        assert all(len(line) >= width - 20 for line in lines[:-1]), paragraph
    top = _cli("--help", columns=100).stdout
    assert "..." not in top.split("Commands:")[1]  # summaries, not truncated sentences


def test_blocking_json(cli_main: CliMain) -> None:
    code, stdout, _ = cli_main("blocking", str(DEMO / "unify.toml"),
                            "--json")
    assert code == 0
    report = json.loads(stdout)
    assert report["records"] == 6944 and report["link_type"] == "dedupe"
    rules = report["rules"]
    assert [r["rule"] for r in rules][-1] == "first_name:nick & dob"
    assert rules[-1]["cumulative"] == sum(r["new_pairs"] for r in rules)
    assert all(isinstance(r["pairs"], int) for r in rules)


def test_store_commands_json(tmp_path, cli_main: CliMain) -> None:
    config = _people(tmp_path)
    store = str(tmp_path / "p.db")
    code, stdout, _ = cli_main("ingest", str(config), "--store", store,
                            "--json")
    assert code == 0 and json.loads(stdout)["created"] == 2
    code, stdout, _ = cli_main("erase", "--store", store, "--record-id",
                            "crm:3", "--dry-run", "--json")
    assert code == 0
    assert json.loads(stdout)["records"][0]["record_id"] == "crm:3"
    code, stdout, _ = cli_main("erase", "--store", store, "--record-id",
                            "crm:3", "--yes", "--json")
    assert code == 0
    erased = json.loads(stdout)
    assert erased["records"] == 1 and erased["erased"] == 1 and erased["dry_run"] is False
    code, stdout, _ = cli_main("unsuppress", "--store", store,
                            "--record-id", "crm:3", "--json")
    assert code == 0 and json.loads(stdout) == {"lifted": 1}
    code, stdout, _ = cli_main("resolve", "email=ann@x.com",
                            "first_name=Ann", "--store", store, "--json")
    assert code == 0 and json.loads(stdout)["entity_id"] is not None


def test_ingest_shows_progress_on_stderr(tmp_path, cli_main: CliMain) -> None:
    config = _people(tmp_path)
    code, stdout, stderr = cli_main("ingest", str(config), "--store",
                                 str(tmp_path / "p.db"))
    assert code == 0
    bars = {line.split()[0]: line for line in stderr.splitlines() if "%" in line}
    assert list(bars)[:3] == ["read", "standardise", "fit"]
    assert {"block", "score", "cluster", "write", "golden"} <= set(bars)
    assert all("100.0%" in line for line in bars.values())
    assert "created" in stdout
    _, _, quiet = cli_main("ingest", str(config), "--store",
                        str(tmp_path / "q.db"), "--quiet")
    assert "%" not in quiet


# -- run --model --------------------------------------------------------------------------


def test_run_with_a_saved_model_scores_without_fitting(tmp_path, cli_main: CliMain) -> None:
    config = _people(tmp_path)
    first = tmp_path / "first"
    code, _, _ = cli_main("run", str(config), "--out", str(first), "--json")
    assert code == 0
    model = json.loads((first / "model.json").read_text(encoding="utf-8"))
    # A different prior in the saved model: the second run must score with it.
    model["lambda"] = 0.000001
    (tmp_path / "model.json").write_text(json.dumps(model), encoding="utf-8")
    second = tmp_path / "second"
    code, _, stderr = cli_main("run", str(config), "--out", str(second),
                            "--model", str(tmp_path / "model.json"), "--quiet")
    assert code == 0, stderr
    used = json.loads((second / "model.json").read_text(encoding="utf-8"))
    assert used["lambda"] == 0.000001
    assert used["comparisons"] == model["comparisons"]


def test_run_model_mistakes_are_config_errors(tmp_path, cli_main: CliMain) -> None:
    config = _people(tmp_path)
    code, _, stderr = cli_main("run", str(config), "--model",
                            str(tmp_path / "nope.json"))
    assert code == 2 and "--model" in stderr and "no such file" in stderr
    (tmp_path / "junk.json").write_text("{}", encoding="utf-8")
    code, _, stderr = cli_main("run", str(config), "--model",
                            str(tmp_path / "junk.json"))
    assert code == 2 and "not a unifyprofile model file" in stderr
    demo_model = tmp_path / "demo"
    assert cli_main("run", str(config), "--out", str(demo_model),
                 "--quiet")[0] == 0
    explicit = tmp_path / "explicit.toml"
    explicit.write_text(config.read_text(encoding="utf-8").replace(
        'path = "people.csv"', f'path = "{tmp_path / "people.csv"}"')
        + '\n[[comparisons]]\ntype = "email"\nfield = "email"\n', encoding="utf-8")
    assert load_config(explicit).comparisons
    code, _, stderr = cli_main("run", str(explicit), "--model",
                            str(demo_model / "model.json"))
    assert code == 2 and "are not the config's (email email)" in stderr


# -- infer reads what run reads -----------------------------------------------------------


def test_infer_reads_parquet_and_jsonl_and_rejects_a_bad_row(tmp_path, cli_main: CliMain) -> None:
    rows = {"record_id": [f"r{k}" for k in range(8)],
            "name": ["Ann Smith", "Ann Smyth", "Bob Jones", "Bob Jone", "Cy Lee",
                     "Cy Li", "Di Park", "Dee Park"],
            "email": ["ann@x.com", "ann@x.com", "bob@x.com", "bob@x.com", "cy@x.com",
                      "cy@x.com", "di@x.com", "di@x.com"]}
    pq.write_table(pa.table(rows), tmp_path / "people.parquet")
    target = tmp_path / "inferred.toml"
    code, stdout, stderr = cli_main("infer", str(tmp_path / "people.parquet"),
                                 "-o", str(target), "--json")
    assert code == 0, stderr
    report = json.loads(stdout)
    assert report["roles"]["email"]["role"] == "email"
    assert report["rejected_rows"] == []
    config = load_config(target)
    assert Path(str(config.sources[0].path)).name == "people.parquet"
    assert cli_main("run", str(target), "--out", str(tmp_path / "o"),
                 "--quiet")[0] == 0

    lines = [json.dumps({k: v[n] for k, v in rows.items()}) for n in range(8)]
    (tmp_path / "people.jsonl").write_text("\n".join([*lines[:3], "{not json", *lines[3:]])
                                           + "\n", encoding="utf-8")
    code, stdout, stderr = cli_main("infer", str(tmp_path / "people.jsonl"),
                                 "--json")
    assert code == 0, stderr
    report = json.loads(stdout)
    assert [(r["row"], r["reason"][:34]) for r in report["rejected_rows"]] == [
        (4, "unreadable row (line 4): not valid")]
    assert "1 row(s) could not be read and are left out" in stderr
    assert report["roles"]["email"]["role"] == "email"


def test_ingest_reads_a_file_relative_to_the_working_folder_and_a_glob(tmp_path, monkeypatch,
                                                                       cli_main: CliMain) -> None:
    config = _people(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    (work / "people_2026-01.csv").write_text("id,first,last,email\n7,Eve,Ng,eve@x.com\n",
                                             encoding="utf-8")
    (work / "people_2026-02.csv").write_text("id,first,last,email\n8,Eva,Ng,eve@x.com\n",
                                             encoding="utf-8")
    monkeypatch.chdir(work)
    code, stdout, stderr = cli_main("ingest", str(config),
                                 "people_2026-01.csv", "--store", "p.db", "--json")
    assert code == 0, stderr
    assert json.loads(stdout)["records"] == 1
    code, stdout, stderr = cli_main("ingest", str(config),
                                 "people_*.csv", "--source", "crm", "--store", "p.db",
                                 "--json")
    assert code == 0, stderr
    assert json.loads(stdout)["records"] == 2
