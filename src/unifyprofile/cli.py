"""Command line: ``unifyprofile run``, ``evaluate``, ``blocking``.

User mistakes (a bad config, a missing file, a blocking rule that explodes) print one
clear message and exit with the error's code, without a traceback:

====  =====================================
code  meaning
====  =====================================
0     success
2     configuration error
3     source could not be read or mapped
4     blocking would produce too many pairs
5     a table broke a stage's contract
6     a model was used before fitting
====  =====================================
"""

from __future__ import annotations

import json
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

from unifyprofile.errors import UnifyProfileError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Identity resolution and golden customer profiles.")
console = Console(stderr=True)
out = Console()


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
            tasks[stage] = bar.add_task(stage, total=max(total, 1))
        bar.update(tasks[stage], completed=done, total=max(total, 1))

    return bar, update


@app.command()
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
) -> None:
    """Resolve the sources of CONFIG and write clusters, golden profiles, pairs, rejects."""
    from unifyprofile.config import load_config
    from unifyprofile.resolver import Resolver

    cfg = load_config(config)
    bar, update = _progress_bar(not quiet and not json_summary)
    if bar:
        with bar:
            result = Resolver(cfg, progress=update, engine=engine).run()
    else:
        result = Resolver(cfg, engine=engine).run()
    result.write(out_dir)
    summary = result.summary()
    if json_summary:
        out.print_json(json.dumps(summary))
        return
    for note in result.notes:
        console.print(f"[yellow]warning:[/] {escape(note)}", highlight=False)
    _print_summary(summary, out_dir)


def _print_summary(summary: dict[str, Any], out_dir: Path) -> None:
    table = Table(title="unifyprofile run", show_header=False, title_justify="left")
    for source, n in summary["records"].items():
        table.add_row(f"records from {source}",
                      f"{n:,} (of {summary['rows_read'].get(source, n):,} rows)")
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


@app.command()
def evaluate(
    directory: Annotated[Path, typer.Argument(help="Labelled data: records.csv + truth.csv, "
                                                   "or left.csv + right.csv + truth.csv.")],
    config: Annotated[Path | None, typer.Option("--config", help="TOML config.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Resolve a labelled dataset and print precision, recall and F1 against its truth."""
    from unifyprofile.evaluate import evaluate_directory

    report = evaluate_directory(directory, config)
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


@app.command("blocking")
def blocking_command(
    config: Annotated[Path, typer.Argument(help="TOML config file.")],
) -> None:
    """Count the candidate pairs each blocking rule would produce, before comparing."""
    from unifyprofile.blocking import analyse_blocking
    from unifyprofile.config import load_config
    from unifyprofile.resolver import Resolver

    cfg = load_config(config)
    resolver = Resolver(cfg)
    records, _, _, _ = resolver.prepare()
    report = analyse_blocking(records, resolver.blocking_rules(records), cfg.link_type)
    out.print(report.to_string(index=False), highlight=False)


if __name__ == "__main__":  # pragma: no cover
    main()
