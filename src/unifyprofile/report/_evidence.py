"""Waterfalls of single pairs (why the model scored them so) and the sections that need
ground truth: precision against recall, the threshold sweep, the false positives and
false negatives with their waterfalls."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from unifyprofile import schema
from unifyprofile.errors import ConfigError
from unifyprofile.evaluate import (
    bcubed,
    blocking_recall,
    cluster_pair_scores,
    pair_scores,
    threshold_sweep,
    true_pairs,
)
from unifyprofile.report._html import Section, escape, table
from unifyprofile.report._sections import Run
from unifyprofile.report._svg import Bar, line, waterfall

__all__ = ["TRUTH_LABELS", "TruthFacts", "near_threshold", "pair_waterfall", "read_truth",
           "truth_facts", "truth_section", "waterfalls_section"]

#: The column of a truth file holding the true person of each record, first found wins.
TRUTH_LABELS = ("person_id", "cluster_id", "entity_id", "truth", "label")

#: How many false positives and how many false negatives get a waterfall.
ERRORS_SHOWN = 10


def read_truth(path: str | Path) -> pd.Series:
    """A truth file as record id -> true person: a CSV with ``record_id`` and one of
    :data:`TRUTH_LABELS` (``examples/cx_demo/truth.csv``: ``record_id,person_id``).

    Raises:
        ConfigError: no such file, or it lacks the columns.

    Examples:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "t.csv").write_text("record_id,person_id\\ncrm:1,P1\\nweb:9,P1\\n")
        >>> read_truth(folder / "t.csv").to_dict()
        {'crm:1': 'P1', 'web:9': 'P1'}
    """
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"--truth {file}: no such file; give a CSV of record_id and "
                          "person_id (one row per record)")
    frame = pd.read_csv(file, dtype=str, keep_default_na=False, na_values=[""])
    label = next((c for c in TRUTH_LABELS if c in frame.columns), None)
    if schema.RECORD_ID not in frame.columns or label is None:
        raise ConfigError(f"--truth {file}: expected the columns record_id and one of "
                          f"{', '.join(TRUTH_LABELS)} (got {', '.join(frame.columns)})")
    if frame[schema.RECORD_ID].duplicated().any():
        raise ConfigError(f"--truth {file}: a record_id appears twice; give each record "
                          "one true person")
    return frame.set_index(schema.RECORD_ID)[label].rename("person_id")


def pair_waterfall(run: Run, a: str, b: str, why: str, *, key: str, opened: bool = False
                   ) -> str:
    """One pair as a collapsible block: a waterfall (prior, then each comparison's log2
    Bayes factor, then the total log-odds) and the values side by side."""
    result = run.result
    explanation = result.explain(a, b)
    direct = explanation.direct.iloc[0]
    evidence = explanation.evidence
    prior = result.model.prior_weight
    steps = [Bar("prior (λ)", prior)] + [
        Bar(f"{r.comparison}: {r.label}", float(r.log2_bayes_factor))
        for r in evidence.itertuples()]
    probability = float(direct["match_probability"])
    rule = direct["rule"]
    head = (f"{escape(a)} – {escape(b)} · probability {probability:.3f} · "
            f"{'linked' if bool(direct['linked']) else 'not linked'}"
            f"{f' (rule {escape(rule)})' if isinstance(rule, str) and rule else ''}"
            f" · {escape(why)}")
    values = evidence[["comparison", "value_l", "value_r", "label", "log2_bayes_factor"]]
    values = values.assign(log2_bayes_factor=values["log2_bayes_factor"].map(
        lambda v: f"{v:+.2f}"))
    return (f'<details class="pair"{" open" if opened else ""}><summary>{head}</summary>'
            + waterfall(f"waterfall-{key}", f"evidence for {a} and {b}", steps)
            + f'<p class="note">{escape(explanation.reason)}</p>'
            + table(values.rename(columns={"value_l": a, "value_r": b,
                                           "log2_bayes_factor": "log2 BF"}))
            + "</details>")


def near_threshold(run: Run, n: int) -> list[tuple[str, str]]:
    """The ``n`` scored pairs nearest the threshold (as :meth:`Result.review` picks
    them: no rule-linked or vetoed pair, ties by record id)."""
    if not len(run.result.pairs):
        return []
    picked = run.result.review(max(n + n // 4 + 1, 2))
    picked = picked[picked["why"] == "near the threshold"].head(n)
    return list(zip(picked["record_id_l"].tolist(), picked["record_id_r"].tolist(),
                    strict=True))


def waterfalls_section(run: Run, largest: pd.DataFrame, near: int = 6,
                       entities: int = 3) -> Section:
    """Waterfalls for pairs near the threshold and for the weakest link of the largest
    entities."""
    body = ['<p class="note">Each bar adds one comparison\'s log2 Bayes factor to the prior '
            "log-odds; the total is the pair's log2 odds of being one person. The tables "
            "show both records' values: share this file as you would share the data.</p>",
            "<h3>Pairs nearest the threshold</h3>"]
    shown = [pair_waterfall(run, a, b, "near the threshold", key=f"near-{k}", opened=k == 0)
             for k, (a, b) in enumerate(near_threshold(run, near))]
    body.append("".join(shown) or '<p class="note">No scored pairs.</p>')
    body.append("<h3>Weakest links of the largest entities</h3>")
    links = largest.dropna(subset=["weakest_record_id_l"]).head(entities)
    shown = [pair_waterfall(run, str(r.weakest_record_id_l), str(r.weakest_record_id_r),
                            f"weakest link of {r.entity_id} ({r.records} records)",
                            key=f"entity-{k}")
             for k, r in enumerate(links.itertuples())]
    body.append("".join(shown) or '<p class="note">No entity has a link.</p>')
    return Section("waterfalls", "Waterfalls", "".join(body))


def _keys(left: pd.Series, right: pd.Series) -> np.ndarray:
    lo = np.where(left.to_numpy(dtype=str) <= right.to_numpy(dtype=str),
                  left.to_numpy(dtype=str), right.to_numpy(dtype=str))
    hi = np.where(left.to_numpy(dtype=str) <= right.to_numpy(dtype=str),
                  right.to_numpy(dtype=str), left.to_numpy(dtype=str))
    return np.char.add(np.char.add(lo.astype(str), "\x00"), hi.astype(str))


class TruthFacts:
    """What the truth says about a run: the true pairs, blocking recall, the sweep."""

    def __init__(self, truth: pd.Series, kept: pd.Series, true: pd.DataFrame,
                 recall: float, sweep: pd.DataFrame) -> None:
        self.truth, self.kept, self.true, self.recall, self.sweep = (
            truth, kept, true, recall, sweep)


def truth_facts(run: Run) -> TruthFacts:
    """The truth restricted to the run's records, its pairs, blocking recall and the
    threshold sweep over the candidate pairs."""
    assert run.truth is not None
    ids = set(run.result.clusters[schema.RECORD_ID].astype(str))
    truth = run.truth[run.truth.index.astype(str).isin(ids)]
    true = true_pairs(truth)
    pairs = run.result.pairs[["record_id_l", "record_id_r", "match_probability"]].astype(
        {"record_id_l": str, "record_id_r": str})
    recall = blocking_recall(pairs[["record_id_l", "record_id_r"]], true)
    sweep = threshold_sweep(pairs, true)
    return TruthFacts(run.truth, truth, true, recall, sweep)


def truth_section(run: Run, facts: TruthFacts) -> Section:
    """Precision against recall, a threshold sweep, cluster scores, and the false
    positives and false negatives (capped) with their waterfalls."""
    result = run.result
    true = facts.true
    links = result.links[["record_id_l", "record_id_r"]].astype(str)
    at_run = pair_scores(links, true)
    predicted = result.clusters.astype({schema.RECORD_ID: str}).set_index(
        schema.RECORD_ID)[schema.ENTITY_ID]
    truth = facts.kept.reindex(predicted.index)
    truth = truth.fillna(pd.Series("singleton:" + predicted.index, index=predicted.index))
    clusters = cluster_pair_scores(predicted, truth)
    records = bcubed(predicted, truth)
    sweep = facts.sweep[facts.sweep["predicted"] > 0]
    chart = line("precision-recall", "precision against recall over the threshold",
                 sweep["recall"].tolist(), sweep["precision"].tolist(),
                 x_label="recall (of all true pairs)", y_label="precision",
                 point=(at_run.recall, at_run.precision))
    marks = sorted({0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, result.config.threshold})
    table_rows = threshold_sweep(
        result.pairs[["record_id_l", "record_id_r", "match_probability"]].astype(
            {"record_id_l": str, "record_id_r": str}), true, marks)
    table_rows = table_rows.assign(**{c: table_rows[c].map(lambda v: f"{v:.3f}")
                                      for c in ("precision", "recall", "f1")})
    missing = len(facts.truth) - len(facts.kept)
    scores = [["pairwise (links)", *(f"{getattr(at_run, c):.4f}"
                                     for c in ("precision", "recall", "f1"))],
              ["pairwise (clusters)", *(f"{getattr(clusters, c):.4f}"
                                        for c in ("precision", "recall", "f1"))],
              ["B-cubed", *(f"{getattr(records, c):.4f}" for c in ("precision", "recall", "f1"))]]
    body = [f'<p class="note">Truth: {len(facts.kept):,} records of this run, '
            f"{facts.kept.nunique():,} people, {len(true):,} true pairs"
            + (f"; {missing:,} records of the truth file are not in the run (rejected or "
               "from elsewhere)" if missing else "") + ".</p>",
            table(scores, ["metric", "precision", "recall", "F1"]),
            '<div class="grid"><div>', chart, "</div><div>",
            table(table_rows, caption="threshold sweep over the candidate pairs (the "
                  "probability alone; rules and guards aside)"), "</div></div>"]
    keyed = result.pairs.astype({"record_id_l": str, "record_id_r": str})
    pair_key = _keys(keyed["record_id_l"], keyed["record_id_r"])
    true_key = _keys(true["record_id_l"], true["record_id_r"]) if len(true) else \
        np.array([], dtype=str)
    is_true = np.isin(pair_key, true_key)
    linked = keyed["linked"].to_numpy(dtype=bool)
    fp = keyed[linked & ~is_true].sort_values(
        ["match_probability", "record_id_l", "record_id_r"],
        ascending=[False, True, True], kind="stable")
    linked_keys = pair_key[linked]
    missed = true[~np.isin(true_key, linked_keys)] if len(true) else true
    probability = pd.Series(keyed["match_probability"].to_numpy(), index=pair_key)
    missed = missed.assign(match_probability=probability.reindex(
        _keys(missed["record_id_l"], missed["record_id_r"])).to_numpy() if len(missed)
        else np.zeros(0))
    missed = missed.sort_values(["match_probability", "record_id_l", "record_id_r"],
                                ascending=[False, True, True], na_position="last",
                                kind="stable")
    never = int(missed["match_probability"].isna().sum()) if len(missed) else 0
    body.append(_errors(run, fp, "false positive", "fp",
                        f"False positives ({len(fp):,} linked pair(s) of two people)",
                        "The most probable first"))
    body.append(_errors(run, missed, "false negative", "fn",
                        f"False negatives ({len(missed):,} true pair(s) not linked, "
                        f"{never:,} of them never compared)",
                        "Scored pairs first, the most probable first"))
    return Section("truth", "Against the truth", "".join(body))


def _errors(run: Run, pairs: pd.DataFrame, label: str, key: str, title: str,
            order: str) -> str:
    """A heading, how the pairs are ordered, and the waterfalls of the first
    :data:`ERRORS_SHOWN` of ``pairs``."""
    shown = "".join(pair_waterfall(run, r.record_id_l, r.record_id_r, label, key=f"{key}-{k}")
                    for k, r in enumerate(pairs.head(ERRORS_SHOWN).itertuples()))
    return (f"<h3>{title}</h3><p class=\"note\">{order}; at most {ERRORS_SHOWN}.</p>"
            + (shown or '<p class="note">None.</p>'))
