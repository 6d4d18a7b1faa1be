"""The golden stage: merge each cluster of records into one profile with provenance.

Every built-in rule is a sort over all candidates at once (``np.lexsort`` on the entity
plus the rule's keys, then the first row of each entity), so the cost grows with the
number of records, not with a Python loop per entity.  Only a user callable rule loops.
"""

from __future__ import annotations

import difflib
import gc
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype, is_bool_dtype, is_datetime64_any_dtype

from unifyprofile import schema
from unifyprofile.errors import ConfigError, DataError
from unifyprofile.golden._survivorship import Survivorship, survivorship_from_config

__all__ = ["DEFAULT_POLICIES", "PROVENANCE_PARTS", "merge", "provenance_table"]

#: Policies used for a field when ``policies`` does not name it (before ``default``).
DEFAULT_POLICIES: Mapping[str, Survivorship] = {
    "email": Survivorship("collect_all"),
    "phone": Survivorship("collect_all"),
    "marketing_opt_out": Survivorship("any"),
}

#: The policy of fields that neither ``policies`` nor :data:`DEFAULT_POLICIES` name.
MOST_COMPLETE = Survivorship("most_complete")

#: Provenance columns written for each field, in order (``<field>__<part>``).
PROVENANCE_PARTS = ("source", "record_id", "rule", "updated_at")

_UPDATED_AT_STD = schema.std(schema.UPDATED_AT)
_NAT = np.iinfo(np.int64).min
_LAST = np.iinfo(np.int64).max
_CANDIDATE_COLUMNS = ["record_id", "source", "updated_at", "value", "std"]


class _Candidates:
    """The non-null values of one field, one row per (record, value).

    Raw values are stripped lazily: with a ``_std`` column only the winners need it.
    """

    def __init__(self, pos: np.ndarray, raw: np.ndarray, std: np.ndarray, clean: bool) -> None:
        self.pos = pos  # int64 row position of the record in ``records``
        self.raw = raw  # object: what survives once stripped (or the bool of a flag)
        self.std = std  # object: the standardised value compared between records
        self._clean = clean
        self._key: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.pos)

    @property
    def key(self) -> np.ndarray:
        """int64 codes of ``std``: equal codes mean the same standardised value."""
        if self._key is None:
            codes = pd.factorize(self.std)[0] if len(self.std) else np.zeros(0)
            self._key = np.asarray(codes, dtype=np.int64)
        return self._key

    def values(self, index: np.ndarray | None = None) -> np.ndarray:
        """The surviving form (stripped raw, blanks as None) of the candidates at ``index``."""
        if self._clean:
            return self.raw if index is None else self.raw[index]
        if index is None:
            return _clean(pd.Series(self.raw, dtype=object)).to_numpy(dtype=object)
        # Visit the strings in memory order: random access to a million small objects
        # costs several times more than the stripping itself.
        order = np.argsort(index, kind="stable")
        out = np.empty(len(index), dtype=object)
        raw = pd.Series(self.raw[index[order]], dtype=object)
        out[order] = _clean(raw).to_numpy(dtype=object)
        return out


class _Context:
    """Per-record arrays shared by every field, and the global orders built from them."""

    def __init__(
        self,
        records: pd.DataFrame,
        ent: np.ndarray,
        trust: Mapping[str, float],
        canonical: Sequence[str],
    ) -> None:
        self.records = records
        self.n = len(records)
        self.ent = ent
        self.record_id = records[schema.RECORD_ID].to_numpy(dtype=object)
        self.source = records[schema.SOURCE].to_numpy(dtype=object)
        self.updated = _updated_at(records)
        self.updated_i8 = self.updated.asi8
        self.trust = _trust_array(records[schema.SOURCE], trust)
        self.rid_rank = pd.factorize(self.record_id, sort=True)[0].astype(np.int64)
        nat = self.updated_i8 == _NAT
        self.newest_first = np.where(nat, _LAST, -self.updated_i8)
        self.oldest_first = np.where(nat, _LAST, self.updated_i8)
        # The tie-break order: trust (higher first), most recent, record_id.
        self.tiebreak = _inverse(np.lexsort((self.rid_rank, self.newest_first, -self.trust)))
        self._canonical = canonical
        self._candidates: dict[str, _Candidates] = {}
        self._ranks: dict[Any, np.ndarray] = {}

    def candidates(self, field: str) -> _Candidates:
        if field not in self._candidates:
            self._candidates[field] = _build_candidates(self.records, field)
        return self._candidates[field]

    def rank(self, rule: str, order: tuple[str, ...] = ()) -> np.ndarray:
        """Each record's position in the global order of ``rule`` (entity first)."""
        cache_key = (rule, order)
        if cache_key not in self._ranks:
            keys: tuple[np.ndarray, ...]
            if rule == "most_recent":
                keys = (self.rid_rank, -self.trust, self.newest_first, self.ent)
            elif rule == "first_non_null":
                keys = (self.rid_rank, -self.trust, self.oldest_first, self.ent)
            elif rule == "most_complete":
                keys = (self.tiebreak, -self.completeness(), self.ent)
            elif rule == "source_priority":
                src_rank = np.zeros(self.n, dtype=np.int64)
                if order:
                    # Unlisted sources rank after every listed one (then by trust).
                    listed = pd.Index(order).get_indexer(self.source)
                    src_rank = np.where(listed < 0, len(order), listed).astype(np.int64)
                keys = (self.tiebreak, src_rank, self.ent)
            else:  # pragma: no cover - guarded by the caller
                raise AssertionError(rule)
            self._ranks[cache_key] = _inverse(np.lexsort(keys))
        return self._ranks[cache_key]

    def completeness(self) -> np.ndarray:
        """Number of non-null canonical fields of each record."""
        count = np.zeros(self.n, dtype=np.int64)
        for field in self._canonical:
            has = np.zeros(self.n, dtype=bool)
            has[self.candidates(field).pos] = True
            count += has
        return count


def merge(
    records: pd.DataFrame,
    clusters: pd.DataFrame,
    policies: Mapping[str, Survivorship | str] | None = None,
    *,
    default: Survivorship = MOST_COMPLETE,
    trust: Mapping[str, float] | None = None,
    fields: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Merge each entity's records into one golden profile with field-level provenance.

    A record's value of a field is a *candidate* when its raw value is not null or blank
    and, where the records carry ``<field>_std``, its standardised value is not null
    either (so invalid values and placeholders never survive).  Candidates are compared
    by their standardised value (by the stripped, casefolded raw value where there is no
    ``_std`` column) and the stripped *raw* value survives; for flags whose standardised
    form is boolean (``marketing_opt_out``), the boolean survives.  Raw cells holding
    lists are multi-valued: each element is a candidate.

    Args:
        records: ``record_id``, ``source``, optional ``updated_at_std`` (UTC datetimes),
            raw canonical fields and their ``<field>_std`` forms.
        clusters: ``record_id``, ``entity_id``; every record exactly once.
        policies: survivorship per field; fields not named use :data:`DEFAULT_POLICIES`
            (email and phone ``collect_all``, marketing_opt_out ``any``) or ``default``.
            A rule name is accepted in place of a :class:`Survivorship`.
        default: the policy of every other field.
        trust: source -> trust; higher wins ties. Unlisted sources have trust 0.
        fields: fields to merge; default every canonical and identifier field
            (:data:`~unifyprofile.schema.CANONICAL_FIELDS`,
            :data:`~unifyprofile.schema.ID_FIELDS`) that ``records`` has.

    Returns:
        One row per ``entity_id``, sorted by it: ``entity_id``, ``record_count``,
        ``sources`` (sorted list of distinct sources), then for each field ``f``: ``f``,
        ``f__source``, ``f__record_id``, ``f__rule``, ``f__updated_at``.  For
        ``collect_all`` the value and its ``__source``/``__record_id``/``__updated_at``
        are aligned lists. A field with no candidate in an entity is null.

    Raises:
        DataError: if a column is missing or ``clusters`` does not hold every record
            exactly once.
        ConfigError: for a policy of an unknown field, or a callable rule that returns a
            record_id that is not one of its candidates.

    Examples:
        >>> records = pd.DataFrame({
        ...     "record_id": ["crm:1", "shop:7", "shop:8"],
        ...     "source": ["crm", "shop", "shop"],
        ...     "updated_at_std": pd.to_datetime(
        ...         ["2023-01-01", "2024-05-01", "2022-01-01"], utc=True),
        ...     "city": [" London", "london", None],
        ...     "city_std": ["london", "london", None],
        ...     "email": ["ann@x.com", "ANN@x.com ", "a@y.org"],
        ...     "email_std": ["ann@x.com", "ann@x.com", "a@y.org"],
        ... })
        >>> clusters = pd.DataFrame({"record_id": ["crm:1", "shop:7", "shop:8"],
        ...                          "entity_id": ["e1", "e1", "e1"]})
        >>> golden = merge(records, clusters, {"city": Survivorship("most_recent")})
        >>> row = golden.iloc[0]
        >>> row["entity_id"], int(row["record_count"]), row["sources"]
        ('e1', 3, ['crm', 'shop'])
        >>> row["city"], row["city__record_id"], row["city__rule"]
        ('london', 'shop:7', 'most_recent')
        >>> row["email"], row["email__record_id"]
        (['ANN@x.com', 'a@y.org'], ['shop:7', 'shop:8'])
    """
    # The output holds millions of small lists; the cyclic GC would re-scan them over and
    # over while they are built (about a third of the run time on 1M records).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _merge(records, clusters, policies, default, trust, fields)
    finally:
        if was_enabled:
            gc.enable()


def _merge(
    records: pd.DataFrame,
    clusters: pd.DataFrame,
    policies: Mapping[str, Survivorship | str] | None,
    default: Survivorship,
    trust: Mapping[str, float] | None,
    fields: Sequence[str] | None,
) -> pd.DataFrame:
    _require(records, (schema.RECORD_ID, schema.SOURCE), "records")
    _require(clusters, (schema.RECORD_ID, schema.ENTITY_ID), "clusters")
    canonical = [f for f in (*schema.CANONICAL_FIELDS, *schema.ID_FIELDS) if f in records]
    fields = list(canonical if fields is None else fields)
    missing = [f for f in fields if f not in records.columns]
    if missing:
        raise DataError(
            f"records have no column for field(s) {missing} given in fields=; "
            f"columns are {list(records.columns)}"
        )
    resolved = _resolve_policies(policies, default, fields)
    records = records.reset_index(drop=True)
    ent, entity_ids = _entities(records, clusters)
    n_ent = len(entity_ids)
    ctx = _Context(records, ent, trust or {}, canonical)

    out: dict[str, Any] = {
        schema.ENTITY_ID: entity_ids,
        "record_count": np.bincount(ent, minlength=n_ent).astype(np.int64),
        "sources": _sources(ctx, n_ent),
    }
    for field in fields:
        policy = resolved[field]
        cands = ctx.candidates(field)
        if policy.rule == "collect_all":
            columns = _collect_all(ctx, cands, n_ent)
        else:
            ents, chosen, value = _choose(ctx, cands, policy, field, entity_ids)
            columns = _single(ctx, cands, ents, chosen, value, n_ent)
        out[field] = columns[0]
        out[schema.provenance(field, "source")] = columns[1]
        out[schema.provenance(field, "record_id")] = columns[2]
        out[schema.provenance(field, "rule")] = np.full(n_ent, policy.name, dtype=object)
        out[schema.provenance(field, "updated_at")] = columns[3]
    return pd.DataFrame(out)


def provenance_table(golden: pd.DataFrame) -> pd.DataFrame:
    """Turn golden profiles into one row per surviving value with its provenance.

    Args:
        golden: the output of :func:`merge`.

    Returns:
        ``entity_id``, ``field``, ``value``, ``source``, ``record_id``, ``rule``,
        ``updated_at``: one row per non-null value, collect-all lists exploded, in
        entity order, then field order, then list order.

    Examples:
        >>> golden = pd.DataFrame({
        ...     "entity_id": ["e1"], "record_count": [2], "sources": [["crm", "shop"]],
        ...     "email": [["a@x.com", "b@y.org"]], "email__source": [["crm", "shop"]],
        ...     "email__record_id": [["crm:1", "shop:2"]], "email__rule": ["collect_all"],
        ...     "email__updated_at": [[pd.NaT, pd.Timestamp("2024-01-01", tz="UTC")]],
        ... })
        >>> provenance_table(golden)[["field", "value", "record_id", "updated_at"]]
           field    value record_id                updated_at
        0  email  a@x.com     crm:1                       NaT
        1  email  b@y.org    shop:2 2024-01-01 00:00:00+00:00
    """
    _require(golden, (schema.ENTITY_ID,), "golden")
    suffix = "__rule"
    fields = [c[: -len(suffix)] for c in golden.columns if c.endswith(suffix)]
    pieces: dict[str, list[np.ndarray]] = {c: [] for c in ("entity_id", "field", "value")}
    for part in PROVENANCE_PARTS:
        pieces[part] = []
    n_ent = len(golden)
    for order, field in enumerate(fields):
        _require(
            golden, [field, *(schema.provenance(field, p) for p in PROVENANCE_PARTS)], "golden"
        )
        values = golden[field].to_numpy(dtype=object)
        is_list = np.fromiter(
            (isinstance(v, (list, tuple, np.ndarray)) for v in values), bool, count=n_ent
        )
        lengths = np.ones(n_ent, dtype=np.int64)
        if is_list.any():
            lengths[is_list] = [len(v) for v in values[is_list]]
        row = np.repeat(np.arange(n_ent), lengths)
        columns = {"value": values}
        for part in ("source", "record_id", "updated_at"):
            columns[part] = golden[schema.provenance(field, part)].to_numpy(dtype=object)
        flat = {}
        for name, col in columns.items():
            if is_list.any():
                col = _flatten(col, is_list, lengths)
            flat[name] = col
        keep = pd.notna(flat["value"])
        n_keep = int(keep.sum())
        pieces["entity_id"].append(golden[schema.ENTITY_ID].to_numpy(dtype=object)[row][keep])
        pieces["field"].append(np.full(n_keep, field, dtype=object))
        pieces["rule"].append(
            golden[schema.provenance(field, "rule")].to_numpy(dtype=object)[row][keep]
        )
        for name, col in flat.items():
            pieces[name].append(col[keep])
        # Stable sort key: entity row, then field, then position in the list.
        pieces.setdefault("_row", []).append(row[keep] * (len(fields) + 1) + order)
    if not fields:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in pieces})
        empty["updated_at"] = pd.Series(dtype="datetime64[ns, UTC]")
        return empty
    order_key = np.concatenate(pieces.pop("_row"))
    sort = np.argsort(order_key, kind="stable")
    table = {c: np.concatenate(v)[sort] for c, v in pieces.items()}
    updated = pd.to_datetime(pd.Series(table.pop("updated_at"), dtype=object), utc=True)
    frame = pd.DataFrame(table)
    frame["updated_at"] = pd.DatetimeIndex(updated).as_unit("ns")
    return frame[["entity_id", "field", "value", "source", "record_id", "rule", "updated_at"]]


# ---------------------------------------------------------------------------------------
# input checks


def _require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{name} is missing column(s) {missing}; it has {list(frame.columns)}")


def _resolve_policies(
    policies: Mapping[str, Survivorship | str] | None,
    default: Survivorship,
    fields: Sequence[str],
) -> dict[str, Survivorship]:
    problems: list[str] = []
    given: dict[str, Survivorship] = {}
    known = set(schema.CANONICAL_FIELDS) | set(schema.ID_FIELDS) | set(fields)
    for field, policy in (policies or {}).items():
        where = f"survivorship.{field}"
        if field not in known:
            close = difflib.get_close_matches(field, sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(f"{where}: {field!r} is not a field of these records{hint}")
            continue
        if isinstance(policy, Survivorship):
            given[field] = policy
        else:
            try:
                given[field] = survivorship_from_config(policy, where)
            except ConfigError as error:
                problems.extend(error.problems)
    if not isinstance(default, Survivorship):
        problems.append(f"default must be a Survivorship (got {default!r})")
    if problems:
        raise ConfigError(problems)
    return {f: given.get(f, DEFAULT_POLICIES.get(f, default)) for f in fields}


def _entities(records: pd.DataFrame, clusters: pd.DataFrame) -> tuple[np.ndarray, Any]:
    """Entity code of each record (codes follow the sorted entity_id)."""
    rid = records[schema.RECORD_ID]
    if rid.isna().any():
        raise DataError("records has null record_id values; every record needs an id")
    if records[schema.SOURCE].isna().any():
        raise DataError("records has null source values; every record needs its source")
    if not rid.is_unique:
        dup = rid[rid.duplicated()].unique()[:5].tolist()
        raise DataError(f"records has duplicate record_id values, e.g. {dup}")
    crid = clusters[schema.RECORD_ID]
    if not crid.is_unique:
        dup = crid[crid.duplicated()].unique()[:5].tolist()
        raise DataError(
            f"clusters lists record(s) {dup} more than once; every record must be in "
            "exactly one entity"
        )
    if clusters[schema.ENTITY_ID].isna().any():
        raise DataError("clusters has null entity_id values; give every record an entity")
    where = pd.Index(crid).get_indexer(rid)
    if (where < 0).any():
        lost = rid[where < 0].head(5).tolist()
        raise DataError(
            f"{int((where < 0).sum())} record(s) are not in clusters, e.g. {lost}; every "
            "record must be in exactly one entity"
        )
    if len(clusters) != len(records):
        extra = crid[~crid.isin(rid)].head(5).tolist()
        raise DataError(f"clusters lists record_id(s) that are not in records, e.g. {extra}")
    codes, uniques = pd.factorize(clusters[schema.ENTITY_ID], sort=True)
    return codes[where].astype(np.int64), uniques


def _updated_at(records: pd.DataFrame) -> pd.DatetimeIndex:
    if _UPDATED_AT_STD in records:
        column = records[_UPDATED_AT_STD]
    elif schema.UPDATED_AT in records and is_datetime64_any_dtype(records[schema.UPDATED_AT]):
        column = records[schema.UPDATED_AT]
    else:
        return pd.DatetimeIndex(np.full(len(records), _NAT).view("M8[ns]")).tz_localize("UTC")
    try:
        values = pd.DatetimeIndex(pd.to_datetime(column, utc=True))
    except (TypeError, ValueError) as error:
        raise DataError(
            f"records column {column.name!r} must hold datetimes (got {column.dtype}): {error}"
        ) from error
    return values.as_unit("ns")


def _trust_array(source: pd.Series, trust: Mapping[str, float]) -> np.ndarray:
    bad = {k: v for k, v in trust.items() if isinstance(v, bool) or not isinstance(v, (int, float))}
    if bad:
        raise ConfigError(f"trust values must be numbers (got {bad!r})")
    mapped = source.map(dict(trust)) if trust else pd.Series(0.0, index=source.index)
    return mapped.astype(np.float64).fillna(0.0).to_numpy()


# ---------------------------------------------------------------------------------------
# candidates


def _clean(values: pd.Series) -> pd.Series:
    """Strip strings and turn blanks into nulls (other values are left as they are)."""
    kind = infer_dtype(values, skipna=True)
    if kind == "string":
        stripped = values.str.strip()
        return stripped.where(stripped.ne("") & stripped.notna(), None)
    if kind == "empty":
        return pd.Series(None, index=values.index, dtype=object)
    stripped = values.map(lambda v: v.strip() if isinstance(v, str) else v)
    blank = stripped.map(lambda v: isinstance(v, str) and not v)
    return stripped.astype(object).where(~blank & stripped.notna(), None)


def _is_listlike_column(values: pd.Series) -> bool:
    kind = infer_dtype(values, skipna=True)
    if kind in ("string", "empty", "boolean", "integer", "floating", "datetime", "date"):
        return False
    return bool(values.map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any())


def _build_candidates(records: pd.DataFrame, field: str) -> _Candidates:
    std_name = schema.std(field)
    has_std = std_name in records.columns
    raw = records[field].astype(object)
    std = records[std_name] if has_std else None
    pos = pd.Series(np.arange(len(records), dtype=np.int64), index=records.index)
    if _is_listlike_column(raw):
        frame = pd.DataFrame({"pos": pos, "raw": raw})
        if std is not None and _is_listlike_column(std.astype(object)):
            frame["std"] = std.astype(object)
            try:
                frame = frame.explode(["raw", "std"], ignore_index=True)
            except ValueError as error:
                raise DataError(
                    f"records columns {field!r} and {std_name!r} hold lists of different "
                    f"lengths in the same row: {error}"
                ) from error
            std = frame["std"]
        else:
            frame = frame.explode("raw", ignore_index=True)
            std = None
        pos, raw = frame["pos"].astype(np.int64), frame["raw"]
    keep = raw.notna().to_numpy().copy()
    if std is None:
        value = _clean(raw[keep].reset_index(drop=True))
        present = value.notna().to_numpy()
        values = value.to_numpy(dtype=object)[present]
        std_values = values
        if infer_dtype(values, skipna=True) == "string":
            std_values = pd.Series(values, dtype=object).str.casefold().to_numpy(dtype=object)
        positions = pos.to_numpy(dtype=np.int64)[keep][present]
        return _Candidates(positions, values, std_values, clean=True)
    # The standardised form decides which values are candidates; stripping waits.
    keep = keep & std.notna().to_numpy()
    values = raw.to_numpy(dtype=object)[keep]
    std_values = std.to_numpy(dtype=object)[keep]
    clean = False
    if is_bool_dtype(std.dtype) or infer_dtype(std_values, skipna=True) == "boolean":
        # Flags: the standardised bool survives, as plain Python bools.
        std_values = std_values.astype(bool).astype(object)
        values, clean = std_values, True
    return _Candidates(pos.to_numpy(dtype=np.int64)[keep], values, std_values, clean)


# ---------------------------------------------------------------------------------------
# rules


def _inverse(permutation: np.ndarray) -> np.ndarray:
    inverse = np.empty_like(permutation)
    inverse[permutation] = np.arange(len(permutation), dtype=permutation.dtype)
    return inverse


def _firsts(ent_sorted: np.ndarray) -> np.ndarray:
    """Mask of the first row of each run of equal entity codes."""
    first = np.ones(len(ent_sorted), dtype=bool)
    first[1:] = ent_sorted[1:] != ent_sorted[:-1]
    return first


def _groups(ctx: _Context, cands: _Candidates) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Value groups (entity, std): group code per candidate, its size, its representative.

    The representative of a group is its most recent candidate (ties: trust, record_id).
    """
    ent = ctx.ent[cands.pos]
    width = int(cands.key.max()) + 1 if len(cands.key) else 1
    group = pd.factorize(ent * width + cands.key)[0].astype(np.int64)
    size = np.bincount(group)
    order = np.lexsort((ctx.rank("most_recent")[cands.pos], group))
    representative = np.empty(len(size), dtype=np.int64)
    firsts = order[_firsts(group[order])]
    representative[group[firsts]] = firsts
    return group, size, representative


def _choose(
    ctx: _Context,
    cands: _Candidates,
    policy: Survivorship,
    field: str,
    entity_ids: Any,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Winning candidate per entity: (entity codes, candidate indexes, surviving values)."""
    rule = policy.rule
    ent = ctx.ent[cands.pos]
    if callable(rule):
        ents, chosen = _choose_callable(ctx, cands, policy, field, entity_ids)
        return ents, chosen, cands.values(chosen)
    if rule in ("most_recent", "first_non_null", "most_complete", "source_priority"):
        order = np.argsort(ctx.rank(rule, policy.order)[cands.pos], kind="stable")
    elif rule == "longest":
        length = pd.Series(cands.values(), dtype=object).astype(str).str.len()
        order = np.lexsort((ctx.tiebreak[cands.pos], -length.to_numpy(dtype=np.int64), ent))
    elif rule == "any":
        is_true = pd.Series(cands.std, dtype=object).isin([True]).to_numpy()
        order = np.lexsort((ctx.tiebreak[cands.pos], ~is_true, ent))
        ents, chosen = ent[order][_firsts(ent[order])], order[_firsts(ent[order])]
        return ents, chosen, is_true[chosen].astype(object)
    elif rule == "most_frequent":
        group, size, representative = _groups(ctx, cands)
        order = np.lexsort((ctx.tiebreak[cands.pos], -size[group], ent))
        first = _firsts(ent[order])
        chosen = representative[group[order[first]]]
        return ent[order][first], chosen, cands.values(chosen)
    else:  # pragma: no cover - Survivorship validates rule names
        raise AssertionError(rule)
    first = _firsts(ent[order])
    chosen = order[first]
    return ent[order][first], chosen, cands.values(chosen)


def _choose_callable(
    ctx: _Context,
    cands: _Candidates,
    policy: Survivorship,
    field: str,
    entity_ids: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """The slow path: call the user's rule once per entity that has candidates."""
    rule = policy.rule
    assert callable(rule)
    frame = pd.DataFrame(
        {
            "record_id": ctx.record_id[cands.pos],
            "source": ctx.source[cands.pos],
            "updated_at": ctx.updated[cands.pos],
            "value": cands.values(),
            "std": cands.std,
        }
    )
    ent = ctx.ent[cands.pos]
    order = np.lexsort((ctx.tiebreak[cands.pos], ent))
    bounds = np.flatnonzero(_firsts(ent[order]))
    ents = ent[order][bounds]
    chosen = np.empty(len(ents), dtype=np.int64)
    stops = np.append(bounds[1:], len(order))
    for i, (start, stop) in enumerate(zip(bounds, stops, strict=True)):
        rows = order[start:stop]
        group = frame.iloc[rows].reset_index(drop=True)
        picked = rule(group)
        hit = np.flatnonzero(group["record_id"].to_numpy() == picked)
        if len(hit) == 0:
            raise ConfigError(
                f"survivorship rule {policy.name!r} for field {field!r} returned {picked!r} "
                f"for entity {entity_ids[ents[i]]!r}; it must return one of the candidates' "
                f"record_ids {group['record_id'].tolist()}"
            )
        chosen[i] = rows[hit[0]]
    return ents, chosen


# ---------------------------------------------------------------------------------------
# output


def _datetimes(i8: np.ndarray) -> pd.Series:
    return pd.Series(pd.DatetimeIndex(i8.view("M8[ns]")).tz_localize("UTC"))


def _single(
    ctx: _Context,
    cands: _Candidates,
    ents: np.ndarray,
    chosen: np.ndarray,
    value: np.ndarray,
    n_ent: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Series]:
    pos = cands.pos[chosen]
    out_value = np.full(n_ent, None, dtype=object)
    out_value[ents] = value
    out_source = np.full(n_ent, None, dtype=object)
    out_source[ents] = ctx.source[pos]
    out_rid = np.full(n_ent, None, dtype=object)
    out_rid[ents] = ctx.record_id[pos]
    out_updated = np.full(n_ent, _NAT, dtype=np.int64)
    out_updated[ents] = ctx.updated_i8[pos]
    return out_value, out_source, out_rid, _datetimes(out_updated)


def _split(ent_sorted: np.ndarray, columns: Sequence[np.ndarray], n_ent: int) -> list[np.ndarray]:
    """Cut entity-sorted columns into one list per entity (None where an entity has none)."""
    starts = np.flatnonzero(_firsts(ent_sorted))
    stops = np.append(starts[1:], len(ent_sorted))
    # Slicing one Python list through C-level map() is far cheaper than np.split.
    slices = list(map(slice, starts.tolist(), stops.tolist()))
    ents = ent_sorted[starts]
    result = []
    for column in columns:
        out = np.full(n_ent, None, dtype=object)
        pieces = map(column.tolist().__getitem__, slices)
        out[ents] = np.fromiter(pieces, dtype=object, count=len(slices))
        result.append(out)
    return result


def _timestamps(i8: np.ndarray) -> np.ndarray:
    """UTC Timestamps (NaT for missing) as objects, built once per distinct instant."""
    codes, uniques = pd.factorize(i8)
    stamps = pd.DatetimeIndex(uniques.view("M8[ns]")).tz_localize("UTC").astype(object)
    return np.asarray(stamps, dtype=object)[codes]


def _collect_all(
    ctx: _Context, cands: _Candidates, n_ent: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    group, size, representative = _groups(ctx, cands)
    g_ent = ctx.ent[cands.pos[representative]]
    g_recent = ctx.rank("most_recent")[cands.pos[representative]]
    order = np.lexsort((g_recent, -size, g_ent))
    chosen = representative[order]
    pos = cands.pos[chosen]
    updated = _timestamps(ctx.updated_i8[pos])
    return tuple(  # type: ignore[return-value]
        _split(
            g_ent[order],
            [cands.values(chosen), ctx.source[pos], ctx.record_id[pos], updated],
            n_ent,
        )
    )


def _sources(ctx: _Context, n_ent: int) -> np.ndarray:
    codes, names = pd.factorize(ctx.source, sort=True)
    width = max(len(names), 1)
    pairs = np.unique(ctx.ent * width + codes)
    (lists,) = _split(pairs // width, [np.asarray(names, dtype=object)[pairs % width]], n_ent)
    return lists


def _flatten(column: np.ndarray, is_list: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenate list cells (scalars count as one element) into one flat object array."""
    out = np.empty(int(lengths.sum()), dtype=object)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    scalar = ~is_list
    out[starts[scalar]] = column[scalar]
    for start, stop, cell in zip(starts[is_list], ends[is_list], column[is_list], strict=True):
        cell = list(cell) if not isinstance(cell, list) else cell
        if len(cell) != stop - start:
            raise DataError(
                f"golden provenance lists are not aligned with their values "
                f"(expected {stop - start} items, got {len(cell)})"
            )
        out[start:stop] = cell if cell else out[start:stop]
    return out
