"""The standardise() stage: columns added, name fallback, placeholders, no mutation."""

import pandas as pd
import pytest

import unifyprofile.standardise as std_module
from unifyprofile import schema
from unifyprofile.errors import ConfigError, DataError
from unifyprofile.standardise import standardise


def plain(column):
    """Values of a column, nulls as None (text columns are Arrow-backed, nulls pd.NA)."""
    return [None if v is pd.NA else v for v in column.tolist()]


def _records():
    return pd.DataFrame(
        {
            "record_id": ["crm:1", "crm:2", "shop:1", "shop:2"],
            "source": ["crm", "crm", "shop", "shop"],
            "first_name": ["Bob", None, "unknown", "Liz"],
            "last_name": ["Smith", None, None, "O'Brien"],
            "full_name": [None, "张伟", "Mary Jones", None],
            "email": ["Bob.Smith+x@gmail.com", "test@test.com", "mary@acme.com", None],
            "phone": ["(415) 555-0134", "+86 138 0013 8000", "020 7946 0958", "n/a"],
            "dob": ["03/04/1985", "1990-02-30", "03/04/1985", "1900-01-01"],
            "gender": ["M", "female", None, "F"],
            "address": ["1 Main Street", None, "Flat 2, 10 Baker Street", None],
            "city": ["St. Louis", None, "London", None],
            "state": ["Missouri", None, None, None],
            "postcode": ["63101-1234", None, "NW1 6XE", None],
            "country": ["USA", "中国", "UK", None],
            "company": ["Acme Inc.", None, None, None],
            "marketing_opt_in": ["yes", "no", None, "1"],
            "updated_at": ["2024-01-01T00:00:00Z", None, "2024-02-01", "junk"],
            "customer_id": ["c-1", "0000", "C-1", None],
            "notes": ["keep me", None, "x", "y"],
        },
        index=[10, 11, 12, 13],
    )


def test_columns_values_and_flags():
    records = _records()
    region = records["source"].map({"crm": "US", "shop": "GB"})
    dayfirst = records["source"].map({"crm": False, "shop": True})
    out = standardise(records, region=region, dayfirst=dayfirst)

    assert plain(out["email_std"]) == ["bobsmith@gmail.com", None, "mary@acme.com", None]
    assert plain(out["email_flag"]) == [None, "placeholder", None, None]
    assert plain(out["phone_std"]) == ["+14155550134", "+8613800138000", "+442079460958", None]
    assert plain(out["phone_flag"]) == [None, None, None, "placeholder"]
    assert plain(out["dob_std"]) == ["1985-03-04", None, "1985-04-03", None]
    assert plain(out["dob_flag"]) == [None, "invalid", None, "placeholder"]
    assert plain(out["first_name_std"]) == ["bob", "wei", "mary", "liz"]
    assert plain(out["last_name_std"]) == ["smith", "zhang", "jones", "obrien"]
    assert plain(out["full_name_std"]) == ["bob smith", "wei zhang", "mary jones", "liz obrien"]
    assert plain(out["first_name_nick"]) == ["robert", "wei", "mary", "elizabeth"]
    assert plain(out["first_name_flag"]) == [None, None, None, None]
    assert plain(out["gender_std"]) == ["m", "f", None, "f"]
    assert plain(out["address_std"]) == ["1 main st", None, "apt 2 10 baker st", None]
    assert plain(out["city_std"]) == ["saint louis", None, "london", None]
    assert plain(out["state_std"]) == ["US-MO", None, None, None]
    assert plain(out["postcode_std"]) == ["63101", None, "NW16XE", None]
    assert plain(out["country_std"]) == ["US", "CN", "GB", None]
    assert plain(out["company_std"]) == ["acme", None, None, None]
    assert plain(out["marketing_opt_in_std"]) == [True, False, None, True]
    assert str(out["marketing_opt_in_std"].dtype) == "boolean"
    assert str(out["updated_at_std"].dtype) == "datetime64[ns, UTC]"
    assert out["updated_at_std"].iloc[0] == pd.Timestamp("2024-01-01", tz="UTC")
    assert pd.isna(out["updated_at_std"].iloc[3])
    assert plain(out["customer_id_std"]) == ["C1", None, "C1", None]
    assert plain(out["customer_id_flag"]) == [None, "placeholder", None, None]
    assert "notes_std" not in out and plain(out["notes"]) == ["keep me", None, "x", "y"]
    for column in ("email_std", "first_name_std", "phone_std", "customer_id_std",
                   "address_std", "city_std", "postcode_std", "company_std"):
        assert out[column].dtype == schema.TEXT


def test_placeholder_first_name_kept_when_split_gives_none():
    records = pd.DataFrame({"first_name": ["unknown"], "last_name": ["Smith"]})
    out = standardise(records)
    assert plain(out["first_name_std"]) == [None]
    assert plain(out["first_name_flag"]) == ["placeholder"]
    assert plain(out["full_name_std"]) == ["smith"]


def test_given_names_preferred_over_split():
    records = pd.DataFrame(
        {
            "first_name": ["Robert", None],
            "last_name": [None, "Li"],
            "full_name": ["Bob Smith", "Li Na Wang"],
        }
    )
    out = standardise(records)
    assert plain(out["first_name_std"]) == ["robert", "li"]
    assert plain(out["last_name_std"]) == ["smith", "li"]


def test_only_full_name():
    records = pd.DataFrame({"full_name": ["Smith, John", "Madonna", "欧阳娜娜", None]})
    out = standardise(records)
    assert plain(out["first_name_std"]) == ["john", "madonna", "nana", None]
    assert plain(out["last_name_std"]) == ["smith", None, "ouyang", None]
    assert plain(out["full_name_std"]) == ["john smith", "madonna", "nana ouyang", None]
    # "Madonna" fills the first name but may as well be a surname: flagged, value kept.
    assert plain(out["first_name_flag"]) == [None, "unplaced", None, None]


def test_a_full_names_one_word_is_unplaced_only_where_the_record_has_no_name_of_its_own():
    records = pd.DataFrame({"first_name": [None, None, "Owen"],
                            "last_name": ["Jones", None, None],
                            "full_name": ["Owen", "Owen", None]})
    out = standardise(records)
    assert plain(out["first_name_std"]) == ["owen", "owen", "owen"]
    assert plain(out["first_name_flag"]) == [None, "unplaced", None]


def test_no_name_fields_no_name_columns():
    out = standardise(pd.DataFrame({"email": ["a@b.com"]}))
    assert not [c for c in out.columns if "name" in c]
    assert list(out.columns) == ["email", "email_std", "email_flag"]


def test_user_placeholders():
    records = pd.DataFrame(
        {
            "email": ["Info@Acme.com", "jane@acme.com"],
            "phone": ["(415) 555-0199", "(415) 555-0134"],
            "first_name": ["Valued", "Jane"],
            "customer_id": ["999-999", "123"],
            "city": ["Nowhere", "Paris"],
        }
    )
    out = standardise(
        records,
        placeholders={
            "email": ["info@acme.com"],
            "phone": ["415-555-0199"],
            "first_name": "VALUED",
            "customer_id": ["999999"],
            "city": ["nowhere"],
        },
    )
    assert plain(out["email_std"]) == [None, "jane@acme.com"]
    assert plain(out["email_flag"]) == ["placeholder", None]
    assert plain(out["phone_flag"]) == ["placeholder", None]
    assert plain(out["first_name_std"]) == [None, "jane"]
    assert plain(out["first_name_flag"]) == ["placeholder", None]
    assert plain(out["customer_id_flag"]) == ["placeholder", None]
    assert plain(out["city_std"]) == [None, "paris"]


def test_unknown_placeholder_field_is_a_config_error():
    with pytest.raises(ConfigError, match="emial"):
        standardise(pd.DataFrame({"email": ["a@b.com"]}), placeholders={"emial": ["x"]})


def test_custom_id_fields():
    records = pd.DataFrame({"crm_contact": [" ab-1 "], "customer_id": ["x-1"]})
    out = standardise(records, id_fields=["crm_contact"])
    assert plain(out["crm_contact_std"]) == ["AB1"]
    assert "customer_id_std" not in out


def test_phone_fields_are_read_as_phones():
    records = pd.DataFrame({"phone": ["(312) 555-0101"], "mobile": ["312.555.0199"],
                            "fax": ["000-000-0000"]})
    out = standardise(records, phone_fields=["mobile", "fax"])
    assert plain(out["mobile_std"]) == ["+13125550199"]
    assert plain(out["fax_std"]) == [None]
    assert plain(out["fax_flag"]) == ["placeholder"]


def test_a_phone_field_that_has_its_own_standardiser_is_a_config_error():
    with pytest.raises(ConfigError, match="'email'"):
        standardise(pd.DataFrame({"email": ["a@b.com"]}), phone_fields=["email"])


def test_input_not_mutated_and_order_kept():
    records = _records()
    before = records.copy(deep=True)
    out = standardise(records)
    pd.testing.assert_frame_equal(records, before)
    assert out.index.equals(records.index)
    pd.testing.assert_frame_equal(out[records.columns], records)


def test_duplicate_index():
    records = pd.DataFrame({"email": ["A@b.com", "c@d.com"]}, index=[1, 1])
    out = standardise(records)
    assert plain(out["email_std"]) == ["a@b.com", "c@d.com"]


def test_rerun_replaces_std_columns():
    once = standardise(_records())
    twice = standardise(once)
    assert list(twice.columns) == list(once.columns)
    pd.testing.assert_frame_equal(once, twice)


def test_bad_inputs():
    with pytest.raises(DataError, match="DataFrame"):
        standardise(["not", "a", "frame"])
    records = pd.DataFrame({"phone": ["1"]}, index=[5])
    with pytest.raises(DataError, match="region"):
        standardise(records, region=pd.Series(["US"], index=[0]))


def test_public_names():
    assert sorted(std_module.__all__) == sorted(
        name
        for name in dir(std_module)
        if not name.startswith("_") and callable(getattr(std_module, name))
    )
