"""Data files shipped with unifyprofile (``nicknames.csv``)."""
