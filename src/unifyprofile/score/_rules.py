"""Deterministic rules: pairs that agree exactly on a set of keys are definite matches."""

from __future__ import annotations

import reprlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from unifyprofile.blocking import Key, key_codes, parse_keys
from unifyprofile.errors import ConfigError

__all__ = ["DeterministicRule", "PreparedRules", "prepare_rules"]


@dataclass(frozen=True)
class DeterministicRule:
    """A definite match when both records have the same non-null value of every key.

    Keys use the blocking key syntax (``"email"``, ``"first_name:nick"``), so a rule that
    pairs people by e-mail can also require the same first name, which keeps a family
    sharing one mailbox apart.  Keys given as strings are parsed.

    Raises:
        ConfigError: listing every problem: a name that is not a non-empty string, no
            keys, a key that does not parse, or a multi-valued key (``rareN``).

    Examples:
        >>> rule = DeterministicRule.from_config(
        ...     {"name": "email", "keys": ["email", "first_name:nick"]})
        >>> [str(k) for k in rule.keys]
        ['email', 'first_name:nick']
        >>> DeterministicRule("email", ("email",)).keys
        (Key(field='email', transform=None),)
    """

    name: str
    keys: tuple[Key, ...]

    def __post_init__(self) -> None:
        label = f"rule {self.name!r}: "
        problems = []
        if not isinstance(self.name, str) or not self.name:
            problems.append(f"{label}name must be a non-empty string (got "
                            f"{reprlib.repr(self.name)}); it names the rule in the pairs "
                            "table, e.g. 'email'")
        found, bad = parse_keys(self.keys, f"{label}keys", '["email", "first_name:nick"]')
        problems += bad
        for n, key in found:
            if key.multi:
                # A definite match needs one value per record to agree on.
                problems.append(f"{label}keys[{n}] must be a key with one value per record "
                                f"(got '{key}'); rareN keys are for blocking rules, "
                                f"use e.g. '{key.field}:tokens'")
        if problems:
            raise ConfigError(problems)
        object.__setattr__(self, "keys", tuple(key for _, key in found))

    @classmethod
    def from_config(cls, entry: Mapping[str, Any], where: str = "rules") -> DeterministicRule:
        """The rule of one ``[[rules]]`` table (``name``, ``keys``).

        Raises:
            ConfigError: listing every problem, each named by its key path under ``where``.
        """
        allowed = {"name", "keys"}
        problems = [f"{where}.{k}: unknown key; allowed keys are {', '.join(sorted(allowed))}"
                    for k in entry if k not in allowed]
        name: Any = entry.get("name")
        keys: Any = entry.get("keys")
        try:
            rule = cls(name, keys)
        except ConfigError as exc:
            raise ConfigError(
                problems + exc.located(f"rule {name!r}: ", f"{where}.").problems) from None
        if problems:
            raise ConfigError(problems)
        return rule

    def to_config(self) -> dict[str, Any]:
        return {"name": self.name, "keys": [str(k) for k in self.keys]}


@dataclass
class PreparedRules:
    """Rules with their key codes computed once on a records table."""

    rules: tuple[DeterministicRule, ...]
    codes: list[list[np.ndarray]]

    def fired(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Index of the first rule that fires for each pair, -1 where none does."""
        out = np.full(len(i), -1, dtype=np.int16)
        for n in range(len(self.rules) - 1, -1, -1):
            hit = np.ones(len(i), dtype=bool)
            for codes in self.codes[n]:
                ci = codes[i]
                hit &= (ci >= 0) & (ci == codes[j])
            out[hit] = n
        return out

    def names(self, fired: np.ndarray) -> pd.Categorical:
        """Rule names for the output of :meth:`fired` (null where no rule fired)."""
        return pd.Categorical.from_codes(
            fired, categories=pd.Index([r.name for r in self.rules], dtype=object))


def prepare_rules(records: pd.DataFrame, rules: Sequence[DeterministicRule]) -> PreparedRules:
    """Compute the key codes of every rule once."""
    return PreparedRules(tuple(rules), [[key_codes(records, k) for k in r.keys] for r in rules])
