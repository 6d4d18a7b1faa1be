"""Scoring: deterministic rules, the Fellegi–Sunter model and over-merge guards."""

from unifyprofile.score._fellegi_sunter import FellegiSunter, monotone_m
from unifyprofile.score._guards import Guards, demote_hubs
from unifyprofile.score._rules import DeterministicRule, PreparedRules, prepare_rules

__all__ = [
    "DeterministicRule",
    "FellegiSunter",
    "Guards",
    "PreparedRules",
    "demote_hubs",
    "monotone_m",
    "prepare_rules",
]
