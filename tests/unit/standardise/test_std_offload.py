"""Phone parsing shared with a child interpreter gives what this process alone gives,
however the child ends."""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd
import pytest

from unifyprofile.standardise import _offload, standardise
from unifyprofile.standardise.phones import _parse_each, standardise_phones

# National numbers of several countries written without a country code (phonenumbers
# parses each), a few North American ones (the vectorised path) and junk.
_RAW = ["06 87 32 23 64", "0159 848624", "61 7901 869", "138-9103-3596", "+39 091 3743 080",
        "+86 138 9103 3596", "(415) 555-0134", "000-000-0000", "n/a", "0044 20 7946 0958"]


def _phones(n: int) -> pd.Series:
    rng = np.random.default_rng(7)
    digits = rng.integers(0, 10, size=(n, 8))
    made = ["0" + "".join(map(str, row[:1])) + " " + "".join(map(str, row[1:])) for row in digits]
    return pd.Series([*_RAW, *made], dtype=object)


@pytest.fixture
def small_share(monkeypatch: pytest.MonkeyPatch) -> None:
    """A child for a few hundred numbers, in chunks of 25, on any machine."""
    monkeypatch.setattr(_offload, "MIN_SIZE", 10)
    monkeypatch.setattr(_offload, "CHUNK", 25)
    monkeypatch.setattr(_offload, "_cores", lambda: 2)


def _items(n: int) -> list[tuple[str, str]]:
    return [(text, "US") for text in _phones(n)]


@pytest.mark.usefixtures("small_share")
def test_a_map_shared_with_a_child_gives_the_results_of_this_process() -> None:
    items = _items(400)
    shared = _offload.shared_map(_parse_each, items)
    # Let the child parse everything: the result is then all of its own delivery.
    delivery = shared._delivery  # noqa: SLF001
    assert delivery.ended.wait(timeout=120)
    assert len(delivery.delivered) == -(-len(items) // _offload.CHUNK)
    assert shared.result() == _parse_each(items)


@pytest.mark.usefixtures("small_share")
@pytest.mark.parametrize("child", [
    "import sys; sys.exit(3)",  # dies at once
    "import sys; sys.stdout.write('not a pickle'); sys.stdout.flush()",  # garbage
    "import sys, pickle; sys.stdin.buffer.read(); pickle.dump(FIRST, sys.stdout.buffer)",
])
def test_when_the_child_fails_this_process_parses_what_it_did_not_deliver(
        monkeypatch: pytest.MonkeyPatch, child: str) -> None:
    items = _items(400)
    # The last child delivers its first chunk and ends: the rest is parsed here.
    monkeypatch.setattr(_offload, "_CHILD", child.replace(
        "FIRST", repr(_parse_each(items[:_offload.CHUNK]))))
    assert _offload.shared_map(_parse_each, items).result() == _parse_each(items)


@pytest.mark.usefixtures("small_share")
def test_no_child_without_an_interpreter_or_a_second_core(
        monkeypatch: pytest.MonkeyPatch) -> None:
    items = _items(100)
    monkeypatch.setattr(_offload, "_interpreter", lambda: None)
    alone = _offload.shared_map(_parse_each, items)
    assert alone._child is None  # noqa: SLF001
    assert alone.result() == _parse_each(items)
    monkeypatch.undo()
    monkeypatch.setattr(_offload, "_cores", lambda: 1)
    monkeypatch.setattr(_offload, "MIN_SIZE", 10)
    assert _offload.shared_map(_parse_each, items)._child is None  # noqa: SLF001


@pytest.mark.usefixtures("small_share")
def test_standardise_with_share_gives_the_same_table() -> None:
    values = _phones(600)
    records = pd.DataFrame({"phone": values, "mobile": values[::-1].to_numpy(),
                            "email": ["a@example.org"] * len(values)})
    region = pd.Series(["US", "FR", "DE"] * (len(values) // 3) + ["US"] * (len(values) % 3))
    shared = standardise(records, region=region, phone_fields=("mobile",), share=True)
    alone = standardise(records, region=region, phone_fields=("mobile",))
    pd.testing.assert_frame_equal(shared, alone)
    frames = standardise_phones({"phone": values}, "US", share=True)()
    assert frames["phone"]["std"].tolist() == standardise(
        records[["phone"]])["phone_std"].astype(object).where(
            lambda s: s.notna(), None).tolist()


@pytest.mark.usefixtures("small_share")
def test_a_map_dropped_before_its_result_stops_its_child(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_offload, "_CHILD", "import time; time.sleep(120)")
    shared = _offload.shared_map(_parse_each, _items(100))
    child = shared._child  # noqa: SLF001
    assert child is not None and child.poll() is None
    del shared
    gc.collect()
    assert child.wait(timeout=30) is not None
