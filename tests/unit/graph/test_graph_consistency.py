"""Entities are consistent, not merely connected: pairs inside a component are checked."""

from __future__ import annotations

import numpy as np
import pandas as pd

from unifyprofile.graph import AMBIGUOUS, Separator, cluster, within_component_pairs
from unifyprofile.infer import fit_config, infer_config
from unifyprofile.resolver import Resolver


def _arr(values):
    return np.asarray(values, dtype=np.int64)


def test_within_component_pairs_are_the_unlinked_pairs_of_small_components():
    labels = _arr([0, 0, 0, 0, 1, 1, 2])
    a, b = within_component_pairs(labels, _arr([0, 1, 2, 4]), _arr([1, 2, 3, 5]),
                                  np.ones(4))
    assert sorted(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 2), (0, 3), (1, 3)]


def test_large_components_give_the_pairs_two_links_apart():
    # A chain of 100 records: only the pairs two links apart are asked about.
    n = 100
    i, j = _arr(range(n - 1)), _arr(range(1, n))
    a, b = within_component_pairs(np.zeros(n, dtype=np.int64), i, j, np.ones(n - 1),
                                  all_up_to=10)
    assert set(zip(a.tolist(), b.tolist(), strict=True)) == {(k, k + 2) for k in range(n - 2)}


def test_a_chain_whose_ends_are_told_apart_ends_as_two_entities():
    # A-B strongly linked, B-C weakly linked, A and C scored clearly apart (never compared
    # by blocking: only the check inside the component sees them).
    asked = []

    def separate(i, j):
        asked.extend(zip(i.tolist(), j.tolist(), strict=True))
        return (i == 0) & (j == 2)

    result = cluster(3, _arr([0, 1]), _arr([1, 2]), np.array([9.0, 2.0]),
                     separate=Separator(separate))
    assert asked == [(0, 2)]
    assert result.labels.tolist() == [0, 0, 1]
    assert result.cut["reason"].str.startswith("kept apart").all()


def _apart_0_1(i, j):
    return (i == 0) & (j == 1)


def test_a_record_that_fits_two_people_kept_apart_equally_joins_neither():
    # 0 and 1 are two people kept apart; 2 (no first name: the separator is blind to it)
    # links to both about as strongly, so it belongs to neither.
    result = cluster(3, _arr([0, 1]), _arr([2, 2]), np.array([10.0, 10.5]),
                     separate=Separator(_apart_0_1, blind=np.array([False, False, True])))
    assert len(set(result.labels.tolist())) == 3
    assert (result.cut["reason"] == AMBIGUOUS).sum() == 1


def test_a_part_that_fits_two_people_leaves_as_one_entity():
    # 2 and 3 are one guest (linked strongly); each links to one of two people kept apart.
    result = cluster(4, _arr([2, 0, 1]), _arr([3, 2, 3]), np.array([30.0, 10.0, 10.0]),
                     separate=Separator(_apart_0_1,
                                        blind=np.array([False, False, True, True])))
    labels = result.labels.tolist()
    assert labels[2] == labels[3]
    assert len({labels[0], labels[1], labels[2]}) == 3


def test_a_record_that_clearly_fits_one_person_joins_that_person():
    result = cluster(3, _arr([0, 1]), _arr([2, 2]), np.array([20.0, 10.0]),
                     separate=Separator(_apart_0_1, blind=np.array([False, False, True])))
    assert result.labels.tolist() == [0, 1, 0]
    assert not (result.cut["reason"] == AMBIGUOUS).any()


def test_a_record_the_separator_can_tell_apart_is_not_detached():
    # 2 holds a first name that agrees with both: the strongest link decides, as before.
    result = cluster(3, _arr([0, 1]), _arr([2, 2]), np.array([10.0, 10.5]),
                     separate=Separator(_apart_0_1, blind=np.array([False, False, False])))
    assert result.labels.tolist() == [0, 1, 1]


def test_without_a_separator_the_chain_stays_connected():
    result = cluster(3, _arr([0, 1]), _arr([1, 2]), np.array([9.0, 2.0]))
    assert result.labels.tolist() == [0, 0, 0]


def _household() -> pd.DataFrame:
    """Two people of one household (surname, address, landline and mailbox shared),
    each with two records, and a stranger."""
    rows = [
        ("1", "Linda", "Williams", "1966-12-15", "504 Forest Ave", "60603", "Chicago",
         "williamsfamily@gmail.com", "(773) 259-2622"),
        ("2", "Linda", "Williams", "1966-12-15", "504 Forest Ave", "60603", "Chicago",
         "williamsfamily@gmail.com", "773-259-2622"),
        ("3", "Samuel", "Williams", "1964-02-03", "504 Forest Ave", "60603", "Chicago",
         "williamsfamily@gmail.com", "(773) 259-2622"),
        ("4", "Sam", "Williams", "1964-02-03", "504 Forest Avenue", "60603", "Chicago",
         "williamsfamily@gmail.com", "773 259 2622"),
        ("5", "Oscar", "Moore", "1990-07-01", "12 Elm St", "60614", "Chicago",
         "oscar.moore@yahoo.com", "(312) 555-0199"),
    ]
    rows += [(str(10 + k), first, last, f"19{50 + k % 40}-0{1 + k % 9}-1{k % 10}",
              f"{k} Main St", f"606{k % 90:02d}", "Chicago", f"{first}.{last}{k}@mail.com",
              f"(312) 555-{1000 + k}")
             for k, (first, last) in enumerate(
                 [(f, s) for f in ("Ann", "Bob", "Cy", "Di", "Ed", "Flo")
                  for s in ("Adams", "Baker", "Clark", "Davis", "Evans")])]
    return pd.DataFrame(rows, columns=["record_id", "first", "surname", "born", "street",
                                       "zip", "city", "email", "phone"])


def test_a_household_stays_apart_and_each_person_is_one_entity():
    table = _household()
    config, _ = infer_config({"people": table})
    records, *_ = Resolver(config).prepare()
    config, _ = fit_config(config, records)
    result = Resolver(config).resolve(records)
    entity = result.clusters.set_index("record_id")["entity_id"]
    linda = {entity["people:1"], entity["people:2"]}
    samuel = {entity["people:3"], entity["people:4"]}
    assert len(linda) == 1 and len(samuel) == 1
    assert linda != samuel
    assert entity["people:5"] not in linda | samuel


def test_resolving_without_golden_profiles_gives_the_same_entities():
    """``golden=False`` (what ``evaluate`` asks for) skips the merge only."""
    config, _ = infer_config({"people": _household()})
    records, *_ = Resolver(config).prepare()
    config, _ = fit_config(config, records)
    full = Resolver(config).resolve(records)
    bare = Resolver(config).resolve(records, golden=False)
    pd.testing.assert_frame_equal(bare.clusters, full.clusters)
    pd.testing.assert_frame_equal(bare.pairs, full.pairs)
    assert len(full.golden) == full.clusters["entity_id"].nunique()
    assert bare.golden.empty and "golden" not in bare.timings
    assert bare.summary()["entities"] == full.summary()["entities"]


def test_scores_kept_from_the_fit_check_equal_scores_of_the_fitted_model():
    """A run that fits its model scores the pairs with the weights its self-check
    computed; a run given that model computes them afresh: the same pairs table."""
    config, _ = infer_config({"people": _household()})
    records, *_ = Resolver(config).prepare()
    config, _ = fit_config(config, records)
    fitted = Resolver(config).resolve(records, golden=False)
    given = Resolver(config, model=fitted.model).resolve(records, golden=False)
    pd.testing.assert_frame_equal(given.pairs, fitted.pairs)
    assert given.pairs["match_weight"].notna().all()


def test_a_guest_at_a_household_address_joins_no_one_in_it():
    """A nameless record that shares only the address with two people kept apart (and
    whose e-mail matches neither) is no evidence for either."""
    guest = pd.DataFrame([("6", None, None, None, "504 Forest Ave", "60603", "Chicago",
                           "shopper.4471@mail.com", None)], columns=_household().columns)
    table = pd.concat([_household(), guest], ignore_index=True)
    config, _ = infer_config({"people": table})
    records, *_ = Resolver(config).prepare()
    config, _ = fit_config(config, records)
    entity = Resolver(config).resolve(records).clusters.set_index("record_id")["entity_id"]
    assert entity["people:1"] != entity["people:3"]
    assert entity["people:6"] not in {entity["people:1"], entity["people:3"]}



def test_names_alone_do_not_link_records_whose_contacts_all_differ():
    """A model that trusts names (rare ones agree) would link two namesakes; with names
    marked weak, a pair needs another comparison it holds to agree."""
    import dataclasses

    import unifyprofile as up
    from unifyprofile.compare import EmailComparison, NameComparison, PhoneComparison
    from unifyprofile.score import FellegiSunter, Guards

    people = pd.DataFrame({
        "id": ["1", "2", "3", "4"],
        "first_name": ["Zebulon", "Zebulon", "Zebulon", "Ann"],
        "last_name": ["Quarrington", "Quarrington", "Quarrington", "Lee"],
        "email": ["zq@x.org", "zeb@q.net", "zq@x.org", "ann@y.org"],
        "phone": ["415-555-0101", "212-555-0199", None, None],
    })
    comparisons = (NameComparison("first_name", tf_adjust=False),
                   NameComparison("last_name", tf_adjust=False), EmailComparison(),
                   PhoneComparison())
    config = up.Config(
        sources=(up.Source("crm", data=people, id_column="id",
                           columns={c: c for c in people.columns if c != "id"}),),
        blocking=(up.BlockingRule.parse(["last_name"]),), comparisons=comparisons)
    # Names: strong evidence; e-mail and phone: disagreeing costs little.
    names = ([0.05, 0.05, 0.05, 0.05, 0.8], [0.97, 0.01, 0.01, 0.006, 0.004])
    model = FellegiSunter(list(comparisons)).set_params(
        m=[names[0], names[0], [0.3, 0.1, 0.6], [0.3, 0.1, 0.6]],
        u=[names[1], names[1], [0.999, 0.0005, 0.0005], [0.999, 0.0005, 0.0005]],
        lambda_=0.01)

    def entity(guards: Guards) -> pd.Series:
        run = up.Resolver(dataclasses.replace(config, guards=guards), model=model).run()
        return run.clusters.set_index("record_id")["entity_id"]

    trusting = entity(Guards())
    assert trusting["crm:1"] == trusting["crm:2"]  # names outweigh two contacts that differ
    weak = entity(Guards(weak=("first_name", "last_name")))
    assert weak["crm:1"] != weak["crm:2"]  # e-mail and phone both differ
    assert weak["crm:1"] == weak["crm:3"]  # the e-mail agrees


def _names_and_one_field(people: pd.DataFrame, field: str, blocking: str,
                         weak: tuple[str, ...]):
    """A one-source config comparing first and last names and ``field`` exactly."""
    import unifyprofile as up
    from unifyprofile.compare import ExactMatch, NameComparison
    from unifyprofile.score import Guards

    comparisons = (NameComparison("first_name", tf_adjust=False),
                   NameComparison("last_name", tf_adjust=False), ExactMatch(field))
    return up.Config(
        sources=(up.Source("crm", data=people, id_column="id",
                           columns={c: c for c in people.columns if c != "id"}),),
        blocking=(up.BlockingRule.parse([blocking]),), comparisons=comparisons,
        guards=Guards(weak=weak))


def _namesakes(name: str, field: str, values: tuple[str, str]):
    """A :func:`_names_and_one_field` config over records crm:1 and crm:2 of one exact
    name (first and last, weak) that hold ``values`` of ``field``."""
    first, last = name.split()
    people = pd.DataFrame({"id": ["1", "2"], "first_name": [first] * 2,
                           "last_name": [last] * 2, field: list(values)})
    return _names_and_one_field(people, field, "last_name", ("first_name", "last_name"))


def _together(config, field_m: list[float], field_u: list[float]) -> bool:
    """Whether records crm:1 and crm:2 of a :func:`_names_and_one_field` config end as
    one entity under a model that trusts exact names and has ``field_m``/``field_u`` for
    the third comparison."""
    import unifyprofile as up
    from unifyprofile.score import FellegiSunter

    names = ([0.05, 0.05, 0.05, 0.05, 0.8], [0.97, 0.01, 0.01, 0.006, 0.004])
    model = FellegiSunter(list(config.comparisons)).set_params(
        m=[names[0], names[0], field_m], u=[names[1], names[1], field_u], lambda_=0.01)
    entity = up.Resolver(config, model=model).run().clusters.set_index(
        "record_id")["entity_id"]
    return bool(entity["crm:1"] == entity["crm:2"])


def test_a_disagreement_the_model_finds_meaningless_is_no_want_of_corroboration():
    """Names marked weak need corroboration only against fields whose disagreement is
    evidence: a system name that matches differ on as often as strangers says nothing."""
    config = _namesakes("Zebulon Quarrington", "system", ("crm", "shop"))
    assert _together(config, [0.6, 0.4], [0.6, 0.4])  # meaningless
    assert not _together(config, [0.3, 0.7], [0.9, 0.1])  # telling


def test_names_alone_link_only_when_they_agree_exactly():
    """With nothing that could corroborate them (no e-mail, phone or birth date on one
    side), "Ling Zheng" and "Ling Zhang" of one city stay apart; exact names may link."""
    import unifyprofile as up
    from unifyprofile.score import FellegiSunter

    people = pd.DataFrame({
        "id": ["1", "2", "3"],
        "first_name": ["Ling", "Ling", "Ling"],
        "last_name": ["Zheng", "Zhang", "Zheng"],
        "city": ["Beijing", "Beijing", "Beijing"],
    })
    config = _names_and_one_field(people, "city", "first_name",
                                  ("first_name", "last_name", "city"))
    comparisons = config.comparisons
    # Names and town: strong enough to link on their own.
    names = ([0.02, 0.3, 0.1, 0.1, 0.48], [0.97, 0.01, 0.01, 0.005, 0.005])
    model = FellegiSunter(list(comparisons)).set_params(
        m=[names[0], names[0], [0.1, 0.9]], u=[names[1], names[1], [0.99, 0.01]],
        lambda_=0.01)
    run = up.Resolver(config, model=model).run()
    entity = run.clusters.set_index("record_id")["entity_id"]
    assert entity["crm:1"] == entity["crm:3"]  # the same name exactly
    assert entity["crm:2"] not in {entity["crm:1"], entity["crm:3"]}  # a surname alike
    linked = run.pairs.set_index(["record_id_l", "record_id_r"])
    assert linked.loc[("crm:1", "crm:2"), "match_probability"] >= config.threshold


def test_an_e_mail_one_person_changes_does_not_contradict_exact_names():
    """A customer gives a work address here and a private one there: where the model
    finds that matches differ in e-mail half as often as strangers (1 bit), a different
    e-mail does not keep two records of one exact name apart; where matches rarely
    differ in it (2.3 bits), it does."""
    config = _namesakes("Anneke Mude", "email", ("annrose@gmail.com", "a.rosemann@plath.de"))
    assert _together(config, [0.5, 0.5], [0.999, 0.001])
    assert not _together(config, [0.2, 0.8], [0.999, 0.001])


def _customers_and_a_household(changed: int) -> pd.DataFrame:
    """Forty customers with two records each (one e-mail, one full name; ``changed`` of
    them gave another mobile number on the second record), and a household: "K Okafor"
    with one mobile, and Kunle Okafor twice with another; mailbox, address and surname
    shared."""
    first = ["Amara", "Bogdan", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiroshi",
             "Ines", "Jonas"]
    last = ["Abara", "Brandt", "Castellano", "Dvorak"]
    rows = []
    for k in range(40):
        given, surname = first[k % 10], last[k // 10]
        for second in (False, True):
            mobile = f"+44 7911 3{k:05d}" if second and k < changed else f"+44 7700 9{k:05d}"
            rows.append((f"{k}-{int(second)}", given, surname, f"19{50 + k}-0{1 + k % 9}-1{k % 10}",
                         f"{given}.{surname}{k}@mail.com".lower(), mobile, f"{k} High St"))
    family = ("okaforfamily@mail.com", "9 Mill Lane")
    rows += [("h1", "K", "Okafor", None, family[0], "+44 7700 900111", family[1])]
    rows += [(f"h{n}", "Kunle", "Okafor", "1971-05-04", family[0], "+44 7700 900222", family[1])
             for n in (2, 3)]
    return pd.DataFrame(rows, columns=["record_id", "first_name", "last_name", "dob", "email",
                                       "mobile", "street"])


def test_a_mobile_that_customers_keep_tells_a_household_apart():
    """An initial fits both people of a household; what they share outweighs a mobile
    number that differs.  Where customers' records never hold two mobiles, two mobiles
    are two people (a veto); where half of them changed numbers, it stays evidence."""
    entities, vetoes = [], []
    for changed in (0, 20):
        config, _ = infer_config({"people": _customers_and_a_household(changed)})
        records, *_ = Resolver(config).prepare()
        config, _ = fit_config(config, records)
        vetoes.append(config.guards.veto)
        entity = Resolver(config).resolve(records).clusters.set_index("record_id")["entity_id"]
        assert entity["people:h2"] == entity["people:h3"]
        entities.append(entity["people:h1"] == entity["people:h2"])
    assert vetoes == [("first_name", "phone", "dob"), ("first_name", "dob")]
    assert entities == [False, True]
