"""Name comparison: names of the other sex, term frequencies that count people, letters
an export lost."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unifyprofile.compare import TF_PRIOR_PEOPLE, NameComparison, lost_alike


def test_names_of_the_other_sex_are_different_names_however_alike():
    records = pd.DataFrame({"first_name_std": ["michael", "michelle", "daniel", "danielle",
                                               "michal"]})
    plain = NameComparison("first_name", nicknames=False).prepare(records)
    sexed = NameComparison("first_name", nicknames=False, sexes=True).prepare(records)
    i, j = np.array([0, 2, 0]), np.array([1, 3, 4])
    assert plain.levels(i, j).tolist()[:2] != [0, 0]  # Jaro-Winkler calls them alike
    assert sexed.levels(i, j).tolist() == [0, 0, plain.levels(i, j).tolist()[2]]


def test_term_frequencies_count_people_not_records():
    # "kenji" has five records of one person (one birth date) and "anna" two people.
    records = pd.DataFrame({
        "first_name_std": ["kenji"] * 5 + ["anna", "anna", "bo"],
        "dob_std": ["1970-01-01"] * 5 + ["1980-01-01", "1990-01-01", "1999-01-01"],
    })
    freq = NameComparison("first_name", nicknames=False).prepare(records).value_frequency
    assert freq[0] == 0.25 and freq[5] == 0.5  # 1 of 4 people; 2 of 4 people


def test_first_name_frequency_within_its_surname_is_shrunk_towards_its_own():
    records = pd.DataFrame({
        "first_name_std": ["wei"] * 10 + ["wei"] + ["ann"] * 9,
        "last_name_std": ["wang"] * 10 + ["smith"] * 10,
        "dob_std": [f"19{50 + k}-01-01" for k in range(20)],
    })
    comparison = NameComparison("first_name", nicknames=False, tf_given="last_name")
    freq = comparison.prepare(records).value_frequency
    own, prior = 11 / 20, TF_PRIOR_PEOPLE
    assert freq[0] == pytest.approx((10 + prior * own) / (10 + prior))  # among the Wangs
    assert freq[10] == pytest.approx((1 + prior * own) / (10 + prior))  # among the Smiths
    assert freq[0] > freq[10]


def test_a_common_full_name_is_common_evidence():
    """Hundreds of people called Wei Wang: agreeing on "wei" among the Wangs is weak
    evidence, though "wei" is rare among all the people."""
    n = 5000
    first = ["wei"] * 300 + [f"given{k}" for k in range(n - 300)]
    last = ["wang"] * 350 + [f"surname{k}" for k in range(n - 350)]
    records = pd.DataFrame({"first_name_std": first, "last_name_std": last,
                            "dob_std": [str(k) for k in range(n)]})
    within = NameComparison("first_name", nicknames=False, tf_given="last_name")
    alone = NameComparison("first_name", nicknames=False)
    assert within.prepare(records).value_frequency[0] > 2 * alone.prepare(
        records).value_frequency[0]


def test_aliases_reach_the_nickname_level_both_ways():
    records = pd.DataFrame({
        "first_name_std": ["kasia", "katarzyna", "katarzyna", "chema", "jose", "anna"],
        "first_name_nick": ["kasia", "katarzyna", "katarzyna", "chema", "jose", "anna"],
    })
    plain = NameComparison("first_name")
    aliased = NameComparison("first_name", aliases=(("katarzyna", "kasia"), ("jose", "chema"),
                                                    ("zofia", "zosia")))
    i, j = np.array([0, 2, 4, 0]), np.array([1, 0, 3, 5])
    nickname = aliased.level_names.index("nickname")
    assert plain.prepare(records).levels(i, j).tolist() == [0, 0, 0, 0]
    assert aliased.prepare(records).levels(i, j).tolist() == [nickname, nickname, nickname, 0]
    # Pairs are kept sorted and once, so a config round-trips.
    assert aliased.aliases == (("chema", "jose"), ("kasia", "katarzyna"), ("zofia", "zosia"))
    assert aliased.to_config()["aliases"] == [("chema", "jose"), ("kasia", "katarzyna"),
                                              ("zofia", "zosia")]


@pytest.mark.parametrize("aliases", [[["anna"]], [["anna", "anna"]], ["anna"], [["a", 1]]])
def test_aliases_must_be_pairs_of_two_names(aliases):
    from unifyprofile.errors import ConfigError

    with pytest.raises(ConfigError, match="aliases: expected a list of pairs"):
        NameComparison("first_name", aliases=aliases)
    with pytest.raises(ConfigError, match="set nicknames = true"):
        NameComparison("first_name", nicknames=False, aliases=(("kasia", "katarzyna"),))


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("buli?", "bulic", True),  # Bulić, its ć lost, against the plain spelling
        ("i?bak", "icbak", True),
        ("ji??", "jir?", True),  # both lost letters: alike where both kept them
        ("ivan buli?", "ivan bulic", True),
        ("mati?", "matias", False),  # a lost letter is one letter
        ("j?", "jo", False),  # too few letters kept to say
        ("??a", "ana", False),
        ("buli?", "bulid", True),
        ("buli?", "balic", False),
    ],
)
def test_lost_alike(a, b, alike):
    assert lost_alike(a, b) is alike
    assert lost_alike(b, a) is alike


def test_a_name_with_lost_letters_agrees_exactly_with_the_name_it_spells():
    records = pd.DataFrame({"last_name_std": ["bulic", "buli?", "matic", "mati?", "balic",
                                              "matis"],
                            "dob_std": [f"19{50 + k}-01-01" for k in range(6)]})
    prepared = NameComparison("last_name", nicknames=False).prepare(records)
    exact = len(prepared.comparison.level_names) - 1
    levels = prepared.levels(np.array([0, 2, 1, 3]), np.array([1, 3, 4, 5]))
    assert levels.tolist()[:2] == [exact, exact]
    assert levels.tolist()[2] < exact  # "buli?" does not spell "balic"
    assert levels.tolist()[3] == exact  # "mati?" spells "matis" too
    # Its term frequency is the share of the names it spells with its own: agreeing with
    # "mati?" is weaker evidence than agreeing on the rare "bulic".
    freq = prepared.value_frequency
    assert freq[3] == pytest.approx(3 / 6)  # matic, matis and itself
    assert freq[1] == pytest.approx(2 / 6)
    assert freq[0] == pytest.approx(1 / 6)
