"""Korean surnames in Hangul and Japanese names meet their usual Latin spellings, and
Chinese names read as before."""

import csv
import io
import logging
from importlib.resources import files
from importlib.util import find_spec

import pandas as pd
import pytest

from unifyprofile.standardise import split_full_name, standardise_name

JAPANESE_READER = all(find_spec(name) for name in ("sudachipy", "sudachidict_core"))
needs_reader = pytest.mark.skipif(
    not JAPANESE_READER,
    reason="the japanese extra (sudachipy, sudachidict-core) is not installed: kanji keep "
           "the Chinese reading")


def _std(values, surname=False):
    return standardise_name(pd.Series(values), surname=surname)["std"].tolist()


def _split(values):
    out = split_full_name(pd.Series(values))
    return list(zip(out["first"], out["last"], strict=True))


@pytest.mark.parametrize("surname", [False, True])
def test_hangul_surnames_meet_their_latin_spelling(surname):
    hangul = ["김", "이", "박", "최", "정", "강", "조", "윤",
              "임", "오", "신", "권", "안", "류", "유"]
    latin = ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Lim", "Oh",
             "Shin", "Kwon", "Ahn", "Ryu", "Yoo"]
    assert _std(hangul, surname) == _std(latin, surname)


def test_hangul_full_names_split_with_the_usual_surname_spelling():
    assert _split(["김민준", "이서연", "박 지훈", "남궁민수"]) == [
        ("minjun", "kim"), ("seoyeon", "lee"), ("jihun", "park"), ("minsu", "namgoong")]
    # A whole record then meets its Latin twin on both parts.
    native, latin = _split(["최지우", "Jiwoo Choi"])
    assert _std([native[1]]) == _std([latin[1]]) == ["choi"]


def test_a_surname_standing_alone_in_a_hangul_name_is_respelled():
    assert _std(["김 민준", "민준 김", "김민준"]) == ["kim minjun", "minjun kim", "gimminjun"]


def test_given_names_in_hangul_keep_the_revised_romanisation():
    assert _std(["민준", "서연", "지훈", "보람"]) == ["minjun", "seoyeon", "jihun", "boram"]


def test_two_syllable_surnames_only_in_a_family_name_column():
    # 선우 is a surname and a given name.
    assert _std(["선우"], surname=True) == ["sunwoo"]
    assert _std(["선우"]) == ["seonu"]


def test_korean_surname_table_is_well_formed():
    text = files("unifyprofile.data").joinpath("korean_surnames.csv").read_text("utf-8")
    assert "National Institute of Korean Language" in text  # the source is named
    rows = list(csv.DictReader(io.StringIO(
        "".join(line for line in io.StringIO(text) if not line.startswith("#")))))
    assert len(rows) >= 40
    hangul = [row["hangul"] for row in rows]
    assert len(hangul) == len(set(hangul))
    for row in rows:
        assert 1 <= len(row["hangul"]) <= 2
        assert all("\uac00" <= ch <= "\ud7a3" for ch in row["hangul"])
        assert row["latin"].isascii() and row["latin"].isalpha() and row["latin"].islower()


@pytest.mark.parametrize(
    ("kana", "latin"),
    [
        ("やまだ", "yamada"),
        ("さとう", "sato"),
        ("サトウ", "sato"),
        ("ｻﾄｳ", "sato"),  # half-width katakana
        ("いのうえ", "inoue"),  # う before a vowel is no long vowel
        ("おおの", "ono"),
        ("ゆうき", "yuki"),
        ("じゅんいちろう", "junichiro"),
        ("しょうた", "shota"),
        ("きっかわ", "kikkawa"),
        ("はっちょう", "hatcho"),
        ("ほんま", "homma"),
        ("ちゃん", "chan"),
        ("ラーメン", "ramen"),
        ("フェリックス", "ferikkusu"),
    ],
)
def test_kana_is_read_in_passport_hepburn(kana, latin):
    assert _std([kana]) == [latin]


def test_kana_full_names_split_family_name_first():
    assert _split(["やまだ たろう", "ヤマダ　タロウ", "さとう けん"]) == [
        ("taro", "yamada"), ("taro", "yamada"), ("ken", "sato")]
    # The parts then meet the Latin name written either way round.
    assert _std(["やまだ たろう"]) == _std(["Yamada Taro"])


def test_a_western_name_in_katakana_is_given_name_first():
    assert _split(["ジョン・スミス"]) == [("jon", "sumisu")]


@pytest.mark.parametrize(
    ("raw", "std", "first", "last"),
    [
        ("张伟", "zhangwei", "wei", "zhang"),
        ("王小明", "wangxiaoming", "xiaoming", "wang"),
        ("欧阳娜娜", "ouyangnana", "nana", "ouyang"),
        ("司马光", "simaguang", "guang", "sima"),
        ("张 伟", "zhang wei", "wei", "zhang"),
        ("李小龙", "lixiaolong", "xiaolong", "li"),
    ],
)
def test_chinese_names_read_as_before(raw, std, first, last):
    assert _std([raw]) == [std]
    assert _split([raw]) == [(first, last)]


def test_chinese_surnames_read_as_before():
    assert _std(["张", "曾", "欧阳", "尉迟"], surname=True) == ["zhang", "zeng", "ouyang",
                                                              "yuchi"]


@needs_reader
def test_kanji_names_take_the_japanese_reading():
    assert _std(["山田太郎", "山田 太郎"]) == ["yamada taro", "yamada taro"]
    assert _std(["佐藤", "渡辺", "渡邊"], surname=True) == ["sato", "watanabe", "watanabe"]
    assert _split(["山田太郎", "鈴木 一郎", "ヤマダタロウ"]) == [
        ("taro", "yamada"), ("ichiro", "suzuki"), ("taro", "yamada")]


@needs_reader
def test_simplified_chinese_in_a_family_name_column_keeps_pinyin():
    # Two characters in a family-name column would be Japanese by the rule, but the
    # dictionary has no Japanese reading for 张伟: the Chinese one is kept.
    assert _std(["张伟"], surname=True) == ["zhangwei"]


@pytest.mark.skipif(JAPANESE_READER, reason="the japanese extra is installed")
def test_without_the_extra_kanji_keep_the_chinese_reading(caplog):
    from unifyprofile.standardise import _japanese

    _japanese._tokenizer.cache_clear()
    with caplog.at_level(logging.WARNING, logger="unifyprofile"):
        assert _std(["山田太郎"]) == ["shantiantailang"]
        assert _std(["山田 太郎"]) == ["shantian tailang"]
        assert _split(["山田太郎", "山田 太郎"]) == [
            ("tiantailang", "shan"), ("tailang", "shantian")]
    notes = [r.getMessage() for r in caplog.records if "japanese" in r.getMessage()]
    assert len(notes) == 1  # said once
    assert "pip install 'unifyprofile[japanese]'" in notes[0]
