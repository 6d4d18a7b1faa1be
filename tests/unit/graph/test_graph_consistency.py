"""Entities are consistent, not merely connected: pairs inside a component are checked."""

from __future__ import annotations

import numpy as np
import pandas as pd

from unifyprofile.graph import cluster, within_component_pairs
from unifyprofile.infer import fit_config, infer_config
from unifyprofile.resolver import Resolver


def _arr(values):
    return np.asarray(values, dtype=np.int64)


def test_within_component_pairs_are_the_unlinked_pairs_of_small_components():
    labels = _arr([0, 0, 0, 0, 1, 1, 2])
    a, b = within_component_pairs(labels, _arr([0, 1, 2, 4]), _arr([1, 2, 3, 5]),
                                  np.ones(4))
    assert sorted(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 2), (0, 3), (1, 3)]


def test_large_components_give_the_pairs_two_links_apart():
    # A chain of 100 records: only the pairs two links apart are asked about.
    n = 100
    i, j = _arr(range(n - 1)), _arr(range(1, n))
    a, b = within_component_pairs(np.zeros(n, dtype=np.int64), i, j, np.ones(n - 1),
                                  all_up_to=10)
    assert set(zip(a.tolist(), b.tolist(), strict=True)) == {(k, k + 2) for k in range(n - 2)}


def test_a_chain_whose_ends_are_told_apart_ends_as_two_entities():
    # A-B strongly linked, B-C weakly linked, A and C scored clearly apart (never compared
    # by blocking: only the check inside the component sees them).
    asked = []

    def separate(i, j):
        asked.extend(zip(i.tolist(), j.tolist(), strict=True))
        return (i == 0) & (j == 2)

    result = cluster(3, _arr([0, 1]), _arr([1, 2]), np.array([9.0, 2.0]), separate=separate)
    assert asked == [(0, 2)]
    assert result.labels.tolist() == [0, 0, 1]
    assert result.cut["reason"].str.startswith("kept apart").all()


def test_without_a_separator_the_chain_stays_connected():
    result = cluster(3, _arr([0, 1]), _arr([1, 2]), np.array([9.0, 2.0]))
    assert result.labels.tolist() == [0, 0, 0]


def _household() -> pd.DataFrame:
    """Two people of one household (surname, address, landline and mailbox shared),
    each with two records, and a stranger."""
    rows = [
        ("1", "Linda", "Williams", "1966-12-15", "504 Forest Ave", "60603", "Chicago",
         "williamsfamily@gmail.com", "(773) 259-2622"),
        ("2", "Linda", "Williams", "1966-12-15", "504 Forest Ave", "60603", "Chicago",
         "williamsfamily@gmail.com", "773-259-2622"),
        ("3", "Samuel", "Williams", "1964-02-03", "504 Forest Ave", "60603", "Chicago",
         "williamsfamily@gmail.com", "(773) 259-2622"),
        ("4", "Sam", "Williams", "1964-02-03", "504 Forest Avenue", "60603", "Chicago",
         "williamsfamily@gmail.com", "773 259 2622"),
        ("5", "Oscar", "Moore", "1990-07-01", "12 Elm St", "60614", "Chicago",
         "oscar.moore@yahoo.com", "(312) 555-0199"),
    ]
    rows += [(str(10 + k), first, last, f"19{50 + k % 40}-0{1 + k % 9}-1{k % 10}",
              f"{k} Main St", f"606{k % 90:02d}", "Chicago", f"{first}.{last}{k}@mail.com",
              f"(312) 555-{1000 + k}")
             for k, (first, last) in enumerate(
                 [(f, s) for f in ("Ann", "Bob", "Cy", "Di", "Ed", "Flo")
                  for s in ("Adams", "Baker", "Clark", "Davis", "Evans")])]
    return pd.DataFrame(rows, columns=["record_id", "first", "surname", "born", "street",
                                       "zip", "city", "email", "phone"])


def test_a_household_stays_apart_and_each_person_is_one_entity():
    table = _household()
    config, _ = infer_config({"people": table})
    records, *_ = Resolver(config).prepare()
    config, _ = fit_config(config, records)
    result = Resolver(config).resolve(records)
    entity = result.clusters.set_index("record_id")["entity_id"]
    linda = {entity["people:1"], entity["people:2"]}
    samuel = {entity["people:3"], entity["people:4"]}
    assert len(linda) == 1 and len(samuel) == 1
    assert linda != samuel
    assert entity["people:5"] not in linda | samuel
