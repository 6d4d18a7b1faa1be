"""The :class:`Resolver`: a config and an engine, composed.

sources -> standardise -> guards -> block -> compare -> score -> cluster -> golden

The engine schedules the stages (:mod:`unifyprofile.engines`); the stages decide.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Generic, Literal, TypeAlias, TypeVar, overload

import pandas as pd

from unifyprofile.blocking import TableKeys
from unifyprofile.config import Config
from unifyprofile.engines import Engine, LocalEngine, LocalPipeline, Progress, named, positional
from unifyprofile.errors import ConfigError
from unifyprofile.result import Result
from unifyprofile.score import FellegiSunter, Labels, read_labels
from unifyprofile.sources import Source, SourceTable

__all__ = ["LabelsLike", "Resolver"]

#: What :meth:`Resolver.run` returns: the engine's result.
R = TypeVar("R")
#: What ``labels=`` takes: a labels CSV file, a table or :class:`~unifyprofile.score.Labels`.
LabelsLike: TypeAlias = str | Path | pd.DataFrame | Labels


class Resolver(Generic[R]):
    """Resolve records into entities and golden profiles.

    A ``Resolver`` is typed by what its engine's :meth:`run` returns:
    ``Resolver[Result]`` for the local engine (the default),
    ``Resolver[SparkResult]`` for ``engine=SparkEngine(session)``.

    Args:
        config: a :class:`~unifyprofile.Config` (see :func:`~unifyprofile.load_config`).
        model: a fitted model to score with instead of fitting one on the data.
        progress: called as ``progress(stage, done, total)`` while stages run.
        engine: an :class:`~unifyprofile.engines.Engine`, or its name: ``"local"``
            (pandas on this machine, the default) or ``"spark"`` (the same stages
            scheduled on the active Spark session; needs ``unifyprofile[spark]``).
        labels: labelled pairs (the CSV ``unifyprofile review`` writes, ``is_match``
            filled in; a table with its columns; or :class:`~unifyprofile.score.Labels`):
            they blend into the model's ``m``, choose the threshold by F1 and keep the
            pairs labelled different apart (local engine only; see ``docs/review.md``).

    Attributes:
        model_: the model :meth:`fit` learned (absent until it ran).

    Examples:
        >>> import pandas as pd, unifyprofile as up
        >>> people = pd.DataFrame({"id": ["1", "2", "3"],
        ...     "first": ["Robert", "Bob", "Alice"], "last": ["Smith", "Smith", "Jones"],
        ...     "email": ["bob.smith@gmail.com", "bobsmith@gmail.com", "alice@x.org"]})
        >>> source = up.Source("crm", data=people, id_column="id",
        ...     columns={"first_name": "first", "last_name": "last", "email": "email"})
        >>> config = up.Config(sources=(source,),
        ...     rules=(up.score.DeterministicRule.from_config(
        ...         {"name": "email", "keys": ["email", "first_name:nick"]}),))
        >>> resolver = up.Resolver(config)
        >>> resolver
        Resolver(engine='local', sources=['crm'], model='fitted on the data')
        >>> result = resolver.run()
        >>> result.clusters.groupby("entity_id").size().sort_values().tolist()
        [1, 2]
    """

    model_: FellegiSunter

    @overload
    def __init__(self: Resolver[Result], config: Config, *,
                 model: FellegiSunter | None = None, progress: Progress | None = None,
                 engine: Literal["local"] | LocalEngine = "local",
                 labels: LabelsLike | None = None) -> None: ...

    @overload
    def __init__(self: Resolver[R], config: Config, *,
                 model: FellegiSunter | None = None, progress: Progress | None = None,
                 engine: Engine[R], labels: LabelsLike | None = None) -> None: ...

    @overload
    def __init__(self: Resolver[Any], config: Config, *,
                 model: FellegiSunter | None = None, progress: Progress | None = None,
                 engine: str, labels: LabelsLike | None = None) -> None: ...

    def __init__(self, config: Config, *, model: FellegiSunter | None = None,
                 progress: Progress | None = None,
                 engine: Engine[Any] | str = "local",
                 labels: LabelsLike | None = None) -> None:
        if not isinstance(config, Config):
            raise ConfigError(f"Resolver needs a Config, got {type(config).__name__}; "
                              "use unifyprofile.load_config(path)")
        self.config = config
        self.model = model
        self.progress = progress
        self.engine: Engine[Any] = named(engine) if isinstance(engine, str) else engine
        if not isinstance(self.engine, Engine):
            raise ConfigError(f"engine: expected an Engine (with .name and .run) or "
                              f"'local' / 'spark', got {type(engine).__name__}")
        self.labels = None if labels is None else read_labels(labels)
        if self.labels is not None and not isinstance(self.engine, LocalEngine):
            raise ConfigError(f"labels are used by the local engine only (got engine "
                              f"{self.engine.name!r}); run with engine='local'")

    def __repr__(self) -> str:
        if self.model is not None:
            model = "given"
        elif hasattr(self, "model_"):
            model = "fitted by fit()"
        else:
            model = "fitted on the data"
        return (f"Resolver(engine={self.engine.name!r}, "
                f"sources={[s.name for s in self.config.sources]!r}, model={model!r})")

    def run(self, data: Mapping[str, Any] | None = None) -> R:
        """Read the sources, resolve them and return the engine's result.

        Args:
            data: in-memory tables by source name, replacing those sources' files
                (pandas, Polars, Arrow, DuckDB; on Spark also Spark DataFrames).

        Returns:
            A :class:`~unifyprofile.Result` from the local engine; a
            :class:`~unifyprofile.engines.spark.SparkResult`, with the same attributes
            and Spark DataFrames as tables, from Spark.  The model is the one given,
            else the one :meth:`fit` learned, else one fitted on these records.
        """
        model = self.model if self.model is not None else getattr(self, "model_", None)
        if self.labels is not None:
            local: R = self._local().run(data)  # type: ignore[assignment]
            return local
        result: R = self.engine.run(self.config, data, model=model, progress=self.progress)
        return result

    def fit(self, records: pd.DataFrame) -> Resolver[R]:
        """Learn the model from standardised ``records`` (block, compare, EM) without
        scoring, clustering or merging them; it is kept as ``model_`` and used by
        :meth:`run`.  Returns ``self``."""
        pipeline = LocalPipeline(self.config, progress=self.progress)
        self.model_ = pipeline.compared(positional(records)).fit()
        return self

    # The local engine's stages one at a time: a caller that reads once and resolves
    # several ways (evaluation, the identity store) runs them in turn.
    def prepare(self, data: Mapping[str, Any] | None = None, *, demote: bool = True
                ) -> tuple[pd.DataFrame, SourceTable, pd.DataFrame, list[Source]]:
        """Read and standardise the sources, and demote hub values, on this machine (see
        :meth:`LocalPipeline.prepare <unifyprofile.engines.LocalPipeline.prepare>`)."""
        return self._local().prepare(data, demote=demote)

    def resolve(self, records: pd.DataFrame, sources: list[Source] | None = None, *,
                golden: bool = True, keys: TableKeys | None = None) -> Result:
        """Resolve already standardised records on this machine (see
        :meth:`LocalPipeline.resolve <unifyprofile.engines.LocalPipeline.resolve>`)."""
        return self._local().resolve(records, sources, golden=golden, keys=keys)

    def _local(self) -> LocalPipeline:
        model = self.model if self.model is not None else getattr(self, "model_", None)
        return LocalPipeline(self.config, model=model, progress=self.progress,
                             labels=self.labels)
