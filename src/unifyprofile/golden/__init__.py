"""Golden profiles: survivorship rules and field-level provenance.

:func:`merge` is the stage function (records + clusters -> one golden row per entity);
:class:`Survivorship` is the per-field policy; :func:`provenance_table` gives the long
form, one row per surviving value.
"""

import typing
from typing import Any

from unifyprofile.golden import _merge
from unifyprofile.golden._merge import PROVENANCE_PARTS, merge, provenance_table
from unifyprofile.golden._survivorship import (
    RULES,
    Survivorship,
    survivorship_from_config,
    to_config,
)

__all__ = [
    "DEFAULT_POLICIES",
    "PROVENANCE_PARTS",
    "RULES",
    "Survivorship",
    "merge",
    "provenance_table",
    "survivorship_from_config",
    "to_config",
]


if typing.TYPE_CHECKING:
    from unifyprofile.golden._merge import DEFAULT_POLICIES
else:

    def __getattr__(name: str) -> Any:
        # Read from the field-type registry on each access; the registry's built-in
        # types import this package, so it cannot be read while it is imported.
        if name == "DEFAULT_POLICIES":
            return _merge.DEFAULT_POLICIES
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
