"""Engines: schedule the pipeline's stages; they never decide matches themselves.

An :class:`Engine` takes a config (and optionally tables and a model) and returns a
result.  :class:`LocalEngine` runs the stages with pandas on this machine;
:class:`~unifyprofile.engines.spark.SparkEngine` runs the same stage functions on Spark.
It needs the ``unifyprofile[spark]`` extra and is imported only when asked for
(``named("spark")`` or ``import unifyprofile.engines.spark``).

What every engine reads off a config the same way lives here too: the sources with
in-memory tables in place of files, the blocking rules and the comparisons.
"""

from __future__ import annotations

from typing import Any

from unifyprofile.engines._base import (
    Engine,
    Progress,
    Stopwatch,
    plan_blocking,
    plan_comparisons,
    sources_with_data,
    year_pivots,
)
from unifyprofile.engines.local import LocalEngine, LocalPipeline, positional
from unifyprofile.errors import ConfigError

__all__ = ["ENGINES", "Engine", "LocalEngine", "LocalPipeline", "Progress", "Stopwatch",
           "named", "plan_blocking", "plan_comparisons", "positional", "sources_with_data",
           "year_pivots"]

#: The engines :func:`named` knows.
ENGINES = ("local", "spark")


def named(name: str) -> Engine[Any]:
    """The engine called ``name``: ``"local"``, or ``"spark"`` on the active Spark
    session (a new local one when there is none).

    >>> named("local")
    LocalEngine()
    >>> named("dask")
    Traceback (most recent call last):
    ...
    unifyprofile.errors.ConfigError: engine: expected one of local, spark, got 'dask'
    """
    if name == "local":
        return LocalEngine()
    if name == "spark":
        from unifyprofile.engines.spark import SparkEngine  # optional extra

        return SparkEngine()
    raise ConfigError(f"engine: expected one of {', '.join(ENGINES)}, got {name!r}")
