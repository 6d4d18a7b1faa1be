"""Table-driven tests of the golden stage: every survivorship rule, ties, nulls, provenance."""

from __future__ import annotations

import pandas as pd
import pytest

from unifyprofile.errors import ConfigError, DataError
from unifyprofile.golden import Survivorship, merge, provenance_table

UTC = "UTC"


def plain(column):
    """A golden column as a list, nulls (``pd.NA`` in Arrow-backed columns) as None."""
    return [None if v is pd.NA else v for v in column.tolist()]


def records(rows, fields=("city",)):
    """rows: (record_id, entity_id, source, updated_at, {field: (raw, std)})."""
    data = {
        "record_id": [r[0] for r in rows],
        "source": [r[2] for r in rows],
        "updated_at_std": pd.to_datetime([r[3] for r in rows], utc=True),
    }
    for field in fields:
        data[field] = [r[4].get(field, (None, None))[0] for r in rows]
        data[f"{field}_std"] = [r[4].get(field, (None, None))[1] for r in rows]
    recs = pd.DataFrame(data)
    clusters = pd.DataFrame({"record_id": [r[0] for r in rows], "entity_id": [r[1] for r in rows]})
    return recs, clusters


# One entity, one field with competing values.  r5 is the most recent but null.
CITY_ROWS = [
    ("r1", "e", "crm", "2020-01-01", {"city": ("Paris", "paris")}),
    ("r2", "e", "shop", "2023-06-01", {"city": ("paris ", "paris")}),
    ("r3", "e", "csm", "2022-01-01", {"city": ("Lyon", "lyon"), "company": ("Acme", "acme")}),
    ("r4", "e", "support", None, {"city": ("Marseille-Provence", "marseille")}),
    ("r5", "e", "shop", "2024-01-01", {"city": (None, None)}),
]


def pick_csm(candidates: pd.DataFrame) -> str:
    return candidates.loc[candidates["source"] == "csm", "record_id"].iloc[0]


@pytest.mark.parametrize(
    ("policy", "trust", "value", "record_id"),
    [
        (Survivorship("source_priority", ("csm", "crm")), None, "Lyon", "r3"),
        (Survivorship("source_priority", ("support",)), None, "Marseille-Provence", "r4"),
        # No listed source has a value: unlisted sources rank by trust.
        (Survivorship("source_priority", ("nope",)), {"crm": 1, "shop": 2}, "paris", "r2"),
        (Survivorship("source_priority", ("nope",)), {"crm": 3, "shop": 2}, "Paris", "r1"),
        (Survivorship("most_recent"), None, "paris", "r2"),
        (Survivorship("most_frequent"), None, "paris", "r2"),
        (Survivorship("most_complete"), None, "Lyon", "r3"),
        (Survivorship("longest"), None, "Marseille-Provence", "r4"),
        (Survivorship("first_non_null"), None, "Paris", "r1"),
        (Survivorship(pick_csm), None, "Lyon", "r3"),
    ],
)
def test_single_valued_rules(policy, trust, value, record_id):
    recs, clusters = records(CITY_ROWS, fields=("city", "company"))
    golden = merge(recs, clusters, {"city": policy}, trust=trust)
    row = golden.iloc[0]
    assert row["city"] == value
    assert row["city__record_id"] == record_id
    src = dict(zip(recs["record_id"], recs["source"], strict=True))
    assert row["city__source"] == src[record_id]
    assert row["city__rule"] == policy.name
    expected_time = recs.set_index("record_id").loc[record_id, "updated_at_std"]
    if pd.isna(expected_time):
        assert pd.isna(row["city__updated_at"])
    else:
        assert row["city__updated_at"] == expected_time


@pytest.mark.parametrize(
    ("rule", "rows", "trust", "expected"),
    [
        # most_recent: equal timestamps -> trust, then record_id.
        (
            "most_recent",
            [
                ("r2", "e", "crm", "2024-01-01", {"city": ("A", "a")}),
                ("r1", "e", "shop", "2024-01-01", {"city": ("B", "b")}),
            ],
            {"crm": 1.0, "shop": 2.0},
            "r1",
        ),
        (
            "most_recent",
            [
                ("r2", "e", "crm", "2024-01-01", {"city": ("A", "a")}),
                ("r1", "e", "shop", "2024-01-01", {"city": ("B", "b")}),
            ],
            None,
            "r1",
        ),
        (
            "most_recent",
            [
                ("r1", "e", "crm", None, {"city": ("A", "a")}),
                ("r2", "e", "shop", "1999-01-01", {"city": ("B", "b")}),
            ],
            {"crm": 5.0},
            "r2",  # a known time beats an unknown one, whatever the trust
        ),
        # first_non_null: unknown times rank last.
        (
            "first_non_null",
            [
                ("r1", "e", "crm", None, {"city": ("A", "a")}),
                ("r2", "e", "shop", "2030-01-01", {"city": ("B", "b")}),
            ],
            None,
            "r2",
        ),
        # most_frequent: equal counts -> the value held by the most trusted record.
        (
            "most_frequent",
            [
                ("r1", "e", "crm", "2020-01-01", {"city": ("A", "a")}),
                ("r2", "e", "shop", "2024-01-01", {"city": ("B", "b")}),
            ],
            {"crm": 2.0},
            "r1",
        ),
        # most_frequent: equal counts and trust -> most recent.
        (
            "most_frequent",
            [
                ("r1", "e", "crm", "2020-01-01", {"city": ("A", "a")}),
                ("r2", "e", "shop", "2024-01-01", {"city": ("B", "b")}),
            ],
            None,
            "r2",
        ),
        # longest: equal lengths -> trust, then most recent, then record_id.
        (
            "longest",
            [
                ("r1", "e", "crm", "2020-01-01", {"city": ("Abc", "abc")}),
                ("r2", "e", "shop", "2024-01-01", {"city": ("Xyz", "xyz")}),
            ],
            {"crm": 1.0},
            "r1",
        ),
        (
            "longest",
            [
                ("r1", "e", "crm", "2020-01-01", {"city": ("Abc", "abc")}),
                ("r2", "e", "shop", "2024-01-01", {"city": ("Xyz", "xyz")}),
            ],
            None,
            "r2",
        ),
        (
            "longest",
            [
                ("r2", "e", "crm", None, {"city": ("Abc", "abc")}),
                ("r1", "e", "shop", None, {"city": ("Xyz", "xyz")}),
            ],
            None,
            "r1",
        ),
        # longest compares the stripped raw value.
        (
            "longest",
            [
                ("r1", "e", "crm", None, {"city": ("  Ab   ", "ab")}),
                ("r2", "e", "shop", None, {"city": ("Xyz", "xyz")}),
            ],
            None,
            "r2",
        ),
        # most_complete: equal completeness -> trust.
        (
            "most_complete",
            [
                ("r1", "e", "crm", "2020-01-01", {"city": ("A", "a")}),
                ("r2", "e", "shop", "2024-01-01", {"city": ("B", "b")}),
            ],
            {"crm": 1.0},
            "r1",
        ),
    ],
)
def test_tie_breaks(rule, rows, trust, expected):
    recs, clusters = records(rows)
    golden = merge(recs, clusters, {"city": Survivorship(rule)}, trust=trust)
    assert golden.loc[0, "city__record_id"] == expected


def test_nulls_never_survive_and_empty_entity_is_null():
    rows = [
        ("r1", "a", "crm", "2024-01-01", {"city": ("   ", None)}),  # blank
        ("r2", "a", "crm", "2020-01-01", {"city": ("Oslo", "oslo")}),
        ("r3", "a", "crm", "2025-01-01", {"city": ("N/A", None)}),  # placeholder: std null
        ("r4", "b", "shop", "2024-01-01", {"city": (None, None)}),
    ]
    recs, clusters = records(rows)
    for rule in ("most_recent", "longest", "first_non_null", "most_complete", "most_frequent"):
        golden = merge(recs, clusters, {"city": Survivorship(rule)})
        assert plain(golden["city"]) == ["Oslo", None], rule
        assert plain(golden["city__record_id"]) == ["r2", None], rule
        assert plain(golden["city__source"]) == ["crm", None]
        assert golden["city__rule"].tolist() == [rule, rule]
        assert pd.isna(golden.loc[1, "city__updated_at"])


def test_a_phone_flagged_invalid_never_survives_though_it_keeps_its_digits():
    rows = [
        ("r1", "a", "crm", "2025-01-01", {"phone": ("606 123 456", "606123456")}),
        ("r2", "a", "crm", "2020-01-01", {"phone": ("+48 606 123 456", "+48606123456")}),
        ("r3", "b", "shop", "2024-01-01", {"phone": ("606 999 111", "606999111")}),
    ]
    recs, clusters = records(rows, fields=("phone",))
    recs["phone_flag"] = ["invalid", None, "invalid"]
    golden = merge(recs, clusters, {"phone": Survivorship("most_recent")})
    assert plain(golden["phone"]) == ["+48 606 123 456", None]
    assert plain(golden["phone__record_id"]) == ["r2", None]


def test_field_without_std_column_compares_casefolded_raw():
    recs = pd.DataFrame(
        {
            "record_id": ["r1", "r2", "r3"],
            "source": ["crm", "crm", "crm"],
            "company": ["ACME ", "acme", "Other"],
        }
    )
    clusters = pd.DataFrame({"record_id": ["r1", "r2", "r3"], "entity_id": ["e"] * 3})
    golden = merge(recs, clusters, {"company": Survivorship("most_frequent")})
    assert golden.loc[0, "company__record_id"] in {"r1", "r2"}
    assert golden.loc[0, "company"].casefold() == "acme"
    assert golden.loc[0, "company"] == golden.loc[0, "company"].strip()


def test_collect_all_lists_are_aligned_and_ordered():
    rows = [
        ("r1", "e", "crm", "2020-01-01", {"email": ("Ann@X.com", "ann@x.com")}),
        ("r2", "e", "shop", "2023-01-01", {"email": ("ann@x.com ", "ann@x.com")}),
        ("r3", "e", "csm", "2024-01-01", {"email": ("b@y.org", "b@y.org")}),
        ("r4", "e", "support", "2019-01-01", {"email": ("c@z.net", "c@z.net")}),
        ("r5", "e", "support", "2025-01-01", {"email": ("junk", None)}),
        ("r6", "f", "crm", None, {}),
    ]
    recs, clusters = records(rows, fields=("email",))
    golden = merge(recs, clusters)  # email defaults to collect_all
    row = golden.iloc[0]
    assert row["email"] == ["ann@x.com", "b@y.org", "c@z.net"]
    assert row["email__record_id"] == ["r2", "r3", "r4"]
    assert row["email__source"] == ["shop", "csm", "support"]
    assert row["email__updated_at"] == [
        pd.Timestamp("2023-01-01", tz=UTC),
        pd.Timestamp("2024-01-01", tz=UTC),
        pd.Timestamp("2019-01-01", tz=UTC),
    ]
    assert row["email__rule"] == "collect_all"
    empty = golden.iloc[1]
    assert empty["email"] is pd.NA and empty["email__record_id"] is pd.NA

    long = provenance_table(golden)
    assert long["field"].tolist() == ["email"] * 3
    assert long["value"].tolist() == ["ann@x.com", "b@y.org", "c@z.net"]
    assert long["record_id"].tolist() == ["r2", "r3", "r4"]
    assert long["source"].tolist() == ["shop", "csm", "support"]
    assert str(long["updated_at"].dtype) == "datetime64[ns, UTC]"
    assert long["updated_at"].iloc[2] == pd.Timestamp("2019-01-01", tz=UTC)


def test_collect_all_equal_counts_most_recent_first():
    rows = [
        ("r1", "e", "crm", "2020-01-01", {"phone": ("+1 1", "+11")}),
        ("r2", "e", "crm", "2024-01-01", {"phone": ("+1 2", "+12")}),
        ("r3", "e", "crm", None, {"phone": ("+1 3", "+13")}),
    ]
    recs, clusters = records(rows, fields=("phone",))
    golden = merge(recs, clusters)
    assert golden.loc[0, "phone"] == ["+1 2", "+1 1", "+1 3"]


@pytest.mark.parametrize(
    ("flags", "value", "record_id"),
    [
        ([("N", False), ("Y", True), ("no", False)], True, "r2"),
        ([("N", False), ("no", False), (None, None)], False, "r2"),  # most recent False
        ([(None, None), (None, None), (None, None)], None, None),
        ([("Y", True), ("N", False), ("yes", True)], True, "r3"),  # r3 is the most recent
    ],
)
def test_any_consent_opt_out_anywhere_wins(flags, value, record_id):
    times = ["2020-01-01", "2021-01-01", "2022-01-01"]
    rows = [(f"r{i + 1}", "e", "crm", times[i], {"marketing_opt_out": flags[i]}) for i in range(3)]
    recs, clusters = records(rows, fields=("marketing_opt_out",))
    golden = merge(recs, clusters)
    assert golden.loc[0, "marketing_opt_out__rule"] == "any"
    assert plain(golden["marketing_opt_out"]) == [value]
    assert plain(golden["marketing_opt_out__record_id"]) == [record_id]


def test_boolean_flag_survives_as_bool_under_other_rules():
    rows = [
        ("r1", "e", "crm", "2020-01-01", {"marketing_opt_in": ("yes", True)}),
        ("r2", "e", "crm", "2024-01-01", {"marketing_opt_in": ("unsubscribed", False)}),
    ]
    recs, clusters = records(rows, fields=("marketing_opt_in",))
    golden = merge(recs, clusters, {"marketing_opt_in": "most_recent"})
    assert golden.loc[0, "marketing_opt_in"] is False


def test_output_shape_defaults_and_order():
    rows = [
        ("r1", "e2", "shop", "2020-01-01", {"city": ("A", "a"), "email": ("x@y", "x@y")}),
        ("r2", "e1", "crm", "2020-01-01", {"city": ("B", "b")}),
        ("r3", "e2", "crm", "2021-01-01", {"city": ("C", "c")}),
        ("r4", "e2", "shop", "2021-01-01", {}),
    ]
    recs, clusters = records(rows, fields=("city", "email"))
    golden = merge(recs, clusters)
    assert golden["entity_id"].tolist() == ["e1", "e2"]
    assert golden["record_count"].tolist() == [1, 3]
    assert golden["sources"].tolist() == [["crm"], ["crm", "shop"]]
    parts = ["", "__source", "__record_id", "__rule", "__updated_at"]
    assert list(golden.columns) == [
        "entity_id",
        "record_count",
        "sources",
        *(f"email{p}" for p in parts),  # canonical field order, not column order
        *(f"city{p}" for p in parts),
    ]
    assert golden["city__rule"].tolist() == ["most_complete"] * 2
    assert golden.loc[1, "city"] == "A"  # r1 has two fields
    assert str(golden["city__updated_at"].dtype) == "datetime64[ns, UTC]"


def test_fields_argument_restricts_output():
    recs, clusters = records(CITY_ROWS, fields=("city", "company"))
    golden = merge(recs, clusters, fields=["company"])
    assert "city" not in golden.columns and golden.loc[0, "company"] == "Acme"


def test_list_valued_raw_cells_are_multi_valued():
    recs = pd.DataFrame(
        {
            "record_id": ["r1", "r2"],
            "source": ["crm", "shop"],
            "email": [["A@x.com", "b@y.org"], ["a@x.com"]],
            "email_std": [["a@x.com", "b@y.org"], ["a@x.com"]],
        }
    )
    clusters = pd.DataFrame({"record_id": ["r1", "r2"], "entity_id": ["e", "e"]})
    golden = merge(recs, clusters)
    assert sorted(golden.loc[0, "email"], key=str.lower) == ["a@x.com", "b@y.org"] or sorted(
        golden.loc[0, "email"], key=str.lower
    ) == ["A@x.com", "b@y.org"]
    assert golden.loc[0, "email"][1] == "b@y.org"  # the shared value counts twice: first


def test_callable_rule_sees_candidates_and_must_return_one():
    seen = []

    def newest_shop(candidates: pd.DataFrame) -> str:
        seen.append(list(candidates.columns))
        return candidates["record_id"].iloc[0]

    recs, clusters = records(CITY_ROWS)
    merge(recs, clusters, {"city": Survivorship(newest_shop)})
    assert seen == [["record_id", "source", "updated_at", "value", "std"]]

    with pytest.raises(ConfigError, match="returned 'zzz' for entity 'e'"):
        merge(recs, clusters, {"city": Survivorship(lambda c: "zzz")})


def test_contract_errors():
    recs, clusters = records(CITY_ROWS)
    with pytest.raises(DataError, match="not in clusters"):
        merge(recs, clusters.iloc[1:])
    with pytest.raises(DataError, match="more than once"):
        merge(recs, pd.concat([clusters, clusters.iloc[:1]]))
    with pytest.raises(DataError, match="missing column"):
        merge(recs.drop(columns="source"), clusters)
    with pytest.raises(DataError, match="no column for field"):
        merge(recs, clusters, fields=["city", "dob"])
    with pytest.raises(ConfigError, match="did you mean 'city'"):
        merge(recs, clusters, {"cty": Survivorship("longest")})
    with pytest.raises(ConfigError, match="trust values must be numbers"):
        merge(recs, clusters, trust={"crm": "high"})


def test_provenance_table_of_single_valued_fields():
    recs, clusters = records(CITY_ROWS, fields=("city", "company"))
    long = provenance_table(merge(recs, clusters, {"city": "most_recent"}))
    assert long.to_dict("list") == {
        "entity_id": ["e", "e"],
        "field": ["city", "company"],
        "value": ["paris", "Acme"],
        "source": ["shop", "csm"],
        "record_id": ["r2", "r3"],
        "rule": ["most_recent", "most_complete"],
        "updated_at": [pd.Timestamp("2023-06-01", tz=UTC), pd.Timestamp("2022-01-01", tz=UTC)],
    }


def test_the_default_policies_and_standard_forms_are_the_field_types():
    from unifyprofile.fields import field_types
    from unifyprofile.golden import DEFAULT_POLICIES
    from unifyprofile.golden._merge import STANDARD_FORM

    types = field_types()
    assert STANDARD_FORM == ("country",) == tuple(t.name for t in types if t.standard_form)
    policies = {t.name: t.survivorship for t in types if t.survivorship is not None}
    assert dict(DEFAULT_POLICIES) == policies
    with pytest.raises(TypeError):  # a view: register a field type to change it
        DEFAULT_POLICIES["city"] = Survivorship("longest")  # type: ignore[index]
