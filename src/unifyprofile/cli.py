"""Command line: ``unifyprofile run``, ``evaluate``, ``infer``, ``blocking``, ``ingest``,
``resolve``, ``lookup``, ``explain``, ``review``, ``report``, ``erase``, ``unsuppress``,
``timeline``, ``serve``, ``keys``.

User mistakes (a bad config, a missing file, a blocking rule that explodes) print one
clear message and exit with the error's code, without a traceback:

====  ==========================================================================
code  meaning
====  ==========================================================================
0     success
1     an unexpected error (a bug: the traceback is printed; please report it)
2     configuration error (the config file, or a value given to an option)
3     source could not be read or mapped
4     blocking would produce too many pairs
5     a table broke a stage's contract
6     a model was used before fitting
7     the identity store cannot do it
64    usage error: an unknown command or option, a missing argument, an option
      value of the wrong type (``EX_USAGE`` of BSD ``sysexits.h``)
130   aborted (Ctrl-C, or "no" at a confirmation)
====  ==========================================================================

Every command takes ``--json`` (print one JSON object on stdout; notes and warnings
still go to stderr), and ``--help``; ``unifyprofile --version`` prints the version.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from unifyprofile._log import logger
from unifyprofile.errors import UnifyProfileError

# Plain help (no rich markup): option texts such as "unifyprofile[spark]" print as
# written, flags show as flags, and paragraphs are rewrapped to the terminal's width.
app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Identity resolution and golden customer profiles.")
console = Console(stderr=True)
out = Console()


class _StderrHandler(logging.Handler):
    """The ``unifyprofile`` logger's warnings on stderr, in every mode (``--json`` too)."""

    def emit(self, record: logging.LogRecord) -> None:
        level = "warning" if record.levelno >= logging.WARNING else "note"
        console.print(f"[yellow]{level}:[/] {escape(record.getMessage())}", highlight=False,
                      soft_wrap=True)


#: Exit code of a usage error (unknown option, missing argument, bad option value).
USAGE_ERROR = 64


def _print_version(value: bool) -> None:
    if value:
        from unifyprofile import __version__

        out.print(f"unifyprofile {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _setup(
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the version and exit.")] = False,
) -> None:
    """Identity resolution and golden customer profiles."""
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        logger.addHandler(_StderrHandler())
        logger.setLevel(logging.INFO)


def main() -> None:
    """Entry point of the ``unifyprofile`` console script."""
    try:
        app(standalone_mode=False)
    except UnifyProfileError as exc:
        console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        console.print("aborted")
        sys.exit(130)
    except Exception as exc:
        # Usage errors (unknown option, missing argument) know how to show themselves.
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            # Click's UsageError (Typer may vendor Click, so it is found by name) exits 2,
            # the code of a configuration error here: it gets a code of its own.
            if any(cls.__name__ == "UsageError" for cls in type(exc).__mro__):
                code = USAGE_ERROR
            sys.exit(code)
        raise


def _progress_bar(enabled: bool) -> tuple[Progress | None, Callable[[str, int, int], None] | None]:
    if not enabled:
        return None, None
    bar = Progress(TextColumn("{task.description:<12}"), BarColumn(),
                   TextColumn("{task.percentage:>5.1f}%"), TimeElapsedColumn(),
                   TimeRemainingColumn(), console=console, transient=False)
    tasks: dict[str, TaskID] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            # A stage starts when the one before it is over (the identity store only
            # says where it is): the earlier bars are full.
            for earlier in tasks.values():
                bar.update(earlier, completed=bar.tasks[earlier].total)
            tasks[stage] = bar.add_task(stage, total=max(total, 1))
        bar.update(tasks[stage], completed=done, total=max(total, 1))

    return bar, update


def _finish(bar: Progress) -> None:
    """Fill every bar: the work is done."""
    for task in bar.tasks:
        bar.update(task.id, completed=task.total)


@app.command(short_help="Resolve the sources; write clusters, golden profiles, pairs.")
def run(
    config: Annotated[Path, typer.Argument(help="TOML config file.")],
    out_dir: Annotated[
        Path, typer.Option("--out", help="Directory for the outputs.")
    ] = Path("out"),
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bars.")] = False,
    json_summary: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON.")
    ] = False,
    engine: Annotated[
        str, typer.Option("--engine", help="local, or spark (needs unifyprofile[spark]; "
                          "uses the active Spark session or a local one).")
    ] = "local",
    model_path: Annotated[Path | None, typer.Option(
        "--model", metavar="MODEL_JSON",
        help="Score with this fitted model (the model.json an earlier run of the same "
             "config wrote) instead of fitting one.")] = None,
    labels: Annotated[Path | None, typer.Option(
        "--labels", metavar="LABELS_CSV",
        help="Labelled pairs (the CSV `unifyprofile review` wrote, is_match filled in): "
             "they adjust m, choose the threshold by F1 and keep the pairs labelled "
             "different apart.")] = None,
) -> None:
    """Resolve the sources of CONFIG and write clusters, golden profiles, pairs, rejects."""
    from unifyprofile.config import load_config
    from unifyprofile.resolver import Resolver

    cfg = load_config(config)
    model = None if model_path is None else _load_model(model_path, cfg)
    bar, update = _progress_bar(not quiet and not json_summary)
    if bar:
        with bar:
            result = Resolver(cfg, model=model, progress=update, engine=engine,
                              labels=labels).run()
    else:
        result = Resolver(cfg, model=model, engine=engine, labels=labels).run()
    result.write(out_dir)
    summary = result.summary()
    if json_summary:
        out.print_json(json.dumps(summary))
        return
    _print_summary(summary, out_dir)


def _load_model(path: Path, cfg: Any) -> Any:
    """The model of ``--model``, checked against the config's comparisons."""
    from unifyprofile.errors import ConfigError, DataError
    from unifyprofile.score import FellegiSunter

    if not path.is_file():
        raise ConfigError(f"--model {path}: no such file; give the model.json that "
                          "`unifyprofile run` wrote")
    try:
        model = FellegiSunter.load(path)
    except (ValueError, KeyError, TypeError) as exc:  # JSON errors are ValueErrors
        if isinstance(exc, DataError):
            raise ConfigError(f"--model {path}: {exc}") from exc
        raise ConfigError(f"--model {path}: not a model written by unifyprofile "
                          f"({type(exc).__name__}: {exc})") from exc
    wanted = [c.to_config() for c in cfg.comparisons]
    have = [c.to_config() for c in model.comparisons]
    if wanted and wanted != have:
        def names(configs: list[dict[str, Any]]) -> str:
            return ", ".join(f"{c.get('type')} {c.get('field')}" for c in configs)

        raise ConfigError(f"--model {path}: its comparisons ({names(have)}) are not the "
                          f"config's ({names(wanted)}); use the model a run of this "
                          "config wrote, or leave --model out to fit one")
    return model


def _print_summary(summary: dict[str, Any], out_dir: Path) -> None:
    table = Table(title="unifyprofile run", show_header=False, title_justify="left")
    for source, rows in summary["rows_read"].items():
        n = summary["records"].get(source, 0)
        rejected = summary["rejects_by_source"].get(source, 0)
        lines = summary["lines_read"].get(source)
        read = f"{rows:,} rows" + (f" on {lines['total']:,} lines" if lines else "")
        table.add_row(f"records from {source}", f"{n:,} + {rejected:,} rejects (of {read})")
    table.add_row("rejects", f"{summary['rejects']:,}")
    table.add_row("candidate pairs", f"{summary['candidate_pairs']:,}")
    table.add_row("matches", f"{summary['matches']:,} ({summary['rule_matches']:,} by rules)")
    table.add_row("entities", f"{summary['entities']:,}")
    sizes = ", ".join(f"{k}: {v:,}" for k, v in summary["cluster_sizes"].items())
    table.add_row("cluster sizes", sizes)
    table.add_row("largest cluster", f"{summary['largest_cluster']:,}")
    table.add_row("hub values demoted", f"{summary['hub_values_demoted']:,}")
    table.add_row("links cut by guards", f"{summary['links_cut_by_guards']:,}")
    table.add_row("seconds", ", ".join(f"{k} {v:.2f}" for k, v in summary["seconds"].items()))
    table.add_row("written to", str(out_dir))
    out.print(table)


@app.command(short_help="Score a labelled dataset: precision, recall and F1.")
def evaluate(
    directory: Annotated[Path, typer.Argument(help="Labelled data: records.csv + truth.csv, "
                                                   "or left.csv + right.csv + truth.csv.")],
    config: Annotated[Path | None, typer.Option("--config", help="TOML config.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    write_config: Annotated[Path | None, typer.Option(
        "--write-config", help="Write the config used (inferred without --config) as TOML, "
                               "to edit and pass back with --config.")] = None,
) -> None:
    """Resolve a labelled dataset and print precision, recall and F1 against its truth.

    Without --config the config is inferred from the tables (zero-config): column roles
    from names and values, comparisons, blocking rules within a pair budget, threshold.
    """
    from unifyprofile.evaluate import evaluate_directory

    report = evaluate_directory(directory, config, write_config=write_config)
    # Notes (the inferred blocking rules and their estimated pairs) go to stderr, so
    # that --json prints exactly the documented object.
    for note in report.pop("notes", []):
        console.print(escape(note), highlight=False, soft_wrap=True)
    if write_config is not None:
        console.print(f"config written to {escape(str(write_config))}", highlight=False)
    if json_output:
        out.print(json.dumps(report), highlight=False, soft_wrap=True)
        return
    table = Table(title=f"{report['dataset']} ({report['task']})", title_justify="left")
    table.add_column("metric")
    for col in ("precision", "recall", "f1"):
        table.add_column(col, justify="right")
    for metric in ("pairwise", "cluster", "bcubed"):
        if report.get(metric):
            table.add_row(metric, *(f"{report[metric][c]:.4f}"
                                    for c in ("precision", "recall", "f1")))
    out.print(table)
    out.print(f"records {report['records']:,}  candidate pairs {report['candidate_pairs']:,}  "
              f"blocking recall {report['blocking_recall']:.4f}  threshold "
              f"{report['threshold']}  {report['seconds']:.2f} s")


def _id_column(tables: dict[str, Any], given: str | None) -> str | dict[str, str]:
    """The id column: ``given``, else one named like an id (``record_id``, ``id``,
    ``*_id``, ``Customer ID``) that is unique and filled in every table, else one such
    column per table (exports of several systems each name their own key).  A few
    duplicate or empty ids (at most 1 %) do not disqualify a column: `run` rejects
    those rows with the reason."""
    import re

    from unifyprofile.errors import ConfigError

    if given is not None:
        missing = [n for n, t in tables.items() if given not in t.columns]
        if missing:
            raise ConfigError(f"--id-column {given!r}: not a column of {', '.join(missing)}")
        return given

    def keys(table: Any) -> list[str]:
        return [str(c) for c in table.columns
                if (re.sub(r"[^a-z0-9]", "", str(c).lower()) in ("recordid", "id")
                    or str(c).lower().endswith(("_id", " id")))
                and _nearly_unique(table[c])]

    per_table = {name: keys(table) for name, table in tables.items()}
    first = next(iter(per_table.values()))
    for column in first:
        if all(column in found for found in per_table.values()):
            return column
    lacking = [name for name, found in per_table.items() if not found]
    if lacking:
        raise ConfigError(f"no id column found in {', '.join(lacking)} (a column such as "
                          "record_id or id, unique and filled); name it with "
                          "--id-column")
    return {name: found[0] for name, found in per_table.items()}


def _nearly_unique(column: Any) -> bool:
    filled = column.dropna()
    return len(filled) >= 0.99 * len(column) and filled.nunique() >= 0.99 * len(filled)


@app.command("infer", short_help="Infer a config from your own exports (zero-config).")
def infer_command(
    files: Annotated[list[str], typer.Argument(
        help="Exports to read as `run` reads them: CSV, TSV, Parquet or JSONL files, globs, "
             "folders (partitioned Parquet) or fsspec URLs; one to deduplicate, or "
             "several; two with --link.")],
    link: Annotated[bool, typer.Option("--link", help="Link two tables (each free of "
                                                      "duplicates) instead of deduplicating."
                                       )] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the TOML "
                                                "config here (default: print it).")] = None,
    id_column: Annotated[str | None, typer.Option("--id-column", help="Column holding each "
                                                  "record's id (default: record_id, id or "
                                                  "a unique *_id column).")] = None,
    json_output: Annotated[bool, typer.Option(
        "--json", help="Print one JSON object: the config (TOML text), the role of every "
                       "column, the notes and the rejected rows.")] = False,
) -> None:
    """Infer a config from the tables themselves: column roles from names and values,
    comparisons, blocking rules within a pair budget, and a threshold (zero-config)."""
    import dataclasses

    import pandas as pd

    from unifyprofile.config import dump_config
    from unifyprofile.errors import ConfigError, SourceError
    from unifyprofile.infer import fit_config, infer_config
    from unifyprofile.resolver import Resolver
    from unifyprofile.sources import read_table

    if link and len(files) != 2:
        raise ConfigError(f"--link needs exactly two files, got {len(files)}")
    tables: dict[str, pd.DataFrame] = {}
    paths: dict[str, str | Path] = {}
    rejected: list[pd.DataFrame] = []
    read_notes: list[str] = []
    found: list[str] = []  # what reading found out: a delimiter, an encoding
    for path in files:
        name = _table_name(path, tables)
        # Read as a source is read: every format `run` reads, unparsable rows as rejects.
        table = read_table(path, name=name)
        if table.empty_file or not len(table.frame.columns):
            raise SourceError(f"{table.where}: no header and no rows; infer needs a table "
                              "with a header row")
        if len(table.rejects):
            rejected.append(table.rejects)
            first = table.rejects.iloc[0]
            read_notes.append(f"{table.where}: {len(table.rejects):,} row(s) could not be "
                              f"read and are left out (first: row {first['row']}: "
                              f"{first['reason']}); `run` rejects them too")
        found += table.notes
        tables[name] = table.frame
        paths[name] = path if "://" in path else Path(path).resolve()
    for note in found:
        console.print(escape(note), highlight=False, soft_wrap=True)
    for note in read_notes:
        console.print(f"[yellow]warning:[/] {escape(note)}", highlight=False, soft_wrap=True)
    key = _id_column(tables, id_column)
    config, roles = infer_config(tables, link=link, id_column=key)
    records, _, _, _ = Resolver(config).prepare()
    config, notes = fit_config(config, records)
    config = dataclasses.replace(config, sources=infer_config(
        tables, link=link, id_column=key, paths=paths)[0].sources)
    for column, role in roles.items():
        console.print(f"{escape(column)}: {role.role} ({escape(role.reason)})", highlight=False)
    for note in notes:
        console.print(escape(note), highlight=False)
    text = dump_config(config)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        console.print(f"config written to {escape(str(output))}", highlight=False)
    if json_output:
        rejects = (pd.concat(rejected, ignore_index=True) if rejected
                   else pd.DataFrame(columns=["source", "row", "source_record_id", "column",
                                              "reason"]))
        out.print(json.dumps({
            "config": text, "output": None if output is None else str(output),
            "roles": {c: {"role": r.role, "reason": r.reason} for c, r in roles.items()},
            "notes": found + read_notes + list(notes),
            "rejected_rows": _records(rejects)}, default=str),
            highlight=False, soft_wrap=True)
    elif output is None:
        out.print(text, highlight=False, markup=False, soft_wrap=True)


def _table_name(path: str, taken: dict[str, Any]) -> str:
    """A source name from a file name: ``exports/crm-2026.csv`` -> ``crm_2026``."""
    from pathlib import PurePosixPath

    stem = PurePosixPath(path.rstrip("/").split("://")[-1]).stem
    name = "".join(ch if ch.isalnum() else "_" for ch in stem) or "source"
    while name in taken:
        name += "_2"
    return name


def _records(table: Any) -> list[dict[str, Any]]:
    """A table's rows as JSON-ready dicts (missing values as null)."""
    return list(table.astype(object).where(table.notna(), None).to_dict("records"))


@app.command("blocking", short_help="Count the candidate pairs of each blocking rule.")
def blocking_command(
    config: Annotated[Path, typer.Argument(help="TOML config file.")],
    json_output: Annotated[bool, typer.Option(
        "--json", help="Print one JSON object: the records read and one entry per rule "
                       "(rule, pairs, new_pairs, cumulative, largest_block).")] = False,
) -> None:
    """Count the candidate pairs each blocking rule would produce, before comparing."""
    from unifyprofile.blocking import analyse_blocking
    from unifyprofile.config import load_config
    from unifyprofile.engines import LocalPipeline, plan_blocking

    cfg = load_config(config)
    records, _, _, _ = LocalPipeline(cfg).prepare()
    report = analyse_blocking(records, plan_blocking(cfg, records.columns), cfg.link_type)
    if json_output:
        out.print(json.dumps({"records": len(records), "link_type": cfg.link_type,
                              "rules": _records(report)}, default=int),
                  highlight=False, soft_wrap=True)
        return
    out.print(report.to_string(index=False), highlight=False)


@app.command(short_help="Add records to an identity store; print what changed.")
def ingest(
    config: Annotated[Path, typer.Argument(help="TOML config file.")],
    file: Annotated[str | None, typer.Argument(
        help="Export to ingest (new or changed records): a file, a glob, a folder or an "
             "fsspec URL, read like a source's path. Its source is --source, or the "
             "config source whose file name it matches (crm_contacts_2026-11-23.csv matches "
             "crm_contacts.csv). Omitted: every source of the config.")] = None,
    store_path: Annotated[Path, typer.Option("--store", help="Identity store file.")] = Path(
        "profiles.db"),
    source: Annotated[str | None, typer.Option("--source", help="Source of FILE.")] = None,
    json_summary: Annotated[
        bool, typer.Option("--json", help="Print the change summary as JSON (rejects "
                                          "included).")
    ] = False,
    rejects_path: Annotated[Path | None, typer.Option(
        "--rejects", help="Write the rows that could not be used to this CSV file (source, "
                          "row, source_record_id, column, reason).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bars.")] = False,
    follow: Annotated[bool, typer.Option(
        "--follow", help="FILE is a growing JSONL file: ingest its lines as they are "
                         "written (Segment messages, or records of --source) until Ctrl-C "
                         "or --idle-exit.")] = False,
    idle_exit: Annotated[float | None, typer.Option(
        "--idle-exit", metavar="SECONDS", help="With --follow: stop once FILE has not "
                                               "grown for this long.")] = None,
) -> None:
    """Ingest records into an identity store; print which entities changed.

    The first ingest into a new store fits the model and resolves everything; later ones
    update only the entities the records touch.  An export without rows (a quiet day)
    changes nothing and succeeds.  Progress bars (one per stage) go to stderr unless
    --quiet or --json.  With --follow, FILE is tailed: each batch of new lines is one
    ingest, and a line per batch goes to stderr.
    """
    from unifyprofile.store import IdentityStore

    if file is not None and "://" not in file:
        # Relative to where the command runs (a config's own paths are relative to it).
        file = str(Path(file).absolute())
    if follow:
        _follow(config, file, store_path, source, idle_exit, json_summary)
        return
    bar, update = _progress_bar(not quiet and not json_summary)
    if bar:
        with bar, IdentityStore(store_path, config, progress=update) as store:
            changes = store.ingest(file, source=source)
            stats = store.stats()
            _finish(bar)
    else:
        with IdentityStore(store_path, config) as store:
            changes = store.ingest(file, source=source)
            stats = store.stats()
    summary = changes.summary()
    rejects = changes.rejects.astype(object).where(changes.rejects.notna(), None)
    if rejects_path is not None:
        rejects.to_csv(rejects_path, index=False)
    if json_summary:
        out.print_json(json.dumps({**summary, "store": stats,
                                   "rejected_rows": rejects.to_dict("records")}, default=str))
        return
    table = Table(title=f"unifyprofile ingest (run {changes.run_id})", show_header=False,
                  title_justify="left")
    for key in ("records", "rejects", "suppressed", "created", "updated", "merged", "split",
                "erased"):
        table.add_row(key, f"{summary[key]:,}")
    if len(rejects):
        where = f"written to {rejects_path}" if rejects_path else "see --rejects FILE"
        table.add_row("rejected rows", where)
    table.add_row("store", f"{store_path}: {stats['records']:,} records, "
                           f"{stats['golden']:,} entities")
    out.print(table)


def _follow(config: Path, file: str | None, store_path: Path, source: str | None,
            idle_exit: float | None, as_json: bool) -> None:
    from unifyprofile.errors import ConfigError
    from unifyprofile.store import IdentityStore

    if file is None or "://" in file:
        raise ConfigError("--follow needs FILE, a local JSONL file to tail")

    def said(changes: Any, events: int) -> None:
        counts = changes.summary() if changes is not None else {"records": 0}
        console.print(f"batch: {counts['records']:,} record(s), {events:,} event(s)"
                      + (f", {counts['created']:,} created, {counts['merged']:,} merged"
                         if changes is not None else ""), highlight=False)

    with IdentityStore(store_path, config) as store:
        try:
            done = store.follow(file, source=source, idle_exit=idle_exit,
                                on_batch=None if as_json else said)
        except KeyboardInterrupt:
            return
    if as_json:
        out.print(json.dumps(done.__dict__, default=str), highlight=False, soft_wrap=True)
        return
    out.print(f"followed {file}: {done.lines:,} line(s) in {done.batches:,} batch(es), "
              f"{done.records:,} record(s), {done.events:,} event(s), "
              f"{len(done.rejected):,} line(s) not used", highlight=False)


def _pairs(values: list[str], option: str, example: str) -> dict[str, str]:
    """``FIELD=VALUE`` options as a mapping (a clear error for any other form)."""
    from unifyprofile.errors import ConfigError

    bad = [v for v in values if "=" not in v]
    if bad:
        raise ConfigError(f"{option} expects FIELD=VALUE, got {bad[0]!r} (e.g. {option} "
                          f"{example})")
    return dict(v.split("=", 1) for v in values)


def _open_store(store_path: Path) -> Any:
    from unifyprofile.errors import ConfigError
    from unifyprofile.store import IdentityStore

    if not store_path.exists():
        raise ConfigError(f"--store {store_path}: no such file; give the path of an "
                          "identity store (made by unifyprofile ingest)")
    return IdentityStore(store_path)


@app.command(short_help="Which entity a record belongs to (JSON; writes nothing).")
def resolve(
    fields: Annotated[list[str], typer.Argument(
        help="FIELD=VALUE of the record (canonical fields such as email=..., or, with "
             "--source, that source's own column names).")],
    store_path: Annotated[Path, typer.Option("--store", help="Identity store file.")] = Path(
        "profiles.db"),
    source: Annotated[str | None, typer.Option(
        "--source", help="Config source the record comes from (its phone region, date "
                         "order and column names).")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Accepted by every command; this one always prints JSON.")] = False,
) -> None:
    """Which entity a record belongs to, with the evidence, as JSON; writes nothing."""
    with _open_store(store_path) as store:
        answer = store.resolve(_pairs(fields, "resolve", "email=ann@x.org"), source=source)
    out.print_json(json.dumps(answer.as_dict(), default=str))


@app.command(short_help="An entity's golden profile and record ids (JSON).")
def lookup(
    entity_id: Annotated[str, typer.Argument(help="Entity id (an old one is followed "
                                                  "through merges).")],
    store_path: Annotated[Path, typer.Option("--store", help="Identity store file.")] = Path(
        "profiles.db"),
    as_json: Annotated[bool, typer.Option(
        "--json", help="Accepted by every command; this one always prints JSON.")] = False,
) -> None:
    """An entity's golden profile and record ids, as JSON (null once erased)."""
    with _open_store(store_path) as store:
        profile = store.lookup(entity_id)
    out.print_json(json.dumps(None if profile is None else profile.as_dict(), default=str))


@app.command(short_help="Why two records are one entity, or why not.")
def explain(
    record_a: Annotated[str, typer.Argument(help="A record id (<source>:<source id>).")],
    record_b: Annotated[str, typer.Argument(help="Another record id.")],
    store_path: Annotated[Path | None, typer.Option(
        "--store", help="Identity store file (the default, profiles.db, unless --out).")
    ] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", metavar="OUT_DIR", help="Explain a batch run instead: the output folder "
                                         "`unifyprofile run` wrote.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Why two records are one entity (the chain of links and each link's evidence), or
    why not (never compared, below the threshold, vetoed, or cut by a guard): in an
    identity store (--store), or in a batch run's output folder (--out)."""
    from unifyprofile.errors import ConfigError

    if store_path is not None and out_dir is not None:
        raise ConfigError("explain: give --store DB or --out OUT_DIR, not both")
    if out_dir is not None:
        from unifyprofile.result import Result

        why = Result.read(out_dir).explain(record_a, record_b)
    else:
        with _open_store(store_path or Path("profiles.db")) as store:
            why = store.explain(record_a, record_b)

    answer = why.as_dict()
    if as_json:
        out.print_json(json.dumps(answer, default=str))
        return
    out.print(why.reason, highlight=False)
    # One column per link of the chain and one for the two records directly, one row
    # per figure: narrow enough for a terminal however many comparisons there are.
    steps = [*answer["path"], {**answer["direct"], "direct": True}]
    shown = Table(title="evidence (log2 Bayes factor per comparison)", title_justify="left")
    shown.add_column("")
    for step in steps:
        shown.add_column(f"{step['record_id_l']}\n-> {step['record_id_r']}"
                         + ("\n(directly)" if step.get("direct") else ""))
    for key in [c for c in why.direct.columns if c not in ("record_id_l", "record_id_r")]:
        shown.add_row(key, *[f"{step.get(key):.3f}" if isinstance(step.get(key), float)
                             else str(step.get(key, "")) for step in steps])
    out.print(shown)
    if len(why.evidence):
        levels = Table(title="the two records directly: values and levels",
                       title_justify="left")
        for column in ("comparison", "value_l", "value_r", "label", "log2 BF"):
            levels.add_column(column)
        for row in answer["evidence"]:
            levels.add_row(*[escape("" if row[c] is None else str(row[c]))
                             for c in ("comparison", "value_l", "value_r", "label")],
                           f"{row['log2_bayes_factor']:.3f}")
        out.print(levels)


@app.command(short_help="Write the pairs the model is least sure of, to label.")
def review(
    out_dir: Annotated[Path, typer.Argument(
        metavar="OUT_DIR", help="The output folder of `unifyprofile run`.")],
    n: Annotated[int, typer.Option("-n", help="How many pairs.", min=1)] = 200,
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="CSV file to write (fill in its is_match column).")] = Path(
        "to_label.csv"),
    seed: Annotated[int, typer.Option("--seed", help="Seed of the draw from each "
                                                     "probability band.")] = 0,
    as_json: Annotated[bool, typer.Option(
        "--json", help='Print one JSON object: {"output": ..., "pairs": N, "why": {...}}.')
    ] = False,
) -> None:
    """Write the candidate pairs the model is least sure of (match probability nearest
    the threshold) and a few from each probability band, both records' values side by
    side, with an empty is_match column: fill it in (1 one person, 0 two) and pass the
    file back with `unifyprofile run CONFIG --labels FILE`."""
    from unifyprofile.result import Result, write_csv

    table = Result.read(out_dir).review(n, seed=seed)
    write_csv(table, output)
    why = {str(k): int(v) for k, v in table["why"].value_counts(sort=False).items()}
    if as_json:
        out.print(json.dumps({"output": str(output), "pairs": len(table), "why": why}),
                  highlight=False, soft_wrap=True)
        return
    out.print(f"{len(table):,} pair(s) to label written to {output} ("
              + ", ".join(f"{k}: {v}" for k, v in why.items()) + "); fill in is_match "
              "(1 or 0) and run with --labels", highlight=False, soft_wrap=True)


@app.command(short_help="Write an offline HTML report of a run.")
def report(
    out_dir: Annotated[Path, typer.Argument(
        metavar="OUT_DIR", help="The output folder of `unifyprofile run`.")],
    truth: Annotated[Path | None, typer.Option(
        "--truth", help="CSV of record_id,person_id: adds precision and recall, the "
                        "threshold sweep and the errors.")] = None,
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="HTML file to write.")] = Path("report.html"),
    as_json: Annotated[bool, typer.Option(
        "--json", help='Print one JSON object: {"output": ..., "bytes": N, '
                       '"sections": [...]}.')] = False,
) -> None:
    """Write one self-contained HTML file (no script, nothing loaded from the network)
    describing a run: inputs, blocking, model, scores, clusters, golden profiles and
    waterfalls of single pairs; with --truth, precision against recall too."""
    from unifyprofile.report import SECTIONS, TRUTH_SECTION, read_run, write_report

    result, summary = read_run(out_dir)
    written = write_report(result, output, summary=summary, truth=truth)
    size = written.stat().st_size
    sections = [*SECTIONS, *([TRUTH_SECTION] if truth is not None else [])]
    if as_json:
        out.print(json.dumps({"output": str(written), "bytes": size, "sections": sections}),
                  highlight=False, soft_wrap=True)
        return
    out.print(f"report written to {written} ({size / 1e6:.2f} MB, {len(sections)} sections)",
              highlight=False, soft_wrap=True)


@app.command(short_help="Forget records everywhere in an identity store.")
def erase(
    store_path: Annotated[Path, typer.Option("--store", help="Identity store file.")] = Path(
        "profiles.db"),
    record_id: Annotated[list[str] | None, typer.Option(
        "--record-id", metavar="ID", help="A record to erase (repeatable).")] = None,
    entity_id: Annotated[str | None, typer.Option(
        "--entity-id", metavar="ID", help="Erase every record of this entity.")] = None,
    match: Annotated[list[str] | None, typer.Option(
        "--match", metavar="FIELD=VALUE",
        help="Erase the records holding it (repeatable: all must hold).")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="List what would be erased (counts and record ids); erase "
                          "nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Erase without asking.")] = False,
    erase_all: Annotated[bool, typer.Option(
        "--all", help="Allow a selector that matches more than one entity.")] = False,
    no_suppress: Annotated[bool, typer.Option(
        "--no-suppress", help="Do not keep the erased records out of later ingests.")] = False,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print one JSON object: what would go (--dry-run) or the erasure's "
                       "counts.")] = False,
) -> None:
    """Forget records everywhere in an identity store and compact the file.

    The erasure sticks: a later ingest of an export that still holds the erased records
    does not store them (see unsuppress).  Without --yes it asks on a terminal and
    refuses elsewhere; --dry-run shows what would go.
    """
    from unifyprofile.errors import StoreError

    matching = _pairs(match, "--match", "email=ann@x.org") if match else None
    with _open_store(store_path) as store:
        selection = store.erase_selection(record_id or None, entity_id=entity_id,
                                          match=matching)
        entities = sorted(set(selection["entity_id"]))
        plan = (f"{len(selection):,} record(s) of {len(entities):,} entit"
                f"{'y' if len(entities) == 1 else 'ies'}")
        if dry_run:
            if as_json:
                out.print(json.dumps({"dry_run": True, "entities": entities,
                                      "records": _records(selection[["record_id",
                                                                     "entity_id"]])}),
                          highlight=False, soft_wrap=True)
                return
            out.print(f"would erase {plan}:", highlight=False)
            for rid, eid in zip(selection["record_id"], selection["entity_id"], strict=True):
                out.print(f"  {rid}  ({eid})", highlight=False)
            return
        if len(entities) > 1 and not erase_all:
            raise StoreError(f"erase: the selector matches {plan}; check with --dry-run, and "
                             "pass --all to erase them all")
        if selection.empty and record_id is None:
            if as_json:
                out.print(json.dumps({"dry_run": False, "records": 0, "erased": 0,
                                      "updated": 0, "split": 0}), highlight=False)
                return
            out.print("nothing matches; nothing erased", highlight=False)
            return
        if not yes:
            if not sys.stdin.isatty():
                raise StoreError(f"erase: would erase {plan}; pass --yes to erase without a "
                                 "terminal to confirm on (--dry-run lists them)")
            if not typer.confirm(f"Erase {plan} from {store_path}?", default=False):
                raise typer.Abort()
        changes = store.erase(record_id or None, entity_id=entity_id, match=matching,
                              suppress=not no_suppress)
    summary = changes.summary()
    if as_json:
        out.print(json.dumps({"dry_run": False, **summary}, default=str), highlight=False,
                  soft_wrap=True)
        return
    out.print(f"erased {summary['records']:,} record(s); entities erased "
              f"{summary['erased']:,}, updated {summary['updated']:,}, split "
              f"{summary['split']:,}; file compacted", highlight=False)


@app.command(short_help="Let erased records be ingested again.")
def unsuppress(
    store_path: Annotated[Path, typer.Option("--store", help="Identity store file.")] = Path(
        "profiles.db"),
    record_id: Annotated[list[str] | None, typer.Option(
        "--record-id", metavar="ID", help="A record id an erasure suppressed "
                                          "(repeatable).")] = None,
    match: Annotated[list[str] | None, typer.Option(
        "--match", metavar="FIELD=VALUE", help="FIELD=VALUE an erasure by --match "
                                               "suppressed (e.g. email=ann@x.org).")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help='Print one JSON object: {"lifted": N}.')] = False,
) -> None:
    """Lift the suppression an erasure left, so that those records can be ingested again."""
    matching = _pairs(match, "--match", "email=ann@x.org") if match else None
    with _open_store(store_path) as store:
        lifted = store.unsuppress(record_id or None, match=matching)
    if as_json:
        out.print(json.dumps({"lifted": lifted}), highlight=False)
        return
    out.print(f"lifted {lifted:,} suppression(s)", highlight=False)


@app.command(short_help="Serve an identity store over HTTP (needs the serve extra).")
def serve(
    store_path: Annotated[Path, typer.Option("--store", help="Identity store file.")] = Path(
        "profiles.db"),
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on. Keep the default (loopback) and put a reverse "
                       "proxy that terminates TLS in front; see docs/service.md.")] = (
        "127.0.0.1"),
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    insecure_local: Annotated[bool, typer.Option(
        "--insecure-local", help="No API keys: for development on this machine only "
                                 "(refused with any --host but loopback).")] = False,
    max_body: Annotated[int, typer.Option(
        "--max-body", help="Largest request body in bytes (larger: 413).")] = 4 << 20,
    max_batch: Annotated[int, typer.Option(
        "--max-batch", help="Most records or messages in one request (more: 413).")] = 1000,
    readers: Annotated[int | None, typer.Option(
        "--readers", help="Reader processes answering reads side by side (default: the "
                          "cores, at most 4; 0: reads in the server's own process).")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Access log lines as JSON objects.")] = False,
) -> None:
    """Serve the store's JSON API: resolve, entities, timelines, explain, ingest, Segment
    feeds, erasure, /healthz and /metrics; the reference is at /docs.

    Every request needs an API key (unifyprofile keys create) unless --insecure-local.
    Access logs (method, route, status, latency, key id; never a personal value) go to
    stderr.
    """
    import ipaddress
    import os

    from unifyprofile.errors import ConfigError

    try:
        import uvicorn

        from unifyprofile.serve import Limits, create_app
    except ImportError as exc:
        raise ConfigError(f"serve needs the serve extra ({exc.name} is missing): pip install "
                          "'unifyprofile[serve]'") from exc
    if insecure_local:
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise ConfigError(f"--insecure-local serves without API keys, so it binds to "
                              f"loopback only (got --host {host}); create a key with "
                              "unifyprofile keys create instead")
    if not store_path.exists():
        raise ConfigError(f"--store {store_path}: no such file; build a store first with "
                          "unifyprofile ingest CONFIG --store FILE")
    _access_log(as_json)
    # The library's notes on each ingest ("column X is empty in all 1 rows") are not
    # news for records sent one by one; errors reach the client in the answer.
    logger.setLevel(logging.ERROR)
    app_ = create_app(store_path, insecure=insecure_local,
                      limits=Limits(max_body=max_body, max_batch=max_batch,
                                    readers=min(4, os.cpu_count() or 1) if readers is None
                                    else max(0, readers)))
    console.print(f"serving {store_path} on http://{host}:{port} (API reference at /docs)"
                  + (" WITHOUT API KEYS (--insecure-local)" if insecure_local else ""),
                  highlight=False)
    uvicorn.run(app_, host=host, port=port, access_log=False, log_level="warning")


def _access_log(as_json: bool) -> None:
    access = logging.getLogger("unifyprofile.serve.access")
    handler = logging.StreamHandler(sys.stderr)
    if as_json:
        handler.setFormatter(_JsonLine())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    access.handlers[:] = [handler]
    access.setLevel(logging.INFO)
    access.propagate = False


class _JsonLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps({"at": self.formatTime(record), "access": record.getMessage()})


keys_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                       help="API keys of the HTTP service: create, list, revoke.")
app.add_typer(keys_app, name="keys", short_help="API keys of the HTTP service.")


def _key_ring(store_path: Path) -> Any:
    from unifyprofile.errors import ConfigError
    from unifyprofile.serve import KeyRing

    if not store_path.exists():
        raise ConfigError(f"--store {store_path}: no such file; give the identity store "
                          "the service serves")
    return KeyRing(store_path)


@keys_app.command("create", short_help="Create a key; print it once.")
def keys_create(
    name: Annotated[str, typer.Option("--name", help="Who uses it, e.g. crm-sync.")],
    scope: Annotated[list[str], typer.Option(
        "--scope", help="read, write or erase (repeatable).")],
    store_path: Annotated[Path, typer.Option("--store", help="Identity store file.")] = Path(
        "profiles.db"),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create an API key with the given scopes.  The key is printed once and kept only
    as a hash: store it in your secret manager now."""
    from unifyprofile.errors import ConfigError
    from unifyprofile.serve import SCOPES

    bad = [s for s in scope if s not in SCOPES]
    if bad:
        raise ConfigError(f"--scope must be one of {', '.join(SCOPES)} (got {bad[0]!r})")
    key, secret = _key_ring(store_path).create(name, scope)
    if as_json:
        out.print(json.dumps({"key_id": key.key_id, "name": key.name,
                              "scopes": list(key.scopes), "key": secret}), highlight=False)
        return
    console.print(f"key {key.key_id} ({key.name}; {', '.join(key.scopes)}); shown once:",
                  highlight=False)
    out.print(secret, highlight=False)


@keys_app.command("list", short_help="List keys (never their secrets).")
def keys_list(
    store_path: Annotated[Path, typer.Option("--store", help="Identity store file.")] = Path(
        "profiles.db"),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every key with its scopes, creation and revocation times."""
    keys = _key_ring(store_path).list()
    if as_json:
        out.print(json.dumps([{**k.__dict__, "scopes": list(k.scopes)} for k in keys]),
                  highlight=False, soft_wrap=True)
        return
    table = Table("key id", "name", "scopes", "created", "revoked")
    for k in keys:
        table.add_row(k.key_id, k.name, " ".join(k.scopes), k.created_at, k.revoked_at or "")
    out.print(table)


@keys_app.command("revoke", short_help="Revoke a key.")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key id (see keys list).")],
    store_path: Annotated[Path, typer.Option("--store", help="Identity store file.")] = Path(
        "profiles.db"),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Revoke a key: a running server refuses it within a second."""
    _key_ring(store_path).revoke(key_id)
    if as_json:
        out.print(json.dumps({"revoked": key_id}), highlight=False)
        return
    out.print(f"revoked {key_id}", highlight=False)


@app.command(short_help="One entity's touchpoints in time order (its journey).")
def timeline(
    where: Annotated[str, typer.Argument(
        metavar="OUT_DIR", help="The output folder of `run` (its events and clusters "
                                "tables); with --store, the ENTITY_ID.")],
    entity_id: Annotated[str | None, typer.Argument(
        metavar="ENTITY_ID", help="The entity id.", show_default=False)] = None,
    store_path: Annotated[Path | None, typer.Option(
        "--store", help="Read an identity store instead (an old id is followed through "
                        "merges).")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help='Print one JSON object: {"entity_id": ..., "events": [...]}.')] = False,
) -> None:
    """An entity's touchpoints (cases, chats, orders, ...) in time order, with the source,
    channel and type of each: from a batch run's output folder, or from an identity store
    with --store."""
    from unifyprofile.errors import ConfigError, DataError

    if store_path is not None:
        if entity_id is not None:
            raise ConfigError("with --store give only the ENTITY_ID (got two arguments: "
                              f"{where!r} and {entity_id!r})")
        entity_id = where
        with _open_store(store_path) as store:
            line = store.timeline(entity_id)
    else:
        if entity_id is None:
            raise ConfigError("give the output folder of `run` and an ENTITY_ID, or "
                              "--store DB and an ENTITY_ID")
        line = _batch_timeline(Path(where), entity_id, ConfigError, DataError)
    rows = list(line.astype(object).where(line.notna(), None).to_dict("records"))
    if as_json:
        out.print_json(json.dumps({"entity_id": entity_id, "events": rows}, default=str))
        return
    shown = Table(title=f"{entity_id}: {len(rows):,} touchpoint(s)", title_justify="left")
    columns = ("at", "source", "channel", "type", "status", "amount", "source_record_id")
    for column in columns:
        shown.add_column(column)
    for row in rows:
        shown.add_row(*[escape("" if row[c] is None else str(row[c])) for c in columns])
    out.print(shown)


def _batch_timeline(folder: Path, entity_id: str, config_error: type[Exception],
                    data_error: type[Exception]) -> Any:
    """The timeline of ``entity_id`` from the tables `run` wrote in ``folder``."""
    import pandas as pd

    from unifyprofile.events import timeline as journey

    tables = {}
    for name in ("events", "clusters"):
        path = folder / f"{name}.parquet"
        if not path.exists():
            why = (" (the config of that run has no event source: declare [sources.events])"
                   if name == "events" and (folder / "clusters.parquet").exists() else "")
            raise config_error(f"{path}: no such file{why}; give the output folder of "
                               "`unifyprofile run`")
        tables[name] = pd.read_parquet(path)
    clusters = tables["clusters"]
    members = clusters.loc[clusters["entity_id"] == entity_id, "record_id"]
    if not len(members):
        raise data_error(f"no entity {entity_id!r} in {folder / 'clusters.parquet'}")
    events = tables["events"]
    return journey(events[events["record_id"].isin(set(members.astype(str)))])


if __name__ == "__main__":  # pragma: no cover
    main()
