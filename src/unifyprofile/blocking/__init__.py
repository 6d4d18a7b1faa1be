"""Blocking: which pairs of records are compared at all.

>>> import pandas as pd
>>> records = pd.DataFrame({"email_std": ["a@x.com", "a@x.com", None, "b@x.com"]})
>>> cand = block(records, [BlockingRule.parse("email")])
>>> list(zip(cand.i.tolist(), cand.j.tolist()))
[(0, 1)]
"""

from unifyprofile.blocking._block import (
    LINK_TYPES,
    BlockingRule,
    Candidates,
    analyse_blocking,
    block,
    link_sides,
    pair_count,
)
from unifyprofile.blocking._defaults import default_rules
from unifyprofile.blocking._keys import Key, TableKeys, key_codes, key_values, parse_key, parse_keys

__all__ = [
    "LINK_TYPES",
    "BlockingRule",
    "Candidates",
    "Key",
    "TableKeys",
    "analyse_blocking",
    "block",
    "default_rules",
    "key_codes",
    "key_values",
    "link_sides",
    "pair_count",
    "parse_key",
    "parse_keys",
]
