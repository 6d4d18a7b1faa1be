"""Literal cases for standardise_email."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unifyprofile.standardise import standardise_email


@pytest.mark.parametrize(
    ("raw", "std", "flag"),
    [
        ("John.Smith@Example.co.uk", "john.smith@example.co.uk", None),
        ("  jane@acme.com  ", "jane@acme.com", None),
        ("mailto:jane@acme.com", "jane@acme.com", None),
        ("<jane@acme.com>", "jane@acme.com", None),
        ("MAILTO:<Jane@Acme.COM>", "jane@acme.com", None),
        # Gmail: dots and +tags ignored, googlemail is gmail
        ("j.o.h.n.smith@gmail.com", "johnsmith@gmail.com", None),
        ("John.Smith+newsletter@gmail.com", "johnsmith@gmail.com", None),
        ("john.smith@googlemail.com", "johnsmith@gmail.com", None),
        ("john.smith+a+b@GoogleMail.com", "johnsmith@gmail.com", None),
        # plus-addressing providers drop the tag but keep dots
        ("jane.doe+shop@outlook.com", "jane.doe@outlook.com", None),
        ("jane+x@hotmail.com", "jane@hotmail.com", None),
        ("jane+x@icloud.com", "jane@icloud.com", None),
        ("jane+x@proton.me", "jane@proton.me", None),
        ("jane+x@fastmail.com", "jane@fastmail.com", None),
        # other providers keep both
        ("jane.doe+x@yahoo.com", "jane.doe+x@yahoo.com", None),
        # placeholders
        ("test@test.com", None, "placeholder"),
        ("none@none.com", None, "placeholder"),
        ("noemail@acme.com", None, "placeholder"),
        ("noreply@acme.com", None, "placeholder"),
        ("no@email.com", None, "placeholder"),
        ("no-reply@shop.com", None, "placeholder"),
        ("email@email.com", None, "placeholder"),
        ("x@x.com", None, "placeholder"),
        ("a@a.com", None, "placeholder"),
        ("unknown@acme.com", None, "placeholder"),
        ("na@na.com", None, "placeholder"),
        ("n/a@acme.com", None, "placeholder"),
        ("asdf@acme.com", None, "placeholder"),
        ("null@acme.com", None, "placeholder"),
        ("jane@example.com", None, "placeholder"),
        ("jane@example.org", None, "placeholder"),
        ("jane@example.net", None, "placeholder"),
        ("t.e.s.t@gmail.com", None, "placeholder"),
        # invalid
        ("jane", None, "invalid"),
        ("jane@", None, "invalid"),
        ("@acme.com", None, "invalid"),
        ("jane@acme", None, "invalid"),
        ("jane@@acme.com", None, "invalid"),
        ("jane@ac me.com", None, "invalid"),
        ("ja ne@acme.com", None, "invalid"),
        ("jane@acme..com", None, "invalid"),
        ("+tag@gmail.com", None, "invalid"),
        ("...@gmail.com", None, "invalid"),
    ],
)
def test_standardise_email(raw, std, flag):
    out = standardise_email(pd.Series([raw]))
    assert out.loc[0, "std"] == std
    assert out.loc[0, "flag"] == flag


@pytest.mark.parametrize("blank", [None, float("nan"), pd.NA, "", "   "])
def test_blank_is_null_not_flagged(blank):
    out = standardise_email(pd.Series([blank], dtype=object))
    assert out.loc[0, "std"] is None
    assert out.loc[0, "flag"] is None


def test_index_kept_and_object_columns():
    values = pd.Series(["a@b.com", None, "a@b.com"], index=[10, 5, 10])
    out = standardise_email(values)
    assert out.index.equals(values.index)
    assert list(out.columns) == ["std", "flag"]
    assert out["std"].dtype == object and out["flag"].dtype == object
    assert out["std"].tolist() == ["a@b.com", None, "a@b.com"]


def test_raw_not_modified():
    values = pd.Series(["  J.Smith@Gmail.com "])
    standardise_email(values)
    assert values.tolist() == ["  J.Smith@Gmail.com "]


_PIECES = ["a", "B", ".", "+", "-", "_", "@", "<", ">", ":", " ", "é", "1", "x", "mailto:",
           "gmail.com", "googlemail.com", "outlook.com", "example.com", "test", "noreply",
           "na", ".invalid", "..", "\t", "!", "%", "'", "a.b", "co.uk"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join), max_size=40))
def test_arrow_fast_path_equals_the_parser(texts):
    """Values the vectorised path decides get exactly what the one-by-one parser gives."""
    from unifyprofile.standardise import emails

    text = pa.array(texts, pa.string())
    done, std, flag = emails._parse_fast(text)
    for k in np.flatnonzero(done):
        assert (std[k].as_py(), flag[k].as_py()) == emails._parse_email(texts[k]), texts[k]


def test_arrow_fast_path_takes_plain_addresses():
    from unifyprofile.standardise import emails

    texts = ["Ann.Lee+x@GMail.com", "bob@x.org.", "x@x.com", "a@b", "<a@b.com>", "é@b.com"]
    done, std, flag = emails._parse_fast(pa.array(texts))
    assert done.tolist() == [True, True, True, True, False, False]
    assert std.to_pylist()[:4] == ["annlee@gmail.com", "bob@x.org", None, None]
    assert flag.to_pylist()[:4] == [None, None, "placeholder", "invalid"]
