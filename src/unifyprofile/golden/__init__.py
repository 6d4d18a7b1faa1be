"""Golden profiles: survivorship rules and field-level provenance.

:func:`merge` is the stage function (records + clusters -> one golden row per entity);
:class:`Survivorship` is the per-field policy; :func:`provenance_table` gives the long
form, one row per surviving value.
"""

from unifyprofile.golden._merge import DEFAULT_POLICIES, PROVENANCE_PARTS, merge, provenance_table
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
