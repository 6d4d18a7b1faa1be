"""Role inference on literal column samples: names and values together."""

from __future__ import annotations

import pandas as pd
import pytest

from unifyprofile.sources import infer_columns, infer_roles


def role_of(name: str, values: list[str | None]) -> str:
    return infer_roles(pd.DataFrame({name: values}))[name].role


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("given_name", ["Ann", "Robert", "Li", "José"], "first_name"),
        ("surname", ["Smith", "O'Brien", "Zhang", "García"], "last_name"),
        ("customer_name", ["Ann Smith", "Bob Jones", "Li Wei", "Cy Twombly"], "full_name"),
        ("email", ["ann@x.org", "bob@y.com", None, "li@z.net"], "email"),
        ("phone", ["(312) 555-0101", "+44 20 7946 0958", "3865286", "555 0199"], "phone"),
        ("date_of_birth", ["19840312", "19790101", "20011230", "19550607"], "dob"),
        ("dob", ["1984-03-12", "1979-01-01", "2001-12-30", "1955-06-07"], "dob"),
        ("signup", ["2021-03-12", "2020-01-01", "2019-12-30", "2018-06-07"], "date"),
        # When the record was last changed says nothing about who it is.
        ("LastModifiedDate", ["2021-03-12T10:22:31.000+0000", "2020-01-01T08:00:00.000+0000",
                              "2019-12-30T17:45:02.000+0000", "2018-06-07T09:12:44.000+0000"],
         "ignore"),
        ("updated_at", ["2021-03-12", "2020-01-01", "2019-12-30", "2018-06-07"], "ignore"),
        ("year", ["1999", "2001", "2004", "1999"], "year"),
        ("zip", ["60640", "60623", "60640", "02139"], "postcode"),
        ("suburb", ["Richmond", "Kew", "Carlton", "Fitzroy"], "city"),
        ("country", ["US", "JP", "IL", "US"], "country"),
        ("street_address", ["12 Main St", "9 Elm Rd", "221B Baker St", "1 Infinite Loop"],
         "address"),
        ("employer", ["Acme Inc.", "Hitachi, Ltd.", "Genentech", "Acme"], "company"),
        ("price", ["$399.00", "$12.50", None, "$1,299.99"], "amount"),
        ("sku", ["AB-1234", "CD-5678", "EF-9012", "GH-3456"], "identifier"),
        ("soc_sec_id", ["1234567", "2345678", "3456789", "4567890"], "ssn"),
    ],
)
def test_named_columns(name, values, expected):
    assert role_of(name, values) == expected


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        # The name says one thing, the values another: the values win.
        ("email_address", ["10/01/15", "08/01/17", "04/30/15", "01/02/16"], "date"),
        ("service_type", ["ann@x.org", "bob@y.com", "li@z.net", "cy@w.io"], "email"),
        ("name", ["Sony Bravia KDL-40V3000 40' LCD HDTV", "Canon EOS 400D Digital SLR Camera",
                  "Bose Acoustimass 5 Series III Speaker System", "Linksys EZXS88W Switch"],
         "text"),
        ("name", ["Acme Widgets Inc.", "Hitachi, Ltd.", "Chicago Commons Association",
                  "Blue Bottle Coffee", "Lincoln Park Zoo", "Genentech"], "company"),
        # No name hint: the values alone.
        ("col7", ["a@b.com", "c@d.org", "e@f.net", "g@h.io"], "email"),
        ("col8", ["Semantic integration of environmental models for global systems",
                  "Estimation of query-result distribution in parallel joins",
                  "The WASA2 object-oriented workflow management system",
                  "A user-centered interface for distributed multimedia databases"], "text"),
        ("col9", ["1998", "2003", "2011", "1987"], "year"),
    ],
)
def test_values_overrule_or_replace_names(name, values, expected):
    assert role_of(name, values) == expected


def test_empty_and_constant_columns_are_ignored():
    table = pd.DataFrame({"notes": [None, None, None], "flag": ["x", "x", "x"]})
    assert {c: r.role for c, r in infer_roles(table).items()} == {
        "notes": "ignore", "flag": "ignore"}


def test_categorical_and_unique_numbers():
    table = pd.DataFrame({
        "kind": ["a", "b", "a", "c"] * 25,
        "ref": [str(100000 + k) for k in range(100)],
    })
    roles = {c: r.role for c, r in infer_roles(table).items()}
    assert roles == {"kind": "categorical", "ref": "identifier"}


def test_second_column_of_a_single_role_is_not_a_duplicate_field():
    table = pd.DataFrame({"phone": ["(312) 555-0101", "3865286"],
                          "fax": ["(312) 555-0102", "3865287"]})
    roles = {c: r.role for c, r in infer_roles(table).items()}
    assert roles == {"phone": "phone", "fax": "other_phone"}


def test_co_applicants_beside_the_applicant_are_text_not_the_organisation():
    table = pd.DataFrame({
        "applicant": ["SIEMENS AG", "Hitachi, Ltd.", "BASF SE", "Philips N.V."],
        "co_applicants": ["BOSCH GMBH; BASF SE", "Sony Corp", None, "ASML Holding N.V."]})
    roles = {c: r.role for c, r in infer_roles(table).items()}
    assert roles == {"applicant": "company", "co_applicants": "text"}


def test_every_role_has_a_reason():
    roles = infer_roles(pd.DataFrame({"surname": ["Smith", "Jones"]}))
    assert "surname" in roles["surname"].reason or "last_name" in roles["surname"].reason


def test_infer_columns_reads_values_when_given_a_table():
    table = pd.DataFrame({"record_id": ["1", "2"], "contact": ["ann@x.org", "bo@y.com"],
                          "surname": ["Smith", "Jones"],
                          "street_number": ["12", "9"], "address_1": ["Main St", "Elm Rd"]})
    assert infer_columns(table.columns, table) == {
        "email": "contact", "last_name": "surname",
        "address": ["street_number", "address_1"]}
