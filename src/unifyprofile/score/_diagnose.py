"""Self-diagnosis: a fitted model is checked against the pairs it was fitted on.

A Fellegi–Sunter model fitted without labels can fail quietly: EM may settle on a "match"
class that only shares a common value (a genre, a city), so that true duplicates agreeing
on every rare field are scored as non-matches and nothing links.  The data itself says
when that happened.  Some candidate pairs agree exactly on rare values of several fields
at once (the same track list and the same title; the same national id and the same date
of birth): the chance of that between two different entities, over all pairs of
records, is negligible.  Such *evident* pairs are duplicates by any reasonable model; a
model that does not link most of them is wrong, whatever its likelihood.

:func:`fit_checked` fits the model as usual and again with EM learning the candidates'
own non-match distribution (``FellegiSunter(candidate_u=True)``), checks both
(:func:`diagnose`), and keeps the refit when the first fails or is degenerate.
What it did is said in the notes, which end up in ``Result.notes`` and ``summary.json``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from unifyprofile.score._fellegi_sunter import FellegiSunter

__all__ = ["Diagnosis", "diagnose", "evident_pairs", "fit_checked", "link_bound"]

#: Bits beyond the log2 number of possible pairs that exact agreement must carry for a
#: pair to be evident (chance agreement over all pairs under 1 in 2**margin).
EVIDENT_MARGIN = 4.0
#: A healthy model links at least this share of the evident pairs.
EVIDENT_LINKED = 0.9
#: Evident pairs needed before the check judges anything.
EVIDENT_MIN = 20
#: A refit that separates matches from random pairs this many times as well as the
#: first fit shows the first fit degenerate.
DEGENERATE_RATIO = 2.5
#: A model linking more than this many times the pairs a link can hold (one record per
#: entity on a side, see :func:`link_bound`) has a match class wider than one entity.
OVER_BOUND = 3.0


@dataclass(frozen=True)
class Diagnosis:
    """What the check found.

    Attributes:
        evident: candidate pairs agreeing exactly on rare values of several fields.
        evident_linked: share of those the model links (NaN with none).
        linked: candidate pairs the model links.
        candidates: candidate pairs.
        separation: how far the model's match class stands from random pairs (the sum
            over comparisons of the divergence of ``m`` from ``u``, in nats); near 0 the
            model cannot tell matches from non-matches.
        problems: one line per failed check (empty when the model is healthy).
        max_links: the most pairs the task can hold (:func:`link_bound`), if bounded.
    """

    evident: int
    evident_linked: float
    linked: int
    candidates: int
    separation: float
    problems: tuple[str, ...] = field(default=())
    max_links: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {"evident_pairs": self.evident,
                "evident_linked": None if np.isnan(self.evident_linked)
                else round(self.evident_linked, 4),
                "linked": self.linked, "candidates": self.candidates,
                "separation": round(self.separation, 3), "problems": list(self.problems)}


def evident_pairs(levels: np.ndarray, model: FellegiSunter, total_pairs: int) -> np.ndarray:
    """Pairs whose exact agreements are together too rare to happen by chance.

    Each comparison at its exact level carries ``-log2 u(exact)`` bits; a pair is
    evident when its bits reach ``log2(total_pairs) + EVIDENT_MARGIN``.

    Examples:
        >>> from unifyprofile.compare import ExactMatch
        >>> model = FellegiSunter([ExactMatch("a"), ExactMatch("b")]).set_params(
        ...     m=[[0.1, 0.9], [0.1, 0.9]], u=[[0.999, 0.001], [0.999, 0.001]], lambda_=1e-3)
        >>> evident_pairs(np.array([[1, 1], [1, 0], [1, -1]]), model, 1000).tolist()
        [True, False, False]
    """
    bits = np.zeros(len(levels), dtype=np.float64)
    for k, comparison in enumerate(model.comparisons):
        exact = comparison.exact_level
        if exact is None:
            continue
        bits += np.where(levels[:, k] == exact, -np.log2(model.u_[k][exact]), 0.0)
    return bits >= np.log2(max(total_pairs, 2)) + EVIDENT_MARGIN


def link_bound(sizes: tuple[int, int], unique: tuple[bool, bool]) -> int | None:
    """The most pairs a link of two sides can hold when a side has one record per entity
    (``unique``): each record of the other side then links to one of its records at
    most.  ``None`` when neither side is unique.

    >>> link_bound((3000, 5000), (True, True)), link_bound((3000, 5000), (True, False))
    (3000, 5000)
    """
    bounds = [sizes[1 - k] for k in (0, 1) if unique[k]]
    return min(bounds) if bounds else None


def diagnose(model: FellegiSunter, levels: np.ndarray, linked: np.ndarray,
             total_pairs: int, counts: np.ndarray | None = None,
             max_links: int | None = None) -> Diagnosis:
    """Check a fitted model on the candidate pairs it was fitted on.

    Args:
        model: the fitted model.
        levels: the candidate pairs' comparison levels.
        linked: which of them the model links (probability at the threshold).
        total_pairs: the number of possible pairs.
        counts: with it, each row of ``levels`` is a pattern that ``counts`` pairs
            share, and ``linked`` is how many of them the model links (an engine that
            counts patterns instead of holding every pair).
        max_links: the most pairs the task can hold (:func:`link_bound`); a model that
            links over :data:`OVER_BOUND` times as many learned a class wider than one
            entity: all the invoices of one customer, not the one a payment pays.
    """
    if counts is None:
        counts = np.ones(len(levels), dtype=np.int64)
    counts = np.asarray(counts, dtype=np.int64)
    linked = np.asarray(linked, dtype=np.float64)
    evident = evident_pairs(levels, model, total_pairs)
    n_evident = int(counts[evident].sum())
    share = float(linked[evident].sum() / n_evident) if n_evident else float("nan")
    separation = sum(float(np.sum(m * np.log(m / u)))
                     for m, u in zip(model.m_, model.u_, strict=True))
    problems = []
    if n_evident >= EVIDENT_MIN and share < EVIDENT_LINKED:
        problems.append(f"links {share:.0%} of {n_evident:,} pairs that agree exactly on "
                        "rare values of several fields (evident duplicates)")
    if separation < 0.5:
        problems.append(f"its match class hardly differs from random pairs "
                        f"(separation {separation:.2f})")
    n_linked = int(linked.sum())
    if max_links is not None and n_linked > OVER_BOUND * max(max_links, 1):
        problems.append(f"links {n_linked:,} pairs where one record per entity on a side "
                        f"allows {max_links:,}: its match class is wider than one entity")
    return Diagnosis(n_evident, share, n_linked, int(counts.sum()), separation,
                     tuple(problems), max_links)


def fit_checked(fit: Callable[[bool, bool], FellegiSunter],
                links: Callable[[FellegiSunter], np.ndarray],
                levels: np.ndarray, total_pairs: int, counts: np.ndarray | None = None,
                max_links: int | None = None
                ) -> tuple[FellegiSunter, Diagnosis, list[str]]:
    """Fit, check, refit, and keep the better fit.

    The model is fitted as usual and again with EM learning the candidates' own non-match
    distribution (``candidate_u``).  The refit is kept when the first fit fails the
    check (:func:`diagnose`) and the refit does better, or when the refit separates
    matches from random pairs :data:`DEGENERATE_RATIO` times as well: EM then settled
    on a "match" class that agrees on little (a genre, a city), not on what duplicates
    share.  When the fit kept still links more than :data:`OVER_BOUND` times the pairs
    the task can hold (``max_links``), both are refitted with EM's match class held to
    that many (``FellegiSunter(max_matches=...)``), and the best of all is kept.

    Args:
        fit: fits a model; its arguments are ``candidate_u`` and whether EM is held to
            ``max_links`` matches (see :class:`FellegiSunter`).
        links: which candidate pairs a fitted model links.
        levels: the candidate pairs' levels.
        total_pairs: the number of possible pairs.
        counts: pairs per row of ``levels`` when its rows are patterns (see
            :func:`diagnose`); ``links`` then returns linked pairs per pattern.
        max_links: the most pairs the task can hold (see :func:`diagnose`).

    Returns:
        The model kept, its diagnosis, and notes saying what was found and done.
    """
    def check(fitted: FellegiSunter) -> Diagnosis:
        return diagnose(fitted, levels, links(fitted), total_pairs, counts, max_links)

    model, diagnosis, notes = _refitted(fit, check)
    if max_links is None or diagnosis.linked <= OVER_BOUND * max(max_links, 1):
        return model, diagnosis, notes
    for candidate_u in (False, True):
        refit = fit(candidate_u, True)
        checked = check(refit)
        if _better(checked, diagnosis):
            model, diagnosis = refit, checked
    if model.max_matches is None:
        notes.append(f"self-check: refits with EM's match class held to {max_links:,} "
                     "pairs did no better")
    else:
        notes.append(f"self-check: refitted with EM's match class held to {max_links:,} "
                     "pairs; the refit " + ("passes" if diagnosis.ok else
                                            "; ".join(diagnosis.problems)) + " and is used")
    return model, diagnosis, notes


def _refitted(fit: Callable[[bool, bool], FellegiSunter],
              check: Callable[[FellegiSunter], Diagnosis]
              ) -> tuple[FellegiSunter, Diagnosis, list[str]]:
    """The first fit or the ``candidate_u`` refit (see :func:`fit_checked`)."""
    model = fit(False, False)
    diagnosis = check(model)
    other = fit(True, False)
    again = check(other)
    notes = [f"self-check: the fitted model {p}" for p in diagnosis.problems]
    degenerate = again.ok and again.separation >= DEGENERATE_RATIO * max(
        diagnosis.separation, 1e-9)
    if degenerate:
        notes.append(f"self-check: the fitted model separates matches from random pairs "
                     f"{again.separation / max(diagnosis.separation, 1e-9):.1f} times less "
                     "well than a refit with EM learning the candidates' own non-match "
                     "distribution; the refit is used")
        return other, again, notes
    if not diagnosis.ok and _better(again, diagnosis):
        notes.append("self-check: refitted with EM learning the candidates' own "
                     "non-match distribution; the refit "
                     + ("passes" if again.ok else "; ".join(again.problems))
                     + " and is used")
        return other, again, notes
    if not diagnosis.ok:
        notes.append("self-check: a refit with EM learning the candidates' own non-match "
                     "distribution did no better; the first fit is kept")
    return model, diagnosis, notes


def _better(new: Diagnosis, old: Diagnosis) -> bool:
    if new.ok != old.ok:
        return new.ok
    if not np.isnan(new.evident_linked) and not np.isnan(old.evident_linked) \
            and abs(new.evident_linked - old.evident_linked) > 0.05:
        return new.evident_linked > old.evident_linked
    if new.max_links is not None \
            and max(new.linked, old.linked) > OVER_BOUND * max(new.max_links, 1):
        # Over the bound, the fit whose match class is nearer one entity is better.
        return new.linked < old.linked
    return new.separation > old.separation
