"""Person names: ASCII keys that compare across scripts, spellings and formatting.

``standardise_name`` turns one name part into lowercase ASCII words: Chinese characters
become pinyin without tones (a run of characters is one word, so 小明 gives
``"xiaoming"``), other scripts are transliterated with anyascii, honorifics and generational
suffixes are dropped, apostrophes vanish (``O'Brien`` -> ``"obrien"``) and other
punctuation becomes a space.  A question mark (or U+FFFD) inside a word is a letter an
export's code page lost ("Buli?" for Bulić) and stays as :data:`LOST_LETTER`, which name
comparisons match to any letter.  ``split_full_name`` splits a full name into first and last
name (surname first for Chinese, Korean and Japanese names), ``nickname_key`` maps ``bob``
to ``robert`` with a shipped table and ``nickname_pairs`` finds the names that may be one
given name though the key parts them (``tina`` and ``christina``), with the ``nicknames``
package.

East Asian names meet the spellings their holders use in Latin script:

- a Korean surname in Hangul takes its usual spelling from the shipped table
  ``unifyprofile/data/korean_surnames.csv`` (김 -> ``kim``, 이 -> ``lee``, 박 -> ``park``; the
  Revised Romanisation gives ``gim``, ``i``, ``bak``) when it stands as a word of its own,
  or is the family name :func:`split_full_name` finds; given names keep the Revised
  Romanisation (민준 -> ``minjun``);
- kana is read in passport Hepburn (さとう -> ``sato``, じゅん -> ``jun``), and a name holding
  kana is Japanese: family name first;
- characters only are Chinese (pinyin) unless the name looks Japanese (see
  ``_japanese.is_japanese``: a family name of two or more characters written apart, as
  in 山田 太郎, or four or more characters in one word not opening on a Chinese compound
  surname, or a family-name value of two or more characters); a Japanese name in
  characters is read with SudachiPy's dictionary when the optional ``japanese`` extra is
  installed (山田太郎 -> ``yamada taro``) and keeps the Chinese reading otherwise.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from importlib.resources import files

import nicknames
import numpy as np
import pandas as pd
from nameparser import HumanName
from nameparser.config import CONSTANTS

from . import _japanese, _korean
from ._common import (
    PLACEHOLDER,
    StdFlag,
    ascii_fold,
    distinct,
    map_std_flag,
    map_text,
    object_series,
    repair_mojibake,
    text_func,
)

__all__ = [
    "LOST_LETTER",
    "formal_name",
    "nickname_key",
    "nickname_pairs",
    "split_full_name",
    "standardise_name",
]

#: What a standardised name holds for a letter that an export could not write: a system
#: whose code page lacks "ć" or "ō" writes "?" ("Buli?", "Sait?"), a decoder that met a
#: bad byte writes U+FFFD.  Kept in the word, so that "buli?" is not "buli" and "i?bak"
#: not two words; name comparisons read it as any letter.
LOST_LETTER = "?"
_LOST = re.compile("[?\ufffd]")

_HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_HAN_RUN = re.compile(f"[{_HAN_CHARS}]+")
_HANGUL_NAME = re.compile("[\uac00-\ud7a3]+")
_NAME_DOTS = re.compile("[\u00b7\u2022\u30fb\u2027\uff65]")
_NAME_WORDS = re.compile("[\\s\u00b7\u2022\u30fb\u2027\uff65]+")
_HAN_OR_KANA = re.compile(f"[{_HAN_CHARS}{_japanese.KANA_CHARS}]+")
#: A Hangul word of one or two syllables standing alone: perhaps a surname (김, 남궁).
_HANGUL_SHORT = re.compile(f"(?<![{_korean.HANGUL_SYLLABLES}])[{_korean.HANGUL_SYLLABLES}]{{1,2}}"
                           f"(?![{_korean.HANGUL_SYLLABLES}])")
_PHD = re.compile(r"\bph\.?\s*d\b\.?")
_MD = re.compile(r"\bm\.\s*d\.")
_APOSTROPHES = re.compile("['`\u2018\u2019\u02bc]")
_NON_LETTER = re.compile("[^a-z?]+")

_HONORIFICS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "mstr",
        "dr",
        "prof",
        "professor",
        "sir",
        "dame",
        "rev",
        "revd",
        "reverend",
        "fr",
        "lord",
        "lady",
        "hon",
        "capt",
        "col",
        "maj",
        "lt",
        "sgt",
        "mme",
        "mlle",
        "herr",
        "frau",
    }
)
_SUFFIXES = frozenset(
    {
        "jr",
        "jnr",
        "sr",
        "snr",
        "ii",
        "iii",
        "iv",
        "phd",
        "md",
        "esq",
        "dds",
        "cpa",
        "mba",
        "dvm",
        "obe",
        "mbe",
        "cbe",
        "kc",
        "qc",
    }
)
_PLACEHOLDERS = frozenset(
    {
        "unknown",
        "unk",
        "n a",
        "none",
        "null",
        "nil",
        "test",
        "test test",
        "test user",
        "dummy",
        "x",
        "xx",
        "xxx",
        "xxxx",
        "customer",
        "guest",
        "tbd",
        "tba",
        "not known",
        "not provided",
        "no name",
        "noname",
        "anonymous",
        "anon",
        "nobody",
        "asdf",
        "first name",
        "last name",
        "firstname",
        "lastname",
        "name",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
    }
)

#: Readings of Chinese surnames that differ from the characters' everyday reading.
_SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "区": "ou",
    "查": "zha",
    "乐": "yue",
    "翟": "zhai",
    "覃": "qin",
    "盖": "ge",
    "缪": "miao",
    "秘": "bi",
    "员": "yun",
    "都": "du",
    "种": "chong",
    "折": "she",
    "召": "shao",
    "句": "gou",
    "柏": "bai",
    "薄": "bo",
    "贲": "ben",
    "牟": "mou",
    "逄": "pang",
    "尉迟": "yuchi",
    "万俟": "moqi",
    "长孙": "zhangsun",
}
#: Two-character Chinese surnames (checked before the one-character rule).
_COMPOUND_SURNAMES = frozenset(
    {
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "令狐",
        "夏侯",
        "司徒",
        "司空",
        "轩辕",
        "宇文",
        "长孙",
        "万俟",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "端木",
        "澹台",
        "公冶",
        "申屠",
        "太史",
        "闻人",
        "赫连",
        "钟离",
        "宗政",
        "濮阳",
        "淳于",
        "单于",
        "拓跋",
        "歐陽",
        "司馬",
        "諸葛",
        "東方",
        "尉遲",
        "公孫",
        "長孫",
        "鍾離",
    }
)


def _pinyin(han: str) -> str:
    from pypinyin import lazy_pinyin  # imported on first use: its dictionaries are large

    return "".join(lazy_pinyin(han, v_to_u=True)).replace("ü", "u")


def _surname_pinyin(han: str) -> str:
    if han in _SURNAME_READINGS:
        return _SURNAME_READINGS[han]
    head = han[:2] if han[:2] in _SURNAME_READINGS else han[:1]
    if head in _SURNAME_READINGS:
        return _SURNAME_READINGS[head] + (_pinyin(han[len(head) :]) if han[len(head) :] else "")
    return _pinyin(han)


def _transliterate_han(text: str, surname: bool) -> str:
    def one(match: re.Match[str]) -> str:
        run = match.group()
        latin = _surname_pinyin(run) if surname and match.start() == 0 else _pinyin(run)
        return f" {latin} "

    return _HAN_RUN.sub(one, text)


def _korean_surnames(text: str, surname: bool) -> str:
    # One syllable alone is a surname whatever the column (a one-syllable given name is
    # rare); two (남궁, but also the given name 선우) only in a family-name column.
    def one(match: re.Match[str]) -> str:
        latin = _korean.surname_latin(match.group(), compound=surname)
        return f" {latin} " if latin else match.group()

    return _HANGUL_SHORT.sub(one, text)


def _japanese_words(text: str, surname: bool) -> list[str] | None:
    """The words of a name to be read as Japanese, or None (see ``_japanese``)."""
    words = [word for word in _NAME_WORDS.split(text) if word]
    han_only = all(_HAN_OR_KANA.fullmatch(word) for word in words)
    if _japanese.is_japanese(words, han_only, compounds=_COMPOUND_SURNAMES, surname=surname):
        return words
    return None


def _read_japanese(word: str, surname: bool = False) -> list[tuple[str, bool]]:
    """One word of a Japanese name in Latin letters: (part, is the family name) pairs.

    The dictionary reads it when the ``japanese`` extra is installed; otherwise, or when
    it has no Japanese reading for a character, kana is read in Hepburn and characters in
    pinyin, as one part.
    """
    if _HAN_OR_KANA.fullmatch(word):
        parts = _japanese.read_name(word, family_name=surname)
        if parts:
            return parts
    latin = _japanese.fold_kana(word)
    if _HAN_RUN.search(latin):
        latin = "".join(_transliterate_han(latin, surname).split())
    return [(latin, False)]


def _strip_affixes(tokens: list[str]) -> list[str]:
    # Only strip while another token remains, so that "Md" or "Miss" alone stays (and a
    # lone honorific is then a placeholder) and a second pass finds nothing to strip.
    while len(tokens) > 1 and tokens[0] in _HONORIFICS:
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1] in _SUFFIXES:
        tokens = tokens[:-1]
    return tokens


def _clean_name(text: str, surname: bool = False) -> str:
    text = _LOST.sub(LOST_LETTER, unicodedata.normalize("NFKC", repair_mojibake(text)))
    japanese = _japanese_words(text, surname) if _HAN_OR_KANA.search(text) else None
    if japanese is not None:
        text = " ".join(part for word in japanese for part, _ in _read_japanese(word, surname))
    if _HAN_RUN.search(text):
        text = _transliterate_han(text, surname)
    if _HANGUL_NAME.search(text):
        text = _korean_surnames(text, surname)
    text = ascii_fold(text)
    text = _MD.sub(" md ", _PHD.sub(" phd ", text))
    text = _NON_LETTER.sub(" ", _APOSTROPHES.sub("", text))
    # A word of lost letters only ("????? ????" for a name in Cyrillic) tells nothing.
    words = [word for word in text.split() if word.strip(LOST_LETTER)]
    return " ".join(_strip_affixes(words))


def _parse_name(text: str, surname: bool) -> StdFlag:
    cleaned = _clean_name(text, surname)
    if not cleaned or cleaned in _PLACEHOLDERS:
        return None, PLACEHOLDER
    return cleaned, None


def standardise_name(values: pd.Series, *, surname: bool = False) -> pd.DataFrame:
    """Standardise one name part (first, middle, last or a whole name).

    Args:
        values: raw names in any script.
        surname: the values are family names, so Chinese characters with a special
            surname reading use it (曾 -> ``"zeng"``, not ``"ceng"``).

    Returns:
        A frame with the index of ``values``: ``std`` (lowercase ASCII words, or None)
        and ``flag`` (None, or ``"placeholder"`` for junk such as ``"unknown"``,
        ``"n/a"``, ``"test"``, ``"-"`` or a lone honorific).

    Examples:
        >>> standardise_name(pd.Series(["Dr. Seán O'Brien-Smith Jr.", "小明", "N/A",
        ...                             "박", "さとう"]))
                         std         flag
        0  sean obrien smith         None
        1           xiaoming         None
        2               None  placeholder
        3               park         None
        4               sato         None
    """
    return map_std_flag(values, lambda text: _parse_name(text, surname))


_SIMPLE_TOKEN = re.compile(r"(?:[^\W\d_]|[?\ufffd])+(?:['\u2019\-.](?:[^\W\d_]|[?\ufffd])+)*\.?")


@functools.cache
def _parser_words() -> frozenset[str]:
    """The words ``nameparser`` treats specially (titles, prefixes, suffixes,
    conjunctions), as one set: its own sets are slow to query one word at a time."""
    return frozenset(str(word).lower() for words in (
        CONSTANTS.titles, CONSTANTS.prefixes, CONSTANTS.suffix_acronyms,
        CONSTANTS.suffix_not_acronyms, CONSTANTS.conjunctions) for word in words)


def _is_simple_token(token: str) -> bool:
    if not _SIMPLE_TOKEN.fullmatch(token):
        return False
    return token.lower().replace(".", "") not in _parser_words()


def _korean_family(hangul: str) -> str:
    return _korean.surname_latin(hangul) or ascii_fold(hangul)


def _split_japanese(text: str) -> tuple[str | None, str | None] | None:
    """A Japanese name split family name first, or None when it is not Japanese (or is
    characters only, unsplit, with no dictionary to read them: the Chinese split then)."""
    words = _japanese_words(text, surname=False)
    if words is None:
        return None
    if len(words) >= 2:  # 山田 太郎: the family name first
        given = " ".join(part for word in words[1:] for part, _ in _read_japanese(word))
        return given, "".join(part for part, _ in _read_japanese(words[0], surname=True))
    parts = _read_japanese(words[0])
    if len(parts) == 2 and parts[0][1]:
        return parts[1][0], parts[0][0]
    if _japanese.has_kana(words[0]):
        return parts[0][0], None  # one word: a first name, as for any name
    if not _japanese.reader_available():
        return None
    # Characters the dictionary read as one name: most family names have two.
    head = _read_japanese(words[0][:2], surname=True)
    return "".join(part for part, _ in _read_japanese(words[0][2:])), head[0][0]


def _split_east_asian(text: str) -> tuple[str | None, str | None] | None:
    compact = "".join(text.split())
    transliterate: Callable[[str], str]
    family: Callable[[str], str]
    if _HAN_RUN.fullmatch(compact):
        compounds, transliterate, family = _COMPOUND_SURNAMES, _pinyin, _surname_pinyin
    elif _HANGUL_NAME.fullmatch(compact):
        compounds, transliterate, family = _korean.compound_surnames(), ascii_fold, _korean_family
    else:
        return None
    if len(compact) == 1:
        return transliterate(compact), None
    head = 2 if compact[:2] in compounds and len(compact) > 2 else 1
    return transliterate(compact[head:]), family(compact[:head])


def _split_one(text: str) -> tuple[str | None, str | None]:
    text = unicodedata.normalize("NFKC", repair_mojibake(text)).strip()
    kana = _japanese.has_kana(text)
    if (kana or _HAN_RUN.search(text)) and _NAME_DOTS.search(text):
        # 约翰·史密斯, ジョン・スミス: a Western name written in characters or kana, given
        # name first.
        parts = [p.strip() for p in _NAME_DOTS.split(text) if p.strip()]
        if len(parts) >= 2:
            read = _japanese.fold_kana if kana else _pinyin
            return read(parts[0]), read(parts[-1])
    japanese = _split_japanese(text) if kana or _HAN_RUN.search(text) else None
    if japanese is not None:
        return japanese
    east_asian = _split_east_asian(text)
    if east_asian is not None:
        return east_asian
    # The common "First [Middle] Last" and "Last, First [Middle]" cases, which
    # HumanName would parse the same way, without its cost (about 0.2 ms a name).
    family, comma, given = text.rpartition(",") if "," in text else ("", "", text)
    tokens, family_tokens = given.split(), family.split()
    if (
        1 <= len(tokens) <= 3
        and len(family_tokens) <= (1 if comma else 0)
        and "," not in family
        and all(_is_simple_token(t) for t in (*tokens, *family_tokens))
    ):
        if comma:
            return tokens[0], family_tokens[0] if family_tokens else None
        return tokens[0], (tokens[-1] if len(tokens) > 1 else None)
    name = HumanName(text)
    first, last = name.first.strip(), name.last.strip()
    if not first and not last:
        return text, None
    return first or None, last or None


def split_full_name(values: pd.Series) -> pd.DataFrame:
    """Split full names into a first (given) name and a last (family) name.

    Western names go through ``nameparser`` (titles, ``"Last, First"``, middle names
    and suffixes are understood); Chinese names in characters take the first character,
    or a two-character compound surname such as 欧阳, as the family name and are
    transliterated to pinyin; Korean names in Hangul likewise, with the surname's usual
    Latin spelling (김민준 -> ``kim``, ``minjun``).  Japanese names (holding kana, or
    characters that look Japanese, see the module) are family name first: split at the
    space, or where the dictionary of the ``japanese`` extra ends the family name.  A
    single word is a first name.  The parts are cleaned but not standardised: pass them
    through :func:`standardise_name`.

    Args:
        values: raw full names.

    Returns:
        A frame with the index of ``values`` and object columns ``first`` and ``last``
        (None where absent).

    Examples:
        >>> split_full_name(pd.Series(["Smith, John A.", "欧阳娜娜", "张伟", "Madonna",
        ...                            "김민준", "やまだ たろう"]))
             first    last
        0     John   Smith
        1     nana  ouyang
        2      wei   zhang
        3  Madonna    None
        4   minjun     kim
        5     taro  yamada
    """
    codes, parts = distinct(values, text_func(_split_one, blank=(None, None)))
    first = object_series((codes, [p[0] for p in parts]), values).rename("first")
    last = object_series((codes, [p[1] for p in parts]), values).rename("last")
    return pd.DataFrame({"first": first, "last": last}, index=values.index)


@dataclasses.dataclass(frozen=True)
class _Nicknames:
    """Formal names and nicknames.

    The relation is the ``nicknames`` package's (a curated many-to-many list of English
    given names and their nicknames, Apache-2.0) with unifyprofile's table
    ``unifyprofile/data/nicknames.csv``.  The key is the table's alone: the one formal
    name each nickname in it most often stands for (bill for william, not robert).  The
    package cannot give it: a name of several formal names there has no first one, and
    many standalone names are listed as nicknames of longer ones (maria of mariah, felix
    of felicia, wen of wendy), which a key would join for blocking and rules.
    """

    #: Each name: the names it is a nickname of or has as a nickname.
    linked: dict[str, frozenset[str]]
    #: Each nickname of the table: the one formal name that keys it (``first_name:nick``).
    key: dict[str, str]


@functools.cache
def _nicknames() -> _Nicknames:
    text = files("unifyprofile.data").joinpath("nicknames.csv").read_text(encoding="utf-8")
    key = {row["nickname"]: row["formal"] for row in csv.DictReader(io.StringIO(text))}
    pairs = {(t.name1, t.name2) for t in nicknames.name_triplets()}
    pairs |= {(formal, nickname) for nickname, formal in key.items()}
    linked: dict[str, set[str]] = {}
    for formal, nickname in pairs:
        linked.setdefault(formal, set()).add(nickname)
        linked.setdefault(nickname, set()).add(formal)
    return _Nicknames({name: frozenset(of) for name, of in linked.items()}, key)


def formal_name(name: str) -> str:
    """The formal name one standardised first name stands for (see :func:`nickname_key`).

    >>> formal_name("bob"), formal_name("bill"), formal_name("katie")
    ('robert', 'william', 'katherine')
    """
    key = _nicknames().key
    if name in key:
        return key[name]
    first, sep, rest = name.partition(" ")
    return key.get(first, first) + sep + rest


def nickname_pairs(names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of ``names`` (positions) that may be one given name though the nickname
    key may part them.

    A nickname and a formal name it stands for, listed so by the ``nicknames`` package or
    unifyprofile's table, where the nickname is the formal name clipped (its beginning
    or its end: ``chris`` with ``christopher`` and with ``christine``, ``pat`` with
    ``patricia``, ``tina`` with ``christina``).  Never two names that only share a
    formal name or a nickname (``christopher`` and ``christine``; ``andy`` and ``randy``,
    both nicknames of randall), nor a nickname spelled otherwise (``lisa`` and
    ``elizabeth``: as likely a daughter and her mother); names the key joins (``bob``
    and ``robert``) meet by the key.  A name comparison that tells sexes apart keeps
    names of the other sex apart (``louis`` and ``louise``).  Names of several words
    count by their first word.

    >>> a, b = nickname_pairs(["chris", "christine", "christopher", "pat", "patricia"])
    >>> sorted(zip(a.tolist(), b.tolist()))
    [(0, 1), (0, 2), (3, 4)]
    """
    table = _nicknames()
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(names):
        word = str(name).partition(" ")[0]
        if word in table.linked:
            positions.setdefault(word, []).append(position)
    found: set[tuple[int, int]] = set()
    for word, held in positions.items():
        for other in table.linked[word] & positions.keys():
            if _clipped(word, other):
                found.update((min(x, y), max(x, y)) for x in held for y in positions[other])
    ordered = sorted(found)
    return (np.array([x for x, _ in ordered], dtype=np.int64),
            np.array([y for _, y in ordered], dtype=np.int64))


def _clipped(a: str, b: str) -> bool:
    """The shorter name is the longer's beginning or end (pat, tina)."""
    short, long = sorted((a, b), key=len)
    return long.startswith(short) or long.endswith(short)


def nickname_key(first_std: pd.Series) -> pd.Series:
    """Map standardised first names to the formal name they stand for.

    Uses the shipped table ``unifyprofile/data/nicknames.csv`` (``bob`` -> ``robert``,
    ``liz`` -> ``elizabeth``, ``catherine`` -> ``katherine``), one formal name per
    nickname, the one it most often stands for: this key is for blocking and rules.
    Comparisons also meet a nickname with its other formal names (``chris`` and
    ``christine``; see :func:`nickname_pairs`).  A name not in the table maps to itself;
    for several words the first word is mapped.

    Args:
        first_std: first names as produced by :func:`standardise_name`.

    Returns:
        An object Series with the index of ``first_std`` (None where the name is null).

    Examples:
        >>> nickname_key(pd.Series(["bob", "liz", "xiaoming", None])).tolist()
        ['robert', 'elizabeth', 'xiaoming', None]
    """
    return map_text(first_std, formal_name)
