"""The golden stage: merge each cluster of records into one profile with provenance.

Every built-in rule is a sort over all candidates at once (``np.lexsort`` on the entity
plus the rule's keys, then the first row of each entity), so the cost grows with the
number of records, not with a Python loop per entity.  Only a user callable rule loops.
"""

from __future__ import annotations

import difflib
import gc
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import infer_dtype, is_bool_dtype, is_datetime64_any_dtype

from unifyprofile import schema
from unifyprofile._columns import dense_rank
from unifyprofile._fields import field_types
from unifyprofile.errors import ConfigError, DataError
from unifyprofile.golden._survivorship import Survivorship, survivorship_from_config
from unifyprofile.standardise import split_full_name

__all__ = ["DEFAULT_POLICIES", "PROVENANCE_PARTS", "STANDARD_FORM", "merge",
           "provenance_table"]

#: Policies used for a field when ``policies`` does not name it (before ``default``): the
#: survivorship of each registered field type that has one
#: (:attr:`unifyprofile.fields.FieldType.survivorship`), read from the registry on each
#: access (``email`` and ``phone`` ``collect_all``, ``marketing_opt_out`` ``any``, ``sin``
#: ``most_recent``).
DEFAULT_POLICIES: Mapping[str, Survivorship]

#: The policy of fields that neither ``policies`` nor :data:`DEFAULT_POLICIES` name.
MOST_COMPLETE = Survivorship("most_complete")

#: Provenance columns written for each field, in order (``<field>__<part>``).
PROVENANCE_PARTS = ("source", "record_id", "rule", "updated_at")

#: Fields whose standardised form is the one a person wants (``country``: ISO 3166 codes,
#: not "USA" / "United States" / "US"): it survives, and the raw value of the record it
#: came from goes into the provenance column ``<field>__raw``.  The registered field types
#: marked ``standard_form``, read from the registry on each access.
STANDARD_FORM: tuple[str, ...]


def _default_policies() -> dict[str, Survivorship]:
    return {t.name: t.survivorship for t in field_types() if t.survivorship is not None}


if not TYPE_CHECKING:  # the registry's views, computed on each access (PEP 562)

    def __getattr__(name: str) -> Any:
        if name == "DEFAULT_POLICIES":
            return MappingProxyType(_default_policies())
        if name == "STANDARD_FORM":
            return tuple(t.name for t in field_types() if t.standard_form)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: Name fields a record without them takes from its parsed full name.
_FROM_FULL_NAME = {"first_name": "first", "last_name": "last"}

_UPDATED_AT_STD = schema.std(schema.UPDATED_AT)
_NAT = np.iinfo(np.int64).min
_LAST = np.iinfo(np.int64).max


class _Candidates:
    """The non-null values of one field, one row per (record, value).

    ``values`` holds the surviving forms (stripped strings, flags as bools) in Arrow, so
    a million raw strings never become Python objects; ``std`` is what is compared.
    """

    def __init__(self, pos: np.ndarray, values: pa.Array, std: np.ndarray) -> None:
        self.pos = pos  # int64 row position of the record in ``records``
        self._values = values
        self.std = std
        self._key: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.pos)

    @property
    def key(self) -> np.ndarray:
        """int64 codes of ``std``: equal codes mean the same standardised value."""
        if self._key is None:
            if isinstance(self.std, pa.Array):
                codes = self.std.dictionary_encode().indices.to_numpy(zero_copy_only=False)
            else:
                codes = pd.factorize(self.std)[0] if len(self.std) else np.zeros(0)
            self._key = np.asarray(codes, dtype=np.int64)
        return self._key

    def values(self, index: np.ndarray | None = None) -> pa.Array:
        """The surviving forms of the candidates at ``index`` (all by default)."""
        return self._values if index is None else self._values.take(index)

    def standard_form(self) -> _Candidates:
        """The same candidates with their standardised form as the surviving value."""
        std = self.std if isinstance(self.std, pa.Array) else _arrow(
            np.asarray(self.std, dtype=object))
        return _Candidates(self.pos, std, self.std)

    def subset(self, keep: np.ndarray) -> _Candidates:
        """The candidates where ``keep`` is true."""
        std = self.std.filter(pa.array(keep)) if isinstance(self.std, pa.Array) else (
            np.asarray(self.std, dtype=object)[keep])
        return _Candidates(self.pos[keep], self._values.filter(pa.array(keep)), std)


#: Up to this many records, :meth:`_Context.field_values` keeps what it read.
_KEEP_VALUES = 64


class _Context:
    """Per-record arrays shared by every field, and the global orders built from them."""

    def __init__(
        self,
        records: pd.DataFrame,
        ent: np.ndarray,
        rid_rank: np.ndarray,
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
        self.rid_rank = rid_rank
        nat = self.updated_i8 == _NAT
        self.newest_first = np.where(nat, _LAST, -self.updated_i8)
        self.oldest_first = np.where(nat, _LAST, self.updated_i8)
        # The tie-break order: trust (higher first), most recent, record_id.
        self.tiebreak = _inverse(np.lexsort((self.rid_rank, self.newest_first, -self.trust)))
        self._canonical = canonical
        self._ranks: dict[Any, np.ndarray] = {}
        self._arrow: dict[str, pa.Array] = {}
        self._name_parts: pd.DataFrame | None = None
        self._values: dict[str, tuple[np.ndarray, pa.Array, pd.Series | None, np.ndarray]] = {}

    def arrow(self, column: str) -> pa.Array:
        """``record_id`` (strings) or ``source`` (dictionary-encoded) of every record."""
        if column not in self._arrow:
            if column == schema.RECORD_ID:
                self._arrow[column] = _arrow(self.record_id)
            else:
                codes, names = dense_rank(self.source)
                self._arrow[column] = pa.DictionaryArray.from_arrays(
                    codes.astype(np.int32), _arrow(names))
        return self._arrow[column]

    def candidates(self, field: str) -> _Candidates:
        # Not cached: a million candidates per field would stay alive for the whole merge.
        return _build_candidates(*self.field_values(field))

    def field_values(self, field: str
                     ) -> tuple[np.ndarray, pa.Array, pd.Series | None, np.ndarray]:
        """:func:`_field_values`, with full names parsed once for every field."""
        if field in _FROM_FULL_NAME and self._name_parts is None \
                and "full_name" in self.records.columns:
            # Indexed by position: the records lacking a first or a last name.
            names = self.records["full_name"].reset_index(drop=True)
            parts = [f for f in _FROM_FULL_NAME if f in self.records.columns]
            lacking = names.notna().to_numpy() & self.records[parts].isna().any(
                axis=1).to_numpy()
            self._name_parts = split_full_name(names[lacking])
        if self.n > _KEEP_VALUES:
            return _field_values(self.records, field, self._name_parts)
        # An entity or two (a store's ingest): kept, as completeness reads them too.
        if field not in self._values:
            self._values[field] = _field_values(self.records, field, self._name_parts)
        return self._values[field]

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
            pos, _, _, keep = self.field_values(field)
            has = np.zeros(self.n, dtype=bool)
            has[pos[keep]] = True
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
    either and its ``<field>_flag`` is not ``"invalid"`` (so invalid values and
    placeholders never survive).  Candidates are compared by their standardised value
    (by the stripped, casefolded raw value where there is no ``_std`` column) and the
    stripped *raw* value survives; for flags whose standardised form is boolean
    (``marketing_opt_out``), the boolean survives.  Raw cells holding
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
    standard_form = {t.name for t in field_types() if t.standard_form}
    missing = [f for f in fields if f not in records.columns]
    if missing:
        raise DataError(
            f"records have no column for field(s) {missing} given in fields=; "
            f"columns are {list(records.columns)}"
        )
    resolved = _resolve_policies(policies, default, fields)
    if not records.index.equals(pd.RangeIndex(len(records))):
        records = records.reset_index(drop=True)
    ent, entity_ids, rid_rank = _entities(records, clusters)
    n_ent = len(entity_ids)
    ctx = _Context(records, ent, rid_rank, trust or {}, canonical)

    out: dict[str, Any] = {
        schema.ENTITY_ID: _arrow(np.asarray(entity_ids, dtype=object)),
        "record_count": np.bincount(ent, minlength=n_ent).astype(np.int64),
        "sources": _sources(ctx, n_ent),
    }
    for field in fields:
        policy = resolved[field]
        cands = ctx.candidates(field)
        raw = None
        if field in standard_form and schema.std(field) in records.columns:
            raw = _surviving(records[field])
            cands = cands.standard_form()
        if field == "phone" and policy.rule == "collect_all":
            cands = _without_national_duplicates(ctx, cands, records[field])
        if policy.rule == "collect_all":
            columns = _collect_all(ctx, cands, n_ent, raw)
        else:
            ents, chosen, value = _choose(ctx, cands, policy, field, entity_ids)
            columns = _single(ctx, cands, ents, chosen, value, n_ent, raw)
        out[field] = columns[0]
        out[schema.provenance(field, "source")] = columns[1]
        out[schema.provenance(field, "record_id")] = columns[2]
        out[schema.provenance(field, "rule")] = pa.DictionaryArray.from_arrays(
            np.zeros(n_ent, dtype=np.int8), [policy.name])
        out[schema.provenance(field, "updated_at")] = columns[3]
        if raw is not None:
            out[schema.provenance(field, "raw")] = columns[4]
    golden = pa.table(out).to_pandas(types_mapper=_pandas_type)
    # The key and the count stay numpy columns, like the clusters table they join to.
    golden[schema.ENTITY_ID] = np.asarray(entity_ids, dtype=object)
    golden["record_count"] = out["record_count"]
    return golden


def _pandas_type(arrow_type: pa.DataType) -> Any:
    """Arrow-backed pandas columns, except single timestamps (numpy ``datetime64[ns, UTC]``)."""
    return None if pa.types.is_timestamp(arrow_type) else pd.ArrowDtype(arrow_type)


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
    for field in fields:
        _require(
            golden, [field, *(schema.provenance(field, p) for p in PROVENANCE_PARTS)], "golden"
        )
    try:
        table = pa.Table.from_pandas(golden, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise DataError(
            f"golden has a column that mixes lists and single values: {error}"
        ) from error
    entity = table.column(schema.ENTITY_ID).to_numpy()
    pieces: dict[str, list[np.ndarray]] = {
        c: [] for c in ("entity_id", "field", "value", "source", "record_id", "rule", "updated_at")
    }
    sort_keys = []
    for order, field in enumerate(fields):
        value = table.column(field).combine_chunks()
        parts = {
            part: table.column(schema.provenance(field, part)).combine_chunks()
            for part in ("source", "record_id", "updated_at")
        }
        row = np.arange(len(golden))
        if pa.types.is_list(value.type):
            row = pc.list_parent_indices(value).to_numpy()
            lengths = pc.list_value_length(value).fill_null(0)
            for part, column in parts.items():
                if not (pa.types.is_list(column.type) and pc.all(pc.equal(
                        pc.list_value_length(column).fill_null(0), lengths)).as_py()):
                    raise DataError(
                        f"golden column {schema.provenance(field, part)!r} is not a list "
                        f"aligned with the values of {field!r}"
                    )
                parts[part] = pc.list_flatten(column)
            value = pc.list_flatten(value)
        keep = value.is_valid().to_numpy(zero_copy_only=False)
        pieces["entity_id"].append(entity[row][keep])
        pieces["field"].append(np.full(int(keep.sum()), field, dtype=object))
        pieces["value"].append(value.to_numpy(zero_copy_only=False)[keep].astype(object))
        for part in ("source", "record_id"):
            pieces[part].append(parts[part].to_numpy(zero_copy_only=False)[keep])
        rule = table.column(schema.provenance(field, "rule")).to_numpy()
        pieces["rule"].append(rule[row][keep])
        updated = parts["updated_at"].cast(pa.timestamp("ns", tz="UTC")).cast(pa.int64())
        pieces["updated_at"].append(updated.fill_null(_NAT).to_numpy()[keep])
        # Stable sort key: entity row, then field, then position in the list.
        sort_keys.append(row[keep] * (len(fields) + 1) + order)
    if not fields:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in pieces})
        empty["updated_at"] = pd.Series(dtype="datetime64[ns, UTC]")
        return empty
    sort = np.argsort(np.concatenate(sort_keys), kind="stable")
    frame = pd.DataFrame({c: np.concatenate(v)[sort] for c, v in pieces.items()})
    frame["updated_at"] = pd.DatetimeIndex(
        frame["updated_at"].to_numpy().view("M8[ns]")).tz_localize("UTC")
    return frame


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
    defaults = _default_policies()
    return {f: given.get(f, defaults.get(f, default)) for f in fields}


def _entities(records: pd.DataFrame, clusters: pd.DataFrame) -> tuple[np.ndarray, Any, np.ndarray]:
    """Entity code of each record (codes follow the sorted entity_id), the entity ids, and
    each record's rank in record_id order."""
    rid = records[schema.RECORD_ID]
    if rid.isna().any():
        raise DataError("records has null record_id values; every record needs an id")
    if records[schema.SOURCE].isna().any():
        raise DataError("records has null source values; every record needs its source")
    rid_rank, _ = dense_rank(rid)
    if len(rid) and int(rid_rank.max()) + 1 != len(rid):
        dup = rid[rid.duplicated()].unique()[:5].tolist()
        raise DataError(f"records has duplicate record_id values, e.g. {dup}")
    crid = clusters[schema.RECORD_ID]
    if clusters[schema.ENTITY_ID].isna().any():
        raise DataError("clusters has null entity_id values; give every record an entity")
    rid_values = rid.to_numpy(dtype=object)
    if len(crid) == len(rid) and np.array_equal(crid.to_numpy(dtype=object), rid_values):
        where = np.arange(len(rid))  # the clusters of a run list the records in order
    else:
        if not crid.is_unique:
            dup = crid[crid.duplicated()].unique()[:5].tolist()
            raise DataError(
                f"clusters lists record(s) {dup} more than once; every record must be in "
                "exactly one entity"
            )
        where = pd.Index(crid).get_indexer(rid)
        if (where < 0).any():
            lost = rid[where < 0].head(5).tolist()
            raise DataError(
                f"{int((where < 0).sum())} record(s) are not in clusters, e.g. {lost}; every "
                "record must be in exactly one entity"
            )
        if len(clusters) != len(records):
            extra = crid[~crid.isin(rid)].head(5).tolist()
            raise DataError(
                f"clusters lists record_id(s) that are not in records, e.g. {extra}")
    codes, uniques = dense_rank(clusters[schema.ENTITY_ID])
    return codes[where].astype(np.int64), uniques, rid_rank


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


def _surviving(raw: pd.Series) -> pa.Array:
    """Raw values as they survive: strings stripped with blanks as null, in Arrow."""
    arrow_type = raw.dtype.pyarrow_dtype if isinstance(raw.dtype, pd.ArrowDtype) else None
    if arrow_type is not None and (
            pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)):
        text = raw.array._pa_array.combine_chunks().cast(pa.string())  # noqa: SLF001
    elif infer_dtype(raw, skipna=True) in ("string", "empty"):
        text = pa.array(raw.to_numpy(dtype=object), pa.string(), from_pandas=True)
    else:
        values = raw.to_numpy(dtype=object, na_value=None)
        stripped = [v.strip() or None if isinstance(v, str) else v for v in values]
        return _arrow(np.asarray(stripped + [None], dtype=object)[:-1])
    trimmed = pc.utf8_trim_whitespace(text)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _is_listlike_column(values: pd.Series) -> bool:
    kind = infer_dtype(values, skipna=True)
    if kind in ("string", "empty", "boolean", "integer", "floating", "datetime", "date"):
        return False
    return bool(values.map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any())


def _field_values(
    records: pd.DataFrame, field: str, name_parts: pd.DataFrame | None
) -> tuple[np.ndarray, pa.Array, pd.Series | None, np.ndarray]:
    """One row per (record, value) of ``field``: record positions, surviving forms,
    standardised forms (None without a ``_std`` column) and which rows are candidates.
    ``name_parts``: the parsed full names (:func:`split_full_name`) of the records lacking
    a first or last name, indexed by position (None when no full name was parsed)."""
    std_name = schema.std(field)
    raw = records[field]
    std = records[std_name] if std_name in records.columns else None
    if name_parts is not None and field in _FROM_FULL_NAME and std is not None:
        raw = _with_full_name_parts(records, raw, std, name_parts[_FROM_FULL_NAME[field]])
    pos = np.arange(len(records), dtype=np.int64)
    if not isinstance(raw.dtype, pd.ArrowDtype) or pa.types.is_list(raw.dtype.pyarrow_dtype):
        listlike = raw.astype(object)
        if _is_listlike_column(listlike):
            frame = pd.DataFrame({"pos": pos, "raw": listlike.to_numpy()})
            if std is not None and _is_listlike_column(std.astype(object)):
                frame["std"] = std.astype(object).to_numpy()
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
            pos, raw = frame["pos"].to_numpy(dtype=np.int64), frame["raw"]
    values = _surviving(raw)
    keep = values.is_valid().to_numpy(zero_copy_only=False)
    if std is not None:
        # The standardised form decides which values are candidates.
        keep &= std.notna().to_numpy()
    flag_name = schema.flag(field)
    if flag_name in records.columns:
        # A value flagged invalid keeps a standardised form to be compared by (a phone
        # number its region cannot read keeps its digits), not to survive.
        keep &= ~records[flag_name].eq(schema.INVALID).fillna(False).to_numpy(dtype=bool)[pos]
    return pos, values, std, keep


def _with_full_name_parts(records: pd.DataFrame, raw: pd.Series, std: pd.Series,
                          part: pd.Series) -> pd.Series:
    """``raw`` with the records that lack it but whose standardised value came from their
    full name given that ``part`` of the parsed full name (as written: "Robert", not the
    standardised "robert"; indexed by position)."""
    missing = (raw.isna() & std.notna() & records["full_name"].notna()).to_numpy()
    if not missing.any():
        return raw
    parts = part.loc[np.flatnonzero(missing)]
    filled = raw.astype(object).to_numpy(copy=True)
    filled[missing] = parts.to_numpy(dtype=object)
    return pd.Series(filled, index=raw.index, dtype=object)


def _build_candidates(
    pos: np.ndarray, values: pa.Array, std: pd.Series | None, keep: np.ndarray
) -> _Candidates:
    values = values.filter(keep)
    if std is None:
        # No standardised form: compare the casefolded surviving value.
        std_values = pc.utf8_lower(values) if pa.types.is_string(values.type) else values
        return _Candidates(pos[keep], values, std_values.to_numpy(zero_copy_only=False))
    if std.dtype == schema.TEXT:
        # Arrow-backed text: compared through its codes, no Python string per value.
        std_text = std.array._pa_array.combine_chunks()  # noqa: SLF001
        return _Candidates(pos[keep], values, std_text.filter(pa.array(keep)))
    std_values = std.to_numpy(dtype=object, na_value=None)[keep]
    if is_bool_dtype(std.dtype) or infer_dtype(std_values, skipna=True) == "boolean":
        # Flags: the standardised bool survives.
        std_values = std_values.astype(bool).astype(object)
        return _Candidates(pos[keep], pa.array(std_values, pa.bool_()), std_values)
    return _Candidates(pos[keep], values, std_values)


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
        values = cands.values()
        if not pa.types.is_string(values.type):
            values = pa.array([str(v) for v in values.to_pylist()], pa.string())
        length = pc.utf8_length(values).to_numpy(zero_copy_only=False).astype(np.int64)
        order = np.lexsort((ctx.tiebreak[cands.pos], -length, ent))
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
            "value": cands.values().to_numpy(zero_copy_only=False),
            "std": cands.std.to_numpy(zero_copy_only=False)
            if isinstance(cands.std, pa.Array) else cands.std,
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


def _arrow(values: np.ndarray | pa.Array) -> pa.Array:
    """Python values as one Arrow array; values of mixed types fall back to their text."""
    if isinstance(values, pa.Array):
        return values
    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


def _times(i8: np.ndarray) -> pa.Array:
    return pa.array(i8, type=pa.timestamp("ns", tz="UTC"), mask=i8 == _NAT)


def _single(
    ctx: _Context,
    cands: _Candidates,
    ents: np.ndarray,
    chosen: np.ndarray,
    value: np.ndarray,
    n_ent: int,
    raw: pa.Array | None = None,
) -> tuple[pa.Array, ...]:
    """One column per part; entity ``ents[k]`` gets candidate ``chosen[k]``, others null.
    With ``raw`` (each record's raw value) a fifth column: the winner's raw value."""
    winner = np.full(n_ent, -1, dtype=np.int64)
    winner[ents] = np.arange(len(ents))
    missing = winner < 0
    pos = np.where(missing, 0, cands.pos[chosen][winner] if len(ents) else 0)
    at = pa.array(pos, mask=missing)
    updated = np.where(missing, _NAT, ctx.updated_i8[pos])
    return (
        _arrow(value).take(pa.array(winner, mask=missing)),
        ctx.arrow(schema.SOURCE).take(at),
        ctx.arrow(schema.RECORD_ID).take(at),
        _times(updated),
        *(() if raw is None else (raw.take(at),)),
    )


def _lists(ent_sorted: np.ndarray, n_ent: int) -> Any:
    """A function that cuts entity-sorted flat arrays into one list per entity (null where an
    entity has none), as Arrow list arrays: no Python object per list."""
    counts = np.bincount(ent_sorted, minlength=n_ent)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    mask = pa.array(counts == 0)
    return lambda flat: pa.ListArray.from_arrays(offsets, flat, mask=mask)


def _collect_all(
    ctx: _Context, cands: _Candidates, n_ent: int, raw: pa.Array | None = None
) -> tuple[pa.Array, ...]:
    group, size, representative = _groups(ctx, cands)
    g_ent = ctx.ent[cands.pos[representative]]
    g_recent = ctx.rank("most_recent")[cands.pos[representative]]
    order = np.lexsort((g_recent, -size, g_ent))
    chosen = representative[order]
    pos = cands.pos[chosen]
    lists = _lists(g_ent[order], n_ent)
    return (
        lists(_arrow(cands.values(chosen))),
        lists(ctx.arrow(schema.SOURCE).take(pos).cast(pa.string())),
        lists(ctx.arrow(schema.RECORD_ID).take(pos)),
        lists(_times(ctx.updated_i8[pos])),
        *(() if raw is None else (lists(raw.take(pos)),)),
    )


_NON_DIGIT = re.compile(r"\D")


def _without_national_duplicates(ctx: _Context, cands: _Candidates, raw: pd.Series
                                 ) -> _Candidates:
    """Phones written without a country code (``152 7699 5482``) whose digits end an
    entity's phone written with one (``+86 152 7699 5482``): the same phone, read with the
    wrong default region.  They are dropped so that collect-all lists it once."""
    if not len(cands) or not isinstance(cands.std, (pa.Array, np.ndarray)):
        return cands
    text = raw.to_numpy(dtype=object, na_value=None)[cands.pos]
    std = (cands.std.to_numpy(zero_copy_only=False) if isinstance(cands.std, pa.Array)
           else cands.std)
    explicit = np.array([isinstance(t, str) and t.lstrip("( ").startswith(("+", "00"))
                         for t in text])
    if explicit.all() or not explicit.any():
        return cands
    ent = ctx.ent[cands.pos]
    known: dict[int, list[str]] = {}
    for e, number in zip(ent[explicit].tolist(), std[explicit].tolist(), strict=True):
        known.setdefault(e, []).append(str(number))
    keep = np.ones(len(cands), dtype=bool)
    for k in np.flatnonzero(~explicit).tolist():
        digits = _NON_DIGIT.sub("", str(text[k])).lstrip("0")
        numbers = known.get(int(ent[k]), [])
        if len(digits) >= 7 and any(n.endswith(digits) and n != std[k] for n in numbers):
            keep[k] = False
    return cands if keep.all() else cands.subset(keep)


def _sources(ctx: _Context, n_ent: int) -> pa.Array:
    sources = ctx.arrow(schema.SOURCE)
    codes, names = sources.indices.to_numpy(), sources.dictionary.to_numpy(zero_copy_only=False)
    width = max(len(names), 1)
    present = np.zeros(n_ent * width, dtype=bool)
    present[ctx.ent * width + codes] = True
    pairs = np.flatnonzero(present)  # sorted by entity, then source
    return _lists(pairs // width, n_ent)(_arrow(np.asarray(names, dtype=object)[pairs % width]))
