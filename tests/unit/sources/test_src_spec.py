"""A Source checks its own fields when it is built: every problem in one ConfigError, each
naming the field, what it must be, what it got and the fix; a config file reports the same
problems under the source's key path."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from unifyprofile.config import parse_config
from unifyprofile.errors import ConfigError
from unifyprofile.sources import KINDS, PRESETS, Source

_PRESETS = ", ".join(PRESETS)
_COLUMNS = "a mapping of canonical field to source column, or to a list of columns to join"

# (field, value, what it must be, how the value is shown)
BAD = [
    ("name", "a:b", "a non-empty string without ':'", "'a:b'"),
    ("name", "", "a non-empty string without ':'", "''"),
    ("kind", "bogus", f"one of {', '.join(KINDS)}", "'bogus'"),
    ("path", 3, "a string or a path", "3"),
    ("preset", "nope", f"one of {_PRESETS}", "'nope'"),
    ("columns", ["email"], _COLUMNS, "['email']"),
    ("columns", {"email": 5}, _COLUMNS, "{'email': 5}"),
    ("columns", {"address": []}, _COLUMNS, "{'address': []}"),
    ("id_column", 1, "a column name (a string) or None", "1"),
    ("updated_at", ["a"], "a column name (a string) or None", "['a']"),
    ("format", "xlsx", "one of csv, parquet, jsonl, dataframe", "'xlsx'"),
    ("encoding", "utf9", "a text encoding Python knows", "'utf9'"),
    ("delimiter", ";;", "one character other than a quote or a line break", "';;'"),
    ("delimiter", "\n", "one character other than a quote or a line break", "'\\n'"),
    ("dayfirst", "yes", "a bool", "'yes'"),
    ("year_pivot", 100, "an integer from 0 to 99", "100"),
    ("year_pivot", 1950, "an integer from 0 to 99", "1950"),
    ("year_pivot", "30", "an integer from 0 to 99", "'30'"),
    ("year_pivot", True, "an integer from 0 to 99", "True"),
    ("year_pivot", 30.0, "an integer from 0 to 99", "30.0"),
    ("unique_per_person", 1, "a bool", "1"),
    ("trust", -1, "a finite number >= 0", "-1"),
    ("trust", math.nan, "a finite number >= 0", "nan"),
    ("trust", math.inf, "a finite number >= 0", "inf"),
    ("trust", "high", "a finite number >= 0", "'high'"),
    ("trust", True, "a finite number >= 0", "True"),
    ("max_field_lines", 0, "an integer >= 1", "0"),
    ("max_field_bytes", 1.5, "an integer >= 1", "1.5"),
]


@pytest.mark.parametrize(("field", "value", "expected", "got"), BAD)
def test_a_bad_field_is_named_with_what_it_must_be_what_it_got_and_the_fix(
        field: str, value: Any, expected: str, got: str) -> None:
    kwargs = {"name": "crm", field: value}
    with pytest.raises(ConfigError) as info:
        Source(**kwargs)
    label = f"source {kwargs['name']!r}: "
    [problem] = info.value.problems
    start = f"{label}{field} must be {expected} (got {got}); "
    assert problem.startswith(start), problem
    assert problem.removeprefix(start).strip(), "the message ends with the fix"


@pytest.mark.parametrize(("field", "value", "expected", "got"), BAD)
def test_a_config_file_reports_the_same_problem_under_its_key_path(
        field: str, value: Any, expected: str, got: str) -> None:
    kwargs = {"name": "crm", "id_column": "id", field: value}
    with pytest.raises(ConfigError) as built:
        Source(**kwargs)
    with pytest.raises(ConfigError) as read:
        parse_config({"sources": [{"path": "crm.csv", **kwargs}]})
    label = f"source {kwargs['name']!r}: "
    assert read.value.problems == [
        "sources[0]." + p.removeprefix(label) for p in built.value.problems]
    assert read.value.problems[0].startswith(f"sources[0].{field} must be {expected} (got {got})")


def test_every_problem_of_a_source_is_reported_together() -> None:
    with pytest.raises(ConfigError) as info:
        Source("crm", kind="bogus", preset="nope", trust=-1)
    assert isinstance(info.value, ValueError)
    assert [p.split(" must be ")[0] for p in info.value.problems] == [
        "source 'crm': kind", "source 'crm': preset", "source 'crm': trust"]
    assert str(info.value).startswith("3 problems in the configuration:\n  - source 'crm': ")


def test_a_misspelt_preset_is_answered_with_the_right_one() -> None:
    with pytest.raises(ConfigError) as info:
        Source("crm", preset="salesforce_contact")
    assert info.value.problems[0].endswith("(got 'salesforce_contact'); did you mean "
                                           "'salesforce_contacts'?")


def test_a_long_value_is_shortened_in_the_message() -> None:
    with pytest.raises(ConfigError) as info:
        Source("crm", columns=[f"column_{n}" for n in range(100)])
    assert len(info.value.problems[0]) < 300
    assert "column_99" not in info.value.problems[0]


@pytest.mark.parametrize(("field", "value"), [
    ("trust", 0), ("trust", 2), ("trust", 0.5), ("path", Path("crm.csv")),
    ("path", "s3://bucket/crm/"), ("encoding", "latin-1"), ("delimiter", "\t"),
    ("format", "dataframe"), ("preset", "hubspot_contacts"), ("kind", "support"),
    ("max_field_lines", 1), ("dayfirst", True), ("year_pivot", 0), ("year_pivot", 99),
])
def test_a_good_value_is_kept(field: str, value: Any) -> None:
    assert getattr(Source("crm", **{field: value}), field) == value


def test_columns_of_lists_become_tuples() -> None:
    source = Source("crm", columns={"address": ["No", "Street"], "email": "Mail"})
    assert dict(source.columns) == {"address": ("No", "Street"), "email": "Mail"}
