"""What the store's operations return: :class:`Changes` (build, ingest, erase),
:class:`Resolution` (resolve), :class:`Profile` (lookup) and :class:`Explanation` (explain)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from unifyprofile import schema

__all__ = ["Changes", "Explanation", "Profile", "Resolution"]


@dataclass
class Changes:
    """What a build, ingest or erase changed.

    Attributes:
        run_id: the run in the store's ledger.
        records: records written (ingest/build) or erased.
        created: ids of entities made of new records only.
        updated: ids of entities that kept their id but whose records or profile changed.
        merged: ``(old id, surviving id)`` pairs.
        split: ``(old id, new id)`` pairs: the new entity was split from the old one.
        erased: ids of entities none of whose records remain.
        rejects: rows that could not be read (see :mod:`unifyprofile.schema`).
        suppressed: ids of records not stored because an erasure suppressed them.
        notes: warnings worth a log line.
    """

    run_id: int
    records: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    merged: list[tuple[str, str]] = field(default_factory=list)
    split: list[tuple[str, str]] = field(default_factory=list)
    erased: list[str] = field(default_factory=list)
    rejects: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(schema.REJECT_COLUMNS)))
    suppressed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Counts (and the first few ids) for a log line."""
        return {"run_id": self.run_id, "records": self.records,
                "created": len(self.created), "updated": len(self.updated),
                "merged": len(self.merged), "split": len(self.split),
                "erased": len(self.erased), "rejects": int(len(self.rejects)),
                "suppressed": len(self.suppressed), "notes": list(self.notes)}


@dataclass
class Resolution:
    """The answer of :meth:`IdentityStore.resolve` (nothing is written).

    Attributes:
        entity_id: the entity the record would join, or None (it would be new).
        probability: the highest match probability to a record of that entity.
        golden: that entity's golden profile (field -> value, with provenance columns).
        candidates: every stored record compared: ``record_id``, ``entity_id``,
            ``match_weight``, ``match_probability``, ``rule``, ``linked`` and the log2
            Bayes factor of each comparison (the evidence), strongest first.
        entities: the entities the record links to; more than one means it would bridge
            them (an ingest would then merge them, unless a guard keeps them apart).
    """

    entity_id: str | None
    probability: float
    golden: dict[str, Any] | None
    candidates: pd.DataFrame
    entities: list[str]


@dataclass
class Profile:
    """An entity as :meth:`IdentityStore.lookup` returns it."""

    entity_id: str
    golden: dict[str, Any]
    record_ids: list[str]


@dataclass
class Explanation:
    """The answer of :meth:`IdentityStore.explain` (nothing is written).

    Attributes:
        record_ids: the two records asked about.
        entity_ids: the entity each of them is in now.
        same_entity: whether that is one entity.
        reason: one sentence: what joins them, or what keeps them apart.
        path: (one entity) the links joining them, in order from the first record:
            ``record_id_l``, ``record_id_r``, ``match_weight``, ``match_probability``,
            ``rule``, ``linked`` and one log2 Bayes factor per comparison.
        direct: the two records scored against each other now, one row with the same
            columns and ``compared``: whether blocking compares them at all.
    """

    record_ids: tuple[str, str]
    entity_ids: tuple[str, str]
    same_entity: bool
    reason: str
    path: pd.DataFrame
    direct: pd.DataFrame
