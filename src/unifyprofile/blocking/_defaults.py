"""The blocking rules zero-config starts from: for person data, by the fields present."""

from __future__ import annotations

from collections.abc import Iterable

from unifyprofile._fields import field_types
from unifyprofile.blocking._block import BlockingRule

__all__ = ["default_rules"]

#: Rules for person data across fields, most telling first; each is kept where its fields
#: are present.  The rules of the registered field types (one per identifier, such as
#: ``customer_id`` alone) follow them (:attr:`unifyprofile.fields.FieldType.blocking`).
#: Surnames are keyed by Soundex, not Metaphone or NYSIIS: on the labelled person sets
#: Soundex keeps the most true pairs of differently spelt surnames together (typing
#: errors after the first letter outnumber spellings that sound alike).  A further rule
#: ``first_name:nick & last_name:metaphone`` (or ``nysiis``), for Catherine and
#: Katherine, found no true pair that these rules miss, there or on the hazard grid,
#: and there it linked a few more strangers (Xu and Su, Moore and Morris).
PERSON_RULES = (
    ("email",), ("phone",),
    ("last_name:soundex", "dob"), ("first_name:nick", "last_name:soundex"),
    ("first_name:nick", "dob"), ("last_name", "postcode"), ("first_name:nick", "postcode"),
    ("last_name:soundex", "address:tokens"), ("dob", "postcode"),
    ("first_name:prefix3", "last_name:prefix3"), ("dob", "city"),
    ("address:tokens", "postcode"),
)


def default_rules(fields: Iterable[str]) -> list[BlockingRule]:
    """Blocking rules for person data, given which canonical fields are present: the
    person rules, then the rules of the registered field types in registry order.

    Examples:
        >>> [r.name for r in default_rules({"email", "first_name", "last_name"})]
        ['email', 'first_name:nick & last_name:soundex', 'first_name:prefix3 & last_name:prefix3']
        >>> [r.name for r in default_rules({"email", "ssn", "customer_id"})]
        ['email', 'customer_id', 'ssn']
    """
    present = set(fields)
    rules = dict.fromkeys((*PERSON_RULES, *(r for kind in field_types() for r in kind.blocking)))
    out = [BlockingRule.parse(list(keys)) for keys in rules
           if all(k.split(":")[0] in present for k in keys)]
    if not out and "full_name" in present:
        out.append(BlockingRule.parse(["full_name"]))
    return out
