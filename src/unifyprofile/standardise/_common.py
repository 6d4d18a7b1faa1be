"""Shared machinery of the standardisers: run a parser once per distinct value.

Every public standardiser factorises its input, applies a plain Python function to the
distinct non-null values only, and takes the results back by code, so a column of a
million rows with a few hundred thousand distinct values costs a few hundred thousand
calls, never a million.  Outputs keep the input's index; string outputs are ``object``
columns holding ``str`` or ``None`` (the same under pandas 2 and 3).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from anyascii import anyascii

from unifyprofile._columns import arrow_codes, few_codes
from unifyprofile.errors import DataError
from unifyprofile.schema import INVALID as INVALID  # the flag, for the standardisers

#: Flag values of a rejected value.
PLACEHOLDER = "placeholder"

#: Result of a std parser: (standardised value or None, flag or None).
StdFlag = tuple[str | None, str | None]

_NULL_STD_FLAG: StdFlag = (None, None)


#: A letter's UTF-8 bytes read back one by one as Windows-1252 or Latin-1: a lead byte
#: (``Ã``, ``Ð``, ``â``) and a continuation byte (``¼``, ``©``, ``€``, a control
#: character).  Only text holding such a pair is handed to ftfy.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022"
    "\u2026\u2030\u2039\u203a\u20ac\u2122]")


#: What a partial repair leaves: a lead byte not followed by a letter, a no-break space
#: or a control character that stood for a byte.
_LEFT_OVER = re.compile("[\u00c2\u00c3](?![^\\W\\d_])|[\u0080-\u00a0]")


def repair_mojibake(text: str) -> str:
    """Text that one system wrote as UTF-8 and another read as Windows-1252 or Latin-1,
    read back as it was written (``MÃ¼ller`` -> ``Müller``), with ftfy (Apache-2.0).

    :func:`ascii_fold` and the name standardiser repair before they fold: their ASCII
    output never needs repairing again, so they stay idempotent.  Identifiers, e-mail
    addresses, phones and dates are not repaired.

    A repair that leaves bytes of a broken sequence behind is not made: text that was
    double-encoded and then lower-cased (``mã¼ller``) has lost what it needs.

    Examples:
        >>> repair_mojibake("JosÃ© GarcÃ­a"), repair_mojibake("Müller")
        ('José García', 'Müller')
        >>> repair_mojibake("Â¼Ã Ã Ã"), repair_mojibake("SÃO PAULO")
        ('Â¼Ã Ã Ã', 'SÃO PAULO')
    """
    if text.isascii() or not _MOJIBAKE.search(text):
        return text
    import ftfy  # only for the few values that need it

    fixed = text
    for _ in range(3):  # text double-encoded twice is repaired twice
        again = str(ftfy.fix_encoding(fixed))
        # A repair that leaves bytes of a broken sequence behind ("¼à Ã", from text
        # double-encoded and then lower-cased) guessed, and would read the same text
        # differently in upper case: not made.
        if again == fixed or _LEFT_OVER.search(again):
            break
        fixed = again
    return fixed


#: A whole number written as a float: a column of integers with a gap, written out by
#: pandas or a spreadsheet ("94105.0", "447911123456.0").
_FLOAT_WRITTEN = re.compile(r"(\d+)\.0+")


def whole_number_text(text: str) -> str:
    """``text`` without the ``.0`` of a whole number written as a float.

    >>> whole_number_text("94105.0"), whole_number_text("3.5"), whole_number_text("A1.0")
    ('94105', '3.5', 'A1.0')
    """
    match = _FLOAT_WRITTEN.fullmatch(text)
    return match.group(1) if match else text


def whole_numbers(values: pd.Series) -> pd.Series:
    """:func:`whole_number_text` over a column of text at once (a value it changes is
    stripped too; other values, and values that are not text, are kept as they are).

    >>> whole_numbers(pd.Series(["1996.0", " 12.00 ", "3.5", None])).tolist()
    ['1996', '12', '3.5', None]
    """
    floats = values.str.fullmatch(rf"\s*{_FLOAT_WRITTEN.pattern}\s*").to_numpy(
        dtype=bool, na_value=False)
    if not floats.any():
        return values
    return values.where(~floats, values.str.strip().str.replace(r"\.0+$", "", regex=True))


def to_text(value: Any) -> str | None:
    """Text of one distinct raw value, or None when it is blank.

    Integral floats lose their ``.0``, whether read as numbers or as text (a column of
    whole numbers with a gap, written out as floats, gives ``94105.0``).

    >>> to_text(94105.0), to_text(" 94105.0 "), to_text(" ")
    ('94105', '94105', None)
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        text = whole_number_text(value.strip())
        return text or None
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return None
        if math.isfinite(value) and float(value).is_integer():
            return str(int(value))
    text = str(value).strip()
    return text or None


_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")
#: Greek ``ου`` is ``ou``; ``αυ``, ``ευ``, ``ηυ`` are ``av``/``ev``/``iv``, or ``af``/``ef``/``if``
#: before a voiceless consonant and at the end of a word (ELOT 743, the spelling of Greek
#: passports).  An upsilon with a diaeresis (``ϋ``) is never part of a diphthong.
_GREEK_OU = re.compile("([οόΟΌ])([υύΥΎ])")
_GREEK_VU = re.compile("([αάεέηήΑΆΕΈΗΉ])([υύΥΎ])(?=(.?))", re.DOTALL)
_GREEK_VOICELESS = frozenset("θκξπσςτφχψΘΚΞΠΣΤΦΧΨ")
#: Hangul syllables whose initial is ㄹ: anyascii reads it ``l`` wherever it stands, the
#: Revised Romanisation (and the usual spelling of names: Ryu, Seorin, Boram) ``r``.
_HANGUL_RIEUL = {cp: "R" + anyascii(chr(cp))[1:] for cp in range(0xAC00 + 5 * 588,
                                                                  0xAC00 + 6 * 588)}


def _greek_diphthong(match: re.Match[str]) -> str:
    vowel, upsilon, after = match.groups()
    voiceless = after == "" or after in _GREEK_VOICELESS or not after.isalpha()
    latin = anyascii(vowel) + ("f" if voiceless else "v")
    return latin.upper() if upsilon.isupper() else latin


def _greek_ou(match: re.Match[str]) -> str:
    omicron, upsilon = match.groups()
    return ("O" if omicron.isupper() else "o") + ("U" if upsilon.isupper() else "u")


def transliterate(text: str) -> str:
    """ASCII transliteration of any script, with anyascii (ISC licence).

    Three repairs keep names comparable with their usual Latin spelling: every Han
    character is its own word (``北京`` -> ``"Bei Jing "``, as word tokens expect), Greek
    diphthongs follow ELOT 743 (``Παπαδόπουλος`` -> ``Papadopoulos``, ``Σταύρος`` ->
    ``Stavros``) and a Hangul syllable opening on ㄹ opens on ``r`` (``류`` -> ``Ryu``).

    Args:
        text: any text.

    Returns:
        The text in ASCII, letter case kept where the script has one.

    Examples:
        >>> transliterate("Zoë Ångström, Владимир Щербаков, Χρήστος Παπαδόπουλος")
        'Zoe Angstrom, Vladimir Shcherbakov, Christos Papadopoulos'
        >>> transliterate("류서린 やまだ 北京")
        'RyuSeoRin yamada Bei Jing '
    """
    if text.isascii():
        return text
    if _HAN_RUN.search(text):
        text = _HAN_RUN.sub(lambda m: "".join(anyascii(ch) + " " for ch in m.group()), text)
    if "υ" in text or "ύ" in text or "Υ" in text or "Ύ" in text:
        text = _GREEK_VU.sub(_greek_diphthong, _GREEK_OU.sub(_greek_ou, text))
    return anyascii(text.translate(_HANGUL_RIEUL))


def ascii_fold(text: str) -> str:
    """Repair double-encoded text (:func:`repair_mojibake`), NFKC-normalise,
    transliterate to ASCII (:func:`transliterate`) and lowercase.

    Examples:
        >>> ascii_fold("Łukasz Żółć, Юлия, 김민준, MÃ¼ller")
        'lukasz zolc, yuliya, gimminjun, muller'
    """
    return transliterate(unicodedata.normalize("NFKC", repair_mojibake(text))).lower()


def check_series(values: Any, name: str = "values") -> pd.Series:
    """Return ``values`` if it is a Series, else raise :class:`DataError`."""
    if not isinstance(values, pd.Series):
        raise DataError(f"'{name}' must be a pandas Series (got {type(values).__name__})")
    return values


def align_param(param: Any, values: pd.Series, name: str) -> pd.Series | None:
    """Return ``param`` if it is a Series with the index of ``values``; None if scalar."""
    if not isinstance(param, pd.Series):
        return None
    if len(param) != len(values) or not param.index.equals(values.index):
        raise DataError(
            f"'{name}' given as a Series must have the same index as the values "
            f"(got {len(param)} rows for {len(values)} values); build it from the same "
            f"table, e.g. records['source'].map({{'crm': 'GB'}})"
        )
    return param


def _take(results: list[Any], codes: np.ndarray) -> np.ndarray:
    # One extra slot at the end holds the null result, so code -1 takes None.
    table = np.fromiter([*results, None], dtype=object, count=len(results) + 1)
    return table[codes]


Distinct = tuple[np.ndarray, list[Any]]
"""Codes into a list of per-distinct results (code -1: null value)."""


def factorize(values: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Codes (-1 for null) and distinct values of ``values``.

    On an object column of strings only, pandas hashes C strings, so ``"a"`` and
    ``"a\x00b"`` would collide; one appended null makes it hash Python objects.
    """
    check_series(values)
    few = few_codes(values)
    if few is not None:
        return few
    encoded = arrow_codes(values)
    if encoded is not None:  # Python objects of the distinct values only
        return encoded[0], encoded[1].to_pylist()
    if values.dtype == object or getattr(values.dtype, "storage", None) == "python":
        array = values.to_numpy(dtype=object)
        if len(array) and not pd.isna(array).any():
            codes, uniques = pd.factorize(
                np.concatenate([array, np.array([None], dtype=object)]), use_na_sentinel=True
            )
            return np.asarray(codes[:-1]), list(uniques)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.asarray(codes), list(uniques)


def distinct(values: pd.Series, func: Callable[[Any], Any]) -> Distinct:
    """Apply ``func`` once per distinct non-null raw value of ``values``."""
    codes, uniques = factorize(values)
    return codes, [func(raw) for raw in uniques]


def distinct_pairs(
    values: pd.Series, param: Any, *, name: str, default: Any
) -> tuple[np.ndarray, list[Any], list[Any]]:
    """Codes (-1 for a null value) into the distinct (value, parameter) pairs of ``values``.

    ``param`` is a scalar or a Series with the index of ``values``; null parameters
    fall back to ``default``.

    Returns:
        The codes, and each pair's value and parameter.
    """
    values = check_series(values)
    per_row = align_param(param, values, name)
    v_codes, v_uniques = factorize(values)
    if per_row is None:
        return v_codes, v_uniques, [param] * len(v_uniques)
    p_codes, p_uniques = factorize(per_row)
    p_params = [*p_uniques, default]
    width = len(p_params)
    p_codes = np.where(p_codes < 0, width - 1, p_codes).astype(np.int64)
    pair_keys = np.where(v_codes < 0, -1, v_codes.astype(np.int64) * width + p_codes)
    codes, pair_uniques = pd.factorize(pair_keys, use_na_sentinel=True, sort=False)
    # factorize treats no int as null, so map the -1 pair (null value) back to code -1.
    keys = pair_uniques.tolist()
    codes = np.asarray(codes)
    if -1 in keys:
        null = keys.index(-1)
        codes = np.where(codes == null, -1, codes - (codes > null))
        keys.pop(null)
    return codes, [v_uniques[k // width] for k in keys], [p_params[k % width] for k in keys]


def distinct_with(
    values: pd.Series, param: Any, func: Callable[[Any, Any], Any], *, name: str, default: Any
) -> Distinct:
    """Apply ``func(value, param)`` once per distinct (value, parameter) pair.

    ``param`` is a scalar or a Series with the index of ``values``; null parameters
    fall back to ``default``.  Null values get code -1.
    """
    codes, raw, params = distinct_pairs(values, param, name=name, default=default)
    return codes, [func(v, p) for v, p in zip(raw, params, strict=True)]


def text_func(func: Callable[[str], Any], blank: Any = None) -> Callable[[Any], Any]:
    """Wrap a parser of non-blank text so that blank raw values give ``blank``."""

    def wrapped(raw: Any) -> Any:
        text = to_text(raw)
        return blank if text is None else func(text)

    return wrapped


def text_func_with(func: Callable[[str, Any], Any], blank: Any = None) -> Callable[[Any, Any], Any]:
    """Two-argument form of :func:`text_func`."""

    def wrapped(raw: Any, param: Any) -> Any:
        text = to_text(raw)
        return blank if text is None else func(text, param)

    return wrapped


def object_series(result: Distinct, values: pd.Series) -> pd.Series:
    """An object Series of per-row results with the index and name of ``values``."""
    codes, results = result
    return pd.Series(_take(results, codes), index=values.index, name=values.name, dtype=object)


def map_text(values: pd.Series, func: Callable[[str], Any]) -> pd.Series:
    """Apply ``func`` once per distinct non-blank text; blanks give None."""
    return object_series(distinct(values, text_func(func)), values)


def std_flag_frame(result: Distinct, values: pd.Series) -> pd.DataFrame:
    """Build the ``std``/``flag`` frame from per-distinct (std, flag) pairs (or None)."""
    codes, results = result
    pairs = [_NULL_STD_FLAG if pair is None else pair for pair in results]
    return std_flag_columns(codes, [p[0] for p in pairs], [p[1] for p in pairs], values)


def std_flag_columns(codes: np.ndarray, std: Any, flag: Any, values: pd.Series) -> pd.DataFrame:
    # From the object arrays directly (no Series to align): the same frame, built in a
    # fraction of the time, which counts when one record is resolved.
    return pd.DataFrame({"std": _take(std, codes), "flag": _take(flag, codes)},
                        index=values.index, dtype=object)


FastPath = Callable[[pa.Array], tuple[np.ndarray, pa.Array, pa.Array]]

#: Fewer distinct values than this are parsed one by one, without the vectorised path.
FAST_PATH_MIN = 256
"""Parses what it can of an Arrow string array at once: (done mask, std, flag)."""


def map_std_flag_fast(
    values: pd.Series, fast: FastPath, slow: Callable[[str], StdFlag]
) -> pd.DataFrame:
    """Like :func:`map_std_flag`, with a vectorised ``fast`` path over the distinct values:
    ``slow`` parses, one by one, only the values ``fast`` leaves undone."""
    codes, uniques = factorize(check_series(values))
    parse = text_func(slow, blank=_NULL_STD_FLAG)
    std, flag = parse_fast(uniques, fast, lambda k: parse(uniques[k]))
    return std_flag_columns(codes, std, flag, values)


def fast_part(uniques: list[Any], fast: FastPath) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What ``fast`` decides in Arrow of distinct raw values: (std, flag) object arrays
    and the positions it leaves undone (all of them when the values are few: one record
    resolved against a store, where Arrow's per-call cost would exceed the parsing)."""
    if len(uniques) < FAST_PATH_MIN:
        nothing = np.full(len(uniques), None, dtype=object)
        return nothing, nothing.copy(), np.arange(len(uniques))
    text = pa.array([u if isinstance(u, str) else None for u in uniques], pa.string())
    done, std_arrow, flag_arrow = fast(text)
    std = std_arrow.to_numpy(zero_copy_only=False).astype(object)
    flag = flag_arrow.to_numpy(zero_copy_only=False).astype(object)
    return std, flag, np.flatnonzero(~done)


def parse_fast(
    uniques: list[Any], fast: FastPath, slow: Callable[[int], StdFlag]
) -> tuple[np.ndarray, np.ndarray]:
    """(std, flag) object arrays for distinct raw values: ``fast`` decides what it can in
    Arrow (see :func:`fast_part`), ``slow(k)`` gives the pair of each value ``k`` it
    leaves undone."""
    std, flag, todo = fast_part(uniques, fast)
    for k in todo:
        std[k], flag[k] = slow(int(k))
    return std, flag


def map_std_flag(values: pd.Series, func: Callable[[str], StdFlag]) -> pd.DataFrame:
    """Apply a (std, flag) parser once per distinct non-blank text.

    Blank input gives ``(None, None)``: a missing value is not a rejected one.
    """
    return std_flag_frame(distinct(values, text_func(func)), values)
