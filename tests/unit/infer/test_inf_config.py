"""infer_config: a whole config from tables, and fit_blocking's pair budget."""

from __future__ import annotations

import pandas as pd

from unifyprofile.blocking import BlockingRule, TableKeys, block
from unifyprofile.compare import (
    ExactMatch,
    NameComparison,
    PhoneComparison,
    ReferenceComparison,
    TextComparison,
)
from unifyprofile.config import dump_config, parse_config
from unifyprofile.infer import DEDUP_THRESHOLD, KEEP_APART_BELOW, fit_blocking, infer_config
from unifyprofile.resolver import Resolver

LEFT = pd.DataFrame({
    "record_id": ["a1", "a2", "a3", "a4"],
    "name": ["Sony Bravia KDL-40V3000 40' LCD HDTV", "Canon EOS 400D Digital SLR Camera",
             "Bose Acoustimass 5 Series III Speaker System", "Linksys EZXS88W Switch"],
    "notes": [None, None, None, "only here"],
})
RIGHT = pd.DataFrame({
    "record_id": ["b1", "b2", "b3"],
    "name": ["Sony KDL40V3000 LCD TV", "Canon EOS-400D SLR", "Linksys EtherFast EZXS88W"],
    "notes": [None, None, None],
})


def test_link_config_for_product_names():
    config, roles = infer_config({"left": LEFT, "right": RIGHT}, link=True)
    assert roles["name"].role == "text"
    assert config.link_type == "link_only"
    assert config.threshold == 1 / 4
    assert TextComparison("name") in config.comparisons
    assert BlockingRule.parse(["name:rare3"]) in config.blocking
    # A column filled in one record of seven is not compared.
    assert all(c.field != "notes" for c in config.comparisons)
    assert all(s.unique_per_person for s in config.sources)


def test_dedup_config_for_people_uses_person_presets():
    people = pd.DataFrame({
        "record_id": [str(k) for k in range(6)],
        "forename": ["Ann", "Anne", "Bob", "Robert", "Cy", "Di"],
        "family_name": ["Lee", "Lee", "Smith", "Smith", "Ng", "Ng"],
        "born": ["1980-01-02", "1980-01-02", "1975-05-05", "1975-05-05", "1990-09-09",
                 "1991-09-09"],
    })
    config, roles = infer_config({"records": people})
    assert {c: r.role for c, r in roles.items()} == {
        "forename": "first_name", "family_name": "last_name", "born": "dob"}
    assert config.threshold == DEDUP_THRESHOLD
    assert config.guards.keep_apart_below == KEEP_APART_BELOW
    assert config.guards.max_cluster_size >= len(people)
    assert any(isinstance(c, NameComparison) and c.field == "first_name"
               for c in config.comparisons)
    records, _, _, _ = Resolver(config).prepare()
    fitted, notes = fit_blocking(config, records, budget=10)
    assert len(fitted.blocking) >= len(config.blocking)
    assert notes[-1].startswith("estimated candidate pairs before comparing")
    assert any("left out" in n for n in notes) or len(fitted.blocking) > len(config.blocking)


def test_inferred_config_dumps_and_parses_back():
    config, _ = infer_config({"left": LEFT, "right": RIGHT}, link=True,
                             paths={"left": "left.csv", "right": "right.csv"})
    again = parse_config(__import__("tomllib").loads(dump_config(config)))
    assert again.comparisons == config.comparisons
    assert again.blocking == config.blocking
    assert again.threshold == config.threshold
    assert [s.columns for s in again.sources] == [s.columns for s in config.sources]


def test_identifier_columns_are_compared_exactly():
    table = pd.DataFrame({"record_id": [str(k) for k in range(40)],
                          "sku": [f"AB-{k % 20:04d}" for k in range(40)],
                          "title": [f"widget model {k % 20} deluxe edition" for k in range(40)]})
    config, roles = infer_config({"records": table})
    assert roles["sku"].role == "identifier"
    assert ExactMatch("sku", codes=True) in config.comparisons
    assert BlockingRule.parse(["sku"]) in config.blocking
    assert "sku" in config.id_fields


def test_codes_agree_however_they_are_written():
    # A national id typed with and without separators, in either case, is one value
    # to compare and to block on.
    import unifyprofile as up

    table = pd.DataFrame({"id": ["1", "2", "3"],
                          "documento": ["80.226.902-G", "80226902g", "80226902 H"]})
    config = up.Config(
        sources=(up.Source("register", data=table, id_column="id",
                           columns={"documento": "documento"}),),
        blocking=(BlockingRule.parse(["documento"]),),
        comparisons=(ExactMatch("documento", codes=True),))
    records, *_ = up.Resolver(config).prepare()
    assert records["documento_std"].tolist() == ["80226902G", "80226902G", "80226902H"]
    assert ExactMatch("documento").to_config() == {"type": "exact", "field": "documento"}
    assert ExactMatch("documento", codes=True).to_config()["codes"] is True


def test_a_second_phone_column_is_compared_as_a_phone():
    table = pd.DataFrame({
        "record_id": [str(k) for k in range(40)],
        "name": [f"{first} {last}" for first in ("Ann", "Bob", "Carl", "Dora")
                 for last in ("Smith", "Jones", "Brown", "Lee", "Wong", "Diaz", "Kim",
                              "Novak", "Rossi", "Meyer")],
        "mobile": [f"+1 312 555 {k:04d}" for k in range(40)],
        "landline": [f"(312) 555-{k % 20:04d}" if k < 20 else f"312555{k % 20:04d}"
                     for k in range(40)]})
    config, roles = infer_config({"records": table})
    assert {roles["mobile"].role, roles["landline"].role} == {"phone", "other_phone"}
    others = [c for c in config.comparisons
              if isinstance(c, PhoneComparison) and c.field != "phone"]
    assert len(others) == 1
    other = others[0]
    assert config.phone_fields == (other.field,)
    assert other.field in config.guards.hub_fields
    # However punctuated, one number: the comparison sees the same standardised phone.
    result = Resolver(config).run()
    pairs = result.pairs
    same = pairs[other.name] == len(other.level_names) - 1
    assert same.sum() > 0


def test_differently_named_columns_of_the_same_kind_are_aligned_across_tables():
    left = pd.DataFrame({"record_id": ["a1", "a2", "a3"],
                         "product_title": ["Sony Bravia KDL-40V3000 LCD TV",
                                           "Canon EOS 400D camera body",
                                           "Linksys EZXS88W ethernet switch"]})
    right = pd.DataFrame({"record_id": ["b1", "b2"],
                          "description": ["sony kdl40v3000 40 inch lcd",
                                          "canon eos-400d digital slr"]})
    config, _ = infer_config({"left": left, "right": right}, link=True)
    texts = [c for c in config.comparisons if isinstance(c, TextComparison)]
    assert len(texts) == 1
    by_source = {s.name: dict(s.columns) for s in config.sources}
    assert by_source["left"][texts[0].field] == "product_title"
    assert by_source["right"][texts[0].field] == "description"


def test_deduplicating_several_exports_compares_a_field_only_some_hold():
    """A birth date only the CRM holds still tells the CRM's own duplicates apart; a
    link compares only what both tables hold."""
    crm = pd.DataFrame({"crm_id": ["c1", "c2", "c3"],
                        "first_name": ["Ann", "Bob", "Ann"],
                        "last_name": ["Smith", "Jones", "Smith"],
                        "email": ["ann@x.org", "bob@y.org", "ann.s@z.org"],
                        "birth_date": ["1980-01-02", "1975-03-04", "1991-05-06"]})
    shop = pd.DataFrame({"customer_id": ["s1", "s2"],
                         "first_name": ["Ann", "Bob"], "last_name": ["Smith", "Jones"],
                         "email": ["ann@x.org", "bob@y.org"]})
    ids = {"crm": "crm_id", "shop": "customer_id"}
    config, _ = infer_config({"crm": crm, "shop": shop}, id_column=ids)
    assert "dob" in {c.field for c in config.comparisons}
    assert {s.name: s.id_column for s in config.sources} == ids
    linked, _ = infer_config({"crm": crm, "shop": shop}, id_column=ids, link=True)
    assert "dob" not in {c.field for c in linked.comparisons}


def test_amounts_and_dates_are_compared_as_such():
    left = pd.DataFrame({"record_id": ["a1", "a2"], "amount": ["$1,299.00", "$15.00"],
                         "booked": ["2023-01-05", "2023-02-11"],
                         "payer": ["Ann Smith", "Bob Jones"]})
    right = pd.DataFrame({"record_id": ["b1", "b2"], "amount": ["1299", "15"],
                          "booked": ["2023-01-06", "2023-02-11"],
                          "payer": ["ANN SMITH", "Bob Jones"]})
    config, roles = infer_config({"left": left, "right": right}, link=True)
    assert roles["amount"].role == "amount" and roles["booked"].role == "date"
    types = {c.field: c.type_name for c in config.comparisons}
    assert types["amount"] == "numeric"
    assert types["booked"] == "date"
    # An amount on a day is a transaction: the same amount however written blocks.
    assert BlockingRule.parse(["amount:number"]) in config.blocking


def test_payments_in_two_ledgers_link_by_amount_with_days_and_memos_apart():
    """Amounts written two ways, value dates a day or two after booking dates in another
    format, memos that share no word: only the amount brings them together."""
    merchants = ["Delta Air Lines", "Costco Wholesale", "Shell Oil", "Netflix",
                 "Home Depot", "Uber Trip", "Spotify", "Whole Foods"]
    n = 40
    left = pd.DataFrame({
        "record_id": [f"a{k}" for k in range(n)],
        "amount": [f"{10 + k * 7.31:.2f}" for k in range(n)],
        "booked": [f"2023-{1 + k % 12:02d}-{1 + k % 27:02d}" for k in range(n)],
        "memo": [f"CARD {merchants[k % 8].upper()} #{100000 + k}" for k in range(n)]})
    right = pd.DataFrame({
        "record_id": [f"b{k}" for k in range(n)],
        "value": [f"${10 + k * 7.31:,.2f}" for k in range(n)],
        "value_date": [f"{2 + k % 27:02d}/{1 + k % 12:02d}/2023" for k in range(n)],
        "text": [f"Payment ref {900000 + k}" for k in range(n)]})
    config, _ = infer_config({"left": left, "right": right}, link=True)
    result = Resolver(config).run()
    pairs = {(a.split(":")[1], b.split(":")[1]) for a, b in
             result.links[["record_id_l", "record_id_r"]].itertuples(index=False)}
    assert pairs == {(f"a{k}", f"b{k}") for k in range(n)}


def test_coordinates_beside_a_date_are_no_money_and_block_nothing():
    n = 30
    table = pd.DataFrame({
        "record_id": [str(k) for k in range(n)],
        "lat": [f"{40 + k / 7:.4f}" for k in range(n)],
        "booked": [f"2023-01-{1 + k % 28:02d}" for k in range(n)],
        "title": [f"Report number {k} on the harbour" for k in range(n)]})
    config, roles = infer_config({"records": table})
    assert roles["lat"].role == "amount"
    assert all("lat" not in str(rule) for rule in config.blocking)


def test_a_catalogue_price_blocks_nothing():
    # Shops price the same product differently; a price without a date is no event.
    config, _ = infer_config({"left": LEFT.assign(price=["$10", "$20", "$30", "$40"]),
                              "right": RIGHT.assign(price=["10", "21", "30"])}, link=True)
    assert all("price" not in str(rule) for rule in config.blocking)


def test_a_rule_over_the_pair_limit_is_tightened_never_failed():
    import dataclasses

    n = 400
    people = pd.DataFrame({
        "record_id": [str(k) for k in range(n)],
        "first": ["Johann", "Maria"] * (n // 2),
        "last": ["Schmidt", "Mueller"] * (n // 2),
        "born": [f"{1800 + k % 90}-0{1 + k % 9}-1{k % 10}" for k in range(n)],
    })
    config, _ = infer_config({"records": people})
    config = dataclasses.replace(config, max_pairs_per_rule=2_000)
    records, _, _, _ = Resolver(config).prepare()
    fitted, notes = fit_blocking(config, records)
    assert any("tightened" in note or "dropped" in note for note in notes)
    result = Resolver(fitted).resolve(records)  # no BlockingError
    assert len(result.clusters) == n


def test_a_loose_rule_making_pairs_as_the_square_of_the_records_is_left_out(monkeypatch):
    from unifyprofile import infer

    monkeypatch.setattr(infer, "MIN_PAIR_BUDGET", 100)  # the floor, scaled down
    n = 300

    def people(dates: int) -> pd.DataFrame:
        return pd.DataFrame({
            "record_id": [str(k) for k in range(n)],
            "given": [f"Given{k}" for k in range(n)],
            "surname": [f"Surname{k}" for k in range(n)],
            "born": [f"19{50 + k % dates}-01-01" for k in range(n)],
        })

    def fitted_rules(dates: int) -> tuple[list[str], list[str]]:
        config, _ = infer_config({"records": people(dates)})
        records, _, _, _ = Resolver(config).prepare()
        fitted, notes = fit_blocking(config, records)
        return [r.name for r in fitted.blocking], notes

    # 30 birth dates: 30 blocks of 10, 1,350 pairs, more than 2 per record (600) though
    # well within the budget of 40 per record.
    rules, notes = fitted_rules(30)
    assert "dob" not in rules
    assert ("blocking rule 'dob' left out: 1,350 pairs, more than a looser rule may make "
            "(600: 2 per record, at least 100)") in notes
    # 150 birth dates: 150 pairs, kept.
    rules, _ = fitted_rules(150)
    assert "dob" in rules


def test_a_veto_is_lifted_when_the_data_shows_names_replaced():
    from unifyprofile.infer import fit_guards

    n = 120
    people = pd.DataFrame({
        "record_id": [str(k) for k in range(2 * n)],
        "given": [["Anna", "Ben", "Carl", "Dora", "Emil", "Fritz", "Gerd"][k % 7]
                  for k in range(2 * n)],
        "surname": [f"Name{k % n}" for k in range(2 * n)],
        "ssn": [f"{1000000 + k % n}" for k in range(2 * n)],
    })
    config, _ = infer_config({"records": people})
    assert config.guards.veto == ("first_name",)
    records, _, _, _ = Resolver(config).prepare()
    fitted, notes = fit_guards(config, records)
    # Records sharing a national id have other first names: the veto goes.
    assert fitted.guards.veto == ()
    assert any("lifted" in note for note in notes)


def test_an_unnamed_identifier_witnesses_only_when_its_holders_share_a_birth_date():
    from unifyprofile.infer import fit_guards

    n = 120
    given = ["Anna", "Ben", "Carl", "Dora", "Emil", "Fritz", "Gerd", "Hans", "Ida", "Jan",
             "Karl", "Lena", "Max", "Nina", "Otto", "Paul", "Rita", "Sara", "Tom", "Uwe"]
    people = pd.DataFrame({
        "record_id": [str(k) for k in range(2 * n)],
        "c1": [given[(k % n) % 20] for k in range(2 * n)],
        "c2": [f"Name{k % n}" for k in range(2 * n)],
        # One person per number: both records share the birth date.
        "c3": [f"19{50 + (k % n) % 40}-0{1 + (k % n) % 9}-1{(k % n) % 10}"
               for k in range(2 * n)],
        "c4": [f"{5000000 + k % n}" for k in range(2 * n)],
        # A household number: two people, two birth dates.
        "c5": [f"{7000000 + k % n}" for k in range(2 * n)],
    })
    people.loc[:n - 1, "c5"] = [f"{7000000 + k}" for k in range(n)]
    people.loc[n:, "c5"] = [f"{7000000 + (k + 1) % n}" for k in range(n)]
    config, _ = infer_config({"records": people})
    assert {"c_4", "c_5"} <= set(config.guards.veto_unless)
    records, _, _, _ = Resolver(config).prepare()
    fitted, notes = fit_guards(config, records)
    assert "c_4" in fitted.guards.veto_unless
    assert "c_5" not in fitted.guards.veto_unless
    assert any("'c_5' is no personal identifier" in note for note in notes)


def test_aliases_are_learned_from_records_that_agree_on_an_email_and_a_birth_date():
    from unifyprofile.infer import fit_aliases

    rows = []
    surnames = ["Nowak", "Wojcik", "Lewandowski", "Kaminski", "Zielinski", "Szymanski",
                "Wozniak", "Dabrowski", "Kozlowski", "Jankowski", "Mazur", "Krawczyk",
                "Piotrowski", "Grabowski", "Pawlowski", "Michalski", "Adamczyk", "Dudek",
                "Zajac", "Wieczorek", "Jablonski", "Krol", "Majewski", "Olszewski",
                "Jaworski", "Wrobel", "Malinowski", "Pawlak", "Witkowski", "Walczak",
                "Stepien", "Gorski", "Rutkowski", "Michalak", "Sikora", "Ostrowski", "Baran",
                "Duda", "Szewczyk", "Tomaszewski"]

    def person(k, first, other, last, *, other_last=None, phone=False):
        email, dob = f"osoba{k}@poczta.pl", f"19{50 + k % 40}-0{1 + k % 9}-1{k % 10}"
        for n, (given, surname) in enumerate(((first, last), (other, other_last or last))):
            rows.append({"record_id": f"{k}-{n}", "first_name": given, "last_name": surname,
                         "email": email, "dob": "" if phone else dob,
                         "phone": f"+4420794600{k:02d}" if phone else ""})

    for k in range(4):  # one woman, two names, again and again
        person(k, "Katarzyna", "Kasia", surnames[k])
    for k in range(4, 6):  # twice only: not enough
        person(k, "Aleksandra", "Ola", surnames[k])
    for k in range(6, 10):  # a couple on one mailbox and one phone: two people
        person(k, "John", "Mary", surnames[k], phone=True)
    for k in range(10, 14):  # first and last name swapped: no alias
        person(k, "Jan", surnames[k], surnames[k], other_last="Jan")
    for k in range(14, 40):  # namesakes, one record each
        rows.append({"record_id": f"{k}", "first_name": "Anna", "last_name": surnames[k],
                     "email": f"zur{k}@poczta.pl", "dob": "", "phone": ""})
    config, _ = infer_config({"records": pd.DataFrame(rows)})
    records, _, _, _ = Resolver(config).prepare()
    fitted, notes = fit_aliases(config, records)
    first = next(c for c in fitted.comparisons if c.field == "first_name")
    assert first.aliases == (("kasia", "katarzyna"),)
    assert notes == ["first-name aliases learned: 1, pairs of given names that records of "
                     "one person (same e-mail and birth date, ...) hold again and again, "
                     "e.g. kasia = katarzyna"]
    # Fitted once: the config's aliases stand.
    assert fit_aliases(fitted, records) == (fitted, [])


def test_blocking_reuses_the_keys_that_fitting_the_blocking_derived():
    people = pd.DataFrame({
        "record_id": [str(k) for k in range(12)],
        "first_name": ["Ann", "Anne", "Bob", "Robert", "Carl", "Karl"] * 2,
        "last_name": ["Lee", "Lee", "Diaz", "Diaz", "Kim", "Kim"] * 2,
        "email": [f"p{k % 6}@example.org" for k in range(12)],
    })
    config, _ = infer_config({"records": people})
    records, _, _, _ = Resolver(config).prepare()
    keys = TableKeys(records)
    fitted, _ = fit_blocking(config, records, keys=keys)
    derived = dict(keys._codes)  # noqa: SLF001 - what fitting derived
    assert derived
    shared = block(records, fitted.blocking, keys=keys)
    alone = block(records, fitted.blocking)
    assert (shared.i.tolist(), shared.j.tolist()) == (alone.i.tolist(), alone.j.tolist())
    # Blocking used the very arrays fitting derived, not new ones.
    assert all(keys._codes[k] is codes for k, codes in derived.items())  # noqa: SLF001
    result = Resolver(fitted).resolve(records, keys=keys)
    assert not keys._codes and not keys._lists  # noqa: SLF001 - released after blocking
    assert result.clusters["entity_id"].nunique() == Resolver(fitted).resolve(
        records).clusters["entity_id"].nunique()


def test_a_text_that_names_the_other_tables_codes_is_compared_with_them():
    # A bank statement's purpose names the invoice it pays; the two tables' account
    # numbers are one field, and the invoice number never meets the account number.
    n = 40
    statement = pd.DataFrame({
        "record_id": [f"b{k}" for k in range(n)],
        "purpose": [f"RE 2024-{k:04d} VIELEN DANK" if k % 3 else f"MIETE {k} UND NEBENKOSTEN"
                    for k in range(n)],
        "account": [f"DE{k:02d} 1001 0010 0{k:03d}" for k in range(n)],
    })
    invoices = pd.DataFrame({
        "record_id": [f"i{k}" for k in range(n)],
        "invoice_no": [f"2024-{k:04d}" for k in range(n)],
        "payer_account": [f"DE{k:02d}100100100{k:03d}" for k in range(n)],
    })
    config, roles = infer_config({"left": statement, "right": invoices}, link=True)
    assert roles["account"].role == roles["payer_account"].role == "identifier"
    columns = [dict(s.columns) for s in config.sources]
    account = next(f for f, c in columns[0].items() if c == "account")
    purpose = next(f for f, c in columns[0].items() if c == "purpose")
    assert columns[1][account] == "payer_account"
    assert ExactMatch(account, codes=True) in config.comparisons
    assert columns[1][purpose] == "invoice_no"
    assert ReferenceComparison(purpose) in config.comparisons
    assert BlockingRule.parse([f"{purpose}:rare3"]) in config.blocking


def test_codes_that_never_meet_are_not_one_field():
    n = 40
    left = pd.DataFrame({"record_id": [f"l{k}" for k in range(n)],
                         "title": [f"blue chair model {k}" for k in range(n)],
                         "sku": [f"AB-{k:04d}" for k in range(n)]})
    right = pd.DataFrame({"record_id": [f"r{k}" for k in range(n)],
                          "name": [f"blue chair model {k}" for k in range(n)],
                          "order_no": [f"{900000 + k}" for k in range(n)]})
    config, _ = infer_config({"left": left, "right": right}, link=True)
    assert not any(c.field in ("sku", "order_no") for c in config.comparisons)


def test_columns_are_paired_when_each_is_the_others_clearly_best_match():
    # A German and a French shop: titles share model codes and brands but not half
    # their words; the EAN is filled in a third of the rows on each side; each shop's own
    # article number never meets the other's.
    n = 90
    de = pd.DataFrame({
        "record_id": [f"d{k}" for k in range(n)],
        "Bezeichnung": [f"Marke{k % 7} KX-{1000 + k} Waschmaschine weiss" for k in range(n)],
        "EAN": [f"40{k:011d}" if k % 3 == 0 else None for k in range(n)],
        "Artikelnummer": [f"DE-{500000 + k}" for k in range(n)],
    })
    fr = pd.DataFrame({
        "record_id": [f"f{k}" for k in range(n)],
        "libellé": [f"Lave-linge Marke{k % 7} KX{1000 + k} blanc" for k in range(n)],
        "ean13": [f"40{k:011d}" if k % 3 == 1 or k % 9 == 0 else None for k in range(n)],
        "réf_interne": [f"{90000000 + 7 * k}" for k in range(n)],
    })
    config, _ = infer_config({"de": de, "fr": fr}, link=True)
    columns = [dict(s.columns) for s in config.sources]
    pairs = {column: columns[1][field] for field, column in columns[0].items()
             if field in columns[1]}
    assert pairs == {"Bezeichnung": "libellé", "EAN": "ean13"}


def test_a_person_field_becomes_a_veto_only_where_names_tell_people_apart():
    import dataclasses

    from unifyprofile.infer import fit_vetoes

    surnames = ["Adler", "Brook", "Cole", "Dunn", "Ellis", "Frost", "Grant", "Hale", "Irwin",
                "Joyce"]
    people = pd.DataFrame([
        (f"{k}-{r}", ["Ada", "Ben", "Cleo", "Dev"][k % 4], surnames[k // 4], f"p{k}@mail.com",
         f"+1 415 555 {1000 + k}") for k in range(40) for r in range(2)]
        # Six households: two people with a family mailbox and a mobile each.
        + [(f"h{k}-{r}", ["Eve", "Finn"][r], f"House{'abcdef'[k]}", f"home{k}@mail.com",
            ["+1 212 555 ", "+1 646 873 "][r] + f"{2000 + 111 * k}") for k in range(6)
           for r in range(2)],
        columns=["record_id", "first_name", "last_name", "email", "phone"])
    config, _ = infer_config({"records": people})
    records, _, _, _ = Resolver(config).prepare()
    fitted, notes = fit_vetoes(config, records)
    # Forty people, each with one phone on both records: two phones are two people.
    # The households' pairs are no witnesses (two first names), or 13 % would differ.
    assert fitted.guards.veto == ("first_name", "phone")
    assert notes == ["veto on 'phone': 0.0% of 40 pairs that share a contact and a full "
                     "name hold two values, so two values are two people"]
    # Where first names are not to be trusted (the veto was lifted), names witness nothing.
    lifted = dataclasses.replace(config, guards=dataclasses.replace(config.guards, veto=()))
    assert fit_vetoes(lifted, records) == (lifted, [])


def test_records_of_organisations_take_their_contacts_names_as_evidence_not_a_veto():
    n = 60
    firms = [f"{['Zobel', 'Kort', 'Spruit', 'Huel'][k % 4]} Bau {k} GmbH" for k in range(n)]
    people = [f"{['Theo', 'Ivy', 'Hans', 'Nina'][k % 4]} {['Ladeck', 'Loon', 'Sager'][k % 3]}"
              for k in range(n)]
    accounts = pd.DataFrame({"record_id": [f"a{k}" for k in range(n)], "Firma": firms,
                             "Telefon": [f"030 {1000 + k}" for k in range(n)],
                             "Kontakt": [p if k % 4 else None for k, p in enumerate(people)]})
    config, roles = infer_config({"accounts": accounts})
    assert roles["Firma"].role == "company" and roles["Kontakt"].role == "full_name"
    assert config.guards.veto == ()
    # People at companies, every one named: the people are the records.
    contacts = accounts.assign(Kontakt=people)
    config, _ = infer_config({"contacts": contacts})
    assert config.guards.veto == ("first_name",)
