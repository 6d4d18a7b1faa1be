"""Text one system wrote as UTF-8 and another read as Windows-1252 or Latin-1 ("MÃ¼ller")
standardises as the text that was written."""

import pandas as pd
import pytest

import unifyprofile as up
from unifyprofile.score import DeterministicRule
from unifyprofile.standardise import (
    ascii_fold,
    repair_mojibake,
    standardise_address,
    standardise_city,
    standardise_name,
)

CLEAN = ["Müller", "José García", "Zürich", "Ångström", "Москва", "Björk Guðmundsdóttir",
         "Straße 5", "Trần Văn", "Émilie"]


def _double_encoded(text: str) -> str:
    data = text.encode("utf-8")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


@pytest.mark.parametrize("clean", CLEAN)
def test_double_encoded_text_is_read_as_written(clean):
    garbled = _double_encoded(clean)
    assert garbled != clean
    assert repair_mojibake(garbled) == clean
    assert ascii_fold(garbled) == ascii_fold(clean)


@pytest.mark.parametrize("text", [*CLEAN, "naïve façade", "plain ascii", "Ä Ö Ü ß",
                                  "Ã alone"])
def test_text_that_is_not_double_encoded_is_left_alone(text):
    assert repair_mojibake(text) == text


def test_standardisers_read_double_encoded_values_as_written():
    names = pd.Series(["Müller", _double_encoded("Müller")])
    assert standardise_name(names)["std"].nunique() == 1
    cities = pd.Series(["Zürich", _double_encoded("Zürich")])
    assert standardise_city(cities).nunique() == 1
    addresses = pd.Series(["Hauptstraße 5", _double_encoded("Hauptstraße 5")])
    assert standardise_address(addresses).nunique() == 1


def test_a_source_read_with_the_wrong_encoding_still_links():
    people = [("José", "García", "1980-03-12"), ("Jürgen", "Müller", "1975-11-02"),
              ("Zoë", "Ångström", "1990-01-30"), ("Łukasz", "Żółć", "1985-06-15")]
    crm = pd.DataFrame([(f"c{k}", *p) for k, p in enumerate(people)],
                       columns=["id", "first_name", "last_name", "dob"])
    shop = crm.assign(id=[f"s{k}" for k in range(len(people))],
                      first_name=crm["first_name"].map(_double_encoded),
                      last_name=crm["last_name"].map(_double_encoded))
    columns = {"first_name": "first_name", "last_name": "last_name", "dob": "dob"}
    config = up.Config(
        sources=(up.Source("crm", data=crm, id_column="id", columns=columns),
                 up.Source("shop", data=shop, id_column="id", columns=columns)),
        rules=(DeterministicRule.from_config(
            {"name": "person", "keys": ["first_name", "last_name", "dob"]}),),
        blocking=(up.BlockingRule.parse(["dob"]),), seed=1)
    result = up.Resolver(config).run()
    entities = result.clusters.groupby("entity_id")["record_id"].apply(sorted)
    assert sorted(map(tuple, entities)) == [(f"crm:c{k}", f"shop:s{k}")
                                            for k in range(len(people))]
