"""The standardise() stage: columns added, name fallback, placeholders, no mutation."""

import pandas as pd
import pytest

import unifyprofile.standardise as std_module
from unifyprofile.errors import ConfigError, DataError
from unifyprofile.standardise import standardise


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

    assert out["email_std"].tolist() == ["bobsmith@gmail.com", None, "mary@acme.com", None]
    assert out["email_flag"].tolist() == [None, "placeholder", None, None]
    assert out["phone_std"].tolist() == ["+14155550134", "+8613800138000", "+442079460958", None]
    assert out["phone_flag"].tolist() == [None, None, None, "placeholder"]
    assert out["dob_std"].tolist() == ["1985-03-04", None, "1985-04-03", None]
    assert out["dob_flag"].tolist() == [None, "invalid", None, "placeholder"]
    assert out["first_name_std"].tolist() == ["bob", "wei", "mary", "liz"]
    assert out["last_name_std"].tolist() == ["smith", "zhang", "jones", "obrien"]
    assert out["full_name_std"].tolist() == ["bob smith", "wei zhang", "mary jones", "liz obrien"]
    assert out["first_name_nick"].tolist() == ["robert", "wei", "mary", "elizabeth"]
    assert out["first_name_flag"].tolist() == [None, None, None, None]
    assert out["gender_std"].tolist() == ["m", "f", None, "f"]
    assert out["address_std"].tolist() == ["1 main st", None, "apt 2 10 baker st", None]
    assert out["city_std"].tolist() == ["saint louis", None, "london", None]
    assert out["state_std"].tolist() == ["MO", None, None, None]
    assert out["postcode_std"].tolist() == ["63101", None, "NW16XE", None]
    assert out["country_std"].tolist() == ["US", "CN", "GB", None]
    assert out["company_std"].tolist() == ["acme", None, None, None]
    assert out["marketing_opt_in_std"].tolist() == [True, False, pd.NA, True]
    assert str(out["marketing_opt_in_std"].dtype) == "boolean"
    assert str(out["updated_at_std"].dtype) == "datetime64[ns, UTC]"
    assert out["updated_at_std"].iloc[0] == pd.Timestamp("2024-01-01", tz="UTC")
    assert pd.isna(out["updated_at_std"].iloc[3])
    assert out["customer_id_std"].tolist() == ["C1", None, "C1", None]
    assert out["customer_id_flag"].tolist() == [None, "placeholder", None, None]
    assert "notes_std" not in out and out["notes"].tolist() == ["keep me", None, "x", "y"]
    for column in ("email_std", "first_name_std", "phone_std", "customer_id_std"):
        assert out[column].dtype == object


def test_placeholder_first_name_kept_when_split_gives_none():
    records = pd.DataFrame({"first_name": ["unknown"], "last_name": ["Smith"]})
    out = standardise(records)
    assert out["first_name_std"].tolist() == [None]
    assert out["first_name_flag"].tolist() == ["placeholder"]
    assert out["full_name_std"].tolist() == ["smith"]


def test_given_names_preferred_over_split():
    records = pd.DataFrame(
        {
            "first_name": ["Robert", None],
            "last_name": [None, "Li"],
            "full_name": ["Bob Smith", "Li Na Wang"],
        }
    )
    out = standardise(records)
    assert out["first_name_std"].tolist() == ["robert", "li"]
    assert out["last_name_std"].tolist() == ["smith", "li"]


def test_only_full_name():
    records = pd.DataFrame({"full_name": ["Smith, John", "Madonna", "欧阳娜娜", None]})
    out = standardise(records)
    assert out["first_name_std"].tolist() == ["john", "madonna", "nana", None]
    assert out["last_name_std"].tolist() == ["smith", None, "ouyang", None]
    assert out["full_name_std"].tolist() == ["john smith", "madonna", "nana ouyang", None]


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
    assert out["email_std"].tolist() == [None, "jane@acme.com"]
    assert out["email_flag"].tolist() == ["placeholder", None]
    assert out["phone_flag"].tolist() == ["placeholder", None]
    assert out["first_name_std"].tolist() == [None, "jane"]
    assert out["first_name_flag"].tolist() == ["placeholder", None]
    assert out["customer_id_flag"].tolist() == ["placeholder", None]
    assert out["city_std"].tolist() == [None, "paris"]


def test_unknown_placeholder_field_is_a_config_error():
    with pytest.raises(ConfigError, match="emial"):
        standardise(pd.DataFrame({"email": ["a@b.com"]}), placeholders={"emial": ["x"]})


def test_custom_id_fields():
    records = pd.DataFrame({"crm_contact": [" ab-1 "], "customer_id": ["x-1"]})
    out = standardise(records, id_fields=["crm_contact"])
    assert out["crm_contact_std"].tolist() == ["AB1"]
    assert "customer_id_std" not in out


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
    assert out["email_std"].tolist() == ["a@b.com", "c@d.com"]


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
