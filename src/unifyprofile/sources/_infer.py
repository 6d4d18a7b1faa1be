"""Guess which canonical field each column of an unknown table holds, from its name.

Used when a table arrives without a mapping (``unifyprofile evaluate DIR`` without a
config).  Only the column *name* is read here; columns it cannot place are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["infer_columns"]

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "first_name": ("first_name", "firstname", "first", "given_name", "givenname", "forename",
                   "fname", "given"),
    "middle_name": ("middle_name", "middlename", "middle"),
    "last_name": ("last_name", "lastname", "last", "surname", "family_name", "lname"),
    "full_name": ("full_name", "fullname", "name", "contact_name", "customer_name",
                  "person_name"),
    "email": ("email", "email_address", "e_mail", "mail"),
    "phone": ("phone", "phone_number", "telephone", "tel", "mobile", "cell", "phone1"),
    "dob": ("dob", "date_of_birth", "birth_date", "birthdate", "birthday"),
    "gender": ("gender", "sex"),
    "city": ("city", "suburb", "town", "locality"),
    "state": ("state", "province", "region", "county"),
    "postcode": ("postcode", "zip", "zipcode", "zip_code", "postal_code", "postalcode"),
    "country": ("country", "country_code"),
    "company": ("company", "organization", "organisation", "employer", "company_name"),
    "ssn": ("ssn", "soc_sec_id", "social_security_number", "national_id"),
}
_ADDRESS_PARTS = ("street_number", "house_number", "address", "address_1", "address1",
                  "address_2", "address2", "street", "street_address", "address_line_1",
                  "address_line_2")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def infer_columns(columns: Iterable[str]) -> dict[str, str | list[str]]:
    """Map canonical fields to the columns whose names say what they hold.

    Address parts (street number, address lines) are joined into one ``address``.

    >>> mapping = infer_columns(["record_id", "given_name", "surname", "street_number",
    ...                          "address_1", "suburb", "date_of_birth"])
    >>> mapping["first_name"], mapping["city"], mapping["address"]
    ('given_name', 'suburb', ['street_number', 'address_1'])
    """
    names = {_norm(c): c for c in columns}
    mapping: dict[str, str | list[str]] = {}
    for field, synonyms in _SYNONYMS.items():
        for synonym in synonyms:
            if synonym in names:
                mapping[field] = names[synonym]
                break
    address = [names[p] for p in _ADDRESS_PARTS if p in names]
    if address:
        mapping["address"] = address if len(address) > 1 else address[0]
    return mapping
