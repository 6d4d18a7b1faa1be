#!/usr/bin/env python3
"""Seeded person records with hazards that each can be turned up, for robustness.py.

    python benchmarks/hazards.py --records 10000 --seed 1 --out DIR [--households 0.3 ...]

writes the benchdata dedup layout (``../shared/benchdata/INDEX.md``):

* ``DIR/records.csv`` -- ``record_id`` (opaque, rows shuffled), ``source``, ``first_name``,
  ``last_name``, ``full_name``, ``dob``, ``email``, ``phone``, ``mobile``, ``address``,
  ``postcode``, ``city``; an empty cell is missing;
* ``DIR/truth.csv`` -- ``record_id,cluster_id``: the person behind each record;
* ``DIR/params.json`` -- the levels, the seed and counts of what was planted.

Truth holds by construction: every record is rendered from one person, and two people are
two clusters however much they share (a household, a mailbox, a switchboard, a birthday,
a name).  The same arguments always give byte-identical files.  This generator is written
apart from ``benchmarks/generate.py`` and ``examples/cx_demo/generate.py``: its own name
pools (``_hazard_pools.py``: English, German, French, Spanish, Italian, Dutch, Polish and
Chinese in Hanzi and pinyin), its own sources and its own noise model.  It imports numpy
and pandas only, never unifyprofile.

People.  A person has a locale, a sex, a first and a last name (drawn with Zipf-like
weights, so some names are frequent), a birth date (1935-2007), a street address with
postcode and city, a mobile number, in 60 % a landline, an e-mail address (unique; in 20 %
a second one), and has 1-8 records (mean about 2.3).

Sources.  ``crm`` (full profiles, ISO dates, +E.164 phones), ``webshop`` (names, e-mail,
address, day-first dates, phones as typed), ``billing`` (upper case ASCII, compact dates),
``newsletter`` (e-mail and a first name, often no surname); the full-name-only sources
``support`` and ``service_desk``; guest checkouts arrive as ``webshop`` rows without a name.

Noise on every record (not a hazard, always on): nicknames (12 %), typos in names (4 %),
addresses (3 %) and e-mails (1 %), accents folded to ASCII, hyphenated names written with a
space, Spanish second surnames dropped, pinyin given names split into syllables, street
words abbreviated (``Straße``/``Str.``, ``Calle``/``C/``), dates in five formats (all
day-before-month or year first), phones in five formats, birth dates off by a digit or
with day and month swapped (2 %), fields missing by source, and 3 % of people who move
(their later records carry a new address and landline).

Hazards (``--NAME LEVEL``; a level not given takes its mild default, or 0 with
``--base none``; ``--list`` prints the table):

| hazard | level is the share of | range swept by robustness.py |
| --- | --- | --- |
| households | people in households of 2-5 sharing surname, address, postcode, landline | 0-0.3 |
| mailboxes | people who use their household's one e-mail address | 0-0.2 |
| switchboard | people whose phone is their employer's switchboard (~250 per number) | 0-0.3 |
| twins | people who are twins (same surname and birth date, other first name) | 0-0.06 |
| common_names | people given one of their locale's few commonest full names | 0-0.2 |
| swapped | records with first and last name swapped (pinyin family-first at 3x) | 0-0.15 |
| hanzi | records of Chinese people with the name in Hanzi instead of pinyin | 0-0.6 |
| initials | records with the first name cut to an initial or dropped | 0-0.2 |
| fullname_sources | records from sources that hold only a full name | 0-0.5 |
| guests | records that are guest checkouts with no name | 0-0.2 |
| junk | values replaced by a placeholder (test@test.com, 000-000-0000, N/A) | 0-0.05 |
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _hazard_pools as pools  # noqa: E402  (a sibling file, also when imported from elsewhere)

COLUMNS = ("record_id", "source", "first_name", "last_name", "full_name", "dob", "email",
           "phone", "mobile", "address", "postcode", "city")


@dataclass(frozen=True)
class Hazard:
    """One hazard: its mild default, the levels robustness.py sweeps, and what it means."""

    name: str
    mild: float
    grid: tuple[float, ...]
    meaning: str


HAZARDS = {h.name: h for h in (
    Hazard("households", 0.10, (0.0, 0.15, 0.30),
           "share of people in households of 2-5 that share surname, address, postcode, "
           "city and landline"),
    Hazard("mailboxes", 0.03, (0.0, 0.10, 0.20),
           "share of people who use their household's one e-mail address (households are "
           "added when too few people live in one)"),
    Hazard("switchboard", 0.05, (0.0, 0.15, 0.30),
           "share of people whose phone is their employer's switchboard, about 250 "
           "employees per number"),
    Hazard("twins", 0.01, (0.0, 0.03, 0.06),
           "share of people who are twins: same surname and birth date, another first "
           "name (same initial in 30 %), the same household in 60 %"),
    Hazard("common_names", 0.03, (0.0, 0.10, 0.20),
           "share of people given one of their locale's few commonest full names (John "
           "Smith, María García, Wang Wei)"),
    Hazard("swapped", 0.02, (0.0, 0.05, 0.15),
           "share of records with first and last name swapped; Chinese names in pinyin are "
           "written family name first at three times the rate (at most 0.9)"),
    Hazard("hanzi", 0.10, (0.0, 0.30, 0.60),
           "share of the records of Chinese people that give the name in Hanzi, not pinyin"),
    Hazard("initials", 0.02, (0.0, 0.10, 0.20),
           "share of records whose first name is cut to its initial (half) or dropped "
           "(half: surname only)"),
    Hazard("fullname_sources", 0.10, (0.0, 0.25, 0.50),
           "share of records from the sources that hold only a full name (support, "
           "service_desk)"),
    Hazard("guests", 0.02, (0.0, 0.10, 0.20),
           "share of records that are guest checkouts: e-mail, phone, address, no name"),
    Hazard("junk", 0.005, (0.0, 0.025, 0.05),
           "share of values replaced by a placeholder (test@test.com, 000-000-0000, N/A, "
           "xxx, 1900-01-01)"),
)}

RECORDS_PER_PERSON = (0.42, 0.25, 0.14, 0.08, 0.05, 0.03, 0.02, 0.01)  # 1..8 records
EMPLOYEES_PER_SWITCHBOARD = 250

# Source -> chance that each field is filled: (names, dob, email, phone, mobile, address);
# a field the source requires (REQUIRED) is filled even when the draw says no.
SOURCES = {
    "crm": (1.0, 0.85, 0.85, 0.50, 0.70, 0.90),
    "webshop": (1.0, 0.25, 0.98, 0.15, 0.60, 0.95),
    "billing": (1.0, 0.10, 0.50, 0.50, 0.30, 1.00),
    "newsletter": (0.8, 0.35, 1.00, 0.00, 0.10, 0.10),
    "support": (1.0, 0.10, 0.85, 0.40, 0.50, 0.30),
    "service_desk": (1.0, 0.40, 0.60, 0.50, 0.50, 0.60),
    "guest": (0.0, 0.00, 0.95, 0.10, 0.70, 0.95),
}
NAMES, DOB, EMAIL, PHONE, MOBILE, ADDRESS = range(6)
# What a source's form will not save without: each entry is a set of alternatives.
REQUIRED = {
    "crm": ((NAMES,), (EMAIL, PHONE, MOBILE)), "webshop": ((EMAIL,), (ADDRESS,)),
    "billing": ((NAMES,), (ADDRESS,)), "newsletter": ((EMAIL,),),
    "support": ((NAMES,), (EMAIL, PHONE, MOBILE)),
    "service_desk": ((NAMES,), (EMAIL, PHONE, MOBILE)), "guest": ((EMAIL,), (ADDRESS,)),
}
NAMED_SOURCES = (("crm", 0.35), ("webshop", 0.30), ("billing", 0.15), ("newsletter", 0.20))
FULLNAME_SOURCES = (("support", 0.6), ("service_desk", 0.4))
DATE_FORMAT = {"crm": "iso", "webshop": "dmy/", "billing": "compact", "newsletter": "iso",
               "support": "dmy.", "service_desk": "long", "guest": "iso"}
PHONE_FORMAT = {"crm": "e164", "webshop": None, "billing": "digits", "newsletter": None,
                "support": "national", "service_desk": "intl", "guest": None}
DATE_FORMATS = ("iso", "dmy/", "dmy.", "compact", "long")
PHONE_FORMATS = ("e164", "intl", "national", "digits", "dashed")
FIRST_DAY, LAST_DAY = date(1935, 1, 1).toordinal(), date(2007, 12, 31).toordinal()


def levels_with(base: str = "mild", **levels: float) -> dict[str, float]:
    """Every hazard's level: those given, the others mild (``base="mild"``) or 0."""
    unknown = sorted(set(levels) - set(HAZARDS))
    if unknown:
        raise ValueError(f"unknown hazard(s) {unknown}; choose from {sorted(HAZARDS)}")
    out = {n: (h.mild if base == "mild" else 0.0) for n, h in HAZARDS.items()}
    for name, level in levels.items():
        if not 0.0 <= level <= 1.0:
            raise ValueError(f"hazard {name!r} must be a share in [0, 1] (got {level})")
        out[name] = float(level)
    return out


# ---------------------------------------------------------------------------- text helpers

def ascii_fold(text: str, umlaut_e: bool = False) -> str:
    """Accents dropped (``Müller`` -> ``Muller``, or ``Mueller`` with ``umlaut_e``)."""
    if umlaut_e:
        text = "".join(pools.UMLAUT_E.get(c, c) for c in text)
    text = "".join(pools.FOLD.get(c, c) for c in text)
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def typo(text: str, r: random.Random) -> str:
    """One keyboard slip: a neighbouring key, a dropped, doubled or swapped letter."""
    if len(text) < 3:
        return text
    i = r.randrange(1, len(text))  # first letters are typed carefully more often
    kind = r.random()
    c = text[i]
    if kind < 0.35 and c.lower() in pools.KEYBOARD:
        sub = r.choice(pools.KEYBOARD[c.lower()])
        return text[:i] + (sub.upper() if c.isupper() else sub) + text[i + 1:]
    if kind < 0.6:
        return text[:i] + text[i + 1:]
    if kind < 0.8:
        return text[:i] + c + text[i:]
    if i < len(text) - 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i] + text[i + 1:]


def _handle(text: str) -> str:
    """A name as it goes into an e-mail address: ASCII, lower case, no spaces."""
    return "".join(c for c in ascii_fold(text).lower() if c.isalnum())


class Pick:
    """Draws from a pool with Zipf-like weights (the first entries are the commonest)."""

    def __init__(self, items: list, exponent: float = 0.9,
                 weights: list[float] | None = None) -> None:
        self.items = items
        if weights is None:
            weights = [1.0 / (k + 1) ** exponent for k in range(len(items))]
        self.cum = list(accumulate(weights))

    def __call__(self, r: random.Random):
        return self.items[bisect_right(self.cum, r.random() * self.cum[-1])]


# ---------------------------------------------------------------------------- people

class Person:
    """One real person: what every record of theirs is rendered from."""

    __slots__ = ("pid", "locale", "sex", "first", "last", "first_hz", "last_hz", "dob",
                 "home", "new_home", "mobile", "landline", "new_landline", "work_phone",
                 "email", "email2", "family_email", "records")

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.first_hz = self.last_hz = None
        self.new_home = self.new_landline = self.work_phone = None
        self.email2 = self.family_email = None
        self.records = 1


class World:
    """The population: people with homes, numbers and e-mails, then the hazards planted."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.locales = Pick(list(pools.LOCALE_WEIGHTS),
                            weights=list(pools.LOCALE_WEIGHTS.values()))
        self.first = {}
        for loc in pools.LOCALES:
            if loc == "zh":
                self.first[loc] = {"M": Pick(pools.ZH_MALE), "F": Pick(pools.ZH_FEMALE)}
            else:
                self.first[loc] = {"M": Pick(pools.split_pool(pools.FIRST_MALE[loc])),
                                   "F": Pick(pools.split_pool(pools.FIRST_FEMALE[loc]))}
        self.last = {loc: Pick(pools.ZH_SURNAMES if loc == "zh"
                               else pools.split_pool(pools.LAST[loc]))
                     for loc in pools.LOCALES}
        self.street_names = {loc: Pick(pools.split_pool(pools.STREET_NAMES[loc], ";"), 0.3)
                             for loc in pools.LOCALES}
        self.street_types = {loc: Pick([t for t, _ in kinds], weights=[w for _, w in kinds])
                             for loc, kinds in pools.STREET_TYPES.items()}
        self.postcodes: dict[tuple[str, str], str] = {}
        self.emails: set[str] = set()
        self.numbers: set[tuple[str, str]] = set()

    # -- attributes --------------------------------------------------------------
    def name(self, p: Person, locale: str, sex: str, last: object = None) -> None:
        r = self.r
        first = self.first[locale][sex](r)
        family = last if last is not None else self.last[locale](r)
        if locale == "zh":
            p.first_hz, p.first = first
            p.last_hz, p.last = family
        else:
            p.first, p.last = first, family
            if locale == "es" and last is None and r.random() < 0.6:
                p.last = f"{family} {self.last[locale](r)}"  # two surnames
        if locale == "pl" and sex == "F":
            for male, female in pools.POLISH_FEMININE:
                if p.last.endswith(male):
                    p.last = p.last[: -len(male)] + female

    def street(self, locale: str) -> str:
        r = self.r
        name, kind = self.street_names[locale](r), self.street_types[locale](r)
        if locale in ("de", "nl"):
            return f"{name}{kind}"
        if locale in ("en",):
            return f"{name} {kind}"
        if locale == "zh":
            return " ".join(w for w in (name, r.choice(pools.ZH_DIRECTIONS), kind) if w)
        return f"{kind} {name}"

    def postcode(self, locale: str, prefix: str, city: str, street: str) -> str:
        """The postcode of a street: drawn once, then the same for everyone living there."""
        key = (city, street)
        if key not in self.postcodes:
            r = self.r
            if locale == "nl":
                letters = "ABCDEFGHJKLMNPRSTVWXZ"
                code = f"{prefix}{r.randint(10, 99)} {r.choice(letters)}{r.choice(letters)}"
            elif locale == "pl":
                digits = f"{prefix}{r.randint(0, 9999):04d}"
                code = f"{digits[:2]}-{digits[2:]}"
            else:
                width = 6 if locale == "zh" else 5
                code = prefix + "".join(str(r.randint(0, 9))
                                        for _ in range(width - len(prefix)))
            self.postcodes[key] = code
        return self.postcodes[key]

    def home(self, locale: str) -> tuple:
        """(locale, street, number, postcode, city, area code)."""
        r = self.r
        city, prefix, area = r.choice(pools.CITIES[locale])
        street = self.street(locale)
        number = str(r.randint(1, 200) if r.random() < 0.9 else r.randint(201, 900))
        return (locale, street, number, self.postcode(locale, prefix, city, street), city, area)

    def number(self, locale: str, area: str | None, mobile: bool) -> tuple[str, str]:
        """A new phone number (locale, national significant number), never handed out twice."""
        r = self.r
        cc, trunk, prefixes, length = pools.PHONE_PLANS[locale]
        while True:
            if locale == "en":
                head = area if area and not mobile else r.choice(pools.CITIES["en"])[2]
                rest = str(r.randint(2, 9)) + "".join(str(r.randint(0, 9)) for _ in range(6))
            elif mobile:
                head = r.choice(prefixes)
                rest = "".join(str(r.randint(0, 9)) for _ in range(length))
            else:
                head = area or "1"
                size = max(6, (9 if locale in ("fr", "es", "nl", "pl") else 10) - len(head))
                rest = str(r.randint(2, 9)) + "".join(str(r.randint(0, 9))
                                                      for _ in range(size - 1))
            key = (locale, head + "|" + rest)
            if key not in self.numbers:
                self.numbers.add(key)
                return key

    def email(self, first: str, last: str, locale: str, dob: int, numeric: bool) -> str:
        r = self.r
        domain = r.choice(pools.EMAIL_DOMAINS[locale])
        f, s = _handle(first) or "x", _handle(last) or "x"
        while True:
            if numeric:
                local, domain = str(r.randint(10_000_000, 2_999_999_999)), "qq.com"
            else:
                year = date.fromordinal(dob).year
                local = r.choice((f"{f}.{s}", f"{f}{s}", f"{f[0]}{s}", f"{f}_{s}", f"{s}.{f}",
                                  f"{f}.{s}{year % 100:02d}", f"{f}{r.randint(1, 99)}",
                                  f"{s}{f[0]}", f"{f}{s}{year}", f"{f[0]}.{s}"))
            address = f"{local}@{domain}"
            if address not in self.emails:
                self.emails.add(address)
                return address
            numeric = numeric and r.random() < 0.5
            f = f + str(r.randint(0, 9))  # a taken address: the person picked another

    def person(self, pid: int, locale: str | None = None) -> Person:
        r = self.r
        p = Person(pid)
        p.locale = locale or self.locales(r)
        p.sex = "M" if r.random() < 0.5 else "F"
        self.name(p, p.locale, p.sex)
        p.dob = r.randint(FIRST_DAY, LAST_DAY)
        p.home = self.home(p.locale)
        p.mobile = self.number(p.locale, None, True)
        p.landline = self.number(p.locale, p.home[5], False) if r.random() < 0.6 else None
        self.personal_email(p)
        return p

    def personal_email(self, p: Person) -> None:
        r = self.r
        numeric = p.locale == "zh" and r.random() < 0.4
        p.email = self.email(p.first, p.last, p.locale, p.dob, numeric)
        p.email2 = (self.email(p.first, p.last, r.choice(pools.LOCALES[:1] + (p.locale,)),
                               p.dob, False) if r.random() < 0.2 else None)


def _relative(world: World, p: Person, head: Person, role: str) -> None:
    """Make ``p`` live with ``head``: same locale, surname, home and landline."""
    r = world.r
    p.locale = head.locale
    taken = {head.first}
    while True:
        world.name(p, head.locale, p.sex,
                   last=(head.last_hz, head.last) if head.locale == "zh" else head.last)
        if p.first not in taken:
            break
    if head.locale == "pl":  # a Polish surname agrees with the sex
        p.last = head.last
        for male, female in pools.POLISH_FEMININE:
            if p.sex == "F" and p.last.endswith(male):
                p.last = p.last[: -len(male)] + female
            elif p.sex == "M" and p.last.endswith(female):
                p.last = p.last[: -len(female)] + male
    year = 365.25
    youngest = (LAST_DAY - head.dob) / year  # how many years younger a relative can be
    if role == "child" and youngest >= 18:
        p.dob = head.dob + int(r.uniform(18, min(38.0, youngest)) * year)
    else:
        spread = 4.0 if role == "partner" else 8.0
        for _ in range(20):  # drawn again rather than piled up on the first or last day
            p.dob = head.dob + int(r.gauss(0, spread) * year)
            if FIRST_DAY <= p.dob <= LAST_DAY:
                break
        else:
            p.dob = r.randint(FIRST_DAY, LAST_DAY)
    p.home = head.home
    p.landline = head.landline
    p.mobile = world.number(head.locale, None, True)
    world.personal_email(p)


def build_people(world: World, people: int, levels: dict[str, float]) -> tuple[list, dict]:
    """The population with households, twins, mailboxes, switchboards and common names."""
    r = world.r
    population = [world.person(i) for i in range(people)]
    order = list(range(people))
    r.shuffle(order)
    cursor = 0
    households: list[list[Person]] = []
    twin_homes: list[list[Person]] = []

    # Common names first, so that a household inherits its head's common surname.
    common = round(levels["common_names"] * people)
    for pid in order[:common]:
        p = population[pid]
        first, last, sex = r.choice(pools.COMMON_NAMES[p.locale])
        p.sex = sex
        if p.locale == "zh":
            (p.first_hz, p.first), (p.last_hz, p.last) = first, last
        else:
            p.first, p.last = first, last
        world.personal_email(p)
    r.shuffle(order)

    twin_pairs = round(levels["twins"] * people / 2)
    for _ in range(twin_pairs):
        if cursor + 2 > people:
            break
        a, b = population[order[cursor]], population[order[cursor + 1]]
        cursor += 2
        b.sex = a.sex if r.random() < 0.5 else ("F" if a.sex == "M" else "M")
        together = r.random() < 0.6
        same_initial = r.random() < 0.3
        for _ in range(50):  # Anna and Alma, or Anna and Berta
            _relative(world, b, a, "sibling")
            if (b.first[0] == a.first[0]) == same_initial:
                break
        b.dob = a.dob
        if together:
            twin_homes.append([a, b])
        else:
            b.home = world.home(b.locale)
            b.landline = world.number(b.locale, b.home[5], False) if r.random() < 0.6 else None
    households.extend(twin_homes)
    twins_housed = sum(len(h) for h in twin_homes)

    in_households = round(max(levels["households"], levels["mailboxes"]) * people)
    housed = 0
    while housed < in_households - twins_housed and cursor + 2 <= people:
        size = min(r.choices((2, 3, 4, 5), (0.45, 0.25, 0.20, 0.10))[0], people - cursor)
        members = [population[order[cursor + k]] for k in range(size)]
        cursor += size
        head = members[0]
        if head.landline is None and r.random() < 0.85:
            head.landline = world.number(head.locale, head.home[5], False)
        for k, member in enumerate(members[1:]):
            role = "partner" if k == 0 and r.random() < 0.7 else (
                "child" if k > 0 or r.random() < 0.5 else "sibling")
            _relative(world, member, head, role)
        households.append(members)
        housed += size

    # Family mailboxes: whole households, until the share of people is reached.
    mailbox_people = round(levels["mailboxes"] * people)
    shared = 0
    for members in r.sample(households, len(households)):
        if shared >= mailbox_people:
            break
        head = members[0]
        pattern = r.choice(pools.FAMILY_MAILBOX[head.locale])
        local = pattern.format(l=_handle(head.last), a=_handle(members[0].first)[:1],
                               b=_handle(members[1].first)[:1])
        mailbox = f"{local}@{r.choice(pools.EMAIL_DOMAINS[head.locale])}"
        while mailbox in world.emails:
            mailbox = mailbox.replace("@", str(r.randint(0, 9)) + "@", 1)
        world.emails.add(mailbox)
        for member in members:
            member.family_email = mailbox
        shared += len(members)

    # Switchboards: employees anywhere in the population, about 250 per company number.
    employees = round(levels["switchboard"] * people)
    companies = []
    if employees:
        for _ in range(max(1, round(employees / EMPLOYEES_PER_SWITCHBOARD))):
            locale = world.locales(r)
            area = r.choice(pools.CITIES[locale])[2]
            companies.append(world.number(locale, area, False))
        for pid in r.sample(range(people), employees):
            population[pid].work_phone = r.choice(companies)

    # Movers: a later address and landline.
    for p in population:
        if r.random() < 0.03:
            p.new_home = world.home(p.locale)
            p.new_landline = (world.number(p.locale, p.new_home[5], False)
                              if p.landline is not None else None)
    planted = {
        "households": len(households) - len(twin_homes),
        "twin_pairs_in_one_home": len(twin_homes),
        "people_in_households": sum(len(h) for h in households),
        "twin_pairs": twin_pairs,
        "people_sharing_a_mailbox": shared,
        "common_name_people": common,
        "switchboards": len(companies),
        "employees_on_switchboards": employees,
        "movers": sum(1 for p in population if p.new_home is not None),
    }
    return population, planted


# ---------------------------------------------------------------------------- rendering

def format_date(ordinal: int, kind: str) -> str:
    d = date.fromordinal(ordinal)
    if kind == "iso":
        return d.isoformat()
    if kind == "dmy/":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if kind == "dmy.":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if kind == "compact":
        return f"{d.year}{d.month:02d}{d.day:02d}"
    return f"{d.day} {pools.MONTHS[d.month - 1]} {d.year}"


def _date_error(ordinal: int, r: random.Random) -> int:
    """A birth date as a clerk gets it wrong: day and month swapped, or a digit off."""
    d = date.fromordinal(ordinal)
    if d.day <= 12 and d.day != d.month and r.random() < 0.5:
        return date(d.year, d.day, d.month).toordinal()
    if r.random() < 0.5:
        return ordinal + r.choice((-10, -1, 1, 10))
    year = d.year + r.choice((-10, -1, 1, 10))
    try:
        return d.replace(year=year).toordinal()
    except ValueError:  # 29 February
        return ordinal + 1


def format_phone(number: tuple[str, str], kind: str) -> str:
    locale, digits = number
    head, rest = digits.split("|")
    cc, trunk, prefixes, _ = pools.PHONE_PLANS[locale]
    if prefixes and locale == "zh" and head in prefixes:
        trunk = ""  # Chinese mobiles are dialled without the trunk 0
    nsn = head + rest
    if locale == "en":
        national = {"national": f"({head}) {rest[:3]}-{rest[3:]}",
                    "dashed": f"{head}-{rest[:3]}-{rest[3:]}", "digits": nsn}
        if kind == "e164":
            return f"+1{nsn}"
        if kind == "intl":
            return f"+1 {head} {rest[:3]} {rest[3:]}"
        return national[kind]
    if locale == "fr":
        pairs = " ".join(nsn[i:i + 2] for i in range(1, len(nsn), 2))
        grouped = f"{nsn[0]} {pairs}"
    else:
        grouped = f"{head} " + " ".join(rest[i:i + 4] for i in range(0, len(rest), 4))
    if kind == "e164":
        return f"+{cc}{nsn}"
    if kind == "intl":
        return f"+{cc} {grouped}"
    if kind == "digits":
        return trunk + nsn
    if kind == "dashed":
        return trunk + grouped.replace(" ", "-")
    return trunk + grouped


def format_home(home: tuple, r: random.Random) -> str:
    locale, street, number, _, _, _ = home
    if r.random() < 0.3:
        for word, shorts in pools.STREET_ABBREVIATIONS:
            if word in street:
                street = street.replace(word, r.choice(shorts), 1)
                break
        if locale == "en":
            for full, short in pools.STREET_TYPES_EN:
                if street.endswith(full):
                    street = street[: -len(full)] + short
    if locale in ("en", "fr", "zh"):
        return f"{number} {street}" if r.random() < 0.95 else f"{number}, {street}"
    if locale == "pl" and street.startswith("ul. ") and r.random() < 0.2:
        street = street[4:]  # "ul." is often left out
    if locale in ("es", "it") and r.random() < 0.4:
        return f"{street}, {number}"
    return f"{street} {number}"


def _first_variant(p: Person, source: str, r: random.Random) -> str:
    first = p.first
    nicks = pools.NICKNAMES.get(p.locale, {}).get(first)
    if nicks and source not in ("billing",) and r.random() < 0.12:
        first = r.choice(nicks)
    if "-" in first and r.random() < 0.3:
        first = first.replace("-", " " if r.random() < 0.6 else "")
    if p.locale == "zh" and len(first) > 4 and r.random() < 0.15:
        for syllable in pools.PINYIN_SYLLABLES:  # Jianhua -> Jian Hua / Jian-Hua
            if first.lower().startswith(syllable) and len(first) > len(syllable):
                tail = first[len(syllable):]
                first = first[: len(syllable)] + r.choice((" ", "-")) + tail.capitalize()
                break
    return first


class Renderer:
    """Turns a person into one record of a source, with the noise and the hazards."""

    def __init__(self, r: random.Random, levels: dict[str, float]) -> None:
        self.r = r
        self.levels = levels
        self.family_first = min(0.9, 3 * levels["swapped"])

    def names(self, p: Person, source: str) -> tuple[str, str, str]:
        """(first_name, last_name, full_name) as this source writes them."""
        r, lv = self.r, self.levels
        if p.locale == "zh" and p.first_hz and r.random() < lv["hanzi"]:
            first, last = p.first_hz, p.last_hz
            swap = r.random() < lv["swapped"]
            full = last + first  # Hanzi: family name first, no space
            if r.random() < lv["initials"]:
                first, full = "", last  # a surname alone; Hanzi have no initials
        else:
            first, last = _first_variant(p, source, r), p.last
            if p.locale == "es" and " " in last and r.random() < 0.35:
                last = last.split(" ")[0]  # the second surname dropped
            if p.locale == "zh":
                swap = r.random() < self.family_first
            else:
                swap = r.random() < lv["swapped"]
            fold = 1.0 if source == "billing" else 0.25
            if r.random() < fold:
                umlaut_e = p.locale == "de" and r.random() < 0.5
                first, last = ascii_fold(first, umlaut_e), ascii_fold(last, umlaut_e)
            if r.random() < 0.04:
                first = typo(first, r)
            if r.random() < 0.04:
                last = typo(last, r)
            if r.random() < lv["initials"]:
                first = (first[0] + r.choice((".", ""))) if r.random() < 0.5 else ""
            if swap:
                full = f"{last} {first}".strip()
            elif r.random() < 0.15:
                full = f"{last}, {first}" if first else last
            else:
                full = f"{first} {last}".strip()
        if swap:
            first, last = last, first
        case = r.random()
        if source == "billing" or (source == "service_desk" and case < 0.3):
            first, last, full = first.upper(), last.upper(), full.upper()
        elif case < 0.08:
            first, last, full = first.lower(), last.lower(), full.lower()
        return first, last, full

    def record(self, p: Person, source: str, late: bool) -> list[str]:
        r, lv = self.r, self.levels
        landline = p.new_landline if late and p.new_home else p.landline
        line = p.work_phone or landline
        present = [r.random() < f for f in SOURCES[source]]
        present[PHONE] = present[PHONE] and line is not None
        for alternatives in REQUIRED[source]:
            if not any(present[i] for i in alternatives):
                present[r.choice([i for i in alternatives if i != PHONE or line])] = True
        first = last = full = ""
        if present[NAMES]:
            first, last, full = self.names(p, source)
            if source == "newsletter" and r.random() < 0.5:
                last = ""
            if source in ("support", "service_desk"):
                first = last = ""
            else:
                full = ""
        dob = ""
        if present[DOB]:
            ordinal = _date_error(p.dob, r) if r.random() < 0.02 else p.dob
            kind = DATE_FORMAT[source] if r.random() < 0.85 else r.choice(DATE_FORMATS)
            dob = format_date(ordinal, kind)
        email = ""
        if present[EMAIL]:
            if p.family_email and r.random() < 0.9:
                email = p.family_email
            else:
                email = p.email2 if p.email2 and r.random() < 0.25 else p.email
            if r.random() < 0.01:
                local, domain = email.split("@")
                email = f"{typo(local, r)}@{domain}"
            if r.random() < 0.05:
                email = email.capitalize() if r.random() < 0.5 else email.upper()
        phone_kind = PHONE_FORMAT[source]
        phone = ""
        if present[PHONE] and line is not None:
            phone = format_phone(line, phone_kind or r.choice(PHONE_FORMATS))
        mobile = ""
        if present[MOBILE]:
            mobile = format_phone(p.mobile, phone_kind or r.choice(PHONE_FORMATS))
        address = postcode = city = ""
        if present[ADDRESS]:
            home = p.new_home if late and p.new_home else p.home
            address = format_home(home, r)
            if r.random() < 0.03:
                address = typo(address, r)
            postcode = home[3] if r.random() < 0.95 else ""
            if postcode and r.random() < 0.01:
                postcode = typo(postcode, r)
            city = home[4] if r.random() < 0.9 else ""
            if city and r.random() < 0.02:
                city = typo(city, r)
            if source == "billing":
                address, city = ascii_fold(address).upper(), ascii_fold(city).upper()
        values = {"first_name": first, "last_name": last, "full_name": full, "dob": dob,
                  "email": email, "phone": phone, "mobile": mobile, "address": address,
                  "postcode": postcode, "city": city}
        if lv["junk"]:
            named = ("full_name",) if source in ("support", "service_desk") else (
                () if source == "guest" else ("first_name", "last_name"))
            for field in (*named, "dob", "email", "phone", "mobile", "address", "postcode",
                          "city"):
                if r.random() < lv["junk"]:
                    values[field] = r.choice(pools.JUNK[field])
        shown = "webshop" if source == "guest" else source
        return [shown, *values.values()]


def generate(records: int, seed: int = 1, levels: dict[str, float] | None = None
             ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Records, truth and what was planted, for ``records`` rows at the given levels.

    Args:
        records: the number of rows.
        seed: the seed; the same arguments always give the same tables.
        levels: hazard levels (see :data:`HAZARDS`); missing ones are mild.

    Returns:
        ``(records, truth, planted)``: the records table (every column a string, ``""``
        where missing), the truth table ``record_id, cluster_id``, and counts.
    """
    levels = levels_with(**(levels or {}))
    world = World(seed)
    r = world.r
    sizes = list(accumulate(RECORDS_PER_PERSON))
    counts: list[int] = []
    total = 0
    while total < records:
        k = bisect_right(sizes, r.random() * sizes[-1]) + 1
        k = min(k, records - total)
        counts.append(k)
        total += k
    population, planted = build_people(world, len(counts), levels)
    render = Renderer(r, levels)
    guests, fullname = levels["guests"], levels["fullname_sources"]
    named = Pick([s for s, _ in NAMED_SOURCES], weights=[w for _, w in NAMED_SOURCES])
    full = Pick([s for s, _ in FULLNAME_SOURCES], weights=[w for _, w in FULLNAME_SOURCES])
    rows, owners = [], []
    for p, k in zip(population, counts, strict=True):
        for i in range(k):
            u = r.random()
            source = "guest" if u < guests else (full(r) if u < guests + fullname else named(r))
            rows.append(render.record(p, source, late=i >= (k + 1) // 2))
            owners.append(p.pid)
    order = np.random.default_rng(seed).permutation(len(rows))
    width = len(str(len(rows)))
    ids = [f"r{i:0{width}d}" for i in range(len(rows))]
    table = pd.DataFrame([rows[i] for i in order], columns=list(COLUMNS[1:]))
    table.insert(0, "record_id", ids)
    truth = pd.DataFrame({"record_id": ids,
                          "cluster_id": [f"p{owners[i]:0{width}d}" for i in order]})
    planted.update(people=len(population), records=len(rows),
                   largest_true_cluster=max(counts),
                   records_with_a_name=int((table[["first_name", "last_name", "full_name"]]
                                            != "").any(axis=1).sum()))
    return table, truth, planted


def write(directory: Path, records: int, seed: int, levels: dict[str, float]) -> dict:
    """Generate and write ``records.csv``, ``truth.csv`` and ``params.json``; return params."""
    table, truth, planted = generate(records, seed, levels)
    directory.mkdir(parents=True, exist_ok=True)
    table.to_csv(directory / "records.csv", index=False)
    truth.to_csv(directory / "truth.csv", index=False)
    params = {"records": records, "seed": seed, "levels": levels_with(**levels),
              "planted": planted}
    (directory / "params.json").write_text(json.dumps(params, indent=1), encoding="utf-8")
    return params


def parse_size(text: str) -> int:
    """``10000``, ``10k`` or ``1m``."""
    text = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=parse_size, default=10_000,
                        help="rows to write: 10000, 10k, 1m (default 10k)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="folder to write (created)")
    parser.add_argument("--base", choices=("mild", "none"), default="mild",
                        help="level of the hazards not given: their mild default or 0")
    parser.add_argument("--list", action="store_true", help="print the hazards and exit")
    for name, hazard in HAZARDS.items():
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, type=float,
                            metavar="LEVEL",
                            help=f"{hazard.meaning} (mild {hazard.mild}, swept "
                                 f"{'/'.join(map(str, hazard.grid))})")
    args = parser.parse_args()
    if args.list:
        for name, hazard in HAZARDS.items():
            print(f"{name:17} mild {hazard.mild:<6} grid {hazard.grid}  {hazard.meaning}")
        return
    if args.out is None:
        parser.error("--out is required")
    given = {n: getattr(args, n) for n in HAZARDS if getattr(args, n) is not None}
    try:
        levels = levels_with(args.base, **given)
    except ValueError as error:
        parser.error(str(error))
    params = write(args.out, args.records, args.seed, levels)
    print(json.dumps(params))


if __name__ == "__main__":
    main()
