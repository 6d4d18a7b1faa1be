"""TextComparison (TF-IDF cosine over word tokens, model codes as strong tokens) and
ReferenceComparison (a code and a text that names it)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unifyprofile.compare import (
    ReferenceComparison,
    TextComparison,
    comparison_from_config,
    stem_pairs,
    tokenise,
    typo_pairs,
)
from unifyprofile.errors import ConfigError

TITLES = [
    "Sony Bravia KDL-40V3000 40' LCD HDTV",      # 0
    "sony bravia kdl40v3000 lcd hdtv 40",        # 1 same tokens, other punctuation
    "Sony Bravia KDL-46V3000 46' LCD HDTV",      # 2 same words, other model code
    "Semantic integration of environmental models",  # 3
    "Semantic Integration of Environmental Models for Decision Making",  # 4
    None,                                        # 5
    "Canon EOS 400D camera",                     # 6
]


def levels(pairs, comparison=None, titles=TITLES):
    comparison = comparison or TextComparison("title")
    records = pd.DataFrame({comparison.field: titles})
    i = np.array([a for a, _ in pairs], dtype=np.int64)
    j = np.array([b for _, b in pairs], dtype=np.int64)
    return comparison.prepare(records).levels(i, j).tolist()


def test_tokens_keep_model_codes_whole():
    assert tokenise("KDL-40V3000 / kdl40v3000, DSLR-A200") == ["kdl40v3000", "dslra200"]
    assert tokenise("Ünïcode—Text  ok") == ["unicode", "text", "ok"]


def test_levels_table():
    c = TextComparison("title")
    exact = len(c.level_names) - 1
    got = levels([(0, 1), (0, 2), (3, 4), (0, 5), (0, 6), (3, 6)])
    assert got[0] == exact                      # same token set
    assert got[1] <= 1                          # model codes differ: capped
    assert 2 <= got[2] < exact                  # a longer version of a title
    assert got[3] == -1                         # null
    assert got[4] == 0 and got[5] == 0          # unrelated


def test_codes_must_agree_can_be_turned_off():
    titles = ["acme widget pro deluxe xk100", "acme widget pro deluxe xk200"] + [
        f"unrelated item {k}" for k in range(10)]
    free = levels([(0, 1)], TextComparison("t", strong_weight=1.0, codes_must_agree=False),
                  titles)
    capped = levels([(0, 1)], TextComparison("t", strong_weight=1.0), titles)
    assert capped[0] == 1 < free[0]


def test_rare_words_weigh_more_than_common_ones():
    titles = ["the data system", "the data engine", "quantum lattice system",
              "quantum lattice engine"] + ["the data model"] * 20
    got = levels([(0, 1), (2, 3)], TextComparison("t", thresholds=(0.2, 0.4, 0.6, 0.8)),
                 titles)
    assert got[1] > got[0]


def test_config_round_trip_and_bad_params():
    c = TextComparison("title", thresholds=(0.8, 0.4), strong_weight=3.0)
    assert comparison_from_config(c.to_config()) == c
    with pytest.raises(ConfigError, match="strong_weight"):
        comparison_from_config({"type": "text", "field": "title", "strong_weight": 0.5})


def test_many_pairs_are_vectorised_and_stable():
    rng = np.random.default_rng(0)
    words = np.array(["alpha", "beta", "gamma", "delta", "x100", "x200", "omega", "sigma"])
    titles = [" ".join(rng.choice(words, 4)) for _ in range(500)]
    i = rng.integers(0, 500, 20_000)
    j = rng.integers(0, 500, 20_000)
    prepared = TextComparison("t").prepare(pd.DataFrame({"t": titles}))
    a = prepared.levels(i, j)
    b = prepared.levels(j, i)
    assert (a == b).all()
    assert a.min() >= 0 and a.max() <= 6


def test_typos_count_a_word_one_typo_off_as_shared():
    names = ["hecker sussebier engineering", "hecker susebier engineering",
             "bayer chemical", "bauer chemical"] + [f"firm {k} engineering" for k in range(20)]
    plain = levels([(0, 1), (2, 3)], TextComparison("n"), names)
    typos = levels([(0, 1), (2, 3)], TextComparison("n", typos=True), names)
    assert typos[0] > plain[0]
    # A short word one letter off is as often another word: no credit.
    assert typos[1] == plain[1]
    c = TextComparison("n", typos=True)
    assert comparison_from_config(c.to_config()) == c


def test_typo_pairs_leave_codes_and_distant_words_alone():
    vocab = np.array(["systems", "sytsems", "systemic", "xk1000", "xk1001", "pharma"],
                     dtype=object)
    i, j = typo_pairs(vocab)
    assert [(vocab[a], vocab[b]) for a, b in zip(i, j, strict=True)] == [("systems", "sytsems")]



def test_a_code_with_a_short_tail_is_the_same_code():
    titles = ["Netgear ProSafe 16 Port Switch - JFS516NA", "Netgear ProSafe JFS516 Switch",
              "Netgear ProSafe 16 Port Switch - JFS524NA"] + [
        f"unrelated item {k}" for k in range(10)]
    got = levels([(0, 1), (1, 2)], TextComparison("t"), titles)
    assert got[0] >= 2      # the maker's code and the shop's code with its suffix
    assert got[1] <= 1      # another digit is another product: capped


def test_stem_pairs_need_a_long_stem_and_a_short_tail():
    vocab = np.array(["jfs516", "jfs516na", "9675620403", "967562", "1995", "19951",
                      "kdl40v3000", "kdl40v300012345", "sony"], dtype=object)
    i, j = stem_pairs(vocab)
    assert [(vocab[a], vocab[b]) for a, b in zip(i, j, strict=True)] == [
        ("jfs516", "jfs516na"), ("9675620403", "967562")]

PURPOSES = [
    "2024-0585",                        # 0 an invoice number
    "RE 2024/0585 VIELEN DANK",         # 1 names it, other separator
    "SVWZ+RE2024-0585 EREF+NOTPROVIDED",  # 2 names it inside a banking token
    "RECHN 0585 VOM 12.03.2024",        # 3 names its serial; the date is no code
    "RE 2023-3048",                     # 4 names another invoice
    "KD-NR 10112 ZAHLUNG",              # 5 a customer number: another kind of code
    "UEBERWEISUNG",                     # 6 no code at all
    "ZAHLUNG VOM 12.03.2024",           # 7 only a date
    "MIETE 2024",                       # 8 a year: a number of another kind
]


def reference_levels(pairs):
    prepared = ReferenceComparison("ref").prepare(pd.DataFrame({"ref": PURPOSES}))
    i, j = np.array(pairs).T
    return prepared.levels(i, j).tolist()


def test_a_reference_is_named_however_written():
    c = ReferenceComparison("ref")
    assert c.level_names == ("other code", "else", "named", "exact")
    # The same number, however written, is exact; a serial that ends it names it.
    assert reference_levels([(0, 1), (0, 2), (1, 2), (0, 3)]) == [3, 3, 3, 2]


def test_a_text_naming_another_code_of_the_kind_is_evidence_against():
    assert reference_levels([(0, 4), (1, 4)]) == [0, 0]
    # A customer number beside an invoice number says neither yes nor no.
    assert reference_levels([(0, 5), (4, 5)]) == [1, 1]


def test_texts_without_a_code_are_missing():
    # No code, or only a date: nothing to compare.
    assert reference_levels([(0, 6), (0, 7), (4, 7)]) == [-1, -1, -1]
    # A year is a number, but not one of an invoice's kind, and does not end one.
    assert reference_levels([(0, 8)]) == [1]
    assert comparison_from_config(ReferenceComparison("ref").to_config()) \
        == ReferenceComparison("ref")


def test_a_reference_column_with_no_value_prepares():
    prepared = ReferenceComparison("ref").prepare(pd.DataFrame({"ref": [None, None]}))
    assert prepared.levels(np.array([0]), np.array([1])).tolist() == [-1]
