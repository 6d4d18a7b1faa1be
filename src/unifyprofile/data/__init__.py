"""Data files shipped with unifyprofile.

``nicknames.csv``: the nickname key, one formal name per nickname (see
:func:`unifyprofile.standardise.names.nickname_key`); with the ``nicknames`` package it
also makes the many-to-many relation of
:func:`unifyprofile.standardise.names.nickname_pairs`.

``korean_surnames.csv``: the Latin spelling of Korean surnames written in Hangul (see
:mod:`unifyprofile.standardise._korean`).
"""

__all__: list[str] = []
