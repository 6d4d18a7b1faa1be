"""The link decision: which compared pairs are links, which a guard forbids, and which
pairs EM learns from.  Every engine runs these functions (the local one on whole arrays,
Spark inside ``mapInPandas``), so a pair is decided the same way everywhere.

Column contract::

    levels (int8, one column per comparison) + term frequencies + fired rule
        ──decide──>  weight, probability, fired, linked
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from unifyprofile.blocking import BlockingRule
from unifyprofile.compare import Comparison, PreparedComparison, compare_pairs
from unifyprofile.errors import ConfigError
from unifyprofile.graph import Separator, link_strength
from unifyprofile.score._fellegi_sunter import FellegiSunter
from unifyprofile.score._guards import Guards
from unifyprofile.score._rules import PreparedRules

__all__ = ["CONTRADICTING", "TELLING_DISAGREEMENT", "TRAIN_HELD_MIN", "Scored",
           "check_guard_names", "decide", "held_out", "kept_apart", "score_pairs",
           "separates", "separator", "trainable", "vetoed"]

#: Bits against a match from which a comparison's disagreement counts against a
#: ``guards.weak`` pair (see :func:`vetoed`): matches disagree on it at most about 80 %
#: as often as strangers do.  A field filled at random sits near 0.
TELLING_DISAGREEMENT = 0.3
#: Bits against a match from which the disagreements a ``weak`` pair holds contradict
#: its names (see :func:`vetoed`): matches disagree so at most about a third as often
#: as strangers.  An e-mail that half of one person's records change (work and private)
#: says less.
CONTRADICTING = 1.5

#: EM learns only from pairs that hold a ``guards.veto`` comparison while there are at
#: least this many of them (see :func:`trainable`); where fewer records hold one, from
#: all pairs.
TRAIN_HELD_MIN = 1000


@dataclass
class Scored:
    """Scores of compared pairs: what :func:`decide` and :func:`score_pairs` return."""

    weight: np.ndarray
    probability: np.ndarray
    #: Index of the deterministic rule that fired, -1 where none did.
    fired: np.ndarray
    #: A rule fired, or the probability reached the threshold without a veto.
    linked: np.ndarray

    def strength(self, which: np.ndarray | None = None) -> np.ndarray:
        """Link strength of the pairs ``which`` selects (a mask or positions; default
        all), for clustering: rule links rank above every probabilistic one."""
        if which is None:
            return link_strength(self.weight, self.fired)
        return link_strength(self.weight[which], self.fired[which])


def decide(levels: np.ndarray, frequencies: Sequence[np.ndarray | None],
           model: FellegiSunter, fired: np.ndarray, *, threshold: float, guards: Guards,
           rows: np.ndarray | None = None, weight: np.ndarray | None = None) -> Scored:
    """Score compared pairs and decide which are links: a deterministic rule fired, or
    the match probability reached ``threshold`` and no guard vetoes the pair.

    Args:
        levels: comparison levels, one row per pair and one column per comparison.
        frequencies: per comparison, the term frequency of the left record's value, or
            None; indexed by ``rows`` when given (per record), else one per pair.
        model: a fitted model.
        fired: per pair, the index of the deterministic rule that fired, -1 for none.
        threshold: the match probability from which a pair is a link.
        guards: the vetoes that forbid a probabilistic link.
        rows: the left record of each pair, where ``frequencies`` are per record.
        weight: the pairs' match weights under ``model`` when already computed.

    Examples:
        >>> from unifyprofile.compare import ExactMatch
        >>> model = FellegiSunter([ExactMatch("email")]).set_params(
        ...     m=[[0.1, 0.9]], u=[[0.99, 0.01]], lambda_=0.05)
        >>> scored = decide(np.array([[1], [0]], dtype=np.int8), [None], model,
        ...                 np.array([-1, -1]), threshold=0.5, guards=Guards())
        >>> scored.linked.tolist()
        [True, False]
    """
    if weight is None:
        weight = model.match_weight(levels, frequencies, rows=rows)
    probability = model.match_probability(weight)
    forbidden = vetoed(levels, list(model.comparisons), guards, model)
    linked = (fired >= 0) | ((probability >= threshold) & ~forbidden)
    return Scored(weight, probability, fired, linked)


def score_pairs(levels: np.ndarray, i: np.ndarray, j: np.ndarray, model: FellegiSunter,
                rules: PreparedRules, frequencies: Sequence[np.ndarray | None], *,
                threshold: float, guards: Guards,
                weight: np.ndarray | None = None) -> Scored:
    """:func:`decide` for the pairs ``(i, j)`` of one records table: the deterministic
    rules prepared on it say which fired, ``frequencies`` are per record (the left
    record's is used)."""
    return decide(levels, frequencies, model, rules.fired(i, j), threshold=threshold,
                  guards=guards, rows=i, weight=weight)


def kept_apart(scored: Scored, guards: Guards) -> np.ndarray:
    """Pairs ``guards.keep_apart_below`` keeps in two entities: scored a clear non-match
    (below it) and linked by no deterministic rule.  None without the guard."""
    below = guards.keep_apart_below
    if below is None:
        return np.zeros(len(scored.weight), dtype=bool)
    return (scored.probability < below) & (scored.fired < 0)


def check_guard_names(comparisons: Sequence[Comparison], guards: Guards) -> None:
    """Raise :class:`~unifyprofile.errors.ConfigError` when a guard names no comparison."""
    names = [c.name for c in comparisons]
    unknown = [v for v in (*guards.veto, *guards.veto_unless, *guards.weak)
               if v not in names]
    if unknown:
        raise ConfigError(f"guards.veto / veto_unless / weak: no comparison named "
                          f"{', '.join(unknown)}; comparisons are {', '.join(names)}")


def vetoed(levels: np.ndarray, comparisons: Sequence[Comparison], guards: Guards,
           model: FellegiSunter | None = None) -> np.ndarray:
    """Pairs a probabilistic link is forbidden to: "else" on a ``guards.veto``
    comparison, unless they agree exactly on a ``guards.veto_unless`` one; or, with
    ``guards.weak`` set, pairs that disagree on every comparison outside it that both
    records hold (agreeing on a name and a town says nothing when the two e-mails and
    the two phones differ).  With ``model``, only a comparison whose disagreement the
    model counts as evidence against a match (at least :data:`TELLING_DISAGREEMENT`
    bits) corroborates or contradicts: a field on which matches differ as often as
    strangers (a system name, a flag, a category filled at random) says nothing either
    way; and the disagreements must say :data:`CONTRADICTING` bits together (a work
    and a private e-mail of one customer say less).  A pair that nothing corroborates
    or contradicts links only where every weak comparison it holds agrees exactly."""
    check_guard_names(comparisons, guards)
    names = [c.name for c in comparisons]
    out = np.zeros(len(levels), dtype=bool)
    for name in guards.veto:
        out |= levels[:, names.index(name)] == 0
    for name in guards.veto_unless:
        k = names.index(name)
        exact = comparisons[k].exact_level
        if exact is not None:
            out &= levels[:, k] != exact
    if guards.weak:
        weak = [k for k, name in enumerate(names) if name in guards.weak]
        telling = [k for k, name in enumerate(names) if name not in guards.weak and (
            model is None or model.level_weight(k, 0) <= -TELLING_DISAGREEMENT)]
        corroborated = (levels[:, telling] > 0).any(axis=1)
        # What the disagreements held say against a match, in bits (without a model,
        # any disagreement held contradicts).
        against = np.array([CONTRADICTING if model is None else -model.level_weight(k, 0)
                            for k in telling], dtype=np.float64)
        contradicted = (levels[:, telling] == 0) @ against >= CONTRADICTING if telling \
            else np.zeros(len(levels), dtype=bool)
        out |= contradicted & ~corroborated
        # Where nothing that could corroborate agrees and little contradicts (a record
        # with a name and a town only; a work and a private e-mail), the weak fields
        # must agree exactly: "Ling Zheng" and "Ling Zhang" of one city are two people
        # as likely as one.
        top = np.array([len(comparisons[k].level_names) - 1 for k in weak], dtype=np.int64)
        inexact = ((levels[:, weak] >= 0) & (levels[:, weak] < top)).any(axis=1)
        out |= ~corroborated & inexact
    return out


def trainable(levels: np.ndarray, comparisons: Sequence[Comparison],
              guards: Guards, counts: np.ndarray | None = None) -> np.ndarray:
    """Pairs EM may learn from: not those a ``guards.veto`` forbids, nor those no veto
    can speak on (a record without a first name, where the first name is the only veto;
    with a phone veto too, a pair that holds neither both first names nor both phones)
    while :data:`TRAIN_HELD_MIN` or more pairs are left.  ``counts``: pairs per row when
    the rows of ``levels`` are level patterns.

    The model never links a vetoed pair (two people of one household: different first
    names, one surname, one address, one family mailbox); counted as matches in a
    session blocked on the mailbox, they would teach EM that matches differ in first
    name and phone, and the model would then merge a household's nameless records.
    Two nameless records of one household are such a pair that no veto can catch: in
    the match class they teach EM that a match's phones often differ (at the harshest
    hazard point m of "different phone" fell from 0.020 to 0.003 without them, where
    no true match differs in its mobile; in four-person households with a family
    mailbox, from 0.80 to 0)."""
    if not guards.veto:
        return np.ones(len(levels), dtype=bool)
    allowed = ~vetoed(levels, comparisons, dataclasses.replace(guards, weak=()))
    names = [c.name for c in comparisons]
    held = (levels[:, [names.index(v) for v in guards.veto]] >= 0).any(axis=1)
    pairs = np.ones(len(levels)) if counts is None else np.asarray(counts, dtype=np.float64)
    if pairs[allowed & held].sum() >= TRAIN_HELD_MIN:
        allowed &= held
    return allowed


def held_out(rule: BlockingRule, comparisons: Sequence[Comparison]) -> list[int]:
    """The comparisons an EM session on ``rule``'s pairs holds fixed: those of the fields
    the rule blocks on (its pairs agree on them by construction, so they say nothing
    about m)."""
    fields = {k.field for k in rule.keys}
    return [n for n, c in enumerate(comparisons) if c.field in fields]


def separates(guards: Guards) -> bool:
    """Whether ``guards`` tell records of one component apart (see :func:`separator`)."""
    return bool(guards.veto or guards.weak or guards.keep_apart_below is not None)


def separator(prepared: Sequence[PreparedComparison], model: FellegiSunter, guards: Guards,
              frequencies: Sequence[np.ndarray | None] | None = None) -> Separator | None:
    """What tells two records of one component apart (see
    :func:`~unifyprofile.graph.cluster`): a veto comparison at its "else" level (two
    different first names, two different dates of birth), or a pair scored a clear
    non-match (below ``keep_apart_below``) on evidence against it, not for want of
    evidence.  None without either guard.  It is blind to the records with no value on
    any veto comparison (to every record when there is no veto).

    ``frequencies`` are the term frequencies per record and comparison (default: those
    the prepared comparisons counted; the identity store passes its frozen ones).
    """
    if not separates(guards):
        return None
    if frequencies is None:
        frequencies = [p.value_frequency for p in prepared]
    apart = dataclasses.replace(guards, weak=())

    def separate(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        levels = compare_pairs(prepared, i, j)
        # A veto tells two records apart; a want of corroboration only stops a link.
        out = vetoed(levels, list(model.comparisons), apart)
        if guards.keep_apart_below is not None:
            weight = model.match_weight(levels, [None if f is None else f[i]
                                                 for f in frequencies])
            probability = model.match_probability(weight)
            out |= (probability < guards.keep_apart_below) & (weight < 0)
        return out

    # Without vetoes every record is blind: only scores keep entities apart.
    blind = np.ones(prepared[0].n_records if prepared else 0, dtype=bool)
    for p in prepared:
        if p.comparison.name in guards.veto:
            blind &= p.value_codes < 0 if p.value_codes is not None else False
    return Separator(separate, blind)
