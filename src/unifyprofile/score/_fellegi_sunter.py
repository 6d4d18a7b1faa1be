"""The Fellegi–Sunter model: m and u per comparison level, fitted without labels.

``u`` (how often a level occurs among non-matching pairs) comes from random pairs, which
are almost all non-matches, except on the exact level, which is counted over all pairs
(see ``FellegiSunter.fit_counts``).  ``m`` (how often among matches) comes from EM on the
candidate pairs.  EM runs on the counts of distinct comparison patterns, not on pairs, so
it costs the same for ten thousand pairs as for a hundred million.

After every M-step the Bayes factors ``m/u`` of each comparison are made non-decreasing
in the level (pool-adjacent-violators weighted by ``u``), so the model can never learn that
closer agreement is evidence *against* a match — the failure that makes unconstrained EM
conclude that true duplicates often have birth dates years apart.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from unifyprofile import compare
from unifyprofile.compare import (
    Comparison,
    PreparedComparison,
    comparison_from_config,
)
from unifyprofile.errors import DataError, NotFittedError
from unifyprofile.schema import NULL_LEVEL

__all__ = ["FellegiSunter", "agreement_counts", "monotone_m", "weight_histogram"]

_FORMAT_VERSION = 1

#: Starting shares of matches among the pairs for EM (see ``FellegiSunter._em``).
EM_STARTS = (0.1, 0.01, 0.001)
#: Expected matches a training session's EM must find for its m to count in the median
#: over sessions.
SESSION_MIN_MATCHES = 20.0
#: Pairs weighed at once by :meth:`FellegiSunter.match_weight`.
WEIGHT_CHUNK = 1 << 20
#: :func:`weight_histogram` counts match weights in bins of 1/WEIGHT_BINS_PER_BIT bit,
#: from -WEIGHT_SPAN to +WEIGHT_SPAN bits (beyond, a posterior is 0 or 1 at any prior).
WEIGHT_BINS_PER_BIT = 64
WEIGHT_SPAN = 64


def weight_histogram(weight: np.ndarray) -> np.ndarray:
    """Match weights counted in fixed bins (see :meth:`FellegiSunter.fit_lambda_to`):
    histograms of parts of the pairs add up to the histogram of all of them.

    >>> h = weight_histogram(np.array([0.0, 0.001, 1.0, 500.0]))
    >>> int(h.sum()), int(h.max()), float(_bin_weight(np.flatnonzero(h))[-1])
    (4, 2, 64.0)
    """
    bins = np.rint(np.clip(weight, -WEIGHT_SPAN, WEIGHT_SPAN) * WEIGHT_BINS_PER_BIT)
    return np.bincount(bins.astype(np.int64) + WEIGHT_SPAN * WEIGHT_BINS_PER_BIT,
                       minlength=2 * WEIGHT_SPAN * WEIGHT_BINS_PER_BIT + 1)


def _bin_weight(bins: np.ndarray) -> np.ndarray:
    """The match weight at the middle of each :func:`weight_histogram` bin."""
    return (np.asarray(bins, dtype=np.float64) - WEIGHT_SPAN * WEIGHT_BINS_PER_BIT
            ) / WEIGHT_BINS_PER_BIT


def monotone_m(m: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Closest ``m`` (same total) whose ratios ``m/u`` do not decrease with the level.

    Pool-adjacent-violators on the ratios with weights ``u``: a pooled block gets the
    ratio ``sum(m) / sum(u)``, which keeps ``sum(m)`` unchanged.

    >>> monotone_m(np.array([0.2, 0.1, 0.7]), np.array([0.5, 0.4, 0.1])).round(3).tolist()
    [0.167, 0.133, 0.7]
    """
    blocks: list[list[float]] = []  # [sum_m, sum_u, count]
    for mi, ui in zip(m.tolist(), u.tolist(), strict=True):
        blocks.append([mi, ui, 1])
        while len(blocks) > 1 and blocks[-2][0] * blocks[-1][1] > blocks[-1][0] * blocks[-2][1]:
            last = blocks.pop()
            blocks[-1][0] += last[0]
            blocks[-1][1] += last[1]
            blocks[-1][2] += last[2]
    out: list[float] = []
    start = 0
    for sum_m, sum_u, count in blocks:
        ratio = sum_m / sum_u
        out.extend(ratio * u[start:start + int(count)])
        start += int(count)
    return np.asarray(out, dtype=np.float64)


class FellegiSunter:
    """Unsupervised Fellegi–Sunter model over a list of comparisons.

    Args:
        comparisons: the comparisons whose levels the pairs carry, in column order.
        max_iter: EM iterations at most.
        tol: stop when no m-probability moves more than this.
        u_sample_pairs: random pairs drawn to estimate ``u``.
        monotone: keep ``m/u`` non-decreasing in the level of each comparison whose
            levels are ordered (:attr:`~unifyprofile.compare.Comparison.ordered`).
        tf_adjust: use term-frequency adjusted weights on exact agreement for the
            comparisons that ask for it.
        u_refinements: times ``u`` is re-estimated from the random pairs weighted by
            their chance of being non-matches under the current model.
        seed: seed of the random pair sample; same data + seed -> same model.
        candidate_u: in EM, learn the non-matching candidates' own distribution instead
            of holding it to ``u`` from random pairs.  Candidates share a blocking key,
            so the non-matches among them agree far more often than random pairs do;
            when true duplicates are few among many candidates (a rare-word block of
            free text), holding them to ``u`` makes EM call nearly every candidate a
            match and learn an ``m`` that agrees on nothing in particular.  Learning their
            own distribution keeps the match class to pairs far more alike than
            candidates usually are.  Only ``m`` is kept: scoring uses ``u`` from random
            pairs either way.  :func:`unifyprofile.score.fit_checked` chooses.
        max_matches: the most matching pairs the task can hold (a link with one record
            per entity on a side, :func:`unifyprofile.score.link_bound`): when EM's
            match class holds more, EM runs again held to that many.  Linking a
            customer's payments to its invoices, every pair of one customer agrees on
            name, account and amount; EM would call them all matches and learn nothing
            from the dates that tell which invoice a payment pays.  Held to one match
            per record, it must.  :func:`unifyprofile.score.fit_checked` sets it when
            a fit links too much.

    Attributes:
        m_: list of arrays, one per comparison, P(level | match).
        u_: list of arrays, P(level | non-match).
        lambda_: probability that two records drawn at random are a match.
        n_iter_: EM iterations run.

    Examples:
        >>> import numpy as np
        >>> from unifyprofile.compare import ExactMatch
        >>> model = FellegiSunter([ExactMatch("email")])
        >>> model = model.set_params(m=[[0.1, 0.9]], u=[[0.99, 0.01]], lambda_=0.5)
        >>> round(float(model.match_weight(np.array([[1]]))[0]), 3)
        6.492
    """

    def __init__(self, comparisons: Sequence[Comparison], *, max_iter: int = 100,
                 tol: float = 1e-6, u_sample_pairs: int = 1_000_000, monotone: bool = True,
                 tf_adjust: bool = True, u_refinements: int = 2, seed: int = 0,
                 candidate_u: bool = False, max_matches: int | None = None) -> None:
        self.comparisons = tuple(comparisons)
        self.max_matches = max_matches
        self.max_iter = max_iter
        self.tol = tol
        self.u_sample_pairs = u_sample_pairs
        self.monotone = monotone
        self.tf_adjust = tf_adjust
        self.u_refinements = u_refinements
        self.seed = seed
        self.candidate_u = candidate_u
        #: What the self-check found (set by the resolver's fit; None until then).
        self.diagnosis_: Any = None
        #: Notes of the self-check (what was found and done).
        self.notes_: list[str] = []

    # ---------------------------------------------------------------- fitting
    def fit(self, levels: np.ndarray, prepared: Sequence[PreparedComparison],
            n_records: int, side: np.ndarray | None = None,
            sessions: Sequence[tuple[np.ndarray, Sequence[int]]] | None = None,
            order: np.ndarray | None = None) -> FellegiSunter:
        """Estimate ``u`` from random pairs (and exact agreement from the value counts of
        ``prepared``), then ``m`` and ``lambda`` by EM on ``levels``.

        Args:
            levels: int8 matrix, one row per candidate pair, one column per comparison.
            prepared: the comparisons prepared on the records (for random pairs).
            n_records: number of records.
            side: 0/1 per record in link-only mode; random pairs then cross sides.
            sessions: training sessions, each ``(pair_mask, fixed)``: EM runs on the pairs
                of ``pair_mask`` with the comparisons listed in ``fixed`` left out.  Pass
                one session per blocking rule with the comparisons of that rule's fields
                fixed: inside a block every pair agrees on those fields, matching or not,
                so they carry no information there and would teach EM that agreement is
                common among matches.  ``m`` of each comparison is the average over the
                sessions that trained it, weighted by their expected matches.  Default:
                one session over all pairs.
            order: record positions in a canonical order (e.g. sorted by record id);
                random pairs are drawn by rank in this order, so the model does not
                depend on the order the rows arrived in.  Default: row order.
        """
        return self.fit_counts(*self.fit_inputs(levels, prepared, n_records, side,
                                                sessions, order))

    def fit_inputs(self, levels: np.ndarray, prepared: Sequence[PreparedComparison],
                   n_records: int, side: np.ndarray | None = None,
                   sessions: Iterable[tuple[np.ndarray, Sequence[int]]] | None = None,
                   order: np.ndarray | None = None) -> tuple[Any, Any, Any, int, Any]:
        """What :meth:`fit` passes to :meth:`fit_counts` (the random pairs drawn and
        compared, the pattern counts, the exact agreement per comparison): computed once,
        several fits can share it.

        ``sessions`` may be a generator: each session's pair mask is read once, so only
        one needs to be held at a time."""
        self._check_levels(levels)
        sizes = [len(c.level_names) for c in self.comparisons]
        if side is None:
            total_pairs = n_records * (n_records - 1) // 2
        else:
            total_pairs = int((side == 0).sum()) * int((side == 1).sum())
        # The candidates' distinct patterns are found once (one sort); each session's
        # are counted from them, a subset in the same order.
        patterns, inverse = _pattern_index(levels, sizes)
        counted = []
        for mask, fixed in sessions if sessions is not None else ():
            counts = np.bincount(inverse[mask], minlength=len(patterns))
            held = counts > 0
            counted.append((patterns[held], counts[held], fixed))
        if not counted:  # one session of every pair
            counts = np.bincount(inverse, minlength=len(patterns))
            held = counts > 0
            counted.append((patterns[held], counts[held], ()))
        return (_patterns(self._random_levels(prepared, n_records, side, order), sizes),
                (patterns, np.bincount(inverse, minlength=len(patterns))),
                counted, total_pairs,
                [None if p.value_codes is None else agreement_counts(p.value_codes, side)
                 for p in prepared])

    def fit_counts(self, random: tuple[np.ndarray, np.ndarray],
                   pairs: tuple[np.ndarray, np.ndarray],
                   sessions: Sequence[tuple[np.ndarray, np.ndarray, Sequence[int]]],
                   total_pairs: int,
                   agreement: Sequence[tuple[int, int] | None] | None = None
                   ) -> FellegiSunter:
        """:meth:`fit` from counts of level patterns, for engines that count them apart.

        ``u`` of each level comes from the random pairs, each weighed by its chance of
        being a non-match, except on the exact level of a comparison with ``agreement``.
        Random pairs cannot measure how rarely strangers share an identifier: among a
        million of them two people share an e-mail address perhaps never, and add-one
        smoothing then sets ``u`` near one in a million whatever the size of the table.
        The prior of a match falls as the table grows, so at a million records that
        floor left a shared e-mail address alone too weak to link anyone.  The exact
        level is counted instead: every pair that agrees exactly, less the matches the
        model expects among the candidates that agree; agreeing pairs that were never
        candidates count as non-matches, as they do for ``lambda``.

        Args:
            random: ``(patterns, counts)`` of the random pairs that estimate ``u``:
                ``patterns`` is an int matrix of level rows (one column per comparison),
                ``counts`` how many pairs have each row.  Rows may repeat and come in
                any order.
            pairs: ``(patterns, counts)`` of all candidate pairs.
            sessions: ``(patterns, counts, fixed)`` per training session: the pairs of
                the session and the comparisons it leaves out (see :meth:`fit`).
            total_pairs: number of possible pairs (``n (n - 1) / 2`` when deduplicating).
            agreement: per comparison, ``(agreeing, present)``: the pairs of all records
                that agree exactly, and those where both records hold a value
                (:func:`agreement_counts`); ``None`` leaves that comparison's exact
                level to the random pairs.
        """
        sizes = [len(c.level_names) for c in self.comparisons]
        sample, sample_counts = _merge_patterns(*random, sizes)
        self.u_ = self._u_from(sample, sample_counts)
        everything = _merge_patterns(*pairs, sizes)
        trained = []
        for patterns, counts, fixed in sessions:
            if np.sum(counts) > 0 and len(fixed) < len(sizes):
                sub = np.array(patterns, dtype=np.int64, copy=True).reshape(-1, len(sizes))
                sub[:, list(fixed)] = -1
                trained.append((_merge_patterns(sub, counts, sizes), set(fixed)))
        for _ in range(self.u_refinements + 1):
            self.m_ = self._train_m(trained, everything)
            self.lambda_ = self._fit_lambda(*everything, total_pairs)
            # Random pairs include a few true matches, and for identifiers (e-mail, phone)
            # they dominate the agreements: weigh each random pair by its chance of being
            # a non-match, or u overstates how often strangers share an e-mail.
            post = _posterior(sample, [np.log(x) for x in self.m_],
                              [np.log(x) for x in self.u_], self.lambda_)
            self.u_ = self._u_from(sample, sample_counts * (1.0 - post))
            if agreement is not None:
                self.u_ = self._exact_u(everything, agreement)
        self.lambda_ = self._fit_lambda(*everything, total_pairs)
        return self

    def _train_m(self, sessions: list[tuple[tuple[np.ndarray, np.ndarray], set[int]]],
                 everything: tuple[np.ndarray, np.ndarray]) -> list[np.ndarray]:
        """m per comparison from the sessions that trained it: the median over those
        whose match class holds at least :data:`SESSION_MIN_MATCHES` pairs, when there
        are three or more (else their expected-match-weighted mean); EM on all pairs for
        a comparison no session trained.

        The median, not a mean weighted by expected matches: on a loose rule (same
        first name in the same city) EM may call most pairs of a large session
        matches, agreeing on little but the rule's own fields; weighted by the matches
        it claims, that one session would set m for every comparison (different
        surnames "common among matches"), and names alone would link strangers.
        """
        k = len(self.comparisons)
        trained: list[list[tuple[np.ndarray, float]]] = [[] for _ in range(k)]
        for (patterns, counts), fixed in sessions:
            m, lam = self._em(patterns, counts)
            expected = lam * float(counts.sum())
            for c in range(k):
                if c not in fixed:
                    trained[c].append((m[c], expected))
        fallback = None
        out = []
        for c in range(k):
            estimates = trained[c]
            voting = [m for m, expected in estimates if expected >= SESSION_MIN_MATCHES]
            if len(voting) >= 3:
                median = np.median(np.vstack(voting), axis=0)
                out.append(median / median.sum())
                continue
            total = sum(expected for _, expected in estimates)
            if total > 0:
                out.append(sum(expected * m for m, expected in estimates) / total)
                continue
            if fallback is None:
                fallback, _ = self._em(*everything)
            out.append(fallback[c])
        return out

    def random_ranks(self, n: int, sides: tuple[int, int] | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
        """The random pairs ``u`` is estimated from, as ranks in the canonical record order
        (deduplication), before self pairs are dropped.  Engines that cannot hold the
        order in memory map ranks to records themselves.

        Args:
            n: number of records.
            sides: for a link task, the records on each side: ranks are then the
                left record's rank among the left records and the right record's among
                the right records (each side in the canonical order).
        """
        rng = np.random.default_rng(self.seed)
        size = int(min(self.u_sample_pairs, max(n * (n - 1) // 2, 1) * 4))
        if sides is None:
            return rng.integers(0, n, size), rng.integers(0, n, size)
        return rng.integers(0, sides[0], size), rng.integers(0, sides[1], size)

    def _random_levels(self, prepared: Sequence[PreparedComparison], n: int,
                       side: np.ndarray | None, order: np.ndarray | None) -> np.ndarray:
        ranked = np.arange(n) if order is None else np.asarray(order, dtype=np.int64)
        if side is None:
            ri, rj = self.random_ranks(n)
            i, j = ranked[ri], ranked[rj]
        else:
            left, right = ranked[side[ranked] == 0], ranked[side[ranked] == 1]
            ri, rj = self.random_ranks(n, (len(left), len(right)))
            i, j = left[ri], right[rj]
        keep = i != j
        i, j = np.minimum(i[keep], j[keep]), np.maximum(i[keep], j[keep])
        return np.column_stack([prep.levels(i, j) for prep in prepared]).astype(np.int8)

    def _exact_u(self, everything: tuple[np.ndarray, np.ndarray],
                 agreement: Sequence[tuple[int, int] | None]) -> list[np.ndarray]:
        """``u`` with each exact level counted (see :meth:`fit_counts`): the non-matches
        among all agreeing pairs over all pairs where both hold a value; the other
        levels keep their shares of the rest."""
        patterns, counts = everything
        post = _posterior(patterns, [np.log(x) for x in self.m_],
                          [np.log(x) for x in self.u_], self.lambda_)
        out = []
        for k, comparison in enumerate(self.comparisons):
            u = self.u_[k]
            exact = comparison.exact_level
            counted = agreement[k]
            if counted is None or exact is None or counted[1] <= 0:
                out.append(u)
                continue
            agreeing, present = counted
            at = patterns[:, k] == exact
            matches = float((counts[at] * post[at]).sum())
            # At least one pair, and room left for the other levels (add-one, as
            # :meth:`_u_from` smooths): three records may make a single pair.
            exact_u = max(agreeing - matches, 1.0) / (present + len(u))
            rest = u.sum() - u[exact]
            u = u * ((1.0 - exact_u) / rest if rest > 0 else 0.0)
            u[exact] = exact_u
            out.append(u)
        return out

    def _u_from(self, patterns: np.ndarray, weight: np.ndarray) -> list[np.ndarray]:
        u = []
        for k, comparison in enumerate(self.comparisons):
            size = len(comparison.level_names)
            lv = patterns[:, k]
            present = lv >= 0
            counts = np.bincount(lv[present], weights=weight[present], minlength=size)[:size]
            # Add-one smoothing: a level never seen among random pairs is rare, not impossible.
            u.append((counts + 1.0) / (counts.sum() + size))
        return u

    def _em(self, patterns: np.ndarray, counts: np.ndarray) -> tuple[list[np.ndarray], float]:
        """EM over pattern counts with ``u`` fixed; returns ``m`` and ``lambda``.

        EM is run from several starting shares of matches (:data:`EM_STARTS`): with few
        true duplicates among many candidates, a start with too many matches settles on
        a "match" class that only shares a common value (a genre, a city).  The fit kept
        is the one whose match class stands furthest from random pairs (the largest sum
        over comparisons of the divergence of ``m`` from ``u``): true duplicates agree on
        what strangers rarely agree on.
        """
        best = self._best_em(patterns, counts, 1.0 - 1e-9)
        total = float(np.sum(counts))
        if self.max_matches is not None and best[2] * total > max(self.max_matches, 1):
            # More matches than the task can hold: held to the bound, EM must choose.
            best = self._best_em(patterns, counts, max(self.max_matches, 1) / total)
        self.n_iter_ = best[3]
        return best[1], best[2]

    def _best_em(self, patterns: np.ndarray, counts: np.ndarray, cap: float
                 ) -> tuple[float, list[np.ndarray], float, int]:
        """(separation, m, lambda, iterations) of the best of the :data:`EM_STARTS`."""
        best: tuple[float, list[np.ndarray], float, int] | None = None
        for start in EM_STARTS:
            m, lam, iterations = self._em_from(patterns, counts, min(start, cap), cap)
            separation = sum(float(np.sum(mk * np.log(mk / uk)))
                             for mk, uk in zip(m, self.u_, strict=True))
            if best is None or separation > best[0] + 1e-9:
                best = (separation, m, lam, iterations)
        assert best is not None
        return best

    def _em_from(self, patterns: np.ndarray, counts: np.ndarray, lam: float,
                 cap: float = 1.0 - 1e-9) -> tuple[list[np.ndarray], float, int]:
        """EM from a starting share of matches ``lam`` (at most ``cap``): ``m`` learned,
        the non-matches held to ``u`` (or, with ``candidate_u``, their own distribution
        learned too, starting from ``u``; see the class docs)."""
        free = self.candidate_u
        counts = counts.astype(float)
        m = [_initial_m(len(c.level_names)) for c in self.comparisons]
        v = [u.copy() for u in self.u_]
        iterations = 0
        if counts.sum() == 0:  # no candidate pairs: nothing to learn m from
            return m, 1e-9, 0
        # Per comparison, each pattern's level with missing ones in a bin of their own
        # past the last level (counted, then dropped), so no iteration selects rows.
        binned = [np.where(patterns[:, k] >= 0, patterns[:, k], len(m[k])) for k in range(len(m))]
        for _ in range(self.max_iter):
            iterations += 1
            odds = _log_odds(patterns, [np.log(x) for x in m], [np.log(x) for x in v], lam)
            post = _held_to(odds, counts, cap * counts.sum()) if cap < 1.0 - 1e-9 \
                else _sigmoid(odds)
            weight = counts * post
            other = counts - weight
            lam = float(np.clip(weight.sum() / counts.sum(), 1e-9, cap))
            delta = 0.0
            for k in range(len(m)):
                size = len(m[k])
                new = np.bincount(binned[k], weights=weight, minlength=size + 1)[:size]
                new = (new + 1e-3) / (new.sum() + 1e-3 * size)
                if free:
                    rest = np.bincount(binned[k], weights=other, minlength=size + 1)[:size]
                    v[k] = (rest + 1e-3) / (rest.sum() + 1e-3 * size)
                if self.monotone and self.comparisons[k].ordered:
                    new = monotone_m(new, v[k])
                delta = max(delta, float(np.abs(new - m[k]).max()))
                m[k] = new
            if delta < self.tol:
                break
        return m, lam, iterations

    def _fit_lambda(self, patterns: np.ndarray, counts: np.ndarray, total_pairs: int) -> float:
        """Probability that two random records match, with ``m`` and ``u`` held fixed.

        Pairs outside the candidates are taken as non-matches, so the expected number of
        matches is the sum of the candidates' posteriors, and ``lambda`` is that over
        ``total_pairs``: a fixed point found by iteration.  Using the prior of a *random*
        pair (not of a candidate) is what keeps two records that share only a common
        name from being linked.
        """
        counts = counts.astype(float)
        log_m = [np.log(x) for x in self.m_]
        log_u = [np.log(x) for x in self.u_]
        total = float(max(total_pairs, counts.sum(), 1))
        lam = max(counts.sum() / total * 0.5, 1e-12)
        for _ in range(self.max_iter * 5):
            post = _posterior(patterns, log_m, log_u, lam)
            new = float(np.clip((counts * post).sum() / total, 1e-12, 1 - 1e-9))
            if abs(new - lam) <= 1e-6 * lam:
                return new
            lam = new
        return lam

    def fit_lambda_to(self, histogram: np.ndarray, total_pairs: int) -> FellegiSunter:
        """Refit ``lambda`` to the candidates' match weights as scoring weighs them.

        The level patterns :meth:`fit` counts weigh an exact agreement on a common name
        like one on a rare name, so at 100,000 people thousands of namesakes (John
        Smith, Wang Wei) count as half a match each, and ``lambda``, and with it every
        pair's probability, grows with the table.  Here the expected matches are the
        posteriors of the weights that score the pairs (term frequencies, nested
        locations); pairs outside the candidates are non-matches, as in :meth:`fit`.

        Args:
            histogram: the candidates' match weights, counted by
                :func:`weight_histogram` (summed over parts of the pairs).
            total_pairs: number of possible pairs.
        """
        self._require_fitted()
        histogram = np.asarray(histogram, dtype=np.float64)
        present = np.flatnonzero(histogram)
        weights, counts = _bin_weight(present), histogram[present]
        total = float(max(total_pairs, counts.sum(), 1))
        lam = self.lambda_
        for _ in range(self.max_iter * 5):
            prior = np.log2(lam) - np.log2(1 - lam)
            post = 1.0 / (1.0 + np.exp2(-(weights + prior)))
            new = float(np.clip((counts * post).sum() / total, 1e-12, 1 - 1e-9))
            done = abs(new - lam) <= 1e-6 * lam
            lam = new
            if done:
                break
        self.lambda_ = lam
        return self

    # ---------------------------------------------------------------- scoring
    def _require_fitted(self) -> None:
        if not hasattr(self, "m_"):
            raise NotFittedError(
                "this FellegiSunter model is not fitted; call fit() or load a saved model"
            )

    def _check_levels(self, levels: np.ndarray) -> None:
        if levels.ndim != 2 or levels.shape[1] != len(self.comparisons):
            raise DataError(
                f"levels must have one column per comparison ({len(self.comparisons)}), "
                f"got shape {levels.shape}"
            )

    def contributions(self, levels: np.ndarray,
                      frequencies: Sequence[np.ndarray | None] | None = None, *,
                      rows: np.ndarray | None = None) -> np.ndarray:
        """Per-comparison log2 Bayes factors, shape ``(pairs, comparisons)``.

        Locations nest: where a finer location field (a street address) speaks for a
        match, a coarser one's agreement (its postcode, its town) counts 0, not again;
        its disagreement still counts.  Without this a shared address counts three
        times, and a guest checkout at a household's address outweighs two different
        e-mail addresses and phone numbers.

        Args:
            levels: int8 matrix of levels.
            frequencies: per comparison, for each pair the term frequency of the value
                both records share (used on the exact level when TF adjustment is on),
                or None.
            rows: when given, ``frequencies`` hold one value per record and a pair's is
                that of its record ``rows[pair]`` (read only where the pair agrees
                exactly, not gathered for every pair).
        """
        self._require_fitted()
        self._check_levels(levels)
        # Column by column: both matrices in column order.
        out = np.empty(levels.shape, dtype=np.float64, order="F")
        levels = np.asfortranarray(levels)
        for k, comparison in enumerate(self.comparisons):
            # A missing value (level -1) reads the 0 appended at the end of the table.
            table = np.append(np.log2(self.m_[k]) - np.log2(self.u_[k]), 0.0)
            lv = np.maximum(levels[:, k], NULL_LEVEL)
            column = table[lv]
            freq = None if frequencies is None else frequencies[k]
            exact = comparison.exact_level
            if (self.tf_adjust and comparison.tf_adjust and freq is not None
                    and exact is not None):
                at = np.flatnonzero(lv == exact)
                shared = freq[at] if rows is None else freq[rows[at]]
                # Agreeing on a rare value is stronger evidence than on a common one.
                column[at] = np.log2(self.m_[k][exact]) - np.log2(np.maximum(shared, 1e-9))
            out[:, k] = column
        self._nest_locations(out)
        return out

    def _nest_locations(self, out: np.ndarray) -> None:
        fields = [c.field for c in self.comparisons]
        implied = np.zeros(len(out), dtype=bool)
        for field in compare.LOCATION_FIELDS:  # read from the field-type registry
            ks = [k for k, f in enumerate(fields) if f == field]
            if not ks:
                continue
            here = out[:, ks] > 0
            out[:, ks] = np.where(here & implied[:, None], 0.0, out[:, ks])
            implied |= here.any(axis=1)

    def level_weight(self, k: int, level: int) -> float:
        """log2 Bayes factor of comparison ``k`` at ``level`` (0 is "else"), before any
        term-frequency adjustment."""
        self._require_fitted()
        return float(np.log2(self.m_[k][level]) - np.log2(self.u_[k][level]))

    def match_weight(self, levels: np.ndarray,
                     frequencies: Sequence[np.ndarray | None] | None = None, *,
                     rows: np.ndarray | None = None) -> np.ndarray:
        """Sum of the per-comparison log2 Bayes factors of each pair (in chunks of
        :data:`WEIGHT_CHUNK` pairs: the per-comparison matrix of millions of pairs would
        be the run's largest allocation); ``frequencies`` and ``rows`` as for
        :meth:`contributions`."""
        self._check_levels(levels)
        out = np.empty(len(levels), dtype=np.float64)
        for start in range(0, len(levels), WEIGHT_CHUNK):
            stop = start + WEIGHT_CHUNK
            if rows is not None:
                out[start:stop] = self.contributions(
                    levels[start:stop], frequencies, rows=rows[start:stop]).sum(axis=1)
                continue
            chunk = None if frequencies is None else [
                None if f is None else f[start:stop] for f in frequencies]
            out[start:stop] = self.contributions(levels[start:stop], chunk).sum(axis=1)
        return out

    @property
    def prior_weight(self) -> float:
        """log2 prior odds that two random records match."""
        self._require_fitted()
        return float(np.log2(self.lambda_) - np.log2(1 - self.lambda_))

    def match_probability(self, weight: np.ndarray) -> np.ndarray:
        """Posterior match probability from a match weight."""
        return 1.0 / (1.0 + np.exp2(-(weight + self.prior_weight)))

    # ---------------------------------------------------------------- persistence
    def set_params(self, *, m: Sequence[Sequence[float]], u: Sequence[Sequence[float]],
                   lambda_: float) -> FellegiSunter:
        """Set the learned parameters directly (e.g. from labelled data)."""
        self.m_ = [np.asarray(x, dtype=np.float64) for x in m]
        self.u_ = [np.asarray(x, dtype=np.float64) for x in u]
        self.lambda_ = float(lambda_)
        for k, comparison in enumerate(self.comparisons):
            size = len(comparison.level_names)
            if len(self.m_[k]) != size or len(self.u_[k]) != size:
                raise DataError(f"comparison '{comparison.name}' has {size} levels; m and u "
                                f"must have {size} values each")
        return self

    def __repr__(self) -> str:
        names = [c.name for c in self.comparisons]
        if not hasattr(self, "m_"):
            return f"FellegiSunter(comparisons={names!r}, not fitted)"
        return (f"FellegiSunter(comparisons={names!r}, lambda_={self.lambda_:.3g}, "
                f"prior_weight={self.prior_weight:.2f} bits)")

    def weights_table(self) -> pd.DataFrame:
        """One row per comparison level: its name, ``m``, ``u`` and match weight (log2
        of m/u, in bits).

        >>> from unifyprofile.compare import ExactMatch
        >>> model = FellegiSunter([ExactMatch("email")]).set_params(
        ...     m=[[0.1, 0.9]], u=[[0.99, 0.01]], lambda_=0.01)
        >>> model.weights_table()[["comparison", "level", "weight"]].round(2)
          comparison  level  weight
        0      email   else   -3.31
        1      email  exact    6.49
        """
        self._require_fitted()
        rows = [(c.name, label, float(self.m_[k][n]), float(self.u_[k][n]),
                 self.level_weight(k, n))
                for k, c in enumerate(self.comparisons)
                for n, label in enumerate(c.level_names)]
        return pd.DataFrame(rows, columns=["comparison", "level", "m", "u", "weight"])

    def _repr_html_(self) -> str:
        if not hasattr(self, "m_"):
            return f"<pre>{html.escape(repr(self))}</pre>"
        table = self.weights_table().to_html(index=False, float_format="{:.4g}".format)
        return f"<p>{html.escape(repr(self))}</p>{table}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of the comparisons and the learned parameters."""
        self._require_fitted()
        return {
            "format": "unifyprofile.FellegiSunter",
            "version": _FORMAT_VERSION,
            "seed": self.seed,
            "tf_adjust": self.tf_adjust,
            "lambda": self.lambda_,
            "comparisons": [
                {"config": c.to_config(), "levels": list(c.level_names),
                 "m": self.m_[k].tolist(), "u": self.u_[k].tolist()}
                for k, c in enumerate(self.comparisons)
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FellegiSunter:
        """Rebuild a fitted model from :meth:`to_dict` output."""
        if data.get("format") != "unifyprofile.FellegiSunter":
            raise DataError("not a unifyprofile model file (missing format marker)")
        entries = data["comparisons"]
        comparisons = [comparison_from_config(e["config"], f"model.comparisons[{n}]")
                       for n, e in enumerate(entries)]
        model = cls(comparisons, seed=int(data.get("seed", 0)),
                    tf_adjust=bool(data.get("tf_adjust", True)))
        return model.set_params(m=[e["m"] for e in entries], u=[e["u"] for e in entries],
                                lambda_=data["lambda"])

    def save(self, path: str | Path) -> None:
        """Write the model as JSON (separate from the config)."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> FellegiSunter:
        """Read a model written by :meth:`save`."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _held_to(odds: np.ndarray, counts: np.ndarray, most: float) -> np.ndarray:
    """Posteriors of pairs with these log-odds of a match, their expected matches
    ``sum(counts * post)`` held to at most ``most``: all log-odds lowered by one shift
    (found by bisection), so the pairs most alike keep their matches and the others
    lose theirs first.

    >>> odds = np.log([99.0, 9.0, 1.0])  # posteriors 0.99, 0.9, 0.5
    >>> _held_to(odds, np.ones(3), 1.0).round(2).tolist()
    [0.75, 0.22, 0.03]
    """
    post = _sigmoid(odds)
    if float(np.sum(counts * post)) <= most:
        return post
    low, high = 0.0, 1500.0
    for _ in range(60):
        shift = (low + high) / 2
        if float(np.sum(counts * _sigmoid(odds - shift))) > most:
            low = shift
        else:
            high = shift
    return _sigmoid(odds - high)


def _sigmoid(odds: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(odds, -700, 700)))


def _log_odds(patterns: np.ndarray, log_m: list[np.ndarray], log_u: list[np.ndarray],
              lam: float) -> np.ndarray:
    """Natural log-odds of a match of each pattern under ``m``, ``u`` and prior ``lam``."""
    log_bf = np.zeros(len(patterns))
    for k in range(len(log_m)):
        # A missing level (-1) reads the 0 appended at the end of the table.
        log_bf += np.append(log_m[k] - log_u[k], 0.0)[np.maximum(patterns[:, k], NULL_LEVEL)]
    return log_bf + np.log(lam) - np.log1p(-lam)


def _posterior(patterns: np.ndarray, log_m: list[np.ndarray], log_u: list[np.ndarray],
               lam: float) -> np.ndarray:
    return _sigmoid(_log_odds(patterns, log_m, log_u, lam))


def agreement_counts(codes: np.ndarray, side: np.ndarray | None = None) -> tuple[int, int]:
    """Pairs of records that agree exactly (equal codes) and pairs where both hold a value
    (code ``>= 0``), counted from the codes' frequencies, not pair by pair.

    Args:
        codes: int value code per record, ``-1`` where null (``value_codes``).
        side: 0/1 per record for a link task: only pairs across the sides count.

    Examples:
        >>> agreement_counts(np.array([0, 0, 0, 1, -1]))
        (3, 6)
        >>> agreement_counts(np.array([0, 0, 0, 1, -1]), side=np.array([0, 1, 1, 0, 1]))
        (2, 4)
    """
    codes = np.asarray(codes, dtype=np.int64)
    held = codes >= 0
    if side is None:
        c = np.bincount(codes[held]).astype(np.int64)
        n = int(held.sum())
        return int((c * (c - 1) // 2).sum()), n * (n - 1) // 2
    side = np.asarray(side)
    size = int(codes.max()) + 1 if len(codes) else 0
    left = np.bincount(codes[held & (side == 0)], minlength=size).astype(np.int64)
    right = np.bincount(codes[held & (side == 1)], minlength=size).astype(np.int64)
    return int((left * right).sum()), int(left.sum()) * int(right.sum())


def _initial_m(size: int) -> np.ndarray:
    m = np.exp2(np.arange(size, dtype=float) * (6.0 / max(size - 1, 1)))
    return m / m.sum()


def _patterns(levels: np.ndarray, sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of ``levels`` and their counts, via one int64 code per row."""
    return _merge_patterns(levels, np.ones(len(levels), dtype=np.int64), sizes)


def _merge_patterns(levels: np.ndarray, counts: np.ndarray,
                    sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of ``levels`` (sorted by code) and the summed counts of each."""
    patterns, inverse = _pattern_index(levels, sizes)
    total = np.bincount(inverse, weights=np.asarray(counts, dtype=np.float64),
                        minlength=len(patterns)).round().astype(np.int64)
    return patterns, total


def _pattern_index(levels: np.ndarray, sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of ``levels`` (sorted by their int64 code) and, per row of
    ``levels``, the position of its pattern."""
    levels = np.asarray(levels).reshape(-1, len(sizes))
    radix = np.cumprod([1] + [s + 1 for s in sizes[:-1]]).astype(np.int64)
    # Column by column: millions of int8 rows never become an int64 matrix.
    codes = np.zeros(len(levels), dtype=np.int64)
    for k in range(len(sizes)):
        codes += (levels[:, k].astype(np.int64) + 1) * radix[k]
    # Few distinct patterns among millions of rows: hash them, then sort the few.
    first, found = pd.factorize(codes)
    rank = np.empty(len(found), dtype=np.int64)
    rank[np.argsort(found)] = np.arange(len(found))
    uniq, inverse = np.sort(found), rank[first]
    patterns = np.empty((len(uniq), len(sizes)), dtype=np.int64)
    rest = uniq.copy()
    for k, s in enumerate(sizes):
        patterns[:, k] = rest % (s + 1) - 1
        rest //= s + 1
    return patterns, inverse.reshape(-1)
