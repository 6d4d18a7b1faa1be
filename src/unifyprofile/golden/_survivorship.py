"""Survivorship policies: which record's value of a field survives into a golden profile."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from unifyprofile.errors import ConfigError

#: Built-in survivorship rules, in the order they are documented.
RULES: tuple[str, ...] = (
    "source_priority",
    "most_recent",
    "most_frequent",
    "most_complete",
    "longest",
    "first_non_null",
    "collect_all",
    "any",
)

#: A user rule: receives one entity's non-null candidates (columns ``record_id``,
#: ``source``, ``updated_at``, ``value``, ``std``) and returns the chosen ``record_id``.
RuleCallable = Callable[[pd.DataFrame], str]

#: What a config file may hold for one field: a rule name or a table.
ConfigEntry = str | Mapping[str, Any]


def _unknown_rule(where: str, got: object) -> str:
    allowed = ", ".join(repr(r) for r in RULES)
    message = f"{where} must be one of {allowed} (got {got!r})"
    if isinstance(got, str):
        close = difflib.get_close_matches(got, RULES, n=1)
        if close:
            message += f"; did you mean {close[0]!r}?"
    return message


@dataclass(frozen=True)
class Survivorship:
    """How one field of a golden profile is chosen from an entity's records.

    Only non-null candidates compete, so a null never survives while any record has a
    value. Ties are broken by source trust (higher first), then the most recent
    ``updated_at``, then the smallest ``record_id``.

    Args:
        rule: one of :data:`RULES` or a callable ``f(candidates) -> record_id`` (the slow
            path: it is called once per entity). Built-in rules:

            - ``"source_priority"``: the value from the first source in ``order``; sources
              not listed rank after the listed ones, by their trust.
            - ``"most_recent"``: the latest ``updated_at`` (records without one rank last).
            - ``"most_frequent"``: the standardised value held by most records; its raw
              form is taken from the most recent of those records.
            - ``"most_complete"``: the record with the most non-null canonical fields.
            - ``"longest"``: the longest raw string.
            - ``"first_non_null"``: the earliest ``updated_at`` (first seen).
            - ``"collect_all"``: every distinct standardised value, most frequent first,
              then most recent; the golden value is a list.
            - ``"any"``: for booleans, ``True`` if any record says ``True`` (a marketing
              opt-out anywhere wins); provenance is a record that said ``True``.
        order: source names, highest priority first (``"source_priority"`` only).

    Raises:
        ConfigError: for an unknown rule name, or ``order`` given with another rule.

    Examples:
        >>> Survivorship("source_priority", order=["crm", "shop"])
        Survivorship(rule='source_priority', order=('crm', 'shop'))
        >>> Survivorship("most_recnt")
        Traceback (most recent call last):
        ...
        unifyprofile.errors.ConfigError: rule must be one of 'source_priority', \
'most_recent', 'most_frequent', 'most_complete', 'longest', 'first_non_null', \
'collect_all', 'any' (got 'most_recnt'); did you mean 'most_recent'?
    """

    rule: str | RuleCallable
    order: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems = _check(self.rule, self.order, "rule", "order")
        if problems:
            raise ConfigError(problems)
        object.__setattr__(self, "order", tuple(self.order))

    @property
    def name(self) -> str:
        """The rule's name as written into ``<field>__rule``.

        >>> Survivorship("longest").name
        'longest'
        >>> def newest_crm(candidates): return candidates["record_id"].iloc[0]
        >>> Survivorship(newest_crm).name
        'newest_crm'
        """
        if isinstance(self.rule, str):
            return self.rule
        return str(getattr(self.rule, "__name__", "callable"))


def _check(rule: object, order: object, rule_at: str, order_at: str) -> list[str]:
    problems: list[str] = []
    if isinstance(rule, str):
        if rule not in RULES:
            problems.append(_unknown_rule(rule_at, rule))
    elif not callable(rule):
        problems.append(
            f"{rule_at} must be a rule name or a callable (got {type(rule).__name__} {rule!r})"
        )
    if isinstance(order, str) or not isinstance(order, (list, tuple)):
        problems.append(f"{order_at} must be a list of source names (got {order!r})")
    elif not all(isinstance(s, str) for s in order):
        problems.append(f"{order_at} must hold only source names as strings (got {order!r})")
    elif order and rule != "source_priority":
        problems.append(
            f"{order_at} only applies to rule 'source_priority' (got rule {rule!r}); "
            "remove it or change the rule"
        )
    return problems


def survivorship_from_config(entry: object, where: str) -> Survivorship:
    """Parse one field's survivorship entry from a config file.

    Args:
        entry: a rule name (``"most_recent"``) or a table
            (``{rule = "source_priority", order = ["crm", "shop"]}``).
        where: the key path used in messages, e.g. ``"survivorship.email"``.

    Returns:
        The policy.

    Raises:
        ConfigError: naming ``where``, what was expected and what was got; every problem
            of the entry is reported together.

    Examples:
        >>> survivorship_from_config("most_recent", "survivorship.email")
        Survivorship(rule='most_recent', order=())
        >>> survivorship_from_config(
        ...     {"rule": "source_priority", "order": ["crm", "shop"]}, "survivorship.name")
        Survivorship(rule='source_priority', order=('crm', 'shop'))
        >>> survivorship_from_config({"rule": "longst"}, "survivorship.city")
        Traceback (most recent call last):
        ...
        unifyprofile.errors.ConfigError: survivorship.city.rule must be one of \
'source_priority', 'most_recent', 'most_frequent', 'most_complete', 'longest', \
'first_non_null', 'collect_all', 'any' (got 'longst'); did you mean 'longest'?
    """
    if isinstance(entry, str):
        if entry not in RULES:
            raise ConfigError(_unknown_rule(where, entry))
        return Survivorship(entry)
    if not isinstance(entry, Mapping):
        raise ConfigError(
            f"{where} must be a rule name or a table like "
            f'{{rule = "source_priority", order = ["crm", "shop"]}} '
            f"(got {type(entry).__name__} {entry!r})"
        )
    problems: list[str] = []
    unknown = sorted(set(entry) - {"rule", "order"})
    if unknown:
        problems.append(
            f"{where} has unknown key(s) {', '.join(map(repr, unknown))}; "
            "expected only 'rule' and 'order'"
        )
    if "rule" not in entry:
        problems.append(f"{where}.rule is missing; expected one of {', '.join(map(repr, RULES))}")
        rule: object = None
    else:
        rule = entry["rule"]
        if not isinstance(rule, str):
            problems.append(_unknown_rule(f"{where}.rule", rule))
            rule = None
    order = entry.get("order", ())
    if rule is not None:
        problems.extend(_check(rule, order, f"{where}.rule", f"{where}.order"))
    else:
        problems.extend(_check("source_priority", order, "", f"{where}.order"))
    if problems:
        raise ConfigError(problems)
    assert isinstance(rule, str)
    return Survivorship(rule, tuple(order))


def to_config(policy: Survivorship) -> ConfigEntry:
    """Write a policy the way :func:`survivorship_from_config` reads it.

    Args:
        policy: a policy with a built-in rule.

    Returns:
        The rule name, or a table when the policy has a source ``order``.

    Raises:
        ConfigError: for a callable rule, which a config file cannot hold.

    Examples:
        >>> to_config(Survivorship("most_recent"))
        'most_recent'
        >>> to_config(Survivorship("source_priority", ("crm", "shop")))
        {'rule': 'source_priority', 'order': ['crm', 'shop']}
    """
    if not isinstance(policy.rule, str):
        raise ConfigError(
            f"survivorship rule {policy.name!r} is a Python callable and cannot be written "
            "to a config file; set it in code after load_config instead"
        )
    if policy.order:
        return {"rule": policy.rule, "order": list(policy.order)}
    return policy.rule
