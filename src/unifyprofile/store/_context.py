"""The frozen scoring context: what the store scores every pair with, fixed at fit time.

Three things in the batch pipeline depend on the whole population, not on the two records
of a pair: the fitted model, term-frequency adjustment and hub demotion.  The store fixes
them when the model is fitted, so that a pair's score depends only on its two records and
incremental ingest equals a batch run (see ``docs/store.md``).  They are saved in the
``meta``, ``tf`` and ``hubs`` tables by the fit (in :mod:`._ingest`) and come back here
as one immutable :class:`FrozenContext`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from unifyprofile import schema
from unifyprofile.blocking import BlockingRule
from unifyprofile.config import Config
from unifyprofile.score import FellegiSunter
from unifyprofile.store._db import Database, chunks

__all__ = ["FrozenContext", "tf_column"]


@dataclass(frozen=True, repr=False)
class FrozenContext:
    """The store's scoring context as it was frozen when the model was fitted.

    Attributes:
        model: the fitted Fellegi-Sunter model (m, u, lambda).
        rules: the blocking rules (configured, or chosen from the fields present at fit
            time); a rule's position is its number in the ``block_keys`` table.
        columns: the stored record columns besides ``record_id``, ``source`` and
            ``source_record_id``, in order.
        dtypes: the dtype name of each stored column (what decoding restores).
        tf_default: per comparison (by its position in the model) with term-frequency
            adjustment, the frequency of a value first seen after fitting: seen once in
            the fit population.  The frequencies of the values seen then are in the
            ``tf`` table, looked up when needed (:meth:`frequencies`).
        hubs: per field, the hub values found by ``demote_hubs`` on the fit population.
        narrow: the stored columns that scoring reads (comparisons, rules, blocking keys,
            hub flags): a record to resolve needs only these.
    """

    model: FellegiSunter
    rules: tuple[BlockingRule, ...]
    columns: tuple[str, ...]
    dtypes: Mapping[str, str]
    tf_default: Mapping[int, float]
    hubs: Mapping[str, frozenset[str]]
    narrow: tuple[str, ...]

    def __repr__(self) -> str:
        hubs = sum(len(v) for v in self.hubs.values())
        return (f"FrozenContext(model={self.model!r}, rules={len(self.rules)}, "
                f"columns={len(self.columns)}, hub_values={hubs}, "
                f"tf_comparisons={len(self.tf_default)})")

    @classmethod
    def load(cls, db: Database, model: FellegiSunter, config: Config) -> FrozenContext:
        """The context saved in ``db`` for ``model``; ``config``'s rules decide (with the
        frozen ones) which columns are :attr:`narrow`."""
        hubs: dict[str, set[str]] = {}
        for f, v in db.execute("SELECT field, value FROM hubs"):
            hubs.setdefault(f, set()).add(v)
        frozen_hubs = {f: frozenset(v) for f, v in hubs.items()}
        rules = tuple(BlockingRule.parse(r) for r in json.loads(db.meta("rules") or "[]"))
        columns = tuple(json.loads(db.meta("columns") or "[]"))
        tf_default = {int(k): float(v)
                      for k, v in json.loads(db.meta("tf_default") or "{}").items()}
        return cls(model=model, rules=rules, columns=columns,
                   dtypes=json.loads(db.meta("dtypes") or "{}"), tf_default=tf_default,
                   hubs=frozen_hubs,
                   narrow=_narrow_columns(model, rules, frozen_hubs, columns, config))

    def apply_hubs(self, records: pd.DataFrame) -> pd.DataFrame:
        """Null the frozen hub values (flag ``"hub"``), as ``demote_hubs`` did at fit time."""
        out = records
        for field_name, values in self.hubs.items():
            column = schema.std(field_name)
            if column not in records.columns:
                continue
            hit = records[column].isin(values).to_numpy()
            if not hit.any():
                continue
            if out is records:
                out = records.copy()
            out.loc[hit, column] = None
            flag = schema.flag(field_name)
            if flag not in out.columns:
                out[flag] = None
            out.loc[hit, flag] = "hub"
        return out

    def frequencies(self, db: Database, records: pd.DataFrame) -> list[np.ndarray | None]:
        """Frozen term frequency of each record's value, per comparison."""
        out: list[np.ndarray | None] = []
        for k, comparison in enumerate(self.model.comparisons):
            if k not in self.tf_default:
                out.append(None)
                continue
            column = tf_column(records, comparison.field)
            series = records[column]
            if series.dtype == object or series.dtype == schema.TEXT:
                # Text: in numpy, without a pandas call per step (one record resolved).
                values = series.to_numpy(dtype=object)
                present = pd.notna(values)
                keys = values[present].astype(str).astype(object)
            else:
                present = series.notna().to_numpy()
                keys = series[present].astype(str).to_numpy(dtype=object)
            uniq = list(dict.fromkeys(keys.tolist()))
            found: dict[str, float] = {}
            for part in chunks(uniq):
                marks = ",".join("?" * len(part))
                found.update(db.execute(
                    f"SELECT value, frequency FROM tf WHERE comparison = ? AND value IN "
                    f"({marks})", (k, *part)).fetchall())
            default = self.tf_default[k]
            freq = np.full(len(records), np.nan)
            freq[present] = [found.get(v, default) for v in keys.tolist()]
            out.append(freq)
        return out


def _narrow_columns(model: FellegiSunter, rules: tuple[BlockingRule, ...],
                    hubs: Mapping[str, frozenset[str]], columns: tuple[str, ...],
                    config: Config) -> tuple[str, ...]:
    """The stored columns that scoring reads (comparisons, rules, blocking keys)."""
    wanted: set[str] = set()
    for comparison in model.comparisons:
        wanted |= set(comparison.columns) | {comparison.field}
        wanted |= {c[:-4] for c in comparison.columns if c.endswith("_std")}
    keys = [k for r in rules for k in r.keys]
    keys += [k for r in config.rules for k in r.keys]
    for key in keys:
        wanted |= {schema.std(key.field), key.field, f"{key.field}_nick"}
    wanted |= {schema.flag(f) for f in hubs}
    return tuple(c for c in columns if c in wanted)


def tf_column(records: pd.DataFrame, field_name: str) -> str:
    return schema.std(field_name) if schema.std(field_name) in records.columns else field_name
