"""unifyprofile: identity resolution and unified customer profiles.

>>> import unifyprofile as up
>>> sorted(up.__all__)[:3]
['BlockingRule', 'Config', 'Events']
"""

from importlib import metadata as _metadata

from unifyprofile import (
    blocking,
    compare,
    engines,
    evaluate,
    golden,
    graph,
    score,
    sources,
    standardise,
    store,
)
from unifyprofile.blocking import BlockingRule
from unifyprofile.config import Config, dump_config, load_config
from unifyprofile.errors import UnifyProfileError
from unifyprofile.resolver import Resolver
from unifyprofile.result import Result
from unifyprofile.score import FellegiSunter
from unifyprofile.sources import Events, Source
from unifyprofile.store import IdentityStore

try:  # the version is written once, in pyproject.toml
    __version__ = _metadata.version("unifyprofile")
except _metadata.PackageNotFoundError:  # pragma: no cover - a source tree not installed
    __version__ = "0+unknown"

__all__ = [
    "BlockingRule",
    "Config",
    "Events",
    "FellegiSunter",
    "IdentityStore",
    "Resolver",
    "Result",
    "Source",
    "UnifyProfileError",
    "blocking",
    "compare",
    "dump_config",
    "engines",
    "evaluate",
    "golden",
    "graph",
    "load_config",
    "score",
    "sources",
    "standardise",
    "store",
]
