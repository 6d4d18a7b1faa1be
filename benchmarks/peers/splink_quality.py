"""Splink 5 (DuckDB) on one benchdata folder, configured by hand from Splink's docs.

    .venv-bench/bin/python benchmarks/peers/splink_quality.py --data DIR --out OUTDIR

Peers are configured by an expert, by hand, per data set: that is the comparison.  Every
data set's Splink model is in ``SETTINGS`` below (cleaning SQL, comparisons, prediction
blocking rules, training).  They follow Splink's own examples and were **not tuned
against the truth**:

* febrl1-3: the ``febrl3`` example (docs/demos/examples/duckdb/febrl3), verbatim apart
  from ``invalid_dates_as_null=True`` (taken from the ``febrl4`` example) because febrl
  has impossible birth dates.
* febrl4: the ``febrl4`` example's "detailed" model, verbatim.
* splink_fake_1000: the README quickstart (which is written for this very file), with
  blocking on dob and email added to its first_name / surname rules.
* dedupe_csv_example, patentsview_inventors: the person/organisation pattern of the
  ``deduplicate_50k_synthetic`` and ``business_rates_match`` examples on these columns.
* dblp_acm, abt_buy: the ``business_rates_match`` pattern for names and titles: token
  arrays, blocking on each record's rarest tokens, token-overlap comparisons (Splink's
  ``CustomComparison`` with token-Jaccard levels; DuckDB's ``jaccard()`` is over
  characters, not words), ``ArrayIntersectAtSizes`` on model-number tokens.
* cddb: the same pattern for artist, title (exact with term frequencies, Jaro-Winkler,
  word Jaccard) and track list (word Jaccard), with year, category and genre.
* imdb_tmdb: people and titles in one table per side; names split into forename and
  surname with ``NameComparison`` (the person examples), titles as in cddb, season,
  episode, year, runtime and genres; left and right columns that name the same fact
  are mapped to one column in the cleaning SQL (both sides get every column).

Training as in the docs: ``estimate_probability_two_random_records_match`` from
deterministic rules (or, for the one-to-one link sets, ``1 / max(n_left, n_right)``,
the prior that "each record has at most one match" implies), ``estimate_u_using_random_
sampling``, then EM sessions.  One prediction at probability 0.5; scored at 0.5 and 0.9.
Dedup: ``cluster_pairwise_predictions_at_threshold`` at each threshold writes
``clusters_<t>.csv``.  Link: the pairs at each threshold go to ``pairs_<t>.csv``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import splink
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchio import read_benchmark, report, write_clusters, write_pairs  # noqa: E402

THRESHOLDS = (0.5, 0.9)

# --- cleaning -------------------------------------------------------------------------


def _text(col: str) -> str:
    """Lower-case, punctuation to spaces, single spaces, empty -> null."""
    return (f"nullif(trim(regexp_replace(regexp_replace(lower({col}), '[^a-z0-9 ]', ' ', 'g'),"
            f" '\\s+', ' ', 'g')), '')")


def _tokens(col: str) -> str:
    return f"list_distinct(string_split({_text(col)}, ' '))"


def _trim(col: str) -> str:
    return f"nullif(trim({col}), '')"


FEBRL_CLEAN = {c: _trim(c) for c in (
    "given_name", "surname", "street_number", "address_1", "address_2", "suburb",
    "postcode", "state", "date_of_birth", "soc_sec_id")}

# Token-Jaccard levels, the custom comparison Splink's docs describe for long text.


def jaccard_sql(col: str) -> str:
    """Token Jaccard of two token lists without repeats (every ``*_tokens`` column here).

    |A and B| / (|A| + |B| - |A and B|) is |A and B| / |A or B| for lists without repeats,
    and is about three times cheaper in DuckDB than building the union (which matters for
    long lists such as cddb's track titles).
    """
    inter = f"len(list_intersect({col}_l, {col}_r))"
    return (f"{inter}::double / "
            f"nullif(len({col}_l) + len({col}_r) - {inter}, 0)")


def token_jaccard(col: str, thresholds: list[float]) -> cl.CustomComparison:
    jac = jaccard_sql(col)
    return cl.CustomComparison(
        output_column_name=col,
        comparison_levels=[
            cll.NullLevel(col),
            *[cll.CustomLevel(f"{jac} >= {t}", label_for_charts=f"token Jaccard >= {t}")
              for t in thresholds],
            cll.ElseLevel(),
        ],
    )


def _label(col: str) -> str:
    """Like ``_text``, but keeps '?': the source wrote '?' for every non-ASCII letter."""
    return (f"nullif(trim(regexp_replace(regexp_replace(lower({col}), '[^a-z0-9? ]', ' ', 'g'),"
            f" '\\s+', ' ', 'g')), '')")


def _year(col: str) -> str:
    """The four-digit year a value starts with (YYYY or YYYY-MM-DD), else null."""
    return (f"try_cast(nullif(regexp_extract(trim({col}), '^((1[89]|20)[0-9][0-9])', 1), '')"
            f" as integer)")


def title_comparison(col: str, tokens: str) -> cl.CustomComparison:
    """A short free-text title: exact (term-frequency adjusted), typo, shared words."""
    jac = jaccard_sql(tokens)
    return cl.CustomComparison(
        output_column_name=col,
        comparison_levels=[
            cll.NullLevel(col),
            cll.ExactMatchLevel(col, term_frequency_adjustments=True),
            cll.JaroWinklerLevel(col, 0.9),
            cll.CustomLevel(f"{jac} >= 0.5", label_for_charts="token Jaccard >= 0.5"),
            cll.ElseLevel(),
        ],
    )


def year_comparison(col: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=col,
        comparison_levels=[
            cll.NullLevel(col),
            cll.ExactMatchLevel(col),
            cll.AbsoluteDifferenceLevel(col, 1),
            cll.ElseLevel(),
        ],
    )


def rarest_token_rules(col: str) -> list[str]:
    """Blocking on each record's two rarest tokens (the business_rates_match pattern)."""
    return [
        f"l.{col}[1] = r.{col}[1]",
        f"l.{col}[1] = r.{col}[2]",
        f"l.{col}[2] = r.{col}[1]",
    ]


def febrl_dedup() -> dict:
    # docs/demos/examples/duckdb/febrl3
    rules = [block_on("soc_sec_id"), block_on("given_name"), block_on("surname"),
             block_on("date_of_birth"), block_on("postcode")]
    return {
        "clean": FEBRL_CLEAN,
        "comparisons": [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d", invalid_dates_as_null=True),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
        "blocking": rules,
        "deterministic": [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth",
        ],
        "recall": 0.9,
        "u_max_pairs": 1e6,
        "u_seed": 2,
        "em": [block_on("date_of_birth"), block_on("postcode")],
        "em_without_tf": False,
    }


SETTINGS: dict[str, dict] = {
    "febrl1": febrl_dedup(),
    "febrl2": febrl_dedup(),
    "febrl3": febrl_dedup(),
    # docs/demos/examples/duckdb/febrl4, the "detailed" model
    "febrl4": {
        "clean": FEBRL_CLEAN,
        "comparisons": [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d", invalid_dates_as_null=True),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True),
        ],
        "blocking": [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ],
        "deterministic": [block_on("soc_sec_id"),
                          block_on("given_name", "surname", "date_of_birth")],
        "recall": 0.8,
        "u_max_pairs": 1e6,
        "u_seed": None,
        "em": [block_on("date_of_birth"), block_on("postcode")],
        "em_without_tf": True,
    },
    # README quickstart (written for splink_datasets.fake_1000)
    "splink_fake_1000": {
        "clean": {c: _trim(c) for c in ("first_name", "surname", "dob", "city", "email")},
        "comparisons": [
            cl.JaroWinklerAtThresholds("first_name", [0.9, 0.7]),
            cl.JaroAtThresholds("surname", [0.9, 0.7]),
            cl.DateOfBirthComparison("dob", input_is_string=True,
                                     datetime_metrics=["year", "month"],
                                     datetime_thresholds=[1, 1]),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
        ],
        # the quickstart's two rules, plus dob and email (it blocks on names only,
        # which cannot find the many duplicates with a mistyped or missing name)
        "blocking": [block_on("first_name"), block_on("surname"), block_on("dob"),
                     block_on("email")],
        "deterministic": [block_on("first_name", "surname")],
        "recall": 0.7,
        "u_max_pairs": 1e6,
        "u_seed": None,
        "em": [block_on("first_name", "surname"), block_on("dob")],
        "em_without_tf": False,
    },
    # Sites/organisations from 9 lists: names and addresses as text, phone and zip as ids.
    "dedupe_csv_example": {
        "clean": {
            "site_name": _text("site_name"),
            "site_name_tokens": f"list_filter({_tokens('site_name')}, lambda x: x <> '')",
            "address": _text("address"),
            "zip": "nullif(substr(regexp_replace(zip, '[^0-9]', '', 'g'), 1, 5), '')",
            # Phone numbers come with and without area code: compare the last 7 digits.
            "phone": "nullif(right(regexp_replace(phone, '[^0-9]', '', 'g'), 7), '')",
            "director": _text("coalesce(director, center_director)"),
        },
        "rarest": "site_name_tokens",
        "comparisons": [
            cl.JaroWinklerAtThresholds("site_name", [0.95, 0.88, 0.7]),
            cl.JaroWinklerAtThresholds("address", [0.95, 0.88, 0.7]),
            cl.ExactMatch("zip").configure(term_frequency_adjustments=True),
            cl.ExactMatch("phone"),
            cl.JaroWinklerAtThresholds("director", [0.9, 0.7]),
        ],
        "blocking": [
            block_on("phone"),
            block_on("site_name"),
            block_on("address"),
            block_on("zip", "substr(site_name,1,4)"),
            block_on("substr(address,1,8)"),
            *rarest_token_rules("rarest"),
        ],
        "deterministic": [block_on("site_name", "address"), block_on("phone")],
        "recall": 0.7,
        "u_max_pairs": 1e7,
        "u_seed": 42,
        "em": [block_on("zip"), block_on("phone")],
        "em_without_tf": True,
    },
    # Patent inventors: the 50k-synthetic person pattern on name + location + employer,
    # with co-inventors and CPC classes as token arrays (ArrayIntersectAtSizes).
    "patentsview_inventors": {
        "clean": {
            "first_name": _text("first_name"),
            "last_name": _text("last_name"),
            "city": _text("city"),
            "state": _text("state"),
            "country": _text("country"),
            "assignee": _text("assignee_organization"),
            "coinventors": "list_transform(string_split(lower(coinventors), ';'), "
                           "lambda x: trim(x))",
            "cpc": "list_transform(string_split(cpc_subclasses, ';'), lambda x: trim(x))",
        },
        "comparisons": [
            cl.NameComparison("first_name"),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.ExactMatch("state"),
            cl.ExactMatch("country"),
            cl.JaroWinklerAtThresholds("assignee", [0.9, 0.7]),
            cl.ArrayIntersectAtSizes("coinventors", [2, 1]),
            cl.ArrayIntersectAtSizes("cpc", [2, 1]),
        ],
        "blocking": [
            block_on("first_name", "last_name"),
            block_on("last_name", "city"),
            block_on("substr(first_name,1,3)", "substr(last_name,1,4)"),
        ],
        "deterministic": [block_on("first_name", "last_name", "city")],
        "recall": 0.7,
        "u_max_pairs": 1e7,
        "u_seed": 42,
        "em": [block_on("last_name"), block_on("first_name", "city")],
        "em_without_tf": True,
    },
    # Bibliographic: title and authors as token sets, venue as text, year exact.
    "dblp_acm": {
        "clean": {
            "title": _text("title"),
            "title_tokens": f"list_filter({_tokens('title')}, lambda x: x <> '')",
            "authors_tokens": f"list_filter({_tokens('authors')}, lambda x: length(x) > 1)",
            "venue": _text("venue"),
            "year": _trim("year"),
        },
        "rarest": "title_tokens",
        "comparisons": [
            token_jaccard("title_tokens", [0.9, 0.7, 0.5]),
            token_jaccard("authors_tokens", [0.8, 0.5, 0.3]),
            cl.JaroWinklerAtThresholds("venue", [0.9, 0.7]),
            cl.ExactMatch("year"),
        ],
        "blocking": [block_on("title"), block_on("year", "substr(title,1,8)"),
                     *rarest_token_rules("rarest")],
        "deterministic": None,  # one-to-one link: prior 1 / max(n_left, n_right)
        "u_max_pairs": 1e6,
        "u_seed": 42,
        "em": [block_on("year"), "l.rarest[1] = r.rarest[1]"],
        "em_without_tf": True,
    },
    # Products: name tokens, model-number tokens (letters and digits), price.
    "abt_buy": {
        "clean": {
            "name": _text("name"),
            "name_tokens": f"list_filter({_tokens('name')}, lambda x: x <> '')",
            "codes": f"list_filter({_tokens('name')}, "
                     "lambda x: regexp_matches(x, '[0-9]') and regexp_matches(x, '[a-z]'))",
            "price": "try_cast(nullif(regexp_replace(price, '[^0-9.]', '', 'g'), '') as double)",
        },
        "rarest": "name_tokens",
        "comparisons": [
            token_jaccard("name_tokens", [0.7, 0.5, 0.3, 0.15]),
            cl.ArrayIntersectAtSizes("codes", [1]),
            cl.CustomComparison(
                output_column_name="price",
                comparison_levels=[
                    cll.NullLevel("price"),
                    cll.CustomLevel("abs(price_l - price_r) <= 0.1 * greatest(price_l, price_r)",
                                    label_for_charts="within 10%"),
                    cll.CustomLevel("abs(price_l - price_r) <= 0.3 * greatest(price_l, price_r)",
                                    label_for_charts="within 30%"),
                    cll.ElseLevel(),
                ],
            ),
        ],
        # the cookbook's array blocking (arrays_to_explode) on model-number tokens
        "blocking": [block_on("name"), *rarest_token_rules("rarest"),
                     block_on("codes", arrays_to_explode=["codes"])],
        "deterministic": None,  # one-to-one link: prior 1 / max(n_left, n_right)
        "u_max_pairs": 1e7,
        "u_seed": 42,
        "em": ["l.rarest[1] = r.rarest[1]", "l.rarest[2] = r.rarest[2]"],
        "em_without_tf": True,
    },
    # Audio CDs from freeDB: artist and title as names/short text, the track list as a
    # token set (long text), year, and the submitter-chosen category and genre.
    "cddb": {
        "clean": {
            "artist": _text("artist"),
            "title": _text("title"),
            "title_tokens": f"list_filter({_tokens('title')}, lambda x: x <> '')",
            "tracks": _text("tracks"),
            "track_tokens": f"list_filter({_tokens('tracks')}, lambda x: x <> '')",
            "year": _year("year"),  # a few rows hold shifted text here: null
            "category": _text("category"),
            "genre": _text("genre"),
        },
        "rarest": {"title_rarest": "title_tokens", "track_rarest": "track_tokens"},
        "rarest_min_count": 2,  # a token no other record has cannot block anything
        "comparisons": [
            cl.JaroWinklerAtThresholds("artist", [0.95, 0.88, 0.7]).configure(
                term_frequency_adjustments=True),  # 'various' is common
            title_comparison("title", "title_tokens"),
            token_jaccard("track_tokens", [0.8, 0.6, 0.4, 0.2]),
            year_comparison("year"),
            cl.ExactMatch("category").configure(term_frequency_adjustments=True),
            cl.ExactMatch("genre").configure(term_frequency_adjustments=True),
        ],
        "blocking": [
            block_on("artist"),
            block_on("title"),
            block_on("tracks"),
            *rarest_token_rules("title_rarest"),
            *rarest_token_rules("track_rarest"),
        ],
        "deterministic": [block_on("artist", "title"), block_on("tracks")],
        "recall": 0.7,
        "u_max_pairs": 1e6,  # the febrl examples' value; 1e7 pairs of track lists take ~25 min
        "u_seed": 42,
        "em": [block_on("artist"), block_on("title")],
        "em_without_tf": True,
    },
    # IMDb vs TMDb: people (name only on the TMDb side) and titles (films, series,
    # episodes) in one table each. Names split into forename / surname as Splink's person
    # examples have them; titles as short text; season, episode, year, runtime, genres.
    # Left and right name the same facts differently (startYear / release_year,
    # runtimeMinutes / runtime): the cleaning maps both to one column.
    "imdb_tmdb": {
        "clean": {
            "name": _label("name"),
            "forename": f"case when {_label('name')} like '% %' "
                        f"then split_part({_label('name')}, ' ', 1) end",
            "surname": f"list_last(string_split({_label('name')}, ' '))",
            "title": _label("title"),
            "title_tokens": f"list_filter(list_distinct(string_split({_label('title')}, ' ')),"
                            f" lambda x: x <> '')",
            "season": "try_cast(seasonNumber as integer)",
            "episode": "try_cast(episodeNumber as integer)",
            "year": _year("coalesce(startYear, release_year, releaseDate)"),
            "runtime": "try_cast(coalesce(runtimeMinutes, runtime) as double)",
            "genres": "list_filter(list_transform(string_split(lower(genre_list), ','), "
                      "lambda x: trim(x)), lambda x: x <> '')",
        },
        "rarest": {"rarest": "title_tokens"},
        "rarest_min_count": 2,
        "comparisons": [
            cl.NameComparison("forename"),
            cl.NameComparison("surname"),
            title_comparison("title", "title_tokens"),
            cl.ExactMatch("season"),
            cl.ExactMatch("episode"),
            year_comparison("year"),
            cl.CustomComparison(
                output_column_name="runtime",
                comparison_levels=[
                    cll.NullLevel("runtime"),
                    cll.PercentageDifferenceLevel("runtime", 0.05),
                    cll.PercentageDifferenceLevel("runtime", 0.2),
                    cll.ElseLevel(),
                ],
            ),
            cl.ArrayIntersectAtSizes("genres", [1]),
        ],
        "blocking": [
            block_on("name"),
            block_on("surname"),
            block_on("forename", "substr(surname,1,2)"),
            block_on("title"),
            *rarest_token_rules("rarest"),
            block_on("season", "episode", "year"),
        ],
        "deterministic": None,  # one-to-one link: prior 1 / max(n_left, n_right)
        "u_max_pairs": 1e7,
        "u_seed": 42,
        "em": [block_on("surname"), block_on("forename"),
               block_on("season", "episode"), block_on("title")],
        "em_without_tf": True,
    },
}


def to_arrow(table: tuple[list[str], list[dict]]) -> pa.Table:
    columns, rows = table
    return pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in columns})


def clean(con: duckdb.DuckDBPyConnection, raw: str, out: str, config: dict) -> None:
    columns = ", ".join(f"{sql} as {name}" for name, sql in config["clean"].items())
    con.execute(f"create table {out} as select record_id, {columns} from {raw}").fetchall()


def add_rarest(con: duckdb.DuckDBPyConnection, tables: list[str], col: str,
               out: str = "rarest", min_count: int = 1) -> None:
    """Each record's two rarest tokens of ``col`` (over all tables), as ``out``.

    Tokens seen fewer than ``min_count`` times in all tables are skipped (with 2, a token
    that no other record has, which can never block a pair, is not picked).
    """
    union = " union all ".join(f"select record_id, '{t}' as t, {col} from {t}" for t in tables)
    con.execute(f"""
        create or replace table _tok as
        with u as ({union}),
        tok as (select record_id, t, unnest({col}) as token from u),
        freq as (select token, count(*) as n from tok group by token)
        select tok.record_id, tok.t,
               list(tok.token order by freq.n, tok.token)[1:2] as {out}
        from tok join freq using (token) where freq.n >= {min_count}
        group by tok.record_id, tok.t
    """).fetchall()
    for t in tables:
        con.execute(f"""
            create or replace table {t} as
            select {t}.*, _tok.{out} from {t}
            left join _tok on _tok.record_id = {t}.record_id and _tok.t = '{t}'
        """).fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--verbose", action="store_true", help="show Splink's logging")
    args = parser.parse_args()
    level = logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(stream=sys.stderr, level=level)
    logging.getLogger("splink").setLevel(level)

    name = args.data.name
    if name not in SETTINGS:
        raise SystemExit(f"no Splink settings for data set {name!r} (add it to SETTINGS)")
    config = SETTINGS[name]
    start = time.perf_counter()
    task, tables = read_benchmark(args.data)
    con = duckdb.connect()
    sides = ["records"] if task == "dedup" else ["left", "right"]
    names = [f"input_{side}" for side in sides]
    # Both sides of a link set get every column (null where a side lacks it), so that
    # one cleaning SQL can map e.g. left startYear and right release_year to one column.
    columns = list(dict.fromkeys(c for side in sides for c in tables[side][0]))
    for side, t in zip(sides, names, strict=True):
        con.register(f"raw_{side}", to_arrow((columns, tables[side][1])))
        clean(con, f"raw_{side}", t, config)
    rarest = config.get("rarest")
    if isinstance(rarest, str):
        rarest = {"rarest": rarest}
    for out, col in (rarest or {}).items():
        add_rarest(con, names, col, out, config.get("rarest_min_count", 1))
    db_api = DuckDBAPI(connection=con)
    inputs = [db_api.register(t) for t in names]
    settings = SettingsCreator(
        link_type="dedupe_only" if task == "dedup" else "link_only",
        unique_id_column_name="record_id",
        comparisons=config["comparisons"],
        blocking_rules_to_generate_predictions=config["blocking"],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        **({} if config.get("deterministic") else {
            "probability_two_random_records_match":
                1 / max(len(tables[side][1]) for side in sides)}),
    )
    linker = Linker(inputs if task == "link" else inputs[0], settings, log_level=level)
    if config.get("deterministic"):
        linker.training.estimate_probability_two_random_records_match(
            config["deterministic"], recall=config["recall"])
    u_kwargs = {"max_pairs": config["u_max_pairs"]}
    if config.get("u_seed") is not None:
        u_kwargs["seed"] = config["u_seed"]
    linker.training.estimate_u_using_random_sampling(**u_kwargs)
    for rule in config["em"]:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=config["em_without_tf"])
    predictions = linker.inference.predict(threshold_match_probability=min(THRESHOLDS))
    common = time.perf_counter() - start

    outputs = []
    for t in THRESHOLDS:
        t0 = time.perf_counter()
        label = f"t={t}"
        if task == "dedup":
            clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
                predictions, threshold_match_probability=t)
            rows = con.execute(
                f"select cast(record_id as varchar), cast(cluster_id as varchar) "
                f"from {clusters.physical_name}").fetchall()
            out = {"label": label, "clusters": write_clusters(args.out / f"clusters_{t}.csv",
                                                              rows)}
        else:
            first = inputs[0].dataset_display_name
            rows = con.execute(
                f"select case when source_dataset_l = '{first}' then record_id_l "
                f"else record_id_r end, "
                f"case when source_dataset_l = '{first}' then record_id_r "
                f"else record_id_l end "
                f"from {predictions.physical_name} where match_probability >= {t}"
            ).fetchall()
            out = {"label": label, "pairs": write_pairs(args.out / f"pairs_{t}.csv", rows)}
        out["seconds"] = common + time.perf_counter() - t0
        outputs.append(out)
    report({"tool": "splink", "version": splink.__version__, "task": task,
            "seconds": time.perf_counter() - start, "outputs": outputs})


if __name__ == "__main__":
    main()
