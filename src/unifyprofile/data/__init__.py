"""Data files shipped with unifyprofile.

``nicknames.csv``: the nickname key, one formal name per nickname (see
:func:`unifyprofile.standardise.names.nickname_key`); with the ``nicknames`` package it
also makes the many-to-many relation of :func:`unifyprofile.standardise.names.nickname_pairs`.
"""

__all__: list[str] = []
