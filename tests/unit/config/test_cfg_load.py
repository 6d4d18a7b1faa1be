"""load_config / parse_config / dump_config: the demo file, round trips, precise errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from unifyprofile.blocking import BlockingRule, Key
from unifyprofile.config import Config, dump_config, load_config, parse_config
from unifyprofile.errors import ConfigError, UnifyProfileError
from unifyprofile.golden import Survivorship
from unifyprofile.sources import Source

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEMO = Path(__file__).resolve().parents[3] / "examples" / "cx_demo"
#: What a threshold must be, and the fix.
UNIT = "a number in (0, 1]"
LINKS = "it is the match probability from which two records are linked, e.g. 0.95"

def test_demo_config_loads_into_specs() -> None:
    cfg = load_config(DEMO / "unify.toml")

    assert (cfg.link_type, cfg.threshold, cfg.seed) == ("dedupe", 0.95, 42)
    assert cfg.base_dir == DEMO
    assert [(s.name, s.kind, s.preset, str(s.path), s.trust) for s in cfg.sources] == [
        ("crm", "crm", "salesforce_contacts", "crm_contacts.csv", 1.0),
        ("csm", "csm", "zendesk_users", "csm_cases.csv", 0.7),
        ("ecommerce", "ecommerce", "shopify_customers", "ecommerce_customers.parquet", 0.9),
        ("support", "support", "intercom_conversations", "support_chats.jsonl", 0.5),
    ]
    assert cfg.sources[2].resolved_updated_at == "Updated At"
    assert [(r.name, [str(k) for k in r.keys]) for r in cfg.rules] == [
        ("email_and_first_name", ["email", "first_name:nick"]),
        ("phone_and_first_name", ["phone", "first_name:nick"]),
    ]
    assert [r.name for r in cfg.blocking] == [
        "email",
        "phone",
        "last_name:soundex & first_name:nick",
        "last_name & postcode",
        "first_name:nick & dob",
    ]
    assert cfg.blocking[2] == BlockingRule.parse(["last_name:soundex", "first_name:nick"])
    assert cfg.max_pairs_per_rule == 5_000_000
    assert [c.to_config()["type"] for c in cfg.comparisons] == [
        "name",
        "name",
        "email",
        "phone",
        "date",
        "address",
        "postcode",
        "exact",
    ]
    assert cfg.guards.veto == ("first_name", "dob")
    assert cfg.guards.hub_fields == ("email", "phone")
    assert (cfg.guards.max_people_per_value, cfg.guards.max_cluster_size) == (3, 25)
    assert cfg.default_survivorship == Survivorship("most_recent")
    assert dict(cfg.survivorship) == {
        "first_name": Survivorship("source_priority", order=("crm", "ecommerce", "csm", "support")),
        "last_name": Survivorship("source_priority", order=("crm", "ecommerce", "csm", "support")),
        "dob": Survivorship("source_priority", order=("crm",)),
        "email": Survivorship("collect_all"),
        "phone": Survivorship("collect_all"),
        "address": Survivorship("most_recent"),
        "marketing_opt_out": Survivorship("any"),
    }


def test_parse_config_defaults() -> None:
    cfg = parse_config({})
    assert cfg == Config()
    assert (cfg.link_type, cfg.threshold, cfg.seed, cfg.max_pairs_per_rule) == (
        "dedupe",
        0.95,
        0,
        20_000_000,
    )
    assert cfg.sources == cfg.blocking == cfg.comparisons == cfg.rules == ()
    assert cfg.default_survivorship == Survivorship("most_complete")


def test_parse_config_source_keys() -> None:
    cfg = parse_config(
        {
            "sources": [
                {
                    "name": "legacy",
                    "path": "old.csv",
                    "id_column": "CustNo",
                    "encoding": "cp1252",
                    "delimiter": ";",
                    "dayfirst": True,
                    "unique_per_person": True,
                    "trust": 2,
                    "columns": {"full_name": "Name", "address": ["No", "Street"]},
                }
            ]
        }
    )
    (s,) = cfg.sources
    assert s == Source(
        "legacy",
        kind="other",
        path="old.csv",
        id_column="CustNo",
        encoding="cp1252",
        delimiter=";",
        dayfirst=True,
        unique_per_person=True,
        trust=2,
        columns={"full_name": "Name", "address": ("No", "Street")},
    )
    assert cfg.sources[0].mapping["address"] == ("No", "Street")


def test_with_sources_replaces_only_sources() -> None:
    cfg = load_config(DEMO / "unify.toml")
    other = cfg.with_sources([Source("mem", id_column="id")])
    assert [s.name for s in other.sources] == ["mem"]
    assert (other.threshold, other.blocking, other.base_dir) == (
        cfg.threshold,
        cfg.blocking,
        cfg.base_dir,
    )


def test_demo_config_round_trips_through_dump() -> None:
    cfg = load_config(DEMO / "unify.toml")
    text = dump_config(cfg)
    again = parse_config(tomllib.loads(text), base_dir=cfg.base_dir)

    assert dump_config(again) == text
    assert again == cfg
    assert [s.name for s in again.sources] == ["crm", "csm", "ecommerce", "support"]
    assert again.sources[1].trust == 0.7
    assert [r.name for r in again.blocking] == [r.name for r in cfg.blocking]
    assert again.max_pairs_per_rule == 5_000_000
    assert again.survivorship["dob"] == Survivorship("source_priority", order=("crm",))
    assert again.guards == cfg.guards


def test_round_trip_keeps_column_lists_and_source_options() -> None:
    cfg = parse_config(
        {
            "resolver": {"link_type": "link_only", "threshold": 0.9, "seed": 7},
            "sources": [
                {
                    "name": "a",
                    "path": "a.csv",
                    "id_column": "id",
                    "delimiter": ";",
                    "columns": {"address": ["No", "Street"], "full_name": "Full Name"},
                },
                {"name": "b", "preset": "zendesk_users", "path": "b.csv", "dayfirst": True,
                 "year_pivot": 0},
            ],
            "blocking": {"rules": [["email"], ["last_name:soundex", "dob:year"]]},
        }
    )
    text = dump_config(cfg)
    again = parse_config(tomllib.loads(text))
    assert again == cfg
    assert dump_config(again) == text
    assert again.sources[0].columns["address"] == ("No", "Street")
    # A pivot of 0 is a setting (every two-digit year is 20xx), not "unset".
    assert (again.sources[0].year_pivot, again.sources[1].year_pivot) == (None, 0)
    assert "year_pivot = 0" in text and text.count("year_pivot") == 1


def test_phonetic_blocking_keys_parse_and_round_trip() -> None:
    cfg = parse_config({"blocking": {"rules": [["last_name:metaphone", "dob"],
                                               ["first_name:nick", "last_name:nysiis"]]}})
    assert [r.name for r in cfg.blocking] == ["last_name:metaphone & dob",
                                              "first_name:nick & last_name:nysiis"]
    assert cfg.blocking[0].keys[0] == Key("last_name", "metaphone")
    assert parse_config(tomllib.loads(dump_config(cfg))) == cfg


def test_default_config_dumps() -> None:
    text = dump_config(Config())
    assert parse_config(tomllib.loads(text)) == Config()


# -- errors ---------------------------------------------------------------------------

BAD = """
[resolver]
threshold = 1.5

[guard]
veto = ["dob"]

[[sources]]
name = "crm"
preset = "salesforce_contacts"
pathh = "crm.csv"

[[sources]]
name = "shop"
preset = "shopifi_customers"
id_column = "Customer ID"
path = "shop.csv"

[blocking]
rules = [["email"], ["last_name:sondex", "dob"]]
"""


def test_every_problem_is_reported_once_with_its_key_path(tmp_path: Path) -> None:
    path = tmp_path / "unify.toml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    err = info.value
    presets = (
        "salesforce_contacts, hubspot_contacts, zendesk_users, shopify_customers, "
        "intercom_conversations, segment"
    )
    assert err.problems == [
        "guard: unknown key (did you mean 'guards'?); allowed keys are resolver, sources, "
        "rules, blocking, comparisons, guards, survivorship",
        f"resolver.threshold must be {UNIT} (got 1.5); {LINKS}",
        "sources[0].pathh: unknown key (did you mean 'path'?); allowed keys are name, kind, "
        "path, preset, columns, id_column, updated_at, format, encoding, delimiter, "
        "default_region, dayfirst, year_pivot, trust, unique_per_person, max_field_lines, "
        "max_field_bytes, events",
        f"sources[1].preset must be one of {presets} (got 'shopifi_customers'); did you "
        "mean 'shopify_customers'?",
        "blocking.rules[1][0]: unknown transform 'sondex' in 'last_name:sondex'; use one of "
        "soundex, metaphone, nysiis, nick, year, number, tokens, prefixN, suffixN, rareN "
        "(e.g. prefix3)",
    ]
    assert err.path == str(path)
    assert str(err).startswith(f"{path}: 5 problems in the configuration:\n  - guard: ")
    assert err.exit_code == 2
    assert isinstance(err, ValueError) and isinstance(err, UnifyProfileError)


@pytest.mark.parametrize(
    "data, problem",
    [
        ({"resolver": {"threshold": 0}}, f"resolver.threshold must be {UNIT} (got 0); {LINKS}"),
        ({"resolver": {"threshold": True}},
         f"resolver.threshold must be {UNIT} (got True); {LINKS}"),
        ({"resolver": {"threshold": "high"}},
         f"resolver.threshold must be {UNIT} (got 'high'); {LINKS}"),
        (
            {"resolver": {"link_type": "dedup"}},
            "resolver.link_type must be one of dedupe, link_only (got 'dedup'); 'dedupe' "
            "finds the duplicates within and across sources, 'link_only' only links the "
            "records of two sources",
        ),
        ({"resolver": {"seed": 1.5}}, "resolver.seed must be an integer >= 0 (got 1.5); any "
         "fixed value, e.g. 0, gives the same result on every run"),
        (
            {"resolver": {"treshold": 0.9}},
            "resolver.treshold: unknown key (did you mean 'threshold'?); allowed keys are "
            "link_type, threshold, seed",
        ),
        ({"sources": {"name": "a"}}, "sources: expected an array of tables ([[sources]])"),
        (
            {"sources": [{"name": "a:b", "id_column": "id"}]},
            "sources[0].name must be a non-empty string without ':' (got 'a:b'); record ids "
            "are '<name>:<id>', so choose a short name such as 'crm'",
        ),
        (
            {"sources": [{"name": "a", "id_column": "id", "kind": "erp"}]},
            "sources[0].kind must be one of crm, csm, ecommerce, support, other (got 'erp'); "
            "use 'other' for any other system",
        ),
        (
            {"sources": [{"name": "a", "id_column": "id", "format": "xlsx"}]},
            "sources[0].format must be one of csv, parquet, jsonl, dataframe (got 'xlsx'); "
            "dataframe is for in-memory `data`, and without a format the file extension tells",
        ),
        (
            {"sources": [{"name": "a", "id_column": "id", "format": "dataframe"}]},
            "sources[0].format: 'dataframe' needs an in-memory table, which a config file "
            "cannot hold; use csv, parquet or jsonl",
        ),
        (
            {"sources": [{"name": "a", "id_column": "id", "trust": -1}]},
            "sources[0].trust must be a finite number >= 0 (got -1); the higher trust wins "
            "survivorship ties, e.g. 2 for the system of record",
        ),
        (
            {"sources": [{"name": "a", "id_column": "id", "dayfirst": "yes"}]},
            "sources[0].dayfirst must be a bool (got 'yes'); use True or False (true or "
            "false in a config file)",
        ),
        (
            {"sources": [{"name": "a", "id_column": "id", "year_pivot": 1950}]},
            "sources[0].year_pivot must be an integer from 0 to 99 (got 1950); two-digit "
            "years above it are read as 19xx, the others as 20xx (e.g. 30 reads '45' as 1945 "
            "and '25' as 2025); leave it out for this year's two digits",
        ),
        (
            {"blocking": {"rules": [["email"], []]}},
            'blocking.rules[1] must be a non-empty list of keys (got []); e.g. ["email"] or '
            '["last_name:soundex", "dob"]',
        ),
        (
            {"blocking": {"rules": "email"}},
            "blocking.rules: expected a list of rules, each a list of keys, e.g. "
            '[["email"], ["last_name:soundex", "dob"]]',
        ),
        (
            {"blocking": {"max_pairs_per_rule": 0}},
            "blocking.max_pairs_per_rule must be an integer >= 1 (got 0); the default is "
            "20000000, raise it for more pairs",
        ),
    ],
)
def test_single_problems(data: dict, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    assert info.value.problems == [problem]
    assert str(info.value) == problem


def test_source_without_id_column_or_preset() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"sources": [{"name": "a", "path": "a.csv"}]})
    assert info.value.problems == [
        "sources[0]: needs `id_column` (the column with the source's record id) or a `preset` "
        "(salesforce_contacts, hubspot_contacts, zendesk_users, shopify_customers, "
        "intercom_conversations, segment)"
    ]


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[resolver\nthreshold = 0.9\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.path == str(path)
    assert str(info.value).startswith(f"{path}: not valid TOML: ")
    assert "line 1" in str(info.value)
    assert len(info.value.problems) == 1


def test_missing_config_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}: cannot read the config file: No such file or directory"


def test_config_object_validates_itself() -> None:
    with pytest.raises(ConfigError) as info:
        Config(threshold=1.5, link_type="both")
    assert info.value.problems == [
        "resolver.link_type must be one of dedupe, link_only (got 'both'); 'dedupe' finds "
        "the duplicates within and across sources, 'link_only' only links the records of "
        "two sources",
        f"resolver.threshold must be {UNIT} (got 1.5); {LINKS}",
    ]


def test_load_config_resolves_relative_paths_against_its_folder(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("id,name\n1,Ann\n", encoding="utf-8")
    cfg_path = tmp_path / "unify.toml"
    cfg_path.write_text(
        '[[sources]]\nname = "a"\npath = "data/a.csv"\nid_column = "id"\n'
        '[sources.columns]\nfull_name = "name"\n',
        encoding="utf-8",
    )
    cfg = load_config(cfg_path)
    assert cfg.base_dir == tmp_path.resolve()
    from unifyprofile.sources import read_sources

    table = read_sources(cfg.sources, cfg.base_dir)
    assert table.records[["record_id", "full_name"]].to_dict("records") == [
        {"record_id": "a:1", "full_name": "Ann"}
    ]
