"""The store's SQL schema (SQLite) and its version.

Tables:

=============  ==========================================================================
schema_version the schema version of the file and when it was applied
meta           the config (TOML), the model (JSON), blocking rules, record columns, ...
records        one row per source record: ids, current entity, raw + standardised JSON
block_keys     blocking-key index: (rule, key value, record_id); values, not codes
edges          linked pairs (record ids a < b) with weight, probability, rule, levels
apart          compared pairs (a < b) scored below ``guards.keep_apart_below``: kept apart
entities       every entity id ever issued: age (creation order), status, merged_into
golden         the golden profile of each active entity, with provenance (JSON)
ledger         created / merged_into / split_from / erased events with run id and time
runs           one row per build / ingest / erase with its change counts
tf             term frequencies frozen when the model was fitted
hubs           hub values frozen when the model was fitted
audit          erasures: when, which selector kind, how many records; no personal data
suppressed     keyed hashes (HMAC) of erased record ids and identifiers; never the values
events         touchpoints by record (:mod:`unifyprofile.events`); their entity is their
               record's
=============  ==========================================================================
"""

from __future__ import annotations

__all__ = ["DDL", "INDEXES", "SCHEMA_VERSION"]

#: Version of the layout below; a file with a newer version is refused.  Version 2 added
#: ``apart`` (a version-1 file gets the table, empty, and its pairs on the next build);
#: version 3 added ``suppressed`` (empty in an older file: nothing erased stays out);
#: version 4 added ``events`` (empty in an older file).
SCHEMA_VERSION = 4

#: Secondary indexes by name.  A batch build drops them and creates them again after
#: filling the tables (one sort instead of a million random B-tree inserts).
INDEXES = {
    "records_entity": "CREATE INDEX IF NOT EXISTS records_entity ON records(entity_id)",
    "block_keys_record": "CREATE INDEX IF NOT EXISTS block_keys_record ON block_keys(record_id)",
    "edges_b": "CREATE INDEX IF NOT EXISTS edges_b ON edges(b)",
    "apart_b": "CREATE INDEX IF NOT EXISTS apart_b ON apart(b)",
}

DDL = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER NOT NULL, applied_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    record_id TEXT PRIMARY KEY, source TEXT NOT NULL, source_record_id TEXT,
    entity_id TEXT, run_id INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS block_keys (
    rule INTEGER NOT NULL, value TEXT NOT NULL, record_id TEXT NOT NULL,
    PRIMARY KEY (rule, value, record_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS edges (
    a TEXT NOT NULL, b TEXT NOT NULL, weight REAL NOT NULL, probability REAL NOT NULL,
    rule TEXT, strength REAL NOT NULL, levels TEXT NOT NULL,
    PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS apart (
    a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entities (
    entity_id TEXT PRIMARY KEY, age INTEGER NOT NULL, created_run INTEGER NOT NULL,
    status TEXT NOT NULL, merged_into TEXT);
CREATE TABLE IF NOT EXISTS golden (
    entity_id TEXT PRIMARY KEY, record_count INTEGER NOT NULL, profile TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ledger (
    seq INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, at TEXT NOT NULL, event TEXT NOT NULL,
    entity_id TEXT NOT NULL, other_id TEXT, records INTEGER);
CREATE INDEX IF NOT EXISTS ledger_entity ON ledger(entity_id);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY, kind TEXT NOT NULL, started_at TEXT NOT NULL,
    finished_at TEXT, summary TEXT);
CREATE TABLE IF NOT EXISTS tf (
    comparison INTEGER NOT NULL, value TEXT NOT NULL, frequency REAL NOT NULL,
    PRIMARY KEY (comparison, value)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hubs (
    field TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (field, value)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, run_id INTEGER NOT NULL, action TEXT NOT NULL,
    selector TEXT NOT NULL, records INTEGER NOT NULL, entities INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS suppressed (
    kind TEXT NOT NULL, digest TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (kind, digest)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY, record_id TEXT NOT NULL, source TEXT, at TEXT, channel TEXT,
    type TEXT, status TEXT, amount REAL, properties TEXT);
CREATE INDEX IF NOT EXISTS events_record ON events(record_id);
""" + "".join(f"{sql};\n" for sql in INDEXES.values())
