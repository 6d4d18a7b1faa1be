"""The engine seam: what an engine is, and what every engine reads off a config the same
way (which sources, which blocking rules, which comparisons), plus the stage clock
both report progress and timings through."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from unifyprofile import schema
from unifyprofile.blocking import BlockingRule, default_rules
from unifyprofile.compare import Comparison, default_comparisons
from unifyprofile.errors import ConfigError
from unifyprofile.sources import Source

if TYPE_CHECKING:
    import pandas as pd

    from unifyprofile.config import Config
    from unifyprofile.score import FellegiSunter

__all__ = ["Engine", "Progress", "Stopwatch", "plan_blocking", "plan_comparisons",
           "sources_with_data", "year_pivots"]

#: ``progress(stage, done, total)``, called while stages run.
Progress = Callable[[str, int, int], None]

R_co = TypeVar("R_co", covariant=True)


@runtime_checkable
class Engine(Protocol[R_co]):
    """Schedules the pipeline's stages on some machinery and returns what they made.

    An engine holds no matching logic: the link decision, the vetoes, the constraints
    and EM's sessions are the stage packages' functions
    (:mod:`unifyprofile.score`, :mod:`unifyprofile.graph`), which every engine calls.
    """

    #: Short name, as ``--engine`` takes it.
    name: str

    def run(self, config: Config, data: Mapping[str, Any] | None = None, *,
            model: FellegiSunter | None = None, progress: Progress | None = None) -> R_co:
        """Read ``config``'s sources (or ``data``'s tables in their place), resolve them
        and return the result; with ``model``, score with it instead of fitting one."""
        ...


class Stopwatch:
    """Times the stages of one run and tells ``progress`` when each starts and ends."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}
        self._current = ""
        self._start = 0.0

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as stage ``name`` (added up when a stage runs twice)."""
        self.tick(name)
        yield
        self.tick("")

    def tick(self, name: str) -> None:
        """End the stage that runs (if any) and start ``name`` (none when empty): for an
        engine whose stages follow one another without a block each."""
        now = time.perf_counter()
        if self._current:
            self.timings[self._current] = self.timings.get(self._current, 0.0) + (
                now - self._start)
            if self.progress:
                self.progress(self._current, 1, 1)
        self._current, self._start = name, now
        if self.progress and name:
            self.progress(name, 0, 1)


def year_pivots(source: pd.Series, pivots: Mapping[str, int | None]) -> int | None | pd.Series:
    """Each record's two-digit-year pivot, by its ``source`` name and the pivot of each
    source (``{s.name: s.year_pivot}``): None where no source sets one (this year's two
    digits throughout), else a Series (null for the sources without one)."""
    if all(p is None for p in pivots.values()):
        return None
    return source.map(pivots)


def sources_with_data(config: Config, data: Mapping[str, Any] | None) -> list[Source]:
    """The config's sources, with in-memory tables in place of the files of those named in
    ``data``."""
    sources = list(config.sources)
    if data:
        unknown = set(data) - {s.name for s in sources}
        if unknown:
            raise ConfigError(f"data given for unknown sources: {', '.join(sorted(unknown))}"
                              f"; sources are {', '.join(s.name for s in sources)}")
        sources = [dataclasses.replace(s, data=data[s.name], path=None)
                   if s.name in data else s for s in sources]
    if not sources:
        raise ConfigError("no sources: add at least one [[sources]] table")
    return sources


def plan_blocking(config: Config, columns: Iterable[str]) -> list[BlockingRule]:
    """The rules that make candidate pairs of records with these columns: the
    deterministic rules' keys first (so every pair a rule would link is compared), then
    the configured or default blocking rules."""
    fields = schema.fields_present(columns)
    blocking = list(config.blocking) or default_rules(fields)
    if not blocking and not config.rules:
        raise ConfigError(
            "no blocking rules: none were configured and the records have none of the "
            f"fields the default rules use (fields present: "
            f"{', '.join(sorted(fields)) or 'none'}). Map source columns to "
            "canonical fields under [sources.columns] or add [blocking] rules"
        )
    return list(dict.fromkeys([BlockingRule(r.keys) for r in config.rules] + blocking))


def plan_comparisons(config: Config, columns: Iterable[str]) -> list[Comparison]:
    """The configured comparisons, or defaults for the fields these columns hold."""
    if config.comparisons:
        return list(config.comparisons)
    return list(default_comparisons(schema.fields_present(columns)))
