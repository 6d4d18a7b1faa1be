"""The persistent identity store: stable entity ids, incremental ingest, erasure.

>>> from unifyprofile.store import IdentityStore
>>> IdentityStore.__name__
'IdentityStore'

See ``docs/store.md`` for the file layout, the id ledger rules and the equivalence
contract between incremental ingest and a batch run.
"""

from unifyprofile.store._ids import Assignment, assign_ids, new_entity_id
from unifyprofile.store._input import match_source
from unifyprofile.store._results import Changes, Explanation, Profile, Resolution, json_rows
from unifyprofile.store._schema import SCHEMA_VERSION
from unifyprofile.store._store import IdentityStore

__all__ = [
    "SCHEMA_VERSION",
    "Assignment",
    "Changes",
    "Explanation",
    "IdentityStore",
    "Profile",
    "Resolution",
    "assign_ids",
    "json_rows",
    "match_source",
    "new_entity_id",
]
