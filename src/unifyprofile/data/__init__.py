"""Data files shipped with unifyprofile (``nicknames.csv``)."""

__all__: list[str] = []
