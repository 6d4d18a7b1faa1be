"""The report put together: read a run's folder, make each section, write one file."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from unifyprofile import schema
from unifyprofile.errors import ConfigError
from unifyprofile.report._evidence import (
    read_truth,
    truth_facts,
    truth_section,
    waterfalls_section,
)
from unifyprofile.report._html import Section, page
from unifyprofile.report._sections import (
    Run,
    blocking_section,
    clusters_section,
    golden_section,
    inputs_section,
    largest_entities,
    model_section,
    scores_section,
)
from unifyprofile.result import Result

__all__ = ["SECTIONS", "TRUTH_SECTION", "read_run", "render", "write_report"]

#: The section anchors of every report, in order.
SECTIONS = ("inputs", "blocking", "model", "scores", "clusters", "golden", "waterfalls")
#: The anchor of the section a truth adds (last).
TRUTH_SECTION = "truth"

#: How many of the largest entities are listed.
LARGEST = 10


def read_run(directory: str | Path) -> tuple[Result, dict[str, Any]]:
    """A run's output folder as a result with its golden profiles and rejects (which
    :meth:`Result.read` leaves unread) and its ``summary.json``.

    Raises:
        ConfigError: the folder lacks what ``unifyprofile run`` writes.
    """
    folder = Path(directory)
    result = Result.read(folder)
    extra: dict[str, pd.DataFrame] = {}
    for name in ("golden", "rejects"):
        if (folder / f"{name}.parquet").is_file():
            extra[name] = pd.read_parquet(folder / f"{name}.parquet")
    summary: dict[str, Any] = {}
    if (folder / "summary.json").is_file():
        try:
            summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{folder / 'summary.json'}: not valid JSON ({exc}); run "
                              "`unifyprofile run` again to rewrite it") from None
    result = dataclasses.replace(result, notes=list(summary.get("notes") or []), **extra)
    return result, summary


def render(result: Result, *, summary: dict[str, Any] | None = None,
           truth: pd.Series | str | Path | None = None,
           generated: datetime | None = None, title: str = "unifyprofile run report"
           ) -> str:
    """The report of a result as one HTML document (text).

    Args:
        result: a run's result (:meth:`Result.read` or :func:`read_run` for a folder).
        summary: its ``summary.json``; ``result.summary()`` when not given.
        truth: record id -> true person, or a truth CSV (:func:`read_truth`): adds the
            section :data:`TRUTH_SECTION` and blocking recall.
        generated: the time written in the page's one date line (now when not given).
        title: the page's heading.
    """
    labels = read_truth(truth) if isinstance(truth, (str, Path)) else truth
    if labels is not None:
        labels = labels.dropna().astype(str)
        labels.index = labels.index.astype(str)
    run = Run(result, summary if summary is not None else result.summary(), labels)
    facts = truth_facts(run) if run.truth is not None else None
    largest = largest_entities(result, LARGEST)
    sections: list[Section] = [
        inputs_section(run),
        blocking_section(run, None if facts is None else facts.recall),
        model_section(run), scores_section(run), clusters_section(run, largest),
        golden_section(run), waterfalls_section(run, largest)]
    if facts is not None:
        sections.append(truth_section(run, facts))
    records = len(result.records)
    entities = result.clusters[schema.ENTITY_ID].nunique()
    subtitle = (f"{records:,} records from {result.records[schema.SOURCE].nunique():,} "
                f"source(s), {entities:,} entities, {len(result.pairs):,} candidate pairs")
    when = (generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    return page(title, subtitle, sections, when)


def write_report(result: Result, path: str | Path, *,
                 summary: dict[str, Any] | None = None,
                 truth: pd.Series | str | Path | None = None,
                 generated: datetime | None = None) -> Path:
    """Write :func:`render`'s document to ``path`` (UTF-8) and return the path."""
    out = Path(path)
    if out.parent != Path():
        out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(result, summary=summary, truth=truth, generated=generated),
                   encoding="utf-8")
    return out
