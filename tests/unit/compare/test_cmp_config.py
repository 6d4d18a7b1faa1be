"""Config round-trip, precise config errors, presets and the public surface."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import unifyprofile.compare as cmp
from unifyprofile.compare import (
    COMPARISON_TYPES,
    AddressComparison,
    DateComparison,
    EmailComparison,
    ExactMatch,
    NameComparison,
    NumericComparison,
    PhoneComparison,
    PostcodeComparison,
    ReferenceComparison,
    StringComparison,
    TextComparison,
    compare,
    comparison_from_config,
    default_comparisons,
)
from unifyprofile.errors import ConfigError, DataError

SPECS = [
    ExactMatch("customer_id"),
    ExactMatch("city", tf_adjust=True, output_name="city_exact"),
    NameComparison("first_name", thresholds=(0.9, 0.75), swap_with="last_name"),
    NameComparison("last_name", nicknames=False, tf_adjust=False),
    EmailComparison(max_edits=2),
    PhoneComparison(),
    DateComparison(within_days=(30, 365)),
    AddressComparison(thresholds=(0.95,)),
    PostcodeComparison(prefix=2),
    StringComparison("company", metric="jaccard", thresholds=(0.5,)),
    NumericComparison("income", relative=(0.05,)),
    TextComparison("title", thresholds=(0.8, 0.4), strong_weight=3.0, codes_must_agree=False),
    ReferenceComparison("purpose"),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.type_name}:{s.name}")
def test_config_round_trip(spec):
    entry = spec.to_config()
    assert entry["type"] in COMPARISON_TYPES
    assert comparison_from_config(entry, "comparisons[0]") == spec


def test_to_config_lists_only_non_defaults():
    assert EmailComparison().to_config() == {"type": "email", "field": "email"}
    assert NameComparison("first_name", thresholds=(0.80, 0.92)).to_config() == {
        "type": "name",
        "field": "first_name",
    }
    assert ExactMatch("city", output_name="c").to_config() == {
        "type": "exact",
        "field": "city",
        "name": "c",
    }
    assert DateComparison(within_days=(30, 365)).to_config()["within_days"] == [30, 365]


def test_registry_names_every_comparison():
    assert set(COMPARISON_TYPES) == {
        "exact",
        "name",
        "email",
        "phone",
        "date",
        "address",
        "postcode",
        "string",
        "numeric",
        "text",
        "reference",
    }
    assert all(cls.type_name == key for key, cls in COMPARISON_TYPES.items())


def problems(entry, where="comparisons[2]"):
    with pytest.raises(ConfigError) as info:
        comparison_from_config(entry, where)
    return info.value.problems


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            {"type": "name", "field": "first_name", "thresholds": "high"},
            [
                "comparisons[2].thresholds: expected a non-empty list of distinct numbers "
                "in (0, 1], "
                'got "high"'
            ],
        ),
        (
            {"type": "name", "field": "first_name", "thresholds": [0.9, 1.5]},
            [
                "comparisons[2].thresholds: expected a non-empty list of distinct numbers "
                "in (0, 1], "
                "got [0.9, 1.5]"
            ],
        ),
        (
            {"type": "email", "max_edits": True},
            ["comparisons[2].max_edits: expected a positive integer, got true"],
        ),
        (
            {"type": "date", "within_days": [0]},
            [
                "comparisons[2].within_days: expected a non-empty list of distinct positive "
                "integers (days), got [0]"
            ],
        ),
        (
            {"type": "string", "field": "company", "metric": "cosine"},
            [
                'comparisons[2].metric: expected one of "jaro_winkler", "levenshtein", '
                '"token_set", '
                '"token_sort", "jaccard", got "cosine"'
            ],
        ),
        (
            {"type": "exact"},
            ["comparisons[2].field: missing; expected a field name (letters, digits and _)"],
        ),
        (
            {"type": "exact", "field": "id", "name": "bad name"},
            [
                "comparisons[2].name: expected a column name (letters, digits and _) or null, "
                'got "bad name"'
            ],
        ),
        (
            {"type": "postcode", "prefix": 0},
            ["comparisons[2].prefix: expected a positive integer, got 0"],
        ),
    ],
)
def test_config_errors_name_path_expected_and_got(entry, expected):
    assert problems(entry) == expected


def test_unknown_key_lists_allowed_keys():
    [message] = problems({"type": "name", "field": "first_name", "treshold": 0.9})
    assert message == (
        'comparisons[2].treshold: unknown key for type "name"; allowed keys: type, field, '
        "name, tf_adjust, thresholds, nicknames, swap_with, sexes, tf_given, aliases"
    )


def test_all_problems_reported_together():
    found = problems({"type": "name", "thresholds": [], "nicknames": "yes", "color": 1})
    assert len(found) == 4
    assert [p.split(":")[0] for p in found] == [
        "comparisons[2].color",
        "comparisons[2].field",
        "comparisons[2].thresholds",
        "comparisons[2].nicknames",
    ]


def test_bad_type_and_bad_entry():
    assert problems({"field": "x"}) == [
        'comparisons[2].type: missing; expected one of "exact", "name", "email", "phone", '
        '"date", "address", "postcode", "string", "numeric", "text", "reference"'
    ]
    assert problems({"type": "fuzzy"})[0].startswith(
        'comparisons[2].type: expected one of "exact", "name"'
    )
    assert problems({"type": "fuzzy"})[0].endswith('got "fuzzy"')
    assert problems("email")[0].startswith("comparisons[2]: expected a table")


def test_spec_objects_validate_on_construction():
    with pytest.raises(ConfigError, match=r"NameComparison\.thresholds: expected .* got \[1\.5\]"):
        NameComparison("first_name", thresholds=(1.5,))
    with pytest.raises(ValueError, match="AddressComparison.field"):
        AddressComparison("not a field")
    spec = NumericComparison("income", relative=[0.2, 0.01])
    assert spec.relative == (0.01, 0.2)
    assert hash(spec) == hash(NumericComparison("income", relative=(0.01, 0.2)))


def test_default_comparisons_for_person_data():
    specs = default_comparisons(
        [
            "record_id",
            "source",
            "first_name",
            "first_name_std",
            "first_name_nick",
            "last_name_std",
            "email_std",
            "phone_std",
            "dob_std",
            "address_std",
            "postcode_std",
            "city_std",
            "company_std",
            "customer_id_std",
            "gender_std",
            "phone_flag",
        ]
    )
    by_name = {s.name: s for s in specs}
    assert list(by_name) == [
        "first_name",
        "last_name",
        "email",
        "phone",
        "dob",
        "address",
        "postcode",
        "city",
        "company",
        "customer_id",
    ]
    assert by_name["first_name"] == NameComparison("first_name", swap_with="last_name", sexes=True,
                                                  tf_given="last_name")
    assert by_name["last_name"].nicknames is False
    assert by_name["city"] == ExactMatch("city", tf_adjust=True)
    assert by_name["company"] == StringComparison(
        "company", metric="token_set", thresholds=(0.9, 0.7)
    )
    assert isinstance(by_name["customer_id"], ExactMatch)
    assert default_comparisons(["first_name"])[0].swap_with is None
    assert [s.name for s in default_comparisons(["full_name"])] == ["full_name"]
    assert default_comparisons([]) == []


def test_public_names():
    assert sorted(cmp.__all__) == sorted(
        [
            "CHUNK_PAIRS",
            "COMPARISON_TYPES",
            "LOCATION_FIELDS",
            "TF_PRIOR_PEOPLE",
            "AddressComparison",
            "Comparison",
            "DateComparison",
            "EmailComparison",
            "ExactMatch",
            "NameComparison",
            "NumericComparison",
            "PhoneComparison",
            "PostcodeComparison",
            "PreparedComparison",
            "ReferenceComparison",
            "StringComparison",
            "TextComparison",
            "compare",
            "compare_pairs",
            "comparison_from_config",
            "default_comparisons",
            "given_keys",
            "is_strong",
            "lost_alike",
            "person_keys",
            "prepare",
            "tokenise",
            "spelled_shares",
            "stem_pairs",
            "typo_pairs",
            "value_keys",
        ]
    )
    assert all(hasattr(cmp, name) for name in cmp.__all__)


RECORDS = pd.DataFrame(
    {
        "first_name_std": ["ann", "anne", None, "bob"],
        "email_std": ["a@x.io", "a@y.io", "a@x.io", None],
    }
)


def test_compare_returns_pairs_table():
    specs = [NameComparison("first_name", nicknames=False), ExactMatch("email", output_name="em")]
    out = compare(RECORDS, np.array([0, 0, 1]), np.array([1, 2, 3]), specs)
    assert list(out.columns) == ["i", "j", "first_name", "em"]
    assert out.dtypes.tolist() == [np.int64, np.int64, np.int8, np.int8]
    assert out["first_name"].tolist() == [2, -1, 0]
    assert out["em"].tolist() == [0, 1, -1]


def test_compare_reuses_prepared_over_chunks():
    specs = [EmailComparison()]
    prepared = cmp.prepare(RECORDS, specs)
    whole = compare(RECORDS, np.array([0, 0, 1]), np.array([1, 2, 2]), specs, prepared)
    part = compare(RECORDS, np.array([0]), np.array([2]), specs, prepared)
    assert whole["email"].tolist() == [1, 2, 1]
    assert part["email"].tolist() == [2]
    empty = compare(
        RECORDS, np.array([], dtype=np.int64), np.array([], dtype=np.int64), specs, prepared
    )
    assert len(empty) == 0 and empty["email"].dtype == np.int8


def test_compare_errors():
    with pytest.raises(DataError, match=r"no column 'dob_std' \(or 'dob'\)"):
        compare(RECORDS, np.array([0]), np.array([1]), [DateComparison()])
    with pytest.raises(DataError, match=r"row positions must be in \[0, 4\)"):
        compare(RECORDS, np.array([0]), np.array([4]), [EmailComparison()])
    with pytest.raises(ConfigError, match="'email' is used by more than one comparison"):
        compare(RECORDS, np.array([0]), np.array([1]), [EmailComparison(), ExactMatch("email")])
    with pytest.raises(DataError, match="`prepared` must be"):
        compare(
            RECORDS,
            np.array([0]),
            np.array([1]),
            [EmailComparison()],
            cmp.prepare(RECORDS, [ExactMatch("email")]),
        )
    lists = pd.DataFrame({"email_std": [["a@x.io"], ["b@x.io"]]})
    with pytest.raises(DataError, match="explode multi-valued fields"):
        EmailComparison().prepare(lists)
