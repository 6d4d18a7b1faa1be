"""The sections that describe a run without ground truth: inputs, blocking, model,
scores, clusters and golden profiles. Each is a function ``(Run) -> Section``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from unifyprofile import schema
from unifyprofile.blocking import TableKeys, link_sides
from unifyprofile.engines import plan_blocking
from unifyprofile.errors import UnifyProfileError
from unifyprofile.fields import field_types
from unifyprofile.report._html import Section, escape, table
from unifyprofile.report._svg import Bar, columns, diverging_bars, histogram
from unifyprofile.result import REVIEW_BANDS, Result

__all__ = ["PERSONAL_FIELDS", "Run", "blocking_section", "clusters_section",
           "golden_section", "inputs_section", "largest_entities", "model_section",
           "reason_kind", "scores_section", "shown_values", "threshold_weight"]

#: Fields whose values point at one person: the inputs section counts their values but
#: never shows them (identifier field types are personal too).
PERSONAL_FIELDS = ("first_name", "middle_name", "last_name", "full_name", "email", "phone",
                   "dob", "address", "postcode")


@dataclass
class Run:
    """What the report reads: a result (with golden profiles and rejects where known),
    its summary, and the truth (record id -> person) when given."""

    result: Result
    summary: dict[str, Any]
    truth: pd.Series | None = None


def shown_values(name: str) -> bool:
    """Whether the report shows a field's top values: not a personal field, not an
    identifier, not ``updated_at`` (a time per record says nothing as a top value).

    Examples:
        >>> shown_values("city"), shown_values("email"), shown_values("customer_id")
        (True, False, False)
    """
    identifiers = {t.name for t in field_types() if t.identifier}
    return name not in (*PERSONAL_FIELDS, schema.UPDATED_AT) and name not in identifiers


def reason_kind(reason: object) -> str:
    """A reject's reason without what may quote the row: the text before its first
    colon, without parentheses (``"unreadable row"``, ``"missing id"``).

    Examples:
        >>> reason_kind("unreadable row (line 12): 3 fields where the header has 4 ('a,b')")
        'unreadable row'
        >>> reason_kind("duplicate id: 'X1' already used")
        'duplicate id'
    """
    text = str(reason).split(":", 1)[0]
    return re.sub(r"\s*\(.*", "", text).strip() or "other"


def threshold_weight(result: Result) -> float:
    """The match weight at which a pair's probability reaches the threshold."""
    t = min(max(result.config.threshold, 1e-9), 1 - 1e-9)
    return float(np.log2(t / (1 - t)) - result.model.prior_weight)


def _kpis(items: list[tuple[str, str]]) -> str:
    return '<div class="kpis">' + "".join(
        f'<div class="kpi"><b>{escape(v)}</b><span>{escape(k)}</span></div>'
        for k, v in items) + "</div>"


def _fields(records: pd.DataFrame) -> list[str]:
    present = schema.fields_present(records.columns)
    order = [t.name for t in field_types()]
    return [f for f in order if f in present] + sorted(present - set(order))


def _top(values: pd.Series, n: int = 3) -> str:
    counts = values.dropna().astype(str).value_counts().sort_index()
    counts = counts.sort_values(ascending=False, kind="stable").head(n)
    return ", ".join(f"{k} ({v:,})" for k, v in counts.items())


def inputs_section(run: Run) -> Section:
    """Per source and field: fill rate, invalid and placeholder values, distinct values,
    top values of non-personal fields; rejects by reason."""
    result = run.result
    records = result.records
    rows: list[list[object]] = []
    source = records[schema.SOURCE].astype(str)
    for name in _fields(records):
        raw = records[name] if name in records else records[schema.std(name)]
        std = records.get(schema.std(name), raw)
        flags = records.get(schema.flag(name))
        for src in sorted(source.unique()):
            inside = (source == src).to_numpy()
            filled = raw[inside].notna()
            if not filled.any():
                continue  # the source does not map the field
            flag = (flags[inside].astype(str) if flags is not None
                    else pd.Series(dtype=str))
            rows.append([src, name, f"{filled.mean():.1%}", int((flag == "invalid").sum()),
                         int((flag == "placeholder").sum()), int(std[inside].nunique()),
                         _top(std[inside]) if shown_values(name) else "(not shown)"])
    sources = records[schema.SOURCE].astype(str).value_counts().sort_index()
    rejects = result.rejects
    per_source = [[s, int(n), int((rejects[schema.SOURCE].astype(str) == s).sum())
                   if len(rejects) else 0] for s, n in sources.items()]
    body = [_kpis([("records", f"{len(records):,}"), ("sources", f"{len(sources):,}"),
                   ("rejects", f"{len(rejects):,}"),
                   ("fields", f"{len(_fields(records)):,}")]),
            table(per_source, ["source", "records", "rejects"]),
            "<h3>Fields per source</h3>",
            '<p class="note">Fill rate counts values as read; invalid and placeholder '
            "values are those standardising set aside (<code>_flag</code> columns); "
            "distinct counts standardised values. Top values are shown only for fields "
            "that describe groups of people (city, country, gender, ...): names, email, "
            "phone, date of birth, address, postcode and identifiers show counts only.</p>",
            table(rows, ["source", "field", "filled", "invalid", "placeholder", "distinct",
                         "top values"])]
    if len(rejects):
        reasons = pd.DataFrame({
            schema.SOURCE: rejects[schema.SOURCE].astype(str).to_numpy(),
            "column": rejects["column"].astype(object).where(rejects["column"].notna(), "")
            .astype(str).to_numpy(),
            "reason": [reason_kind(r) for r in rejects["reason"].tolist()],
            "row": pd.to_numeric(rejects["row"], errors="coerce").to_numpy()})
        grouped = (reasons.groupby([schema.SOURCE, "column", "reason"], sort=True)
                   .agg(rows=("row", "size"),
                        first_rows=("row", lambda r: ", ".join(
                            f"{int(x)}" for x in sorted(r.dropna())[:5])))
                   .reset_index()
                   .sort_values(["rows", schema.SOURCE, "reason"],
                                ascending=[False, True, True], kind="stable"))
        body += ["<h3>Rejected rows by reason</h3>",
                 '<p class="note">A reason is shown up to its first colon: the rest may '
                 "quote the row. Rows are numbered from 1 after the header (see "
                 "<code>rejects.csv</code> for the full reasons).</p>",
                 table(grouped.head(50).rename(columns={"first_rows": "first rows"}),
                       caption="the 50 most common reasons")]
    else:
        body.append('<p class="note">No rows were rejected (or the rejects table was not '
                    "written).</p>")
    return Section("inputs", "Inputs", "".join(body))


def _largest_blocks(result: Result) -> list[list[object]]:
    """Per blocking rule: records with a key, blocks of two or more, the five largest
    block sizes (the key values themselves are not shown)."""
    records = result.records
    try:
        rules = plan_blocking(result.config, records.columns)
        keys = TableKeys(records, link_sides(records, result.config.link_type))
    except (UnifyProfileError, KeyError, ValueError):  # a config the records do not fit
        return []
    rows: list[list[object]] = []
    for rule in rules:
        _, codes = rule.entries(records, keys)
        present = codes[codes >= 0]
        sizes = np.sort(np.bincount(present))[::-1] if len(present) else np.array([], int)
        sizes = sizes[sizes > 0]
        rows.append([rule.name, int(len(present)), int((sizes >= 2).sum()),
                     ", ".join(f"{s:,}" for s in sizes[:5].tolist())])
    return rows


def blocking_section(run: Run, recall: float | None = None) -> Section:
    """Candidate pairs per blocking rule (the first rule that found each pair), the
    largest blocks, and blocking recall when the truth is known."""
    pairs = run.result.pairs
    body = [_kpis([("candidate pairs", f"{len(pairs):,}")]
                  + ([("blocking recall", f"{recall:.1%}")] if recall is not None else []))]
    if "blocking_rule" in pairs and len(pairs):
        counts = pairs["blocking_rule"].astype(str).value_counts().sort_index()
        order = [str(c) for c in pairs["blocking_rule"].astype("category").cat.categories]
        counts = counts.reindex(order + sorted(set(counts.index) - set(order)),
                                fill_value=0)
        body.append(diverging_bars("pairs-per-rule", "candidate pairs per blocking rule",
                                   [Bar(k, float(v), f"{v:,}") for k, v in counts.items()],
                                   label_width=300))
        body.append('<p class="note">Each pair is counted under the first rule that found '
                    "it; later rules only add pairs no earlier rule made.</p>")
    blocks = _largest_blocks(run.result)
    if blocks:
        body += ["<h3>Largest blocks</h3>",
                 table(blocks, ["rule", "records with a key", "blocks of 2+",
                                "five largest blocks (records)"]),
                 '<p class="note">Block key values are not shown.</p>']
    if recall is None:
        body.append('<p class="note">Blocking recall needs the truth: '
                    "<code>unifyprofile report OUT_DIR --truth truth.csv</code>.</p>")
    return Section("blocking", "Blocking", "".join(body))


def model_section(run: Run) -> Section:
    """m and u per level with its label, the match weight per level as bars, lambda,
    and what the model's self-check and the run's notes said."""
    result = run.result
    model = result.model
    weights = model.weights_table()
    bars = [Bar(f"{r.comparison}: {r.level}", r.weight) for r in weights.itertuples()]
    shown = weights.assign(m=weights["m"].map(lambda v: f"{v:.4g}"),
                           u=weights["u"].map(lambda v: f"{v:.4g}"),
                           weight=weights["weight"].map(lambda v: f"{v:+.2f}"))
    body = [_kpis([("λ (prior match share)", f"{model.lambda_:.3g}"),
                   ("prior weight (bits)", f"{model.prior_weight:+.2f}"),
                   ("threshold (probability)", f"{result.config.threshold:g}"),
                   ("threshold weight (bits)", f"{threshold_weight(result):+.2f}")]),
            diverging_bars("match-weights", "match weight (log2 m/u) per comparison level",
                           bars, unit=" bits", label_width=260),
            table(shown.rename(columns={"level": "level label",
                                        "weight": "match weight (bits)"}))]
    check = run.summary.get("model_check")
    body.append("<h3>Self-check</h3>")
    if check:
        problems = check.get("problems") or []
        facts = {k: v for k, v in check.items() if k != "problems"}
        body.append(table([[k, json.dumps(v)] for k, v in facts.items()], ["check", "value"]))
        body.append("<ul class=plain>" + "".join(f"<li>{escape(p)}</li>" for p in problems)
                    + "</ul>" if problems else '<p class="note">No problem found.</p>')
    else:
        body.append('<p class="note">No self-check was recorded for this run.</p>')
    notes = list(run.summary.get("notes") or result.notes)
    body.append("<h3>Notes</h3>")
    body.append("<ul class=plain>" + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>"
                if notes else '<p class="note">The run left no notes.</p>')
    return Section("model", "Model", "".join(body))


def scores_section(run: Run) -> Section:
    """The match-weight histogram with the threshold line, pairs per probability band."""
    result = run.result
    pairs = result.pairs
    weight = pairs["match_weight"].to_numpy(dtype=np.float64) if len(pairs) else np.zeros(0)
    at = threshold_weight(result)
    finite = weight[np.isfinite(weight)]
    low = float(np.floor(min(finite.min(initial=at), at) - 1))
    high = float(np.ceil(max(finite.max(initial=at), at) + 1))
    step = max(1.0, float(np.ceil((high - low) / 40)))  # whole bits per bin, 40 at most
    edges = np.arange(low, high + step, step)
    counts, _ = np.histogram(np.clip(finite, low, high), bins=edges)
    probability = pairs["match_probability"].to_numpy(dtype=np.float64) if len(pairs) \
        else np.zeros(0)
    bands = list(zip(REVIEW_BANDS[:-1], REVIEW_BANDS[1:], strict=True))
    band_counts = [int(((probability >= lo) & ((probability < hi) | (hi >= 1.0))).sum())
                   for lo, hi in bands]
    linked = int(pairs["linked"].sum()) if len(pairs) else 0
    ruled = int(pairs["rule"].notna().sum()) if len(pairs) else 0
    body = [_kpis([("candidate pairs", f"{len(pairs):,}"), ("linked", f"{linked:,}"),
                   ("linked by a rule", f"{ruled:,}")]),
            histogram("weight-histogram", "candidate pairs per match weight", edges.tolist(),
                      counts.tolist(), marker=at, marker_label="threshold",
                      x_label="match weight (bits, without the prior)"),
            "<h3>Pairs per probability band</h3>",
            columns("probability-bands", "candidate pairs per match-probability band",
                    [f"[{lo:g}, {hi:g}{']' if hi >= 1 else ')'}" for lo, hi in bands],
                    band_counts, x_label="match probability")]
    return Section("scores", "Scores", "".join(body))


def _kept_links(result: Result) -> pd.DataFrame:
    """Linked pairs clustering kept, with both records' entity."""
    links = result.links[["record_id_l", "record_id_r", "match_probability", "match_weight",
                          "rule"]].astype({"record_id_l": str, "record_id_r": str})
    cut = result.cut
    if len(cut) and "record_id_l" in cut:
        key = links["record_id_l"] + "\x00" + links["record_id_r"]
        gone = set((cut["record_id_l"].astype(str) + "\x00" + cut["record_id_r"].astype(str))
                   .tolist()) | set((cut["record_id_r"].astype(str) + "\x00"
                                     + cut["record_id_l"].astype(str)).tolist())
        links = links[~key.isin(gone).to_numpy()]
    entity = result.clusters.astype({schema.RECORD_ID: str}).set_index(
        schema.RECORD_ID)[schema.ENTITY_ID]
    links = links.assign(entity_l=entity.reindex(links["record_id_l"]).to_numpy(),
                         entity_r=entity.reindex(links["record_id_r"]).to_numpy())
    return links[links["entity_l"] == links["entity_r"]]


def largest_entities(result: Result, n: int) -> pd.DataFrame:
    """The ``n`` largest entities (ties by entity id) with their weakest kept link."""
    clusters = result.clusters
    sizes = clusters.groupby(schema.ENTITY_ID).size().rename("records").reset_index()
    sizes = sizes.sort_values(["records", schema.ENTITY_ID], ascending=[False, True],
                              kind="stable").head(n)
    links = _kept_links(result)
    links = links[links["entity_l"].isin(set(sizes[schema.ENTITY_ID]))]
    weakest = (links.sort_values(["match_probability", "record_id_l", "record_id_r"],
                                 kind="stable").drop_duplicates("entity_l")
               .set_index("entity_l"))
    members = clusters[clusters[schema.ENTITY_ID].isin(set(sizes[schema.ENTITY_ID]))]
    sources = result.records[[schema.RECORD_ID, schema.SOURCE]].astype(str).merge(
        members.astype({schema.RECORD_ID: str}), on=schema.RECORD_ID)
    per = sources.groupby(schema.ENTITY_ID)[schema.SOURCE].agg(
        lambda s: ", ".join(f"{k} {v}" for k, v in s.value_counts().sort_index().items()))
    out = sizes.assign(sources=per.reindex(sizes[schema.ENTITY_ID]).to_numpy())
    for column in ("record_id_l", "record_id_r", "match_probability", "rule"):
        out[f"weakest_{column}"] = weakest[column].reindex(out[schema.ENTITY_ID]).to_numpy()
    return out.reset_index(drop=True)


def clusters_section(run: Run, largest: pd.DataFrame) -> Section:
    """Entity sizes, the largest entities with their weakest links, the links cut."""
    result = run.result
    sizes = result.clusters.groupby(schema.ENTITY_ID).size().value_counts().sort_index()
    labels = [str(k) for k in sizes.index[:15]]
    counts = [int(v) for v in sizes.to_numpy()[:15]]
    if len(sizes) > 15:
        labels.append(f">{sizes.index[14]}")
        counts.append(int(sizes.to_numpy()[15:].sum()))
    shown = largest.assign(weakest_link=[
        "" if pd.isna(a) else f"{a} - {b}" for a, b in
        zip(largest["weakest_record_id_l"], largest["weakest_record_id_r"], strict=True)],
        weakest_probability=largest["weakest_match_probability"].map(
            lambda v: "" if pd.isna(v) else f"{v:.3f}"),
        weakest_rule=largest["weakest_rule"])[
        [schema.ENTITY_ID, "records", "sources", "weakest_link", "weakest_probability",
         "weakest_rule"]].rename(columns={"weakest_link": "weakest link",
                                          "weakest_probability": "its probability",
                                          "weakest_rule": "its rule"})
    body = [_kpis([("entities", f"{sizes.sum():,}"),
                   ("largest entity", f"{int(sizes.index.max()) if len(sizes) else 0:,}"),
                   ("links cut by guards", f"{len(result.cut):,}")]),
            columns("cluster-sizes", "entities per number of records", labels, counts,
                    x_label="records per entity"),
            "<h3>Largest entities and their weakest links</h3>", table(shown)]
    cut = result.cut
    body.append("<h3>Links cut by guards</h3>")
    if len(cut) and "reason" in cut:
        reasons = (cut["reason"].astype(str).str.slice(0, 160).value_counts().sort_index()
                   .sort_values(ascending=False, kind="stable"))
        body.append(table([[k, int(v)] for k, v in reasons.items()], ["reason", "links"]))
        listed = cut.astype({"record_id_l": str, "record_id_r": str}).sort_values(
            ["record_id_l", "record_id_r"], kind="stable").head(30)
        keep = [c for c in ("record_id_l", "record_id_r", "weight", "reason") if c in listed]
        body.append(f"<details><summary>The first {len(listed)} of {len(cut):,} links cut"
                    f"</summary>{table(listed[keep])}</details>")
    else:
        body.append('<p class="note">Clustering cut no link.</p>')
    return Section("clusters", "Clusters", "".join(body))


def golden_section(run: Run) -> Section:
    """Fill rate per field, the source that won each field, conflicts per field (entities
    whose records hold more than one standardised value)."""
    result = run.result
    golden = result.golden
    if not len(golden) or len(golden.columns) <= 1:
        return Section("golden", "Golden profiles",
                       '<p class="note">No golden profiles in this output (the run wrote no '
                       "<code>golden.parquet</code>).</p>")
    names = [c[: -len("__source")] for c in golden.columns if c.endswith("__source")
             and c[: -len("__source")] in golden]
    records = result.records.drop(columns=[schema.ENTITY_ID], errors="ignore").astype(
        {schema.RECORD_ID: str}).merge(
        result.clusters.astype({schema.RECORD_ID: str}), on=schema.RECORD_ID)
    sources = sorted(records[schema.SOURCE].astype(str).unique())
    rows = []
    for name in names:
        # A collect-all field keeps a list of sources: each counts.
        won = pd.Series(golden[schema.provenance(name, "source")].tolist(), dtype=object
                        ).explode().dropna().astype(str).value_counts()
        column = schema.std(name) if schema.std(name) in records else name
        conflicts: int | str = ""
        if column in records:
            values = records[[schema.ENTITY_ID, column]].dropna()
            if values[column].dtype == object:  # lists (several values) are no conflict
                values = values.loc[np.array([not isinstance(v, (list, np.ndarray))
                                              for v in values[column].tolist()], dtype=bool)]
            distinct = values.drop_duplicates().groupby(schema.ENTITY_ID).size()
            conflicts = int((distinct > 1).sum())
        rows.append([name, f"{golden[name].notna().mean():.1%}", conflicts,
                     *[int(won.get(s, 0)) for s in sources]])
    body = ['<p class="note">Won by: how many profiles took the field from each source '
            "(<code>&lt;field&gt;__source</code>; a field that collects every value counts "
            "each value's source). Conflicts: entities whose records hold "
            "more than one standardised value of the field.</p>",
            table(rows, ["field", "filled", "conflicts", *[f"won by {s}" for s in sources]])]
    return Section("golden", "Golden profiles", "".join(body))
