"""benchmarks/_perturb.py: metamorphic perturbations keep the information, change the shape."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import _perturb as P  # noqa: E402

PEOPLE = pd.DataFrame({
    "record_id": [f"r{i}" for i in range(12)],
    "given_name": ["anna", "bob", "carl", "dora", "emil", "fay", "gus", "hal", "ida", "jon",
                   "kim", "lea"],
    "surname": ["smith", "jones", "o'brien", "van", "lee", "kay", "ng", "li", "wu", "day",
                "roe", "fox"],
    "date_of_birth": ["19850307", "19901231", "", "20010101", "19770615", "19630228",
                      "19991010", "19800101", "19700707", "19550505", "19880808", "19920229"],
    "postcode": ["2000"] * 12,
})


def _apply(name: str, tables: dict) -> tuple[dict, str]:
    result = P.PERTURBATIONS[name].apply(tables, random.Random(1))
    assert result is not None
    return result


def test_detection_reads_headers_and_values():
    assert P.name_columns(PEOPLE) == ("given_name", "surname", None)
    assert P.date_columns(PEOPLE) == {"date_of_birth": "compact"}
    products = pd.DataFrame({"record_id": list("abcdefghijkl"),
                             "name": [f"Sony TV KDL-{i}0 black" for i in range(12)]})
    assert P.name_columns(products) == (None, None, None)


def test_join_then_split_names_gives_the_names_back():
    joined, _ = _apply("join_names", {"records": PEOPLE})
    assert joined["records"]["full_name"].tolist()[:2] == ["anna smith", "bob jones"]
    assert "given_name" not in joined["records"]
    split, _ = _apply("split_names", joined)
    assert split["records"]["first_name"].tolist() == PEOPLE["given_name"].tolist()
    assert split["records"]["last_name"].tolist() == PEOPLE["surname"].tolist()


def test_dates_split_into_parts_and_joined_back_day_first():
    split, _ = _apply("split_dates", {"records": PEOPLE})
    table = split["records"]
    assert table.loc[0, ["date_of_birth_year", "date_of_birth_month",
                         "date_of_birth_day"]].tolist() == ["1985", "3", "7"]
    assert table.loc[2, "date_of_birth_year"] == ""
    joined, _ = _apply("join_dates", {"records": PEOPLE})
    assert joined["records"]["date_of_birth"].tolist()[:3] == ["7.3.1985", "31.12.1990", ""]
    parts = pd.DataFrame({"record_id": [str(i) for i in range(12)],
                          "by": ["1980"] * 12, "bm": [str(i % 12 + 1) for i in range(12)],
                          "bd": [str(i + 13) for i in range(12)]})
    assert P.part_triplets(parts) == [("by", "bm", "bd")]
    joined, detail = _apply("join_dates", {"records": parts})
    assert joined["records"]["by"].tolist()[:2] == ["1980-01-13", "1980-02-14"]


def test_renames_are_consistent_across_tables_and_keep_record_id():
    left, right = PEOPLE.iloc[:6], PEOPLE.iloc[6:][["record_id", "surname", "given_name"]]
    for name in ("abbreviated", "german", "french", "spanish", "opaque"):
        renamed, _ = _apply(name, {"left": left, "right": right})
        assert renamed["left"].columns[0] == "record_id"
        assert renamed["left"].to_numpy().tolist() == left.to_numpy().tolist()
        assert set(renamed["right"].columns) <= set(renamed["left"].columns)
    assert P.abbreviate("given_name") == "gvn_nm"
    assert P.translate("given_name", "german") == "vorname"
    assert P.translate("date_of_birth", "spanish") == "fecha_de_nacimiento"


def test_added_columns_and_shuffle_keep_every_original_value():
    for name in ("upper", "source_column", "placeholders", "shuffled", "identity", "combined"):
        changed, _ = _apply(name, {"records": PEOPLE})
        table = changed["records"]
        assert table["record_id"].tolist() == PEOPLE["record_id"].tolist()
        assert len(table) == len(PEOPLE)
    placeholders, _ = _apply("placeholders", {"records": PEOPLE})
    assert set(placeholders["records"]["comment"]) == {"N/A"}
    upper, _ = _apply("upper", {"records": PEOPLE})
    assert upper["records"]["given_name"][0] == "ANNA"


def test_mojibake_double_encodes_letters_beyond_ascii_in_some_rows():
    people = pd.DataFrame({"record_id": [str(k) for k in range(40)],
                           "surname": ["Müller", "Smith"] * 20})
    out, _ = _apply("mojibake", {"records": people})
    surnames = set(out["records"]["surname"])
    assert surnames == {"Müller", "MÃ¼ller", "Smith"}


def test_float_numbers_write_whole_numbers_as_floats_in_some_rows():
    out, detail = _apply("float_numbers", {"records": PEOPLE})
    written = out["records"]["date_of_birth"]
    assert written.str.endswith(".0").any() and not written.str.endswith(".0").all()
    assert "date_of_birth" in detail and "given_name" not in detail
    assert out["records"]["given_name"].equals(PEOPLE["given_name"])


def test_not_applicable_when_nothing_to_act_on():
    titles = pd.DataFrame({"record_id": ["1", "2"], "title": ["a", "b"]})
    assert P.PERTURBATIONS["mojibake"].apply({"records": titles}, random.Random(1)) is None
    assert P.PERTURBATIONS["float_numbers"].apply({"records": titles},
                                                  random.Random(1)) is None
    assert P.PERTURBATIONS["split_names"].apply({"records": titles}, random.Random(1)) is None
    assert P.PERTURBATIONS["join_dates"].apply({"records": titles}, random.Random(1)) is None


def test_month_names_write_the_same_dates_in_words():
    out, _ = _apply("month_names", {"records": PEOPLE})
    written = out["records"]["date_of_birth"].tolist()
    assert written[2] == ""
    assert written[0] in ("7. März 1985", "7 mars 1985", "7 de marzo de 1985")
    # The library reads each back as the date it was.
    from unifyprofile.standardise import standardise_date

    read = standardise_date(pd.Series(written))["std"].tolist()
    assert read[:2] == ["1985-03-07", "1990-12-31"]
    assert read[11] == "1992-02-29"
