"""Postal addresses: street lines, cities, states, postcodes and countries.

Street lines are folded to ASCII, lowercased, stripped of punctuation and their words
shortened to USPS-style abbreviations (``street`` -> ``st``, ``apartment`` -> ``apt``),
so that spelling and formatting differences disappear before comparison.
"""

from __future__ import annotations

import functools
import gettext
import re
import unicodedata

import numpy as np
import pandas as pd
import pycountry

from ._common import align_param, ascii_fold, map_text

__all__ = [
    "known_country",
    "known_state",
    "standardise_address",
    "standardise_city",
    "standardise_country",
    "standardise_postcode",
    "standardise_state",
]

_DROPPED = re.compile(r"['`.]")
_NON_WORD = re.compile(r"[^a-z0-9#]+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_HASH = re.compile(r"#")
_PO_BOX = re.compile(r"\b(?:post office|p o) box\b")
_JUNK = frozenset({"unknown", "n a", "na", "none", "null", "nil", "tbd", "x"})


def _is_junk(key: str) -> bool:
    """A folded address, town or region that stands for no value: ``n a``, ``unknown``,
    one letter repeated (``x``, ``xxx``), or a "no ..." / "not ..." phrase without a number
    (``no address``, ``not provided``, ``no fixed abode``; ``no 5 high st`` is a
    house number)."""
    if not key or key in _JUNK or (len(key) > 1 and len(set(key.replace(" ", ""))) == 1):
        return True
    return key.startswith(("no ", "not ")) and not any(c.isdigit() for c in key)

_ADDRESS_WORDS = {
    "street": "st",
    "str": "st",
    "road": "rd",
    "avenue": "ave",
    "av": "ave",
    "avn": "ave",
    "boulevard": "blvd",
    "blv": "blvd",
    "drive": "dr",
    "drv": "dr",
    "lane": "ln",
    "court": "ct",
    "crt": "ct",
    "place": "pl",
    "square": "sq",
    "terrace": "ter",
    "terr": "ter",
    "crescent": "cres",
    "highway": "hwy",
    "parkway": "pkwy",
    "pky": "pkwy",
    "expressway": "expy",
    "freeway": "fwy",
    "circle": "cir",
    "close": "cl",
    "gardens": "gdns",
    "grove": "gr",
    "mews": "mews",
    "heights": "hts",
    "mount": "mt",
    "mountain": "mtn",
    "point": "pt",
    "trail": "trl",
    "way": "way",
    "alley": "aly",
    "center": "ctr",
    "centre": "ctr",
    "estate": "est",
    "junction": "jct",
    "plaza": "plz",
    "route": "rte",
    "apartment": "apt",
    "apartments": "apt",
    "flat": "apt",
    "suite": "ste",
    "unit": "unit",
    "floor": "fl",
    "flr": "fl",
    "room": "rm",
    "building": "bldg",
    "bld": "bldg",
    "department": "dept",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
}
#: Words after which ``#`` is just a number sign ("apt #4" -> "apt 4").
_UNIT_WORDS = frozenset({"apt", "ste", "unit", "fl", "rm", "bldg", "box", "no", "lot"})

_CITY_WORDS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "pt": "point"}

#: Countries whose subdivisions a bare code ("WA", "ON") or a name that several countries'
#: subdivisions share stands for when a record has no country, in this order: a state
#: column without a country holds a US, Canadian or Australian state more often than not.
_STATE_COUNTRIES = ("US", "CA", "AU")
#: Languages whose names of subdivisions are read besides ISO 3166-2's own (pycountry's
#: translations): "Bavaria" and "Bavière" as well as "Bayern".
_STATE_LANGUAGES = ("en", "de", "fr", "es")

#: Names and abbreviations of countries that ISO 3166 (pycountry) does not list: common
#: short forms, parts of a country, and native names.
_COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("america", "us of a", "united states of america"),
    "GB": ("uk", "great britain", "britain", "england", "scotland", "wales",
           "northern ireland"),
    "CN": ("prc", "mainland china", "中国", "中华人民共和国", "zhong guo"),
    "NZ": ("aotearoa",),
    "IE": ("eire", "republic of ireland"),
    "DE": ("ger", "deutschland"),
    "ES": ("espana",),
    "IT": ("italia",),
    "NL": ("the netherlands", "holland", "nederland"),
    "BE": ("belgique", "belgie"),
    "CH": ("schweiz", "suisse", "svizzera"),
    "AT": ("osterreich", "oesterreich"),
    "SE": ("sverige",),
    "NO": ("norge",),
    "DK": ("danmark",),
    "FI": ("suomi",),
    "PL": ("polska",),
    "TR": ("turkey", "turkiye"),
    "RU": ("russia", "rossiia", "россия"),
    "AE": ("uae",),
    "IN": ("bharat",),
    "JP": ("nippon", "日本"),
    "KR": ("korea", "korea republic of", "대한민국", "한국"),
    "TW": ("taiwan", "台湾", "台灣"),
    "HK": ("香港",),
    "VN": ("vietnam",),
    "BR": ("brasil",),
}


@functools.cache
def _country_keys() -> dict[str, str]:
    """Folded name -> ISO 3166 alpha-2 code: every code, name, official and common name
    in pycountry, then the aliases above."""
    keys: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                keys.setdefault(" ".join(_words(value)), country.alpha_2)
    for code, names in _COUNTRY_ALIASES.items():
        for name in names:
            keys[name] = code
    return keys


def known_country(text: str) -> bool:
    """True for a country's ISO 3166 code or name, or a known alias (``"Deutschland"``).

    >>> known_country("JP"), known_country("Deutschland"), known_country("Tokyo")
    (True, True, False)
    """
    keys = _country_keys()
    return unicodedata.normalize("NFKC", text).strip().lower() in keys \
        or " ".join(_words(text)) in keys


@functools.cache
def _subdivisions() -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """ISO 3166-2 subdivisions (pycountry) by folded name or code.

    Returns ``(within, alone)``: ``within`` maps (country, key) to the subdivision's
    code; ``alone`` maps a key to the code it stands for in a record with no country: a
    code or name of a subdivision of the first of :data:`_STATE_COUNTRIES` that has one,
    else a name that one top-level subdivision in the world holds ("Bayern", "Bavaria").
    """
    translations = [gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang],
                                        fallback=True) for lang in _STATE_LANGUAGES]
    within: dict[tuple[str, str], str] = {}
    named: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        country, code = sub.country_code, sub.code
        names = {sub.name}
        if sub.parent_code is None:  # translated: the states, provinces and regions
            names |= {t.gettext(sub.name) for t in translations}
        keys = {" ".join(_words(name)) for name in names}
        for key in keys | {code.partition("-")[2].lower(), " ".join(_words(code))}:
            within.setdefault((country, key), code)
        if sub.parent_code is None:
            for key in keys:
                named.setdefault(key, set()).add(code)
    alone = {key: next(iter(codes)) for key, codes in named.items() if len(codes) == 1}
    for country in reversed(_STATE_COUNTRIES):
        alone |= {key: code for (held, key), code in within.items() if held == country}
    # A code standardised already ("US-NH") stands for itself: standardising is idempotent.
    alone |= {" ".join(_words(sub.code)): sub.code for sub in pycountry.subdivisions}
    return within, alone


@functools.cache
def _state_keys() -> frozenset[str]:
    within = _subdivisions()[0]
    return frozenset(key for country, key in within if country in _STATE_COUNTRIES)


def known_state(text: str) -> bool:
    """True for a US, Canadian or Australian state or province, by name or postal code.

    (Other countries' regions are left out: many share a name with their largest city,
    Tokyo, Berlin or Vienna, and this tells a column of states from one of cities.)

    >>> known_state("ca"), known_state("New South Wales"), known_state("Bavaria")
    (True, True, False)
    """
    return " ".join(_words(text)) in _state_keys()


def _words(text: str) -> list[str]:
    text = _DROPPED.sub("", ascii_fold(text))
    return _NON_ALNUM.sub(" ", text).split()


def _address_one(text: str) -> str | None:
    text = _DROPPED.sub("", ascii_fold(text))
    text = _HASH.sub(" # ", _NON_WORD.sub(" ", text))
    words: list[str] = []
    for token in text.split():
        if token == "#":
            if not (words and words[-1] in _UNIT_WORDS):
                words.append("apt")
            continue
        words.append(_ADDRESS_WORDS.get(token, token))
    result = _PO_BOX.sub("po box", " ".join(words))
    return None if _is_junk(result) else result


def standardise_address(values: pd.Series) -> pd.Series:
    """Standardise street address lines.

    Args:
        values: raw address lines.

    Returns:
        An object Series with the index of ``values``: ASCII lowercase words without
        punctuation, street types, unit words and directions abbreviated the USPS way,
        ``#12`` written ``apt 12`` (None for blanks and junk such as ``"n/a"``).

    Examples:
        >>> raw = pd.Series(["12 North Main Street, Apartment #4", "Flat 2, 10 Baker St."])
        >>> standardise_address(raw).tolist()
        ['12 n main st apt 4', 'apt 2 10 baker st']
    """
    return map_text(values, _address_one)


_POSTCODE_JUNK = frozenset({"NA", "NONE", "NULL", "NIL", "UNKNOWN", "TBD", "XXXXX", "X"})
_ZIP_PLUS_4 = re.compile(r"(\d{5})\d{4}")
_NON_ALNUM_UPPER = re.compile(r"[^0-9A-Z]+")


_FLOAT_RENDERING = re.compile(r"(\d+)\.0+")


def _postcode_one(text: str) -> str | None:
    whole = _FLOAT_RENDERING.fullmatch(text.strip())
    if whole:  # 12345.0: a spreadsheet or a float column wrote the ZIP code as a number
        text = whole.group(1)
    code = _NON_ALNUM_UPPER.sub("", ascii_fold(text).upper())
    zip_plus_4 = _ZIP_PLUS_4.fullmatch(code)
    if zip_plus_4:
        code = zip_plus_4.group(1)
    if not code or code in _POSTCODE_JUNK or set(code) == {"0"} or (
            len(code) >= 4 and len(set(code)) == 1):  # 99999, 1111: a placeholder
        return None
    return code


def standardise_postcode(values: pd.Series) -> pd.Series:
    """Standardise postcodes and ZIP codes.

    Args:
        values: raw postcodes.

    Returns:
        An object Series with the index of ``values``: uppercase, without spaces,
        dashes or other punctuation; ZIP+4 is cut to the 5-digit ZIP; a number written
        as a float (``12345.0``) loses its ``.0``; placeholders (``00000``, ``n/a``) give
        None.

    Examples:
        >>> raw = pd.Series(["94105-1234", "sw1a 1aa", "00000", "12345.0"])
        >>> standardise_postcode(raw).tolist()
        ['94105', 'SW1A1AA', None, '12345']
    """
    return map_text(values, _postcode_one)


def _city_one(text: str) -> str | None:
    # A postcode written beside the town ("60294 Recklinghausen") is no part of it.
    result = " ".join(_CITY_WORDS.get(w, w) for w in _words(text)
                      if not any(c.isdigit() for c in w))
    return None if _is_junk(result) else result


def standardise_city(values: pd.Series) -> pd.Series:
    """Standardise city names.

    Args:
        values: raw city names.

    Returns:
        An object Series with the index of ``values``: ASCII lowercase words without
        punctuation; ``St.``, ``Ft.`` and ``Mt.`` spelled out; words with digits (a
        postcode beside the town) left out.

    Examples:
        >>> standardise_city(pd.Series(["St. Louis", "SÃO PAULO", "Winston-Salem",
        ...                             "60294 Recklinghausen"])).tolist()
        ['saint louis', 'sao paulo', 'winston salem', 'recklinghausen']
    """
    return map_text(values, _city_one)


def _state_one(text: str, country: str | None = None) -> str | None:
    key = " ".join(_words(text))
    if _is_junk(key):
        return None
    within, alone = _subdivisions()
    # Out of its record's country ("Texas" beside GB) a state is read as with no
    # country, so that two records of one state meet.
    found = within.get((country, key)) if country else None
    return found or alone.get(key) or key.upper()


def standardise_state(values: pd.Series, country: pd.Series | None = None) -> pd.Series:
    """Standardise states, provinces and regions to ISO 3166-2 codes.

    A name (in ISO 3166-2's own language, or a top-level subdivision's in English,
    German, French or Spanish) or a code becomes the subdivision's code, ``US-WA``
    or ``AU-WA``; with ``country`` it is read within that country, without it a code
    or a name that several countries share is a US, Canadian or Australian one, and a
    name that one country's top-level subdivision holds is that one.  Anything else is
    folded to ASCII uppercase words.

    Args:
        values: raw state or region names or codes.
        country: ISO alpha-2 codes (``country_std``) with the index of ``values``;
            null where a record has none.

    Returns:
        An object Series with the index of ``values``.

    Examples:
        >>> standardise_state(pd.Series(["California", "ca.", "N.S.W.", "Bavaria"])).tolist()
        ['US-CA', 'US-CA', 'AU-NSW', 'DE-BY']
        >>> standardise_state(pd.Series(["WA", "WA", "Western Australia"]),
        ...                   pd.Series(["US", "AU", None])).tolist()
        ['US-WA', 'AU-WA', 'AU-WA']
    """
    countries = align_param(country, values, "country")
    if countries is None:
        return map_text(values, _state_one)
    codes = [str(c).strip().upper() if isinstance(c, str) else "" for c in countries.tolist()]
    out = np.full(len(values), None, dtype=object)
    for held, rows in pd.Series(range(len(values))).groupby(codes, sort=False).groups.items():
        at = np.asarray(rows, dtype=np.int64)
        out[at] = map_text(values.iloc[at], functools.partial(
            _state_one, country=held or None)).to_numpy(dtype=object)
    return pd.Series(out, index=values.index, dtype=object)


def _country_one(text: str) -> str | None:
    keys = _country_keys()
    native = unicodedata.normalize("NFKC", text).strip().lower()
    if native in keys:
        return keys[native]
    key = " ".join(_words(text))
    if _is_junk(key):
        return None
    return keys.get(key, key.upper())


def standardise_country(values: pd.Series) -> pd.Series:
    """Standardise countries to ISO 3166 alpha-2 codes.

    Every country of ISO 3166 (from pycountry) is recognised by its alpha-2 or alpha-3
    code and its English name, official name or common name, and the usual short forms
    and native names by an alias table (``U.S.A.``, ``UK``, ``England``, ``PRC``,
    ``Deutschland``); other values are returned folded to ASCII uppercase words.

    Args:
        values: raw country names or codes.

    Returns:
        An object Series with the index of ``values``.

    Examples:
        >>> raw = pd.Series(["U.S.A.", "England", "中国", "gb", "Côte d'Ivoire", "Narnia"])
        >>> standardise_country(raw).tolist()
        ['US', 'GB', 'CN', 'GB', 'CI', 'NARNIA']
    """
    return map_text(values, _country_one)
