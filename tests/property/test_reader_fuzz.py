"""Fuzzing the readers: random CSV and JSONL bytes never lose a line or raise anything but
:class:`~unifyprofile.errors.UnifyProfileError`.

Conservation: every data row is a record or a reject, numbered once; for CSV every
physical line is in the header, a blank line, a record or a reject; for JSONL every
non-blank line is a row.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unifyprofile.errors import UnifyProfileError
from unifyprofile.sources import Source, read_source

# Bounded, so that the fuzz runs in a few seconds in CI.
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

_PIECES = st.sampled_from(['"', ",", ";", "\n", "\r\n", "\r", " ", "a", "Zoë", "1", "2",
                           '""', "\t", "\x00", "😀", "{", "}", "[", "]", ":", "id"])
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=60).map("".join)


def _lines(data: bytes) -> int:
    text = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return text.count(b"\n") + (1 if text and not text.endswith(b"\n") else 0)


def _read(data: bytes, name: str, **options: object):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        source = Source("s", path=path, id_column="id", columns={"first_name": "name"},
                        **options)
        try:
            return read_source(source)
        except UnifyProfileError:
            return None


def _conserved(table) -> None:
    records, rejects = table.records, table.rejects
    assert len(records) + len(rejects) == table.rows_read["s"]
    numbers = sorted([*records["source_row"].tolist(), *rejects["row"].tolist()])
    assert numbers == list(range(1, table.rows_read["s"] + 1))
    assert records["record_id"].is_unique


@FUZZ
@given(body=_TEXT, header=st.sampled_from(["id,name\n", "id,name\r\n", '"id","name"\n',
                                          "id;name\n", ""]),
       raw=st.binary(max_size=8), limit=st.integers(1, 5))
def test_random_csv_loses_no_line(body: str, header: str, raw: bytes, limit: int) -> None:
    data = header.encode() + body.encode() + raw
    table = _read(data, "s.csv", max_field_lines=limit)
    if table is None:
        return
    _conserved(table)
    lines = table.lines["s"]
    assert lines.total == _lines(data)
    assert lines.header + lines.blank + lines.records + lines.rejects == lines.total


_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(),
              st.text(max_size=5)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=3),
    max_leaves=6)


@FUZZ
@given(objects=st.lists(st.one_of(
    st.fixed_dictionaries({"id": _VALUES, "name": _VALUES}),
    st.fixed_dictionaries({"id": st.integers(-2**70, 2**70)}), _VALUES), max_size=8),
    noise=st.lists(_TEXT, max_size=3))
def test_random_jsonl_loses_no_row(objects: list, noise: list[str]) -> None:
    lines = [json.dumps(o) for o in objects] + noise
    data = "\n".join(lines).encode()
    table = _read(data, "s.jsonl")
    if table is None:
        return
    _conserved(table)
    text = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    assert table.rows_read["s"] == sum(1 for ln in text.split(b"\n") if ln.strip())
    # Integers keep every digit, whatever their size.
    ids = set(table.records["source_record_id"])
    for obj in objects:
        if isinstance(obj, dict) and set(obj) == {"id"} and isinstance(obj["id"], int):
            assert str(obj["id"]) in ids or not table.rejects.empty
