"""Blocking: candidate pairs, the union of rules, key transforms, limits and analysis."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import unifyprofile.blocking as blocking_pkg
import unifyprofile.blocking._block as block_module
from unifyprofile.blocking import (
    LINK_TYPES,
    BlockingRule,
    Candidates,
    Key,
    analyse_blocking,
    block,
    default_rules,
    key_codes,
    parse_key,
)
from unifyprofile.errors import BlockingError, ConfigError, DataError


def _pairs(cand: Candidates) -> list[tuple[int, int, int]]:
    return list(zip(cand.i.tolist(), cand.j.tolist(), cand.rule.tolist(), strict=True))


def _rules(*entries: str | list[str]) -> list[BlockingRule]:
    return [BlockingRule.parse(e) for e in entries]


def test_public_names() -> None:
    assert sorted(blocking_pkg.__all__) == [
        "BlockingRule",
        "Candidates",
        "Key",
        "LINK_TYPES",
        "TableKeys",
        "analyse_blocking",
        "block",
        "default_rules",
        "key_codes",
        "key_values",
        "link_sides",
        "pair_count",
        "parse_key",
        "parse_keys",
    ]
    assert LINK_TYPES == ("dedupe", "link_only")


def test_rule_parse_name_and_config() -> None:
    rule = BlockingRule.parse(["last_name:soundex", " dob:year "])
    assert rule.keys == (Key("last_name", "soundex"), Key("dob", "year"))
    assert rule.name == "last_name:soundex & dob:year"
    assert rule.to_config() == ["last_name:soundex", "dob:year"]
    assert BlockingRule.parse("email") == BlockingRule((Key("email"),))
    assert parse_key("phone:suffix4") == Key("phone", "suffix4")


@pytest.mark.parametrize(
    "entry, message",
    [
        ([], 'blocking rule must be a non-empty list of keys (got []); e.g. ["email"] or '
             '["last_name:soundex", "dob"]'),
        (
            "last_name:sondex",
            "blocking rule[0]: unknown transform 'sondex' in 'last_name:sondex'; "
            "use one of soundex, metaphone, nysiis, nick, year, number, tokens, prefixN, "
            "suffixN, rareN (e.g. prefix3)",
        ),
        (
            ["email", "dob:prefix"],
            "blocking rule[1]: unknown transform 'prefix' in 'dob:prefix'; "
            "use one of soundex, metaphone, nysiis, nick, year, number, tokens, prefixN, "
            "suffixN, rareN (e.g. prefix3)",
        ),
        (
            ["email", ""],
            'blocking rule[1]: expected a key such as "email" or "last_name:soundex", got \'\'',
        ),
    ],
)
def test_rule_parse_errors(entry: str | list[str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        BlockingRule.parse(entry)
    assert str(info.value) == message


def test_all_pairs_within_each_group_once_with_i_below_j() -> None:
    records = pd.DataFrame({"email_std": ["a", "b", "a", None, "c", "a", "b", None]})
    cand = block(records, _rules("email"))
    assert sorted(_pairs(cand)) == [(0, 2, 0), (0, 5, 0), (1, 6, 0), (2, 5, 0)]
    assert (cand.i < cand.j).all()
    assert cand.i.dtype == np.int64 and cand.j.dtype == np.int64
    assert len(cand) == 4


def test_null_keys_never_pair() -> None:
    records = pd.DataFrame(
        {
            "email_std": [None, None, None, np.nan],
            "last_name_std": ["x", "x", None, None],
            "dob_std": [None, "1990", "1990", None],
        }
    )
    assert len(block(records, _rules("email"))) == 0
    # A multi-key rule needs every key on both sides.
    assert _pairs(block(records, _rules(["last_name", "dob"]))) == []
    assert _pairs(block(records, _rules("last_name"))) == [(0, 1, 0)]


def test_union_of_rules_has_no_duplicates_and_keeps_the_first_rule() -> None:
    records = pd.DataFrame(
        {
            "email_std": ["a", "a", "a", "b", "b", None],
            "last_name_std": ["x", "x", "y", "y", "y", "y"],
        }
    )
    cand = block(records, _rules("email", "last_name"))
    assert sorted(_pairs(cand)) == [
        (0, 1, 0),
        (0, 2, 0),
        (1, 2, 0),  # e-mail 'a'
        (2, 3, 1),
        (2, 4, 1),
        (2, 5, 1),  # surname 'y' only
        (3, 4, 0),  # e-mail 'b' (and surname 'y': found once, by the first rule)
        (3, 5, 1),
        (4, 5, 1),
    ]
    pairs = list(zip(cand.i.tolist(), cand.j.tolist(), strict=True))
    assert len(pairs) == len(set(pairs))
    # The same rules in the other order find the same pairs, attributed differently.
    swapped = block(records, _rules("last_name", "email"))
    assert sorted(zip(swapped.i.tolist(), swapped.j.tolist(), strict=True)) == sorted(pairs)
    assert (
        dict(
            zip(
                zip(swapped.i.tolist(), swapped.j.tolist(), strict=True),
                swapped.rule.tolist(),
                strict=True,
            )
        )[(0, 2)]
        == 1
    )


def test_the_std_column_is_preferred_over_the_raw_one() -> None:
    records = pd.DataFrame(
        {"email": ["A@X.COM", "a@x.com", "c"], "email_std": ["a@x.com", "a@x.com", None]}
    )
    assert _pairs(block(records, _rules("email"))) == [(0, 1, 0)]
    raw_only = pd.DataFrame({"company": ["Acme", "Acme", "acme"]})
    assert _pairs(block(raw_only, _rules("company"))) == [(0, 1, 0)]


def test_a_missing_column_is_a_data_error() -> None:
    with pytest.raises(
        DataError, match="key 'phone': the records have no column 'phone_std' or 'phone'"
    ):
        block(pd.DataFrame({"email_std": ["a"]}), _rules("phone"))


def test_link_only_pairs_only_across_sides() -> None:
    records = pd.DataFrame(
        {"source": ["crm", "crm", "shop", "shop", "crm"], "email_std": ["a", "a", "a", "b", "b"]}
    )
    cand = block(records, _rules("email"), link_type="link_only")
    assert sorted(_pairs(cand)) == [(0, 2, 0), (1, 2, 0), (3, 4, 0)]
    dedupe = block(records, _rules("email"))
    assert sorted(_pairs(dedupe)) == [(0, 1, 0), (0, 2, 0), (1, 2, 0), (3, 4, 0)]
    # An explicit side overrides the source column.
    side = np.array([0, 1, 0, 0, 1])
    by_side = block(records, _rules("email"), link_type="link_only", side=side)
    assert sorted(_pairs(by_side)) == [(0, 1, 0), (1, 2, 0), (3, 4, 0)]


def test_link_only_needs_two_sides_and_link_type_is_checked() -> None:
    records = pd.DataFrame({"source": ["a", "b", "c"], "email_std": ["x", "x", "x"]})
    with pytest.raises(ConfigError, match="link_type 'link_only' needs exactly two sources"):
        block(records, _rules("email"), link_type="link_only")
    with pytest.raises(
        ConfigError, match="link_type: expected one of dedupe, link_only, got 'dedup'"
    ):
        block(records, _rules("email"), link_type="dedup")


# -- transforms -----------------------------------------------------------------------


def _codes(values: list[str | None], key: str, field: str = "v") -> list[int]:
    return key_codes(pd.DataFrame({field: values}), parse_key(key)).tolist()


def test_soundex_transform() -> None:
    values = ["smith", "smyth", "schmidt", "jones", "robert", "rupert", None, "123"]
    assert _codes(values, "v:soundex") == [0, 0, 0, 1, 2, 2, -1, -1]


@pytest.mark.parametrize("transform", ["metaphone", "nysiis"])
def test_sounding_alike_transforms_block_a_different_first_letter_together(
        transform: str) -> None:
    # Soundex keeps the first letter: C365 / K365, P410 / F410.
    values = ["catherine", "katherine", "philip", "filip", "smith", None, "-"]
    assert _codes(values, f"v:{transform}") == [0, 0, 1, 1, 2, -1, -1]
    assert _codes(values, "v:soundex") == [0, 1, 2, 3, 4, -1, -1]


def test_zero_config_keys_surnames_by_the_code_that_forgives_typing_errors() -> None:
    # Typing errors after the first letter, the commonest variants of a surname in the
    # labelled person sets: Soundex groups each pair, Metaphone or NYSIIS split some.
    typed = [("johnson", "jonhson"), ("smith", "smiht"), ("baker", "bakre")]
    values: list[str | None] = [name for pair in typed for name in pair]
    for transform, together in (("soundex", 3), ("metaphone", 1), ("nysiis", 2)):
        codes = _codes(values, f"v:{transform}")
        assert sum(codes[2 * k] == codes[2 * k + 1] for k in range(3)) == together
    surname_keys = {str(key) for rule in default_rules({"first_name", "last_name", "dob"})
                    for key in rule.keys if key.field == "last_name"}
    assert surname_keys == {"last_name:soundex", "last_name:prefix3"}


@pytest.mark.parametrize("transform", ["soundex", "metaphone", "nysiis"])
def test_a_phonetic_key_reads_the_letters_only(transform: str) -> None:
    values = ["van der berg", "vanderberg", "o'connor", "oconnor"]
    codes = _codes(values, f"v:{transform}")
    assert codes[0] == codes[1] and codes[2] == codes[3] and codes[0] != codes[2]


def test_nick_transform_maps_nicknames_to_the_formal_name() -> None:
    assert _codes(["bob", "robert", "bill", "william", "liz", None], "v:nick") == [
        0,
        0,
        1,
        1,
        2,
        -1,
    ]
    # A precomputed first_name_nick column is used for first_name.
    records = pd.DataFrame(
        {"first_name_std": ["bob", "robbie", "rob"], "first_name_nick": ["robert", "robert", None]}
    )
    assert key_codes(records, parse_key("first_name:nick")).tolist() == [0, 0, -1]
    assert key_codes(records, parse_key("first_name")).tolist() == [0, 1, 2]


@pytest.mark.parametrize(
    "key, values, expected",
    [
        ("v:prefix3", ["smith", "smiley", "smi", "sm", "jones"], [0, 0, 0, 1, 2]),
        ("v:suffix4", ["+15551234", "5551234", "1234", "9999"], [0, 0, 0, 1]),
        ("v:year", ["1980-01-02", "1980-12-31", "1981-01-01", None], [0, 0, 1, -1]),
        (
            "v:tokens",
            ["main st 1", "1 main st", "st main main 1", "1 main", None],
            [0, 0, 0, 1, -1],
        ),
    ],
)
def test_text_transforms(key: str, values: list[str | None], expected: list[int]) -> None:
    assert _codes(values, key) == expected


def test_transformed_keys_block_together() -> None:
    records = pd.DataFrame(
        {
            "last_name_std": ["smith", "smyth", "jones", "smith"],
            "dob_std": ["1980-01-02", "1980-06-30", "1980-01-02", "1979-01-02"],
        }
    )
    cand = block(records, _rules(["last_name:soundex", "dob:year"]))
    assert _pairs(cand) == [(0, 1, 0)]


# -- limits ---------------------------------------------------------------------------


def test_max_pairs_per_rule_fails_before_generating_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pairs(*args: object, **kwargs: object) -> None:
        raise AssertionError("pairs were generated")

    monkeypatch.setattr(block_module, "_pairs", no_pairs)
    records = pd.DataFrame(
        {"email_std": ["x"] * 2 + ["a"] * 5 + ["b"] * 3, "last_name_std": list("pqrstuvwyz")}
    )
    with pytest.raises(BlockingError) as info:
        block(records, _rules("last_name", "email"), max_pairs_per_rule=13)
    assert str(info.value) == (
        "blocking rule 'email' would produce 14 candidate pairs, more than "
        "max_pairs_per_rule = 13 (its largest block has 5 records). Add a key to the rule "
        '(e.g. ["email", "dob:year"]), remove it, or raise max_pairs_per_rule under '
        "[blocking]"
    )
    assert info.value.exit_code == 4
    assert isinstance(info.value, ValueError)


def test_max_pairs_per_rule_is_a_per_rule_inclusive_limit() -> None:
    records = pd.DataFrame({"email_std": ["a"] * 5 + ["b"] * 3, "phone_std": ["1"] * 5 + ["2"] * 3})
    cand = block(records, _rules("email", "phone"), max_pairs_per_rule=13)
    assert len(cand) == 13
    assert set(cand.rule.tolist()) == {0}
    assert len(block(records, _rules("email"), max_pairs_per_rule=None)) == 13


def test_max_pairs_counts_only_cross_side_pairs_for_link_only() -> None:
    records = pd.DataFrame({"source": ["l"] * 4 + ["r"], "email_std": ["a"] * 5})
    # 10 pairs within the block, but only 4 cross the sides.
    cand = block(records, _rules("email"), link_type="link_only", max_pairs_per_rule=4)
    assert len(cand) == 4
    with pytest.raises(BlockingError, match="would produce 4 candidate pairs"):
        block(records, _rules("email"), link_type="link_only", max_pairs_per_rule=3)


def test_small_chunks_give_the_same_pairs() -> None:
    rng = np.random.default_rng(3)
    records = pd.DataFrame(
        {"a": rng.integers(0, 7, 60).astype(str), "b": rng.integers(0, 4, 60).astype(str)}
    )
    rules = _rules("a", "b")
    whole = block(records, rules)
    chunked = block(records, rules, chunk_pairs=1)
    assert sorted(_pairs(whole)) == sorted(_pairs(chunked))


# -- analysis -------------------------------------------------------------------------


def test_analyse_blocking_counts_match_the_pairs_produced() -> None:
    records = pd.DataFrame(
        {
            "email_std": ["a", "a", "a", "b", "b", None],
            "last_name_std": ["x", "x", "y", "y", "y", "y"],
        },
        index=[10, 11, 12, 13, 14, 15],
    )
    rules = _rules("email", "last_name")
    report = analyse_blocking(records, rules)
    assert report.to_dict("records") == [
        {
            "rule": "email",
            "pairs": 4,
            "new_pairs": 4,
            "cumulative": 4,
            "largest_block": "3 records (like row 10)",
        },
        {
            "rule": "last_name",
            "pairs": 7,
            "new_pairs": 5,
            "cumulative": 9,
            "largest_block": "4 records (like row 12)",
        },
    ]
    cand = block(records.reset_index(drop=True), rules)
    assert report["cumulative"].iloc[-1] == len(cand)
    for n, rule in enumerate(rules):
        assert report["pairs"].iloc[n] == len(block(records, [rule]))
        assert report["new_pairs"].iloc[n] == int((cand.rule == n).sum())


def test_analyse_blocking_link_only_and_empty_keys() -> None:
    records = pd.DataFrame(
        {
            "source": ["l", "l", "r", "r"],
            "email_std": ["a", "a", "a", None],
            "phone_std": [None, None, None, None],
        }
    )
    report = analyse_blocking(records, _rules("email", "phone"), link_type="link_only")
    assert report.to_dict("records") == [
        {
            "rule": "email",
            "pairs": 2,
            "new_pairs": 2,
            "cumulative": 2,
            "largest_block": "3 records (like row 0)",
        },
        {"rule": "phone", "pairs": 0, "new_pairs": 0, "cumulative": 2, "largest_block": "-"},
    ]


def test_analyse_blocking_ignores_the_pair_limit() -> None:
    records = pd.DataFrame({"email_std": ["a"] * 30})
    report = analyse_blocking(records, _rules("email"))
    assert report["pairs"].tolist() == [435]


def test_link_only_on_empty_records_gives_no_pairs() -> None:
    records = pd.DataFrame(
        {"source": pd.Series([], dtype=object), "email_std": pd.Series([], dtype=object)}
    )
    assert len(block(records, _rules("email"), link_type="link_only")) == 0


def test_dedupe_on_empty_records_gives_no_pairs() -> None:
    records = pd.DataFrame({"email_std": pd.Series([], dtype=object)})
    cand = block(records, _rules("email"))
    assert len(cand) == 0 and cand.i.dtype == np.int64


# -- reference implementation ---------------------------------------------------------

FIELDS = ("a", "b", "c")
value = st.one_of(st.none(), st.sampled_from(["x", "y", "z"]))


def _tables(min_rows: int) -> st.SearchStrategy[dict]:
    return st.integers(min_value=min_rows, max_value=14).flatmap(
        lambda n: st.fixed_dictionaries(
            {f: st.lists(value, min_size=n, max_size=n) for f in FIELDS}
        )
    )


rule_lists = st.lists(
    st.lists(st.sampled_from(FIELDS), min_size=1, max_size=2, unique=True), min_size=1, max_size=3
)


def _reference(
    records: pd.DataFrame, rules: list[list[str]], side: list[int] | None
) -> dict[tuple[int, int], int]:
    out = {}
    for i, j in combinations(range(len(records)), 2):
        if side is not None and side[i] == side[j]:
            continue
        for n, fields in enumerate(rules):
            a = [records[f].iloc[i] for f in fields]
            b = [records[f].iloc[j] for f in fields]
            if all(x is not None for x in a) and a == b:
                out[(i, j)] = n
                break
    return out


@settings(max_examples=150, deadline=None)
@given(data=_tables(0), rules=rule_lists, chunk=st.integers(min_value=1, max_value=20))
def test_block_equals_brute_force(data: dict, rules: list[list[str]], chunk: int) -> None:
    records = pd.DataFrame(data, dtype=object)
    cand = block(records, [BlockingRule.parse(r) for r in rules], chunk_pairs=chunk)
    got = list(zip(cand.i.tolist(), cand.j.tolist(), strict=True))
    assert len(got) == len(set(got))
    assert all(i < j for i, j in got)
    assert dict(zip(got, cand.rule.tolist(), strict=True)) == _reference(records, rules, None)


@settings(max_examples=100, deadline=None)
@given(data=_tables(0), rules=rule_lists, seed=st.integers(0, 2**16))
def test_link_only_equals_brute_force(data: dict, rules: list[list[str]], seed: int) -> None:
    records = pd.DataFrame(data, dtype=object)
    n = len(records)
    side = np.random.default_rng(seed).integers(0, 2, n)
    records["source"] = np.where(side == 0, "left", "right")
    parsed = [BlockingRule.parse(r) for r in rules]
    cand = block(records, parsed, link_type="link_only", side=side)
    got = list(zip(cand.i.tolist(), cand.j.tolist(), strict=True))
    expected = _reference(records, rules, side.tolist())
    assert dict(zip(got, cand.rule.tolist(), strict=True)) == expected
    assert len(got) == len(expected)
    report = analyse_blocking(records, parsed, link_type="link_only", side=side)
    assert int(report["new_pairs"].sum()) == len(expected)


def test_table_keys_derive_each_key_once() -> None:
    from unifyprofile.blocking import TableKeys, key_codes, parse_key

    records = pd.DataFrame({"last_name_std": ["smith", "smyth", None, "jones"]})
    keys = TableKeys(records)
    key = parse_key("last_name:soundex")
    codes = keys.codes(key)
    assert keys.codes(key) is codes  # derived once, shared by every rule with the key
    assert codes.tolist() == key_codes(records, key).tolist() == [0, 0, -1, 1]
    rule = BlockingRule.parse(["last_name:soundex"])
    assert rule.codes(records, keys).tolist() == rule.codes(records).tolist()
