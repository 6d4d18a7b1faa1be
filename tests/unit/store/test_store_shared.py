"""Two stores open on one file (a service's writer and reader): the reader sees what the
writer commits without reopening, and loads the model, context and config again only
when the writer refits, switches the config or erases."""

from __future__ import annotations

import pandas as pd
from store_testdata import ROWS, make_config, people

import unifyprofile as up

HANA = ("h1", "Hana", "Sato", "hana@sato.jp", "+1 206 555 0131", "1992-02-02", None)
QUERY = {"first_name": "Hana", "last_name": "Sato", "email": "hana@sato.jp"}


def _opened(store_path, config):
    writer = up.IdentityStore(store_path, config)
    writer.ingest(people(), source="crm")
    return writer, up.IdentityStore(store_path)


def test_reader_sees_an_ingest_and_keeps_its_context(config, store_path):
    writer, reader = _opened(store_path, config)
    with writer, reader:
        assert reader.resolve(QUERY).entity_id is None
        model = reader.model
        writer.ingest(people([HANA]), source="crm")
        answer = reader.resolve(QUERY)
        assert answer.entity_id == writer.lookup(answer.entity_id).entity_id
        assert answer.candidates["record_id"].tolist() == ["crm:h1"]
        assert reader.model is model  # an ingest leaves the frozen context valid


def test_reader_reloads_after_a_refit_with_another_config(config, store_path):
    writer, reader = _opened(store_path, config)
    with writer, reader:
        reader.resolve(QUERY)
        model = reader.model
        assert reader.config.threshold == 0.95
        more = people([*ROWS, HANA])
        writer.build(more, source="crm", refit=True, config=make_config(threshold=0.9))
        reader.resolve(QUERY)
        assert reader.model is not model
        assert reader.model.to_dict() == writer.model.to_dict()
        assert reader.config.threshold == 0.9
        # What it answers now is what a store opened afresh answers.
        with up.IdentityStore(store_path) as fresh:
            expected = fresh.resolve(QUERY)
        got = reader.resolve(QUERY)
        assert got.entity_id == expected.entity_id
        pd.testing.assert_frame_equal(got.candidates, expected.candidates)


def test_reader_reloads_after_an_erasure_and_writer_after_the_reader_erases(
        config, store_path):
    writer, reader = _opened(store_path, config)
    with writer, reader:
        writer.ingest(people([HANA]), source="crm")
        assert reader.resolve(QUERY).entity_id is not None
        model = reader.model
        writer.erase(match={"email": "hana@sato.jp"}, compact=False)
        answer = reader.resolve(QUERY)
        assert answer.entity_id is None and answer.candidates.empty
        assert reader.model is not model
        # Either side may write: the other notices at its next transaction.
        model = writer.model
        reader.erase(["crm:f1"], compact=False)
        changes = writer.ingest(people([ROWS[0]]), source="crm")
        assert writer.model is not model
        assert "crm:f1" not in writer.clusters()["record_id"].tolist()
        assert changes.records == 1


def test_own_writes_do_not_reload_the_context(config, store_path):
    writer, reader = _opened(store_path, config)
    with writer, reader:
        model = writer.model
        writer.ingest(people([HANA]), source="crm")
        writer.resolve(QUERY)
        assert writer.model is model
