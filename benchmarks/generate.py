#!/usr/bin/env python3
"""Seeded generator of realistic multi-source customer records for speed/quality benchmarks.

    python benchmarks/generate.py --records 1000000 --seed 1 --out /tmp/scale_1m

writes two Parquet files (every column a string, null where a value is missing):

* ``DIR/records.parquet`` -- ``record_id`` ("r0000001"), ``source`` (crm, shop, support,
  csm), ``first_name``, ``last_name``, ``dob``, ``email``, ``phone``, ``address``, ``city``,
  ``postcode``.  ``dob`` is ISO ``YYYY-MM-DD`` except in source **csm**, which writes
  day-first ``DD/MM/YYYY`` (resolve it with ``dayfirst = true`` for csm).
* ``DIR/truth.parquet`` -- ``record_id``, ``entity_id`` ("e0000001"): the person behind
  each record.

Rows are shuffled with the seed before record ids are given, so neither row order nor id
says anything about who is who.  ``--records`` takes plain numbers or ``10k`` / ``1m``.
The same ``--records`` and ``--seed`` always give byte-identical data.  Everything is
vectorised numpy: per-person attributes are drawn once for everybody, and records are
rendered and written in chunks of ``CHUNK_RECORDS`` rows, so 10M records need little more
memory than 1M.

Population
----------
About ``records / 1.6`` people (``CLUSTER_PROBS``: 62% have one record, 23% two, 9%
three, 4% four, 2% five).  A person's records come from different sources where possible
(weighted crm 35%, shop 30%, support 20%, csm 15%).  First names (~300) and last names
(~500) are drawn Zipf-like from embedded US-frequency-ordered tables, so there are many
different "James Smith"s.  Dates of birth are uniform 1940-01-01..2005-12-31.  Addresses
are a house number, one of ~100 street names with a suffix and sometimes an apartment, in
one of ~150 cities (Zipf-weighted) with a 5-digit postcode under the city's real 3-digit
ZIP prefix.  Phones are US numbers (area code mostly the city's, exchange 2xx-9xx without
N11, never 555-01xx), unique per person.  Emails are built from the name (``first.last``,
``flast`` or ``firstlastNN`` at gmail / yahoo / hotmail / outlook) and unique per mailbox,
where gmail dots are ignored when checking (a clash gets digits appended).  Every person
also has a second mailbox and a second (later) address, used by "changed email" and
"moved" noise.  Households: ``HOUSEHOLD_RATE`` (5%) of people live in two-person
households that share last name, address, postcode and landline phone but differ in first
name, dob and email -- hard negatives.

Noise model
-----------
Missing values follow each source's schema on every record (``PRESENCE``): shop never has
a dob, csm never has a street address or postcode, support mostly has only name + email,
crm is the most complete.  Phones are written in each source's usual format
(``SOURCE_PHONE_FORMAT``) and dates in its date format.

A person's first record (rank 0) is otherwise clean; each further record (the duplicates)
gets independent noise at the rates in ``NOISE``: nickname for the first name (Robert ->
Bob, only names with nicknames), one-character typos (keyboard-neighbour substitution,
deletion, transposition or doubled letter, never the first letter) in first name, last
name and street name, all-upper / all-lower case in names, city and email, a different
mailbox of the same person, gmail variants (dot inserted, ``+tag``, ``googlemail.com``),
another phone format ("(415) 555-2671", "415-555-2671", "415.555.2671",
"+1 415 555 2671", "4155552671"), moved (different address, city, postcode), street
suffix spelled out ("St" -> "Street"), apartment written "#4" / "Unit 4" instead of
"Apt 4", ZIP+4 postcodes, a one-digit dob typo and a day/month swap.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

# --------------------------------------------------------------------------- constants

SOURCES = ("crm", "shop", "support", "csm")
SOURCE_WEIGHTS = (0.35, 0.30, 0.20, 0.15)
DAYFIRST_SOURCES = ("csm",)

CLUSTER_SIZES = (1, 2, 3, 4, 5)
CLUSTER_PROBS = (0.62, 0.23, 0.09, 0.04, 0.02)  # mean 1.61 records per person

CHUNK_RECORDS = 1_000_000  # rows rendered and written at a time (fixed: output depends on it)
HOUSEHOLD_RATE = 0.05  # share of people living in a two-person household
DOB_FIRST, DOB_LAST = np.datetime64("1940-01-01"), np.datetime64("2005-12-31")
FIRST_NAME_ZIPF, LAST_NAME_ZIPF, CITY_ZIPF, STREET_ZIPF = 0.65, 0.60, 0.90, 0.50
UNIT_RATE = 0.15  # addresses with an apartment number
HOME_AREA_CODE_RATE = 0.80  # phones with the city's area code (the rest: anywhere)

# Probability that a field is filled, per source.  The address, city and postcode of a
# record share one draw, so a record with a street address also has its city.
PRESENCE_FIELDS = ("first_name", "last_name", "dob", "email", "phone", "address", "city",
                   "postcode")
PRESENCE = {
    #           first  last   dob   email  phone  address city  postcode
    "crm":     (1.00, 1.00, 0.90, 0.92, 0.85, 0.95, 0.97, 0.95),
    "shop":    (0.99, 0.99, 0.00, 1.00, 0.60, 0.95, 0.95, 0.95),
    "support": (0.97, 0.90, 0.00, 0.98, 0.30, 0.10, 0.15, 0.10),
    "csm":     (1.00, 1.00, 0.95, 0.95, 0.80, 0.00, 0.85, 0.00),
}

# Noise on duplicate records (rank >= 1), each drawn independently per record.
NOISE = {
    "nickname": 0.10,        # formal first name -> a nickname (names that have one)
    "first_typo": 0.04,      # one-character typo in the first name
    "last_typo": 0.03,       # one-character typo in the last name
    "name_case": 0.03,       # first and last name ALL UPPER or all lower
    "email_changed": 0.05,   # the person's other mailbox
    "gmail_variant": 0.10,   # dot inserted / +tag / googlemail.com (gmail only)
    "email_case": 0.02,      # EMAIL IN CAPITALS
    "phone_format": 0.10,    # a format other than the source's usual one
    "moved": 0.06,           # the person's other address, city and postcode
    "street_typo": 0.03,     # one-character typo in the street name
    "street_suffix": 0.05,   # "St" spelled "Street"
    "unit_format": 0.30,     # "Apt 4" written "#4" or "Unit 4" (addresses with a unit)
    "city_case": 0.02,       # CITY IN CAPITALS
    "zip_plus4": 0.02,       # "94110" written "94110-2231"
    "dob_typo": 0.02,        # one digit of the year or day changed (date stays valid)
    "dob_swap": 0.015,       # day and month swapped (where both <= 12 and differ)
}
TYPO_OPS = (0.40, 0.20, 0.20, 0.20)  # substitute (keyboard neighbour), delete, transpose, double

PHONE_FORMATS = {  # name -> (prefix, separator after area code, after exchange)
    "paren": ("(", ") ", "-"),     # (415) 555-2671
    "dash": ("", "-", "-"),        # 415-555-2671
    "dot": ("", ".", "."),         # 415.555.2671
    "intl": ("+1 ", " ", " "),     # +1 415 555 2671
    "digits": ("", "", ""),        # 4155552671
}
SOURCE_PHONE_FORMAT = {"crm": "paren", "shop": "digits", "support": "intl", "csm": "dash"}

EMAIL_PATTERNS = ("first.last", "flast", "firstlastNN")
EMAIL_PATTERN_WEIGHTS = (0.40, 0.25, 0.35)
EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com")
EMAIL_DOMAIN_WEIGHTS = (0.45, 0.20, 0.15, 0.20)
GMAIL = 0
GMAIL_TAGS = ("shop", "news", "promo", "work", "orders", "spam")
KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")

# US-frequency-ordered name tables (most common first); weights are Zipf over the rank.
FIRST_NAMES = """
James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara
Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa
Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew
Donna Joshua Michelle Kenneth Dorothy Kevin Carol Brian Amanda George Melissa Edward
Deborah Ronald Stephanie Timothy Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob
Kathleen Gary Amy Nicholas Shirley Eric Angela Jonathan Helen Stephen Anna Larry Brenda
Justin Pamela Scott Nicole Brandon Emma Benjamin Samantha Samuel Katherine Gregory
Christine Frank Debra Alexander Rachel Raymond Catherine Patrick Carolyn Jack Janet
Dennis Ruth Jerry Maria Tyler Heather Aaron Diane Jose Virginia Adam Julie Henry Joyce
Nathan Victoria Douglas Olivia Zachary Kelly Peter Christina Kyle Lauren Walter Joan
Ethan Evelyn Jeremy Judith Harold Megan Keith Cheryl Christian Andrea Roger Hannah Noah
Martha Gerald Jacqueline Carl Frances Terry Gloria Sean Ann Austin Teresa Arthur Kathryn
Lawrence Sara Jesse Janice Dylan Jean Bryan Alice Joe Madison Jordan Doris Billy Abigail
Bruce Julia Albert Judy Willie Grace Gabriel Denise Logan Amber Alan Marilyn Juan
Beverly Wayne Danielle Roy Theresa Ralph Sophia Randy Marie Eugene Diana Vincent
Brittany Russell Natalie Elijah Isabella Louis Charlotte Bobby Rose Philip Alexis Johnny
Kayla Bradley Lori Howard Tiffany Fred Tammy Martin Crystal Ernest Erin Craig Kristen
Stanley Dawn Shawn Rita Travis Wendy Phillip Vanessa Todd Monica Jesus Tracy Chad Erica
Dale Holly Curtis Leslie Manuel Melanie Carlos Allison Luis Courtney Lucas Lindsay Mason
Valerie Derek Tina Antonio Kathy Victor Chloe Luke Ella Marcus Jasmine Clarence Paula
Mitchell Joanne Jimmy Ellen Evan Caroline Jay Connie Leonard Sophie Corey Audrey Edwin
Peggy Ian Robin Tony Claire Alex Lucy Eddie Carrie Liam Dana Owen Gail Hector Molly
Miguel Naomi Oscar Irene Ricardo Yolanda Troy Sylvia Rafael Vivian Dustin Leah Marvin
Wanda Francisco Hazel Jorge Bonnie Calvin Priya Wei Mei Ahmed Fatima Raj Aisha
""".split()  # noqa: SIM905 (a word list reads better than a literal)

NICKNAMES = {
    "Robert": ("Bob", "Rob", "Bobby"), "William": ("Bill", "Will", "Billy"),
    "Elizabeth": ("Liz", "Beth", "Eliza"), "Katherine": ("Kate", "Katie", "Kathy"),
    "Catherine": ("Cathy", "Kate"), "Kathleen": ("Kathy", "Kate"), "Michael": ("Mike",),
    "James": ("Jim", "Jimmy", "Jamie"), "John": ("Jack", "Johnny"), "Joseph": ("Joe", "Joey"),
    "Thomas": ("Tom", "Tommy"), "Charles": ("Charlie", "Chuck"), "Christopher": ("Chris",),
    "Daniel": ("Dan", "Danny"), "Matthew": ("Matt",), "Anthony": ("Tony",),
    "Donald": ("Don",), "Steven": ("Steve",), "Stephen": ("Steve",),
    "Andrew": ("Andy", "Drew"), "Joshua": ("Josh",), "Kenneth": ("Ken", "Kenny"),
    "Edward": ("Ed", "Eddie", "Ted"), "Ronald": ("Ron",), "Timothy": ("Tim",),
    "Jeffrey": ("Jeff",), "Nicholas": ("Nick",), "Jonathan": ("Jon",), "Benjamin": ("Ben",),
    "Samuel": ("Sam",), "Gregory": ("Greg",), "Alexander": ("Alex",), "Patrick": ("Pat",),
    "Zachary": ("Zach",), "Richard": ("Rick", "Rich", "Dick"), "David": ("Dave",),
    "Lawrence": ("Larry",), "Raymond": ("Ray",), "Gerald": ("Jerry",), "Peter": ("Pete",),
    "Douglas": ("Doug",), "Jennifer": ("Jen", "Jenny"), "Patricia": ("Pat", "Patty", "Trish"),
    "Margaret": ("Maggie", "Peggy", "Meg"), "Susan": ("Sue", "Susie"), "Jessica": ("Jess",),
    "Rebecca": ("Becky",), "Deborah": ("Debbie", "Deb"), "Pamela": ("Pam",),
    "Christine": ("Chris", "Chrissy"), "Victoria": ("Vicky", "Tori"), "Samantha": ("Sam",),
    "Abigail": ("Abby",),
}

LAST_NAMES = """
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White
Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres
Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts
Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales
Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos
Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes
Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry
Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons
Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West
Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro
Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry
Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez
Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd
Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols
Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce
Vazquez Hansen Peters Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong
Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston
Matthews Pena Richards Contreras Willis Carpenter Lawrence Sandoval Guerrero George
Chapman Rios Estrada Ortega Watkins Greene Nunez Wheeler Valdez Harper Burke Larson
Santiago Maldonado Morrison Franklin Carlson Austin Dominguez Carr Lawson Jacobs O'Brien
Lynch Singh Vega Bishop Montgomery Oliver Jensen Harvey Williamson Gilbert Dean Sims
Espinoza Howell Li Wong Reid Hanson Le McCoy Garrett Burton Fuller Wang Weber Welch Rojas
Lucas Marquez Fields Park Yang Little Banks Padilla Day Walsh Bowman Schultz Luna Fowler
Mejia Davidson Acosta Brewer May Holland Juarez Newman Pearson Curtis Cortez Douglas
Schneider Joseph Barrett Navarro Figueroa Keller Avila Wade Molina Stanley Hopkins Campos
Barnett Bates Chambers Caldwell Beck Lambert Miranda Byrd Craig Ayala Lowe Frazier Powers
Neal Leonard Gregory Carrillo Sutton Fleming Rhodes Shelton Schwartz Norris Jennings
Watts Duran Walters Cohen McDaniel Moran Parks Steele Vaughn Becker Holt Deleon Barker
Terry Hale Leon Hail Benson Haynes Horton Miles Lyons Pham Graves Bush Thornton Wolfe
Warner Cabrera McKinney Mann Zimmerman Dawson Lara Fletcher Page McCarthy Love Robles
Cervantes Solis Erickson Reeves Chang Klein Salinas Fuentes Baldwin Daniel Simon
Velasquez Hardy Higgins Aguirre Lin Cummings Chandler Sharp Barber Bowen Ochoa Dennis
Robbins Liu Ramsey Francis Griffith Paul Blair O'Connor Cardenas Pacheco Cross Calderon
Quinn Moss Swanson Chan Rivas Khan Rodgers Serrano Fitzgerald Rosales Stevenson
Christensen Manning Gill Curry McLaughlin Harmon McGee Gross Doyle Garner Newton Burgess
Reese Walton Blake Trujillo Adkins Brady Goodman Roman Webster Goodwin Fischer Huang
Potter Delacruz Montoya Todd Wu Hines Mullins Castaneda Malone Cannon Tate Mack Sherman
Hubbard Hodges Zhang Guerra Wolf Valencia Saunders Franco Rowe Gallagher Farmer Hammond
Hampton Townsend Ingram Wise Gallegos Clarke Barton Schroeder Maxwell Waters Logan
Camacho Strickland Norman Person Colon Parsons Frank Harrington Glover Osborne Buchanan
Casey Floyd Patton Ibarra Ball Tyler Suarez Bowers Orozco Salas Cobb Gibbs Andrade Bauer
Conner Moody Escobar McGuire Lloyd Mueller Hartman French Kramer McBride Pope Lindsey
Velazquez Norton McCormick Sparks Flynn Yates Hogan Marsh Macias Villanueva Zamora Pratt
Stokes Owen Ballard Lang Brock Villarreal Charles Drake Barrera Cain Patrick Pineda
Burnett Mercado Santana Shepherd Bautista Ali Shaffer Lamb Trevino McKenzie Hess Beil
""".split()  # noqa: SIM905 (a word list reads better than a literal)

# city|3-digit ZIP prefix|area code, roughly by population (Zipf weights over this order)
CITIES = """
New York|100|212
Los Angeles|900|213
Chicago|606|312
Houston|770|713
Phoenix|850|602
Philadelphia|191|215
San Antonio|782|210
San Diego|921|619
Dallas|752|214
San Jose|951|408
Austin|787|512
Jacksonville|322|904
Fort Worth|761|817
Columbus|432|614
Charlotte|282|704
San Francisco|941|415
Indianapolis|462|317
Seattle|981|206
Denver|802|303
Washington|200|202
Boston|021|617
El Paso|799|915
Nashville|372|615
Detroit|482|313
Oklahoma City|731|405
Portland|972|503
Las Vegas|891|702
Memphis|381|901
Louisville|402|502
Baltimore|212|410
Milwaukee|532|414
Albuquerque|871|505
Tucson|857|520
Fresno|937|559
Mesa|852|480
Sacramento|958|916
Atlanta|303|404
Kansas City|641|816
Colorado Springs|809|719
Omaha|681|402
Raleigh|276|919
Miami|331|305
Long Beach|908|562
Virginia Beach|234|757
Oakland|946|510
Minneapolis|554|612
Tulsa|741|918
Tampa|336|813
Arlington|760|817
New Orleans|701|504
Wichita|672|316
Cleveland|441|216
Bakersfield|933|661
Aurora|800|303
Anaheim|928|714
Honolulu|968|808
Santa Ana|927|714
Riverside|925|951
Corpus Christi|784|361
Lexington|405|859
Stockton|952|209
Henderson|890|702
Saint Paul|551|651
St. Louis|631|314
Cincinnati|452|513
Pittsburgh|152|412
Greensboro|274|336
Anchorage|995|907
Plano|750|972
Lincoln|685|402
Orlando|328|407
Irvine|926|949
Newark|071|973
Toledo|436|419
Durham|277|919
Chula Vista|919|619
Fort Wayne|468|260
Jersey City|073|201
St. Petersburg|337|727
Laredo|780|956
Madison|537|608
Chandler|852|480
Buffalo|142|716
Lubbock|794|806
Scottsdale|852|480
Reno|895|775
Glendale|853|623
Gilbert|852|480
Winston-Salem|271|336
North Las Vegas|890|702
Norfolk|235|757
Chesapeake|233|757
Garland|750|972
Irving|750|972
Hialeah|330|305
Fremont|945|510
Boise|837|208
Richmond|232|804
Baton Rouge|708|225
Spokane|992|509
Des Moines|503|515
Tacoma|984|253
San Bernardino|924|909
Modesto|953|209
Fontana|923|909
Santa Clarita|913|661
Birmingham|352|205
Oxnard|930|805
Fayetteville|283|910
Moreno Valley|925|951
Rochester|146|585
Huntington Beach|926|714
Salt Lake City|841|801
Grand Rapids|495|616
Amarillo|791|806
Yonkers|107|914
Montgomery|361|334
Akron|443|330
Little Rock|722|501
Huntsville|358|256
Augusta|309|706
Grand Prairie|750|972
Shreveport|711|318
Overland Park|662|913
Tallahassee|323|850
Mobile|366|251
Knoxville|379|865
Worcester|016|508
Providence|029|401
Fort Lauderdale|333|954
Chattanooga|374|423
Tempe|852|480
Eugene|974|541
Springfield|011|413
Springfield|658|417
Portland|041|207
Hartford|061|860
Syracuse|132|315
Albany|122|518
Savannah|314|912
Charleston|294|843
Columbia|292|803
Jackson|392|601
Sioux Falls|571|605
Fargo|581|701
Billings|591|406
Cheyenne|820|307
Burlington|054|802
Manchester|031|603
Wilmington|198|302
Dayton|454|937
Ann Arbor|481|734
Green Bay|543|920
Pasadena|911|626
Boulder|803|303
"""

STREETS = """
Main|Oak|Pine|Maple|Cedar|Elm|Washington|Lake|Hill|Park|Walnut|Sunset|Lincoln|Jackson|
Church|River|Willow|Highland|Jefferson|Madison|Forest|Spring|Chestnut|Ridge|Meadow|Center|
Franklin|Adams|Mill|Valley|Birch|Lakeview|Cherry|Hickory|Dogwood|Magnolia|Sycamore|Poplar|
Spruce|Laurel|Locust|Johnson|Wilson|Lee|Grant|Monroe|King|Prospect|Broad|Market|Front|
Water|High|School|North|South|Mountain View|Lakeshore|Bay|Ocean|Harbor|Bridge|Railroad|
Depot|Cross|College|Academy|Union|Liberty|Independence|Pleasant|Green|Orchard|Vine|Rose|
Ivy|Holly|Aspen|Juniper|Sierra|Canyon|Mesa|Prairie|Fairview|Woodland|Greenwood|Brookside|
Country Club|Sheridan|Kingston|Hamilton|Clinton|Cleveland|Roosevelt|Kennedy|Harrison|
Taylor|Cambridge|Oxford|Heritage|Mission|Summit|Pearl|Delaware|Ohio
"""
STREET_SUFFIXES = (("St", "Street"), ("Ave", "Avenue"), ("Rd", "Road"), ("Dr", "Drive"),
                   ("Ln", "Lane"), ("Blvd", "Boulevard"), ("Ct", "Court"), ("Pl", "Place"),
                   ("Way", "Way"), ("Cir", "Circle"), ("Ter", "Terrace"), ("Pkwy", "Parkway"))
STREET_SUFFIX_WEIGHTS = (0.26, 0.20, 0.14, 0.14, 0.07, 0.04, 0.05, 0.03, 0.03, 0.02, 0.01, 0.01)

STREAM_PEOPLE, STREAM_LAYOUT, STREAM_CHUNK = 1, 2, 3  # independent random streams

# --------------------------------------------------------------------------- tables


def _s(strings) -> np.ndarray:
    """Byte-string array (all data is ASCII; numpy's S dtype is ~8x faster than U)."""
    return np.array([s.encode("ascii") for s in strings], dtype="S")


def zipf_weights(n: int, exponent: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** exponent
    return w / w.sum()


def _letters(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalpha())


@dataclass(frozen=True)
class Tables:
    first: np.ndarray          # S: formal first names, then nickname-only strings
    first_weights: np.ndarray  # over the formal names only
    nick: np.ndarray           # (n_formal, 3) indices into `first`, -1 padded
    nick_count: np.ndarray
    last: np.ndarray
    last_weights: np.ndarray
    first_mail: np.ndarray     # lowercase letters of first / last names, for emails
    first_initial: np.ndarray
    last_mail: np.ndarray
    city: np.ndarray
    city_zip3: np.ndarray
    city_area: np.ndarray
    city_weights: np.ndarray
    street: np.ndarray
    street_weights: np.ndarray
    suffix_short: np.ndarray
    suffix_long: np.ndarray
    suffix_weights: np.ndarray


def build_tables() -> Tables:
    formal = list(dict.fromkeys(FIRST_NAMES))
    extra = [n for nicks in NICKNAMES.values() for n in nicks if n not in formal]
    first = formal + list(dict.fromkeys(extra))
    position = {n: i for i, n in enumerate(first)}
    nick = np.full((len(formal), 3), -1, dtype=np.int16)
    nick_count = np.zeros(len(formal), dtype=np.int16)
    for name, nicks in NICKNAMES.items():
        i = position[name]
        nick[i, :len(nicks)] = [position[n] for n in nicks]
        nick_count[i] = len(nicks)
    last = list(dict.fromkeys(LAST_NAMES))
    cities = [line.split("|") for line in CITIES.strip().splitlines()]
    streets = [s.strip() for s in STREETS.replace("\n", "").split("|")]
    return Tables(
        first=_s(first), first_weights=zipf_weights(len(formal), FIRST_NAME_ZIPF),
        nick=nick, nick_count=nick_count,
        last=_s(last), last_weights=zipf_weights(len(last), LAST_NAME_ZIPF),
        first_mail=_s(_letters(n) for n in first[:len(formal)]),
        first_initial=_s(_letters(n)[0] for n in first[:len(formal)]),
        last_mail=_s(_letters(n) for n in last),
        city=_s(c for c, _, _ in cities),
        city_zip3=np.array([int(z) for _, z, _ in cities], dtype=np.int32),
        city_area=np.array([int(a) for _, _, a in cities], dtype=np.int32),
        city_weights=zipf_weights(len(cities), CITY_ZIPF),
        street=_s(streets), street_weights=zipf_weights(len(streets), STREET_ZIPF),
        suffix_short=_s(s for s, _ in STREET_SUFFIXES),
        suffix_long=_s(s for _, s in STREET_SUFFIXES),
        suffix_weights=np.array(STREET_SUFFIX_WEIGHTS) / sum(STREET_SUFFIX_WEIGHTS),
    )


# --------------------------------------------------------------------------- string kernels


def fixed_digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal strings of a fixed width, e.g. 7 -> b"0007"."""
    v = np.asarray(values, dtype=np.int64)
    m = np.empty((v.size, width), dtype=np.uint8)
    for k in range(width):
        m[:, k] = (v // 10 ** (width - 1 - k)) % 10 + 48
    return m.view(f"S{width}").ravel()


def var_digits(values: np.ndarray, ndigits: np.ndarray) -> np.ndarray:
    """`ndigits` least significant digits of each value, zero-padded; empty where 0."""
    v = np.asarray(values, dtype=np.int64)
    nd = np.asarray(ndigits, dtype=np.int64)
    width = max(int(nd.max(initial=0)), 1)
    m = np.zeros((v.size, width), dtype=np.uint8)
    for k in range(width):
        power = nd - 1 - k
        m[:, k] = np.where(power >= 0, (v // 10 ** np.maximum(power, 0)) % 10 + 48, 0)
    return m.view(f"S{width}").ravel()


def n_digits(values: np.ndarray) -> np.ndarray:
    return np.maximum(np.floor(np.log10(np.maximum(values, 1))).astype(np.int64) + 1, 1)


def cat(*parts) -> np.ndarray:
    out = parts[0]
    for p in parts[1:]:
        out = np.strings.add(out, p)
    return out


def _keyboard_neighbours() -> tuple[np.ndarray, np.ndarray]:
    table = np.zeros((26, 6), dtype=np.uint8)
    count = np.zeros(26, dtype=np.int64)
    for r, row in enumerate(KEYBOARD):
        for c, ch in enumerate(row):
            near = [row[j] for j in (c - 1, c + 1) if 0 <= j < len(row)]
            near += [KEYBOARD[rr][j] for rr in (r - 1, r + 1) if 0 <= rr < 3
                     for j in (c, c + 1) if j < len(KEYBOARD[rr])]
            i = ord(ch) - 97
            table[i, :len(near)] = [ord(x) for x in near[:6]]
            count[i] = min(len(near), 6)
    return table, count


NEIGHBOURS, NEIGHBOUR_COUNT = _keyboard_neighbours()


def typo(strings: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One-character typo per string, never at the first character.

    Works on a (n, width + 1) byte matrix: substitution writes a keyboard neighbour (case
    kept); deletion, transposition and doubling are one gather with shifted column indices.
    Strings shorter than 2 characters are left alone.
    """
    n, w = strings.size, strings.dtype.itemsize
    if n == 0:
        return strings.astype(f"S{w + 1}")
    m = np.zeros((n, w + 1), dtype=np.uint8)
    m[:, :w] = np.ascontiguousarray(strings).view(np.uint8).reshape(n, w)
    length = np.strings.str_len(strings).astype(np.int64)
    op = rng.choice(4, size=n, p=TYPO_OPS)
    op[length < 3] = 0  # short strings: substitution only
    span = np.where(op == 2, length - 2, length - 1)  # transposition needs pos + 1 < length
    pos = 1 + (rng.random(n) * np.maximum(span, 1)).astype(np.int64)
    cols = np.arange(w + 1)[None, :]
    p = pos[:, None]
    src = np.broadcast_to(cols, (n, w + 1)).copy()
    src = np.where((op == 1)[:, None], np.minimum(cols + (cols >= p), w), src)  # delete
    src = np.where((op == 3)[:, None], cols - (cols > p), src)  # double the letter
    swap = (op == 2)[:, None]
    src = np.where(swap & (cols == p), p + 1, np.where(swap & (cols == p + 1), p, src))
    out = np.take_along_axis(m, src, axis=1)
    rows = np.flatnonzero((op == 0) & (length >= 2))
    c = out[rows, pos[rows]].astype(np.int64)
    lower = c | 32
    letter = (lower >= 97) & (lower <= 122)
    k = np.where(letter, lower - 97, rng.integers(0, 26, rows.size))
    pick = NEIGHBOURS[k, rng.integers(0, 1 << 30, rows.size) % NEIGHBOUR_COUNT[k]].astype(np.int64)
    upper = letter & (c < 97)
    out[rows, pos[rows]] = np.where(upper, pick - 32, pick).astype(np.uint8)
    keep = length < 2
    out[keep] = m[keep]
    return out.view(f"S{w + 1}").ravel()


def apply_typos(strings: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    idx = np.flatnonzero(mask)
    out = strings.astype(f"S{strings.dtype.itemsize + 1}")
    out[idx] = typo(strings[idx], rng)
    return out


def apply_case(strings: np.ndarray, mask: np.ndarray, rng: np.random.Generator,
               upper_share: float = 0.5) -> np.ndarray:
    idx = np.flatnonzero(mask)
    up = rng.random(idx.size) < upper_share
    out = strings.copy()
    out[idx[up]] = np.strings.upper(strings[idx[up]])
    out[idx[~up]] = np.strings.lower(strings[idx[~up]])
    return out


# --------------------------------------------------------------------------- population


def draw_cluster_sizes(n_records: int, rng: np.random.Generator) -> np.ndarray:
    """Records per person, summing exactly to n_records (the last person is trimmed)."""
    mean = float(np.dot(CLUSTER_SIZES, CLUSTER_PROBS))
    sizes = np.empty(0, dtype=np.int8)
    while int(sizes.sum(dtype=np.int64)) < n_records:
        more = rng.choice(np.array(CLUSTER_SIZES, dtype=np.int8),
                          size=int(n_records / mean * 1.02) + 16, p=CLUSTER_PROBS)
        sizes = np.concatenate([sizes, more])
    total = np.cumsum(sizes, dtype=np.int64)
    k = int(np.searchsorted(total, n_records))
    sizes = sizes[:k + 1].copy()
    sizes[k] -= total[k] - n_records
    return sizes


def draw_addresses(n: int, rng: np.random.Generator, t: Tables) -> dict[str, np.ndarray]:
    city = rng.choice(t.city.size, size=n, p=t.city_weights).astype(np.int16)
    house = np.where(rng.random(n) < 0.1, rng.integers(1, 100, n),  # 1..99, else 10..9999
                     np.exp(rng.uniform(np.log(10), np.log(10_000), n))).astype(np.int16)
    unit = np.where(rng.random(n) < UNIT_RATE, rng.integers(1, 40, n), 0).astype(np.int8)
    return {
        "city": city,
        "street": rng.choice(t.street.size, size=n, p=t.street_weights).astype(np.int16),
        "suffix": rng.choice(t.suffix_short.size, size=n, p=t.suffix_weights).astype(np.int8),
        "house": house,
        "unit": unit,
        "postcode": (t.city_zip3[city] * 100 + rng.integers(1, 100, n)).astype(np.int32),
    }


def _duplicated(keys: np.ndarray) -> np.ndarray:
    """Indices of every occurrence of a key but its first."""
    order = np.argsort(keys, kind="stable")
    ks = keys[order]
    return order[np.flatnonzero(ks[1:] == ks[:-1]) + 1]


def draw_phones(city: np.ndarray, rng: np.random.Generator, t: Tables) -> np.ndarray:
    """Unique 10-digit US numbers: area 2xx-9xx (no N11, no x9x), exchange 2xx-9xx (no N11)."""
    n = city.size
    other = rng.integers(2, 10, n) * 100 + rng.integers(0, 9, n) * 10 + rng.integers(0, 10, n)
    other = np.where(other % 100 == 11, other + 1, other)
    area = np.where(rng.random(n) < HOME_AREA_CODE_RATE, t.city_area[city], other)
    exchange = rng.integers(200, 1000, n)
    exchange = np.where(exchange % 100 == 11, exchange + 1, exchange)
    phone = area.astype(np.int64) * 10_000_000 + exchange * 10_000 + rng.integers(0, 10_000, n)
    while True:
        exch, line = phone // 10_000 % 1000, phone % 10_000
        bad = np.flatnonzero((exch == 555) & (line >= 100) & (line < 200))  # fictional range
        bad = np.union1d(bad, _duplicated(phone))
        if bad.size == 0:
            return phone
        phone[bad] = phone[bad] // 10_000 * 10_000 + rng.integers(0, 10_000, bad.size)


def draw_emails(fi: np.ndarray, li: np.ndarray, dob: np.ndarray, rng: np.random.Generator,
                t: Tables) -> dict[str, np.ndarray]:
    """Two mailboxes per person, unique across everybody (gmail dots ignored).

    A local part is a name-derived base string plus a digit tail; uniqueness is checked on
    (canonical base id, domain, tail length, tail), and each clash appends a random digit
    to the later holder, repeated until no clash is left.
    """
    n = fi.size
    nf, nl = t.first_mail.size, t.last_mail.size
    pattern = rng.choice(3, size=(n, 2), p=EMAIL_PATTERN_WEIGHTS)
    domain = np.empty((n, 2), dtype=np.int64)
    domain[:, 0] = rng.choice(len(EMAIL_DOMAINS), size=n, p=EMAIL_DOMAIN_WEIGHTS)
    domain[:, 1] = (domain[:, 0] + rng.integers(1, len(EMAIL_DOMAINS), n)) % len(EMAIL_DOMAINS)
    year2 = (dob.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970) % 100
    nn = np.where(rng.random((n, 2)) < 0.5, year2[:, None], rng.integers(1, 100, (n, 2)))
    tail = np.where(pattern == 2, nn, 0).astype(np.int64)
    ndig = np.where(pattern == 2, 2, 0).astype(np.int64)

    code = (pattern * nf + fi[:, None]) * nl + li[:, None]
    uniq, inv = np.unique(code.ravel(), return_inverse=True)
    inv = inv.reshape(n, 2)
    up, uf, ul = uniq // (nf * nl), uniq // nl % nf, uniq % nl
    display = np.where(up == 1, np.strings.add(t.first_initial[uf], t.last_mail[ul]),
                       np.strings.add(np.where(up == 0, np.strings.add(t.first_mail[uf], b"."),
                                               t.first_mail[uf]), t.last_mail[ul]))
    nodot = np.strings.replace(display, b".", b"")
    _, sid = np.unique(np.concatenate([display, nodot]), return_inverse=True)
    canon = np.where(domain == GMAIL, sid[display.size:][inv], sid[:display.size][inv])

    flat = (canon * len(EMAIL_DOMAINS) + domain).ravel()
    tail, ndig = tail.ravel(), ndig.ravel()
    while True:
        dup = _duplicated(((flat * 16 + ndig) << 32) | tail)
        if dup.size == 0:
            break
        digit = rng.integers(0, 10, dup.size)
        digit = np.where(ndig[dup] == 0, np.maximum(digit, 1), digit)
        tail[dup] = tail[dup] * 10 + digit
        ndig[dup] += 1
    return {"display": display, "email_base": inv.astype(np.int32),
            "email_tail": tail.reshape(n, 2), "email_ndigits": ndig.reshape(n, 2).astype(np.int8),
            "email_domain": domain.astype(np.int8)}


def assign_households(p: dict[str, np.ndarray], first_weights: np.ndarray,
                      rng: np.random.Generator) -> None:
    """Pair HOUSEHOLD_RATE of people: the joiner takes the host's last name, addresses and
    phone (their landline); first name is forced to differ, dob is independent."""
    n = p["fi"].size
    h = int(round(n * HOUSEHOLD_RATE / 2))
    if h == 0:
        return
    chosen = rng.choice(n, size=2 * h, replace=False)
    host, joiner = chosen[:h], chosen[h:]
    for key in ("li", "phone") + tuple(k for k in p if k.startswith(("addr_", "alt_"))):
        p[key][joiner] = p[key][host]
    same = np.flatnonzero(p["fi"][joiner] == p["fi"][host])
    while same.size:
        p["fi"][joiner[same]] = rng.choice(first_weights.size, size=same.size, p=first_weights)
        same = same[p["fi"][joiner[same]] == p["fi"][host[same]]]


def make_people(n: int, rng: np.random.Generator, t: Tables) -> dict[str, np.ndarray]:
    days = (DOB_LAST - DOB_FIRST).astype(np.int64) + 1
    p: dict[str, np.ndarray] = {
        "fi": rng.choice(t.first_weights.size, size=n, p=t.first_weights).astype(np.int16),
        "li": rng.choice(t.last.size, size=n, p=t.last_weights).astype(np.int16),
        "dob": (DOB_FIRST.astype(np.int64) + rng.integers(0, days, n)).astype(np.int32),
    }
    for prefix in ("addr_", "alt_"):
        p.update({prefix + k: v for k, v in draw_addresses(n, rng, t).items()})
    p["phone"] = draw_phones(p["addr_city"], rng, t)
    assign_households(p, t.first_weights, rng)
    p.update(draw_emails(p["fi"], p["li"], p["dob"], rng, t))
    return p


def layout_records(sizes: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Person, rank within person and source of each record, in shuffled order.

    A person's sources are a weighted draw without replacement (Gumbel top-k), so a person
    with up to four records has them in different sources; a fifth repeats the first.
    """
    n_people, n = sizes.size, int(sizes.sum(dtype=np.int64))
    person = np.repeat(np.arange(n_people, dtype=np.int32), sizes)
    starts = np.cumsum(sizes, dtype=np.int64) - sizes
    rank = (np.arange(n, dtype=np.int64) - np.repeat(starts, sizes)).astype(np.int8)
    keys = rng.gumbel(size=(n_people, len(SOURCES))).astype(np.float32)
    keys += np.log(np.array(SOURCE_WEIGHTS, dtype=np.float32))
    order = np.argsort(-keys, axis=1).astype(np.int8)
    source = order[person, rank % len(SOURCES)]
    perm = rng.permutation(n)
    return {"person": person[perm], "rank": rank[perm], "source": source[perm]}


# --------------------------------------------------------------------------- rendering


def render_names(person, noisy, rng, p, t):
    fi = p["fi"][person].astype(np.int64)
    idx = np.flatnonzero(noisy("nickname") & (t.nick_count[fi] > 0))
    fi[idx] = t.nick[fi[idx], rng.integers(0, 1 << 30, idx.size) % t.nick_count[fi[idx]]]
    first = apply_typos(t.first[fi], noisy("first_typo"), rng)
    last = apply_typos(t.last[p["li"][person]], noisy("last_typo"), rng)
    case = noisy("name_case")  # one draw, so first and last name change case together
    upper = np.flatnonzero(case & (rng.random(person.size) < 0.5))
    lower = np.flatnonzero(case)
    lower = lower[~np.isin(lower, upper)]
    for names in (first, last):
        names[upper] = np.strings.upper(names[upper])
        names[lower] = np.strings.lower(names[lower])
    return first, last


def days_in_month(year, month):
    dim = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[month - 1]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return dim + ((month == 2) & leap)


def render_dob(person, source, noisy, rng, p):
    d = p["dob"][person].astype("datetime64[D]")
    month_start = d.astype("datetime64[M]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    month = month_start.astype(np.int64) % 12 + 1
    day = (d - month_start).astype(np.int64) + 1
    n = person.size
    # one-digit typo: year units, year tens or day units; an invalid day falls back to year
    typo_rows = noisy("dob_typo")
    which = rng.integers(0, 3, n)
    new_digit = rng.integers(0, 10, n)
    units, tens = year % 10, year // 10 % 10
    y_units = year - units + np.where(new_digit == units, (new_digit + 1) % 10, new_digit)
    y_tens = year - 10 * tens + 10 * np.where(new_digit == tens, (new_digit + 1) % 10, new_digit)
    d_units = day - day % 10 + np.where(new_digit == day % 10, (new_digit + 1) % 10, new_digit)
    day_ok = (d_units >= 1) & (d_units <= days_in_month(year, month))
    use_day = typo_rows & (which == 2) & day_ok
    year = np.where(typo_rows & (which == 1), y_tens,
                    np.where(typo_rows & ~use_day, y_units, year))
    day = np.where(use_day, d_units, day)
    swap = noisy("dob_swap") & (day <= 12) & (day != month)
    month, day = np.where(swap, day, month), np.where(swap, month, day)
    y4, m2, d2 = fixed_digits(year, 4), fixed_digits(month, 2), fixed_digits(day, 2)
    dayfirst = np.isin(source, [SOURCES.index(s) for s in DAYFIRST_SOURCES])
    return np.where(dayfirst, cat(d2, b"/", m2, b"/", y4), cat(y4, b"-", m2, b"-", d2))


def render_email(person, noisy, rng, p):
    slot = noisy("email_changed").astype(np.int64)
    base = p["email_base"][person, slot]
    domain = p["email_domain"][person, slot].astype(np.int64)
    local = np.strings.add(p["display"][base],
                           var_digits(p["email_tail"][person, slot],
                                      p["email_ndigits"][person, slot]))
    domains = _s(EMAIL_DOMAINS + ("googlemail.com",))
    variant = np.flatnonzero(noisy("gmail_variant") & (domain == GMAIL))
    kind = rng.integers(0, 3, variant.size)
    # kind 0: insert a dot (not next to another dot nor at either end)
    rows = variant[kind == 0]
    sub = local[rows]
    length = np.strings.str_len(sub).astype(np.int64)
    pos = 1 + (rng.random(rows.size) * np.maximum(length - 1, 1)).astype(np.int64)
    w = sub.dtype.itemsize
    mat = np.zeros((rows.size, w + 1), dtype=np.uint8)
    mat[:, :w] = np.ascontiguousarray(sub).view(np.uint8).reshape(rows.size, w)
    r = np.arange(rows.size)
    ok = (length >= 2) & (mat[r, pos - 1] != 46) & (mat[r, np.minimum(pos, w)] != 46)
    cols = np.arange(w + 1)[None, :]
    dotted = np.take_along_axis(mat, cols - (cols > pos[:, None]), axis=1)
    dotted[r, pos] = 46
    local = local.astype(f"S{w + 1}")
    local[rows[ok]] = dotted[ok].view(f"S{w + 1}").ravel()
    kind[np.flatnonzero(kind == 0)[~ok]] = 1  # no room for a dot: +tag instead
    # kind 1: +tag; kind 2: googlemail.com
    tagged = variant[kind == 1]
    tags = _s(GMAIL_TAGS)[rng.integers(0, len(GMAIL_TAGS), tagged.size)]
    local = local.astype(f"S{local.dtype.itemsize + 8}")
    local[tagged] = cat(local[tagged], b"+", tags)
    domain[variant[kind == 2]] = len(EMAIL_DOMAINS)
    email = cat(local, b"@", domains[domain])
    upper = np.flatnonzero(noisy("email_case"))
    email[upper] = np.strings.upper(email[upper])
    return email


def render_phone(person, source, noisy, rng, p):
    phone = p["phone"][person]
    fmt = np.array([list(PHONE_FORMATS).index(SOURCE_PHONE_FORMAT[s]) for s in SOURCES])[source]
    fmt = np.where(noisy("phone_format"),
                   (fmt + rng.integers(1, len(PHONE_FORMATS), person.size)) % len(PHONE_FORMATS),
                   fmt)
    out = np.zeros(person.size, dtype="S16")
    for k, (prefix, sep1, sep2) in enumerate(PHONE_FORMATS.values()):
        num = phone[rows := np.flatnonzero(fmt == k)]
        out[rows] = cat(prefix.encode(), fixed_digits(num // 10_000_000, 3), sep1.encode(),
                        fixed_digits(num // 10_000 % 1000, 3), sep2.encode(),
                        fixed_digits(num % 10_000, 4))
    return out


def render_address(person, noisy, rng, p, t):
    n = person.size
    moved = noisy("moved")

    def field(name):
        return np.where(moved, p["alt_" + name][person], p["addr_" + name][person])

    street = apply_typos(t.street[field("street")], noisy("street_typo"), rng)
    suffix_i = field("suffix")
    suffix = np.where(noisy("street_suffix"), t.suffix_long[suffix_i], t.suffix_short[suffix_i])
    house = field("house").astype(np.int64)
    address = cat(var_digits(house, n_digits(house)), b" ", street, b" ", suffix)
    unit = field("unit").astype(np.int64)
    has_unit = unit > 0
    style = np.where(noisy("unit_format"), rng.integers(1, 3, n), 0)
    unit_prefix = _s((" Apt ", " #", " Unit "))[style]
    with_unit = cat(address, unit_prefix, var_digits(unit, n_digits(unit)))
    address = np.where(has_unit, with_unit, address)
    city = apply_case(t.city[field("city")], noisy("city_case"), rng, upper_share=1.0)
    postcode = fixed_digits(field("postcode"), 5)
    plus4 = np.flatnonzero(noisy("zip_plus4"))
    postcode = postcode.astype("S10")
    extension = fixed_digits(rng.integers(1, 10_000, plus4.size), 4)
    postcode[plus4] = cat(postcode[plus4], b"-", extension)
    return address, city, postcode


def render_chunk(layout, start, stop, p, t, rng, id_width, entity_width):
    """Records start..stop of the shuffled layout as (records, truth) Arrow tables."""
    person = layout["person"][start:stop]
    source = layout["source"][start:stop].astype(np.int64)
    dup = layout["rank"][start:stop] > 0
    n = person.size

    def noisy(kind: str) -> np.ndarray:
        return dup & (rng.random(n) < NOISE[kind])

    first, last = render_names(person, noisy, rng, p, t)
    cols = {
        "record_id": cat(b"r", fixed_digits(np.arange(start + 1, stop + 1), id_width)),
        "source": _s(SOURCES)[source],
        "first_name": first,
        "last_name": last,
        "dob": render_dob(person, source, noisy, rng, p),
        "email": render_email(person, noisy, rng, p),
        "phone": render_phone(person, source, noisy, rng, p),
    }
    cols["address"], cols["city"], cols["postcode"] = render_address(person, noisy, rng, p, t)

    presence = np.array([PRESENCE[s] for s in SOURCES])[source]  # (n, fields)
    u_field = rng.random((n, 5))
    u_place = rng.random(n)
    arrays = {}
    for name, values in cols.items():
        if name in PRESENCE_FIELDS:
            j = PRESENCE_FIELDS.index(name)
            u = u_place if name in ("address", "city", "postcode") else u_field[:, j]
            missing = u >= presence[:, j]
        else:
            missing = None
        arrays[name] = pa.array(values, mask=missing).cast(pa.string())
    truth = {"record_id": arrays["record_id"],
             "entity_id": pa.array(cat(b"e", fixed_digits(person.astype(np.int64) + 1,
                                                          entity_width))).cast(pa.string())}
    return pa.table(arrays), pa.table(truth)


# --------------------------------------------------------------------------- driver


def generate(n_records: int, seed: int, out: Path, verbose: bool = True) -> dict:
    """Write out/records.parquet and out/truth.parquet; return a summary dict."""
    began = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    tables = build_tables()
    sizes = draw_cluster_sizes(n_records, np.random.default_rng([seed, STREAM_LAYOUT]))
    people = make_people(sizes.size, np.random.default_rng([seed, STREAM_PEOPLE]), tables)
    layout = layout_records(sizes, np.random.default_rng([seed, STREAM_LAYOUT, 1]))
    id_width = max(7, len(str(n_records)))
    entity_width = max(7, len(str(sizes.size)))
    writers = {}
    try:
        for c, start in enumerate(range(0, n_records, CHUNK_RECORDS)):
            stop = min(start + CHUNK_RECORDS, n_records)
            rng = np.random.default_rng([seed, STREAM_CHUNK, c])
            for name, table in zip(("records", "truth"), render_chunk(
                    layout, start, stop, people, tables, rng, id_width, entity_width),
                    strict=True):
                if name not in writers:
                    writers[name] = pq.ParquetWriter(out / f"{name}.parquet", table.schema)
                writers[name].write_table(table)
            if verbose and n_records > CHUNK_RECORDS:
                print(f"  {stop:,} / {n_records:,} records", file=sys.stderr)
    finally:
        for w in writers.values():
            w.close()
    s = sizes.astype(np.int64)
    return {"records": n_records, "people": int(sizes.size),
            "true_pairs": int((s * (s - 1) // 2).sum()),
            "seconds": time.perf_counter() - began}


def parse_count(text: str) -> int:
    """'1000000', '1_000_000', '100k', '1m' or '10M' -> int."""
    t = text.strip().lower().replace("_", "").replace(",", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    value = float(t[:-1]) if scale > 1 else float(t)
    if value <= 0:
        raise argparse.ArgumentTypeError("--records must be positive")
    return int(round(value * scale))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=parse_count, required=True,
                        help="number of records, e.g. 1000000 or 1m")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    args = parser.parse_args(argv)
    r = generate(args.records, args.seed, args.out)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"records={r['records']:,} people={r['people']:,} "
          f"true_duplicate_pairs={r['true_pairs']:,} seconds={r['seconds']:.1f} "
          f"peak_rss_mib={peak:.0f} out={args.out}")


if __name__ == "__main__":
    main()
