"""Scoring: deterministic rules, the Fellegi–Sunter model and over-merge guards."""

import typing

from unifyprofile.score import _guards
from unifyprofile.score._decide import (
    CONTRADICTING,
    TELLING_DISAGREEMENT,
    TRAIN_HELD_MIN,
    Scored,
    check_guard_names,
    decide,
    held_out,
    kept_apart,
    score_pairs,
    separates,
    separator,
    trainable,
    vetoed,
)
from unifyprofile.score._diagnose import (
    Diagnosis,
    diagnose,
    evident_pairs,
    fit_checked,
    link_bound,
)
from unifyprofile.score._fellegi_sunter import (
    FellegiSunter,
    agreement_counts,
    monotone_m,
    weight_histogram,
)
from unifyprofile.score._guards import Guards, demote_hubs
from unifyprofile.score._labels import (
    LABEL_COLUMNS,
    MIN_EACH,
    PSEUDO_COUNT,
    Labels,
    best_threshold,
    blend_m,
    read_labels,
)
from unifyprofile.score._rules import DeterministicRule, PreparedRules, prepare_rules

__all__ = [
    "CONTRADICTING",
    "LABEL_COLUMNS",
    "MIN_EACH",
    "PSEUDO_COUNT",
    "SHARED_FIELDS",
    "TELLING_DISAGREEMENT",
    "TRAIN_HELD_MIN",
    "DeterministicRule",
    "Diagnosis",
    "FellegiSunter",
    "Guards",
    "Labels",
    "PreparedRules",
    "Scored",
    "agreement_counts",
    "best_threshold",
    "blend_m",
    "check_guard_names",
    "decide",
    "demote_hubs",
    "diagnose",
    "evident_pairs",
    "fit_checked",
    "held_out",
    "kept_apart",
    "link_bound",
    "monotone_m",
    "prepare_rules",
    "read_labels",
    "score_pairs",
    "separates",
    "separator",
    "trainable",
    "vetoed",
    "weight_histogram",
]


if typing.TYPE_CHECKING:
    from unifyprofile.score._guards import SHARED_FIELDS
else:

    def __getattr__(name: str) -> frozenset[str]:
        if name == "SHARED_FIELDS":  # read from the field-type registry on each access
            return _guards.SHARED_FIELDS
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
