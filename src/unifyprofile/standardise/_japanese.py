"""Japanese names: kana in passport Hepburn, kanji read with a dictionary when one is there.

Kana is Japanese and reads one way: :func:`kana_to_latin` writes it as Japanese passports
do (Hepburn without long vowels: さとう -> ``sato``, おおの -> ``ono``, じゅんいちろう ->
``junichiro``, ほんま -> ``homma``), the spelling people most often give in Latin script.

Kanji is shared with Chinese.  :func:`is_japanese` decides, from one value alone (so that
a record standardises the same alone or in a batch): a name holding kana is Japanese; a
name in characters only is Japanese when its first of several words has two or more
characters (Chinese family names have one, bar a few compounds: 山田 太郎), when it is
one word of four or more characters not opening on a Chinese compound surname (山田太郎;
Chinese full names have two or three), or when it is a family name of two or more
characters that is not a Chinese compound surname.  Anything else stays Chinese.

Reading kanji needs a dictionary: the optional ``japanese`` extra (``pip install
unifyprofile[japanese]``) installs SudachiPy and its core dictionary (both Apache-2.0),
imported on first use.  Without it kanji keep the Chinese reading, as before, and one note
says so.  A word the dictionary cannot read in kana (simplified Chinese characters such as
张 are not Japanese) makes :func:`read_name` give None, and the Chinese reading is kept.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from typing import Any

from unifyprofile._log import logger

#: Hiragana and katakana letters, the prolonged sound mark, half-width katakana and the
#: iteration mark 々 (佐々木), which only Japanese writes; not the katakana middle dot
#: (U+30FB), which separates names.
KANA_CHARS = ("\u3005\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"
              "\uff66-\uff9f")
_KANA_RUN = re.compile(f"[{KANA_CHARS}]+")

_ROWS = (
    ("あいうえお", "a i u e o"), ("かきくけこ", "ka ki ku ke ko"),
    ("がぎぐげご", "ga gi gu ge go"), ("さしすせそ", "sa shi su se so"),
    ("ざじずぜぞ", "za ji zu ze zo"), ("たちつてと", "ta chi tsu te to"),
    ("だぢづでど", "da ji zu de do"), ("なにぬねの", "na ni nu ne no"),
    ("はひふへほ", "ha hi fu he ho"), ("ばびぶべぼ", "ba bi bu be bo"),
    ("ぱぴぷぺぽ", "pa pi pu pe po"), ("まみむめも", "ma mi mu me mo"),
    ("やゆよ", "ya yu yo"), ("らりるれろ", "ra ri ru re ro"),
    ("わゐゑを", "wa i e o"), ("んゔゎ", "n vu wa"),
)
#: One hiragana letter's syllable in (passport) Hepburn.
_SYLLABLE = {kana: latin for row, latins in _ROWS for kana, latin in zip(row, latins.split(),
                                                                         strict=True)}
_SMALL_Y = {"ゃ": "a", "ゅ": "u", "ょ": "o"}
_SMALL_VOWEL = {"ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o"}
_KATAKANA_SHIFT = {cp: cp - 0x60 for cp in range(0x30A1, 0x30F7)}
_BARE_VOWELS = frozenset("aiueo")


def _to_hiragana(kana: str) -> str:
    return unicodedata.normalize("NFKC", kana).translate(_KATAKANA_SHIFT)


def _syllables(kana: str) -> list[str]:
    out: list[str] = []
    double = False
    for ch in _to_hiragana(kana):
        if ch in _SMALL_Y and out and out[-1].endswith("i") and len(out[-1]) > 1:
            stem = out[-1][:-1]  # き+ゃ: kya; し+ゃ: sha; じ+ゃ: ja
            palatal = stem.endswith(("sh", "ch", "j"))  # also after a doubling: っちゃ
            out[-1] = stem + ("" if palatal else "y") + _SMALL_Y[ch]
        elif ch in _SMALL_VOWEL and out and out[-1] not in _BARE_VOWELS:
            out[-1] = out[-1][:-1] + _SMALL_VOWEL[ch]  # ふ+ぁ: fa; て+ぃ: ti
        elif ch in _SMALL_VOWEL and out and out[-1] == "u":
            out[-1] = "w" + _SMALL_VOWEL[ch]  # う+ぃ: wi
        elif ch == "っ":
            double = True
        elif ch in "々ゝ" and out:
            out.append(out[-1])  # the previous syllable again
        elif ch == "ー":
            continue  # a long vowel: passports do not write it
        elif ch in _SYLLABLE or ch in _SMALL_Y or ch in _SMALL_VOWEL:
            syllable = _SYLLABLE.get(ch) or _SMALL_Y.get(ch) or _SMALL_VOWEL[ch]
            if double and syllable[0] not in _BARE_VOWELS:
                syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
            double = False
            out.append(syllable)
        else:
            double = False
            out.append(ch)
    return out


def kana_to_latin(kana: str) -> str:
    """Kana (hiragana, katakana, half-width katakana) in passport Hepburn, lowercase.

    Long vowels are not written (おう, おお, うう and ー), ん before b, m or p is ``m``, and
    a doubled consonant before ``ch`` is ``tch``.  Anything that is not kana is kept.

    Examples:
        >>> [kana_to_latin(k) for k in ["やまだ", "さとう", "じゅんいちろう", "イノウエ"]]
        ['yamada', 'sato', 'junichiro', 'inoue']
        >>> [kana_to_latin(k) for k in ["きっかわ", "ほんま", "おおの", "ﾕｳｷ", "ジョン"]]
        ['kikkawa', 'homma', 'ono', 'yuki', 'jon']
    """
    syllables = _syllables(kana)
    out: list[str] = []
    for k, syllable in enumerate(syllables):
        before = out[-1] if out else ""
        after = syllables[k + 1] if k + 1 < len(syllables) else ""
        # おう, うう, おお: a long vowel, unless a vowel follows (いのうえ is i-no-ue).
        long_vowel = (syllable == "u" and before[-1:] in ("o", "u")) or (
            syllable == "o" and before[-1:] == "o")
        if long_vowel and after not in _BARE_VOWELS:
            continue
        if syllable == "n" and after[:1] in ("b", "m", "p"):
            syllable = "m"
        out.append(syllable)
    return "".join(out)


def fold_kana(text: str) -> str:
    """``text`` with each run of kana in passport Hepburn (:func:`kana_to_latin`).

    >>> fold_kana("やまだ たろう")
    'yamada taro'
    """
    return _KANA_RUN.sub(lambda match: kana_to_latin(match.group()), text)


def has_kana(text: str) -> bool:
    """Whether ``text`` holds kana.

    >>> has_kana("山田たろう"), has_kana("山田太郎")
    (True, False)
    """
    return _KANA_RUN.search(text) is not None


def is_japanese(words: list[str], han_only: bool, *, compounds: frozenset[str],
                surname: bool = False) -> bool:
    """Whether a name is read as Japanese (see the module's rule).

    Args:
        words: the name's words (split on white space and name dots).
        han_only: the words are all Chinese characters (kana aside).
        compounds: the Chinese two-character surnames (欧阳, 司马, ...).
        surname: the name is a family name.

    Examples:
        >>> cn = frozenset({"欧阳"})
        >>> [is_japanese(w, True, compounds=cn) for w in (["山田太郎"], ["山田", "太郎"])]
        [True, True]
        >>> [is_japanese(w, True, compounds=cn) for w in (["张伟"], ["欧阳娜娜"], ["张", "伟"])]
        [False, False, False]
        >>> is_japanese(["やまだ"], False, compounds=cn), is_japanese(["山田"], True,
        ...     compounds=cn, surname=True)
        (True, True)
    """
    if any(has_kana(word) for word in words):
        return True
    if not han_only or not words:
        return False
    if len(words) >= 2:
        return len(words[0]) >= 2 and words[0] not in compounds
    word = words[0]
    if surname:
        return len(word) >= 2 and word not in compounds and word[:2] not in compounds
    return len(word) >= 4 and word[:2] not in compounds


_LOCK = threading.Lock()  # a SudachiPy tokenizer must not be used by two threads at once


@functools.cache
def _tokenizer() -> Any:
    try:
        from sudachipy import Dictionary, SplitMode

        return Dictionary(dict="core").tokenizer(mode=SplitMode.C)
    except Exception as exc:  # the extra missing, or its dictionary: keep the old reading
        logger.warning(
            "Japanese names are read without a dictionary (%s): kanji keep their Chinese "
            "reading and kana written without a space is not split into family and given "
            "name. Install the extra to read them: pip install 'unifyprofile[japanese]'",
            exc)
        return None


def reader_available() -> bool:
    """Whether kanji can be read in Japanese (the ``japanese`` extra is installed)."""
    return _tokenizer() is not None


def read_name(word: str, *, family_name: bool = False) -> list[tuple[str, bool]] | None:
    """One word of a Japanese name read with the dictionary: its parts in passport
    Hepburn, each with whether it is a family name; None without the dictionary or when a
    character has no Japanese reading.

    A word the dictionary splits into a family name then more (山田太郎) gives two
    parts; any other word gives one.  With ``family_name``, a word in characters must be
    one family name the dictionary knows (山田, 高橋), else None: two characters in a
    family-name column may as well be a whole Chinese name put there (王芳).
    """
    tokenizer = _tokenizer()
    if tokenizer is None:
        return None
    with _LOCK:
        morphemes = [(m.surface(), m.reading_form(), m.part_of_speech())
                     for m in tokenizer.tokenize(word)]
    kana: list[str] = []
    family = False
    for k, (surface, reading, pos) in enumerate(morphemes):
        if pos[0] in ("空白", "補助記号"):  # white space, punctuation
            continue
        # Kana reads as it is written; a kana word the dictionary does not know may get
        # a reading that drops letters.
        reading = surface if _KANA_RUN.fullmatch(surface) else reading
        if not _KANA_RUN.fullmatch(reading):
            return None
        if k == 0:
            family = pos[2] == "人名" and pos[3] == "姓"
        kana.append(reading)
    if not kana:
        return None
    if family_name and not has_kana(word) and not (family and len(kana) == 1):
        return None
    if family and len(kana) > 1:
        return [(kana_to_latin(kana[0]), True), (kana_to_latin("".join(kana[1:])), False)]
    return [(kana_to_latin("".join(kana)), family)]
