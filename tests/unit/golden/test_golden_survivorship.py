"""Survivorship spec objects and their config round trip."""

from __future__ import annotations

import pytest

from unifyprofile.errors import ConfigError
from unifyprofile.golden import RULES, Survivorship, survivorship_from_config, to_config


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_round_trips(rule):
    policy = Survivorship(rule)
    assert survivorship_from_config(to_config(policy), "survivorship.x") == policy


def test_source_priority_round_trips_with_order():
    entry = {"rule": "source_priority", "order": ["crm", "shop"]}
    policy = survivorship_from_config(entry, "survivorship.name")
    assert policy == Survivorship("source_priority", ("crm", "shop"))
    assert to_config(policy) == entry


@pytest.mark.parametrize(
    ("entry", "messages"),
    [
        (
            "most_recnt",
            ["survivorship.email must be one of", "got 'most_recnt'", "did you mean 'most_recent'"],
        ),
        (3, ["survivorship.email must be a rule name or a table", "got int 3"]),
        ({"order": ["crm"]}, ["survivorship.email.rule is missing"]),
        (
            {"rule": "source_priority", "order": "crm"},
            ["survivorship.email.order must be a list of source names", "got 'crm'"],
        ),
        (
            {"rule": "source_priority", "order": [1]},
            ["survivorship.email.order must hold only source names"],
        ),
        (
            {"rule": "longest", "order": ["crm"]},
            ["survivorship.email.order only applies to rule 'source_priority'"],
        ),
        ({"rule": "longest", "prio": 1}, ["unknown key(s) 'prio'"]),
        ({"rule": 5}, ["survivorship.email.rule must be one of", "(got 5)"]),
    ],
)
def test_config_errors_name_the_path_expected_and_got(entry, messages):
    with pytest.raises(ConfigError) as info:
        survivorship_from_config(entry, "survivorship.email")
    for message in messages:
        assert message in str(info.value)
    assert "'source_priority'" in str(info.value) or "order" in str(info.value)


def test_all_problems_are_reported_together():
    with pytest.raises(ConfigError) as info:
        survivorship_from_config({"rule": "lngest", "order": "x", "bad": 1}, "s.f")
    assert len(info.value.problems) == 3


def test_spec_validation_and_callable_cannot_be_written():
    with pytest.raises(ConfigError, match="must be a rule name or a callable"):
        Survivorship(42)  # type: ignore[arg-type]
    policy = Survivorship(lambda c: c["record_id"].iloc[0])
    assert policy.name == "<lambda>"
    with pytest.raises(ConfigError, match="cannot be written to a config file"):
        to_config(policy)
    assert Survivorship("source_priority", ["a"]).order == ("a",)  # type: ignore[arg-type]


def test_policies_are_frozen():
    policy = Survivorship("longest")
    with pytest.raises(AttributeError):
        policy.rule = "any"  # type: ignore[misc]
