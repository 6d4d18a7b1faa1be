"""The report page: self-contained, every section, charts drawn, deterministic, personal
values kept out of the inputs section, the truth section when a truth is given."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timezone

import pandas as pd
import pytest

from unifyprofile.errors import ConfigError
from unifyprofile.report import SECTIONS, TRUTH_SECTION, read_truth, render, write_report

WHEN = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
#: What would make a browser fetch something: a URL in src/href, a script file, @import.
LOADS = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|<script[^>]*\ssrc|@import|url\(""",
                   re.IGNORECASE)


def _section(text: str, name: str) -> str:
    start = text.index(f'<section id="{name}">')
    return text[start:text.index("</section>", start)]


@pytest.fixture(scope="module")
def page(result) -> str:
    return render(result, generated=WHEN)


@pytest.fixture(scope="module")
def with_truth(result, truth) -> str:
    return render(result, truth=truth, generated=WHEN)


def test_loads_nothing_and_runs_no_script(page, with_truth):
    for text in (page, with_truth):
        assert not LOADS.search(text), LOADS.search(text)
        assert "<script" not in text.lower()
        assert "<link" not in text.lower()


def test_every_section_is_there_in_order(page):
    at = [page.index(f'<section id="{name}">') for name in SECTIONS]
    assert at == sorted(at)
    assert f'<section id="{TRUTH_SECTION}">' not in page
    for name in SECTIONS:
        assert f'href="#{name}"' in page  # in the menu


def test_charts_are_drawn(page):
    charts = re.findall(r'<svg class="chart" data-chart="([^"]+)".*?</svg>', page, re.DOTALL)
    assert {"match-weights", "weight-histogram", "probability-bands", "cluster-sizes",
            "pairs-per-rule"} <= set(charts)
    assert any(name.startswith("waterfall-") for name in charts)
    for svg in re.findall(r"<svg.*?</svg>", page, re.DOTALL):
        assert re.search(r"<rect|<polyline", svg), svg[:200]


def test_match_weights_chart_has_one_bar_per_level(result, page):
    svg = re.search(r'<svg[^>]*data-chart="match-weights".*?</svg>', page, re.DOTALL)
    assert svg is not None
    levels = sum(len(c.level_names) for c in result.model.comparisons)
    assert svg.group(0).count("<rect") == levels


def test_same_run_same_page_apart_from_the_date(result):
    one = render(result, generated=WHEN)
    two = render(result, generated=datetime(2030, 5, 6, tzinfo=timezone.utc))
    assert one != two

    def undated(text: str) -> list[str]:
        return [x for x in text.splitlines() if 'id="generated"' not in x]

    assert undated(one) == undated(two)
    assert "2026-01-02 03:04 UTC" in one


def test_inputs_count_personal_fields_but_do_not_show_them(people, page):
    inputs = _section(page, "inputs")
    assert "leeds (" in inputs.lower()  # a city describes many people: shown, counted
    for value in people["email"].tolist() + people["last"].tolist():
        if value:
            assert value not in inputs and value.lower() not in inputs
    assert "(not shown)" in inputs
    assert "crm" in inputs and "invalid" in inputs


def test_the_truth_adds_precision_and_recall(page, with_truth, truth, result):
    assert f'<section id="{TRUTH_SECTION}">' in with_truth
    section = _section(with_truth, TRUTH_SECTION)
    assert 'data-chart="precision-recall"' in section
    assert "False positives" in section and "False negatives" in section
    assert "<span>blocking recall</span>" in _section(with_truth, "blocking")
    assert "<span>blocking recall</span>" not in _section(page, "blocking")
    people = truth.nunique()
    assert f"{people:,} people" in section


def test_write_report_writes_the_rendered_page(result, tmp_path):
    path = write_report(result, tmp_path / "sub" / "r.html", generated=WHEN)
    assert path.read_text(encoding="utf-8") == render(result, generated=WHEN)
    assert result.report(tmp_path / "r2.html").is_file()


def test_read_truth_names_the_file_and_columns(tmp_path):
    bad = tmp_path / "t.csv"
    bad.write_text("id,person\n1,a\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"record_id and one of person_id"):
        read_truth(bad)
    with pytest.raises(ConfigError, match="no such file"):
        read_truth(tmp_path / "missing.csv")
    twice = tmp_path / "twice.csv"
    twice.write_text("record_id,cluster_id\na,1\na,2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="appears twice"):
        read_truth(twice)
    good = tmp_path / "good.csv"
    good.write_text("record_id,cluster_id\na,1\nb,1\n", encoding="utf-8")
    assert read_truth(good).equals(pd.Series({"a": "1", "b": "1"}, name="person_id")
                                   .rename_axis("record_id"))


def test_reject_reasons_are_shown_without_what_they_quote(result):
    rejects = pd.DataFrame({
        "source": ["crm", "crm", "crm"], "row": [7, 3, 9],
        "source_record_id": [None, "x", None], "column": [None, "id", None],
        "reason": ["unreadable row (line 8): 3 fields where the header has 5 "
                   "('9,Quentin,quentin.secret@mail.test')",
                   "duplicate id: 'x' already used by an earlier row of 'crm'",
                   "unreadable row (line 10): 7 fields where the header has 5 ('a,b')"]})
    page = render(dataclasses.replace(result, rejects=rejects), generated=WHEN)
    inputs = _section(page, "inputs")
    assert "quentin" not in inputs.lower() and "'a,b'" not in inputs
    rows = re.findall(r"<tr><td>crm</td><td>([^<]*)</td><td>([^<]*)</td>"
                      r'<td class="num">(\d+)</td><td>([^<]*)</td></tr>', inputs)
    assert ("", "unreadable row", "2", "7, 9") in rows
    assert ("id", "duplicate id", "1", "3") in rows


def test_a_run_without_candidate_pairs_still_reports():
    import unifyprofile as up

    people = pd.DataFrame({"id": ["1", "2", "3"], "first": ["Ann", "Bo", "Cy"],
                           "last": ["Lee", "Ng", "Ro"],
                           "email": ["a@x.org", "b@y.org", "c@z.org"]})
    source = up.Source("crm", data=people, id_column="id",
                       columns={"first_name": "first", "last_name": "last", "email": "email"})
    rule = up.score.DeterministicRule.from_config({"name": "email", "keys": ["email"]})
    lonely = up.Resolver(up.Config(sources=(source,), rules=(rule,))).run()
    assert len(lonely.pairs) == 0
    page = render(lonely, truth=pd.Series({"crm:1": "P1", "crm:2": "P1", "crm:3": "P3"}),
                  generated=WHEN)
    for name in (*SECTIONS, TRUTH_SECTION):
        assert f'<section id="{name}">' in page
    assert "No scored pairs." in _section(page, "waterfalls")
    assert "1 true pair(s) not linked, 1 of them never compared" in _section(page, TRUTH_SECTION)
