"""Presets map product exports; the Source spec resolves them; infer_columns guesses."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import unifyprofile.sources as sources_pkg
from unifyprofile.sources import FORMATS, KINDS, PRESETS, Source, read_source
from unifyprofile.sources._infer import infer_columns


def test_public_names() -> None:
    assert sorted(sources_pkg.__all__) == [
        "ColumnRole",
        "Events",
        "FORMATS",
        "Feed",
        "KINDS",
        "LineCount",
        "PRESETS",
        "Preset",
        "RawTable",
        "Source",
        "SourceTable",
        "as_frame",
        "canonical_mapping",
        "check_mapping",
        "check_names",
        "csv_dialect",
        "csv_file_dialect",
        "empty_column_notes",
        "empty_source_error",
        "feed_source",
        "id_rejects",
        "infer_columns",
        "infer_roles",
        "is_table",
        "json_frame",
        "location",
        "map_rows",
        "name_words",
        "read_source",
        "read_sources",
        "read_table",
        "segment_messages",
        "unreadable_note",
        "unreadable_rejects",
    ]
    assert KINDS == ("crm", "csm", "ecommerce", "support", "other")
    assert FORMATS == ("csv", "parquet", "jsonl", "dataframe")


def test_preset_catalogue() -> None:
    assert list(PRESETS) == [
        "salesforce_contacts",
        "hubspot_contacts",
        "zendesk_users",
        "shopify_customers",
        "intercom_conversations",
        "segment",
    ]
    summary = {name: (p.kind, p.id_column, p.updated_at) for name, p in PRESETS.items()}
    assert summary == {
        "salesforce_contacts": ("crm", "Id", "LastModifiedDate"),
        "hubspot_contacts": ("crm", "Record ID", "Last Modified Date"),
        "zendesk_users": ("csm", "id", "updated_at"),
        "shopify_customers": ("ecommerce", "Customer ID", None),
        "intercom_conversations": ("support", "conversation_id", "updated_at"),
        "segment": ("other", "userId", "timestamp"),
    }
    assert dict(PRESETS["zendesk_users"].columns) == {
        "full_name": "name",
        "email": "email",
        "phone": "phone",
        "company": "organization",
    }


def test_source_resolves_preset_and_overrides() -> None:
    s = Source(
        "crm",
        preset="salesforce_contacts",
        path="crm.csv",
        columns={"email": "Work Email", "customer_id": "External_Id__c"},
    )
    assert s.mapping["email"] == "Work Email"
    assert s.mapping["first_name"] == "FirstName"
    assert s.mapping["customer_id"] == "External_Id__c"
    assert s.resolved_id_column == "Id"
    assert s.resolved_updated_at == "LastModifiedDate"
    assert s.resolved_format == "csv"
    own = Source("crm", preset="salesforce_contacts", id_column="Legacy Id", updated_at="Changed")
    assert (own.resolved_id_column, own.resolved_updated_at) == ("Legacy Id", "Changed")
    assert Source("x", path="a.PQ").resolved_format == "parquet"
    assert Source("x", path="a.ndjson").resolved_format == "jsonl"
    assert Source("x", path="a.parquet", format="csv").resolved_format == "csv"
    assert Source("x", data=pd.DataFrame()).resolved_format == "dataframe"


def test_source_is_frozen_and_columns_immutable() -> None:
    s = Source("crm", columns={"address": ["No", "Street"]})
    assert s.columns["address"] == ("No", "Street")
    with pytest.raises(TypeError):
        s.columns["email"] = "Email"  # type: ignore[index]
    with pytest.raises(AttributeError):
        s.name = "other"  # type: ignore[misc]


def test_source_to_config_writes_only_non_defaults() -> None:
    s = Source(
        "shop",
        kind="ecommerce",
        path="shop.csv",
        preset="shopify_customers",
        trust=0.9,
        encoding="latin-1",
        columns={"address": ("A1", "A2")},
    )
    assert s.to_config() == {
        "name": "shop",
        "kind": "ecommerce",
        "path": "shop.csv",
        "preset": "shopify_customers",
        "encoding": "latin-1",
        "trust": 0.9,
        "columns": {"address": ["A1", "A2"]},
    }


def test_salesforce_export_is_mapped(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text(
        "Id,FirstName,LastName,Email,Phone,Birthdate,MailingStreet,MailingCity,MailingState,"
        "MailingPostalCode,MailingCountry,AccountName,HasOptedOutOfEmail,LastModifiedDate\n"
        "003A,Robert,Brown,rb@x.com,(313) 578-5412,1952-11-07,9628 Franklin Blvd,Detroit,MI,"
        "48210,US,,false,2025-01-09T21:40:43.000+0000\n",
        encoding="utf-8",
    )
    table = read_source(Source("crm", preset="salesforce_contacts", path=path))
    assert table.records.to_dict("records") == [
        {
            "record_id": "crm:003A",
            "source": "crm",
            "source_record_id": "003A",
            "source_row": 1,
            "updated_at": "2025-01-09T21:40:43.000+0000",
            "first_name": "Robert",
            "last_name": "Brown",
            "email": "rb@x.com",
            "phone": "(313) 578-5412",
            "dob": "1952-11-07",
            "address": "9628 Franklin Blvd",
            "city": "Detroit",
            "state": "MI",
            "postcode": "48210",
            "country": "US",
            "company": None,
            "marketing_opt_out": "false",
        }
    ]
    assert table.notes == [
        "source 'crm': column 'AccountName' (mapped to company) is empty in all 1 rows; "
        "check the mapping"
    ]


def test_hubspot_export_with_spaced_headers_is_mapped(tmp_path: Path) -> None:
    path = tmp_path / "hs.csv"
    path.write_text(
        "Record ID,First Name,Last Name,Email,Phone Number,Street Address,City,State/Region,"
        "Postal Code,Country/Region,Company Name,Unsubscribed from all email,"
        "Last Modified Date\n"
        "501,Ann,Lee,ann@x.com,555-0100,1 Main St,Austin,TX,78701,United States,Acme,true,"
        "2024-02-01\n",
        encoding="utf-8",
    )
    table = read_source(Source("hs", preset="hubspot_contacts", path=path))
    row = table.records.iloc[0].to_dict()
    assert row["record_id"] == "hs:501"
    assert (
        row["first_name"],
        row["state"],
        row["country"],
        row["marketing_opt_out"],
        row["updated_at"],
    ) == ("Ann", "TX", "United States", "true", "2024-02-01")


def test_intercom_preset_reads_nested_contact(tmp_path: Path) -> None:
    path = tmp_path / "chats.jsonl"
    lines = [
        {
            "conversation_id": "conv_1",
            "updated_at": "2023-06-04T03:09:30Z",
            "contact": {
                "name": "Matt Rod",
                "email": "m@x.com",
                "phone": "+13128654060",
                "location": {"city": "Chicago", "country": "United States"},
            },
        },
        {
            "conversation_id": "conv_2",
            "updated_at": "2023-06-05T00:53:21Z",
            "contact": {"email": "h@x.com"},
        },
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    table = read_source(Source("support", preset="intercom_conversations", path=path))
    assert table.records.drop(columns=["source"]).to_dict("records") == [
        {
            "record_id": "support:conv_1",
            "source_record_id": "conv_1",
            "source_row": 1,
            "updated_at": "2023-06-04T03:09:30Z",
            "full_name": "Matt Rod",
            "email": "m@x.com",
            "phone": "+13128654060",
            "city": "Chicago",
            "country": "United States",
        },
        {
            "record_id": "support:conv_2",
            "source_record_id": "conv_2",
            "source_row": 2,
            "updated_at": "2023-06-05T00:53:21Z",
            "full_name": None,
            "email": "h@x.com",
            "phone": None,
            "city": None,
            "country": None,
        },
    ]


def test_shopify_preset_on_dataframe_with_missing_column_fails_with_listing() -> None:
    data = pd.DataFrame({"Customer ID": [1], "First Name": ["Ann"]})
    with pytest.raises(
        ValueError,
        match=r"source 'shop' \(in-memory DataFrame\): "
        r"last_name -> 'Last Name' is not a column",
    ):
        read_source(Source("shop", preset="shopify_customers", data=data))


# -- infer_columns --------------------------------------------------------------------


def test_infer_columns_on_febrl_header() -> None:
    columns = [
        "rec_id",
        "given_name",
        "surname",
        "street_number",
        "address_1",
        "address_2",
        "suburb",
        "postcode",
        "state",
        "date_of_birth",
        "soc_sec_id",
    ]
    assert infer_columns(columns) == {
        "first_name": "given_name",
        "last_name": "surname",
        "dob": "date_of_birth",
        "city": "suburb",
        "state": "state",
        "postcode": "postcode",
        "ssn": "soc_sec_id",
        "address": ["street_number", "address_1", "address_2"],
    }


def test_infer_columns_normalises_case_and_punctuation() -> None:
    columns = [
        "ID",
        "First Name",
        "Last-Name",
        "E-Mail",
        "Phone Number",
        "ZIP Code",
        "Birth Date",
        "Address",
        "Notes",
    ]
    assert infer_columns(columns) == {
        "first_name": "First Name",
        "last_name": "Last-Name",
        "email": "E-Mail",
        "phone": "Phone Number",
        "dob": "Birth Date",
        "postcode": "ZIP Code",
        "address": "Address",
    }


def test_infer_columns_prefers_earlier_synonym_and_ignores_unknown() -> None:
    assert infer_columns(["name", "full_name", "fname", "given_name"]) == {
        "first_name": "given_name",
        "full_name": "full_name",
    }
    assert infer_columns(["foo", "bar"]) == {}
