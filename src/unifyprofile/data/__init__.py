"""Data files shipped with unifyprofile.

``nicknames.csv``: the overlay on the ``nicknames`` package (see
:func:`unifyprofile.standardise.names.nickname_pairs`): pairs it lacks, and the formal
name that keys a nickname of several.
"""

__all__: list[str] = []
