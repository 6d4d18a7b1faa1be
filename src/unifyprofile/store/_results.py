"""What the store's operations return: :class:`Changes` (build, ingest, erase),
:class:`Resolution` (resolve), :class:`Profile` (lookup) and :class:`Explanation`
(explain; defined with the batch result in :mod:`unifyprofile.result`, which explains a
run's output the same way)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from unifyprofile import schema
from unifyprofile.result import Explanation, json_rows

__all__ = ["Changes", "Explanation", "Profile", "Resolution", "json_rows"]


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

    def as_dict(self) -> dict[str, Any]:
        """Every change, ids included, JSON-ready."""
        return {"run_id": self.run_id, "records": self.records, "created": self.created,
                "updated": self.updated, "merged": [list(p) for p in self.merged],
                "split": [list(p) for p in self.split], "erased": self.erased,
                "rejects": json_rows(self.rejects), "suppressed": self.suppressed,
                "notes": list(self.notes)}


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

    def as_dict(self, evidence: int | None = None) -> dict[str, Any]:
        """JSON-ready, with the first ``evidence`` candidates (all by default)."""
        shown = self.candidates if evidence is None else self.candidates.head(evidence)
        return {"entity_id": self.entity_id, "probability": self.probability,
                "entities": self.entities, "golden": self.golden,
                "candidates": json_rows(shown), "compared": int(len(self.candidates))}


@dataclass
class Profile:
    """An entity as :meth:`IdentityStore.lookup` returns it."""

    entity_id: str
    golden: dict[str, Any]
    record_ids: list[str]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"entity_id": self.entity_id, "golden": self.golden,
                "record_ids": self.record_ids}
