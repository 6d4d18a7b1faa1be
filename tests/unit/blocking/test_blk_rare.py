"""Multi-valued blocking keys: records meet when they share one of their rare tokens."""

from __future__ import annotations

import numpy as np
import pandas as pd

from unifyprofile.blocking import BlockingRule, analyse_blocking, block
from unifyprofile.blocking._keys import RARE_MAX_RECORDS, key_lists, parse_key

RECORDS = pd.DataFrame({
    "title": ["Sony Bravia KDL-40V3000 LCD", "KDL40V3000 television sony",
              "Sony Bravia KDL-46V3000 LCD", "sony kdl46v3000", "Canon EOS 400D", None],
    "year": ["2008", "2008", "2008", "2009", "2008", "2008"],
})


def pairs(cand):
    return sorted(zip(cand.i.tolist(), cand.j.tolist(), strict=True))


def test_pairs_share_a_rare_token():
    cand = block(RECORDS, [BlockingRule.parse("title:rare1")])
    assert pairs(cand) == [(0, 1), (2, 3)]


def test_more_tokens_more_pairs_and_no_duplicates():
    cand = block(RECORDS, [BlockingRule.parse("title:rare3")])
    got = pairs(cand)
    assert len(got) == len(set(got))
    assert {(0, 1), (2, 3), (0, 2)} <= set(got)


def test_combined_with_a_single_key():
    cand = block(RECORDS, [BlockingRule.parse(["title:rare1", "year"])])
    assert pairs(cand) == [(0, 1)]


def test_union_with_plain_rules_keeps_the_first_rule():
    rules = [BlockingRule.parse("year"), BlockingRule.parse("title:rare1")]
    cand = block(RECORDS, rules)
    got = pairs(cand)
    assert len(got) == len(set(got))
    by_pair = dict(zip(zip(cand.i.tolist(), cand.j.tolist(), strict=True),
                       cand.rule.tolist(), strict=True))
    assert by_pair[(0, 1)] == 0 and by_pair[(2, 3)] == 1


def test_link_only_pairs_cross_sides():
    side = [0, 0, 0, 1, 1, 1]
    cand = block(RECORDS, [BlockingRule.parse("title:rare3")], link_type="link_only",
                 side=pd.Series(side).to_numpy())
    assert all(side[i] != side[j] for i, j in pairs(cand))


def test_common_tokens_are_never_used():
    big = pd.DataFrame({"t": ["common word"] * (RARE_MAX_RECORDS + 5)})
    rows, codes = key_lists(big, parse_key("t:rare2"))
    assert len(rows) == 0


def test_analyse_blocking_counts_multi_rules():
    report = analyse_blocking(RECORDS, [BlockingRule.parse("title:rare1")])
    assert report["new_pairs"].tolist() == [2]
    assert report["pairs"].tolist()[0] >= 2


def test_a_value_of_common_words_blocks_on_its_two_rarest_together():
    common = [f"smith {k}x" for k in range(RARE_MAX_RECORDS)] + [
        f"electronics {k}y" for k in range(RARE_MAX_RECORDS)]
    big = pd.DataFrame({"t": ["Smith Electronics", "SMITH ELECTRONICS", "Smith Motor",
                              "Electronics Smith"] + common})
    cand = block(big, [BlockingRule.parse("t:rare2")])
    got = pairs(cand)
    assert {(0, 1), (0, 3), (1, 3)} <= set(got)
    assert not any(2 in pair for pair in got)


def test_linking_two_tables_a_token_one_side_never_holds_is_no_key():
    # Full given names on the left, initials on the right: "bertram" and "alice" meet
    # nothing across, and would take the place of the surname both hold.
    records = pd.DataFrame({
        "authors": ["bertram zoller alice quint", "bertram hayes", "alice moreau",
                    "b zoller a quint", "b hayes", "a moreau"],
        "source": ["left"] * 3 + ["right"] * 3})
    side = np.array([0, 0, 0, 1, 1, 1])
    key = parse_key("authors:rare1")
    rows, codes = key_lists(records, key, side)
    by_row = dict(zip(rows.tolist(), codes.tolist(), strict=True))
    assert by_row[0] == by_row[3] and by_row[1] == by_row[4] and by_row[2] == by_row[5]
    # Without sides, a record's rarest token may be one the other table never holds.
    rows, codes = key_lists(records, key)
    plain = dict(zip(rows.tolist(), codes.tolist(), strict=True))
    assert plain.get(0) != plain.get(3)
    cand = block(records, [BlockingRule.parse("authors:rare1")], link_type="link_only",
                 side=side)
    assert pairs(cand) == [(0, 3), (1, 4), (2, 5)]
