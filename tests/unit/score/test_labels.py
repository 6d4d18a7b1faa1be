"""Labelled pairs (``Resolver(config, labels=...)``, ``run --labels``): the labelled
matches move m, enough labels of both kinds choose the threshold by F1, a pair labelled
different ends in two entities, and a bad labels file is refused with file, row and
column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import unifyprofile as up
from unifyprofile.errors import SourceError
from unifyprofile.score import MIN_EACH, best_threshold, read_labels

FIRST = ["Ann", "Bob", "Cara", "Dan", "Eve", "Finn", "Gus", "Hana", "Ivo", "Jo", "Kim", "Lea",
         "Max", "Nia", "Oto", "Pia", "Quin", "Rui", "Sam", "Tia"]
LAST = ["Lee", "Ng", "Moss"]


def _people(n: int = 40, seed: int = 3) -> pd.DataFrame:
    """``n`` people, each twice (the second copy with an e-mail typo for a third of
    them); three surnames, so blocking on the surname compares many strangers, and ten
    first names, so that a third of them have a namesake (another person of the same
    first and last name)."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n):
        first, last = FIRST[k % 10], LAST[k % len(LAST)]
        email = f"{first.lower()}{k}@mail.org"
        dob = f"19{50 + k:02d}-0{1 + k % 9}-1{k % 10}"
        rows.append((f"{k}a", first, last, email, dob))
        other = email if rng.random() > 0.33 else email.replace("@", "x@")
        rows.append((f"{k}b", first, last, other, dob))
    return pd.DataFrame(rows, columns=["id", "first", "last", "email", "dob"])


def _config() -> up.Config:
    source = up.Source("crm", data=_people(), id_column="id",
                       columns={"first_name": "first", "last_name": "last", "email": "email",
                                "dob": "dob"})
    # Blocking on the surname compares a third of all pairs: strangers too.
    return up.Config(sources=(source,), seed=1,
                     blocking=(up.blocking.BlockingRule.parse(["last_name"]),))


@pytest.fixture(scope="module")
def plain() -> up.Result:
    return up.Resolver(_config()).run()


def _truth(rid: str) -> str:
    return rid.split(":", 1)[1][:-1]


def _labelled(result: up.Result, n: int) -> pd.DataFrame:
    """The first ``n`` pairs of the review, answered from the truth."""
    review = result.review(n)
    return pd.DataFrame({"record_id_l": review["record_id_l"],
                         "record_id_r": review["record_id_r"],
                         "is_match": [int(_truth(a) == _truth(b)) for a, b in zip(
                             review["record_id_l"], review["record_id_r"], strict=True)]})


def test_labelled_matches_move_m_towards_their_levels(plain: up.Result) -> None:
    names = [c.name for c in plain.model.comparisons]
    k = names.index("email")
    # Ten matches labelled with different e-mails: m of "else" on e-mail must grow.
    typo = [f"crm:{p}a" for p in range(40) if plain.records.set_index("record_id").at[
        f"crm:{p}a", "email"] != plain.records.set_index("record_id").at[f"crm:{p}b", "email"]]
    labels = pd.DataFrame({"record_id_l": typo, "record_id_r": [r[:-1] + "b" for r in typo],
                           "is_match": 1})
    taught = up.Resolver(_config(), labels=labels).run()
    pairs = plain.pairs.assign(l=plain.pairs["record_id_l"].astype(str),
                               r=plain.pairs["record_id_r"].astype(str))
    held = pairs[pairs["l"].isin(typo) & (pairs["r"] == pairs["l"].str[:-1] + "b")
                 | pairs["r"].isin(typo) & (pairs["l"] == pairs["r"].str[:-1] + "b")]
    level = int(held["email"].mode()[0])
    assert level < len(plain.model.comparisons[k].level_names) - 1  # not exact
    assert taught.model.m_[k][level] > plain.model.m_[k][level]
    # u is what strangers share: the labels leave it alone.
    for before, after in zip(plain.model.u_, taught.model.u_, strict=True):
        np.testing.assert_allclose(before, after)
    assert any("m blended" in note for note in taught.notes)


def test_enough_labels_choose_the_threshold_that_maximises_f1(plain: up.Result) -> None:
    labels = _labelled(plain, 120)
    matches = int(labels["is_match"].sum())
    assert matches >= MIN_EACH and len(labels) - matches >= MIN_EACH
    taught = up.Resolver(_config(), labels=labels).run()
    said = [note for note in taught.notes if "maximises the F1" in note]
    assert len(said) == 1
    # Chosen among the labelled pairs' probabilities: inside their range.
    keys = labels["record_id_l"] + "|" + labels["record_id_r"]
    pairs = taught.pairs.assign(key=taught.pairs["record_id_l"].astype(str) + "|"
                                + taught.pairs["record_id_r"].astype(str))
    p = keys.map(pairs.set_index("key")["match_probability"]).dropna()
    assert p.min() <= taught.config.threshold <= p.max() or \
        taught.config.threshold == _config().threshold
    # F1 on every candidate pair against the truth: no worse than without labels.
    def f1(result: up.Result) -> float:
        entity = result.clusters.set_index("record_id")["entity_id"]
        left = result.pairs["record_id_l"].astype(str)
        right = result.pairs["record_id_r"].astype(str)
        linked = (entity.reindex(left).to_numpy() == entity.reindex(right).to_numpy())
        truth = np.array([_truth(a) == _truth(b) for a, b in zip(left, right, strict=True)])
        return 2 * (linked & truth).sum() / (linked.sum() + truth.sum())

    assert f1(taught) >= f1(plain)


def test_few_labels_keep_the_configured_threshold_with_a_note(plain: up.Result) -> None:
    labels = _labelled(plain, 120).groupby("is_match").head(MIN_EACH - 1)
    taught = up.Resolver(_config(), labels=labels).run()
    assert taught.config.threshold == _config().threshold
    assert any("kept the threshold" in note for note in taught.notes)


def test_a_pair_labelled_different_is_kept_in_two_entities(plain: up.Result) -> None:
    link = plain.links.iloc[0]
    a, b = str(link["record_id_l"]), str(link["record_id_r"])
    entity = plain.clusters.set_index("record_id")["entity_id"]
    assert entity[a] == entity[b]
    taught = up.Resolver(_config(), labels=pd.DataFrame(
        {"record_id_l": [a], "record_id_r": [b], "is_match": ["0"]})).run()
    entity = taught.clusters.set_index("record_id")["entity_id"]
    assert entity[a] != entity[b]
    assert any("cannot-link" in note for note in taught.notes)
    assert "clustering keeps them in different entities" in taught.explain(a, b).reason


def test_best_threshold_is_the_f1_optimum_within_its_range() -> None:
    rng = np.random.default_rng(0)
    truth = rng.random(200) < 0.4
    p = np.clip(np.where(truth, rng.normal(0.7, 0.2, 200), rng.normal(0.3, 0.2, 200)),
                0.001, 0.999)
    yes = np.ones(200, dtype=bool)
    share = truth.astype(float)

    def f1(t: float) -> float:
        linked = p >= t
        return 2 * (linked & truth).sum() / (linked.sum() + truth.sum())

    chosen, best = best_threshold(p, share, yes, ~yes, 0.95)
    assert best == pytest.approx(f1(chosen))
    assert all(best >= f1(t) - 1e-12 for t in np.linspace(0.01, 1.0, 100))
    inside, _ = best_threshold(p, share, yes, ~yes, 0.95, within=(0.6, 0.9))
    assert 0.6 <= inside <= 0.9 or inside == 0.95
    # A rule's links count whatever the threshold.
    _, with_rule = best_threshold(p, share, yes, p > 0.99, 0.95)
    assert with_rule >= best - 1e-12


def test_a_label_naming_an_unknown_record_names_file_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "labelled.csv"
    path.write_text("record_id_l,record_id_r,is_match\ncrm:0a,crm:0b,1\n"
                    "crm:0a,crm:nobody,0\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"labelled\.csv: row 3, column record_id_r: "
                                          r"no record 'crm:nobody'"):
        up.Resolver(_config(), labels=path).run()


@pytest.mark.parametrize(("text", "expected"), [
    ("record_id_l,record_id_r,is_match\ncrm:1,crm:2,maybe\n",
     r"row 2, column is_match: 'maybe' is neither"),
    ("record_id_l,is_match\ncrm:1,1\n", r"no column record_id_r"),
    ("record_id_l,record_id_r,is_match\n,crm:2,1\n", r"row 2, column record_id_l: empty"),
    ("record_id_l,record_id_r,is_match\ncrm:1,crm:2,\n", r"no row has is_match filled in"),
    ("record_id_l,record_id_r,is_match\ncrm:1,crm:1,1\n",
     r"row 2, column record_id_r: the same record"),
    ("record_id_l,record_id_r,is_match\ncrm:1,crm:2,1\ncrm:2,crm:1,0\n",
     r"rows 2, 3, column is_match: one pair labelled both"),
])
def test_a_bad_labels_file_is_refused_with_the_fix(tmp_path: Path, text: str,
                                                   expected: str) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=expected) as info:
        read_labels(path)
    assert str(path) in str(info.value)


def test_unlabelled_rows_of_a_review_file_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "to_label.csv"
    path.write_text("record_id_l,record_id_r,match_probability,is_match\n"
                    "crm:1,crm:2,0.9,yes\ncrm:1,crm:3,0.4,\ncrm:2,crm:3,0.5,0\n",
                    encoding="utf-8")
    labels = read_labels(path)
    assert labels.pairs[["record_id_l", "record_id_r", "is_match"]].values.tolist() == [
        ["crm:1", "crm:2", True], ["crm:2", "crm:3", False]]
    assert labels.pairs["row"].tolist() == [2, 4]
    with pytest.raises(SourceError, match="no such file"):
        read_labels(tmp_path / "missing.csv")
