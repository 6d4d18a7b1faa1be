"""A small run with planted duplicates and its truth, shared by the report's tests."""

from __future__ import annotations

import pandas as pd
import pytest

import unifyprofile as up

FIRST = ["Ann", "Bo", "Cy", "Dee", "Eve", "Fay", "Gus", "Hal", "Ida", "Jo", "Kim", "Lu"]
LAST = ["Okafor", "Nguyen", "Rossi", "Kowalski", "Tatum", "Vance"]
CITIES = ["Leeds", "York", "Bath"]


def _people() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, truth = [], []
    for k in range(24):
        first, last = FIRST[k % len(FIRST)], LAST[k % len(LAST)]
        person = f"P{k:02d}"
        email = f"{first.lower()}.{last.lower()}{k}@mail.test"
        copies = 1 + (k % 3 == 0) + (k % 6 == 0)
        for c in range(copies):
            rid = f"{k}-{c}"
            rows.append({"id": rid, "first": first if c != 1 else first.upper(),
                         "last": last, "email": email if c != 2 else "",
                         "city": CITIES[k % 3], "dob": f"19{60 + k}-0{1 + k % 9}-1{k % 9}"})
            truth.append({"record_id": f"crm:{rid}", "person_id": person})
    rows.append({"id": "bad", "first": "Zed", "last": "Zee", "email": "not-an-email",
                 "city": "Leeds", "dob": "1970-13-45"})
    truth.append({"record_id": "crm:bad", "person_id": "P99"})
    return pd.DataFrame(rows), pd.DataFrame(truth)


@pytest.fixture(scope="package")
def people() -> pd.DataFrame:
    return _people()[0]


@pytest.fixture(scope="package")
def truth() -> pd.Series:
    return _people()[1].set_index("record_id")["person_id"]


@pytest.fixture(scope="package")
def result(people: pd.DataFrame) -> up.Result:
    source = up.Source("crm", data=people, id_column="id",
                       columns={"first_name": "first", "last_name": "last",
                                "email": "email", "city": "city", "dob": "dob"})
    return up.Resolver(up.Config(sources=(source,))).run()
