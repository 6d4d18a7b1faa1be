"""Self-diagnosis: a degenerate fit is detected and repaired."""

from __future__ import annotations

import numpy as np

from unifyprofile.compare import ExactMatch, TextComparison
from unifyprofile.score import FellegiSunter, diagnose, evident_pairs, fit_checked, link_bound

COMPARISONS = [ExactMatch("genre"), TextComparison("title"), TextComparison("tracks")]


def _ones(patterns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return patterns, np.ones(len(patterns), dtype=np.int64)


def _data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pattern rows of random pairs, candidates (100,000 non-matches that share a genre
    and overlap a little in title and tracks, as rare-word blocks of free text do) and
    the 300 true duplicates among them (alike titles and track lists)."""
    rng = np.random.default_rng(0)
    random = np.column_stack([rng.random(200_000) < 0.2,
                              np.where(rng.random(200_000) < 0.002, 1, 0),
                              np.zeros(200_000, dtype=int)]).astype(np.int64)
    others = np.column_stack([rng.random(100_000) < 0.7,
                              rng.choice([0, 1, 2], 100_000, p=[0.6, 0.3, 0.1]),
                              rng.choice([0, 1, 2], 100_000, p=[0.5, 0.35, 0.15])])
    matches = np.column_stack([rng.random(300) < 0.6, rng.choice([4, 5, 6], 300),
                               rng.choice([3, 4, 5, 6], 300)])
    return random, np.vstack([others, matches]).astype(np.int64), \
        np.r_[np.zeros(100_000, bool), np.ones(300, bool)]


def test_a_degenerate_fit_is_detected_and_repaired():
    random, candidates, truth = _data()

    def fit(candidate_u: bool, held: bool) -> FellegiSunter:
        return FellegiSunter(COMPARISONS, candidate_u=candidate_u).fit_counts(
            _ones(random), _ones(candidates), [(*_ones(candidates), ())], 10**9)

    def links(model: FellegiSunter) -> np.ndarray:
        return model.match_probability(model.match_weight(candidates)) >= 0.8

    first = fit(False, False)
    # Held to u from random pairs, EM calls a fifth of all candidates matches.
    assert links(first).sum() > 10 * truth.sum()
    model, diagnosis, notes = fit_checked(fit, links, candidates, 10**9)
    assert model.candidate_u
    assert diagnosis.ok
    assert any("refit is used" in note for note in notes)
    linked = links(model)
    precision = (linked & truth).sum() / linked.sum()
    recall = (linked & truth).sum() / truth.sum()
    assert precision > 0.95 and recall > 0.95


def test_a_healthy_fit_is_kept_without_notes():
    random, candidates, _ = _data()
    candidates = candidates[-600:]  # mostly the duplicates: nothing to repair

    def fit(candidate_u: bool, held: bool) -> FellegiSunter:
        return FellegiSunter(COMPARISONS, candidate_u=candidate_u).fit_counts(
            _ones(random), _ones(candidates), [(*_ones(candidates), ())], 10**9)

    model, diagnosis, notes = fit_checked(
        fit, lambda m: m.match_probability(m.match_weight(candidates)) >= 0.8,
        candidates, 10**9)
    assert not model.candidate_u
    assert notes == [] and diagnosis.ok


def test_a_model_that_links_none_of_the_evident_pairs_fails_the_check():
    model = FellegiSunter([ExactMatch("a"), ExactMatch("b")]).set_params(
        m=[[0.5, 0.5], [0.5, 0.5]], u=[[0.9999, 0.0001], [0.9999, 0.0001]], lambda_=1e-6)
    levels = np.array([[1, 1]] * 30 + [[0, 1]] * 30)
    assert evident_pairs(levels, model, 10**6).sum() == 30
    diagnosis = diagnose(model, levels, np.zeros(60, dtype=bool), 10**6)
    assert not diagnosis.ok
    assert "evident duplicates" in diagnosis.problems[0]


def test_a_check_on_pattern_counts_equals_the_check_on_every_pair():
    """An engine that counts patterns (Spark) gets the diagnosis of the pairs."""
    random, candidates, _ = _data()
    model = FellegiSunter(COMPARISONS).fit_counts(
        _ones(random), _ones(candidates), [(*_ones(candidates), ())], 10**9)
    linked = model.match_probability(model.match_weight(candidates)) >= 0.5
    per_pair = diagnose(model, candidates, linked, 10**9)
    patterns, where, counts = np.unique(candidates, axis=0, return_inverse=True,
                                        return_counts=True)
    linked_per_pattern = np.bincount(where.ravel(), weights=linked, minlength=len(patterns))
    per_pattern = diagnose(model, patterns, linked_per_pattern, 10**9, counts)
    assert per_pattern.as_dict() == per_pair.as_dict()
    assert per_pair.evident > 0


def test_a_link_with_more_pairs_than_one_record_per_entity_allows_fails_the_check():
    model = FellegiSunter([ExactMatch("a")]).set_params(
        m=[[0.1, 0.9]], u=[[0.99, 0.01]], lambda_=1e-3)
    levels = np.ones((100, 1), dtype=np.int64)
    linked = np.ones(100, dtype=bool)
    assert link_bound((30, 40), (True, True)) == 30
    assert link_bound((30, 40), (False, False)) is None
    assert diagnose(model, levels, linked, 1200, max_links=40).ok
    over = diagnose(model, levels, linked, 1200, max_links=30)
    assert not over.ok and "wider than one entity" in over.problems[0]


def test_over_the_bound_em_is_held_to_the_pairs_the_link_can_hold():
    # A link of a customer's invoices to its payments: the first fit's match class is
    # the customer (it links all 1,000 pairs, the candidate_u refit 900), the fit held
    # to 40 matches the invoice.
    def model(held: bool) -> FellegiSunter:
        return FellegiSunter([ExactMatch("a")], max_matches=40 if held else None).set_params(
            m=[[0.1, 0.9]], u=[[0.99, 0.01]], lambda_=1e-3)

    fits = {(False, False): model(False), (True, False): model(False),
            (False, True): model(True), (True, True): model(True)}
    linked = {id(fits[False, False]): np.ones(1000, dtype=bool),
              id(fits[True, False]): np.arange(1000) < 900,
              id(fits[False, True]): np.arange(1000) < 45,
              id(fits[True, True]): np.arange(1000) < 300}
    kept, diagnosis, notes = fit_checked(
        lambda candidate_u, held: fits[candidate_u, held], lambda m: linked[id(m)],
        np.ones((1000, 1), dtype=np.int64), 10**6, max_links=40)
    assert kept is fits[False, True] and diagnosis.ok and diagnosis.linked == 45
    assert any("wider than one entity" in note for note in notes)
    assert any("held to 40 pairs" in note for note in notes)


def test_em_held_to_the_bound_learns_what_tells_one_entity_from_another():
    # 100 customers x 10 invoices: every pair of a customer agrees on the name; the day
    # and the amount tell the 100 payments' own invoices from the 900 others (a fee
    # repeats, so the amount alone does not).
    comparisons = [ExactMatch("name"), ExactMatch("day"), ExactMatch("amount")]
    rng = np.random.default_rng(1)
    own = np.column_stack([np.ones(100), rng.random(100) < 0.9, rng.random(100) < 0.95])
    others = np.column_stack([np.ones(900), rng.random(900) < 0.02, rng.random(900) < 0.3])
    same = np.vstack([own, others]).astype(np.int64)
    random = (rng.random((50_000, 3)) < [0.001, 0.01, 0.01]).astype(np.int64)

    def fitted(bound: int | None) -> FellegiSunter:
        return FellegiSunter(comparisons, max_matches=bound).fit_counts(
            _ones(random), _ones(same), [(*_ones(same), [0])], 10**6)

    assert fitted(None).m_[1][1] < 0.3  # every pair of a customer taken for a match
    assert fitted(100).m_[1][1] > 0.8  # the payment on the invoice's day
