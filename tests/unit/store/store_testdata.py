"""Small in-memory people data and a config for the identity store tests."""

from __future__ import annotations

import pandas as pd

import unifyprofile as up
from unifyprofile.compare import DateComparison, EmailComparison, NameComparison, PhoneComparison
from unifyprofile.score import DeterministicRule, Guards

FIELDS = ["first_name", "last_name", "email", "phone", "dob", "marketing_opt_out"]

#: (id, first, last, email, phone, dob, opt-out): three people with duplicates and
#: strangers that share nothing with them.
ROWS = [
    ("a1", "Ann", "Lee", "ann.lee@mail.com", "+1 415 555 0101", "1980-01-02", "false"),
    ("a2", "Ann", "Lee", "ann.lee@mail.com", None, "1980-01-02", "true"),
    ("b1", "Boris", "Ivanov", "boris@post.org", "+1 212 555 0199", "1975-05-06", None),
    ("b2", "Boris", "Ivanov", "boris@post.org", None, None, None),
    ("c1", "Chen", "Wei", "chen.wei@web.cn", "+1 646 555 0142", "1990-09-09", None),
    ("d1", "Dora", "Marquez", "dora.m@site.es", "+1 305 555 0177", "1985-03-04", None),
    ("e1", "Emil", "Novak", "emil@novak.cz", "+1 702 555 0123", "1966-12-12", None),
    ("f1", "Fatima", "Haddad", "fatima@haddad.lb", "+1 617 555 0188", "1999-07-07", None),
]


def people(rows: list[tuple] = ROWS) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["id", *FIELDS])


def make_config(threshold: float = 0.95) -> up.Config:
    source = up.Source("crm", id_column="id", columns={f: f for f in FIELDS})
    return up.Config(
        sources=(source,),
        threshold=threshold,
        seed=1,
        rules=(DeterministicRule.from_config({"name": "email", "keys": ["email",
                                                                         "first_name:nick"]}),
               DeterministicRule.from_config({"name": "phone", "keys": ["phone",
                                                                         "first_name:nick"]})),
        blocking=(up.BlockingRule.parse(["email"]), up.BlockingRule.parse(["phone"]),
                  up.BlockingRule.parse(["last_name:soundex", "first_name:nick"])),
        comparisons=(NameComparison("first_name"), NameComparison("last_name"),
                     EmailComparison(), PhoneComparison(), DateComparison("dob")),
        guards=Guards(veto=("first_name",)),
    )


def partition(clusters: pd.DataFrame) -> list[list[str]]:
    """Clusters as sorted lists of record ids, ids of entities ignored."""
    groups = clusters.groupby("entity_id")["record_id"].apply(lambda s: sorted(s))
    return sorted(groups.tolist())


def entity_of(store: up.IdentityStore, record_id: str) -> str:
    clusters = store.clusters()
    return str(clusters.loc[clusters["record_id"] == record_id, "entity_id"].iloc[0])
