"""Identity graph and clustering."""

from unifyprofile.graph._cluster import (
    RULE_WEIGHT,
    Clustering,
    Constraint,
    cluster,
    clusters_table,
    entity_ids,
)

__all__ = ["RULE_WEIGHT", "Clustering", "Constraint", "cluster", "clusters_table", "entity_ids"]
