"""Role inference that reads values first: literal samples with headers that say little."""

from __future__ import annotations

import pandas as pd

from unifyprofile.infer import infer_config
from unifyprofile.sources import canonical_mapping, infer_roles, name_words

GIVEN = ["HANS", "PETER", "MARIA", "ANNA", "KLAUS", "JUERGEN", "PETRA", "MONIKA", "STEFAN",
         "SABINE", "THOMAS", "ANDREA", "MICHAEL", "URSULA", "WOLFGANG", "KARIN", "FRANK",
         "HEIKE", "JOERG", "BIRGIT"] * 3
SURNAMES = ["MUELLER", "SCHMIDT", "SCHNEIDER", "FISCHER", "WEBER", "MEYER", "WAGNER",
            "BECKER", "SCHULZ", "HOFFMANN", "SCHAEFER", "KOCH", "BAUER", "RICHTER", "KLEIN",
            "WOLF", "SCHROEDER", "NEUMANN", "SCHWARZ", "ZIMMERMANN"] * 3


def roles_of(table: pd.DataFrame) -> dict[str, str]:
    return {c: r.role for c, r in infer_roles(table).items()}


def test_header_words_in_any_case_style():
    assert name_words("MailingPostalCode") == ["mailing", "postal", "code"]
    assert name_words("fname_c1") == ["fname", "c", "1"]
    assert name_words("contact.location.city") == ["contact", "location", "city"]


def test_abbreviated_and_german_headers_get_their_roles():
    n = len(GIVEN)
    table = pd.DataFrame({
        "vn": GIVEN, "nn": SURNAMES,
        "geb_j": [str(1940 + k % 50) for k in range(n)],
        "geb_m": [str(1 + k % 12) for k in range(n)],
        "geb_t": [str(1 + (k * 11) % 28) for k in range(n)],
        "plz": [f"{10115 + k * 37}" for k in range(n)],
        "ort": ["BERLIN", "HAMBURG", "MUENCHEN", "KOELN", "BONN"] * (n // 5),
        "strasse": [f"HAUPTSTRASSE {k}" for k in range(n)],
        "quelle": ["system_a"] * n,
    })
    roles = roles_of(table)
    assert roles == {"vn": "first_name", "nn": "last_name", "geb_j": "dob", "geb_m": "dob",
                     "geb_t": "dob", "plz": "postcode", "ort": "city", "strasse": "address",
                     "quelle": "ignore"}
    # The date's parts are joined year, month, day.
    assert canonical_mapping(infer_roles(table))["dob"] == ["geb_j", "geb_m", "geb_t"]


def test_names_without_any_header_hint_come_from_the_lexicon():
    table = pd.DataFrame({"c1": GIVEN, "c2": SURNAMES})
    assert roles_of(table) == {"c1": "first_name", "c2": "last_name"}


def test_second_given_name_column_is_a_middle_name_and_date_parts_join():
    n = len(GIVEN)
    table = pd.DataFrame({
        "fname_c1": GIVEN, "fname_c2": [g if k % 3 == 0 else None for k, g in
                                        enumerate(reversed(GIVEN))],
        "lname_c1": SURNAMES,
        "by": [str(1930 + k % 60) for k in range(n)],
        "bm": [str(1 + k % 12) for k in range(n)],
        "bd": [str(1 + (k * 11) % 31) for k in range(n)],
    })
    roles = roles_of(table)
    assert roles["fname_c1"] == "first_name"
    assert roles["fname_c2"] == "middle_name"
    assert roles["lname_c1"] == "last_name"
    assert {roles["by"], roles["bm"], roles["bd"]} == {"dob"}


def test_organisation_names_are_companies_not_people():
    table = pd.DataFrame({"name": ["SIEMENS AG", "N V PHILIPS GLOEILAMPENFABRIEKEN",
                                   "ROBERT BOSCH GMBH", "BASF SE", "HITACHI LTD",
                                   "GENERAL ELECTRIC COMPANY", "SONY CORP", "BAYER AG"] * 5})
    assert roles_of(table) == {"name": "company"}


def test_a_column_naming_the_source_system_is_never_evidence():
    n = 60
    system = ["alpha" if k % 2 else "beta" for k in range(n)]
    table = pd.DataFrame({
        "x": system,  # no header hint: its values decide which other columns are filled
        "email": [f"p{k}@mail.com" if s == "alpha" else None for k, s in enumerate(system)],
        "mobile": [f"+4917{k:07d}" if s == "beta" else None for k, s in enumerate(system)],
        "given": (GIVEN * 2)[:n],
    })
    assert roles_of(table)["x"] == "source"
    config, _ = infer_config({"records": table.assign(record_id=[str(k) for k in range(n)])})
    assert all(c.field != "x" for c in config.comparisons)



def test_a_category_with_rare_values_is_no_source_though_sparse_columns_follow_them():
    n = 200
    genre = ["rock", "misc"] * 90 + [f"rare{k}" for k in range(20)]
    table = pd.DataFrame({
        "x": genre,
        # Filled in one row in ten: a rare value's one row is filled or not by chance.
        "lat": [f"{40 + k / 100:.2f}" if k % 10 == 0 else None for k in range(n)],
        "lng": [f"{-70 - k / 100:.2f}" if k % 10 == 0 else None for k in range(n)],
        "given": (GIVEN * 4)[:n],
    })
    assert roles_of(table)["x"] == "categorical"

def test_a_default_held_by_many_rows_is_a_placeholder():
    lat = ["0.0"] * 50 + [f"{48 + k / 97:.4f}" for k in range(50)]
    table = pd.DataFrame({"lat": lat})
    found = infer_roles(table)["lat"]
    assert found.placeholder == "0.0"
    assert found.role == "amount"


def test_a_citation_address_of_towns_is_no_postal_address_and_years_in_brackets_are_years():
    table = pd.DataFrame({
        "address": ["San Mateo, CA", "Berlin", "New York", "Amsterdam", "Cambridge, MA"] * 4,
        "year": ["(1990).", "1991", "(1993)", "1990.", "(1995)."] * 4,
    })
    roles = roles_of(table)
    assert roles["address"] != "address"
    assert roles["year"] == "year"


def test_one_field_spread_over_sources_is_one_field():
    crm = pd.DataFrame({"FirstName": GIVEN[:20], "First Name": [None] * 20})
    shop = pd.DataFrame({"FirstName": [None] * 20, "First Name": GIVEN[20:40]})
    table = pd.concat([crm, shop], ignore_index=True)
    assert roles_of(table) == {"FirstName": "first_name", "First Name": "first_name"}
    assert canonical_mapping(infer_roles(table))["first_name"] == ["FirstName", "First Name"]


def test_full_names_on_one_side_meet_first_and_last_names_on_the_other():
    left = pd.DataFrame({"record_id": ["a", "b"], "first": ["Ann", "Bob"],
                         "last": ["Lee", "Ray"]})
    right = pd.DataFrame({"record_id": ["c", "d"], "customer": ["Ann Lee", "Bob Ray"]})
    config, _ = infer_config({"left": left, "right": right}, link=True)
    compared = {c.field for c in config.comparisons}
    assert {"first_name", "last_name"} <= compared
    right_columns = next(s for s in config.sources if s.name == "right").columns
    assert right_columns["full_name"] == "customer"


def test_disemvowelled_and_compound_headers_point_at_their_roles():
    n = len(GIVEN)
    table = pd.DataFrame({
        "frst_nm": GIVEN, "srnm": SURNAMES,
        "phn": [f"+49 30 {1000000 + 7919 * k}" for k in range(n)],
        "eml_adrs": [f"{g.lower()}.{s.lower()}@mail.de"
                     for g, s in zip(GIVEN, SURNAMES, strict=True)],
        "adresszusatz": [f"{k} Hauptstrasse" for k in range(n)],
        "ortsteil": ["Mitte", "Pankow", "Wedding"] * (n // 3),
    })
    roles = roles_of(table)
    assert roles["frst_nm"] == "first_name" and roles["srnm"] == "last_name"
    assert roles["phn"] == "phone" and roles["eml_adrs"] == "email"
    assert roles["adresszusatz"] == "address" and roles["ortsteil"] == "city"


def test_a_name_header_over_a_few_values_that_are_no_names_is_a_category():
    # "vn" abbreviates Vorname, but here it is a venue.
    venues = ["SIGMOD Record", "VLDB", "SIGMOD Conference", "ACM Trans Database Syst",
              "VLDB J"] * 12
    assert roles_of(pd.DataFrame({"vn": venues}))["vn"] == "categorical"
    # A real first-name column under the same header still is one.
    assert roles_of(pd.DataFrame({"vn": GIVEN}))["vn"] == "first_name"


def test_street_lines_without_a_header_hint_are_addresses():
    streets = ["221 E. 51st St.", "316 N Pulaski Rd", "432 E. 134th Street", "412 S. Keeler",
               "27 Washington Ave", "501 East 32nd Street", "224 N. Central", "9 Oak Rd"] * 5
    assert roles_of(pd.DataFrame({"col_3": streets}))["col_3"] == "address"


def test_an_abbreviation_of_two_words_points_nowhere_and_full_names_under_a_surname_header():
    # "gnr_lst" is a genre list, not a last name ("lst": last or list).
    genres = ["Drama", "Comedy", "Drama, Romance", "Action, Thriller", "Documentary"] * 12
    assert roles_of(pd.DataFrame({"gnr_lst": genres}))["gnr_lst"] != "last_name"
    # French "nom" over "given name surname" values is a full name.
    full = [f"{g.title()} {s.title()}" for g, s in zip(GIVEN, SURNAMES, strict=True)]
    assert roles_of(pd.DataFrame({"nom": full}))["nom"] == "full_name"


def test_a_modifier_before_a_head_word_reads_as_a_modifier():
    from unifyprofile.sources._infer import _name_hint

    assert _name_hint("lst_nm")[0] == "last_name"  # last name, not list name
    assert _name_hint("ptnt_id")[0] == "identifier"  # a patient's (patent's) number
    assert _name_hint("customer_number")[0] == "identifier"
    assert _name_hint("eml_adrs")[0] == "email"


# Opaque headers ("col_3"): the values alone must say what a column holds.

WORLD_GIVEN = ["Oron", "Yasutaka", "Austin L.", "Hideo", "Maria", "John", "Anna", "Peter",
               "Giulia", "Pierre"] * 4
# Three of ten surnames are in the lexicon.
WORLD_SURNAMES = ["Yacoby-Zeevi", "Suzuki", "Takeuchi", "Yoshizawa", "Garcia", "Hashimoto",
                  "Kowalczyk", "Bauer", "Oyelowo", "Fukuyama"] * 4


def test_a_surname_column_the_lexicon_half_knows_is_a_surname_beside_given_names():
    table = pd.DataFrame({"col_1": WORLD_GIVEN, "col_2": WORLD_SURNAMES})
    roles = infer_roles(table)
    assert roles["col_1"].role == "first_name"
    assert roles["col_2"].role == "last_name"
    assert "beside a column of given names" in roles["col_2"].reason
    # Alone, the same surnames are not enough to say so.
    assert roles_of(table[["col_2"]])["col_2"] != "last_name"


def test_full_names_whose_surnames_are_unknown_are_people_by_their_given_names():
    surnames = ["Forrest", "Koyama", "Forssmed", "Ryan", "Ozu", "Tanaka", "Nakadai",
                "Wajda", "Ullmann", "Kurosawa"] * 4
    names = [f"{g.split()[0]} {'ABCD'[k % 4] + '. ' if k % 3 == 0 else ''}{s}"
             for k, (g, s) in enumerate(zip(WORLD_GIVEN, surnames, strict=True))]
    table = pd.DataFrame({"col_2": names})
    assert roles_of(table) == {"col_2": "full_name"}
    titles = pd.DataFrame({"col_1": ["The Seventh Seal", "Ikiru", "Fanny and Alexander",
                                     "Tokyo Story", "Man of Marble", "Ran"] * 6})
    assert roles_of(titles)["col_1"] != "full_name"


def test_a_date_of_birth_without_a_header_is_read_from_its_dates():
    n = 60
    table = pd.DataFrame({
        "col_1": GIVEN[:n], "col_2": SURNAMES[:n],
        # Births spread over decades, deaths after them, and an invoice date on
        # working days only.
        "col_3": [f"19{30 + (k * 7) % 60}-{1 + k % 12:02d}-{1 + (k * 5) % 28:02d}"
                  for k in range(n)],
        "col_4": [f"20{10 + k % 10}-{1 + k % 12:02d}-{1 + (k * 5) % 28:02d}"
                  if k % 2 else None for k in range(n)],
        "col_5": [str((pd.Timestamp("2019-01-07") + pd.offsets.BDay(k * 13)).date())
                  for k in range(n)],
    })
    roles = infer_roles(table)
    assert roles["col_3"].role == "dob"
    assert "dates of birth" in roles["col_3"].reason
    assert roles["col_4"].role == roles["col_5"].role == "date"
    # Without names beside them, dates are only dates.
    assert roles_of(table[["col_3", "col_5"]]) == {"col_3": "date", "col_5": "date"}


def test_dates_written_with_month_names_are_dates_in_any_language():
    n = 60
    months = ("März", "mars", "marzo", "March")
    table = pd.DataFrame({
        "col_1": [f"{1 + k % 28}. {months[k % 4]} {2000 + k % 20}" for k in range(n)],
        "filed": [f"{1 + k % 28} de marzo de {1990 + k % 20}" for k in range(n)],
        "col_3": [f"room {k} of march hall" for k in range(n)],  # words and digits, no date
    })
    roles = roles_of(table)
    assert roles["col_1"] == roles["filed"] == "date"
    assert roles["col_3"] != "date"


def test_countries_states_and_postcodes_are_read_from_their_values():
    n = 40
    table = pd.DataFrame({
        "col_1": [f"{10 + k} Main Street" for k in range(n)],
        "col_2": ["60640", "60623", "94105", "10115"] * (n // 4),
        "col_3": ["CA", "NY", "TX", "WA", "IL"] * (n // 5),
        "col_4": ["US", "JP", "DE", "Deutschland", "France"] * (n // 5),
    })
    roles = roles_of(table)
    assert roles == {"col_1": "address", "col_2": "postcode", "col_3": "state",
                     "col_4": "country"}
    # Repeating five-digit numbers with no street beside them are no postcodes.
    assert roles_of(table[["col_2"]])["col_2"] != "postcode"
    # A yes/no flag of mostly "No" is no column of Norways.
    flags = pd.DataFrame({"col_5": ["No"] * 38 + ["Yes"] * 2})
    assert roles_of(flags)["col_5"] != "country"


def test_fifteen_digits_in_four_groups_are_an_account_not_a_phone():
    n = 30
    table = pd.DataFrame({
        "col_1": [f"{8581 + k}-4703-5433-{k:03d}" for k in range(n)],
        "col_2": [f"(312) 555-{1000 + k}" for k in range(n)],
    })
    roles = roles_of(table)
    assert roles["col_2"] == "phone"
    assert roles["col_1"] != "phone"


def test_a_place_word_outweighs_an_origin_word_in_one_header():
    from unifyprofile.sources._infer import _name_hint

    assert _name_hint("pais_origen")[0] == "country"  # Spanish: the head comes first
    assert _name_hint("herkunftsland")[0] == "country"
    assert _name_hint("source_system")[0] == "source"
    table = pd.DataFrame({"pais_origen": ["US", "JP", "DE", "FR", "ES"] * 6})
    assert roles_of(table) == {"pais_origen": "country"}


def test_a_given_name_header_over_full_names_with_unknown_surnames_is_a_full_name():
    surnames = ["Koyama", "Forssmed", "Nakadai", "Wajda", "Kurosawa", "Takeuchi",
                "Oyelowo", "Hashimoto", "Fukuyama", "Yoshizawa"] * 4
    table = pd.DataFrame({"nombre": [f"{g.split()[0]} {s}" for g, s in
                                     zip(WORLD_GIVEN, surnames, strict=True)]})
    assert roles_of(table) == {"nombre": "full_name"}


def test_a_person_header_over_one_code_per_row_is_an_identifier():
    # "customer_iban": "customer" says a person, the values say account codes; titles
    # and product names under a person header stay text.
    n = 60
    table = pd.DataFrame({
        "customer_iban": [f"DE{10 + k % 89}{37040044 + k * 7919:08d}{532013000 + k:010d}"
                          for k in range(n)],
        "customer": [f"{g.title()} {s.title()}" for g, s in zip(GIVEN, SURNAMES, strict=True)],
        "customer_note": [f"order {k} of the blue chair model {k % 7}" for k in range(n)],
    })
    assert roles_of(table) == {"customer_iban": "identifier", "customer": "full_name",
                               "customer_note": "text"}


def test_codes_written_in_groups_are_identifiers_and_postcodes_are_not():
    n = 50
    table = pd.DataFrame({
        "konto": [f"DE{10 + k} 3704 0044 0532 {k:04d} 00" for k in range(n)],
        "documento": [f"{80 + k}.226.902-G" for k in range(n)],
        "plz": [f"{3500 + k} GP" for k in range(n)],
    })
    roles = roles_of(table)
    assert roles["konto"] == roles["documento"] == "identifier"
    assert roles["plz"] == "postcode"


def test_prices_with_points_apostrophes_or_currency_words_for_thousands_are_amounts():
    n = 40
    prices = ["1.299,00 €", "EUR 12,50", "CHF 1'299.50", "895,83 €", "1 737,99 €",
              "12.50 EUR", "$1,299.00", "USD 7.99"]
    table = pd.DataFrame({"Preis": [prices[k % len(prices)].replace("99", f"{10 + k}")
                                    for k in range(n)]})
    assert roles_of(table)["Preis"] == "amount"


def test_date_parts_each_missing_now_and_then_still_join():
    # Each part missing in about one row in twenty-five, never in the same rows.
    n = len(GIVEN)
    table = pd.DataFrame({
        "fornavn": GIVEN, "etternavn": SURNAMES,
        "fodt_aar": [None if k in (3, 17) else str(1930 + k % 60) for k in range(n)],
        "fodt_mnd": [None if k in (7, 40, 51) else f"{1 + k % 12:02d}"
                     for k in range(n)],
        "fodt_dag": [None if k in (22, 33) else str(1 + (k * 11) % 28) for k in range(n)],
    })
    roles = roles_of(table)
    assert {roles["fodt_aar"], roles["fodt_mnd"], roles["fodt_dag"]} == {"dob"}


def test_a_birth_name_or_place_is_read_by_its_values_not_as_a_birth_date():
    # "naissance" says birth; values without digits are no date, so what they are is
    # read from them: a birth surname, a birthplace.
    n = len(GIVEN)
    table = pd.DataFrame({
        "prenom": GIVEN, "nom_naissance": SURNAMES,
        "date_naiss": [f"19{30 + k % 60}-{1 + k % 12:02d}-{1 + k % 28:02d}" for k in range(n)],
        "commune_naiss": ["Lyon", "Nantes", "Lille", "Brest", "Metz", "Nice"] * (n // 6),
    })
    roles = roles_of(table)
    assert roles["nom_naissance"] == "last_name"
    assert roles["date_naiss"] == "dob"
    assert roles["commune_naiss"] not in ("dob", "ignore")


def test_a_given_name_column_of_several_given_names_is_no_full_name():
    # "prenoms": all of a person's given names, in any number; not a name and surname.
    n = len(GIVEN)
    table = pd.DataFrame({
        "prenoms": [" ".join(GIVEN[(k + j) % n] for j in range(1 + k % 3)) for k in range(n)],
        "nom": SURNAMES,
    })
    assert roles_of(table)["prenoms"] == "first_name"
    # A given name and a surname under the same header are a full name.
    table = table.assign(prenoms=[f"{g} {s}" for g, s in zip(GIVEN, SURNAMES, strict=True)])
    assert roles_of(table)["prenoms"] == "full_name"
