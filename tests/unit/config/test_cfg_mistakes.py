"""Config mistakes that used to pass without a word are errors with a suggestion, or
warnings on the ``unifyprofile`` logger."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

import unifyprofile as up
from unifyprofile.config import config_warnings, parse_config
from unifyprofile.errors import ConfigError


def _source(**extra):
    return {"name": "crm", "path": "crm.csv", "id_column": "id", **extra}


def test_misspelt_canonical_field_is_an_error_with_the_right_name() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"sources": [_source(columns={"frist_name": "First", "email": "Mail"})]})
    assert info.value.problems == [
        "sources[0].columns.frist_name: not a canonical field; did you mean 'first_name'? "
        "(canonical fields: first_name, middle_name, last_name, full_name, email, phone, dob, "
        "gender, address, city, state, postcode, country, company, marketing_opt_in, "
        "marketing_opt_out)"]


def test_a_second_phone_column_is_not_taken_for_a_typo() -> None:
    config = parse_config({"sources": [_source(columns={"phone": "Phone", "phone2": "Cell"})]})
    assert config_warnings(config) == [
        "source 'crm': field 'phone2' (column 'Cell') is mapped, but no comparison, rule, "
        "blocking key or guard uses it, and it is not a field that golden profiles keep; "
        "compare it, block on it, or remove it"]


def test_unknown_default_region_is_an_error() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"sources": [_source(default_region="ZZ")]})
    assert info.value.problems == [
        "sources[0].default_region 'ZZ' is not a region phonenumbers knows; give an ISO 3166 "
        "alpha-2 code such as 'US', 'GB' or 'DE'"]
    with pytest.raises(ConfigError, match="did you mean 'GB'"):
        up.Source("crm", default_region="gb")


def test_unknown_source_in_a_survivorship_order_is_an_error() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"sources": [_source(), {**_source(), "name": "shop"}],
                      "survivorship": {"fields": {"first_name": {
                          "rule": "source_priority", "order": ["crm", "shpo"]}}}})
    assert info.value.problems == [
        "survivorship.fields.first_name.order: 'shpo' is not a source; did you mean 'shop'? "
        "sources are crm, shop"]


def test_unused_mapped_field_is_a_warning_of_a_run(caplog: pytest.LogCaptureFixture) -> None:
    data = pd.DataFrame({"id": ["1", "2"], "name": ["Ann Lee", "Bob Ray"],
                         "loyalty": ["L1", "L2"]})
    source = up.Source("crm", data=data, id_column="id",
                       columns={"full_name": "name", "loyalty_no": "loyalty"})
    with caplog.at_level(logging.WARNING, logger="unifyprofile"):
        result = up.Resolver(up.Config(sources=(source,))).run()
    warning = ("source 'crm': field 'loyalty_no' (column 'loyalty') is mapped, but no "
               "comparison, rule, blocking key or guard uses it")
    assert any(n.startswith(warning) for n in result.notes)
    assert any(r.getMessage().startswith(warning) for r in caplog.records)
    assert result.summary()["notes"] == result.notes


def test_a_date_measured_from_a_source_that_does_not_exist_is_an_error() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"sources": [_source()], "comparisons": [
            {"type": "date", "field": "paid", "first": "bank"}]})
    assert "first = 'bank' names no source; the sources are 'crm'" in str(info.value)
