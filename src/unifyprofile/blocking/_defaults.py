"""The blocking rules zero-config starts from: for person data, by the fields present."""

from __future__ import annotations

from collections.abc import Iterable

from unifyprofile import schema
from unifyprofile.blocking._block import BlockingRule

__all__ = ["default_rules"]

#: Rules for person data, most telling first; each is kept where its fields are present.
PERSON_RULES = (
    ("email",), ("phone",),
    ("last_name:soundex", "dob"), ("first_name:nick", "last_name:soundex"),
    ("first_name:nick", "dob"), ("last_name", "postcode"), ("first_name:nick", "postcode"),
    ("last_name:soundex", "address:tokens"), ("dob", "postcode"),
    ("first_name:prefix3", "last_name:prefix3"), ("dob", "city"),
    ("address:tokens", "postcode"),
    *((f,) for f in schema.ID_FIELDS),
)


def default_rules(fields: Iterable[str]) -> list[BlockingRule]:
    """Blocking rules for person data, given which canonical fields are present.

    >>> [r.name for r in default_rules({"email", "first_name", "last_name"})]
    ['email', 'first_name:nick & last_name:soundex', 'first_name:prefix3 & last_name:prefix3']
    """
    present = set(fields)
    out = [BlockingRule.parse(list(keys)) for keys in PERSON_RULES
           if all(k.split(":")[0] in present for k in keys)]
    if not out and "full_name" in present:
        out.append(BlockingRule.parse(["full_name"]))
    return out
