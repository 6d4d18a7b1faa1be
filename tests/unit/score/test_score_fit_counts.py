"""Engines that count level patterns themselves (Spark) fit the same model as ``fit``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from unifyprofile.compare import ExactMatch, NameComparison
from unifyprofile.score import FellegiSunter, agreement_counts


def _data(n: int = 400) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    first = rng.choice(["ann", "anne", "bob", "robert", "carl", None], n)
    city = rng.choice(["paris", "oslo", "rome", None], n)
    records = pd.DataFrame({"first_name_std": first, "city_std": city})
    i = rng.integers(0, n - 1, 3000)
    j = np.minimum(i + rng.integers(1, 20, 3000), n - 1)
    keep = i < j
    return records, i[keep], j[keep]


def test_fit_counts_equals_fit_with_shuffled_repeated_rows() -> None:
    records, i, j = _data()
    comparisons = [NameComparison("first_name"), ExactMatch("city")]
    prepared = [c.prepare(records) for c in comparisons]
    levels = np.column_stack([p.levels(i, j) for p in prepared]).astype(np.int8)
    sessions = [(levels[:, 1] == 1, [1]), (np.ones(len(i), dtype=bool), [])]
    n = len(records)
    direct = FellegiSunter(comparisons, seed=3).fit(levels, prepared, n, sessions=sessions)

    # The same counts as an engine would hand them over: one row per pair (count 1), in
    # another order, and the random pairs drawn by rank as random_ranks() describes.
    model = FellegiSunter(comparisons, seed=3)
    ri, rj = model.random_ranks(n)
    a, b = ri[ri != rj], rj[ri != rj]
    ra, rb = np.minimum(a, b), np.maximum(a, b)
    random = np.column_stack([p.levels(ra, rb) for p in prepared])
    order = np.random.default_rng(9).permutation(len(levels))
    ones = np.ones(len(levels), dtype=np.int64)
    model.fit_counts(
        (random[::-1], np.ones(len(random), dtype=np.int64)),
        (levels[order], ones),
        [(levels[mask], ones[mask], fixed) for mask, fixed in sessions],
        n * (n - 1) // 2, [agreement_counts(p.value_codes) for p in prepared])
    for k in range(len(comparisons)):
        np.testing.assert_allclose(model.m_[k], direct.m_[k], rtol=1e-12)
        np.testing.assert_allclose(model.u_[k], direct.u_[k], rtol=1e-12)
    assert model.lambda_ == direct.lambda_


def test_one_loose_session_does_not_set_m_for_every_comparison():
    """Three sessions on tight rules find the matches; a large session on a loose rule
    (same first name, same city: ``c`` and ``d`` held out) has EM call ten times its
    true matches "matches", agreeing on little.  Weighted by the matches it claims it
    would say that most matches disagree on ``a`` and ``b``; the median over sessions
    does not listen to it."""
    rng = np.random.default_rng(0)

    def pairs(n: int, p: list[float]) -> np.ndarray:
        return (rng.random((n, 4)) < np.asarray(p)).astype(np.int64)

    def ones(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return x, np.ones(len(x), dtype=np.int64)

    matches, strangers = [0.95, 0.95, 0.95, 0.9], [0.02, 0.02, 0.05, 0.1]
    sessions = []
    for fixed in range(3):
        block = np.vstack([pairs(1000, matches), pairs(300, strangers)])
        block[:, fixed] = 1
        sessions.append((*ones(block), [fixed]))
    loose = np.vstack([pairs(300, matches), pairs(60_000, strangers)])
    loose[:, [2, 3]] = 1
    sessions.append((*ones(loose), [2, 3]))
    model = FellegiSunter([ExactMatch(x) for x in "abcd"]).fit_counts(
        ones(pairs(100_000, [0.01, 0.01, 0.02, 0.05])),
        ones(np.vstack([s[0] for s in sessions])), sessions, 10**8)
    assert model.m_[0][0] < 0.1 and model.m_[1][0] < 0.1  # "else" is rare among matches


def _households(n: int = 100) -> pd.DataFrame:
    """Households of four who share surname, address and a family mailbox; each person
    gives two records, a first name in 60% of them and a phone of their own in half."""
    rng = np.random.default_rng(1)
    firsts = ["Anna", "Boris", "Carla", "Dmitri", "Elena", "Felix", "Greta", "Hugo"]
    rows = [(f"{h}-{p}-{r}", firsts[(4 * h + p) % 8] if rng.random() < 0.6 else None,
             f"Surname{h}", f"{h} Main St", f"family{h}@mail.com",
             f"+4915{h:04d}{p}000" if rng.random() < 0.5 else None)
            for h in range(n) for p in range(4) for r in range(2)]
    return pd.DataFrame(rows, columns=["id", "first_name", "last_name", "address", "email",
                                       "phone"])


def _household_model(veto: tuple[str, ...]) -> FellegiSunter:
    """The model fitted on :func:`_households`, blocked on what a household shares;
    comparisons: first name, phone, e-mail, address."""
    import unifyprofile as up
    from unifyprofile.score import Guards

    people = _households()
    config = up.Config(
        sources=(up.Source("crm", data=people, id_column="id",
                           columns={c: c for c in people.columns if c != "id"}),),
        blocking=tuple(up.BlockingRule.parse([f]) for f in ("email", "address", "last_name")),
        comparisons=(NameComparison("first_name", tf_adjust=False), ExactMatch("phone"),
                     ExactMatch("email"), ExactMatch("address")),
        guards=Guards(veto=veto))
    resolver = up.Resolver(config)
    records, *_ = resolver.prepare()
    return resolver.fit(records).model_


def test_pairs_a_veto_forbids_do_not_train_the_model() -> None:
    """Blocked on what a household shares, most pairs are two people of one household.
    Counted as matches, they teach EM that matches often differ in first name; with
    first names vetoed they are left out of training, and a different first name is
    strong evidence of two people."""
    # Households taught EM that names differ in matches.
    assert _household_model(()).level_weight(0, 0) > -1.0
    assert _household_model(("first_name",)).level_weight(0, 0) < -10.0


def test_nameless_pairs_do_not_teach_the_model_that_matches_differ_in_phone(
        monkeypatch) -> None:
    """Two nameless records of one household share its mailbox and address, and no
    first-name veto can keep them out of the match class; there they teach EM that a
    match's phones differ.  With enough named pairs to learn from, EM learns from those
    only, and a different phone is evidence of two people."""
    from unifyprofile.score import _decide

    assert _household_model(("first_name",)).level_weight(1, 0) < -10.0
    monkeypatch.setattr(_decide, "TRAIN_HELD_MIN", 10**9)  # too few named pairs: all train
    assert _household_model(("first_name",)).level_weight(1, 0) > -1.0


def test_fit_inputs_reads_sessions_from_a_generator_as_from_a_list() -> None:
    """The local engine hands its sessions over one mask at a time (memory at scale)."""
    records, i, j = _data()
    comparisons = [NameComparison("first_name"), ExactMatch("city")]
    prepared = [c.prepare(records) for c in comparisons]
    levels = np.column_stack([p.levels(i, j) for p in prepared]).astype(np.int8)
    masks = [(levels[:, 1] == 1, [1]), (levels[:, 0] >= 1, [0])]
    n = len(records)
    listed = FellegiSunter(comparisons, seed=3).fit_inputs(levels, prepared, n, sessions=masks)
    generated = FellegiSunter(comparisons, seed=3).fit_inputs(
        levels, prepared, n, sessions=(m for m in masks))
    assert len(generated[2]) == 2
    for (pa, ca, fa), (pb, cb, fb) in zip(listed[2], generated[2], strict=True):
        np.testing.assert_array_equal(pa, pb)
        np.testing.assert_array_equal(ca, cb)
        assert fa == fb
    # No session at all: one session of every pair.
    everything = FellegiSunter(comparisons, seed=3).fit_inputs(levels, prepared, n)
    np.testing.assert_array_equal(everything[2][0][1].sum(), len(levels))
