"""Guess what each column of an unknown table holds, from its name and its values.

Used when a table arrives without a mapping (``unifyprofile evaluate DIR`` or
``unifyprofile infer`` without a config).  :func:`infer_roles` gives every column a
*role*: a canonical person field (``first_name``, ``email``, ``dob``, ...), or one of the
generic roles

=============== ===========================================================
``text``        free text: titles, descriptions, product names, lists of names
``amount``      a price or amount (``$399.00``, ``12,5``)
``year``        a four-digit year
``date``        a date that is not a date of birth
``identifier``  a code or number naming a thing (``sku``, ``isbn``)
``categorical`` a handful of repeated values (``state``, ``type``)
``ignore``      empty, constant, or unique per row with nothing to compare
=============== ===========================================================

The name is read first (``surname`` is a last name) and the values confirm or overrule
it: a column called ``email_address`` that holds dates is a date, and an unnamed column
of e-mail addresses is an e-mail.  Nothing here knows any particular data set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

__all__ = ["GENERIC_ROLES", "ColumnRole", "infer_columns", "infer_roles"]

#: Roles that are not canonical person fields.
GENERIC_ROLES = ("text", "amount", "year", "date", "identifier", "categorical", "ignore")

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "first_name": ("first_name", "firstname", "first", "given_name", "givenname", "forename",
                   "fname", "given", "first_names"),
    "middle_name": ("middle_name", "middlename", "middle"),
    "last_name": ("last_name", "lastname", "last", "surname", "family_name", "lname",
                  "familyname"),
    "full_name": ("full_name", "fullname", "contact_name", "customer_name", "person_name",
                  "name", "client_name", "patient_name", "author_name"),
    "email": ("email", "email_address", "e_mail", "mail", "emailaddress"),
    "phone": ("phone", "phone_number", "telephone", "tel", "mobile", "cell", "phone1",
              "phonenumber", "mobile_number"),
    "dob": ("dob", "date_of_birth", "birth_date", "birthdate", "birthday", "born"),
    "gender": ("gender", "sex"),
    "city": ("city", "suburb", "town", "locality", "municipality"),
    "state": ("state", "province", "region", "county"),
    "postcode": ("postcode", "zip", "zipcode", "zip_code", "postal_code", "postalcode"),
    "country": ("country", "country_code"),
    "company": ("company", "organization", "organisation", "employer", "company_name",
                "business_name", "firm", "assignee", "assignee_organization", "manufacturer",
                "brand", "vendor", "org"),
    "ssn": ("ssn", "soc_sec_id", "social_security_number", "national_id"),
}
_ADDRESS_PARTS = ("street_number", "house_number", "address", "address_1", "address1",
                  "address_2", "address2", "street", "street_address", "address_line_1",
                  "address_line_2", "addr")
# Words in a column name that point at a generic role.
_HINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("amount", ("price", "amount", "cost", "fee", "total", "salary", "income", "revenue",
                "value")),
    ("year", ("year", "yr")),
    ("date", ("date", "time", "timestamp", "created", "updated", "modified")),
    ("identifier", ("id", "code", "sku", "isbn", "issn", "ean", "upc", "gtin", "number",
                    "no", "num", "ref", "key", "doi")),
    ("text", ("title", "description", "desc", "name", "abstract", "summary", "text",
              "comment", "comments", "notes", "product", "authors", "author", "venue",
              "journal", "label", "details", "keywords")),
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"^[\d\s()+\-./x]+$", re.IGNORECASE)
_DATE = re.compile(
    r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|(19|20)\d{6})"
    r"([ t]\d{1,2}:\d{2}(:\d{2})?.*)?$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(1[5-9]|20)\d{2}$")
_AMOUNT = re.compile(r"^[-+]?\s*[$€£¥]?\s*[-+]?\d{1,3}([,\s]?\d{3})*([.,]\d+)?\s*"
                     r"(usd|eur|gbp|[$€£¥])?$", re.IGNORECASE)
_CURRENCY = re.compile(r"[$€£¥]|\d[.,]\d{2}$")
_NUMBER = re.compile(r"^[-+]?\d+([.,]\d+)?$")
_WORDS = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W\d_]")

_ORGANISATION = re.compile(
    r"\b(?:inc|ltd|llc|llp|plc|gmbh|corp|corporation|company|co|pty|ag|sa|bv|"
    r"limited|group|holdings|school|center|centre|university|college|hospital|bank|"
    r"church|services|association|foundation|institute|club|store|shop|restaurant)\b\.?",
    re.IGNORECASE)

_SAMPLE = 3000


@dataclass(frozen=True)
class ColumnRole:
    """What a column holds.

    Attributes:
        column: the column name.
        role: a canonical field (``"email"``) or a generic role (``"text"``).
        reason: one line saying why (shown by ``unifyprofile infer``).
    """

    column: str
    role: str
    reason: str


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")


def _name_role(name: str) -> str | None:
    """The role a column's name points at, if any."""
    norm = _norm(name)
    for field, synonyms in _SYNONYMS.items():
        if norm in synonyms:
            return field
    if norm in _ADDRESS_PARTS:
        return "address"
    words = norm.split("_")
    if "birth" in words or "dob" in words:
        return "dob"
    if "email" in words or "mail" in words:
        return "email"
    if {"phone", "tel", "telephone", "mobile", "fax"} & set(words):
        return "phone"
    if {"zip", "postcode", "postal"} & set(words):
        return "postcode"
    if {"address", "street"} & set(words):
        return "address"
    if words[-1] in ("surname", "lastname"):
        return "last_name"
    if {"company", "organization", "organisation", "employer", "assignee",
            "manufacturer", "brand"} & set(words):
        return "company"
    for role, hints in _HINTS:
        if words[-1] in hints or (role != "identifier" and set(words) & set(hints)):
            return role
    return None


def _share(values: pd.Series, pattern: re.Pattern[str]) -> float:
    return float(values.str.match(pattern).mean()) if len(values) else 0.0


@dataclass
class _Profile:
    filled: float
    distinct: int
    unique_ratio: float
    email: float
    phone: float
    date: float
    year: float
    amount: float
    currency: float
    number: float
    words: float
    organisation: float
    length: float
    letters: float
    digits: float


def _profile(column: pd.Series, n_rows: int) -> _Profile:
    values = column.dropna().astype(str).str.strip()
    values = values[values != ""]
    filled = len(values) / n_rows if n_rows else 0.0
    distinct = int(values.nunique())
    unique_ratio = distinct / len(values) if len(values) else 0.0
    sample = values.sample(_SAMPLE, random_state=0) if len(values) > _SAMPLE else values
    digits_only = sample.str.replace(r"\D", "", regex=True).str.len()
    phone = float(((sample.str.match(_PHONE_CHARS)) & digits_only.between(7, 15)).mean()
                  ) if len(sample) else 0.0
    words = sample.map(lambda s: len(_WORDS.findall(s))) if len(sample) else sample
    return _Profile(
        filled=filled,
        distinct=distinct,
        unique_ratio=unique_ratio,
        email=_share(sample, _EMAIL),
        phone=phone,
        date=_share(sample, _DATE),
        year=_share(sample, _YEAR),
        amount=_share(sample, _AMOUNT),
        currency=float(sample.str.contains(_CURRENCY).mean()) if len(sample) else 0.0,
        number=_share(sample, _NUMBER),
        words=float(words.mean()) if len(sample) else 0.0,
        organisation=float(sample.str.contains(_ORGANISATION).mean()) if len(sample) else 0.0,
        length=float(sample.str.len().mean()) if len(sample) else 0.0,
        letters=float(sample.str.contains(_LETTERS).mean()) if len(sample) else 0.0,
        digits=float(sample.str.contains(r"\d").mean()) if len(sample) else 0.0,
    )


def _role(name: str, p: _Profile, n_rows: int) -> tuple[str, str]:
    hint = _name_role(name)
    said = f"name says {hint}" if hint else "no name hint"
    if p.filled == 0 or p.distinct <= 1:
        return "ignore", "empty or constant"
    # Values that leave no doubt, whatever the name says.
    if p.email >= 0.7:
        return "email", f"{p.email:.0%} e-mail addresses"
    if p.date >= 0.8:
        if hint == "dob":
            return "dob", f"{said}; {p.date:.0%} dates"
        return "date", f"{p.date:.0%} dates"
    if hint == "email":  # named e-mail but the values are not
        hint, said = None, "name says email but values are not"
    if p.year >= 0.9:
        return "year", f"{p.year:.0%} four-digit years"
    if hint == "dob":
        return ("dob", said) if p.digits >= 0.8 else ("ignore", f"{said}; values lack digits")
    if hint == "ssn" and p.digits >= 0.5:
        return "ssn", said
    if hint == "phone":
        if p.phone >= 0.5:
            return "phone", f"{said}; {p.phone:.0%} phone-like"
        hint = None
    if hint == "postcode":
        if p.length <= 10 and p.digits >= 0.5:
            return "postcode", said
        hint = None
    if hint in ("address", "city", "state", "country", "company", "gender", "ssn"):
        if hint in ("state", "country", "gender") and p.words > 4:
            return "text", f"{said} but values are long"
        return hint, said
    amount_like = hint == "amount" or (p.currency >= 0.5 and p.amount >= 0.9)
    if amount_like and p.amount >= 0.8:
        return "amount", f"{said}; {p.amount:.0%} amounts"
    code_like = hint == "identifier" or (p.number >= 0.95 and p.unique_ratio >= 0.5)
    if code_like and p.words <= 3 and p.digits >= 0.5:
        return "identifier", f"{said}; short codes with digits"
    if hint in ("first_name", "middle_name", "last_name") and p.words <= 4 and p.letters >= 0.8:
        return hint, said
    if hint == "full_name":
        if p.organisation >= 0.1 and p.words <= 8:
            return "company", f"{said} but {p.organisation:.0%} look like organisations"
        if p.words <= 5 and p.digits < 0.1 and p.length <= 40:
            return "full_name", f"{said}; short values without digits"
        return "text", f"{said} but values are long or hold digits (titles, product names)"
    if hint == "text":
        return "text", said
    if p.phone >= 0.8 and p.number < 0.5:
        return "phone", f"{p.phone:.0%} phone-like"
    if p.number >= 0.95:
        if p.unique_ratio >= 0.5:
            return "identifier", "numbers, mostly distinct"
        return "categorical", "numbers, few distinct"
    if p.distinct <= max(30, 0.01 * n_rows) and p.words <= 4:
        return "categorical", f"{p.distinct} distinct values"
    if p.words <= 2 and p.digits >= 0.8 and p.letters >= 0.3:
        return "identifier", "short codes with letters and digits"
    if p.letters >= 0.5:
        return "text", f"{said}; free text ({p.words:.1f} words on average)"
    return "categorical", f"{said}; {p.distinct} distinct values"


def infer_roles(table: pd.DataFrame, *, exclude: Iterable[str] = ("record_id",)
                ) -> dict[str, ColumnRole]:
    """The role of every column of ``table`` (see the module docs), from name and values.

    Args:
        table: the data, read as strings (None or empty = missing).
        exclude: columns to leave out (the record id).

    Returns:
        Column -> :class:`ColumnRole`, in column order.  At most one column takes each
        single-valued person role (``email``, ``phone``, ``dob``, names, ``city``,
        ``postcode``, ``country``, ``state``, ``gender``, ``ssn``); a later column with
        the same role becomes ``identifier`` (codes), ``text`` or ``categorical``.

    Examples:
        >>> table = pd.DataFrame({
        ...     "contact": ["ann@x.org", "bo@y.com", "cy@z.net", "di@w.org"],
        ...     "given": ["Ann", "Bo", "Cy", "Di"],
        ...     "title": ["Sony Bravia KDL-40V3000 LCD TV", "Canon EOS 400D camera",
        ...               "Bose Acoustimass 5 speaker", "Linksys EZXS88W switch"],
        ...     "when": ["1999", "2001", "2004", "1999"]})
        >>> {c: r.role for c, r in infer_roles(table).items()}
        {'contact': 'email', 'given': 'first_name', 'title': 'text', 'when': 'year'}
    """
    skip = set(exclude)
    n_rows = len(table)
    out: dict[str, ColumnRole] = {}
    taken: set[str] = set()
    single = {"email", "phone", "dob", "first_name", "middle_name", "last_name", "full_name",
              "city", "postcode", "country", "state", "gender", "ssn"}
    for column in table.columns:
        if column in skip:
            continue
        profile = _profile(table[column], n_rows)
        role, reason = _role(str(column), profile, n_rows)
        if role in single and role in taken:
            fallback = ("identifier" if role in ("phone", "ssn") else
                        "text" if profile.words > 1 else "categorical")
            role, reason = fallback, f"{reason}; a second {role} column, compared as {fallback}"
        if role in single:
            taken.add(role)
        out[str(column)] = ColumnRole(str(column), role, reason)
    return out


def infer_columns(columns: Iterable[str], table: pd.DataFrame | None = None
                  ) -> dict[str, str | list[str]]:
    """Map canonical person fields to the columns that hold them.

    With ``table`` the values are read too (see :func:`infer_roles`); without it only
    the names.  Address parts (street number, address lines) are joined into one
    ``address``.  Generic roles (text, identifiers, ...) are not canonical fields and
    are left out; :func:`unifyprofile.infer.infer_config` maps those too.

    >>> mapping = infer_columns(["record_id", "given_name", "surname", "street_number",
    ...                          "address_1", "suburb", "date_of_birth"])
    >>> mapping["first_name"], mapping["city"], mapping["address"]
    ('given_name', 'suburb', ['street_number', 'address_1'])
    """
    names = [c for c in columns if c != "record_id"]
    if table is not None:
        roles = {c: r.role for c, r in infer_roles(table[names]).items()}
        return _canonical_mapping(roles)
    normed = {_norm(c): c for c in names}
    mapping: dict[str, str | list[str]] = {}
    for field, synonyms in _SYNONYMS.items():
        for synonym in synonyms:
            if synonym in normed:
                mapping[field] = normed[synonym]
                break
    address = [normed[p] for p in _ADDRESS_PARTS if p in normed]
    if address:
        mapping["address"] = address if len(address) > 1 else address[0]
    return mapping


def _canonical_mapping(roles: Mapping[str, str]) -> dict[str, str | list[str]]:
    mapping: dict[str, str | list[str]] = {}
    address: list[str] = []
    for column, role in roles.items():
        if role == "address":
            address.append(column)
        elif role not in GENERIC_ROLES and role not in mapping:
            mapping[role] = column
    if address:
        # Street number first, then the lines in their column order.
        address.sort(key=lambda c: 0 if "number" in _norm(c) else 1)
        mapping["address"] = address if len(address) > 1 else address[0]
    return mapping
