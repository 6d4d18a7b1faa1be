"""Data files shipped with unifyprofile (``nicknames.csv``, ``korean_surnames.csv``)."""

__all__: list[str] = []
