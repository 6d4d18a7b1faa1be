"""Scoring: deterministic rules, the Fellegi–Sunter model and over-merge guards."""

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
from unifyprofile.score._guards import SHARED_FIELDS, Guards, demote_hubs
from unifyprofile.score._rules import DeterministicRule, PreparedRules, prepare_rules

__all__ = [
    "SHARED_FIELDS",
    "DeterministicRule",
    "Diagnosis",
    "FellegiSunter",
    "Guards",
    "PreparedRules",
    "agreement_counts",
    "demote_hubs",
    "diagnose",
    "evident_pairs",
    "fit_checked",
    "link_bound",
    "monotone_m",
    "prepare_rules",
    "weight_histogram",
]
