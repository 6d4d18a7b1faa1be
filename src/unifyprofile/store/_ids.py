"""Stable entity ids: map a new partition onto the ids of the old one.

The rules (the id ledger records each decision):

* an old entity *keeps* its id in the new cluster that holds most of its old records
  (ties: the cluster holding the smallest of those record ids): its *main part*;
* when the main parts of several old entities fall in one new cluster (a **merge**), the
  oldest id (first created) survives and the others are ``merged_into`` it;
* the other parts of a **split** entity get new ids, each ``split_from`` the old one;
* a cluster of only new records is ``created`` with a new id;
* an old entity none of whose records remain was ``erased``.

New ids are ``"E"`` + a hash of the cluster's smallest record id, as a batch run names
its entities, so a store built once names entities as ``Resolver.run`` does; a name
already used before is salted until it is fresh.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Assignment", "assign_ids", "new_entity_id"]


def new_entity_id(smallest_record_id: str, salt: int = 0) -> str:
    """``"E"`` + 16 hex digits of a hash of the record id (and a salt when > 0).

    >>> new_entity_id("crm:1") == new_entity_id("crm:1")
    True
    """
    text = smallest_record_id if salt == 0 else f"{smallest_record_id}\x1f{salt}"
    return "E" + hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@dataclass
class Assignment:
    """The id of every new cluster and the ledger events that explain them."""

    #: One id per new cluster, in the order the clusters were given.
    ids: list[str]
    created: list[str] = field(default_factory=list)
    #: ``(old id, surviving id)``.
    merged: list[tuple[str, str]] = field(default_factory=list)
    #: ``(old id, new id)``.
    split: list[tuple[str, str]] = field(default_factory=list)
    erased: list[str] = field(default_factory=list)


def assign_ids(clusters: Sequence[Sequence[str]], old: Mapping[str, str],
               age: Mapping[str, int],
               taken: Callable[[Collection[str]], Collection[str]]) -> Assignment:
    """Name the new clusters after the old entities, following the ledger rules.

    Args:
        clusters: record ids of each new cluster.
        old: record id -> old entity id, for the records that had one (records that
            are gone, e.g. erased, may be listed: an entity left with none is erased).
        age: old entity id -> creation order (smaller is older).
        taken: which of some ids were ever used (new ids must be fresh); called once for
            the first choice of every new cluster, then only for the rare collision.

    Examples:
        >>> a = assign_ids([["r1", "r2", "r3"]], {"r1": "A", "r2": "B"}, {"A": 2, "B": 1},
        ...                lambda ids: {"A", "B"} & set(ids))
        >>> a.ids, a.merged
        (['B'], [('A', 'B')])
    """
    where: dict[str, int] = {}
    for n, members in enumerate(clusters):
        for rid in members:
            where[rid] = n
    # Old entity -> new cluster -> (records there, smallest record id there).
    parts: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    olds: set[str] = set(old.values())
    for rid, eid in old.items():
        if rid in where:
            parts[eid][where[rid]].append(rid)
    main: dict[str, int] = {}
    for eid, by_cluster in parts.items():
        main[eid] = min(by_cluster, key=lambda c: (-len(by_cluster[c]), min(by_cluster[c])))
    claimants: dict[int, list[str]] = defaultdict(list)
    for eid, c in main.items():
        claimants[c].append(eid)
    out = Assignment(ids=[""] * len(clusters))
    first = {n: new_entity_id(min(members)) for n, members in enumerate(clusters)
             if n not in claimants}
    busy = set(taken(list(first.values())))
    used: set[str] = set()
    for n, members in enumerate(clusters):
        ids = sorted(claimants.get(n, []), key=lambda e: (age.get(e, 1 << 62), e))
        if ids:
            out.ids[n] = ids[0]
            out.merged.extend((loser, ids[0]) for loser in ids[1:])
            continue
        smallest = min(members)
        salt, candidate = 0, first[n]
        while candidate in used or candidate in olds or (
                candidate in busy if salt == 0 else bool(taken([candidate]))):
            salt += 1
            candidate = new_entity_id(smallest, salt)
        used.add(candidate)
        out.ids[n] = candidate
        origins = sorted({old[r] for r in members if r in old})
        if origins:
            out.split.extend((origin, candidate) for origin in origins)
        else:
            out.created.append(candidate)
    out.erased = sorted(olds - set(parts))
    return out
