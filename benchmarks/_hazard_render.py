"""Records of ``hazards.py``: a person as one source writes them, with the always-on noise
and the hazards that live in records (swapped names, Hanzi, initials, junk).

Noise is drawn from a stream that is reseeded for every person, and the hazards from a
fixed number of draws per record, so a level changes only the records it touches.
"""

from __future__ import annotations

import random
from datetime import date

import _hazard_pools as pools
from _hazard_people import Person, ascii_fold

NAMES, DOB, EMAIL, PHONE, MOBILE, ADDRESS = range(6)

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
# What a source's form will not save without: each entry is a set of alternatives.
REQUIRED = {
    "crm": ((NAMES,), (EMAIL, PHONE, MOBILE)), "webshop": ((EMAIL,), (ADDRESS,)),
    "billing": ((NAMES,), (ADDRESS,)), "newsletter": ((EMAIL,),),
    "support": ((NAMES,), (EMAIL, PHONE, MOBILE)),
    "service_desk": ((NAMES,), (EMAIL, PHONE, MOBILE)), "guest": ((EMAIL,), (ADDRESS,)),
}
FULL_NAME_ONLY = ("support", "service_desk")
DATE_FORMAT = {"crm": "iso", "webshop": "dmy/", "billing": "compact", "newsletter": "iso",
               "support": "dmy.", "service_desk": "long", "guest": "iso"}
PHONE_FORMAT = {"crm": "e164", "webshop": None, "billing": "digits", "newsletter": None,
                "support": "national", "service_desk": "intl", "guest": None}
DATE_FORMATS = ("iso", "dmy/", "dmy.", "compact", "long")
PHONE_FORMATS = ("e164", "intl", "national", "digits", "dashed")
FIELDS = ("first_name", "last_name", "full_name", "dob", "email", "phone", "mobile",
          "address", "postcode", "city")

# The per-record hazard draws, always this many, in this order.
SWAP, FAMILY_FIRST, HANZI, INITIALS, INITIAL_KIND = range(5)
JUNK_DRAWS = {field: 5 + k for k, field in enumerate(FIELDS)}
HAZARD_DRAWS = 5 + len(FIELDS)


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


def date_error(ordinal: int, r: random.Random) -> int:
    """A birth date as a clerk gets it wrong: day and month swapped, or a digit off."""
    d = date.fromordinal(ordinal)
    if d.day <= 12 and d.day != d.month and r.random() < 0.5:
        return date(d.year, d.day, d.month).toordinal()
    if r.random() < 0.5:
        return ordinal + r.choice((-10, -1, 1, 10))
    try:
        return d.replace(year=d.year + r.choice((-10, -1, 1, 10))).toordinal()
    except ValueError:  # 29 February
        return ordinal + 1


def format_phone(number: tuple[str, str], kind: str) -> str:
    """A number written as ``e164``, ``intl``, ``national``, ``digits`` or ``dashed``."""
    locale, digits = number
    head, rest = digits.split("|")
    cc, trunk, prefixes, _ = pools.PHONE_PLANS[locale]
    if locale == "zh" and head in prefixes:
        trunk = ""  # Chinese mobiles are dialled without the trunk 0
    nsn = head + rest
    if locale == "en":
        if kind == "e164":
            return f"+1{nsn}"
        if kind == "intl":
            return f"+1 {head} {rest[:3]} {rest[3:]}"
        return {"national": f"({head}) {rest[:3]}-{rest[3:]}",
                "dashed": f"{head}-{rest[:3]}-{rest[3:]}", "digits": nsn}[kind]
    if locale == "fr":
        grouped = f"{nsn[0]} " + " ".join(nsn[i:i + 2] for i in range(1, len(nsn), 2))
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
    """A street address as typed: street words abbreviated in 30 %, number placed as the
    locale does."""
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


def first_variant(p: Person, source: str, r: random.Random) -> str:
    """The first name as this record gives it: a nickname, a hyphen or syllables split."""
    first = p.first
    nicks = pools.NICKNAMES.get(p.locale, {}).get(first)
    if nicks and source != "billing" and r.random() < 0.12:
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
    """Turns a person into one record of a source, with the noise and the hazards.

    Args:
        levels: the hazard levels.
    """

    def __init__(self, levels: dict[str, float]) -> None:
        self.levels = levels
        self.family_first = min(0.9, 3 * levels["swapped"])

    def names(self, p: Person, source: str, r: random.Random, h: list[float]
              ) -> tuple[str, str, str]:
        """(first_name, last_name, full_name) as this source writes them."""
        lv = self.levels
        initials = h[INITIALS] < lv["initials"]
        if p.locale == "zh" and p.first_hz and h[HANZI] < lv["hanzi"]:
            first, last = p.first_hz, p.last_hz
            swap = h[SWAP] < lv["swapped"]
            full = last + first  # Hanzi: family name first, no space
            if initials:
                first, full = "", last  # a surname alone; Hanzi have no initials
        else:
            first, last = first_variant(p, source, r), p.last
            if p.locale == "es" and " " in last and r.random() < 0.35:
                last = last.split(" ")[0]  # the second surname dropped
            if p.locale == "zh":
                swap = h[FAMILY_FIRST] < self.family_first
            else:
                swap = h[SWAP] < lv["swapped"]
            if source == "billing" or r.random() < 0.25:
                umlaut_e = p.locale == "de" and r.random() < 0.5
                first, last = ascii_fold(first, umlaut_e), ascii_fold(last, umlaut_e)
            if r.random() < 0.04:
                first = typo(first, r)
            if r.random() < 0.04:
                last = typo(last, r)
            comma = r.random() < 0.15
            if initials:
                first = (first[0] + ("." if r.random() < 0.5 else "")
                         if h[INITIAL_KIND] < 0.5 else "")
            if swap:
                full = f"{last} {first}".strip()
            elif comma:
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

    def record(self, p: Person, source: str, late: bool, r: random.Random,
               h: list[float]) -> list[str]:
        """One row: ``source`` and the values of :data:`FIELDS`.

        Args:
            p: the person.
            source: where the record comes from (``guest`` is shown as ``webshop``).
            late: a later record (a mover's shows the new address).
            r: the noise stream.
            h: the record's :data:`HAZARD_DRAWS` hazard draws.
        """
        landline = p.new_landline if late and p.new_home else p.landline
        line = p.work_phone or landline
        present = [r.random() < f for f in SOURCES[source]]
        present[PHONE] = present[PHONE] and line is not None
        for alternatives in REQUIRED[source]:
            if not any(present[i] for i in alternatives):
                present[r.choice([i for i in alternatives if i != PHONE or line])] = True
        first = last = full = ""
        if present[NAMES]:
            first, last, full = self.names(p, source, r, h)
            if source == "newsletter" and r.random() < 0.5:
                last = ""
            if source in FULL_NAME_ONLY:
                first = last = ""
            else:
                full = ""
        dob = ""
        if present[DOB]:
            ordinal = date_error(p.dob, r) if r.random() < 0.02 else p.dob
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
        phone = mobile = ""
        if present[PHONE] and line is not None:
            phone = format_phone(line, phone_kind or r.choice(PHONE_FORMATS))
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
        # Junk where the source takes the field: a placeholder typed instead of a value.
        junk = self.levels["junk"]
        named = (("full_name",) if source in FULL_NAME_ONLY
                 else () if source == "guest" else ("first_name", "last_name"))
        for field in (*named, *FIELDS[3:]):
            draw = h[JUNK_DRAWS[field]]
            if draw < junk:
                values[field] = pools.JUNK[field][int(draw / junk * len(pools.JUNK[field]))]
        return ["webshop" if source == "guest" else source, *values.values()]
