"""The compare stage: comparison levels per field for candidate pairs.

A comparison is a frozen spec (:class:`ExactMatch`, :class:`NameComparison`, ...) whose
ordered levels run from ``0`` (``"else"``) up to ``"exact"``; ``-1`` marks a pair where a
side is null.  :func:`compare` turns pairs of row positions into one int8 level column per
comparison, computing string metrics with rapidfuzz only once per distinct pair of values.

Column contract::

    records (standardised) + i, j  ──compare──>  i, j, <comparison.name>: int8 ...

Examples:
    >>> import numpy as np, pandas as pd
    >>> records = pd.DataFrame({"email_std": ["ann@x.io", "ann@y.io", None]})
    >>> compare(records, np.array([0, 0]), np.array([1, 2]), [EmailComparison()])
       i  j  email
    0  0  1      1
    1  0  2     -1
"""

from __future__ import annotations

import typing

from . import _config
from ._config import COMPARISON_TYPES, comparison_from_config, default_comparisons
from ._levels import (
    TF_PRIOR_PEOPLE,
    AddressComparison,
    Comparison,
    DateComparison,
    EmailComparison,
    ExactMatch,
    NameComparison,
    NumericComparison,
    PhoneComparison,
    PostcodeComparison,
    PreparedComparison,
    ReferenceComparison,
    StringComparison,
    TextComparison,
    lost_alike,
    spelled_shares,
)
from ._stage import (
    CHUNK_PAIRS,
    compare,
    compare_pairs,
    given_keys,
    person_keys,
    prepare,
    value_keys,
)
from ._tokens import is_strong, stem_pairs, tokenise, typo_pairs

if typing.TYPE_CHECKING:
    from ._config import LOCATION_FIELDS
else:

    def __getattr__(name: str) -> tuple[str, ...]:
        # Read from the field-type registry on each access; the registry's built-in
        # types import this package, so it cannot be read while it is imported.
        if name == "LOCATION_FIELDS":
            return _config.LOCATION_FIELDS
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "CHUNK_PAIRS",
    "COMPARISON_TYPES",
    "LOCATION_FIELDS",
    "TF_PRIOR_PEOPLE",
    "AddressComparison",
    "Comparison",
    "DateComparison",
    "EmailComparison",
    "ExactMatch",
    "NameComparison",
    "NumericComparison",
    "PhoneComparison",
    "PostcodeComparison",
    "PreparedComparison",
    "ReferenceComparison",
    "StringComparison",
    "TextComparison",
    "compare",
    "compare_pairs",
    "comparison_from_config",
    "default_comparisons",
    "given_keys",
    "is_strong",
    "lost_alike",
    "prepare",
    "tokenise",
    "spelled_shares",
    "stem_pairs",
    "typo_pairs",
    "person_keys",
    "value_keys",
]
