"""benchmarks/hazards.py: the person generator of the robustness benchmark.

Its truth must hold by construction and each hazard must plant what its level says, or the
hazard grid measures nothing.  Small populations keep these fast.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import _hazard_pools as pools  # noqa: E402
import hazards  # noqa: E402

NAME_COLUMNS = ["first_name", "last_name", "full_name"]


def _generate(records: int = 2000, base: str = "none", **levels: float):
    return hazards.generate(records, seed=7, levels=hazards.levels_with(base, **levels))


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)[-9:]


def test_same_arguments_same_tables_and_truth_covers_every_record_once():
    first, truth, planted = _generate(base="mild")
    again, truth_again, _ = _generate(base="mild")
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(truth, truth_again)
    assert len(first) == 2000 == planted["records"]
    assert list(first.columns) == list(hazards.COLUMNS)
    assert first["record_id"].is_unique
    assert truth["record_id"].tolist() == first["record_id"].tolist()
    assert truth["cluster_id"].nunique() == planted["people"]
    assert truth.groupby("cluster_id").size().max() == planted["largest_true_cluster"] <= 8


def test_another_seed_gives_other_people():
    a, _, _ = hazards.generate(500, seed=1)
    b, _, _ = hazards.generate(500, seed=2)
    assert not a.drop(columns="record_id").equals(b.drop(columns="record_id"))


def test_households_share_home_and_surname_but_stay_different_people():
    table, truth, planted = _generate(households=0.3)
    assert planted["people_in_households"] == pytest.approx(0.3 * planted["people"], abs=5)
    table = table.assign(person=truth["cluster_id"])
    named = table[(table["last_name"] != "") & (table["postcode"] != "")
                  & (table["source"] == "crm")]
    key = named["last_name"].str.upper() + "|" + named["postcode"]
    people_per_key = named.groupby(key)["person"].nunique()
    assert (people_per_key >= 2).sum() >= 20  # many surname+postcode pairs hold 2+ people
    quiet, _, none = _generate()
    assert none["people_in_households"] == 0 and none["twin_pairs"] == 0


def test_family_mailboxes_are_shared_by_people_of_one_household():
    table, truth, planted = _generate(mailboxes=0.2)
    assert planted["people_sharing_a_mailbox"] >= 0.2 * planted["people"]
    people = table.assign(person=truth["cluster_id"]).query("email != ''")
    per_email = people.groupby(people["email"].str.lower())["person"].nunique()
    assert (per_email.between(2, 5)).sum() >= 50


def test_switchboards_are_shared_by_hundreds():
    table, truth, planted = _generate(records=5000, switchboard=0.3)
    assert planted["switchboards"] >= 1
    phones = table.assign(person=truth["cluster_id"], key=table["phone"].map(_digits))
    people_per_phone = phones[phones["key"] != ""].groupby("key")["person"].nunique()
    assert people_per_phone.max() >= 100


def test_twins_share_surname_and_birth_date_not_first_name():
    _, _, planted = _generate(twins=0.06)
    assert planted["twin_pairs"] == round(0.06 * planted["people"] / 2)


def test_hanzi_appear_only_when_asked():
    cjk = re.compile(r"[\u4e00-\u9fff]")
    plain, _, _ = _generate(hanzi=0.0)
    hanzi, _, _ = _generate(hanzi=0.6)
    has = lambda t: t[NAME_COLUMNS].apply(lambda c: c.str.contains(cjk)).any(axis=1).sum()  # noqa: E731
    assert has(plain) == 0
    assert has(hanzi) > 20


def test_full_names_only_in_full_name_sources_and_guests_have_no_name():
    table, _, _ = _generate(fullname_sources=0.5, guests=0.2)
    full_only = table["source"].isin(["support", "service_desk"])
    assert full_only.mean() == pytest.approx(0.5, abs=0.05)
    assert (table.loc[full_only, "full_name"] != "").all()
    assert (table.loc[full_only, ["first_name", "last_name"]] == "").all().all()
    assert (table.loc[~full_only, "full_name"] == "").all()
    nameless = (table[NAME_COLUMNS] == "").all(axis=1)
    assert nameless.mean() == pytest.approx(0.2, abs=0.04)
    assert (table.loc[nameless, "email"] != "").all()


def test_without_hazards_no_junk_and_every_record_named():
    table, _, _ = _generate()
    values = set(table.drop(columns=["record_id", "source"]).to_numpy().ravel())
    junk = {v for vs in pools.JUNK.values() for v in vs} - {"0"}
    assert not values & junk
    named = (table[NAME_COLUMNS] != "").any(axis=1)
    assert named[table["source"] != "newsletter"].all()  # a newsletter may hold e-mail only
    dirty, _, _ = _generate(junk=0.05)
    assert dirty["email"].isin(pools.JUNK["email"]).mean() > 0.02


def test_levels_are_checked():
    with pytest.raises(ValueError, match="unknown hazard"):
        hazards.levels_with(housholds=0.1)
    with pytest.raises(ValueError, match=r"in \[0, 1\] \(got 1.5\)"):
        hazards.levels_with(households=1.5)


def test_cli_writes_the_benchdata_layout(tmp_path):
    params = hazards.write(tmp_path, 300, 3, hazards.levels_with(households=0.2))
    records = pd.read_csv(tmp_path / "records.csv", dtype=str, keep_default_na=False)
    truth = pd.read_csv(tmp_path / "truth.csv", dtype=str)
    assert list(truth.columns) == ["record_id", "cluster_id"]
    assert set(records["record_id"]) == set(truth["record_id"])
    assert params["levels"]["households"] == 0.2
    assert (tmp_path / "params.json").is_file()


def test_a_level_changes_only_what_it_controls():
    clean, truth, _ = _generate(junk=0.0)
    dirty, truth_dirty, _ = _generate(junk=0.05)
    pd.testing.assert_frame_equal(truth, truth_dirty)  # the same people, in the same rows
    fields = [c for c in clean.columns if c not in ("record_id", "source")]
    changed = clean[fields] != dirty[fields]
    junk = {v for vs in pools.JUNK.values() for v in vs}
    assert dirty[fields][changed].stack().isin(junk).all()
    assert changed.to_numpy().mean() == pytest.approx(0.05 * 8 / 10, abs=0.015)

    alone, _, _ = _generate(households=0.0)
    housed, _, _ = _generate(households=0.15)
    same_rows = (alone == housed).all(axis=1).mean()
    assert 0.7 < same_rows < 0.95  # the households' people differ, nobody else
