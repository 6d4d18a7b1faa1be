"""The spec objects check their own fields when they are built (Config, DeterministicRule,
BlockingRule, Guards): every problem of one spec in one ConfigError, each naming the field,
what it must be, what it got and the fix.  ``parse_config`` only maps a file onto them,
naming each problem by its key path and reporting those of every section together."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from unifyprofile.blocking import BlockingRule, Key
from unifyprofile.compare import DateComparison, ExactMatch
from unifyprofile.config import Config, parse_config
from unifyprofile.errors import ConfigError
from unifyprofile.golden import Survivorship
from unifyprofile.score import DeterministicRule, Guards, prepare_rules
from unifyprofile.sources import Source


def _problem(build: Any, **kwargs: Any) -> str:
    """The single problem ``build(**kwargs)`` raises."""
    with pytest.raises(ConfigError) as info:
        build(**kwargs)
    assert isinstance(info.value, ValueError)
    [problem] = info.value.problems
    return problem


def _assert_names(problem: str, where: str, expected: str, got: str) -> None:
    """``problem`` is ``<where> must be <expected> (got <got>); <fix>``."""
    start = f"{where} must be {expected} (got {got}); "
    assert problem.startswith(start), problem
    assert problem.removeprefix(start).strip(), "the message ends with the fix"


# -- Config -----------------------------------------------------------------------------

CONFIG = [
    ({"seed": "x"}, "resolver.seed", "an integer >= 0", "'x'"),
    ({"seed": -1}, "resolver.seed", "an integer >= 0", "-1"),
    ({"seed": 1.5}, "resolver.seed", "an integer >= 0", "1.5"),
    ({"seed": True}, "resolver.seed", "an integer >= 0", "True"),
    ({"max_pairs_per_rule": 0}, "blocking.max_pairs_per_rule", "an integer >= 1", "0"),
    ({"max_pairs_per_rule": None}, "blocking.max_pairs_per_rule", "an integer >= 1", "None"),
    ({"max_pairs_per_rule": 1e6}, "blocking.max_pairs_per_rule", "an integer >= 1",
     "1000000.0"),
    ({"threshold": 0}, "resolver.threshold", "a number in (0, 1]", "0"),
    ({"threshold": 1.5}, "resolver.threshold", "a number in (0, 1]", "1.5"),
    ({"threshold": "high"}, "resolver.threshold", "a number in (0, 1]", "'high'"),
    ({"threshold": True}, "resolver.threshold", "a number in (0, 1]", "True"),
    ({"link_type": "both"}, "resolver.link_type", "one of dedupe, link_only", "'both'"),
    ({"sources": Source("crm")}, "sources", "a tuple of Source objects",
     "Source(name='..., events=None)"),
    ({"sources": ("crm.csv",)}, "sources[0]", "a Source", "'crm.csv'"),
    ({"rules": (("email",),)}, "rules[0]", "a DeterministicRule", "('email',)"),
    ({"blocking": (["email"],)}, "blocking.rules[0]", "a BlockingRule", "['email']"),
    ({"comparisons": ("email",)}, "comparisons[0]", "a Comparison", "'email'"),
    ({"guards": {"veto": ["dob"]}}, "guards", "a Guards", "{'veto': ['dob']}"),
    ({"survivorship": {"email": "most_recent"}}, "survivorship.fields",
     "a mapping of field to Survivorship", "{'email': 'most_recent'}"),
    ({"default_survivorship": "most_complete"}, "survivorship.default", "a Survivorship",
     "'most_complete'"),
    ({"base_dir": 3}, "base_dir", "a path or None", "3"),
]


@pytest.mark.parametrize(("kwargs", "where", "expected", "got"), CONFIG)
def test_config_names_the_field_what_it_must_be_and_what_it_got(
        kwargs: dict, where: str, expected: str, got: str) -> None:
    _assert_names(_problem(Config, **kwargs), where, expected, got)


def test_config_reports_every_problem_together() -> None:
    with pytest.raises(ConfigError) as info:
        Config(seed="x", max_pairs_per_rule=0, threshold=2)
    assert [p.split(" must be ")[0] for p in info.value.problems] == [
        "resolver.threshold", "resolver.seed", "blocking.max_pairs_per_rule"]


def test_config_keeps_numbers_in_their_types_and_lists_as_tuples() -> None:
    rule = BlockingRule.parse(["email"])
    config = Config(threshold=1, seed=np.int64(3), max_pairs_per_rule=np.int64(10),
                    blocking=[rule])
    assert (config.threshold, config.seed, config.max_pairs_per_rule) == (1.0, 3, 10)
    assert type(config.threshold) is float and type(config.seed) is int
    assert config.blocking == (rule,)


def test_config_still_checks_a_comparison_against_its_sources() -> None:
    with pytest.raises(ConfigError) as info:
        Config(sources=(Source("crm"),), seed=-1,
               comparisons=(DateComparison("paid", first="bank"),))
    assert info.value.problems[0].startswith("resolver.seed must be an integer >= 0")
    assert info.value.problems[1] == (
        "comparison 'paid': first = 'bank' names no source; the sources are 'crm'")


# -- DeterministicRule ------------------------------------------------------------------

RECORDS = pd.DataFrame({"email_std": ["a@x.io", "a@x.io", "b@x.io"],
                        "first_name_std": ["ann", "anna", "bob"]})


@pytest.mark.parametrize("keys", [("email",), ["email"], "email", (Key("email"),)])
def test_a_rule_parses_its_keys_and_fires(keys: Any) -> None:
    rule = DeterministicRule("email", keys)
    assert rule.keys == (Key("email"),)
    assert rule == DeterministicRule.from_config({"name": "email", "keys": ["email"]})
    fired = prepare_rules(RECORDS, [rule]).fired(np.array([0, 0]), np.array([1, 2]))
    assert fired.tolist() == [0, -1]


RULES = [
    ({"name": "", "keys": ("email",)}, "rule '': name", "a non-empty string", "''"),
    ({"name": None, "keys": ("email",)}, "rule None: name", "a non-empty string", "None"),
    ({"name": "r", "keys": ()}, "rule 'r': keys", "a non-empty list of keys", "()"),
    ({"name": "r", "keys": None}, "rule 'r': keys", "a non-empty list of keys", "None"),
    ({"name": "r", "keys": ("email", "title:rare3")}, "rule 'r': keys[1]",
     "a key with one value per record", "'title:rare3'"),
]


@pytest.mark.parametrize(("kwargs", "where", "expected", "got"), RULES)
def test_a_rule_names_the_field_what_it_must_be_and_what_it_got(
        kwargs: dict, where: str, expected: str, got: str) -> None:
    _assert_names(_problem(DeterministicRule, **kwargs), where, expected, got)


def test_a_rule_key_that_does_not_parse_is_named_by_its_position() -> None:
    with pytest.raises(ConfigError) as info:
        DeterministicRule("r", ("email:sondex", 5))
    assert info.value.problems == [
        "rule 'r': keys[0]: unknown transform 'sondex' in 'email:sondex'; use one of "
        "soundex, metaphone, nysiis, nick, year, number, tokens, prefixN, suffixN, rareN "
        "(e.g. prefix3)",
        "rule 'r': keys[1]: expected a key such as \"email\" or \"last_name:soundex\", got 5",
    ]


def test_a_rule_read_from_a_file_is_named_by_its_key_path() -> None:
    with pytest.raises(ConfigError) as info:
        DeterministicRule.from_config({"name": "r", "keys": ["title:rare3"], "x": 1},
                                      "rules[2]")
    assert [p.split(" ")[0] for p in info.value.problems] == ["rules[2].x:", "rules[2].keys[0]"]


# -- BlockingRule -----------------------------------------------------------------------

def test_a_blocking_rule_parses_its_keys() -> None:
    assert BlockingRule(("last_name:soundex", "dob")) == BlockingRule.parse(
        ["last_name:soundex", "dob"])
    assert BlockingRule("email").keys == (Key("email"),)


BLOCKING = [
    ((), "a non-empty list of keys", "()"),
    (5, "a non-empty list of keys", "5"),
    (("title:rare3", "company:rare2"), "keys of which at most one is multi-valued (rareN)",
     "'title:rare3', 'company:rare2'"),
]


@pytest.mark.parametrize(("keys", "expected", "got"), BLOCKING)
def test_a_blocking_rule_names_what_its_keys_must_be_and_what_they_are(
        keys: Any, expected: str, got: str) -> None:
    _assert_names(_problem(BlockingRule, keys=keys), "blocking rule keys", expected, got)
    with pytest.raises(ConfigError) as info:
        BlockingRule.parse(keys, "blocking.rules[3]")
    _assert_names(info.value.problems[0], "blocking.rules[3]", expected, got)


# -- Guards -----------------------------------------------------------------------------

GUARDS = [
    ({"max_people_per_value": 0}, "guards.max_people_per_value", "an integer >= 1", "0"),
    ({"max_people_per_shared_value": True}, "guards.max_people_per_shared_value",
     "an integer >= 1", "True"),
    ({"max_cluster_size": 1.5}, "guards.max_cluster_size", "an integer >= 1", "1.5"),
    ({"veto": "dob"}, "guards.veto", "a list of field names", "'dob'"),
    ({"hub_fields": ("email", 3)}, "guards.hub_fields", "a list of field names",
     "('email', 3)"),
    ({"weak": None}, "guards.weak", "a list of field names", "None"),
    ({"placeholders": {"email": "x@y.io"}}, "guards.placeholders",
     "a mapping of field to a list of values", "{'email': 'x@y.io'}"),
    ({"keep_apart_below": 1.5}, "guards.keep_apart_below", "a probability in (0, 1) or None",
     "1.5"),
    ({"keep_apart_below": 0}, "guards.keep_apart_below", "a probability in (0, 1) or None",
     "0"),
]


@pytest.mark.parametrize(("kwargs", "where", "expected", "got"), GUARDS)
def test_guards_name_the_field_what_it_must_be_and_what_it_got(
        kwargs: dict, where: str, expected: str, got: str) -> None:
    _assert_names(_problem(Guards, **kwargs), where, expected, got)


def test_guards_keep_lists_as_tuples() -> None:
    guards = Guards(veto=["dob"], placeholders={"email": ["x@y.io"]}, keep_apart_below=0.01)
    assert guards.veto == ("dob",) and guards.placeholders["email"] == ("x@y.io",)
    assert guards == Guards(veto=("dob",), placeholders={"email": ("x@y.io",)},
                            keep_apart_below=0.01)


# -- a config file ----------------------------------------------------------------------

def test_a_file_reports_the_problems_of_every_section_together_in_file_order() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({
            "resolver": {"seed": "x"},
            "sources": [{"name": "crm", "id_column": "id", "kind": "bogus", "trust": -1}],
            "rules": [{"name": "email", "keys": ["email:sondex"]}],
            "blocking": {"rules": [[]], "max_pairs_per_rule": 0},
            "comparisons": [{"type": "exact", "field": "email"}],
            "guards": {"max_cluster_size": 0, "veto": "dob"},
        })
    assert [p.split(" must be ")[0].split(":")[0] for p in info.value.problems] == [
        "resolver.seed", "sources[0].kind", "sources[0].trust", "rules[0].keys[0]",
        "blocking.rules[0]", "blocking.max_pairs_per_rule", "guards.max_cluster_size",
        "guards.veto"]


def test_a_file_maps_onto_the_same_specs_as_python() -> None:
    config = parse_config({
        "resolver": {"threshold": 1, "seed": 7},
        "sources": [{"name": "crm", "id_column": "id", "trust": 2}],
        "rules": [{"name": "email", "keys": "email"}],
        "blocking": {"rules": [["email"]], "max_pairs_per_rule": 10},
        "guards": {"veto": ["first_name"], "placeholders": {"phone": [5550000]}},
    })
    assert config == Config(
        sources=(Source("crm", id_column="id", trust=2),), threshold=1.0, seed=7,
        rules=(DeterministicRule("email", ("email",)),), blocking=(BlockingRule(("email",)),),
        max_pairs_per_rule=10,
        guards=Guards(veto=("first_name",), placeholders={"phone": ("5550000",)}))
    assert config.comparisons == () and isinstance(config.default_survivorship, Survivorship)


def test_comparisons_are_their_own_specs() -> None:
    assert Config(comparisons=[ExactMatch("email")]).comparisons == (ExactMatch("email"),)
