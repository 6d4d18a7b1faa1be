"""The ``unifyprofile`` logger: where warnings and notes go.

Every note a run, an ingest or an erasure produces (an empty mapped column, a source with
no rows, a mapped field nothing uses, a writer waiting for the store's lock) is logged
here as a warning, so that schedulers and notebooks see it; the command line shows this
logger on stderr in every mode, and ``summary.json`` lists the same notes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

__all__ = ["logger", "log_notes"]

logger = logging.getLogger("unifyprofile")


def log_notes(notes: Iterable[str]) -> None:
    """Log each note as a warning of the ``unifyprofile`` logger."""
    for note in notes:
        logger.warning(note)
