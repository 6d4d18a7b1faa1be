"""Run Splink 5 (DuckDB backend) on a person-records parquet, for side-by-side benchmarks.

    .venv-bench/bin/python benchmarks/peers/splink_run.py \
        --records DIR/records.parquet --out OUT.parquet [--threshold 0.99]

Standalone on purpose: it needs only ``splink`` (which brings ``duckdb`` and ``pyarrow``)
from the bench virtualenv, and does not import ``unifyprofile``.  See README.md next to
this file for how the venv is made and why Splink is configured the way it is.

Input columns (strings, null = missing): ``record_id, source, first_name, last_name, dob,
email, phone, address, city, postcode``.  ``dob`` is ``YYYY-MM-DD`` or ``DD/MM/YYYY``.

Output: ``--out`` parquet with ``record_id, cluster_id`` for every input record (a
singleton gets its own cluster), and one JSON line on stdout::

    {"tool": "splink", "version": "5.0.0", "records": n, "candidate_pairs": n,
     "predicted_pairs": n, "threshold": 0.99,
     "seconds": {"read": s, "train": s, "predict": s, "cluster": s, "total": s,
                 "count_pairs": s},
     "peak_rss_mib": m}

``total`` is read + train + predict + cluster + writing ``--out``.  ``candidate_pairs``
(pairs the prediction blocking rules generate, overlaps counted once) is counted exactly
with ``splink.blocking_analysis.count_comparisons_from_blocking_rules`` after the timed
run; its cost is ``count_pairs`` and is not in ``total`` (``--no-pair-count`` skips it,
so that a parent timing the whole process does not pay for it).  ``peak_rss_mib`` is the
process's ``ru_maxrss`` (DuckDB runs in-process, so its threads are included) and is
read before the pair count.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys
import time
from pathlib import Path

import duckdb
import splink
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules

# Light cleaning in the spirit of Splink's data-preparation advice: trim, lower-case,
# empty strings to null, dob parsed to a DATE (ISO or DD/MM/YYYY; unparseable -> null),
# phone to digits only (last 10 digits, which drops a leading country code), postcode
# upper-case with single spaces and US ZIP+4 cut to the 5-digit ZIP, and the
# forename+surname concatenation that ForenameSurnameComparison uses for its
# term-frequency adjustments (as in Splink's deduplicate_50k_synthetic example).
CLEAN_SQL = r"""
with raw as (
    select
        cast(record_id as varchar) as record_id,
        cast(source as varchar) as source,
        nullif(lower(trim(first_name)), '') as first_name,
        nullif(lower(trim(last_name)), '') as last_name,
        coalesce(
            try_strptime(trim(dob), '%Y-%m-%d'),
            try_strptime(trim(dob), '%d/%m/%Y')
        )::date as dob,
        nullif(lower(trim(email)), '') as email,
        nullif(right(regexp_replace(phone, '[^0-9]', '', 'g'), 10), '') as phone,
        nullif(regexp_replace(lower(trim(address)), '\s+', ' ', 'g'), '') as address,
        nullif(regexp_replace(lower(trim(city)), '\s+', ' ', 'g'), '') as city,
        nullif(regexp_replace(
            regexp_replace(upper(trim(postcode)), '\s+', ' ', 'g'),
            '^([0-9]{5})-[0-9]{4}$', '\1'), '') as postcode
    from read_parquet(?)
)
select *,
    case when first_name is not null and last_name is not null
         then first_name || ' ' || last_name end as first_name_surname_concat
from raw
"""

# Prediction blocking rules: the pattern of Splink's person examples
# (deduplicate_50k_synthetic, febrl3) on this schema's columns.
BLOCKING_RULES = [
    block_on("first_name", "last_name"),
    block_on("last_name", "dob"),
    block_on("first_name", "dob"),
    block_on("email"),
    block_on("phone"),
    block_on("postcode", "first_name"),
    block_on("postcode", "last_name"),
    block_on("dob", "city"),
    block_on("substr(first_name,1,3)", "substr(last_name,1,4)"),
]

# Deterministic rules for the prior probability two random records match.
DETERMINISTIC_RULES = [
    block_on("first_name", "last_name", "dob"),
    block_on("email"),
    block_on("dob", "postcode"),
]
DETERMINISTIC_RECALL = 0.7  # the value the Splink quickstart uses

# Expectation maximisation blocking rules (as in deduplicate_50k_synthetic).
EM_RULES = [block_on("first_name", "last_name"), block_on("dob")]


def settings() -> SettingsCreator:
    """The Splink model, configured the way Splink's person-data examples do."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        comparisons=[
            cl.ForenameSurnameComparison(
                "first_name",
                "last_name",
                forename_surname_concat_col_name="first_name_surname_concat",
            ),
            cl.DateOfBirthComparison("dob", input_is_string=False),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.7]),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.PostcodeComparison("postcode"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def peak_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB (macOS in bytes).
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=Path, required=True, help="records.parquet")
    parser.add_argument("--out", type=Path, required=True, help="output parquet")
    parser.add_argument(
        "--threshold", type=float, default=0.99,
        help="match probability for predicted pairs and clustering (default 0.99)",
    )
    parser.add_argument(
        "--max-pairs", type=float, default=1e7,
        help="pairs sampled by estimate_u_using_random_sampling (default 1e7, as in "
        "Splink's 50k example)",
    )
    parser.add_argument("--seed", type=int, default=42, help="seed for u sampling")
    parser.add_argument(
        "--no-pair-count", action="store_true",
        help="skip the exact candidate-pair count (candidate_pairs is then null)",
    )
    parser.add_argument("--verbose", action="store_true", help="show Splink's logging")
    args = parser.parse_args()
    log_level = logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(stream=sys.stderr, level=log_level)
    logging.getLogger("splink").setLevel(log_level)

    seconds: dict[str, float] = {}
    t_start = t = time.perf_counter()

    con = duckdb.connect()  # in-memory, default threads and memory limit
    # (duckdb 2 wants every execute() result consumed before the next statement)
    con.execute(f"create table records as {CLEAN_SQL}", [str(args.records)]).fetchall()
    n_records = con.execute("select count(*) from records").fetchall()[0][0]
    db_api = DuckDBAPI(connection=con)
    records = db_api.register("records")
    seconds["read"] = time.perf_counter() - t

    t = time.perf_counter()
    linker = Linker(records, settings(), log_level=log_level)
    linker.training.estimate_probability_two_random_records_match(
        DETERMINISTIC_RULES, recall=DETERMINISTIC_RECALL
    )
    linker.training.estimate_u_using_random_sampling(
        max_pairs=args.max_pairs, seed=args.seed
    )
    for rule in EM_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    seconds["train"] = time.perf_counter() - t

    t = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=args.threshold)
    predicted_pairs = predictions.as_duckdbpyrelation().count("*").fetchall()[0][0]
    seconds["predict"] = time.perf_counter() - t

    t = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=args.threshold
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    out_sql = (
        f"select cast(record_id as varchar) as record_id, "
        f"cast(cluster_id as varchar) as cluster_id "
        f"from {clusters.physical_name} order by record_id"
    )
    con.execute(f"copy ({out_sql}) to '{args.out}' (format parquet)").fetchall()
    seconds["cluster"] = time.perf_counter() - t
    seconds["total"] = time.perf_counter() - t_start
    rss = peak_rss_mib()

    n_out = con.execute(
        f"select count(*) from read_parquet('{args.out}')"
    ).fetchall()[0][0]
    if n_out != n_records:
        raise SystemExit(f"wrote {n_out} cluster rows for {n_records} records")

    candidate_pairs = None
    if not args.no_pair_count:
        t = time.perf_counter()
        counts = count_comparisons_from_blocking_rules(
            records,
            blocking_rules=BLOCKING_RULES,
            link_type="dedupe_only",
            unique_id_column_name="record_id",
            record_sample_proportion=1.0,
        )
        candidate_pairs = int(counts[-1]["cumulative_comparison_count"])
        seconds["count_pairs"] = time.perf_counter() - t

    print(json.dumps({
        "tool": "splink",
        "version": splink.__version__,
        "duckdb_version": duckdb.__version__,
        "records": int(n_records),
        "candidate_pairs": candidate_pairs,
        "predicted_pairs": int(predicted_pairs),
        "threshold": args.threshold,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "peak_rss_mib": rss,
    }))


if __name__ == "__main__":
    main()
