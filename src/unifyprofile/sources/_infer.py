"""Guess what each column of an unknown table holds, from its values first and its name second.

Used when a table arrives without a mapping (``unifyprofile evaluate DIR`` or
``unifyprofile infer`` without a config).  :func:`infer_roles` gives every column a
*role*: a canonical person field (``first_name``, ``email``, ``dob``, ...), or one of the
generic roles

=============== ===========================================================
``text``        free text: titles, descriptions, product names, lists of names
``amount``      a price, an amount or another measured number (``$399.00``, ``52.37``)
``year``        a four-digit year, also inside punctuation (``(1990).``)
``date``        a date that is not a date of birth
``identifier``  a code or number naming a thing (``sku``, ``isbn``)
``other_phone`` a phone number beside the record's phone (a mobile, a fax)
``categorical`` a handful of repeated values (``state``, ``type``)
``source``      the system a record came from: never evidence about the entity
``ignore``      empty, constant, or unique per row with nothing to compare
=============== ===========================================================

The values decide and the name is a hint.  A header is read as words in any case style
(``FirstName``, ``fname_c1``, ``MailingPostalCode``) and in several languages and
abbreviations (``vorname``, ``nn``, ``plz``, ``geb``); the head word counts most, so
``birth_place`` is a place and ``email_address`` an e-mail.  Values confirm or overrule
it: a column called ``email_address`` that holds dates is a date, an unnamed column of
e-mail addresses is an e-mail, a ``name`` column of ``GMBH``/``N V``/``INC`` values is a
company, and a column without any hint is a first name or a surname when its values
are mostly known given names or surnames (see :mod:`unifyprofile.standardise.lexicon`).

After every column has a role, the table is read as a whole:

* three integer columns holding a year, a month and a day of the same rows are one date
  (``by``, ``bm``, ``bd``), mapped as ``(year, month, day)``;
* two columns with the same person role that are never filled in the same row (a CRM's
  ``FirstName`` and a shop's ``First Name`` in one export) are one field;
  a second column filled alongside the first (``fname_c2``) is not the same field;
* a few-valued column whose value decides which other columns are filled (``crm`` rows
  have ``FirstName``, ``support`` rows do not) names the source system;
* a default that stands for "missing" (``0.0`` coordinates in most rows, ``N/A``) is
  reported as the column's placeholder, to be nulled before comparing.

Nothing here knows any particular data set.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from unifyprofile.standardise import whole_numbers
from unifyprofile.standardise.addresses import known_country, known_state
from unifyprofile.standardise.dates import parse_dates, standardise_date
from unifyprofile.standardise.lexicon import fold, lexicon

__all__ = ["GENERIC_ROLES", "ColumnRole", "canonical_mapping", "infer_columns", "infer_roles",
           "name_words"]

#: Roles that are not canonical person fields.
GENERIC_ROLES = ("text", "amount", "year", "date", "identifier", "other_phone", "categorical",
                 "source", "ignore")

# Header words (folded, lower case) that point at a role, in several languages and the
# usual abbreviations.  A header's words are read from the last (the head noun) back.
_HINT_WORDS: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in {
    "first_name": "first firstname fname fn forename forenames given givenname gname "
                  "vorname vorn vname vn prenom nombre nome voornaam fornavn fornamn "
                  "etunimi imie jmeno christian",
    "middle_name": "middle middlename mname",
    "last_name": "last lastname lname ln surname surnames sname family familyname "
                 "nachname nname nn familienname nom apellido apellidos cognome "
                 "achternaam efternavn efternamn sukunimi nazwisko prijmeni",
    "full_name": "fullname person contact customer client patient member kunde owner "
                 "holder applicant inventor",
    "dob": "dob birth born birthday birthdate bday geb geburt geburtsdatum gebdat "
           "gebdatum naissance nacimiento nascita geboorte geboortedatum fodelse "
           "fodselsdato",
    "email": "email emails mail courriel correo emailaddress",
    "phone": "phone phones tel telephone telefon telefono mobile mobil cell cellphone "
             "handy fon portable gsm fax landline phonenumber",
    "gender": "gender sex geschlecht sexe sexo genero",
    "city": "city town suburb locality municipality ort stadt wohnort gemeinde ville "
            "ciudad localidad citta comune plaats woonplaats stad village place",
    "state": "state province region county bundesland provincia departement prefecture",
    "postcode": "postcode zip zipcode postal plz postleitzahl cp cap postnummer postnr",
    "country": "country countries nation land pays pais paese staat",
    "address": "address addr adr street strasse str rue calle via adresse direccion "
               "indirizzo adres address1 address2 hausnummer hsnr hnr house housenumber "
               "streetnumber zusatz suite apt apartment building",
    "company": "company organization organisation org employer firma unternehmen "
               "societe empresa azienda bedrijf assignee business vendor manufacturer "
               "brand corporation institution affiliation",
    "ssn": "ssn socsec soc nationalid nin taxid steuerid sozialversicherung svnr "
           "versicherungsnummer",
    "source": "source src system sys origin quelle herkunft provenance dataset db "
              "database feed origen fuente sorgente bron",
    "amount": "price amount cost fee total salary income revenue value betrag preis "
              "montant prix importe precio balance debit credit",
    "year": "year yr jahr annee ano anno jaar",
    "date": "date time timestamp created datum fecha when",
    "identifier": "sku isbn issn ean upc gtin ref key doi",
    "text": "title description desc abstract summary text comment comments notes note "
            "product authors author venue journal label details keywords memo message "
            "subject titel beschreibung titre",
}.items()}
# Words that make a column the record's own bookkeeping (when it was last changed,
# synced or loaded), whatever else the header says: never evidence of who it is.
_BOOKKEEPING = frozenset({"updated", "modified", "changed", "lastmodified", "synced",
                          "imported", "loaded", "geandert", "aktualisiert", "modifie",
                          "modificado", "modificato"})
# Head words that name a kind of value, not a field: the word before them decides
# ("postal code", "phone number", "first name", "birth date"), else they do.
_WEAK_HEADS: dict[str, str | None] = {
    "name": "full_name", "names": "full_name", "nm": "full_name",
    "code": "identifier", "number": "identifier", "no": "identifier", "nr": "identifier",
    "num": "identifier", "id": "identifier", "nummer": "identifier", "numero": "identifier",
    "date": "date", "datum": "date", "year": "year", "value": None, "line": None,
    "list": None, "at": None, "on": None, "of": None, "c": None,
}
# Two-word phrases whose head alone would mislead.
_PHRASES: dict[tuple[str, str], str] = {
    ("email", "address"): "email", ("e", "mail"): "email", ("mail", "address"): "email",
    ("ip", "address"): "identifier", ("web", "address"): "identifier",
    ("company", "name"): "company", ("org", "name"): "company",
}

_JOINED = {"firstname": "first_name", "givenname": "first_name", "lastname": "last_name",
           "familyname": "last_name", "fullname": "full_name", "socsecid": "ssn",
           "dateofbirth": "dob", "birthdate": "dob", "emailaddress": "email",
           "phonenumber": "phone", "zipcode": "postcode", "postalcode": "postcode"}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
#: ZIP (and ZIP+4), 4-6 digit codes, UK and Canadian postcodes.
_POSTCODE = re.compile(r"\d{4,6}(-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|"
                       r"[A-Z]\d[A-Z] ?\d[A-Z]\d", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"^[\d\s()+\-./x]+$", re.IGNORECASE)
_DATE = re.compile(
    r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|(1[89]|20)\d{6})"
    r"([ t]\d{1,2}:\d{2}(:\d{2})?.*)?$",
    re.IGNORECASE,
)
# A year, alone or in a little punctuation: "1999", "(1990).", "[2003]".
_YEAR = re.compile(r"^[\s(\[{.,;:'\"-]*(1[5-9]|20)\d{2}[\s)\]}.,;:'\"-]*$")
#: Share of a given-name column's values of several words that must be given names only
#: for them to be a person's given names (not given name and surname).
GIVEN_NAMES = 0.8
#: Share of the rows holding any of a year, a month and a day column that must hold all
#: three for them to be one date (each part may be missing on its own now and then).
DATE_PARTS_TOGETHER = 0.8

# Thousands grouped by a comma, point, space or apostrophe ("1.299,00 €", "CHF 1'299.50").
_AMOUNT = re.compile(r"^[-+]?\s*(usd|eur|gbp|chf|[$€£¥])?\s*[-+]?\d{1,3}([,.\s'’]?\d{3})*"
                     r"([.,]\d+)?\s*(usd|eur|gbp|chf|[$€£¥])?$", re.IGNORECASE)
_CURRENCY = re.compile(r"[$€£¥]|\d[.,]\d{2}$")
_NUMBER = re.compile(r"^[-+]?\d+([.,]\d+)?$")
_INTEGER = re.compile(r"^[-+]?\d+$")
_FRACTION = re.compile(r"^[-+]?\d*[.,]\d+$")
_WORDS = re.compile(r"\w+")
#: A code written in groups ("DE89 3704 0044 0532 0130 00", "80.226.902-G"): letters and
#: digits in runs joined by spaces, dashes, dots or slashes.
_GROUPED_CODE = re.compile(r"^[A-Za-z0-9]+(?:[\s\-./]+[A-Za-z0-9]+)*$")
_LETTERS = re.compile(r"[^\W\d_]")
_STREET = re.compile(
    r"\b(?:street|st|road|rd|avenue|ave|av|lane|ln|drive|dr|place|pl|court|ct|crescent|"
    r"cres|circuit|cct|close|terrace|tce|parade|pde|highway|hwy|boulevard|blvd|way|"
    r"square|sq|parkway|pkwy|strasse|str|gasse|weg|platz|allee|ring|damm|rue|chemin|"
    r"calle|avenida|via|viale|piazza|straat|laan|gatan|vej|suite|apt|unit|po box)\b\.?",
    re.IGNORECASE)
# Legal forms ("N V", "S A" and "A G" spelled out in capitals too), and words that
# organisations carry in short names.
_LEGAL_FORM = re.compile(
    r"\b(?:inc|ltd|llc|llp|plc|gmbh|mbh|corp|corporation|company|co|pty|ag|sa|bv|nv|"
    r"kg|kgaa|ohg|spa|srl|sarl|sas|oy|oyj|asa|kk|ltda|limited|incorporated|"
    r"aktiengesellschaft|gesellschaft|kabushiki|kaisha|n\s?v|s\s?a|a\s?g|b\s?v)\b\.?",
    re.IGNORECASE)
_ORGANISATION_WORD = re.compile(
    r"\b(?:group|holdings?|industries|international|technologies|systems|laboratories|"
    r"electric|chemical|pharmaceuticals?|university|universitat|universite|universidad|"
    r"college|school|institute|institut|center|centre|hospital|bank|church|services|"
    r"association|foundation|club|store|shop|restaurant|agency|ministry|council)\b",
    re.IGNORECASE)
_GENDER_VALUES = frozenset({
    "m", "f", "male", "female", "man", "woman", "w", "h", "mann", "frau", "weiblich",
    "mannlich", "homme", "femme", "hombre", "mujer", "masculino", "femenino", "maschio",
    "femmina", "u", "x", "d",
})
_JUNK = frozenset({
    "n/a", "na", "n.a.", "none", "null", "nil", "unknown", "?", "??", "-", "--", "---", "x",
    "xx", "xxx", "tbd", "not available", "keine angabe", "k.a.", "inconnu",
    "desconocido", "0", "0.0", "0.00", "0.000", "-1", "9", "99", "999", "9999", "99999",
    "1900-01-01", "0000-00-00", "00/00/0000",
})

_SAMPLE = 3000
#: Same-role columns filled together in at most this share of rows are one field.
_DISJOINT = 0.05


@dataclass(frozen=True)
class ColumnRole:
    """What a column holds.

    Attributes:
        column: the column name.
        role: a canonical field (``"email"``) or a generic role (``"text"``).
        reason: one line saying why (shown by ``unifyprofile infer``).
        part: for a date spread over columns, which part this column holds
            (``"year"``, ``"month"`` or ``"day"``); else None.
        placeholder: a value that stands for "missing" in this column (a default
            such as ``0.0`` or ``N/A`` held by many rows); else None.
    """

    column: str
    role: str
    reason: str
    part: str | None = None
    placeholder: str | None = None


def name_words(name: object) -> list[str]:
    """The words of a column header, whatever its case style.

    >>> name_words("MailingPostalCode"), name_words("fname_c1"), name_words("geb_j")
    (['mailing', 'postal', 'code'], ['fname', 'c', '1'], ['geb', 'j'])
    """
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))
    text = re.sub(r"([A-Za-z])(\d)|(\d)([A-Za-z])", r"\1\3 \2\4", text)
    return [w for w in re.split(r"[^a-z0-9]+", fold(text)) if w]


def _word_role(word: str, modifier: bool = False) -> str | None:
    """The role a header word points at; ``modifier``: the word stands before a head
    such as "name" or "number" (``lst_nm``: "last", not "list")."""
    for role, words in _HINT_WORDS.items():
        if word in words:
            return role
    return _abbreviation(word, modifier) or _compound(word)


@functools.lru_cache(maxsize=4096)
def _compound(word: str) -> str | None:
    """The role of a compound header word (German, Dutch, Scandinavian): its head, the
    longest known word it ends with (``adresszusatz`` -> address), or, when the head
    names a kind of value (``nummer``, ``name``) or is unknown, its known first part
    (``ortsteil`` -> city, ``sozialversicherungsnummer`` -> ssn)."""
    if len(word) < 6 or not word.isalpha():
        return None
    weak = next((h for h in sorted(_WEAK_HEADS, key=len, reverse=True)
                 if len(h) >= 2 and word.endswith(h) and len(word) - len(h) >= 3), None)
    if weak is None:
        for cut in range(3, len(word) - 2):
            head = word[cut:]
            for role, words in _HINT_WORDS.items():
                if head in words:
                    modifier = _known(word[:cut])
                    if modifier and _word_role(modifier) == "email":
                        return "email"  # "emailadresse", "mailadres"
                    return role
    start = word[:len(word) - len(weak)] if weak else word
    for cut in range(len(start), 2, -1):
        known = _known(start[:cut])
        if known and _word_role(known) != "source":
            return _word_role(known)
    return None


def _known(part: str) -> str | None:
    """``part`` or ``part`` without a linking ``s``/``es``/``n``/``en`` if it is a known
    header word."""
    for known in (part, part.removesuffix("s"), part.removesuffix("es"),
                  part.removesuffix("n"), part.removesuffix("en")):
        if len(known) >= 3 and any(known in words for words in _HINT_WORDS.values()):
            return known
    return None


_VOWELS = re.compile(r"(?<!^)[aeiou]")


def _skeletons(word: str) -> set[str]:
    """``address`` -> ``adrs``, ``country`` -> ``cntry`` or ``cntr``: the first letter,
    then consonants (``y`` kept or not), doubles once."""
    bare = _VOWELS.sub("", word)
    return {re.sub(r"(.)\1+", r"\1", w) for w in (bare, bare[:1] + bare[1:].replace("y", ""))}


@functools.lru_cache(maxsize=4096)
def _abbreviation(word: str, modifier: bool = False) -> str | None:
    """The role of a header word that abbreviates a known word of exactly one role: its
    first four or more letters (``addr``, ``tele``) or its consonants (``phn``, ``adrs``,
    ``dscrptn``).  Shorter words and abbreviations two roles share (``coun``: county or
    country) point nowhere; the values still decide (see :func:`_role`)."""
    if len(word) < 3 or not word.isalpha():
        return None
    def shortens(known: str) -> bool:
        return len(known) > len(word) and known[0] == word[0] and (
            (len(word) >= 4 and known.startswith(word)) or word in _skeletons(known))

    if not modifier and any(shortens(head) for head in _WEAK_HEADS):
        return None  # a head "lst": last, or list
    roles = {role for role, words in _HINT_WORDS.items() for known in words
             if shortens(known)}
    roles.discard("source")  # never evidence: only a header that says so exactly
    return roles.pop() if len(roles) == 1 else None


#: Field words that outweigh a source word in one header ("pais_origen": a country).
_FIELDS_OVER_SOURCE = frozenset({"country", "city", "state", "postcode", "address", "email",
                                 "phone", "dob", "company"})


def _name_hint(name: object) -> tuple[str | None, bool]:
    """The role a column's name points at, if any, and whether a field word said so
    (``True``) or only a word for a kind of value such as "name" or "code" (``False``)."""
    words = name_words(name)
    joined = "".join(words)
    if _BOOKKEEPING & set(words):
        return "ignore", True
    if joined in _JOINED:
        return _JOINED[joined], True
    for pair, phrase_role in _PHRASES.items():
        if any(tuple(words[k:k + 2]) == pair for k in range(len(words) - 1)):
            return phrase_role, True
    weak: str | None = None
    seen_weak = False
    for k, word in enumerate(reversed(words)):
        role = _word_role(word, modifier=seen_weak)
        if role == "source":
            # "pais_origen", "origin country": the place is the field, the origin only
            # says which one.
            other = {_word_role(w) for w in words if w != word} & _FIELDS_OVER_SOURCE
            if len(other) == 1:
                return other.pop(), True
        if role is not None:
            if role in ("year", "date") and ("birth" in words or "geb" in words):
                return "dob", True
            if role == "address" and any(_word_role(w, modifier=True) == "email"
                                         for w in words[:len(words) - 1 - k]):
                return "email", True  # "eml_adrs", "mail_adresse"
            if role == "full_name" and weak == "identifier":
                return "identifier", True  # "customer number", "ptnt_id"
            return role, True
        if word in _WEAK_HEADS:
            if not seen_weak:
                weak, seen_weak = _WEAK_HEADS[word], True
            continue
        if word.isdigit() or len(word) == 1:
            continue  # "address_1", "fname_c1": a counter, not a word
        if seen_weak:
            break  # "site name", "patent id": the modifier is no field
    return weak, False


def _name_role(name: object) -> str | None:
    """The role a column's name points at, if any (see the module docs)."""
    return _name_hint(name)[0]


def _share(values: pd.Series, pattern: re.Pattern[str]) -> float:
    return float(values.str.match(pattern).mean()) if len(values) else 0.0


#: At most this many of a column's values are read for dates written with a month's
#: name ("12 March 1985", "12. März 1985", "1985年3月12日") when numeric shapes miss.
WORDED_DATES = 200


def _date_share(sample: pd.Series, words: pd.Series) -> float:
    """Share of ``sample`` that are dates: numeric shapes, else, where most values hold
    digits and a few words, as many as the date parser reads of the first
    :data:`WORDED_DATES` of them (month names in 22 languages)."""
    share = _share(sample, _DATE)
    if share >= 0.8 or not len(sample):
        return share
    worded = sample[sample.str.contains(r"\d") & sample.str.contains(_LETTERS)
                    & (words <= 6)]
    if len(worded) < 0.8 * len(sample):
        return share
    read = float(parse_dates(worded.iloc[:WORDED_DATES]).notna().mean())
    return max(share, read * len(worded) / len(sample))


@dataclass
class _Profile:
    filled: float
    distinct: int
    unique_ratio: float
    email: float
    phone: float
    code: float
    date: float
    year: float
    amount: float
    currency: float
    number: float
    integer: float
    fraction: float
    words: float
    organisation: float
    street: float
    gender: float
    length: float
    letters: float
    digits: float
    given: float
    surname: float
    person: float
    given_names: float
    int_max: float
    int_distinct: int
    month: float
    day: float
    country: float
    state: float


def _name_shares(sample: pd.Series) -> tuple[float, float, float, float]:
    """Shares of values whose first word is a given name, whose last word is a surname,
    and of two-to-four-word values that read as a person's name in either order; and
    the share of the values of several words whose every word is a given name (several
    given names: "Marie Claire Anne"), NaN with none."""
    if not len(sample):
        return 0.0, 0.0, 0.0, float("nan")
    words = lexicon()
    tokens = [[w for w in re.split(r"[^a-z]+", fold(s)) if w] for s in sample.tolist()]
    first = [t[0] if t else "" for t in tokens]
    last = [t[-1] if t else "" for t in tokens]
    given = np.fromiter((w in words.given for w in first), dtype=bool, count=len(first))
    surname = np.fromiter((w in words.surnames for w in last), dtype=bool, count=len(last))
    several = np.fromiter((2 <= len(t) <= 4 for t in tokens), dtype=bool, count=len(tokens))
    reversed_order = np.fromiter(
        (a in words.surnames and b in words.given for a, b in zip(first, last, strict=True)),
        dtype=bool, count=len(first))
    person = several & ((given & surname) | reversed_order)
    multi = [t for t in tokens if len(t) >= 2]
    all_given = float(np.mean([all(w in words.given for w in t) for t in multi])) \
        if multi else float("nan")
    return float(given.mean()), float(surname.mean()), float(person.mean()), all_given


def _code_share(sample: pd.Series) -> float:
    """Share of values that are one code, however grouped: 8 to 34 letters and digits,
    at least half of them digits (an IBAN, a VAT or national id; not a postcode)."""
    if not len(sample):
        return 0.0
    joined = sample.str.replace(r"[\s\-./]+", "", regex=True)
    n_digits = joined.str.count(r"\d")
    return float((sample.str.match(_GROUPED_CODE) & joined.str.len().between(8, 34)
                  & (2 * n_digits >= joined.str.len())).mean())


def _profile(values: pd.Series, n_rows: int) -> _Profile:
    filled = len(values) / n_rows if n_rows else 0.0
    distinct = int(values.nunique())
    unique_ratio = distinct / len(values) if len(values) else 0.0
    sample = _py(values.sample(_SAMPLE, random_state=0) if len(values) > _SAMPLE else values)
    digits_only = sample.str.replace(r"\D", "", regex=True).str.len()
    # Up to 15 digits with a country code ("+", "00"), at most 13 without: a 15-digit
    # code in four groups is an account, not a number to call.
    longest = np.where(sample.str.match(r"\s*(\+|00)"), 15, 13)
    phone = float(((sample.str.match(_PHONE_CHARS)) & (digits_only >= 7)
                   & (digits_only <= longest)).mean()) if len(sample) else 0.0
    words = sample.map(lambda s: len(_WORDS.findall(s))) if len(sample) else sample
    integers = pd.to_numeric(sample[sample.str.match(_INTEGER)], errors="coerce").dropna()
    given, surname, person, given_names = _name_shares(sample)
    mean = (lambda s: float(s.mean()) if len(sample) else 0.0)  # noqa: E731
    return _Profile(
        filled=filled,
        distinct=distinct,
        unique_ratio=unique_ratio,
        email=_share(sample, _EMAIL),
        phone=phone,
        code=_code_share(sample),
        date=_date_share(sample, words),
        year=_share(sample, _YEAR),
        amount=_share(sample, _AMOUNT),
        currency=mean(sample.str.contains(_CURRENCY)),
        number=_share(sample, _NUMBER),
        integer=len(integers) / len(sample) if len(sample) else 0.0,
        fraction=_share(sample, _FRACTION),
        words=mean(words),
        organisation=mean(sample.str.contains(_LEGAL_FORM) | (
            sample.str.contains(_ORGANISATION_WORD) & (words <= 5))),
        street=mean(sample.str.contains(_STREET)),
        gender=mean(sample.str.lower().isin(_GENDER_VALUES)),
        length=mean(sample.str.len()),
        letters=mean(sample.str.contains(_LETTERS)),
        digits=mean(sample.str.contains(r"\d")),
        given=given,
        surname=surname,
        person=person,
        given_names=given_names,
        int_max=float(integers.max()) if len(integers) else np.nan,
        int_distinct=int(integers.nunique()),
        month=float(integers.between(1, 12).mean()) if len(integers) else 0.0,
        day=float(integers.between(1, 31).mean()) if len(integers) else 0.0,
        country=mean(sample.map(known_country)),
        state=mean(sample.map(known_state)),
    )


def _placeholder(values: pd.Series) -> str | None:
    """A junk default that many rows hold instead of a value (``0.0``, ``N/A``)."""
    if len(values) < 20:
        return None
    # The commonest value of a sample is the candidate (counting a million distinct
    # e-mails costs more than the rest of the column's profile); its share is exact.
    sample = _py(values.sample(_SAMPLE, random_state=0) if len(values) > _SAMPLE else values)
    counts = sample.value_counts()
    top = str(counts.index[0])
    if len(counts) < 5 or not (top.strip().lower() in _JUNK
                               or re.fullmatch(r"[-+]?0+([.,]0+)?", top.strip())):
        return None
    return top if float((values == top).mean()) >= 0.1 else None


def _role(name: str, p: _Profile, n_rows: int) -> tuple[str, str, str | None]:
    """``(role, reason, date part)`` of one column."""
    hint, strong = _name_hint(name)
    said = f"name says {hint}" if hint else "no name hint"
    if p.filled == 0 or p.distinct <= 1:
        return "ignore", "empty or constant", None
    if hint == "ignore":
        return "ignore", "name says when the record was changed: not who it is", None
    if hint == "source" and p.distinct <= 50 and p.words <= 3:
        return "source", f"{said}; {p.distinct} distinct values: never evidence", None
    # Values that leave no doubt, whatever the name says.
    if p.email >= 0.7:
        return "email", f"{p.email:.0%} e-mail addresses", None
    if p.date >= 0.8:
        if hint == "dob":
            return "dob", f"{said}; {p.date:.0%} dates", None
        return "date", f"{p.date:.0%} dates", None
    if hint == "email":  # named e-mail but the values are not
        hint, said = None, "name says email but values are not"
    if p.year >= 0.9:
        return "year", f"{p.year:.0%} years", "year"
    if p.integer >= 0.95 and p.day >= 0.95:
        # Parts of a date spread over columns; joined by _date_parts() when a year, a
        # month and a day column fill the same rows, else compared as categories.
        if p.month >= 0.95 and p.int_distinct >= min(10, max(3, n_rows // 20)):
            return "categorical", f"{said}; whole numbers 1-12 (a month?)", "month"
        if p.month < 0.9 and p.int_distinct >= min(
                25, max(5, n_rows // 10)):
            return "categorical", f"{said}; whole numbers 1-31 (a day?)", "day"
    if (hint == "gender" or p.gender >= 0.95) and p.distinct <= 8 and p.gender >= 0.8:
        return "gender", f"{said}; {p.gender:.0%} gender values", None
    if hint == "dob":
        if p.digits >= 0.8:
            return "dob", said, None
        # "nom_naissance", "lieu_naissance": the birth name and place, read by values.
        hint, said = None, f"{said} but values lack digits"
    if hint == "ssn" and p.digits >= 0.5:
        return "ssn", said, None
    if hint == "phone":
        if p.phone >= 0.5:
            return "phone", f"{said}; {p.phone:.0%} phone-like", None
        hint = None
    if hint == "postcode":
        if p.length <= 10 and p.digits >= 0.5:
            return "postcode", said, None
        hint = None
    if hint == "address":
        # A street line holds house numbers or street words; a bare town ("San Mateo,
        # CA", a publisher's city in a citation) is not a postal address.
        if p.digits >= 0.3 or p.street >= 0.3:
            return "address", f"{said}; {max(p.digits, p.street):.0%} street-like", None
        hint, said = None, "name says address but values hold no streets"
    if hint == "company" and p.words <= 8:
        return "company", said, None
    if hint is None and p.street >= 0.4 and p.digits >= 0.6 and 2 <= p.words <= 8:
        return "address", f"no name hint; {p.street:.0%} street lines with numbers", None
    if hint in ("city", "state", "country"):
        if p.words > 4:
            return "text", f"{said} but values are long", None
        if hint != "city" and p.distinct > _PLACES[hint]:
            return "text", f"{said} but {p.distinct:,} distinct values are too many", None
        if p.letters >= 0.8:
            return hint, said, None
        hint = None
    if hint is None and p.distinct >= 3 and max(p.country, p.state) >= 0.9:
        # Codes and names that ISO 3166 or the postal lists know; US states and
        # countries share codes ("CA", "DE"), so the list that knows more values wins.
        # (Two values are a flag: "No" is Norway's code too.)
        if p.country >= p.state:
            return "country", f"{p.country:.0%} known countries", None
        return "state", f"{p.state:.0%} known states or provinces", None
    amount_like = hint == "amount" or (p.currency >= 0.5 and p.amount >= 0.9)
    if amount_like and p.amount >= 0.8:
        return "amount", f"{said}; {p.amount:.0%} amounts", None
    if p.number >= 0.95 and p.fraction >= 0.5 and hint in (None, "amount"):
        return "amount", "numbers with decimals (a measure, not a code)", None
    code_like = hint == "identifier" or (p.number >= 0.95 and p.unique_ratio >= 0.5)
    if code_like and p.words <= 3 and p.digits >= 0.5:
        return "identifier", f"{said}; short codes with digits", None
    person_like = p.letters >= 0.8 and p.digits < 0.1
    if hint in ("first_name", "middle_name", "last_name") and p.words <= 4 and person_like:
        # Names are many, or known: a handful of values none of which is a known name
        # (venues under "vn", departments under "nm") are categories.
        if hint == "first_name" and p.words >= 1.2 and p.given_names >= GIVEN_NAMES:
            # "prenoms", "Vornamen": all of a person's given names, not a full name.
            return "first_name", f"{said}; {p.given_names:.0%} of the values of several " \
                "words are given names only", None
        if p.words >= 1.7 and (p.person >= 0.3 or p.given >= 0.6) and p.organisation < 0.05:
            # "nom", "name": a given name and a surname in one value.
            return "full_name", f"{said}; {p.person:.0%} read as a given name and a " \
                "surname", None
        if max(p.given, p.surname) >= 0.1 or (
                p.distinct >= min(30, max(3, n_rows // 4)) and p.unique_ratio >= 0.05):
            return hint, said, None
        hint, said = None, f"name says {hint} but values are few and no known names"
    if p.organisation >= 0.15 and p.words <= 8 and hint in (None, "full_name"):
        return "company", f"{said}; {p.organisation:.0%} look like organisations", None
    if hint == "full_name":
        # "name" alone may be a person, a company, a product or a place: the values must
        # read as people's names unless a field word ("customer", "contact") said so.
        looks = strong or p.person >= 0.3 or p.given >= 0.5
        if p.words <= 5 and person_like and p.length <= 40 and looks:
            return "full_name", f"{said}; short values without digits", None
        if p.words > 1.2 or p.digits < 0.8:
            return "text", f"{said} but values are long or hold digits (titles, product " \
                "names)", None
        # One code per row ("customer_iban", "client_no"): what the values say decides.
        hint, said = None, f"{said} but values are codes"
    if person_like and p.words <= 1.6 and hint is None \
            and p.distinct >= min(10, max(3, n_rows // 2)):
        # Single words with no name hint (or with an initial: "Austin L."): given names
        # or surnames by the lexicon.
        if p.given >= 0.5 and p.given - p.surname >= 0.3:
            return "first_name", f"{p.given:.0%} known given names", None
        if p.surname >= 0.4 and p.surname - p.given >= 0.1:
            return "last_name", f"{p.surname:.0%} known surnames", None
    if person_like and 1.7 <= p.words <= 4 and p.organisation < 0.05 and p.length <= 40 \
            and hint in (None, "text"):
        if p.person >= 0.5:
            return "full_name", f"{p.person:.0%} read as a given name and a surname", None
        if p.given >= 0.6 and p.unique_ratio >= 0.5:
            # Surnames from every country are more than any lexicon holds; a first word
            # that is a known given name in most of many distinct values is a person.
            return "full_name", f"{p.given:.0%} begin with a known given name", None
    if hint == "text":
        return "text", said, None
    if hint == "year" and p.integer >= 0.9:
        return "year", said, "year"
    if p.phone >= 0.8 and p.number < 0.5:
        return "phone", f"{p.phone:.0%} phone-like", None
    if p.number >= 0.95:
        if p.fraction >= 0.5:
            return "amount", "numbers with decimals", None
        if p.unique_ratio >= 0.5:
            return "identifier", "numbers, mostly distinct", None
        if p.distinct > max(100, 0.05 * n_rows) and p.length >= 5:
            return "identifier", f"long numbers, {p.distinct:,} distinct", None
        return "categorical", "numbers, few distinct", None
    if p.distinct <= max(30, 0.01 * n_rows) and p.words <= 4:
        return "categorical", f"{p.distinct} distinct values", None
    if p.words <= 2 and p.digits >= 0.8 and (p.letters >= 0.3 or p.unique_ratio >= 0.5):
        return "identifier", "short codes with digits", None
    if p.code >= 0.9 and p.unique_ratio >= 0.3:
        return "identifier", f"{p.code:.0%} codes written in groups", None
    if p.letters >= 0.5:
        return "text", f"{said}; free text ({p.words:.1f} words on average)", None
    return "categorical", f"{said}; {p.distinct} distinct values", None


#: Most distinct values a country or a state column holds.
_PLACES = {"country": 300, "state": 400}

_SINGLE = frozenset({"email", "phone", "dob", "first_name", "middle_name", "last_name", "company",
                     "full_name", "city", "postcode", "country", "state", "gender", "ssn"})


def infer_roles(table: pd.DataFrame, *, exclude: Iterable[str] = ("record_id",)
                ) -> dict[str, ColumnRole]:
    """The role of every column of ``table`` (see the module docs), from values and name.

    Args:
        table: the data, read as strings (None or empty = missing).
        exclude: columns to leave out (the record id).

    Returns:
        Column -> :class:`ColumnRole`, in column order.  A single-valued person role
        (``email``, ``phone``, ``dob``, names, ``city``, ``postcode``, ``country``,
        ``state``, ``gender``, ``ssn``) is held by one column, or by several that are
        never filled in the same row (one field spread over sources); a column filled
        alongside the first becomes ``middle_name`` (a second given name),
        ``identifier`` (phones, ids), ``text`` or ``categorical``.  A date spread over
        year, month and day columns gives all three the date's role, with ``part``.

    Examples:
        >>> table = pd.DataFrame({
        ...     "contact": ["ann@x.org", "bo@y.com", "cy@z.net", "di@w.org"],
        ...     "given": ["Ann", "Bo", "Cy", "Di"],
        ...     "title": ["Sony Bravia KDL-40V3000 LCD TV", "Canon EOS 400D camera",
        ...               "Bose Acoustimass 5 speaker", "Linksys EZXS88W switch"],
        ...     "when": ["1999", "2001", "2004", "1999"]})
        >>> {c: r.role for c, r in infer_roles(table).items()}
        {'contact': 'email', 'given': 'first_name', 'title': 'text', 'when': 'year'}
    """
    skip = set(exclude)
    n_rows = len(table)
    columns = [c for c in table.columns if c not in skip]
    cleaned: dict[str, pd.Series] = {}
    profiles: dict[str, _Profile] = {}
    out: dict[str, ColumnRole] = {}
    for column in columns:
        values = _text(table[column])
        placeholder = _placeholder(values)
        if placeholder is not None:
            values = values[values != placeholder]
        values = whole_numbers(values)  # "1996.0" is the year 1996
        cleaned[str(column)] = values
        profiles[str(column)] = profile = _profile(values, n_rows)
        role, reason, part = _role(str(column), profile, n_rows)
        if placeholder is not None:
            reason = f"{reason}; {placeholder!r} in many rows stands for missing"
        out[str(column)] = ColumnRole(str(column), role, reason, part, placeholder)
    _date_parts(out, cleaned, n_rows)
    _surname_beside_given(out, profiles)
    _postcodes(out, cleaned)
    _birth_dates(out, cleaned)
    _address_lines(out)
    _source_columns(out, cleaned, n_rows)
    _one_column_per_role(out, cleaned)
    return out


def _text(values: pd.Series) -> pd.Series:
    """The non-missing values, stripped, without the empty ones.  Arrow-backed text
    stays in Arrow (a million values are cleaned and counted there at once); other
    values become Python strings."""
    values = values.dropna()
    if not _arrow_text(values):
        values = values.astype(str)
    values = values.str.strip()
    return values[values != ""]


def _arrow_text(values: pd.Series) -> bool:
    return isinstance(values.dtype, (pd.ArrowDtype, pd.StringDtype)) \
        and pd.api.types.is_string_dtype(values.dtype)


def _py(values: pd.Series) -> pd.Series:
    """The values as Python strings, for the Python-regex checks (a sample, or a column
    that a rare check reads whole); Arrow-backed text is unboxed as it is (five times
    faster than ``astype(str)``, which formats each value anew)."""
    if _arrow_text(values):
        return pd.Series(values.to_numpy(dtype=object), index=values.index, name=values.name)
    return values


def _filled(values: pd.Series) -> set[object]:
    return set(values.index)


def _date_parts(roles: dict[str, ColumnRole], values: Mapping[str, pd.Series],
                n_rows: int) -> None:
    """Join a year, a month and a day column that fill the same rows into one date."""
    by_part: dict[str, list[str]] = {"year": [], "month": [], "day": []}
    for column, found in roles.items():
        if found.part in by_part and found.role in ("year", "categorical"):
            by_part[found.part].append(column)
    for year in by_part["year"]:
        rows = _filled(values[year])
        if not rows:
            continue
        best: tuple[str, str] | None = None
        for month in by_part["month"]:
            for day in by_part["day"]:
                together = rows & _filled(values[month]) & _filled(values[day])
                either = rows | _filled(values[month]) | _filled(values[day])
                if len(together) >= DATE_PARTS_TOGETHER * len(either):
                    best = (month, day)
                    break
            if best:
                break
        if best is None:
            continue
        month, day = best
        years = pd.to_numeric(_py(values[year]).str.extract(r"(\d{4})")[0], errors="coerce")
        hinted = {_name_role(c) for c in (year, month, day)}
        birth = "dob" in hinted or (years.median() <= pd.Timestamp.now().year - 10
                                    and "date" not in hinted)
        role = "dob" if birth else "date"
        reason = f"year, month and day of one {'date of birth' if birth else 'date'} " \
                 f"({year}, {month}, {day})"
        for column, part in ((year, "year"), (month, "month"), (day, "day")):
            roles[column] = ColumnRole(column, role, reason, part, roles[column].placeholder)
        by_part["month"].remove(month)
        by_part["day"].remove(day)


def _surname_beside_given(roles: dict[str, ColumnRole], profiles: Mapping[str, _Profile]
                          ) -> None:
    """Beside a column of given names, the column of single words that hold more known
    surnames than given names is the surname, though the lexicon knows fewer of them
    than it must to say so alone (surnames from every country are more than it holds)."""
    held = {r.role for r in roles.values()}
    if "first_name" not in held or held & {"last_name", "full_name"}:
        return
    best: tuple[float, str] | None = None
    for column, found in roles.items():
        p = profiles[column]
        margin = p.surname - p.given
        if found.role in ("text", "categorical") and _name_role(column) is None \
                and p.letters >= 0.8 and p.digits < 0.1 and p.words <= 1.6 \
                and p.surname >= 0.25 and margin >= 0.1 and p.distinct >= 10 \
                and (best is None or margin > best[0]):
            best = (margin, column)
    if best is not None:
        column = best[1]
        roles[column] = ColumnRole(
            column, "last_name", f"{profiles[column].surname:.0%} known surnames, beside "
            "a column of given names", None, roles[column].placeholder)


def _postcodes(roles: dict[str, ColumnRole], values: Mapping[str, pd.Series]) -> None:
    """Beside a street address, a column of short codes that repeat (``60640``,
    ``SW1A 1AA``) is its postcode, though no name says so."""
    held = {r.role for r in roles.values()}
    if "address" not in held or "postcode" in held:
        return
    for column, found in roles.items():
        held_values = _py(values[column])
        if found.role not in ("categorical", "identifier") or _name_role(column) \
                or len(held_values) < 20:
            continue
        shaped = float(held_values.str.fullmatch(_POSTCODE).mean())
        if shaped >= 0.9 and held_values.nunique() <= 0.5 * len(held_values):
            roles[column] = ColumnRole(
                column, "postcode", f"{shaped:.0%} postcode-shaped codes that repeat, "
                "beside a street address", None, found.placeholder)
            return


def _birth_dates(roles: dict[str, ColumnRole], values: Mapping[str, pd.Series]) -> None:
    """With no column named as a date of birth, the date column that reads as one is.

    A date of birth sits beside a person's name, lies decades back, is spread over
    decades, and falls on weekends as often as births do (patent, filing and invoice
    dates fall on working days).  Where several columns read so (birth and death), the
    one that comes first in the rows both fill is the birth.
    """
    if any(r.role == "dob" for r in roles.values()):
        return
    named: set[object] = set()
    for column, found in roles.items():
        if found.role in ("first_name", "last_name", "full_name"):
            named |= _filled(values[column])
    if not named:
        return
    this_year = pd.Timestamp.now().year
    dates: dict[str, pd.Series] = {}
    for column, found in roles.items():
        if found.role != "date" or found.part is not None or len(values[column]) < 20:
            continue
        parsed = standardise_date(_py(values[column]))["std"].dropna()
        if len(parsed) < 0.9 * len(values[column]):
            continue
        when = pd.to_datetime(parsed, format="%Y-%m-%d")
        years = when.dt.year
        beside = float(when.index.isin(list(named)).mean())
        weekend = float((when.dt.dayofweek >= 5).mean())
        if beside >= 0.8 and years.median() <= this_year - 18 and years.std() >= 10 \
                and weekend >= 0.15:
            dates[column] = when
    births = [c for c in dates if all(_earlier(dates[c], dates[o]) for o in dates if o != c)]
    if len(births) != 1:
        return
    column = births[0]
    years = dates[column].dt.year
    roles[column] = ColumnRole(
        column, "dob", f"dates around {years.median():.0f} (spread {years.std():.0f} "
        "years, weekends as often as births) beside people's names: dates of birth",
        None, roles[column].placeholder)


def _earlier(first: pd.Series, other: pd.Series) -> bool:
    """``first`` comes before ``other`` in the rows both fill (true when none are)."""
    both = first.index.intersection(other.index)
    return not len(both) or float((first[both] < other[both]).mean()) >= 0.9


def _address_lines(roles: dict[str, ColumnRole]) -> None:
    """A column named as an address line whose values hold no street ("address_2",
    "zusatz") is a line of the address when the table has a street column beside it;
    alone it is no postal address (a citation's publisher city)."""
    streets = [c for c, r in roles.items() if r.role == "address"]
    if not streets:
        return
    for column, found in list(roles.items()):
        if found.role in ("text", "categorical") and _name_role(column) == "address":
            roles[column] = ColumnRole(column, "address", f"name says address; a line of "
                                       f"the address beside {streets[0]!r}", None,
                                       found.placeholder)


def _source_columns(roles: dict[str, ColumnRole], values: Mapping[str, pd.Series],
                    n_rows: int) -> None:
    """A few-valued column whose value decides which other columns are filled names the
    source system of each row: it says where a record came from, not who it is."""
    if n_rows < 20:
        return
    for column, found in list(roles.items()):
        held = values[column]
        if found.role not in ("categorical", "text") or not 2 <= held.nunique() <= 30 \
                or len(held) < 0.9 * n_rows:
            continue
        # Only values that many rows hold tell: in a group of two rows any column is
        # filled in all or none of them by chance.
        sizes = held.value_counts()
        big = sizes.index[sizes >= max(10, 0.01 * len(held))]
        if len(big) < 2:
            continue
        telling = 0
        for other, other_values in values.items():
            if other == column:
                continue
            present = pd.Series(held.index.isin(other_values.index), index=held.index)
            rates = present.groupby(held).mean()[big]
            if rates.max() - rates.min() >= 0.9:
                telling += 1
        if telling >= 2:
            roles[column] = ColumnRole(
                column, "source", f"{held.nunique()} values that decide which of "
                f"{telling} other columns are filled: the source system, never evidence")


def _one_column_per_role(roles: dict[str, ColumnRole],
                         values: Mapping[str, pd.Series]) -> None:
    """Keep each single-valued person role on one field (see :func:`infer_roles`)."""
    holders: dict[str, list[str]] = {}
    for column, found in roles.items():
        if found.role in _SINGLE and found.part is None:
            holders.setdefault(found.role, []).append(column)
    for role, columns in list(holders.items()):
        if len(columns) < 2:
            continue
        # The most filled column is the field; others join it when they fill other rows.
        columns.sort(key=lambda c: -len(values[c]))
        rows = _filled(values[columns[0]])
        for column in columns[1:]:
            mine = _filled(values[column])
            overlap = len(rows & mine) / max(len(mine), 1)
            found = roles[column]
            if overlap <= _DISJOINT:
                rows |= mine
                roles[column] = ColumnRole(
                    column, role, f"{found.reason}; fills the rows {columns[0]!r} leaves "
                    "empty: one field", None, found.placeholder)
                continue
            words = float(_py(values[column]).map(lambda s: len(_WORDS.findall(s))).mean())
            fallback = ("middle_name" if role == "first_name" and "middle_name" not in
                        holders else "other_phone" if role == "phone" else
                        "identifier" if role == "ssn" else
                        "text" if words > 1 else "categorical")
            roles[column] = ColumnRole(
                column, fallback, f"{found.reason}; a second {role} column filled "
                f"alongside {columns[0]!r}, compared as {fallback}", None,
                found.placeholder)
            if fallback == "middle_name":
                holders["middle_name"] = [column]


def infer_columns(columns: Iterable[str], table: pd.DataFrame | None = None
                  ) -> dict[str, str | list[str]]:
    """Map canonical person fields to the columns that hold them.

    With ``table`` the values are read too (see :func:`infer_roles`); without it only
    the names.  Address parts (street number, address lines) are joined into one
    ``address``; a date over year, month and day columns is the list of the three.
    Generic roles (text, identifiers, ...) are not canonical fields and are left out;
    :func:`unifyprofile.infer.infer_config` maps those too.

    >>> mapping = infer_columns(["record_id", "given_name", "surname", "street_number",
    ...                          "address_1", "suburb", "date_of_birth"])
    >>> mapping["first_name"], mapping["city"], mapping["address"]
    ('given_name', 'suburb', ['street_number', 'address_1'])
    """
    names = [c for c in columns if c != "record_id"]
    if table is not None:
        return canonical_mapping(infer_roles(table[names]))
    found: dict[str, ColumnRole] = {}
    best: dict[str, tuple[int, str]] = {}
    for column in names:
        role, strong = _name_hint(column)
        if role is None or role in GENERIC_ROLES:
            continue
        if role == "address":
            found[column] = ColumnRole(column, role, "name")
            continue
        # A whole-header match ("given_name") beats a word ("fname"), which beats a kind
        # of value ("name"); among equals the first column wins.
        rank = 0 if "".join(name_words(column)) in _JOINED else 1 if strong else 2
        if role not in best or rank < best[role][0]:
            best[role] = (rank, column)
    for role, (_, column) in best.items():
        found[column] = ColumnRole(column, role, "name")
    return canonical_mapping(found)


def canonical_mapping(roles: Mapping[str, ColumnRole]) -> dict[str, str | list[str]]:
    """Canonical field -> the column (or columns, joined in order) holding it.

    A field over several columns lists them: address parts street number first, a date
    as year, month, day, and one field spread over sources in column order.
    """
    grouped: dict[str, list[ColumnRole]] = {}
    for found in roles.values():
        if found.role not in GENERIC_ROLES:
            grouped.setdefault(found.role, []).append(found)
    mapping: dict[str, str | list[str]] = {}
    parts = {"year": 0, "month": 1, "day": 2}
    for field, held in grouped.items():
        if field == "address":
            held.sort(key=lambda r: 0 if {"number", "hsnr", "hnr", "housenumber",
                                           "streetnumber"} & set(name_words(r.column))
                      else 1)
        elif any(r.part for r in held):
            held = sorted((r for r in held if r.part), key=lambda r: parts[r.part or ""])
        columns = [r.column for r in held]
        mapping[field] = columns if len(columns) > 1 else columns[0]
    return mapping
