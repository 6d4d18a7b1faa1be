"""Literal cases for address, city, state, postcode and country standardisers."""

import pandas as pd
import pytest

from unifyprofile.errors import DataError
from unifyprofile.standardise import (
    standardise,
    standardise_address,
    standardise_city,
    standardise_country,
    standardise_postcode,
    standardise_state,
)


@pytest.mark.parametrize(
    ("raw", "std"),
    [
        ("123 Main Street", "123 main st"),
        ("123 Main St.", "123 main st"),
        ("123 MAIN ST", "123 main st"),
        ("10 Downing Road", "10 downing rd"),
        ("5 Fifth Avenue", "5 5th ave"),
        ("1 Sunset Boulevard", "1 sunset blvd"),
        ("9 Oak Drive", "9 oak dr"),
        ("9 Penny Lane", "9 penny ln"),
        ("2 Kings Court", "2 kings ct"),
        ("4 Grosvenor Place", "4 grosvenor pl"),
        ("Trafalgar Square", "trafalgar sq"),
        ("3 Hill Terrace", "3 hill ter"),
        ("7 Royal Crescent", "7 royal cres"),
        ("Pacific Coast Highway", "pacific coast hwy"),
        ("Garden State Parkway", "garden state pkwy"),
        ("12 North Main Street, Apartment 4", "12 n main st apt 4"),
        ("12 N. Main St., Apt. 4", "12 n main st apt 4"),
        ("12 Main St #4", "12 main st apt 4"),
        ("12 Main St Apt #4", "12 main st apt 4"),
        ("Flat 2, 10 Baker Street", "apt 2 10 baker st"),
        ("Suite 500, 1 Market St", "ste 500 1 market st"),
        ("Unit 3", "unit 3"),
        ("2nd Floor, 1 Main St", "2nd fl 1 main st"),
        ("100 South West Street", "100 s w st"),
        ("1 East Rd", "1 e rd"),
        ("P.O. Box 12", "po box 12"),
        ("Post Office Box 12", "po box 12"),
        ("Königstraße 5", "konigstrasse 5"),
        ("O'Connell Street", "oconnell st"),
        ("n/a", None),
        ("unknown", None),
        ("  ", None),
        ("xxx", None),
        ("X", None),
        ("No address", None),
        ("not provided", None),
        ("No fixed abode", None),
        ("No. 5 High Street", "no 5 high st"),
        ("Nottingham Road 5", "nottingham rd 5"),
    ],
)
def test_standardise_address(raw, std):
    assert standardise_address(pd.Series([raw])).iloc[0] == std


@pytest.mark.parametrize(
    ("raw", "std"),
    [
        ("94105", "94105"),
        ("94105-1234", "94105"),
        ("941051234", "94105"),
        ("SW1A 1AA", "SW1A1AA"),
        ("sw1a1aa", "SW1A1AA"),
        ("K1A 0B1", "K1A0B1"),
        ("100-0001", "1000001"),
        (94105.0, "94105"),
        ("00000", None),
        ("0", None),
        ("n/a", None),
        ("N/A", None),
        ("none", None),
        ("99999", None),
        ("1111", None),
        ("111", "111"),
    ],
)
def test_standardise_postcode(raw, std):
    assert standardise_postcode(pd.Series([raw], dtype=object)).iloc[0] == std


@pytest.mark.parametrize(
    ("raw", "std"),
    [
        ("San Francisco", "san francisco"),
        ("  SAN   FRANCISCO ", "san francisco"),
        ("St. Louis", "saint louis"),
        ("Saint Louis", "saint louis"),
        ("Ft. Worth", "fort worth"),
        ("Winston-Salem", "winston salem"),
        ("São Paulo", "sao paulo"),
        ("Zürich", "zurich"),
        ("unknown", None),
    ],
)
def test_standardise_city(raw, std):
    assert standardise_city(pd.Series([raw])).iloc[0] == std


@pytest.mark.parametrize(
    ("raw", "std"),
    [
        ("CA", "US-CA"),
        ("ca", "US-CA"),
        ("California", "US-CA"),
        ("new york", "US-NY"),
        ("N.Y.", "US-NY"),
        ("Ontario", "CA-ON"),
        ("New South Wales", "AU-NSW"),
        ("WA", "US-WA"),  # a bare code: the first of US, Canada, Australia to hold it
        ("Western Australia", "AU-WA"),
        ("Bavaria", "DE-BY"),  # one country's region, in English
        ("Bayern", "DE-BY"),
        ("Île-de-France", "FR-IDF"),
        ("Atlantis", "ATLANTIS"),
        ("US-NH", "US-NH"),  # standardised already
        ("AU-WA", "AU-WA"),
    ],
)
def test_standardise_state(raw, std):
    assert standardise_state(pd.Series([raw])).iloc[0] == std


def test_a_state_is_read_within_its_records_country():
    values = pd.Series(["WA", "WA", "WA", "BY", "Washington", "Limburg", "Limburg"])
    country = pd.Series(["US", "AU", None, "DE", "AU", "NL", "BE"])
    assert standardise_state(values, country).tolist() == [
        "US-WA", "AU-WA", "US-WA", "DE-BY", "US-WA", "NL-LI", "BE-VLI"]


def test_a_state_outside_its_country_and_a_country_in_lower_case():
    values = pd.Series(["Texas", "WA", "Bayern"], index=[7, 7, 8])  # repeated labels
    country = pd.Series(["GB", "us", None], index=[7, 7, 8])
    assert standardise_state(values, country).tolist() == ["US-TX", "US-WA", "DE-BY"]
    with pytest.raises(DataError, match="'country'"):
        standardise_state(values, pd.Series(["GB", "US", None]))


def test_standardise_reads_the_state_within_the_country_column():
    records = pd.DataFrame({"state": ["WA", "WA", "Bayern"],
                            "country": ["Australia", "USA", None]})
    out = standardise(records)
    assert out["state_std"].tolist() == ["AU-WA", "US-WA", "DE-BY"]
    assert standardise(records.set_axis([1, 1, 2]))["state_std"].tolist() == [
        "AU-WA", "US-WA", "DE-BY"]
    # The columns keep the fields' order (state before country).
    added = [c for c in out.columns if c.endswith("_std")]
    assert added == ["state_std", "country_std"]


@pytest.mark.parametrize(
    ("raw", "std"),
    [
        ("US", "US"),
        ("us", "US"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("U.S.", "US"),
        ("United States", "US"),
        ("united states of america", "US"),
        ("America", "US"),
        ("UK", "GB"),
        ("GB", "GB"),
        ("Great Britain", "GB"),
        ("United Kingdom", "GB"),
        ("England", "GB"),
        ("Scotland", "GB"),
        ("Wales", "GB"),
        ("China", "CN"),
        ("PRC", "CN"),
        ("中国", "CN"),
        ("Australia", "AU"),
        ("Deutschland", "DE"),
        ("DEU", "DE"),
        ("España", "ES"),
        ("日本", "JP"),
        ("Narnia", "NARNIA"),
        ("n/a", None),
    ],
)
def test_standardise_country(raw, std):
    assert standardise_country(pd.Series([raw])).iloc[0] == std


@pytest.mark.parametrize(
    "func",
    [
        standardise_address,
        standardise_city,
        standardise_state,
        standardise_postcode,
        standardise_country,
    ],
)
def test_index_nulls_and_dtype(func):
    values = pd.Series(["x1", None, "x1"], index=[3, 1, 3], name="col")
    out = func(values)
    assert out.index.equals(values.index)
    assert out.name == "col"
    assert out.dtype == object
    assert out.iloc[1] is None
