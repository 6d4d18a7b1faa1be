"""Literal cases for standardise_name, split_full_name and nickname_key."""

import csv
import io
import re
from importlib.resources import files

import pandas as pd
import pytest

from unifyprofile.standardise import nickname_key, split_full_name, standardise_name
from unifyprofile.standardise.names import nickname_pairs


@pytest.mark.parametrize(
    ("raw", "std"),
    [
        ("John", "john"),
        ("  JOHN   PAUL  ", "john paul"),
        ("O'Brien", "obrien"),
        ("O’Brien", "obrien"),
        ("Mary-Jane", "mary jane"),
        ("Smith-Jones", "smith jones"),
        ("José", "jose"),
        ("Müller", "muller"),
        ("Łukasz", "lukasz"),
        ("Ｊｏｈｎ", "john"),  # full-width, NFKC
        ("Дмитрий", "dmitriy"),  # anyascii (BGN/PCGN-like); unidecode gave "dmitrii"
        ("小明", "xiaoming"),
        ("张伟", "zhangwei"),
        ("Dr. John Smith", "john smith"),
        ("Mrs Jane Doe", "jane doe"),
        ("Prof. Dr. Ada Lovelace", "ada lovelace"),
        ("Sir Elton John", "elton john"),
        ("Rev. Martin Luther King Jr.", "martin luther king"),
        ("John Smith, Ph.D.", "john smith"),
        ("John Smith III", "john smith"),
        ("Smith Jr", "smith"),
        ("Jane Doe, Esq.", "jane doe"),
        ("Gregory House M.D.", "gregory house"),
        ("Md", "md"),  # a lone suffix-looking word is a name (Md = Muhammad)
    ],
)
def test_standardise_name(raw, std):
    out = standardise_name(pd.Series([raw]))
    assert (out.loc[0, "std"], out.loc[0, "flag"]) == (std, None)


@pytest.mark.parametrize(
    "raw",
    [
        "unknown",
        "N/A",
        "none",
        "NULL",
        "test",
        "xxx",
        "-",
        "?",
        "customer",
        "Guest",
        "Mr",
        "Mr.",
        "...",
        "123",
        "X",
        "TEST USER",
    ],
)
def test_placeholder_names(raw):
    out = standardise_name(pd.Series([raw]))
    assert (out.loc[0, "std"], out.loc[0, "flag"]) == (None, "placeholder")


def test_na_is_a_name_not_a_placeholder():
    # 娜 is "na" in pinyin (李娜, Li Na); "N/A" is still a placeholder.
    out = standardise_name(pd.Series(["Na", "娜"]))
    assert out["std"].tolist() == ["na", "na"]
    assert out["flag"].tolist() == [None, None]


@pytest.mark.parametrize(("raw", "std"), [("曾", "zeng"), ("单", "shan"), ("欧阳", "ouyang")])
def test_surname_readings(raw, std):
    assert standardise_name(pd.Series([raw]), surname=True).loc[0, "std"] == std


def test_blank_names_are_null():
    out = standardise_name(pd.Series([None, "", "  ", float("nan")], dtype=object))
    assert out["std"].tolist() == [None] * 4
    assert out["flag"].tolist() == [None] * 4


@pytest.mark.parametrize(
    ("raw", "first", "last"),
    [
        ("John Smith", "John", "Smith"),
        ("John Paul Smith", "John", "Smith"),
        ("Smith, John", "John", "Smith"),
        ("Smith, John A.", "John", "Smith"),
        ("Dr. John A. Smith Jr.", "John", "Smith"),
        ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
        ("van der Berg, Jan", "Jan", "van der Berg"),
        ("Madonna", "Madonna", None),
        # Chinese: family name first, compound surnames kept together
        ("张伟", "wei", "zhang"),
        ("张 伟", "wei", "zhang"),
        ("王小明", "xiaoming", "wang"),
        ("欧阳娜娜", "nana", "ouyang"),
        ("司马光", "guang", "sima"),
        ("诸葛亮", "liang", "zhuge"),
        ("曾小贤", "xiaoxian", "zeng"),
        ("伟", "wei", None),
        # romanised Chinese names are read in the Western order they are written in
        ("Zhang Wei", "Zhang", "Wei"),
        ("Wei Zhang", "Wei", "Zhang"),
        # a Western name written in characters, given name first
        ("约翰·史密斯", "yuehan", "shimisi"),
        # Korean in Hangul: family name first
        ("김민수", "minsu", "kim"),  # the surname as its holders spell it
    ],
)
def test_split_full_name(raw, first, last):
    out = split_full_name(pd.Series([raw]))
    assert (out.loc[0, "first"], out.loc[0, "last"]) == (first, last)


def test_split_then_standardise_matches_across_scripts():
    split = split_full_name(pd.Series(["张伟", "Wei Zhang", "ZHANG, Wei"]))
    first = standardise_name(split["first"])["std"].tolist()
    last = standardise_name(split["last"])["std"].tolist()
    assert first == ["wei", "wei", "wei"]
    assert last == ["zhang", "zhang", "zhang"]


def test_split_keeps_index_and_nulls():
    values = pd.Series(["John Smith", None, "  "], index=[4, 2, 9])
    out = split_full_name(values)
    assert out.index.tolist() == [4, 2, 9]
    assert out["first"].tolist() == ["John", None, None]
    assert out["last"].tolist() == ["Smith", None, None]


def test_split_emits_no_warnings(recwarn):
    split_full_name(pd.Series(["Mr", "Judge Judy", "the", "&", "Smith, Jr., John", "a,b,c"]))
    assert len(recwarn) == 0


@pytest.mark.parametrize(
    ("first", "formal"),
    [
        ("bob", "robert"),
        ("bobby", "robert"),
        ("rob", "robert"),
        ("robbie", "robert"),
        ("robert", "robert"),
        ("liz", "elizabeth"),
        ("beth", "elizabeth"),
        ("betty", "elizabeth"),
        ("lizzie", "elizabeth"),
        ("eliza", "elizabeth"),
        ("bill", "william"),
        ("will", "william"),
        ("billy", "william"),
        ("jim", "james"),
        ("jimmy", "james"),
        ("kate", "katherine"),
        ("katie", "katherine"),
        ("kathy", "katherine"),
        ("catherine", "katherine"),
        ("mike", "michael"),
        ("tony", "anthony"),
        ("peggy", "margaret"),
        ("xiaoming", "xiaoming"),
        ("bobby joe", "robert joe"),
    ],
)
def test_nickname_key(first, formal):
    assert nickname_key(pd.Series([first])).iloc[0] == formal


def test_nickname_key_nulls_and_index():
    out = nickname_key(pd.Series([None, "bob"], index=["x", "y"], dtype=object))
    assert out.index.tolist() == ["x", "y"]
    assert out.tolist() == [None, "robert"]


def _table():
    text = files("unifyprofile.data").joinpath("nicknames.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_nickname_table_is_well_formed():
    rows = _table()
    assert len(rows) >= 250
    nicknames = [r["nickname"] for r in rows]
    assert len(nicknames) == len(set(nicknames)), "a nickname keys one formal name"
    for row in rows:
        # keys must look like standardise_name output, or they could never match
        assert re.fullmatch("[a-z]+", row["nickname"]), row
        assert re.fullmatch("[a-z]+", row["formal"]), row
    # a formal name is never itself a nickname of something else (idempotence)
    assert not {r["formal"] for r in rows} & set(nicknames)


def test_the_nickname_key_is_idempotent():
    """A nickname and its key have one key, or blocking on it would part them."""
    from unifyprofile.standardise.names import _nicknames, formal_name

    for nickname, formal in _nicknames().key.items():
        assert formal_name(formal) == formal, (nickname, formal)


@pytest.mark.parametrize(
    ("a", "b"),
    [("pat", "patricia"), ("chris", "christine"), ("sam", "samantha"), ("alex", "alexandra"),
     ("al", "alfred"), ("tina", "christina"), ("maria", "mariah")],
)
def test_nickname_pairs_many_to_many(a, b):
    first, second = nickname_pairs([a, "zoe", b])
    assert (first.tolist(), second.tolist()) == ([0], [2])


@pytest.mark.parametrize(
    ("a", "b"),
    [("christopher", "christine"), ("robert", "elizabeth"), ("xiaoming", "xiaoming"),
     ("lisa", "elizabeth"), ("andy", "randy")],
)
def test_nickname_pairs_never_names_that_only_share_a_name(a, b):
    """Two formal names that share a nickname are two names, as are two nicknames of one
    formal name and a formal name and a nickname spelled otherwise; one name is no
    pair."""
    assert len(nickname_pairs([a, b])[0]) == 0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Buli?", "buli?"),  # "Bulić" through a code page without ć
        ("Ugur I?bak", "ugur i?bak"),  # one word, not "i bak"
        ("Sait\ufffd", "sait?"),  # a decoder's replacement character
        ("Ji?? Srnka", "ji?? srnka"),
        ("???? ?? Smith", "smith"),  # words of lost letters only tell nothing
    ],
)
def test_a_lost_letter_stays_in_its_word(raw, expected):
    assert standardise_name(pd.Series([raw]))["std"].iloc[0] == expected


def test_a_name_of_lost_letters_only_is_a_placeholder():
    out = standardise_name(pd.Series(["????? ?????", "?"]))
    assert out["std"].isna().all() and out["flag"].eq("placeholder").all()


def test_a_full_name_with_lost_letters_splits_like_any_other():
    out = split_full_name(pd.Series(["Ivan Buli?", "?mer Varg?"]))
    assert out.to_numpy().tolist() == [["Ivan", "Buli?"], ["?mer", "Varg?"]]
