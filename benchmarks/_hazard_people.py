"""The population of ``hazards.py``: people, their homes, numbers and e-mails, and the
hazards that live in the population (common names, twins, households, family mailboxes,
switchboards), planted after everybody has been drawn.

Every stage draws from a random stream of its own (``World.stream``), so a level changes
only what it controls: the same seed gives the same people at every level, the people a
hazard touches at a low level are among those it touches at a higher one, and the other
hazards' draws do not move.
"""

from __future__ import annotations

import random
import unicodedata
import zlib
from bisect import bisect_right
from datetime import date
from itertools import accumulate

import _hazard_pools as pools

FIRST_DAY, LAST_DAY = date(1935, 1, 1).toordinal(), date(2007, 12, 31).toordinal()
EMPLOYEES_PER_SWITCHBOARD = 250
YEAR = 365.25


def ascii_fold(text: str, umlaut_e: bool = False) -> str:
    """Accents dropped (``Müller`` -> ``Muller``, or ``Mueller`` with ``umlaut_e``)."""
    if umlaut_e:
        text = "".join(pools.UMLAUT_E.get(c, c) for c in text)
    text = "".join(pools.FOLD.get(c, c) for c in text)
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def handle(text: str) -> str:
    """A name as it goes into an e-mail address: ASCII, lower case, no spaces."""
    return "".join(c for c in ascii_fold(text).lower() if c.isalnum())


class Pick:
    """Draws from a pool with Zipf-like weights (the first entries are the commonest), or
    with the ``weights`` given."""

    def __init__(self, items: list, exponent: float = 0.9,
                 weights: list[float] | None = None) -> None:
        self.items = items
        if weights is None:
            weights = [1.0 / (k + 1) ** exponent for k in range(len(items))]
        self.cum = list(accumulate(weights))

    def at(self, u: float):
        """The item at quantile ``u`` in [0, 1)."""
        return self.items[bisect_right(self.cum, u * self.cum[-1])]

    def __call__(self, r: random.Random):
        return self.at(r.random())


class Person:
    """One real person: what every record of theirs is rendered from."""

    __slots__ = ("pid", "locale", "sex", "first", "last", "first_hz", "last_hz", "dob",
                 "home", "new_home", "mobile", "landline", "new_landline", "work_phone",
                 "email", "email2", "family_email")

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.first_hz = self.last_hz = None
        self.new_home = self.new_landline = self.work_phone = None
        self.email2 = self.family_email = None


class World:
    """Name, street and number pools, and the e-mails and numbers handed out so far."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
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
        self.emails: set[str] = set()
        self.numbers: set[tuple[str, str]] = set()

    def stream(self, name: str) -> random.Random:
        """The random stream of one stage, fixed by the seed and the stage's name."""
        return random.Random(f"{self.seed}:{name}")

    # -- attributes --------------------------------------------------------------
    def name(self, r: random.Random, p: Person, locale: str, sex: str,
             last: object = None) -> None:
        """Give ``p`` a first name, and a surname (``last`` when given, as a relative)."""
        first = self.first[locale][sex](r)
        family = last if last is not None else self.last[locale](r)
        if locale == "zh":
            p.first_hz, p.first = first
            p.last_hz, p.last = family
        else:
            p.first, p.last = first, family
            if locale == "es" and last is None and r.random() < 0.6:
                p.last = f"{family} {self.last[locale](r)}"  # two surnames
        if locale == "pl":  # a Polish surname agrees with the sex
            for male, female in pools.POLISH_FEMININE:
                if sex == "F" and p.last.endswith(male):
                    p.last = p.last[: -len(male)] + female
                elif sex == "M" and p.last.endswith(female):
                    p.last = p.last[: -len(female)] + male

    def street(self, r: random.Random, locale: str) -> str:
        """A street name as the locale writes it (``Lindenstraße``, ``rue Victor Hugo``)."""
        name, kind = self.street_names[locale](r), self.street_types[locale](r)
        if locale in ("de", "nl"):
            return f"{name}{kind}"
        if locale == "en":
            return f"{name} {kind}"
        if locale == "zh":
            return " ".join(w for w in (name, r.choice(pools.ZH_DIRECTIONS), kind) if w)
        return f"{kind} {name}"

    def postcode(self, locale: str, prefix: str, city: str, street: str) -> str:
        """The postcode of a street: the same for everyone who lives there."""
        code = zlib.crc32(f"{self.seed}|{city}|{street}".encode())
        if locale == "nl":
            letters = "ABCDEFGHJKLMNPRSTVWXZ"
            return (f"{prefix}{10 + code % 90} {letters[code // 90 % 21]}"
                    f"{letters[code // 1890 % 21]}")
        if locale == "pl":
            digits = f"{prefix}{code % 10_000:04d}"
            return f"{digits[:2]}-{digits[2:]}"
        width = (6 if locale == "zh" else 5) - len(prefix)
        return prefix + f"{code % 10 ** width:0{width}d}"

    def home(self, r: random.Random, locale: str) -> tuple:
        """(locale, street, number, postcode, city, area code)."""
        city, prefix, area = r.choice(pools.CITIES[locale])
        street = self.street(r, locale)
        number = str(r.randint(1, 200) if r.random() < 0.9 else r.randint(201, 900))
        return (locale, street, number, self.postcode(locale, prefix, city, street), city, area)

    def number(self, r: random.Random, locale: str, area: str | None,
               mobile: bool) -> tuple[str, str]:
        """A new phone number (locale, "prefix|rest"), never handed out twice."""
        _, _, prefixes, length = pools.PHONE_PLANS[locale]
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

    def email(self, r: random.Random, first: str, last: str, locale: str, dob: int,
              numeric: bool) -> str:
        """A new e-mail address made from the name (or QQ digits), never handed out twice."""
        domain = r.choice(pools.EMAIL_DOMAINS[locale])
        f, s = handle(first) or "x", handle(last) or "x"
        year = date.fromordinal(dob).year
        while True:
            if numeric:
                local, domain = str(r.randint(10_000_000, 2_999_999_999)), "qq.com"
            else:
                local = r.choice((f"{f}.{s}", f"{f}{s}", f"{f[0]}{s}", f"{f}_{s}", f"{s}.{f}",
                                  f"{f}.{s}{year % 100:02d}", f"{f}{r.randint(1, 99)}",
                                  f"{s}{f[0]}", f"{f}{s}{year}", f"{f[0]}.{s}"))
            address = f"{local}@{domain}"
            if address not in self.emails:
                self.emails.add(address)
                return address
            numeric = numeric and r.random() < 0.5
            f = f + str(r.randint(0, 9))  # a taken address: the person picked another

    def personal_email(self, r: random.Random, p: Person) -> None:
        """Give ``p`` an address of their own, and in 20 % a second one."""
        numeric = p.locale == "zh" and r.random() < 0.4
        p.email = self.email(r, p.first, p.last, p.locale, p.dob, numeric)
        second = r.random() < 0.2
        domain_locale = r.choice(("en", p.locale))
        p.email2 = (self.email(r, p.first, p.last, domain_locale, p.dob, False)
                    if second else None)

    def person(self, r: random.Random, pid: int) -> Person:
        """A new person with everything drawn independently of everybody else."""
        p = Person(pid)
        p.locale = self.locales(r)
        p.sex = "M" if r.random() < 0.5 else "F"
        self.name(r, p, p.locale, p.sex)
        p.dob = r.randint(FIRST_DAY, LAST_DAY)
        p.home = self.home(r, p.locale)
        p.mobile = self.number(r, p.locale, None, True)
        p.landline = self.number(r, p.locale, p.home[5], False) if r.random() < 0.6 else None
        self.personal_email(r, p)
        return p

    def relative(self, r: random.Random, p: Person, head: Person, role: str) -> None:
        """Make ``p`` live with ``head``: same locale, surname, home and landline; another
        first name, a birth date that fits the role, a mobile and e-mail of their own."""
        p.locale = head.locale
        family = (head.last_hz, head.last) if head.locale == "zh" else head.last
        for _ in range(50):
            self.name(r, p, head.locale, p.sex, last=family)
            if p.first != head.first:
                break
        youngest = (LAST_DAY - head.dob) / YEAR  # how many years younger a relative can be
        if role == "child" and youngest >= 18:
            p.dob = head.dob + int(r.uniform(18, min(38.0, youngest)) * YEAR)
        else:
            spread = 4.0 if role == "partner" else 8.0
            for _ in range(20):  # drawn again rather than piled up on the first or last day
                p.dob = head.dob + int(r.gauss(0, spread) * YEAR)
                if FIRST_DAY <= p.dob <= LAST_DAY:
                    break
            else:
                p.dob = r.randint(FIRST_DAY, LAST_DAY)
        p.home = head.home
        p.landline = head.landline
        p.mobile = self.number(r, head.locale, None, True)
        self.personal_email(r, p)


def _common_names(world: World, population: list[Person], share: float) -> int:
    r = world.stream("common_names")
    order = list(range(len(population)))
    r.shuffle(order)
    count = round(share * len(population))
    for pid in order[:count]:
        p = population[pid]
        first, last, sex = r.choice(pools.COMMON_NAMES[p.locale])
        p.sex = sex
        if p.locale == "zh":
            (p.first_hz, p.first), (p.last_hz, p.last) = first, last
        else:
            p.first, p.last = first, last
        world.personal_email(r, p)
    return count


def _twins(world: World, population: list[Person], pairs: int
           ) -> tuple[list[list[Person]], int]:
    """Twin pairs from the back of ``population`` (households are taken from the front);
    the pairs who live together, and how many people became twins."""
    r = world.stream("twins")
    homes = []
    used = 0
    for k in range(min(pairs, len(population) // 2)):
        a, b = population[-1 - 2 * k], population[-2 - 2 * k]
        used += 2
        b.sex = a.sex if r.random() < 0.5 else ("F" if a.sex == "M" else "M")
        together = r.random() < 0.6
        same_initial = r.random() < 0.3
        for _ in range(50):  # Anna and Alma, or Anna and Berta
            world.relative(r, b, a, "sibling")
            if (b.first[0] == a.first[0]) == same_initial:
                break
        b.dob = a.dob
        if together:
            homes.append([a, b])
        else:
            b.home = world.home(r, b.locale)
            b.landline = (world.number(r, b.locale, b.home[5], False) if r.random() < 0.6
                          else None)
    return homes, used


def _households(world: World, population: list[Person], people: int
                ) -> list[list[Person]]:
    """Households of 2-5 from the front of ``population`` until ``people`` live in one."""
    r = world.stream("households")
    homes: list[list[Person]] = []
    cursor = housed = 0
    while housed < people and cursor + 2 <= len(population):
        size = min(r.choices((2, 3, 4, 5), (0.45, 0.25, 0.20, 0.10))[0],
                   len(population) - cursor)
        members = population[cursor:cursor + size]
        cursor += size
        head = members[0]
        if head.landline is None and r.random() < 0.85:
            head.landline = world.number(r, head.locale, head.home[5], False)
        for k, member in enumerate(members[1:]):
            role = "partner" if k == 0 and r.random() < 0.7 else (
                "child" if k > 0 or r.random() < 0.5 else "sibling")
            world.relative(r, member, head, role)
        homes.append(members)
        housed += size
    return homes


def _mailboxes(world: World, homes: list[list[Person]], people: int) -> int:
    """Whole households share one address, until ``people`` do."""
    r = world.stream("mailboxes")
    shared = 0
    for members in r.sample(homes, len(homes)):
        if shared >= people:
            break
        head = members[0]
        pattern = r.choice(pools.FAMILY_MAILBOX[head.locale])
        local = pattern.format(l=handle(head.last), a=handle(members[0].first)[:1],
                               b=handle(members[1].first)[:1])
        mailbox = f"{local}@{r.choice(pools.EMAIL_DOMAINS[head.locale])}"
        while mailbox in world.emails:
            mailbox = mailbox.replace("@", str(r.randint(0, 9)) + "@", 1)
        world.emails.add(mailbox)
        for member in members:
            member.family_email = mailbox
        shared += len(members)
    return shared


def _switchboards(world: World, population: list[Person], share: float) -> int:
    """Employees anywhere in the population, about 250 per company number."""
    r = world.stream("switchboard")
    order = list(range(len(population)))
    r.shuffle(order)
    employees = round(share * len(population))
    if not employees:
        return 0
    companies = []
    for _ in range(max(1, round(employees / EMPLOYEES_PER_SWITCHBOARD))):
        locale = world.locales(r)
        area = r.choice(pools.CITIES[locale])[2]
        companies.append(world.number(r, locale, area, False))
    for pid in order[:employees]:
        population[pid].work_phone = r.choice(companies)
    return len(companies)


def _movers(world: World, population: list[Person]) -> int:
    """3 % of people move: their later records carry a new address and landline."""
    pick, r = world.stream("movers"), world.stream("new_homes")
    movers = 0
    for p in population:
        if pick.random() < 0.03:
            p.new_home = world.home(r, p.locale)
            line = world.number(r, p.locale, p.new_home[5], False)
            p.new_landline = line if p.landline is not None else None
            movers += 1
    return movers


def build_people(world: World, people: int, levels: dict[str, float]
                 ) -> tuple[list[Person], dict]:
    """The population with the hazards that live in it, and counts of what was planted."""
    r = world.stream("people")
    population = [world.person(r, i) for i in range(people)]
    # Common names first, so that a household inherits its head's common surname.
    common = _common_names(world, population, levels["common_names"])
    family = population[:]
    world.stream("family").shuffle(family)
    twin_homes, used = _twins(world, family, round(levels["twins"] * people / 2))
    in_homes = round(max(levels["households"], levels["mailboxes"]) * people)
    homes = _households(world, family[:len(family) - used], in_homes)
    shared = _mailboxes(world, homes, round(levels["mailboxes"] * people))
    switchboards = _switchboards(world, population, levels["switchboard"])
    movers = _movers(world, population)
    planted = {
        "households": len(homes),
        "twin_pairs_in_one_home": len(twin_homes),
        "people_in_households": sum(len(h) for h in homes),
        "twin_pairs": used // 2,
        "people_sharing_a_mailbox": shared,
        "common_name_people": common,
        "switchboards": switchboards,
        "employees_on_switchboards": sum(1 for p in population if p.work_phone),
        "movers": movers,
    }
    return population, planted
