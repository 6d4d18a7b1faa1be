"""The field-type registry: the built-in types as the stages had them, the public
constants as views of it, and a new type picked up by every stage with no other change."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

import unifyprofile as up
from unifyprofile import compare, golden, infer, schema, score
from unifyprofile.blocking import default_rules
from unifyprofile.compare import ExactMatch, StringComparison, default_comparisons
from unifyprofile.errors import ConfigError
from unifyprofile.fields import FieldType, field_type, field_types, register, unregister
from unifyprofile.golden import Survivorship
from unifyprofile.score import Guards
from unifyprofile.standardise import standardise

CANONICAL = ("first_name", "middle_name", "last_name", "full_name", "email", "phone", "dob",
             "gender", "address", "city", "state", "postcode", "country", "company",
             "marketing_opt_in", "marketing_opt_out")
IDENTIFIERS = ("customer_id", "loyalty_id", "device_id", "ssn")


def test_the_registry_lists_the_built_in_types_in_todays_order():
    names = [t.name for t in field_types()]
    # The built-in types, then those of the other modules of the package.
    assert names == [*CANONICAL, *IDENTIFIERS, "sin"]
    assert [t.name for t in field_types() if t.identifier] == [*IDENTIFIERS, "sin"]


def test_the_public_constants_are_what_the_registry_says():
    types = field_types()
    canonical, identifiers = schema.CANONICAL_FIELDS, schema.ID_FIELDS
    assert canonical == CANONICAL == tuple(t.name for t in types if not t.identifier)
    assert identifiers == (*IDENTIFIERS, "sin")
    assert identifiers == tuple(t.name for t in types if t.identifier)
    assert dict(golden.DEFAULT_POLICIES) == {
        "email": Survivorship("collect_all"), "phone": Survivorship("collect_all"),
        "marketing_opt_out": Survivorship("any"), "sin": Survivorship("most_recent")}
    assert dict(golden.DEFAULT_POLICIES) == {
        t.name: t.survivorship for t in types if t.survivorship is not None}
    shared = score.SHARED_FIELDS
    assert shared == frozenset({"address", "dob"}) == {t.name for t in types if t.shared}
    assert Guards().hub_fields == ("email", "phone", "address", "dob")
    assert compare.LOCATION_FIELDS == ("address", "postcode", "city", "state", "country")
    assert infer.VETO_FIELDS == ("first_name",)
    assert set(infer.PERSONAL_IDS) == {"ssn", "customer_id", "loyalty_id", "sin"}
    assert set(infer.WEAK_FIELDS) == {"first_name", "middle_name", "last_name", "full_name",
                                      "city", "postcode", "state", "country", "gender"}
    assert up.Config().id_fields == schema.ID_FIELDS


def test_the_preset_comparisons_keep_their_order():
    every = [*CANONICAL, "sku", *IDENTIFIERS]
    assert [c.name for c in default_comparisons(every)] == [
        "first_name", "last_name", "email", "phone", "dob", "address", "postcode", "city",
        "company", "sku", *IDENTIFIERS]
    only_full = default_comparisons(["full_name", "city"])
    assert only_full == [StringComparison("full_name", metric="token_sort",
                                          thresholds=(0.92, 0.8)),
                         ExactMatch("city", tf_adjust=True)]
    assert default_comparisons(["first_name"])[0].swap_with is None


def test_the_default_blocking_rules_keep_their_order():
    names = [r.name for r in default_rules([*CANONICAL, *reversed(IDENTIFIERS)])]
    assert names[:2] == ["email", "phone"]
    assert names[-4:] == list(IDENTIFIERS)


def test_a_field_type_checks_itself():
    with pytest.raises(ConfigError) as caught:
        FieldType("email_std", standardiser="upper", blocking="email",  # type: ignore[arg-type]
                  hub="yes")  # type: ignore[arg-type]
    assert len(caught.value.problems) == 4
    assert "a column the stages add" in caught.value.problems[0]
    with pytest.raises(ConfigError, match="already registered"):
        register(FieldType("email"))
    with pytest.raises(ConfigError, match="did you mean 'customer_id'"):
        field_type("customer_ids")


# ------------------------------------------------------------------ a type added at run time

def _loyalty_tier(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.lower()


@pytest.fixture
def throwaway() -> Iterator[tuple[FieldType, FieldType]]:
    """A canonical type and an identifier type, registered for one test only."""
    tier = register(FieldType(
        "loyalty_tier", _loyalty_tier,
        comparison=lambda present: StringComparison("loyalty_tier", thresholds=(0.8,)),
        survivorship=Survivorship("most_frequent"), hub=True))
    vat = register(FieldType("vat_number", comparison=lambda present: ExactMatch("vat_number"),
                             blocking=[["vat_number"]], identifier=True))
    try:
        yield tier, vat
    finally:
        unregister("loyalty_tier")
        unregister("vat_number")


def test_every_stage_picks_up_a_registered_type(throwaway):
    records = pd.DataFrame({"email": ["a@x.io", None], "loyalty_tier": [" Gold", "SILVER "],
                            "vat_number": ["de 123-456", "N/A"]})
    out = standardise(records)
    assert out["loyalty_tier_std"].tolist() == ["gold", "silver"]
    assert "loyalty_tier_flag" not in out.columns
    # An identifier type without a standardiser of its own is standardised as identifiers are.
    assert out["vat_number_std"].tolist()[0] == "DE123456"
    assert out["vat_number_flag"].tolist()[1] == "placeholder"

    assert [c.name for c in default_comparisons(out.columns)] == [
        "email", "loyalty_tier", "vat_number"]
    assert [r.name for r in default_rules({"email", "vat_number", "customer_id"})] == [
        "email", "customer_id", "vat_number"]
    assert golden.DEFAULT_POLICIES["loyalty_tier"] == Survivorship("most_frequent")
    assert Guards().hub_fields == ("email", "phone", "loyalty_tier", "address", "dob")
    assert "vat_number" in up.Config().id_fields and "loyalty_tier" in schema.CANONICAL_FIELDS


def test_the_registry_is_as_it_was_after_the_throwaway_type():
    assert "loyalty_tier" not in [t.name for t in field_types()]
    assert "loyalty_tier_std" not in standardise(pd.DataFrame({"loyalty_tier": ["x"]})).columns
