"""The tutorial (docs/tutorial.md) shows what the demo really gives: its figures are read
from the page and compared with a run, so a change that moves them must update the page."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import unifyprofile as up
from unifyprofile.evaluate import bcubed, cluster_pair_scores

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "cx_demo"
TUTORIAL = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def result() -> up.Result:
    return up.Resolver(up.load_config(DEMO / "unify.toml")).run()


def _shown(label: str) -> str:
    """The value the tutorial's summary table shows for ``label``."""
    match = re.search(rf"│ {re.escape(label)}\s+│ ([^│]+?)\s+│", TUTORIAL)
    assert match, label
    return match.group(1)


def test_the_summary_figures_are_the_demos(result):
    summary = result.summary()
    assert _shown("rejects") == f"{summary['rejects']:,}"
    assert _shown("candidate pairs") == f"{summary['candidate_pairs']:,}"
    assert _shown("matches") == (f"{summary['matches']:,} ({summary['rule_matches']:,} "
                                 "by rules)")
    assert _shown("entities") == f"{summary['entities']:,}"
    for source, rows in summary["rows_read"].items():
        n, rejected = summary["records"][source], summary["rejects_by_source"].get(source, 0)
        assert _shown(f"records from {source}").startswith(
            f"{n:,} + {rejected:,} rejects (of {rows:,} rows"), source
    assert f"{len(result.records):,} records became {summary['entities']:,} entities" \
        in TUTORIAL


def test_the_golden_profile_shown_is_the_demos(result):
    entity = "E002ff1ccca5232a3"
    members = sorted(result.clusters.loc[result.clusters["entity_id"] == entity,
                                         "record_id"])
    assert members == ["crm:0035g00000i7HDYAA2", "csm:113006", "support:conv_001744",
                       "support:conv_006401"]
    assert all(f"`{m}`" in TUTORIAL for m in members)
    row = result.golden.set_index("entity_id").loc[entity]
    assert (row["first_name"], row["first_name__record_id"], row["first_name__rule"]) == (
        "Kyle", "crm:0035g00000i7HDYAA2", "source_priority")
    assert (row["last_name"], row["dob"], row["city"]) == ("Roberts", "1979-05-22",
                                                          "Pittsburgh")
    assert list(row["email"]) == ["kyleroberts89@gmail.com"]
    assert list(row["phone"]) == ["+14129145157"]


def test_the_quality_figures_are_the_demos(result):
    truth = pd.read_csv(DEMO / "truth.csv", dtype=str).set_index("record_id")["person_id"]
    predicted = result.clusters.set_index("record_id")["entity_id"]
    pairs, records = cluster_pair_scores(predicted, truth), bcubed(predicted, truth)
    assert (f"precision {pairs.precision:.3f}, recall {pairs.recall:.3f}, F1 "
            f"{pairs.f1:.3f}") in TUTORIAL
    assert (f"precision {records.precision:.3f}, recall {records.recall:.3f}, F1 "
            f"{records.f1:.3f}") in TUTORIAL
