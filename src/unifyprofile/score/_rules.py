"""Deterministic rules: pairs that agree exactly on a set of keys are definite matches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from unifyprofile.blocking import Key, key_codes, parse_key
from unifyprofile.errors import ConfigError

__all__ = ["DeterministicRule", "PreparedRules", "prepare_rules"]


@dataclass(frozen=True)
class DeterministicRule:
    """A definite match when both records have the same non-null value of every key.

    Keys use the blocking key syntax (``"email"``, ``"first_name:nick"``), so a rule that
    pairs people by e-mail can also require the same first name, which keeps a family
    sharing one mailbox apart.

    Examples:
        >>> rule = DeterministicRule.from_config(
        ...     {"name": "email", "keys": ["email", "first_name:nick"]})
        >>> [str(k) for k in rule.keys]
        ['email', 'first_name:nick']
    """

    name: str
    keys: tuple[Key, ...]

    @classmethod
    def from_config(cls, entry: Mapping[str, Any], where: str = "rules") -> DeterministicRule:
        allowed = {"name", "keys"}
        problems = [f"{where}.{k}: unknown key; allowed keys are {', '.join(sorted(allowed))}"
                    for k in entry if k not in allowed]
        name = entry.get("name")
        keys = entry.get("keys")
        if not isinstance(name, str) or not name:
            problems.append(f"{where}.name: expected a non-empty string, got {name!r}")
        if isinstance(keys, str):
            keys = [keys]
        if not isinstance(keys, list) or not keys:
            problems.append(f"{where}.keys: expected a list of keys such as "
                            f"[\"email\", \"first_name:nick\"], got {keys!r}")
        if problems or not isinstance(keys, list):
            raise ConfigError(problems)
        return cls(str(name), tuple(parse_key(k, f"{where}.keys[{n}]")
                                    for n, k in enumerate(keys)))

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
