"""Golden profiles a person can use: names from the parsed full name, ISO country codes
with the raw value in provenance, one phone listed once, postcodes not mangled."""

from __future__ import annotations

import pandas as pd

from unifyprofile import schema
from unifyprofile.golden import Survivorship, merge
from unifyprofile.standardise import standardise, standardise_postcode


def _golden(raw: dict[str, list], policies: dict | None = None) -> pd.Series:
    n = len(raw["record_id"])
    records = standardise(pd.DataFrame({"source": ["crm"] * n, **raw}))
    clusters = pd.DataFrame({"record_id": raw["record_id"], "entity_id": ["E1"] * n})
    return merge(records, clusters, policies or {}).iloc[0]


def test_first_and_last_name_come_from_the_full_name_when_missing() -> None:
    row = _golden({"record_id": ["s:1", "s:2"], "first_name": [None, None],
                   "last_name": [None, None], "full_name": ["Dr. Robert Smith", None]})
    assert (row["first_name"], row["last_name"]) == ("Robert", "Smith")
    assert row["first_name__record_id"] == "s:1"


def test_a_given_first_name_still_wins_over_the_full_name() -> None:
    row = _golden({"record_id": ["s:1"], "first_name": ["Bob"], "last_name": [None],
                   "full_name": ["Robert Smith"]})
    assert (row["first_name"], row["last_name"]) == ("Bob", "Smith")


def test_country_is_an_iso_code_with_the_raw_value_in_provenance() -> None:
    row = _golden({"record_id": ["s:1", "s:2", "s:3"],
                   "country": ["United States", "USA", "US"]},
                  {"country": Survivorship("most_frequent")})
    assert row["country"] == "US"
    assert row[schema.provenance("country", "raw")] in {"United States", "USA", "US"}
    listed = _golden({"record_id": ["s:1", "s:2", "s:3"],
                      "country": ["United States", "USA", "Deutschland"]},
                     {"country": Survivorship("collect_all")})
    assert list(listed["country"]) == ["US", "DE"]
    assert list(listed["country__raw"])[1] == "Deutschland"


def test_collect_all_lists_a_phone_written_without_its_country_code_once() -> None:
    row = _golden({"record_id": ["s:1", "s:2", "s:3"],
                   "phone": ["+86 152 7699 5482", "152 7699 5482", "(415) 555-0134"]})
    assert list(row["phone"]) == ["+86 152 7699 5482", "(415) 555-0134"]


def test_collect_all_deduplicates_on_the_standardised_form() -> None:
    row = _golden({"record_id": ["s:1", "s:2"],
                   "phone": ["+1 415 555 0134", "(415) 555-0134"]})
    assert len(row["phone"]) == 1


def test_postcode_written_as_a_float_keeps_its_digits() -> None:
    assert standardise_postcode(pd.Series(["12345.0", "02134", "1234.50"])).tolist() == [
        "12345", "02134", "123450"]
