"""Deterministic rules and hub demotion."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unifyprofile import schema
from unifyprofile.errors import ConfigError
from unifyprofile.score import DeterministicRule, Guards, demote_hubs, prepare_rules

# --------------------------------------------------------------------------- rules

RECORDS = pd.DataFrame(
    {
        "email_std": ["ann@x.io", "ann@x.io", "ann@x.io", None, None, "bo@y.io"],
        "first_name_std": ["ann", "ann", "bob", "bob", "bob", "bobby"],
        "first_name_nick": ["ann", "ann", "robert", "robert", "robert", "robert"],
        "phone_std": ["+1555", "+1666", "+1555", "+1777", "+1777", "+1777"],
    }
)
EMAIL_AND_NAME = DeterministicRule.from_config(
    {"name": "email_name", "keys": ["email", "first_name:nick"]}
)
PHONE = DeterministicRule.from_config({"name": "phone", "keys": "phone"})


@pytest.mark.parametrize(
    ("i", "j", "expected"),
    [
        (0, 1, 0),  # same email and first name; phones differ -> email rule
        (0, 2, 1),  # same email, different first name, same phone -> only the phone rule
        (3, 4, 1),  # null e-mails never agree; same phone
        (3, 5, 1),  # bob / bobby share the nickname key and the phone
        (1, 2, -1),  # same email, different names and phones
        (0, 5, -1),  # nothing in common
    ],
)
def test_fired_is_the_first_rule_that_fires(i, j, expected):
    prepared = prepare_rules(RECORDS, [EMAIL_AND_NAME, PHONE])
    assert prepared.fired(np.array([i]), np.array([j])).tolist() == [expected]


def test_fired_prefers_the_earlier_rule_when_both_fire():
    records = RECORDS.assign(phone_std="+1999")
    for rules, name in (
        ([EMAIL_AND_NAME, PHONE], "email_name"),
        ([PHONE, EMAIL_AND_NAME], "phone"),
    ):
        prepared = prepare_rules(records, rules)
        fired = prepared.fired(np.array([0]), np.array([1]))
        assert fired.tolist() == [0]
        assert list(prepared.names(fired)) == [name]


def test_fired_vectorised_and_names():
    prepared = prepare_rules(RECORDS, [EMAIL_AND_NAME, PHONE])
    fired = prepared.fired(np.array([0, 0, 1, 3]), np.array([1, 2, 2, 5]))
    assert fired.tolist() == [0, 1, -1, 1]
    names = prepared.names(fired)
    assert [None if pd.isna(x) else x for x in names] == ["email_name", "phone", None, "phone"]


def test_no_rules_fire_nothing():
    prepared = prepare_rules(RECORDS, [])
    assert prepared.fired(np.array([0, 1]), np.array([1, 2])).tolist() == [-1, -1]


def test_rule_config_round_trip_and_errors():
    assert DeterministicRule.from_config(EMAIL_AND_NAME.to_config()) == EMAIL_AND_NAME
    assert EMAIL_AND_NAME.to_config() == {
        "name": "email_name",
        "keys": ["email", "first_name:nick"],
    }
    with pytest.raises(ConfigError) as err:
        DeterministicRule.from_config({"name": "", "keys": [], "weight": 2})
    text = str(err.value)
    assert "rules.weight: unknown key" in text
    assert "rules.name must be a non-empty string (got '')" in text
    assert "rules.keys must be a non-empty list of keys (got [])" in text


# --------------------------------------------------------------------------- hubs


def _people(phones, firsts):
    return pd.DataFrame(
        {
            "record_id": [f"r{k}" for k in range(len(phones))],
            "first_name_nick": firsts,
            "phone_std": phones,
            "email_std": [f"p{k}@x.io" for k in range(len(phones))],
        }
    )


def test_demote_hubs_nulls_a_value_shared_by_too_many_people():
    shop = "+14155550100"
    records = _people(
        [shop, shop, shop, shop, "+14155550111", "+14155550111", "+14155550122"],
        ["ann", "bob", "cy", "dan", "eve", "fay", "gus"],
    )
    out, report = demote_hubs(records, Guards(max_people_per_value=3))
    assert out["phone_std"].isna().tolist() == [True] * 4 + [False] * 3
    assert out["phone_flag"].tolist()[:4] == ["hub"] * 4
    assert out["phone_flag"].isna().tolist()[4:] == [True] * 3
    # A value shared by two people (e.g. a couple) is kept.
    assert out["phone_std"].tolist()[4:] == ["+14155550111", "+14155550111", "+14155550122"]
    assert report.to_dict("records") == [
        {"field": "phone", "value": shop, "records": 4, "people": 4}
    ]
    # The input is not modified.
    assert records["phone_std"].notna().all()
    assert "phone_flag" not in records.columns


def test_demote_hubs_keeps_arrow_backed_columns_arrow_backed():
    shop = "+14155550100"
    records = _people([shop] * 4 + ["+14155550111"], ["ann", "bob", "cy", "dan", "eve"])
    records["phone_std"] = records["phone_std"].astype(schema.TEXT)
    out, _ = demote_hubs(records, Guards(max_people_per_value=3))
    assert out["phone_std"].dtype == schema.TEXT and out["phone_flag"].dtype == schema.TEXT
    assert out["phone_std"].isna().tolist() == [True] * 4 + [False]
    assert records["phone_std"].notna().all()  # the input is not modified


def test_demote_hubs_counts_distinct_first_names_not_records():
    same = "+14155550100"
    records = _people([same] * 8, ["ann", "ann", "ann", "ann", "bob", "bob", "cy", None])
    out, report = demote_hubs(records, Guards(max_people_per_value=3))
    assert out["phone_std"].eq(same).all()
    assert report.empty
    out, report = demote_hubs(records, Guards(max_people_per_value=2))
    assert out["phone_std"].isna().all()
    assert report["people"].tolist() == [3]
    assert report["records"].tolist() == [8]


def test_demote_hubs_only_checks_hub_fields():
    records = _people(["+1"] * 5, ["a", "b", "c", "d", "e"]).assign(email_std="info@shop.io")
    out, report = demote_hubs(records, Guards(hub_fields=("email",), max_people_per_value=4))
    assert out["email_std"].isna().all()
    assert out["phone_std"].notna().all()
    assert report["field"].tolist() == ["email"]


def test_demote_hubs_without_first_names_changes_nothing():
    records = _people(["+1"] * 6, list("abcdef")).drop(columns="first_name_nick")
    out, report = demote_hubs(records, Guards(max_people_per_value=1))
    assert out is records
    assert report.empty
    assert list(report.columns) == ["field", "value", "records", "people"]


def test_a_shared_field_is_a_hub_only_beyond_a_household_and_its_own_spread():
    """An address is shared by a household (its nicknames and typos count as people); a
    junk default given by dozens of people is a hub.  A birth date held by as many
    people as a typical date is no hub, one held by tenfold is."""
    names = [f"name{k}" for k in range(30)]
    records = pd.DataFrame({
        "first_name_nick": names + names[:6] + names * 2,
        "address_std": ["test st 1"] * 30 + ["5 elm st"] * 6 + [f"{k} oak st" for k in range(60)],
        "email_std": ["fam@x.io"] * 6 + [None] * 90,
        "dob_std": ["1970-01-01"] * 30 + [f"1980-01-{1 + k % 28:02d}" for k in range(66)],
    })
    out, report = demote_hubs(records, Guards())
    assert out["address_std"].isna().tolist() == [True] * 30 + [False] * 66
    assert out["address_flag"].tolist()[:30] == ["hub"] * 30
    assert out["email_std"].isna().tolist()[:6] == [True] * 6  # 6 people > 4 per e-mail
    assert out["dob_std"].isna().tolist() == [True] * 30 + [False] * 66
    assert sorted(report["value"]) == ["1970-01-01", "fam@x.io", "test st 1"]
    # Where every date is held by about thirty people (a large register), thirty more
    # people on one date stand out no more than the rest.
    crowded = pd.DataFrame({
        "first_name_nick": [f"n{k}" for k in range(30)] * 40,
        "dob_std": [f"1980-{1 + k // 30 % 12:02d}-{1 + k // 360:02d}" for k in range(1200)],
    })
    out, report = demote_hubs(crowded, Guards())
    assert report.empty
    assert demote_hubs(crowded, Guards(), typical={"dob": 2.0})[1]["field"].eq("dob").all()


def test_guards_config_round_trip_and_errors():
    guards = Guards.from_config(
        {
            "hub_fields": ["phone"],
            "max_people_per_value": 2,
            "max_people_per_shared_value": 9,
            "unique_identifiers": ["ssn"],
            "veto": ["dob"],
            "placeholders": {"email": ["info@acme.com"]},
        }
    )
    assert Guards.from_config(guards.to_config()) == guards
    with pytest.raises(ConfigError) as err:
        Guards.from_config({"max_people_per_value": 0, "veto": "dob", "colour": 1})
    text = str(err.value)
    assert "guards.max_people_per_value must be an integer >= 1 (got 0)" in text
    assert "guards.veto must be a list of field names (got 'dob')" in text
    assert "guards.colour: unknown key" in text


def test_keep_apart_below_round_trips_and_is_checked():
    guards = Guards.from_config({"keep_apart_below": 0.001})
    assert guards.keep_apart_below == 0.001
    assert Guards.from_config(guards.to_config()) == guards
    assert "keep_apart_below" not in Guards().to_config()
    with pytest.raises(ConfigError, match=r"guards.keep_apart_below must be a probability "
                       r"in \(0, 1\) or None \(got 1.5\)"):
        Guards.from_config({"keep_apart_below": 1.5})
