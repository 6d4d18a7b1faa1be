"""The Fellegi–Sunter model: monotone m, EM recovery, persistence, determinism, scoring."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unifyprofile.compare import (
    AddressComparison,
    ExactMatch,
    NameComparison,
    PostcodeComparison,
    StringComparison,
)
from unifyprofile.errors import DataError, NotFittedError
from unifyprofile.schema import NULL_LEVEL
from unifyprofile.score import FellegiSunter, monotone_m, weight_histogram

# --------------------------------------------------------------------------- monotone_m

_positive = st.floats(0.01, 1.0, allow_nan=False, allow_infinity=False)


@st.composite
def m_u_pairs(draw):
    size = draw(st.integers(1, 8))
    m = np.array(draw(st.lists(_positive, min_size=size, max_size=size)))
    u = np.array(draw(st.lists(_positive, min_size=size, max_size=size)))
    return m / m.sum(), u / u.sum()


@settings(max_examples=200, deadline=None)
@given(m_u_pairs())
def test_monotone_m_keeps_total_and_makes_ratios_non_decreasing(mu):
    m, u = mu
    out = monotone_m(m, u)
    assert out.shape == m.shape
    assert out.sum() == pytest.approx(m.sum(), rel=1e-12)
    assert (out > 0).all()
    ratios = out / u
    assert (np.diff(ratios) >= -1e-12 * ratios[1:]).all()


@settings(max_examples=200, deadline=None)
@given(m_u_pairs())
def test_monotone_m_is_idempotent(mu):
    m, u = mu
    once = monotone_m(m, u)
    np.testing.assert_allclose(monotone_m(once, u), once, rtol=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_positive, _positive), min_size=1, max_size=8))
def test_monotone_m_leaves_monotone_m_unchanged(draws):
    u = np.array([a for a, _ in draws])
    ratios = np.sort([b for _, b in draws])
    m = ratios * u
    np.testing.assert_allclose(monotone_m(m, u), m, rtol=1e-12)


def test_monotone_m_pools_a_violating_pair_to_their_joint_ratio():
    # Level 1 has a lower ratio (0.25) than level 0 (0.4): they are pooled at 0.3/0.9.
    out = monotone_m(np.array([0.2, 0.1, 0.7]), np.array([0.5, 0.4, 0.1]))
    np.testing.assert_allclose(out, [0.5 / 3, 0.4 / 3, 0.7])
    assert out[0] / 0.5 == pytest.approx(out[1] / 0.4)


# --------------------------------------------------------------------------- EM recovery

# Three conditionally independent comparisons with known m and u (m/u rises with level).
TRUE_M = [np.array([0.1, 0.9]), np.array([0.1, 0.2, 0.7]), np.array([0.15, 0.25, 0.6])]
TRUE_U = [np.array([0.9, 0.1]), np.array([0.7, 0.2, 0.1]), np.array([0.8, 0.15, 0.05])]
COMPARISONS = [
    ExactMatch("a"),
    StringComparison("b", thresholds=(0.8,)),
    StringComparison("c", thresholds=(0.8,)),
]


def _draw(rng: np.random.Generator, probs: list[np.ndarray], n: int) -> np.ndarray:
    return np.column_stack([rng.choice(len(p), size=n, p=p) for p in probs]).astype(np.int8)


class _FakePrepared:
    """Levels of random pairs: non-match levels drawn from ``u``, a fixed function of (i, j).
    No value codes: the exact level's ``u`` comes from the random pairs too."""

    value_codes = None

    def __init__(self, u: np.ndarray, seed: int, size: int = 100_003) -> None:
        self._table = np.random.default_rng(seed).choice(len(u), size=size, p=u).astype(np.int8)

    def levels(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        key = (i.astype(np.int64) * 7919 + j.astype(np.int64) * 104_729) % len(self._table)
        return self._table[key]


def _synthetic(seed: int = 1, n_match: int = 6000, n_non: int = 14000):
    rng = np.random.default_rng(seed)
    levels = np.vstack([_draw(rng, TRUE_M, n_match), _draw(rng, TRUE_U, n_non)])
    prepared = [_FakePrepared(u, seed + 10 + k) for k, u in enumerate(TRUE_U)]
    return levels, prepared


def _fit_synthetic(seed: int = 0) -> tuple[FellegiSunter, int]:
    levels, prepared = _synthetic()
    n_records = 1000
    model = FellegiSunter(COMPARISONS, u_sample_pairs=300_000, seed=seed)
    return model.fit(levels, prepared, n_records), n_records


@pytest.fixture(scope="module")
def fitted() -> FellegiSunter:
    return _fit_synthetic()[0]


@pytest.fixture(scope="module")
def synthetic_levels() -> np.ndarray:
    return _synthetic()[0]


def test_em_recovers_known_m_and_u(fitted):
    for k in range(len(COMPARISONS)):
        np.testing.assert_allclose(fitted.u_[k], TRUE_U[k], atol=0.02)
        np.testing.assert_allclose(fitted.m_[k], TRUE_M[k], atol=0.05)
        assert fitted.m_[k].sum() == pytest.approx(1.0)
        assert fitted.u_[k].sum() == pytest.approx(1.0)


def test_lambda_is_the_random_pair_prior_of_the_expected_matches(fitted, synthetic_levels):
    # lambda is a fixed point: the candidates' posteriors under it, summed, over all
    # n(n-1)/2 pairs of the 1,000 records (pairs outside the candidates count as non-matches).
    total = 1000 * 999 / 2
    posterior = fitted.match_probability(fitted.match_weight(synthetic_levels))
    assert posterior.sum() / total == pytest.approx(fitted.lambda_, rel=1e-4)
    # ... which is well below the match share among candidates (6,000 of 20,000).
    assert 0 < fitted.lambda_ * total < 6000


def test_lambda_refit_counts_matches_by_the_weights_that_score_the_pairs():
    # 100 clear matches among 100,000 namesakes that the patterns weigh alike but term
    # frequencies weigh at 2 bits: lambda is the matches' share of all pairs, not
    # inflated by half of each namesake.
    model = FellegiSunter([ExactMatch("name")]).set_params(
        m=[[0.1, 0.9]], u=[[0.99, 0.01]], lambda_=0.01)
    weights = np.concatenate([np.full(100, 30.0), np.full(100_000, 2.0)])
    assert model.fit_lambda_to(weight_histogram(weights), 10**8) is model
    assert model.lambda_ == pytest.approx(100 / 10**8, rel=0.01)
    # Histograms of parts add up to the histogram of the whole.
    parts = weight_histogram(weights[:500]) + weight_histogram(weights[500:])
    assert np.array_equal(parts, weight_histogram(weights))


def test_fitted_bayes_factors_rise_with_level(fitted):
    for m, u in zip(fitted.m_, fitted.u_, strict=True):
        assert (np.diff(m / u) >= 0).all()


def test_fit_returns_self_and_sets_learned_attributes():
    levels, prepared = _synthetic(n_match=300, n_non=700)
    model = FellegiSunter(COMPARISONS, u_sample_pairs=10_000)
    assert not hasattr(model, "m_")
    assert model.fit(levels, prepared, 2000) is model
    assert model.n_iter_ >= 1
    assert [len(x) for x in model.m_] == [2, 3, 3]
    assert 0 < model.lambda_ < 1


def _mailboxes(people: int = 8000, families: int = 200, seed: int = 4):
    """Two records per person sharing an e-mail address; one in five gives no name.
    ``families`` mailboxes are also used by a second person of another first name."""
    rng = np.random.default_rng(seed)
    names = np.array([f"name{k}" for k in range(300)])
    first = rng.choice(names, people)
    email = np.array([f"p{k}@mail.test" for k in range(people)], dtype=object)
    second_name = np.where(rng.random(people) < 0.2, None, first)
    guests = np.array([f"guest{k}" for k in range(families)], dtype=object)
    records = pd.DataFrame({
        "first_name_std": np.concatenate([first, second_name, guests]),
        "email_std": np.concatenate([email, email, email[:families]]),
    })
    owner = np.concatenate([np.arange(people), np.arange(people),
                            people + np.arange(families)])
    return records, owner


def test_exact_level_u_is_counted_over_all_pairs_not_floored_by_the_sample():
    """Among 30,000 random pairs no two strangers share an e-mail address, so the sample
    alone would put u at about 1 in 30,000; counted over every pair, it is near the few
    family mailboxes' share (above it: the model is not sure of every nameless pair),
    and a shared address alone then links two records."""
    records, owner = _mailboxes()
    comparisons = [NameComparison("first_name"), ExactMatch("email")]
    prepared = [c.prepare(records) for c in comparisons]
    codes = prepared[1].value_codes
    by_email = pd.DataFrame({"code": codes, "row": np.arange(len(codes))})
    pairs = by_email.merge(by_email, on="code")
    pairs = pairs[pairs.row_x < pairs.row_y]
    i, j = pairs.row_x.to_numpy(), pairs.row_y.to_numpy()
    levels = np.column_stack([p.levels(i, j) for p in prepared]).astype(np.int8)
    inputs = FellegiSunter(comparisons, u_sample_pairs=30_000, seed=1).fit_inputs(
        levels, prepared, len(records), sessions=[(np.ones(len(i), dtype=bool), [1])])
    counted = FellegiSunter(comparisons, u_sample_pairs=30_000, seed=1).fit_counts(*inputs)
    sampled = FellegiSunter(comparisons, u_sample_pairs=30_000, seed=1).fit_counts(*inputs[:4])

    strangers = int((owner[i] != owner[j]).sum())  # the families' pairs
    present = len(records) * (len(records) - 1) // 2
    exact = ExactMatch("email").exact_level
    assert strangers / present <= counted.u_[1][exact] < strangers / present * 3
    assert sampled.u_[1][exact] > 4 * counted.u_[1][exact]
    email_only = np.array([[NULL_LEVEL, exact]], dtype=np.int8)
    assert counted.match_probability(counted.match_weight(email_only))[0] > 0.8
    assert sampled.match_probability(sampled.match_weight(email_only))[0] < 0.8


# --------------------------------------------------------------------------- real comparisons


def _people_records(n_people: int = 60, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    firsts = ["anna", "bert", "carla", "dmitri", "eva", "farid", "greta", "hugo", "ines", "jon"]
    lasts = ["smith", "jones", "garcia", "nguyen", "muller", "rossi", "kowalski", "tanaka"]
    rows = []
    for p in range(n_people):
        first, last = rng.choice(firsts), rng.choice(lasts)
        city = rng.choice(["oslo", "bergen", "lyon", "turin"])
        for _ in range(int(rng.integers(1, 4))):
            f = first if rng.random() > 0.2 else first[:-1] + "x"
            rows.append(
                {
                    "first_name_std": f,
                    "last_name_std": last,
                    "city_std": city,
                    "customer_id_std": f"c{p}" if rng.random() > 0.3 else None,
                }
            )
    return pd.DataFrame(rows)


REAL_COMPARISONS = [
    NameComparison("first_name"),
    NameComparison("last_name", nicknames=False),
    ExactMatch("city", tf_adjust=True),
    ExactMatch("customer_id"),
]


def _fit_real(seed: int = 0) -> tuple[FellegiSunter, np.ndarray, list]:
    records = _people_records()
    n = len(records)
    i, j = np.triu_indices(n, k=1)
    prepared = [c.prepare(records) for c in REAL_COMPARISONS]
    levels = np.column_stack([p.levels(i, j) for p in prepared]).astype(np.int8)
    model = FellegiSunter(REAL_COMPARISONS, seed=seed, u_sample_pairs=20_000)
    model.fit(levels, prepared, n)
    freqs = [None if p.value_frequency is None else p.value_frequency[i] for p in prepared]
    return model, levels, freqs


@pytest.fixture(scope="module")
def real():
    return _fit_real()


def _params(model: FellegiSunter):
    return [x.tolist() for x in model.m_], [x.tolist() for x in model.u_], model.lambda_


def test_same_seed_gives_identical_parameters(real):
    again, _, _ = _fit_real(seed=0)
    assert _params(again) == _params(real[0])


def test_seed_drives_the_random_pair_sample():
    levels, prepared = _synthetic(n_match=300, n_non=700)
    a = FellegiSunter(COMPARISONS, u_sample_pairs=10_000, seed=0).fit(levels, prepared, 2000)
    b = FellegiSunter(COMPARISONS, u_sample_pairs=10_000, seed=0).fit(levels, prepared, 2000)
    c = FellegiSunter(COMPARISONS, u_sample_pairs=10_000, seed=1).fit(levels, prepared, 2000)
    assert _params(a) == _params(b)
    assert _params(a) != _params(c)


def test_dict_round_trip_gives_bit_identical_weights(real):
    model, levels, freqs = real
    data = json.loads(json.dumps(model.to_dict()))
    again = FellegiSunter.from_dict(data)
    assert again.comparisons == model.comparisons
    np.testing.assert_array_equal(again.match_weight(levels), model.match_weight(levels))
    np.testing.assert_array_equal(
        again.match_weight(levels, freqs), model.match_weight(levels, freqs)
    )
    assert again.prior_weight == model.prior_weight


def test_save_load_round_trip_gives_bit_identical_weights(real, tmp_path):
    model, levels, freqs = real
    path = tmp_path / "model.json"
    model.save(path)
    loaded = FellegiSunter.load(path)
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "unifyprofile.FellegiSunter"
    np.testing.assert_array_equal(
        loaded.match_weight(levels, freqs), model.match_weight(levels, freqs)
    )
    weight = model.match_weight(levels, freqs)
    np.testing.assert_array_equal(loaded.match_probability(weight), model.match_probability(weight))


def test_from_dict_rejects_a_foreign_file():
    with pytest.raises(DataError, match="format marker"):
        FellegiSunter.from_dict({"comparisons": []})


def test_contributions_rows_sum_to_match_weight(real):
    model, levels, freqs = real
    for f in (None, freqs):
        contrib = model.contributions(levels, f)
        assert contrib.shape == levels.shape
        np.testing.assert_allclose(contrib.sum(axis=1), model.match_weight(levels, f))


def test_contributions_are_log2_bayes_factors_and_zero_for_nulls():
    model = FellegiSunter([ExactMatch("email"), ExactMatch("phone")]).set_params(
        m=[[0.1, 0.9], [0.2, 0.8]], u=[[0.99, 0.01], [0.9, 0.1]], lambda_=0.01
    )
    levels = np.array([[1, -1], [0, 1], [-1, -1]], dtype=np.int8)
    contrib = model.contributions(levels)
    np.testing.assert_allclose(
        contrib,
        [
            [np.log2(0.9 / 0.01), 0.0],
            [np.log2(0.1 / 0.99), np.log2(0.8 / 0.1)],
            [0.0, 0.0],
        ],
    )
    np.testing.assert_allclose(model.match_weight(levels), contrib.sum(axis=1))


def test_tf_adjustment_makes_rare_values_stronger_evidence():
    comparison = ExactMatch("city", tf_adjust=True)
    model = FellegiSunter([comparison]).set_params(m=[[0.1, 0.9]], u=[[0.8, 0.2]], lambda_=0.01)
    levels = np.array([[1], [1], [0]], dtype=np.int8)
    freq = [np.array([0.001, 0.5, 0.3])]
    w = model.match_weight(levels, freq)
    assert w[0] == pytest.approx(np.log2(0.9 / 0.001))
    assert w[1] == pytest.approx(np.log2(0.9 / 0.5))
    assert w[2] == pytest.approx(np.log2(0.1 / 0.8))  # only the exact level is adjusted
    off = FellegiSunter([comparison], tf_adjust=False).set_params(
        m=[[0.1, 0.9]], u=[[0.8, 0.2]], lambda_=0.01
    )
    np.testing.assert_allclose(off.match_weight(levels, freq), model.match_weight(levels))


def test_a_shared_address_counts_once_not_again_for_its_postcode_and_town():
    comparisons = [AddressComparison(), PostcodeComparison(), ExactMatch("city")]
    model = FellegiSunter(comparisons).set_params(
        m=[[0.1, 0.1, 0.2, 0.6], [0.1, 0.1, 0.8], [0.2, 0.8]],
        u=[[0.97, 0.02, 0.005, 0.005], [0.9, 0.05, 0.05], [0.8, 0.2]], lambda_=0.01)
    levels = np.array([
        [3, 2, 1],    # same address: postcode and town add nothing
        [0, 2, 1],    # other street: the postcode and town still count
        [3, 0, 1],    # same street elsewhere: the postcode that differs still counts
        [-1, 2, 1],   # no address: the postcode counts, the town not again
        [-1, -1, 1],  # the town alone counts
    ], dtype=np.int8)
    contrib = model.contributions(levels)
    street, code, town = np.log2(0.6 / 0.005), np.log2(0.8 / 0.05), np.log2(0.8 / 0.2)
    np.testing.assert_allclose(contrib, [
        [street, 0, 0],
        [np.log2(0.1 / 0.97), code, 0],
        [street, np.log2(0.1 / 0.9), 0],
        [0, code, 0],
        [0, 0, town],
    ])


def test_match_probability_combines_weight_and_prior():
    model = FellegiSunter([ExactMatch("email")]).set_params(
        m=[[0.1, 0.9]], u=[[0.9, 0.1]], lambda_=0.2
    )
    assert model.prior_weight == pytest.approx(np.log2(0.25))
    p = model.match_probability(np.array([0.0, 2.0, -np.inf]))
    np.testing.assert_allclose(p, [0.2, 0.5, 0.0])


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.match_weight(np.zeros((1, 1), dtype=np.int8)),
        lambda m: m.contributions(np.zeros((1, 1), dtype=np.int8)),
        lambda m: m.prior_weight,
        lambda m: m.to_dict(),
    ],
)
def test_unfitted_model_raises_not_fitted_error(call):
    with pytest.raises(NotFittedError, match="not fitted"):
        call(FellegiSunter([ExactMatch("email")]))


def test_levels_with_the_wrong_number_of_columns_are_rejected():
    model = FellegiSunter([ExactMatch("email")]).set_params(
        m=[[0.1, 0.9]], u=[[0.9, 0.1]], lambda_=0.2
    )
    with pytest.raises(DataError, match=r"one column per comparison \(1\)"):
        model.match_weight(np.zeros((3, 2), dtype=np.int8))


def test_set_params_checks_the_number_of_levels():
    with pytest.raises(DataError, match="has 2 levels"):
        FellegiSunter([ExactMatch("email")]).set_params(m=[[1.0]], u=[[1.0]], lambda_=0.1)


def test_fit_without_candidate_pairs_is_clean():
    records = pd.DataFrame({"email_std": ["a@x.io", "b@x.io", "c@x.io"]})
    comparison = ExactMatch("email")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = FellegiSunter([comparison]).fit(
            np.empty((0, 1), dtype=np.int8), [comparison.prepare(records)], len(records)
        )
    assert np.isfinite(model.lambda_)
    assert all(np.isfinite(m).all() for m in model.m_)
