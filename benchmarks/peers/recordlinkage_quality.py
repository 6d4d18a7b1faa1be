"""recordlinkage baseline on one benchdata folder, configured by hand from its docs.

    python benchmarks/peers/recordlinkage_quality.py --data DIR --out OUTDIR

Runs in the project venv (recordlinkage is a test dependency).  The recipe is the one in
recordlinkage's documentation ("Data deduplication" / "Link two datasets" tutorials):

1. ``recordlinkage.preprocessing.clean`` on text columns,
2. an ``recordlinkage.Index`` of Block and SortedNeighbourhood algorithms (their pairs
   are united),
3. ``recordlinkage.Compare`` with exact and thresholded string comparisons, each giving
   1 (agrees) or 0,
4. the docs' classifier: a pair is a match when at least ``k`` of the ``n`` comparisons
   agree (the tutorial keeps ``features.sum(axis=1) > 3`` of 6, i.e. 4 of 6; here ``k``
   is the smallest majority of ``n`` for every data set).

Per-data-set choices (which columns to block and compare on) are in ``SETTINGS``; they
were written from the column descriptions, not tuned against the truth.  A data set whose
records are of different kinds with different facts (imdb_tmdb: people and titles) is
linked in ``parts``, each a subset of the records with its own index, comparisons and
k-of-n rule, and the matches of all parts are united.  The febrl sets
use the tutorial's six comparisons verbatim.  Dedup: matches are joined into clusters by
connected components (``clusters.csv``) and also written as pairs (``pairs.csv``); link:
``pairs.csv``.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
import recordlinkage
from recordlinkage.preprocessing import clean
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchio import report, write_clusters, write_pairs  # noqa: E402

FEBRL = {
    "text": ["given_name", "surname", "address_1", "suburb", "state"],
    "derived": {},
    "index": [("block", ["given_name"]), ("block", ["surname"]), ("block", ["date_of_birth"])],
    # the tutorial's comparisons, verbatim
    "compare": [
        ("exact", "given_name", None),
        ("jarowinkler", "surname", 0.85),
        ("exact", "date_of_birth", None),
        ("exact", "suburb", None),
        ("exact", "state", None),
        ("jarowinkler", "address_1", 0.85),
    ],
}


def _digits(series: pd.Series, last: int) -> pd.Series:
    return series.str.replace(r"\D", "", regex=True).str[-last:].replace("", None)


def _first_token(series: pd.Series) -> pd.Series:
    return series.str.split(" ").str[0]


def _year(df: pd.DataFrame, *columns: str) -> pd.Series:
    """The leading four-digit year of the first of ``columns`` that the frame has."""
    column = next(c for c in columns if c in df)
    return df[column].str.extract(r"^((?:1[89]|20)\d\d)", expand=False)


def _forename(df: pd.DataFrame) -> pd.Series:
    """First word of a full name of two or more words (null for a one-word name)."""
    words = df["name"].str.split(" ")
    return words.str[0].where(words.str.len() > 1)


def _has(column: str):
    """Part filter: rows where ``column`` is filled."""
    return lambda df: df[column].notna() if column in df else pd.Series(False, df.index)


SETTINGS: dict[str, dict] = {
    "febrl1": FEBRL,
    "febrl2": FEBRL,
    "febrl3": FEBRL,
    "febrl4": FEBRL,
    "splink_fake_1000": {
        "text": ["first_name", "surname", "city", "email"],
        "derived": {},
        "index": [("block", ["first_name"]), ("block", ["surname"]), ("block", ["dob"])],
        "compare": [
            ("jarowinkler", "first_name", 0.85),
            ("jarowinkler", "surname", 0.85),
            ("exact", "dob", None),
            ("exact", "city", None),
            ("jarowinkler", "email", 0.85),
        ],
    },
    "dedupe_csv_example": {
        "text": ["site_name", "address"],
        "derived": {"phone7": lambda df: _digits(df["phone"], 7),
                    "zip5": lambda df: _digits(df["zip"], 5)},
        "index": [("block", ["phone7"]), ("block", ["zip5"]),
                  ("sortedneighbourhood", "site_name", 9)],
        "compare": [
            ("jarowinkler", "site_name", 0.85),
            ("jarowinkler", "address", 0.85),
            ("exact", "zip5", None),
            ("exact", "phone7", None),
        ],
    },
    "patentsview_inventors": {
        "text": ["first_name", "last_name", "city", "state", "country",
                 "assignee_organization"],
        "derived": {},
        "index": [("block", ["first_name", "last_name"]), ("block", ["last_name", "city"])],
        "compare": [
            ("jarowinkler", "first_name", 0.85),
            ("jarowinkler", "last_name", 0.85),
            ("exact", "city", None),
            ("exact", "state", None),
            ("exact", "country", None),
            ("jarowinkler", "assignee_organization", 0.85),
        ],
    },
    "dblp_acm": {
        "text": ["title", "authors", "venue"],
        "derived": {"title_word": lambda df: _first_token(df["title"])},
        "index": [("sortedneighbourhood", "title", 9), ("block", ["year", "title_word"])],
        "compare": [
            ("jarowinkler", "title", 0.9),
            ("jarowinkler", "authors", 0.8),
            ("jarowinkler", "venue", 0.7),
            ("exact", "year", None),
        ],
    },
    "abt_buy": {
        "text": ["name", "description"],
        "derived": {"brand": lambda df: _first_token(df["name"])},
        "index": [("sortedneighbourhood", "name", 9), ("block", ["brand"])],
        "compare": [
            ("cosine", "name", 0.5),
            ("cosine", "description", 0.3),
            ("jarowinkler", "name", 0.85),
        ],
    },
    # CDs: artist, title, track list (one long string) and year. Category and genre are
    # left out: they are few values chosen by each submitter, so that with 'various'
    # artist three unrelated compilations would agree on 3 of 5. Character-bigram cosine
    # on long track lists is high for any two lists (median 0.52 and 99th percentile
    # 0.76 over 20,000 random record pairs), so its threshold is 0.8.
    "cddb": {
        "text": ["artist", "title", "tracks"],
        "derived": {"year4": lambda df: _year(df, "year")},
        "index": [("block", ["artist"]), ("block", ["title"]),
                  ("sortedneighbourhood", "title", 9)],
        "compare": [
            ("jarowinkler", "artist", 0.85),
            ("jarowinkler", "title", 0.85),
            ("cosine", "tracks", 0.8),
            ("exact", "year4", None),
        ],
    },
    # People and titles in one table per side, with different facts: the k-of-n rule
    # needs comparable records, so the set is linked in three parts (people by name; TV
    # episodes by title, season, episode and year; other titles by title and year), each
    # with its own index and comparisons, and the matches are united.
    "imdb_tmdb": {
        "parts": [
            {
                "label": "people",
                "where": _has("name"),
                "text": ["name"],
                "derived": {"forename": _forename,
                            "surname": lambda df: df["name"].str.split(" ").str[-1]},
                "index": [("block", ["surname"]), ("sortedneighbourhood", "name", 9)],
                "compare": [
                    ("exact", "forename", None),
                    ("jarowinkler", "surname", 0.85),
                    ("jarowinkler", "name", 0.85),
                ],
            },
            {
                "label": "episodes",
                "where": _has("seasonNumber"),
                "text": ["title"],
                "derived": {"year": lambda df: _year(df, "startYear", "release_year")},
                "index": [("block", ["seasonNumber", "episodeNumber"]),
                          ("sortedneighbourhood", "title", 9)],
                "compare": [
                    ("jarowinkler", "title", 0.85),
                    ("exact", "seasonNumber", None),
                    ("exact", "episodeNumber", None),
                    ("exact", "year", None),
                ],
            },
            {
                "label": "other titles",
                "where": lambda df: _has("title")(df) & ~_has("seasonNumber")(df),
                "text": ["title"],
                "derived": {"year": lambda df: _year(df, "startYear", "release_year")},
                "index": [("sortedneighbourhood", "title", 9), ("block", ["year"])],
                "compare": [
                    ("jarowinkler", "title", 0.85),
                    ("exact", "year", None),
                ],
            },
        ],
    },
}


def prepare(frame: pd.DataFrame, config: dict) -> pd.DataFrame:
    frame = frame.copy()
    for column in config["text"]:
        if column in frame:
            frame[column] = clean(frame[column].fillna("")).replace("", None)
    for column, make in config["derived"].items():
        frame[column] = make(frame)
    for _, column, _ in config["compare"]:
        if column not in frame:
            frame[column] = None  # e.g. a column only one side of a link set has
    return frame


def link(frames: list[pd.DataFrame], config: dict) -> tuple[pd.MultiIndex, int]:
    """Index, compare and classify (k of n agree) one data set or part of one."""
    frames = [prepare(f, config) for f in frames]
    indexer = recordlinkage.Index()
    for kind, *spec in config["index"]:
        if kind == "block":
            indexer.block(spec[0])
        else:
            indexer.sortedneighbourhood(spec[0], window=spec[1])
    candidates = indexer.index(*frames)
    compare = recordlinkage.Compare()
    for i, (method, column, threshold) in enumerate(config["compare"]):
        if method == "exact":
            compare.exact(column, column, label=f"{i}")
        else:
            compare.string(column, column, method=method, threshold=threshold, label=f"{i}")
    features = compare.compute(candidates, *frames)
    n = len(config["compare"])
    k = n // 2 + 1
    return features.index[features.sum(axis=1) >= k], len(candidates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    name = args.data.name
    if name not in SETTINGS:
        raise SystemExit(f"no recordlinkage settings for data set {name!r} (add it to SETTINGS)")
    config = SETTINGS[name]
    start = time.perf_counter()

    def read(file: str) -> pd.DataFrame:
        frame = pd.read_csv(args.data / file, dtype=str, keep_default_na=False)
        return frame.replace("", None).set_index("record_id")

    dedup = (args.data / "records.csv").is_file()
    frames = [read("records.csv")] if dedup else [read("left.csv"), read("right.csv")]
    parts = config.get("parts", [config])
    found, n_candidates, rules = [], 0, []
    for part in parts:
        where = part.get("where")
        subset = [f[where(f)] for f in frames] if where else frames
        matches, candidates = link(subset, part)
        found.append(matches)
        n_candidates += candidates
        n = len(part["compare"])
        rules.append((f"{part['label']}: " if "label" in part else "")
                     + f">= {n // 2 + 1} of {n}")
    matches = found[0].append(found[1:]) if len(found) > 1 else found[0]
    left_ids = matches.get_level_values(0).astype(str)
    right_ids = matches.get_level_values(1).astype(str)
    outputs = {"label": "; ".join(rules),
               "pairs": write_pairs(args.out / "pairs.csv", zip(left_ids, right_ids, strict=True))}
    if dedup:
        ids = pd.Index(frames[0].index.astype(str))
        i, j = ids.get_indexer(left_ids), ids.get_indexer(right_ids)
        graph = coo_matrix(([1] * len(i), (i, j)), shape=(len(ids), len(ids)))
        _, labels = connected_components(graph, directed=False)
        rows = zip(ids, labels, strict=True)
        outputs["clusters"] = write_clusters(args.out / "clusters.csv", rows)
    seconds = time.perf_counter() - start
    outputs["seconds"] = seconds
    report({"tool": "recordlinkage", "version": recordlinkage.__version__,
            "task": "dedup" if dedup else "link", "seconds": seconds,
            "candidate_pairs": n_candidates, "outputs": [outputs]})


if __name__ == "__main__":
    main()
