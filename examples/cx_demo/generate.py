"""Generate the ``cx_demo`` data set: four customer exports of one synthetic population.

The population (``--people``, default 3000) is mostly American, with about 10% British
and 10% Chinese customers.  Each person shows up in some of four exports, each in the
column layout of a real product's standard export:

* ``crm_contacts.csv``            Salesforce Contact export            (source ``crm``)
* ``csm_cases.csv``               Zendesk users, one row per case      (source ``csm``)
* ``ecommerce_customers.parquet`` Shopify customers export             (source ``ecommerce``)
* ``support_chats.jsonl``         Intercom-style conversations         (source ``support``)

with realistic noise (typos, nicknames, Hanzi vs pinyin, Gmail variants, phone formats,
moves, email changes, households, common names, placeholders, missing fields) and a few
deliberately broken rows.  It also writes the answer key:

* ``truth.csv``            ``record_id,person_id`` for every valid record
* ``planted_rejects.csv``  ``source,row,source_record_id,reason`` for every broken row

Output is deterministic byte-for-byte for a given ``--seed``.  Standalone on purpose: it
does not import ``unifyprofile``.

    python examples/cx_demo/generate.py [--seed 7] [--people 3000] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.parquet as pq

# --------------------------------------------------------------------------------------
# Rates.  Per person unless marked "per record" (then drawn again for every record).
# --------------------------------------------------------------------------------------

COUNTRY_SHARES = {"US": 0.80, "GB": 0.10, "CN": 0.10}
SOURCE_SHARES = {"crm": 0.70, "csm": 0.40, "ecommerce": 0.50, "support": 0.35}

HOUSEHOLD_RATE = 0.05          # share of people who live with a family member (pairs)
FAMILY_EMAIL_RATE = 0.40       # households that share an address like smithfamily@gmail.com
MOVED_RATE = 0.10              # people with an older address in an older record
EMAIL_CHANGE_RATE = 0.08       # people whose older records carry an older email
HAS_COMPANY_RATE = 0.45
MARKETING_OK_RATE = 0.55

# Extra records of the same person inside one source (true within-source duplicates).
CRM_DUPLICATE_RATE = 0.03      # second CRM contact
ECOMMERCE_DUPLICATE_RATE = 0.03  # second shop account (guest checkout, other email)
CSM_CASES = ((1, 0.70), (2, 0.20), (3, 0.10))          # cases per person in csm
SUPPORT_CONVERSATIONS = ((1, 0.72), (2, 0.20), (3, 0.08))

# Per-record noise.
NICKNAME_RATE = {"crm": 0.05, "csm": 0.25, "ecommerce": 0.20, "support": 0.25}
NAME_TYPO_RATE = 0.03          # per name part
STREET_TYPO_RATE = 0.04
STREET_STYLE_RATE = 0.35       # "Street" -> "St", "Apt 4B" -> "#4B"
PLACEHOLDER_RATE = 0.015       # per field: test@test.com, 000-000-0000, "Unknown"
GMAIL_VARIANT_RATE = {"crm": 0.05, "csm": 0.10, "ecommerce": 0.50, "support": 0.10}
EMAIL_CASE_RATE = 0.05
WORK_EMAIL_RATE = 0.20         # CRM contacts with a company filed under the work email
FAMILY_EMAIL_USE_RATE = 0.50   # records of a family-email household that use it
HOME_PHONE_USE_RATE = {"crm": 0.70, "csm": 0.30, "ecommerce": 0.40, "support": 0.30}
PHONE_EXTENSION_RATE = 0.08    # csm
LAST_FIRST_RATE = 0.12         # csm "Last, First"
NAME_CASE_RATE = {"crm": 0.02, "csm": 0.10, "ecommerce": 0.05, "support": 0.08}
HANZI_NAME_RATE = {"crm": 0.15, "csm": 0.25, "ecommerce": 0.45, "support": 0.45}
SWAPPED_CN_NAME_RATE = 0.10    # ecommerce: "First Name" = Zhang, "Last Name" = Wei
MISSING = {                    # per record, share of rows without the field
    "crm": {"first_name": 0.02, "email": 0.08, "phone": 0.12, "dob": 0.35,
            "address": 0.10, "company": 0.20},
    "csm": {"email": 0.04, "phone": 0.55, "company": 0.30},
    "ecommerce": {"email": 0.03, "phone": 0.40, "address": 0.15},
}

PLACEHOLDER_EMAILS = ("test@test.com", "none@none.com")
PLACEHOLDER_PHONES = ("000-000-0000", "n/a")
PLACEHOLDER_FIRST_NAME = "Unknown"

# Time windows (records are dated inside them).
CRM_WINDOW = (datetime(2021, 1, 4), datetime(2025, 6, 30))
CSM_WINDOW = (datetime(2023, 1, 2), datetime(2025, 6, 20))
ECOMMERCE_WINDOW = (datetime(2023, 1, 2), datetime(2025, 6, 30))
SUPPORT_WINDOW = (datetime(2023, 6, 1), datetime(2025, 6, 30))
CHANGE_WINDOW = (datetime(2023, 3, 1), datetime(2024, 12, 31))  # moves / email changes

# --------------------------------------------------------------------------------------
# Reference tables.
# --------------------------------------------------------------------------------------

# formal first name -> nicknames
NICKNAMES = {
    "Robert": ("Bob", "Rob", "Bobby"), "William": ("Bill", "Will", "Billy"),
    "James": ("Jim", "Jimmy"), "Michael": ("Mike",), "Richard": ("Rick", "Rich"),
    "Thomas": ("Tom", "Tommy"), "Christopher": ("Chris",), "Daniel": ("Dan", "Danny"),
    "Joseph": ("Joe",), "Charles": ("Charlie", "Chuck"), "Matthew": ("Matt",),
    "Anthony": ("Tony",), "Steven": ("Steve",), "Andrew": ("Andy", "Drew"),
    "Joshua": ("Josh",), "Edward": ("Ed", "Eddie", "Ted"), "Benjamin": ("Ben",),
    "Samuel": ("Sam",), "Nicholas": ("Nick",), "Alexander": ("Alex",),
    "Jonathan": ("Jon",), "Timothy": ("Tim",), "Gregory": ("Greg",), "David": ("Dave",),
    "Elizabeth": ("Liz", "Beth", "Betty"), "Katherine": ("Kate", "Katie", "Kathy"),
    "Jennifer": ("Jen", "Jenny"), "Margaret": ("Maggie", "Peggy", "Meg"),
    "Patricia": ("Pat", "Patty", "Trish"), "Susan": ("Sue", "Susie"),
    "Deborah": ("Deb", "Debbie"), "Rebecca": ("Becky", "Becca"),
    "Jessica": ("Jess", "Jessie"), "Christina": ("Tina", "Chris"),
    "Victoria": ("Vicky", "Tori"), "Samantha": ("Sam",), "Alexandra": ("Alex", "Lexi"),
    "Kimberly": ("Kim",), "Abigail": ("Abby",), "Stephanie": ("Steph",),
}
MALE_NAMES = (
    "Robert", "William", "James", "Michael", "Richard", "Thomas", "Christopher",
    "Daniel", "Joseph", "Charles", "Matthew", "Anthony", "Steven", "Andrew", "Joshua",
    "Edward", "Benjamin", "Samuel", "Nicholas", "Alexander", "Jonathan", "Timothy",
    "Gregory", "David", "John", "Brian", "Kevin", "Jason", "Eric", "Ryan", "Jose",
    "Carlos", "Luis", "Kyle", "Tyler", "Brandon", "Justin", "Aaron", "Adam", "Mark",
)
FEMALE_NAMES = (
    "Elizabeth", "Katherine", "Jennifer", "Margaret", "Patricia", "Susan", "Deborah",
    "Rebecca", "Jessica", "Christina", "Victoria", "Samantha", "Alexandra", "Kimberly",
    "Abigail", "Stephanie", "Mary", "Linda", "Sarah", "Karen", "Nancy", "Lisa", "Emily",
    "Ashley", "Michelle", "Amanda", "Melissa", "Laura", "Maria", "Ana", "Rosa",
    "Olivia", "Emma", "Sophia", "Hannah", "Rachel",
)
UK_MALE_NAMES = ("Oliver", "Harry", "George", "Jack", "Thomas", "James", "William",
                 "David", "Daniel", "Samuel", "Edward", "Richard", "Andrew", "Michael")
UK_FEMALE_NAMES = ("Charlotte", "Amelia", "Sophie", "Lucy", "Emma", "Olivia", "Hannah",
                   "Elizabeth", "Katherine", "Rebecca", "Victoria", "Sarah", "Emily")
US_SURNAMES = (  # roughly by frequency; drawn with Zipf-like weights
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
    "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
    "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson",
    "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker",
    "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
    "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
    "Carter", "Roberts", "O'Brien", "McDonald", "Kowalski", "Schneider", "Patel", "Kim",
    "Murphy", "Cook", "Rogers", "Morgan", "Peterson", "Cooper", "Reed", "Bailey", "Bell",
    "Gomez", "Kelly", "Howard", "Ward", "Cox", "Diaz", "Richardson", "Wood", "Watson",
    "Brooks", "Bennett", "Gray", "Reyes", "Cruz", "Hughes", "Price", "Myers", "Long",
    "Foster", "Sanders", "Ross", "Morales", "Powell", "Sullivan", "Russell", "Ortiz",
    "Jenkins", "Gutierrez", "Perry", "Butler", "Barnes", "Fisher", "Henderson",
    "Coleman", "Simmons", "Patterson", "Jordan", "Reynolds", "Hamilton", "Graham",
)
UK_SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
    "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Hughes", "Edwards", "Turner",
    "Lewis", "Harris", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark",
)
# (Hanzi, pinyin); 许 and 徐 are both "Xu" on purpose.
CN_SURNAMES = (
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
    ("杨", "Yang"), ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"),
    ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"),
    ("郭", "Guo"), ("何", "He"), ("高", "Gao"), ("林", "Lin"), ("罗", "Luo"),
    ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"), ("唐", "Tang"),
    ("许", "Xu"), ("韩", "Han"), ("冯", "Feng"), ("邓", "Deng"), ("曹", "Cao"),
)
CN_MALE_NAMES = (
    ("伟", "Wei"), ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"),
    ("勇", "Yong"), ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"),
    ("刚", "Gang"), ("平", "Ping"), ("辉", "Hui"), ("鹏", "Peng"), ("浩", "Hao"),
    ("宇", "Yu"), ("建华", "Jianhua"), ("志强", "Zhiqiang"), ("晓明", "Xiaoming"),
    ("俊杰", "Junjie"), ("宇轩", "Yuxuan"), ("浩然", "Haoran"), ("子豪", "Zihao"),
    ("文博", "Wenbo"),
)
CN_FEMALE_NAMES = (
    ("芳", "Fang"), ("娜", "Na"), ("静", "Jing"), ("敏", "Min"), ("艳", "Yan"),
    ("丽", "Li"), ("玲", "Ling"), ("婷", "Ting"), ("雪", "Xue"), ("琳", "Lin"),
    ("秀英", "Xiuying"), ("桂英", "Guiying"), ("秀兰", "Xiulan"), ("海燕", "Haiyan"),
    ("欣怡", "Xinyi"), ("子涵", "Zihan"), ("梓萱", "Zixuan"), ("文静", "Wenjing"),
    ("丽娟", "Lijuan"), ("晓燕", "Xiaoyan"),
)
PINYIN = dict(CN_SURNAMES + CN_MALE_NAMES + CN_FEMALE_NAMES)  # Hanzi -> pinyin

# Planted common-name collisions: (country, first, last, how many different people).
COMMON_NAMES = (
    ("US", "John", "Smith", 6), ("US", "Maria", "Garcia", 5),
    ("US", "Michael", "Johnson", 4), ("US", "Jennifer", "Brown", 4),
    ("GB", "David", "Jones", 3), ("CN", "伟", "张", 4), ("CN", "芳", "王", 3),
)

# city, state code, state name, zip prefix, phone area codes
US_CITIES = (
    ("San Francisco", "CA", "California", "941", ("415", "628")),
    ("Los Angeles", "CA", "California", "900", ("213", "310", "323")),
    ("San Diego", "CA", "California", "921", ("619", "858")),
    ("San Jose", "CA", "California", "951", ("408",)),
    ("Seattle", "WA", "Washington", "981", ("206",)),
    ("Portland", "OR", "Oregon", "972", ("503",)),
    ("Denver", "CO", "Colorado", "802", ("303", "720")),
    ("Austin", "TX", "Texas", "787", ("512",)),
    ("Dallas", "TX", "Texas", "752", ("214", "469")),
    ("Houston", "TX", "Texas", "770", ("713", "832")),
    ("Chicago", "IL", "Illinois", "606", ("312", "773")),
    ("Boston", "MA", "Massachusetts", "021", ("617",)),
    ("New York", "NY", "New York", "100", ("212", "646")),
    ("Brooklyn", "NY", "New York", "112", ("718", "347")),
    ("Philadelphia", "PA", "Pennsylvania", "191", ("215", "267")),
    ("Pittsburgh", "PA", "Pennsylvania", "152", ("412",)),
    ("Atlanta", "GA", "Georgia", "303", ("404", "678")),
    ("Miami", "FL", "Florida", "331", ("305", "786")),
    ("Orlando", "FL", "Florida", "328", ("407",)),
    ("Phoenix", "AZ", "Arizona", "850", ("602", "480")),
    ("Las Vegas", "NV", "Nevada", "891", ("702",)),
    ("Minneapolis", "MN", "Minnesota", "554", ("612",)),
    ("Detroit", "MI", "Michigan", "482", ("313",)),
    ("Columbus", "OH", "Ohio", "432", ("614",)),
    ("Nashville", "TN", "Tennessee", "372", ("615",)),
    ("Charlotte", "NC", "North Carolina", "282", ("704",)),
    ("Raleigh", "NC", "North Carolina", "276", ("919",)),
    ("Salt Lake City", "UT", "Utah", "841", ("801",)),
    ("Kansas City", "MO", "Missouri", "641", ("816",)),
    ("Baltimore", "MD", "Maryland", "212", ("410",)),
    ("Madison", "WI", "Wisconsin", "537", ("608",)),
)
US_STREETS = ("Main", "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake",
              "Hill", "Park", "Sunset", "Mission", "Market", "Valencia", "Lincoln",
              "Jefferson", "Madison", "Highland", "Franklin", "Chestnut", "Walnut",
              "Spring", "River", "Church", "Willow", "Meadow", "Forest", "Ridge")
US_STREET_TYPES = ("Street", "Avenue", "Boulevard", "Road", "Drive", "Lane", "Court",
                   "Place", "Way")
STREET_ABBREVIATIONS = {"Street": "St", "Avenue": "Ave", "Boulevard": "Blvd",
                        "Road": "Rd", "Drive": "Dr", "Lane": "Ln", "Court": "Ct",
                        "Place": "Pl", "Way": "Way"}

# city, county, postcode districts, landline area code (without the 0)
UK_CITIES = (
    ("London", "Greater London", ("SW1A", "SW4", "SE15", "N1", "E8", "NW3", "W2", "EC1V"),
     "20"),
    ("Manchester", "Greater Manchester", ("M1", "M4", "M14", "M20"), "161"),
    ("Birmingham", "West Midlands", ("B1", "B5", "B15"), "121"),
    ("Leeds", "West Yorkshire", ("LS1", "LS6"), "113"),
    ("Glasgow", "Glasgow City", ("G1", "G12"), "141"),
    ("Bristol", "Bristol", ("BS1", "BS8"), "117"),
    ("Edinburgh", "City of Edinburgh", ("EH1", "EH3"), "131"),
)
UK_STREETS = (("High", "Street"), ("Church", "Road"), ("Station", "Road"),
              ("Victoria", "Road"), ("Park", "Avenue"), ("Green", "Lane"),
              ("Manor", "Road"), ("Kings", "Road"), ("Queen", "Street"), ("Mill", "Lane"),
              ("York", "Road"), ("Albert", "Street"))
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# city, province code, province name, postcode, landline area code
CN_CITIES = (
    ("Beijing", "BJ", "Beijing", "100020", "10"),
    ("Shanghai", "SH", "Shanghai", "200040", "21"),
    ("Guangzhou", "GD", "Guangdong", "510620", "20"),
    ("Shenzhen", "GD", "Guangdong", "518048", "755"),
    ("Hangzhou", "ZJ", "Zhejiang", "310006", "571"),
    ("Chengdu", "SC", "Sichuan", "610041", "28"),
    ("Nanjing", "JS", "Jiangsu", "210005", "25"),
    ("Wuhan", "HB", "Hubei", "430022", "27"),
)
CN_STREETS = (("Jianguo", "Road"), ("Nanjing West", "Road"), ("Huaihai Middle", "Road"),
              ("Zhongshan", "Road"), ("Renmin", "Road"), ("Jiefang", "Road"),
              ("Shennan", "Avenue"), ("Tianhe", "Road"), ("Wenyi", "Road"))
CN_MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139",
                      "150", "151", "152", "155", "156", "158", "159", "177", "180",
                      "186", "187", "188", "189")

COUNTRY_NAMES = {"US": ("United States", "USA", "US"),
                 "GB": ("United Kingdom", "UK", "GB"),
                 "CN": ("China", "CN")}
COUNTRY_NAME_WEIGHTS = {"US": (0.60, 0.25, 0.15), "GB": (0.70, 0.20, 0.10),
                        "CN": (0.90, 0.10)}

EMAIL_DOMAINS = {
    "US": (("gmail.com", 0.45), ("yahoo.com", 0.15), ("outlook.com", 0.10),
           ("hotmail.com", 0.10), ("icloud.com", 0.10), ("aol.com", 0.05),
           ("comcast.net", 0.05)),
    "GB": (("gmail.com", 0.40), ("btinternet.com", 0.15), ("hotmail.co.uk", 0.20),
           ("yahoo.co.uk", 0.15), ("outlook.com", 0.10)),
    "CN": (("qq.com", 0.40), ("163.com", 0.30), ("126.com", 0.10), ("gmail.com", 0.20)),
}
GMAIL_TAGS = ("shop", "orders", "store", "deals")

# legal name, variants a person might type, email domain
COMPANIES = (
    ("Acme Corporation", ("Acme Corp", "ACME Corp.", "Acme"), "acme.com"),
    ("Globex Inc.", ("Globex", "Globex Inc"), "globex.com"),
    ("Initech LLC", ("Initech", "Initech, LLC"), "initech.com"),
    ("Umbrella Health", ("Umbrella Health Inc", "Umbrella"), "umbrellahealth.com"),
    ("Stark Industries", ("Stark Ind.", "Stark"), "starkindustries.com"),
    ("Wayne Enterprises", ("Wayne Ent.", "Wayne Enterprises Inc"), "wayne.com"),
    ("Hooli", ("Hooli Inc", "HOOLI"), "hooli.com"),
    ("Pied Piper", ("PiedPiper", "Pied Piper Inc"), "piedpiper.com"),
    ("Vandelay Industries", ("Vandelay", "Vandelay Ind"), "vandelay.com"),
    ("Soylent Foods", ("Soylent", "Soylent Foods Ltd"), "soylentfoods.com"),
    ("Northwind Traders", ("Northwind", "Northwind Traders Ltd"), "northwind.com"),
    ("Contoso Ltd", ("Contoso", "Contoso Limited"), "contoso.com"),
    ("Fabrikam Inc", ("Fabrikam",), "fabrikam.com"),
    ("Tailspin Toys", ("Tailspin",), "tailspintoys.com"),
    ("Blue Yonder Airlines", ("Blue Yonder",), "blueyonderairlines.com"),
    ("Cyberdyne Systems", ("Cyberdyne",), "cyberdyne.com"),
    ("Massive Dynamic", ("Massive Dynamic Inc",), "massivedynamic.com"),
    ("Oceanic Logistics", ("Oceanic",), "oceaniclogistics.com"),
    ("Dunder Mifflin", ("Dunder Mifflin Paper", "Dunder-Mifflin"), "dundermifflin.com"),
    ("Gringotts Bank", ("Gringotts",), "gringotts.co.uk"),
    ("Huaxia Trading Co.", ("Huaxia Trading", "Huaxia"), "huaxiatrading.cn"),
)

CASE_SUBJECTS = ("Where is my order {n}", "Refund request for order {n}",
                 "Cannot log in to my account", "Question about my invoice",
                 "Change my shipping address", "Product arrived damaged",
                 "Cancel my subscription", "Password reset not working",
                 "Update billing details", "Warranty claim for order {n}",
                 "Wrong item received", "Discount code not applied")
CASE_STATUSES = (("new", 0.05), ("open", 0.15), ("pending", 0.10), ("hold", 0.03),
                 ("solved", 0.45), ("closed", 0.22))
CHAT_OPENERS = ("Hi, I have a question about my order #{n}.",
                "Hello! My package hasn't arrived yet.",
                "Can I change the delivery address for my order?",
                "I was charged twice, can you help?",
                "How do I return an item?",
                "Is the blue version back in stock?",
                "My discount code doesn't work at checkout.",
                "I can't log in, the reset email never comes.",
                "Do you ship to my country?",
                "I'd like to cancel my order #{n}, please.")
SHOP_TAGS = ("newsletter", "vip", "wholesale", "returning", "loyalty-gold",
             "from-instagram")


# --------------------------------------------------------------------------------------
# Random helpers.
# --------------------------------------------------------------------------------------


class Rng:
    """Thin wrapper over a seeded numpy Generator with the draws this script needs."""

    def __init__(self, seed: int) -> None:
        self._g = np.random.default_rng(seed)

    def chance(self, p: float) -> bool:
        return bool(self._g.random() < p)

    def integer(self, low: int, high: int) -> int:
        """Uniform integer in ``[low, high]`` (inclusive)."""
        return int(self._g.integers(low, high + 1))

    def digits(self, n: int) -> str:
        return "".join(str(self.integer(0, 9)) for _ in range(n))

    def pick(self, items: Sequence, weights: Sequence[float] | None = None):
        if weights is None:
            return items[self.integer(0, len(items) - 1)]
        cumulative = np.cumsum(weights)
        index = int(np.searchsorted(cumulative, self._g.random() * cumulative[-1],
                                    side="right"))
        return items[min(index, len(items) - 1)]

    def pick_weighted(self, pairs: Sequence[tuple]):
        """Pick from ``((value, weight), ...)``."""
        return self.pick([v for v, _ in pairs], [w for _, w in pairs])

    def zipf_pick(self, items: Sequence, exponent: float = 0.9):
        """Pick with weight 1/rank**exponent: early items are much more common."""
        return self.pick(items, [1.0 / (rank + 1) ** exponent for rank in range(len(items))])

    def moment(self, start: datetime, end: datetime) -> datetime:
        span = int((end - start).total_seconds())
        return start + timedelta(seconds=self.integer(0, max(span, 0)))

    def permutation(self, n: int) -> list[int]:
        return [int(i) for i in self._g.permutation(n)]


# --------------------------------------------------------------------------------------
# The population.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phone:
    """A phone number as country code + national significant number (digits only)."""

    country: str   # ISO2
    nsn: str

    @property
    def calling_code(self) -> str:
        return {"US": "1", "GB": "44", "CN": "86"}[self.country]


@dataclass(frozen=True)
class Address:
    number: str
    street: str        # "Oak", "Nanjing West"
    street_type: str   # "Street", "Road"
    unit: str          # "Apt 4B", "Flat 2", "Room 1203" or ""
    city: str
    region: str        # state / province code, UK county
    region_name: str
    postcode: str
    country: str       # ISO2


@dataclass
class Person:
    person_id: str
    country: str
    gender: str
    first_name: str            # formal given name; pinyin for Chinese people
    last_name: str
    dob: date
    email: str                 # current email
    mobile: Phone
    address: Address           # current address
    first_hanzi: str = ""      # Chinese people only
    last_hanzi: str = ""
    old_email: str | None = None      # used by records older than changed_on
    old_address: Address | None = None
    changed_on: datetime | None = None
    home_phone: Phone | None = None   # shared household landline
    family_email: str | None = None   # shared household email
    household_id: str | None = None
    company: int | None = None        # index into COMPANIES
    work_email: str | None = None     # at the company's domain
    marketing_ok: bool = True
    sources: dict[str, int] = field(default_factory=dict)  # records per source

    def email_at(self, when: datetime) -> str:
        if self.old_email and self.changed_on and when < self.changed_on:
            return self.old_email
        return self.email

    def address_at(self, when: datetime) -> Address:
        if self.old_address and self.changed_on and when < self.changed_on:
            return self.old_address
        return self.address


def new_phone(rng: Rng, country: str, area: str, mobile: bool) -> Phone:
    """A random number that ``phonenumbers`` accepts as valid (redrawn until it does).

    ``area`` is the city's area code: used by US numbers and by landlines.
    """
    while True:
        if country == "US":
            exchange = str(rng.integer(200, 999))
            if exchange[1:] == "11" or exchange in ("555", "950", "958", "959", "976"):
                continue
            nsn = area + exchange + rng.digits(4)
        elif country == "GB" and mobile:
            nsn = "7" + str(rng.integer(400, 999)) + rng.digits(6)
        elif country == "GB":
            nsn = area + (rng.pick("378") + rng.digits(7) if area == "20" else
                          str(rng.integer(2, 9)) + rng.digits(6))
        elif mobile:
            nsn = rng.pick(CN_MOBILE_PREFIXES) + rng.digits(8)
        else:
            nsn = area + str(rng.integer(5, 8)) + rng.digits(7)
        phone = Phone(country, nsn)
        if phonenumbers.is_valid_number(phonenumbers.parse(f"+{phone.calling_code}{nsn}")):
            return phone


def new_address(rng: Rng, country: str, city: str | None = None) -> Address:
    """A random address in ``country`` (in ``city`` when given)."""
    table: Sequence[tuple] = {"US": US_CITIES, "GB": UK_CITIES, "CN": CN_CITIES}[country]
    row: tuple = next(c for c in table if c[0] == city) if city else rng.pick(table)
    if country == "US":
        city, state, state_name, zip3, _ = row
        unit = f"Apt {rng.integer(1, 20)}{rng.pick('ABCD')}" if rng.chance(0.25) else ""
        return Address(str(rng.integer(1, 9899)), rng.pick(US_STREETS),
                       rng.pick(US_STREET_TYPES), unit, city, state, state_name,
                       zip3 + f"{rng.integer(1, 99):02d}", "US")
    if country == "GB":
        city, county, districts, _ = row
        street, street_type = rng.pick(UK_STREETS)
        unit = f"Flat {rng.integer(1, 12)}" if rng.chance(0.30) else ""
        postcode = (f"{rng.pick(districts)} {rng.integer(1, 9)}"
                    f"{rng.pick(POSTCODE_LETTERS)}{rng.pick(POSTCODE_LETTERS)}")
        return Address(str(rng.integer(1, 240)), street, street_type, unit, city, county,
                       county, postcode, "GB")
    city, province, province_name, postcode, _ = row
    street, street_type = rng.pick(CN_STREETS)
    unit = f"Room {rng.integer(2, 30)}0{rng.integer(1, 8)}"
    return Address(str(rng.integer(1, 999)), street, street_type, unit, city, province,
                   province_name, postcode, "CN")


def area_code_for(address: Address, rng: Rng) -> str:
    """Landline area code of the person's city (mobiles: the city's code most of the time)."""
    if address.country == "US":
        codes = next(c[4] for c in US_CITIES if c[0] == address.city)
        return rng.pick(codes) if rng.chance(0.7) else rng.pick(US_CITIES)[4][0]
    table = UK_CITIES if address.country == "GB" else CN_CITIES
    return next(c[-1] for c in table if c[0] == address.city)


def ascii_letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalpha())


def new_email(rng: Rng, first: str, last: str, country: str, taken: dict[str, str]) -> str:
    f, s = ascii_letters(first), ascii_letters(last)
    if country == "CN" and rng.chance(0.35):
        local = str(rng.integer(10_000_000, 2_999_999_999))
        domain = "qq.com"
    else:
        domain = rng.pick_weighted(EMAIL_DOMAINS[country])
        if country == "CN" and domain == "qq.com":
            domain = "163.com"
        year = str(rng.integer(60, 99)) if rng.chance(0.5) else str(rng.integer(1, 999))
        local = rng.pick((f"{f}.{s}", f"{f}{s}", f"{f[0]}{s}", f"{f}.{s}{year}",
                          f"{f}{s}{year}", f"{s}.{f}", f"{f}_{s}", f"{f}{year}"))
    email = f"{local}@{domain}"
    while mailbox(email) in taken:
        email = f"{local}{rng.integer(1, 99)}@{domain}"
    taken[mailbox(email)] = local
    return email


def mailbox(email: str) -> str:
    """The mailbox an address reaches: Gmail ignores dots and +tags in the local part."""
    local, _, domain = email.lower().partition("@")
    if domain in ("gmail.com", "googlemail.com"):
        return local.split("+")[0].replace(".", "") + "@gmail.com"
    return f"{local}@{domain}"


def draw_name(rng: Rng, country: str, gender: str) -> tuple[str, str, str, str]:
    """(first, last, first_hanzi, last_hanzi)."""
    if country == "CN":
        last_hanzi, last = rng.zipf_pick(CN_SURNAMES, 0.7)
        first_hanzi, first = rng.zipf_pick(CN_MALE_NAMES if gender == "M" else
                                           CN_FEMALE_NAMES, 0.5)
        return first, last, first_hanzi, last_hanzi
    if country == "GB":
        names = UK_MALE_NAMES if gender == "M" else UK_FEMALE_NAMES
        return rng.pick(names), rng.zipf_pick(UK_SURNAMES), "", ""
    us_names: Sequence[str] = MALE_NAMES if gender == "M" else FEMALE_NAMES
    return rng.zipf_pick(us_names, 0.4), rng.zipf_pick(US_SURNAMES), "", ""


def new_person(rng: Rng, pid: str, country: str, taken_emails: dict[str, str],
               name: tuple[str, str, str, str] | None = None,
               gender: str | None = None) -> Person:
    gender = gender or rng.pick("MF")
    first, last, first_hanzi, last_hanzi = name or draw_name(rng, country, gender)
    address = new_address(rng, country)
    person = Person(
        person_id=pid, country=country, gender=gender, first_name=first, last_name=last,
        first_hanzi=first_hanzi, last_hanzi=last_hanzi,
        dob=date(1950, 1, 1) + timedelta(days=rng.integer(0, 54 * 365)),
        email=new_email(rng, first, last, country, taken_emails),
        mobile=new_phone(rng, country, area_code_for(address, rng), mobile=True),
        address=address,
        company=rng.integer(0, len(COMPANIES) - 1) if rng.chance(HAS_COMPANY_RATE) else None,
        marketing_ok=rng.chance(MARKETING_OK_RATE),
    )
    if person.company is not None:
        local = f"{ascii_letters(first)[:1]}{ascii_letters(last)}"
        person.work_email = f"{local}@{COMPANIES[person.company][2]}"
        tries = 0
        while mailbox(person.work_email) in taken_emails:
            # Eight suffixes run out at tens of thousands of people: then count on.
            tries += 1
            suffix = rng.integer(2, 9) if tries <= 50 else tries
            person.work_email = f"{local}{suffix}@{COMPANIES[person.company][2]}"
        taken_emails[mailbox(person.work_email)] = local
    moved, email_changed = rng.chance(MOVED_RATE), rng.chance(EMAIL_CHANGE_RATE)
    if moved or email_changed:
        person.changed_on = rng.moment(*CHANGE_WINDOW)
    if moved:   # half of the moves are across town, half to another city
        person.old_address = new_address(rng, country,
                                         address.city if rng.chance(0.5) else None)
    if email_changed:
        person.old_email = new_email(rng, first, last, country, taken_emails)
    return person


def add_household_member(rng: Rng, head: Person, pid: str, hid: str,
                         taken_emails: dict[str, str]) -> Person:
    """A different person at the head's address: same last name and landline."""
    gender = rng.pick("MF")
    while True:
        first, _, first_hanzi, _ = draw_name(rng, head.country, gender)
        if first != head.first_name and first not in NICKNAMES.get(head.first_name, ()):
            break
    member = new_person(rng, pid, head.country, taken_emails,
                        (first, head.last_name, first_hanzi, head.last_hanzi), gender)
    member.address, member.old_address = head.address, head.old_address
    if head.old_address:                  # they moved together
        member.changed_on = head.changed_on
    elif member.old_email is None:
        member.changed_on = None
    # Spouse within a few years, or a grown-up child.
    years = rng.integer(-5, 5) if rng.chance(0.6) else rng.integer(20, 32)
    member.dob = min(head.dob + timedelta(days=365 * years + rng.integer(-150, 150)),
                     date(2005, 12, 31))
    home = new_phone(rng, head.country, area_code_for(head.address, rng), mobile=False)
    head.home_phone = member.home_phone = home
    head.household_id = member.household_id = hid
    if rng.chance(FAMILY_EMAIL_RATE):
        family = f"{ascii_letters(head.last_name)}family@gmail.com"
        while mailbox(family) in taken_emails:
            family = f"{ascii_letters(head.last_name)}family{rng.integer(1, 99)}@gmail.com"
        taken_emails[mailbox(family)] = "family"
        head.family_email = member.family_email = family
    return member


def build_population(rng: Rng, n_people: int) -> list[Person]:
    taken_emails: dict[str, str] = {}
    n_households = round(n_people * HOUSEHOLD_RATE / 2)
    countries = list(COUNTRY_SHARES)
    shares = list(COUNTRY_SHARES.values())
    people: list[Person] = []

    def next_id() -> str:
        return f"P{len(people) + 1:05d}"

    for country, first, last, count in COMMON_NAMES:
        for _ in range(count):
            gender = "M" if first in MALE_NAMES + UK_MALE_NAMES or \
                first in dict(CN_MALE_NAMES) else "F"
            name = (PINYIN[first], PINYIN[last], first, last) if country == "CN" else \
                (first, last, "", "")
            people.append(new_person(rng, next_id(), country, taken_emails, name, gender))
    while len(people) < n_people - n_households:
        people.append(new_person(rng, next_id(), rng.pick(countries, shares), taken_emails))
    heads = [people[i] for i in rng.permutation(len(people))[:n_households]]
    for number, head in enumerate(heads, start=1):
        people.append(add_household_member(rng, head, next_id(), f"H{number:03d}",
                                           taken_emails))

    for person in people:
        person.sources = {s: int(rng.chance(share)) for s, share in SOURCE_SHARES.items()}
        if not any(person.sources.values()):
            person.sources[rng.pick(list(SOURCE_SHARES), list(SOURCE_SHARES.values()))] = 1
        if person.sources["crm"] and rng.chance(CRM_DUPLICATE_RATE):
            person.sources["crm"] = 2
        if person.sources["ecommerce"] and rng.chance(ECOMMERCE_DUPLICATE_RATE):
            person.sources["ecommerce"] = 2
        if person.sources["csm"]:
            person.sources["csm"] = rng.pick_weighted(CSM_CASES)
        if person.sources["support"]:
            person.sources["support"] = rng.pick_weighted(SUPPORT_CONVERSATIONS)
    return people


# --------------------------------------------------------------------------------------
# Noise: how one record of a person is written.
# --------------------------------------------------------------------------------------


def typo(rng: Rng, text: str) -> str:
    """One edit (substitute, delete, insert, swap) at a letter away from the first."""
    positions = [i for i, ch in enumerate(text) if ch.isascii() and ch.isalpha() and i > 0]
    if len(text) < 4 or not positions:
        return text
    i = rng.pick(positions)
    letter = rng.pick("aeiourstnlmc")
    kind = rng.pick(("substitute", "delete", "insert", "swap"))
    if kind == "substitute":
        return text[:i] + (letter if letter != text[i].lower() else "e") + text[i + 1:]
    if kind == "delete":
        return text[:i] + text[i + 1:]
    if kind == "insert":
        return text[:i] + letter + text[i:]
    if i + 1 < len(text) and text[i + 1] != text[i]:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i] + text[i + 1:]




def name_parts(rng: Rng, person: Person, source: str) -> tuple[str, str, bool]:
    """(first, last, is_hanzi) as written in one record of ``source``."""
    if person.country == "CN" and rng.chance(HANZI_NAME_RATE[source]):
        return person.first_hanzi, person.last_hanzi, True
    first, last = person.first_name, person.last_name
    if first in NICKNAMES and rng.chance(NICKNAME_RATE[source]):
        first = rng.pick(NICKNAMES[first])
    if rng.chance(NAME_TYPO_RATE):
        first = typo(rng, first)
    if rng.chance(NAME_TYPO_RATE):
        last = typo(rng, last)
    if rng.chance(NAME_CASE_RATE[source]):   # typed in all caps / all lower case
        first, last = (first.upper(), last.upper()) if rng.chance(0.4) else \
            (first.lower(), last.lower())
    return first, last, False


def full_name(rng: Rng, person: Person, source: str) -> str:
    """A single name field: "First Last", "Last, First", "张伟", "Zhang Wei"."""
    first, last, hanzi = name_parts(rng, person, source)
    if hanzi:
        return last + first
    if person.country == "CN":   # pinyin: family name first about half the time
        return f"{last} {first}" if rng.chance(0.5) else f"{first} {last}"
    if source == "csm" and rng.chance(LAST_FIRST_RATE):
        return f"{last}, {first}"
    return f"{first} {last}"


def gmail_variant(rng: Rng, email: str) -> str:
    local, domain = email.split("@")
    if domain not in ("gmail.com", "googlemail.com"):
        return email
    kind = rng.pick(("dots", "plus", "googlemail", "dots+plus"))
    if "dots" in kind:
        if "." in local:
            local = local.replace(".", "")
        elif len(local) > 3:
            cut = rng.integer(1, len(local) - 1)
            local = local[:cut] + "." + local[cut:]
    if "plus" in kind:
        local = f"{local}+{rng.pick(GMAIL_TAGS)}"
    if kind == "googlemail":
        domain = "googlemail.com"
    return f"{local}@{domain}"


def email_for(rng: Rng, person: Person, source: str, when: datetime,
              missing: float = 0.0, work: bool = False) -> str:
    if rng.chance(missing):
        return ""
    if rng.chance(PLACEHOLDER_RATE):
        return rng.pick(PLACEHOLDER_EMAILS)
    if work and person.work_email and rng.chance(WORK_EMAIL_RATE):
        return person.work_email
    if person.family_email and rng.chance(FAMILY_EMAIL_USE_RATE):
        return person.family_email
    email = person.email_at(when)
    if rng.chance(GMAIL_VARIANT_RATE[source]):
        email = gmail_variant(rng, email)
    if rng.chance(EMAIL_CASE_RATE):
        local, domain = email.split("@")
        email = f"{local[:1].upper()}{local[1:]}@{domain[:1].upper()}{domain[1:]}"
    return email


def is_cn_mobile(phone: Phone) -> bool:
    return phone.country == "CN" and len(phone.nsn) == 11 and phone.nsn.startswith("1")


def format_phone(phone: Phone, style: str) -> str:
    """Write ``phone`` the way a person or a system would.

    styles: national, international, e164, dots, dashes, digits
    """
    n, cc = phone.nsn, phone.calling_code
    groups: tuple[str, ...]
    if style == "e164":
        return f"+{cc}{n}"
    if phone.country == "US":
        a, b, c = n[:3], n[3:6], n[6:]
        return {"national": f"({a}) {b}-{c}", "international": f"+1 {a}-{b}-{c}",
                "dots": f"{a}.{b}.{c}", "dashes": f"{a}-{b}-{c}", "digits": n}[style]
    if phone.country == "GB":
        if n.startswith("7"):
            groups = (n[:4], n[4:])
        elif n.startswith("20"):
            groups = (n[:2], n[2:6], n[6:])
        else:
            groups = (n[:3], n[3:6], n[6:])
    elif is_cn_mobile(phone):
        groups = (n[:3], n[3:7], n[7:])
    else:
        area = 2 if n[0] in "12" else 3
        groups = (n[:area], n[area:area + 4], n[area + 4:])
    if style in ("international", "dashes"):
        return f"+{cc} " + " ".join(groups) if style == "international" else \
            f"+{cc}-" + "-".join(groups)
    national = ("" if is_cn_mobile(phone) else "0") + " ".join(groups)
    return national.replace(" ", "") if style == "digits" else national


def phone_for(rng: Rng, person: Person, source: str, styles: Sequence[tuple[str, float]],
              missing: float = 0.0) -> str:
    if rng.chance(missing):
        return ""
    if rng.chance(PLACEHOLDER_RATE):
        return rng.pick(PLACEHOLDER_PHONES)
    phone = person.mobile
    if person.home_phone and rng.chance(HOME_PHONE_USE_RATE[source]):
        phone = person.home_phone
    return format_phone(phone, rng.pick_weighted(styles))


def street_line(rng: Rng, address: Address) -> str:
    """Street address, sometimes abbreviated ("St", "#4B") and sometimes with a typo."""
    street = typo(rng, address.street) if rng.chance(STREET_TYPO_RATE) else address.street
    short = rng.chance(STREET_STYLE_RATE)
    street_type = STREET_ABBREVIATIONS[address.street_type] if short else address.street_type
    line = f"{address.number} {street} {street_type}"
    if address.unit:
        unit = address.unit
        if short:
            unit = "#" + unit.split()[1] if address.country == "US" else \
                unit.replace("Room", "Rm")
        line = f"{line} {unit}" if address.country == "US" else f"{unit}, {line}"
    return line.upper() if rng.chance(0.03) else line


def company_for(rng: Rng, person: Person, missing: float) -> str:
    if person.company is None or rng.chance(missing):
        return ""
    legal, variants, _ = COMPANIES[person.company]
    return legal if rng.chance(0.6) else rng.pick(variants)


def country_name(rng: Rng, country: str) -> str:
    return rng.pick(COUNTRY_NAMES[country], COUNTRY_NAME_WEIGHTS[country])


def record_time(rng: Rng, person: Person, window: tuple[datetime, datetime],
                side: str | None = None) -> datetime:
    """A timestamp in ``window``; ``side`` forces it before/after the person's change."""
    start, end = window
    if person.changed_on and side == "before":
        end = min(end, person.changed_on - timedelta(days=1))
    elif person.changed_on and side == "after":
        start = max(start, person.changed_on + timedelta(days=1))
    return rng.moment(start, end)


# --------------------------------------------------------------------------------------
# The four sources.  Each returns its records in file order.
# --------------------------------------------------------------------------------------


@dataclass
class Record:
    """One row of an export: a person's record, or a planted broken row."""

    person_id: str | None        # None for broken rows (not in the truth file)
    row: dict
    reject_reason: str | None = None
    reject_id: str = ""          # source_record_id listed in planted_rejects.csv
    line: str | None = None      # a broken raw line written instead of ``row``


CRM_COLUMNS = ("Id", "FirstName", "LastName", "Email", "Phone", "Birthdate",
               "MailingStreet", "MailingCity", "MailingState", "MailingPostalCode",
               "MailingCountry", "AccountName", "HasOptedOutOfEmail", "LastModifiedDate")
CSM_COLUMNS = ("id", "name", "email", "phone", "organization", "created_at",
               "updated_at", "subject", "status")
ECOMMERCE_COLUMNS = ("Customer ID", "First Name", "Last Name", "Email", "Phone",
                     "Default Address Company", "Default Address Address1",
                     "Default Address City", "Default Address Province Code",
                     "Default Address Zip", "Default Address Country Code",
                     "Accepts Email Marketing", "Total Spent", "Total Orders", "Tags",
                     "Updated At")

SF_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def salesforce_id(rng: Rng, taken: set[str]) -> str:
    """18-character Contact id: 15-character id plus Salesforce's case-safe suffix."""
    while True:
        short = "0035g00000" + "".join(rng.pick(SF_ALPHABET) for _ in range(5))
        suffix = ""
        for chunk in (short[0:5], short[5:10], short[10:15]):
            bits = sum(1 << i for i, ch in enumerate(chunk) if "A" <= ch <= "Z")
            suffix += "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[bits]
        full = short + suffix
        if full not in taken:
            taken.add(full)
            return full


def crm_row(rng: Rng, person: Person, when: datetime, record_id: str) -> dict:
    missing = MISSING["crm"]
    first, last, _ = name_parts(rng, person, "crm")
    if rng.chance(PLACEHOLDER_RATE):
        first = PLACEHOLDER_FIRST_NAME
    elif rng.chance(missing["first_name"]):
        first = ""
    address = person.address_at(when)
    has_address = not rng.chance(missing["address"])
    postcode = address.postcode
    if address.country == "US" and rng.chance(0.10):
        postcode += f"-{rng.digits(4)}"
    if address.country == "US":
        state = address.region if rng.chance(0.8) else address.region_name
    elif address.country == "GB":
        state = address.region_name if rng.chance(0.5) else ""
    else:
        state = address.region_name
    opted_out = (not person.marketing_ok) != rng.chance(0.05)
    return {
        "Id": record_id,
        "FirstName": first,
        "LastName": last,
        "Email": email_for(rng, person, "crm", when, missing["email"], work=True),
        "Phone": phone_for(rng, person, "crm",
                           (("national", 0.85), ("dashes", 0.05), ("international", 0.10))
                           if person.country == "US" else
                           (("national", 0.3), ("international", 0.7)), missing["phone"]),
        "Birthdate": "" if rng.chance(missing["dob"]) else person.dob.isoformat(),
        "MailingStreet": street_line(rng, address) if has_address else "",
        "MailingCity": address.city if has_address else "",
        "MailingState": state if has_address else "",
        "MailingPostalCode": postcode if has_address else "",
        "MailingCountry": country_name(rng, address.country) if has_address else "",
        "AccountName": company_for(rng, person, missing["company"]),
        "HasOptedOutOfEmail": "true" if opted_out else "false",
        "LastModifiedDate": when.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
    }


def crm_records(rng: Rng, people: list[Person], taken_ids: set[str]) -> list[Record]:
    records = []
    for person in people:
        for copy in range(person.sources["crm"]):
            # A moved / re-emailed person's CRM contact predates the change.
            when = record_time(rng, person, CRM_WINDOW, "before" if copy == 0 else None)
            records.append(Record(person.person_id,
                                  crm_row(rng, person, when, salesforce_id(rng, taken_ids))))
    return [records[i] for i in rng.permutation(len(records))]


def csm_row(rng: Rng, person: Person, created: datetime) -> dict:
    missing = MISSING["csm"]
    updated = created + timedelta(minutes=rng.integer(5, 14 * 24 * 60))
    email = email_for(rng, person, "csm", created, missing["email"])
    if email and rng.chance(0.04):     # Zendesk names unnamed users after their email
        name = email.split("@")[0]
    else:
        name = full_name(rng, person, "csm")
        if rng.chance(PLACEHOLDER_RATE):
            name = f"{PLACEHOLDER_FIRST_NAME} {person.last_name}"
    phone = phone_for(rng, person, "csm",
                      (("international", 0.35), ("dots", 0.25), ("national", 0.20),
                       ("digits", 0.20)) if person.country == "US" else
                      (("international", 0.6), ("national", 0.3), ("dashes", 0.1)),
                      missing["phone"])
    if phone and phone not in PLACEHOLDER_PHONES and rng.chance(PHONE_EXTENSION_RATE):
        phone += f" ext. {rng.integer(2, 499)}"
    return {
        "id": None,  # assigned in creation order
        "name": name,
        "email": email,
        "phone": phone,
        "organization": company_for(rng, person, missing["company"]),
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "updated_at": updated.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "subject": rng.pick(CASE_SUBJECTS).format(n=f"#{rng.integer(10000, 99999)}"),
        "status": rng.pick_weighted(CASE_STATUSES),
    }


def csm_records(rng: Rng, people: list[Person]) -> list[Record]:
    records = [Record(person.person_id,
                      csm_row(rng, person, record_time(rng, person, CSM_WINDOW)))
               for person in people for _ in range(person.sources["csm"])]
    records.sort(key=lambda record: record.row["created_at"])
    next_id = 100000
    for record in records:
        next_id += rng.integer(1, 25)
        record.row["id"] = next_id
    return records


def ecommerce_row(rng: Rng, person: Person, when: datetime, second_account: bool) -> dict:
    missing = MISSING["ecommerce"]
    first, last, hanzi = name_parts(rng, person, "ecommerce")
    if person.country == "CN" and not hanzi and rng.chance(SWAPPED_CN_NAME_RATE):
        first, last = last, first
    if rng.chance(PLACEHOLDER_RATE):
        first = PLACEHOLDER_FIRST_NAME
    email = email_for(rng, person, "ecommerce", when, missing["email"])
    if second_account and email:
        email = gmail_variant(rng, email) if email.endswith("gmail.com") else \
            (person.old_email or email)
    address = person.address_at(when)
    has_address = not rng.chance(missing["address"])
    postcode = address.postcode
    if address.country == "GB" and rng.chance(0.15):
        postcode = postcode.replace(" ", "") if rng.chance(0.5) else postcode.lower()
    orders = rng.integer(0, 3) if second_account else rng.integer(1, 40)
    tags = [rng.pick(SHOP_TAGS) for _ in range(rng.pick((0, 0, 1, 1, 2)))]
    return {
        "Customer ID": None,
        "First Name": first,
        "Last Name": last,
        "Email": email,
        "Phone": phone_for(rng, person, "ecommerce", (("e164", 1.0),), missing["phone"]),
        "Default Address Company": company_for(rng, person, 0.85),
        "Default Address Address1": street_line(rng, address) if has_address else "",
        "Default Address City": address.city if has_address else "",
        "Default Address Province Code":
            address.region if has_address and address.country != "GB" else "",
        "Default Address Zip": postcode if has_address else "",
        "Default Address Country Code": address.country if has_address else "",
        "Accepts Email Marketing": "yes" if person.marketing_ok else "no",
        "Total Spent": round(orders * rng.integer(1500, 15000) / 100, 2),
        "Total Orders": orders,
        "Tags": ", ".join(dict.fromkeys(tags)),
        "Updated At": when.strftime("%Y-%m-%d %H:%M:%S +0000"),
    }


def ecommerce_records(rng: Rng, people: list[Person]) -> list[Record]:
    records = []
    for person in people:
        for copy in range(person.sources["ecommerce"]):
            # The shop has the newest address/email of someone who moved.
            when = record_time(rng, person, ECOMMERCE_WINDOW, "after")
            records.append(Record(person.person_id, ecommerce_row(rng, person, when, copy == 1)))
    records = [records[i] for i in rng.permutation(len(records))]
    next_id = 7_012_345_000_000
    for record in records:
        next_id += rng.integer(10_000, 9_000_000)
        record.row["Customer ID"] = next_id
    return records


def support_row(rng: Rng, person: Person, when: datetime) -> dict:
    """An Intercom conversation; the contact often has only a name and an email."""
    shape = rng.pick_weighted((("name+email", 0.38), ("email", 0.25), ("full", 0.20),
                               ("name+email+location", 0.12), ("name+location", 0.05)))
    contact: dict = {}
    if "name" in shape or shape == "full":
        contact["name"] = full_name(rng, person, "support")
        if rng.chance(PLACEHOLDER_RATE):
            contact["name"] = PLACEHOLDER_FIRST_NAME
    if "email" in shape or shape == "full":
        contact["email"] = email_for(rng, person, "support", when) or None
    if shape == "full":
        contact["phone"] = phone_for(rng, person, "support",
                                     (("e164", 0.5), ("international", 0.3),
                                      ("national", 0.2))) or None
    if "location" in shape or shape == "full":
        address = person.address_at(when)
        contact["location"] = {"city": address.city,
                               "country": COUNTRY_NAMES[address.country][0]}
        if rng.chance(0.1):
            contact["location"]["city"] = None
    if rng.chance(0.10):              # some exports write nulls instead of leaving keys out
        for key in ("name", "email", "phone"):
            contact.setdefault(key, None)
    return {
        "conversation_id": None,
        "updated_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "contact": contact,
        "channel": "email" if rng.chance(0.3) else "chat",
        "first_message": rng.pick(CHAT_OPENERS).format(n=rng.integer(10000, 99999)),
    }


def support_records(rng: Rng, people: list[Person]) -> list[Record]:
    records = [Record(person.person_id,
                      support_row(rng, person, record_time(rng, person, SUPPORT_WINDOW)))
               for person in people for _ in range(person.sources["support"])]
    records.sort(key=lambda record: record.row["updated_at"])
    number = 0
    for record in records:
        number += rng.integer(1, 9)
        record.row["conversation_id"] = f"conv_{number:06d}"
    return records


# --------------------------------------------------------------------------------------
# Broken rows.  Each is a record of a real person, marked with its reject reason.
# --------------------------------------------------------------------------------------


def plant_crm(rng: Rng, people: dict[str, Person], records: list[Record]) -> list[Record]:
    """2 rows with an empty Id and 2 later rows repeating an earlier row's Id."""
    rows = list(records)
    for _ in range(2):
        position = rng.integer(len(rows) // 4, len(rows) // 2)
        while rows[position].person_id is None:      # repeat a valid row's Id
            position += 1
        original = rows[position]
        person = people[str(original.person_id)]
        sf_id = original.row["Id"]                   # the same contact, edited later
        copy = crm_row(rng, person, record_time(rng, person, CRM_WINDOW, "after"), sf_id)
        later = position + rng.integer(10, len(rows) // 3)
        rows.insert(later, Record(None, copy, "duplicate id", sf_id))
    for _ in range(2):
        person = people[rng.pick(list(people))]
        row = crm_row(rng, person, record_time(rng, person, CRM_WINDOW), "")
        rows.insert(rng.integer(len(rows) // 10, len(rows) - 1),
                    Record(None, row, "missing id"))
    return rows


def plant_csm(rng: Rng, people: dict[str, Person], records: list[Record]) -> list[Record]:
    """1 row with an unquoted comma in the organization, so it has one field too many."""
    rows = list(records)
    while True:   # a row whose other fields need no quoting
        person = people[rng.pick(list(people))]
        row = csm_row(rng, person, record_time(rng, person, CSM_WINDOW))
        row["id"] = rows[-1].row["id"] + rng.integer(1, 25)
        row["organization"] = "Northwind Traders, Inc."
        others = [str(row[c]) for c in CSM_COLUMNS if c != "organization"]
        if all("," not in v and '"' not in v for v in others):
            break
    line = ",".join(str(row[c]) for c in CSM_COLUMNS)
    # The library cannot trust this row's fields.
    rows.insert(rng.integer(len(rows) // 3, 2 * len(rows) // 3),
                Record(None, row, "unreadable row", "", line))
    return rows


def plant_support(rng: Rng, people: dict[str, Person], records: list[Record]) -> list[Record]:
    """1 truncated (invalid JSON) line and 1 object without conversation_id."""
    rows = list(records)
    last_number = int(rows[-1].row["conversation_id"].split("_")[1])
    person = people[rng.pick(list(people))]
    truncated = support_row(rng, person, record_time(rng, person, SUPPORT_WINDOW))
    truncated["conversation_id"] = f"conv_{last_number + 7:06d}"
    text = json.dumps(truncated, ensure_ascii=False)
    rows.insert(rng.integer(len(rows) // 4, len(rows) // 2),
                Record(None, truncated, "unreadable row", line=text[: len(text) * 2 // 3]))
    person = people[rng.pick(list(people))]
    no_id = support_row(rng, person, record_time(rng, person, SUPPORT_WINDOW))
    del no_id["conversation_id"]
    rows.insert(rng.integer(len(rows) // 2, len(rows) - 1),
                Record(None, no_id, "missing id"))
    return rows


# --------------------------------------------------------------------------------------
# Writing.
# --------------------------------------------------------------------------------------


def write_csv(path: Path, columns: Sequence[str], records: list[Record]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for record in records:
            if record.line is not None:          # a planted broken line
                handle.write(record.line + "\n")
            else:
                writer.writerow([record.row[c] for c in columns])


def write_parquet(path: Path, records: list[Record]) -> None:
    frame = pd.DataFrame([record.row for record in records], columns=list(ECOMMERCE_COLUMNS))
    for column in ECOMMERCE_COLUMNS:
        if frame[column].dtype == object:
            frame[column] = frame[column].replace("", None)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, path, compression="snappy")


def write_jsonl(path: Path, records: list[Record]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            line = record.line or json.dumps(record.row, ensure_ascii=False)
            handle.write(line + "\n")


def write_table(path: Path, header: Sequence[str], rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


SOURCE_ID_COLUMN = {"crm": "Id", "csm": "id", "ecommerce": "Customer ID",
                    "support": "conversation_id"}


def answer_key(outputs: dict[str, list[Record]]) -> tuple[list[tuple], list[tuple]]:
    """(truth rows, planted reject rows); row numbers are 1-based, header excluded."""
    truth, rejects = [], []
    for source, records in outputs.items():
        for number, record in enumerate(records, start=1):
            if record.reject_reason:
                rejects.append((source, number, record.reject_id, record.reject_reason))
            else:
                truth.append((f"{source}:{record.row[SOURCE_ID_COLUMN[source]]}",
                              record.person_id))
    return truth, rejects


def generate(seed: int, n_people: int, out: Path) -> dict[str, int]:
    rng = Rng(seed)
    people = build_population(rng, n_people)
    by_id = {person.person_id: person for person in people}
    taken_sf_ids: set[str] = set()

    outputs = {
        "crm": plant_crm(rng, by_id, crm_records(rng, people, taken_sf_ids)),
        "csm": plant_csm(rng, by_id, csm_records(rng, people)),
        "ecommerce": ecommerce_records(rng, people),
        "support": plant_support(rng, by_id, support_records(rng, people)),
    }
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "crm_contacts.csv", CRM_COLUMNS, outputs["crm"])
    write_csv(out / "csm_cases.csv", CSM_COLUMNS, outputs["csm"])
    write_parquet(out / "ecommerce_customers.parquet", outputs["ecommerce"])
    write_jsonl(out / "support_chats.jsonl", outputs["support"])

    truth, rejects = answer_key(outputs)
    write_table(out / "truth.csv", ("record_id", "person_id"), truth)
    write_table(out / "planted_rejects.csv", ("source", "row", "source_record_id", "reason"),
                rejects)

    counts = {source: sum(1 for r in records if not r.reject_reason)
              for source, records in outputs.items()}
    per_person: dict[str, int] = {}
    for _, pid in truth:
        per_person[pid] = per_person.get(pid, 0) + 1
    counts["people"] = len(people)
    counts["true_pairs"] = sum(k * (k - 1) // 2 for k in per_person.values())
    counts["rejects"] = len(rejects)
    return counts


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args(argv)
    counts = generate(args.seed, args.people, args.out)
    print(", ".join(f"{key}={value}" for key, value in counts.items()))


if __name__ == "__main__":
    main()
