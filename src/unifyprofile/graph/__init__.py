"""Identity graph and clustering."""

from unifyprofile.graph._cluster import (
    AMBIGUOUS,
    RULE_WEIGHT,
    Clustering,
    Constraint,
    Separator,
    cluster,
    clusters_table,
    constraint_columns,
    constraints,
    entity_ids,
    link_strength,
    within_component_pairs,
)
from unifyprofile.graph._export import identity_graph, widest_path

__all__ = ["AMBIGUOUS", "RULE_WEIGHT", "Clustering", "Constraint", "Separator", "cluster",
           "clusters_table", "constraint_columns", "constraints", "entity_ids",
           "identity_graph", "link_strength", "widest_path", "within_component_pairs"]
