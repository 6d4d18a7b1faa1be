"""A national id with a check digit (Canada's social insurance number, ``sin``): one
module, and every stage uses it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import unifyprofile as up
from unifyprofile.compare import ExactMatch, default_comparisons
from unifyprofile.fields import field_type
from unifyprofile.fields.national_id import luhn_valid, standardise_sin
from unifyprofile.golden import Survivorship
from unifyprofile.score import DeterministicRule
from unifyprofile.standardise import standardise


@pytest.mark.parametrize(("number", "valid"), [
    ("79927398713", True), ("046454286", True), ("130692544", True), ("0", False),
    ("79927398710", False), ("046454287", False), ("04645428X", False), ("١٢", False),
])
def test_luhn(number, valid):
    assert luhn_valid(number) is valid


def test_separators_are_stripped_and_a_bad_check_digit_is_invalid():
    out = standardise_sin(pd.Series(
        [" 046 454 286 ", "046-454-287", "046.454.286", "000 000 000", "abc", "79927398713",
         None], index=[5, 6, 7, 8, 9, 10, 11]))
    assert out.index.tolist() == [5, 6, 7, 8, 9, 10, 11]
    assert out["std"].tolist() == ["046454286", None, "046454286", None, None, None, None]
    assert out["flag"].tolist() == [None, "invalid", None, "placeholder", "invalid",
                                    "invalid", None]  # a valid Luhn number, not nine digits


def test_the_type_is_an_identifier_compared_exactly_kept_most_recent():
    kind = field_type("sin")
    assert kind.identifier and kind.blocking == (("sin",),)
    assert kind.survivorship == Survivorship("most_recent")
    assert default_comparisons(["first_name", "sin"])[-1] == ExactMatch("sin")


def test_the_standardise_stage_flags_an_invalid_number_and_never_compares_it():
    records = standardise(pd.DataFrame({"sin": ["046 454 287", "046-454-287"]}))
    assert records["sin_std"].isna().all()
    assert records["sin_flag"].tolist() == ["invalid", "invalid"]
    levels = ExactMatch("sin").prepare(records).levels(np.array([0]), np.array([1]))
    assert levels.tolist() == [-1]  # a side is null: no evidence either way


def _config(rule: bool = True) -> up.Config:
    crm = pd.DataFrame({"id": ["1", "2", "3"], "first": ["Ann", "Bob", "Cy"],
                        "last": ["Lee", "Stone", "Marsh"],
                        "sin": ["046 454 286", "046-454-287", "130 692 544"],
                        "updated": ["2020-01-01"] * 3})
    shop = pd.DataFrame({"id": ["7", "8", "9"], "first": ["Anne", "Robert", "Dee"],
                         "last": ["Li", "Stein", "Park"],
                         "sin": ["046-454-286", "046.454.287", "555 555 555"],
                         "updated": ["2022-01-01"] * 3})
    columns = {"first_name": "first", "last_name": "last", "sin": "sin"}
    return up.Config(
        sources=(up.Source("crm", data=crm, id_column="id", columns=columns,
                           updated_at="updated"),
                 up.Source("shop", data=shop, id_column="id", columns=columns,
                           updated_at="updated")),
        rules=(DeterministicRule("same sin", ("sin",)),) if rule else ())


def test_a_pair_with_the_same_valid_number_links_end_to_end():
    result = up.Resolver(_config()).run()
    entity = result.clusters.set_index("record_id")["entity_id"]
    # "Ann Lee" and "Anne Li": the same valid number, written differently.
    assert entity["crm:1"] == entity["shop:7"]
    # "Bob Stone" and "Robert Stein" share a number whose check digit fails: no link.
    assert entity["crm:2"] != entity["shop:8"]
    assert len(set(entity)) == 5
    pairs = result.pairs.set_index(["record_id_l", "record_id_r"])
    assert pairs.loc[("crm:1", "shop:7"), "blocking_rule"] == "sin"  # blocked on alone
    assert pairs.loc[("crm:1", "shop:7"), "sin"] == 1  # compared by default, exactly
    golden = result.golden.set_index("entity_id")
    ann = golden.loc[entity["crm:1"]]
    assert (ann["sin"], ann["sin__rule"]) == ("046-454-286", "most_recent")
    assert ann["sin__record_id"] == "shop:7"  # the most recent record's value
    assert pd.isna(golden.loc[entity["crm:2"], "sin"])  # an invalid number never survives
    assert pd.isna(golden.loc[entity["shop:9"], "sin"])


def test_a_config_standardises_a_mapped_number_by_its_type():
    config = _config(rule=False)
    assert "sin" in config.id_fields
    records, *_ = up.Resolver(config).prepare()
    by_id = records.set_index("record_id")
    assert by_id.loc["crm:1", "sin_std"] == "046454286"
    assert by_id.loc["shop:8", "sin_flag"] == "invalid"
