"""The standardise stage: add ``<field>_std`` / ``<field>_flag`` columns to records."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from unifyprofile import schema
from unifyprofile._fields import field_types
from unifyprofile.errors import ConfigError, DataError

from ._common import PLACEHOLDER, align_param, whole_numbers
from .addresses import standardise_state
from .dates import require_year_pivot, standardise_date, standardise_timestamp
from .ids import standardise_id
from .names import nickname_key, split_full_name, standardise_name
from .phones import standardise_phone, standardise_phones

#: Fields standardised by steps of their own below, whatever their type's standardiser:
#: they span columns (a full name fills first and last names) or settings (a phone's
#: region, shared parsing; a birth date's ``dayfirst`` and ``year_pivot``).
_BESPOKE = frozenset({*schema.NAME_FIELDS, "phone", "dob"})


def _as_list(values: Iterable[Any] | str) -> list[Any]:
    return [values] if isinstance(values, str) else list(values)


def _check_placeholders(
    placeholders: Mapping[str, Iterable[str]] | None, canonical: Iterable[str],
    id_fields: tuple[str, ...], columns: Iterable[str] = (),
) -> dict[str, list[Any]]:
    if placeholders is None:
        return {}
    known = (*canonical, *id_fields, *(c for c in columns if c in placeholders))
    problems = [
        f"placeholders: unknown field {field!r}; expected one of {', '.join(known)}"
        for field in placeholders
        if field not in known
    ]
    if problems:
        raise ConfigError(problems)
    return {field: _as_list(values) for field, values in placeholders.items()}


class _Context:
    """Per-call settings and the declared placeholders, standardised once."""

    def __init__(
        self,
        region: str | pd.Series,
        dayfirst: bool | pd.Series,
        year_pivot: int | None | pd.Series,
        placeholders: dict[str, list[Any]],
    ) -> None:
        self.region = region
        self.dayfirst = dayfirst
        self.year_pivot = year_pivot
        self.placeholders = placeholders

    def _variants(self, param: Any) -> list[Any]:
        if isinstance(param, pd.Series):
            return [*pd.unique(param.dropna()), None]
        return [param]

    def declared(self, field: str, std: Callable[[pd.Series], Any]) -> list[Any]:
        """The declared placeholders of ``field`` in standardised form (and as given)."""
        raw = self.placeholders.get(field)
        if not raw:
            return []
        given = pd.Series(raw, dtype=object)
        result = std(given)
        column = result["std"] if isinstance(result, pd.DataFrame) else result
        return [v for v in (*column.tolist(), *raw) if v is not None and not pd.isna(v)]

    def declared_phone(self, field: str = "phone") -> list[Any]:
        found: list[Any] = []
        for region in self._variants(self.region):
            found += self.declared(field, functools.partial(standardise_phone, region=region))
        return found

    def declared_date(self) -> list[Any]:
        found: list[Any] = []
        for dayfirst in self._variants(self.dayfirst):
            for pivot in self._variants(self.year_pivot):
                found += self.declared("dob", functools.partial(
                    standardise_date, dayfirst=bool(dayfirst),
                    year_pivot=None if pivot is None or pd.isna(pivot) else int(pivot)))
        return found


def _reject(std: np.ndarray, flag: np.ndarray | None, declared: list[Any]) -> None:
    """Null out (in place) standardised values the user declared as placeholders."""
    if not declared:
        return
    hit = pd.Series(std, dtype=object).isin(declared).to_numpy()
    std[hit] = None
    if flag is not None:
        flag[hit] = PLACEHOLDER


def _std_flag(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return frame["std"].to_numpy(dtype=object, copy=True), frame["flag"].to_numpy(
        dtype=object, copy=True
    )


def _nulls(n: int) -> np.ndarray:
    return np.full(n, None, dtype=object)


def _names(records: pd.DataFrame, ctx: _Context) -> dict[str, np.ndarray | pd.Series]:
    n = len(records)
    std: dict[str, np.ndarray] = {}
    flag: dict[str, np.ndarray] = {}
    for field in ("first_name", "middle_name", "last_name"):
        if field in records:
            frame = standardise_name(records[field], surname=field == "last_name")
            std[field], flag[field] = _std_flag(frame)
            _reject(std[field], flag[field], ctx.declared(field, standardise_name))
        elif field != "middle_name":
            std[field], flag[field] = _nulls(n), _nulls(n)

    full_std: np.ndarray | None = None
    if "full_name" in records:
        full_std, full_flag = _std_flag(standardise_name(records["full_name"]))
        _reject(full_std, full_flag, ctx.declared("full_name", standardise_name))
        flag["full_name"] = full_flag
        missing = pd.isna(std["first_name"]) | pd.isna(std["last_name"])
        rows = np.flatnonzero(missing & ~pd.isna(full_std))
        if len(rows):
            split = split_full_name(records["full_name"].iloc[rows])
            # A full name of one word ("Owen") fills the first name of a record that has
            # neither name of its own, but it may as well be the surname.
            lone = (pd.isna(std["first_name"][rows]) & pd.isna(std["last_name"][rows])
                    & split["last"].isna().to_numpy())
            for part, field in (("first", "first_name"), ("last", "last_name")):
                part_std, part_flag = _std_flag(standardise_name(split[part]))
                _reject(part_std, part_flag, ctx.declared(field, standardise_name))
                given_std, given_flag = std[field][rows], flag[field][rows]
                use_split = pd.isna(given_std)
                given_std[use_split] = part_std[use_split]
                # A missing given part takes the split part's verdict; a rejected one
                # keeps its own flag unless the split part supplies a value.
                keep_flag = ~use_split | (pd.isna(part_std) & ~pd.isna(given_flag))
                given_flag[~keep_flag] = part_flag[~keep_flag]
                std[field][rows], flag[field][rows] = given_std, given_flag
            unplaced = rows[lone & ~pd.isna(std["first_name"][rows])]
            flag["first_name"][unplaced] = schema.UNPLACED

    first, last = std["first_name"], std["last_name"]
    has_first, has_last = ~pd.isna(first), ~pd.isna(last)
    full = _nulls(n)
    both = has_first & has_last
    full[both] = first[both] + " " + last[both]
    if full_std is not None:
        full = np.where(both | pd.isna(full_std), full, full_std)
    full = np.where(pd.isna(full) & has_first, first, full)
    full = np.where(pd.isna(full) & has_last, last, full)

    columns: dict[str, np.ndarray | pd.Series] = {}
    for field in ("first_name", "middle_name", "last_name"):
        if field in std:
            columns[schema.std(field)] = std[field]
            columns[schema.flag(field)] = flag[field]
    columns[schema.std("full_name")] = full
    if "full_name" in flag:
        columns[schema.flag("full_name")] = flag["full_name"]
    first_series = pd.Series(first, dtype=object)
    columns["first_name_nick"] = nickname_key(first_series).to_numpy(dtype=object)
    return columns


def _flagged(frame: pd.DataFrame, field: str, declared: list[Any]) -> dict[str, np.ndarray]:
    std, flag = _std_flag(frame)
    _reject(std, flag, declared)
    return {schema.std(field): std, schema.flag(field): flag}


def _standardised(func: Callable[[pd.Series], pd.Series | pd.DataFrame], values: pd.Series,
                  field: str, ctx: _Context) -> dict[str, np.ndarray | pd.Series]:
    """The columns of a field type's standardiser: ``<field>_std``, with ``<field>_flag``
    where it returns ``std`` and ``flag``; declared placeholders nulled."""
    result = func(values)
    if isinstance(result, pd.DataFrame):
        return dict(_flagged(result, field, ctx.declared(field, func)))
    return {schema.std(field): _plain(result, ctx.declared(field, func))}


def _plain(result: pd.Series, declared: list[Any]) -> pd.Series:
    if not declared:
        return result
    hit = result.isin(declared).to_numpy()
    return result.mask(hit) if result.dtype != object else result.where(~hit, None)


def standardise(
    records: pd.DataFrame,
    *,
    region: str | pd.Series = "US",
    dayfirst: bool | pd.Series = False,
    year_pivot: int | None | pd.Series = None,
    id_fields: Iterable[str] | None = None,
    phone_fields: Iterable[str] = (),
    placeholders: Mapping[str, Iterable[str]] | None = None,
    share: bool = False,
) -> pd.DataFrame:
    """Add the standardised form of every canonical and identifier field present.

    Raw columns are never changed: the result is a copy of ``records`` with, for each
    present field, ``<field>_std`` and, where a value can be rejected, ``<field>_flag``
    (null, ``"invalid"`` or ``"placeholder"``).  Index and row order are kept.  Text
    columns are Arrow-backed (:data:`~unifyprofile.schema.TEXT`, nulls ``pd.NA``).

    Each field's standardiser is its registered type's
    (:attr:`unifyprofile.fields.FieldType.standardiser`); names, phones and birth dates
    have steps of their own here, as they span columns or settings.

    - ``email``, ``phone`` (E.164), ``dob`` (``YYYY-MM-DD``) and each identifier field
      get ``_std`` and ``_flag``.
    - Names: ``first_name_std``, ``last_name_std``, ``full_name_std`` (``"<first>
      <last>"``), ``first_name_nick`` (formal name of a nickname), flags
      ``first_name_flag`` and ``last_name_flag``, and ``middle_name_std``/``_flag``
      and ``full_name_flag`` when those columns exist.  A row missing its first or
      last name takes it from ``full_name`` split by :func:`split_full_name`.  No
      name columns are added when no name field exists.
    - ``address``, ``city``, ``state``, ``postcode``, ``country`` (ISO alpha-2),
      ``company``, ``gender`` (``"m"``/``"f"``), ``marketing_opt_in`` and
      ``marketing_opt_out`` (boolean), ``updated_at`` (UTC timestamps) get ``_std``.

    Args:
        records: the records table (see :mod:`unifyprofile.schema`).
        region: default phone region (ISO alpha-2), or a Series of regions with the
            index of ``records`` (e.g. ``records["source"].map({...})``).
        dayfirst: read ambiguous numeric dates day first; a bool or a boolean Series
            with the index of ``records``.
        year_pivot: two-digit years above it are 19xx, the others 20xx (0 to 99); an
            int, None (this year's two digits) or a Series with the index of
            ``records``.
        id_fields: columns standardised as identifiers, by their registered type's
            standardiser or else :func:`standardise_id` (canonical fields are skipped);
            default the registered identifier fields
            (:data:`~unifyprofile.schema.ID_FIELDS`).
        phone_fields: other columns standardised as phone numbers, like ``phone`` (a
            mobile, a fax).
        placeholders: extra junk values per field (e.g. ``{"email":
            ["info@acme.com"]}``), compared after standardisation; they become None
            with flag ``"placeholder"``.  A field that is neither canonical nor an
            identifier but is a column of ``records`` gets ``<field>_std`` (its
            stripped text) with the junk nulled.
        share: share the parsing of a large table's phone numbers with a child
            interpreter that starts on them while this process standardises the other
            fields (see :mod:`unifyprofile.standardise._offload`; the result is the
            same).

    Returns:
        A new DataFrame: the columns of ``records`` followed by the added columns
        (existing columns with the same names are replaced).

    Raises:
        DataError: ``records`` is not a DataFrame, or ``region``/``dayfirst``/
            ``year_pivot`` is a Series with another index.
        ConfigError: ``placeholders`` names a field that is neither canonical, an
            identifier field nor a column of ``records``; ``phone_fields`` names a
            canonical or identifier field other than ``phone``; ``year_pivot`` is not
            an integer from 0 to 99.

    Examples:
        >>> records = pd.DataFrame({
        ...     "full_name": ["Dr. Robert Smith", "张伟"],
        ...     "email": ["Bob.Smith+crm@gmail.com", "test@test.com"],
        ...     "customer_id": ["ab-12", "0000"],
        ... })
        >>> out = standardise(records)
        >>> out[["first_name_std", "last_name_std", "first_name_nick", "email_std"]]
          first_name_std last_name_std first_name_nick           email_std
        0         robert         smith          robert  bobsmith@gmail.com
        1            wei         zhang             wei                <NA>
        >>> out[["email_flag", "customer_id_std", "customer_id_flag"]]
            email_flag customer_id_std customer_id_flag
        0         <NA>            AB12             <NA>
        1  placeholder            <NA>      placeholder
    """
    if not isinstance(records, pd.DataFrame):
        raise DataError(f"'records' must be a pandas DataFrame (got {type(records).__name__})")
    types = field_types()
    canonical = {t.name: t for t in types if not t.identifier}
    identifiers = {t.name: t for t in types if t.identifier}
    ids = tuple(identifiers) if id_fields is None else (
        (id_fields,) if isinstance(id_fields, str) else tuple(id_fields))
    phones = ("phone", *([phone_fields] if isinstance(phone_fields, str) else phone_fields))
    typed = [f for f in phones[1:] if f in canonical or f in ids]
    if typed:
        raise ConfigError(
            f"phone comparison on {', '.join(repr(f) for f in typed)}: a canonical or "
            "identifier field has its own standardiser; compare a phone number with "
            "type = \"phone\" on 'phone' or on a field of its own (e.g. 'mobile')")
    ctx = _Context(region, dayfirst, year_pivot, _check_placeholders(
        placeholders, canonical, (*ids, *phones), records.columns))
    # Check per-row settings up front so that a wrong index fails before any work.
    rows = pd.Series(np.zeros(len(records)), index=records.index)
    align_param(region, rows, "region")
    align_param(dayfirst, rows, "dayfirst")
    align_param(year_pivot, rows, "year_pivot")
    require_year_pivot(year_pivot)

    records = _whole_numbers(records, skip={*canonical, *ids, *phones})
    # Phones first: the slowest, they may be parsed beside the rest (in a child).
    phone_frames = standardise_phones(
        {field: records[field] for field in dict.fromkeys(phones) if field in records},
        region, share=share)
    # The registered standardisers of canonical fields: those that flag values (e-mail)
    # come first, the others after the names.
    added: dict[str, np.ndarray | pd.Series] = {}
    plain: dict[str, np.ndarray | pd.Series] = {}
    # A state is read within its record's country ("WA": Washington or Western
    # Australia), so the country goes first; the columns keep the fields' order.
    fields = sorted(canonical, key=lambda field: field != "country")
    for field in fields:
        func = canonical[field].standardiser
        if func is None or field not in records or field in _BESPOKE:
            continue
        country = plain.get(schema.std("country"))
        if func is standardise_state and country is not None:
            values = standardise_state(records[field], pd.Series(
                np.asarray(country, dtype=object), index=records.index))
            columns = {schema.std(field): _plain(values, ctx.declared(field, standardise_state))}
        else:
            columns = _standardised(func, records[field], field, ctx)
        (added if schema.flag(field) in columns else plain).update(columns)
    order = {schema.std(field): at for at, field in enumerate(canonical)}
    plain = dict(sorted(plain.items(), key=lambda item: order.get(item[0], len(order))))
    phones_at = len(added)  # their columns go here, when they are done
    if "dob" in records:
        frame = standardise_date(records["dob"], dayfirst, year_pivot)
        added |= _flagged(frame, "dob", ctx.declared_date())
    if any(field in records for field in schema.NAME_FIELDS):
        added |= _names(records, ctx)
    added |= plain
    if schema.UPDATED_AT in records:
        stamps = standardise_timestamp(records[schema.UPDATED_AT], dayfirst, year_pivot)
        added[schema.std(schema.UPDATED_AT)] = stamps
    for field in ids:
        if field in records and field not in canonical:
            registered = identifiers.get(field)
            func = standardise_id if registered is None or registered.standardiser is None \
                else registered.standardiser
            added |= _standardised(func, records[field], field, ctx)
    for field in ctx.placeholders:
        if field in records and field not in canonical and field not in ids \
                and field not in phones:
            # Any other column with declared junk (a 0.0 default, "N/A"): the raw text
            # with the junk nulled, so comparisons and blocking skip it.
            frame = _as_declared(records[field])
            added |= _flagged(frame, field, ctx.declared(field, _as_declared))

    phone_std: dict[str, np.ndarray | pd.Series] = {}
    for field, frame in phone_frames().items():
        phone_std |= _flagged(frame, field, ctx.declared_phone(field))
    ordered = list(added.items())
    added = dict(ordered[:phones_at] + list(phone_std.items()) + ordered[phones_at:])

    # One concat rather than a column insert per added column (which dominates the cost of
    # standardising a single record).  Positional arrays: a duplicated index is harmless.
    columns = {name: _compact(column.array if isinstance(column, pd.Series) else column)
               for name, column in added.items()}
    if records.columns.is_unique:  # one frame built at once
        kept = {c: records[c].array for c in records.columns if c not in columns}
        return pd.DataFrame({**kept, **columns}, index=records.index)
    kept_frame = records.drop(columns=[c for c in columns if c in records.columns])
    new = pd.DataFrame(columns, index=pd.RangeIndex(len(records)))
    new.index = records.index
    return pd.concat([kept_frame, new], axis=1)


#: Columns that are not a field's values.
_SYSTEM = frozenset({schema.RECORD_ID, schema.SOURCE, schema.SOURCE_RECORD_ID, "source_row",
                     schema.UPDATED_AT})


def _whole_numbers(records: pd.DataFrame, skip: set[str]) -> pd.DataFrame:
    """The records with whole numbers written as floats ("1996.0", from a column of
    integers with a gap written out by pandas or a spreadsheet) read as whole numbers
    ("1996") in the columns no standardiser reads (episode numbers, years, counts), as
    the standardisers read them in theirs: compared and blocked on, "1996.0" and "1996"
    are one value."""
    fixed = {}
    for column in records.columns:
        if column in _SYSTEM or column in skip \
                or not pd.api.types.is_string_dtype(records[column].dtype):
            continue
        try:
            values = whole_numbers(records[column])
        except AttributeError:  # an object column of other values than text
            continue
        if values is not records[column]:
            fixed[str(column)] = values
    return records.assign(**fixed) if fixed else records


def _as_declared(values: pd.Series) -> pd.DataFrame:
    """Text of a column kept as it is (stripped, whole numbers written as floats read as
    whole numbers, as :func:`_whole_numbers` reads the column), for nulling declared
    placeholders: a declared ``0.0`` is the column's ``0``."""
    text = whole_numbers(values.astype("string").str.strip())
    std = text.where(text != "").astype(object).where(lambda t: t.notna(), None)
    return pd.DataFrame({"std": std, "flag": None}, index=values.index, dtype=object)


def _compact(column: Any) -> Any:
    """Text columns as Arrow-backed strings (:data:`~unifyprofile.schema.TEXT`): a fraction
    of the memory of Python strings, and later stages factorise them in Arrow."""
    if not pd.api.types.is_object_dtype(getattr(column, "dtype", None)):
        return column
    values = np.asarray(column, dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) != "string":
        return column
    return pd.arrays.ArrowExtensionArray(pa.array(values, pa.string(), from_pandas=True))
