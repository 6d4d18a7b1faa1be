"""The identity graph as a networkx graph: records as nodes, links as edges."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

from unifyprofile import schema
from unifyprofile.graph._cluster import RULE_WEIGHT

__all__ = ["identity_graph", "widest_path"]


def identity_graph(clusters: pd.DataFrame, links: pd.DataFrame) -> nx.Graph:
    """Records and the links between them, for analysis and drawing.

    Args:
        clusters: ``record_id``, ``entity_id`` (and any other columns: node attributes).
        links: ``record_id_l``, ``record_id_r`` and the link's columns (``match_weight``,
            ``match_probability``, ``rule``, comparison levels ...): edge attributes.
            Links to records not in ``clusters`` are left out.

    Returns:
        An undirected graph; every edge also has ``strength``, the order in which
        clustering takes links (rule links above every probabilistic one).

    Examples:
        >>> clusters = pd.DataFrame({"record_id": ["a", "b", "c"], "entity_id": "E1"})
        >>> links = pd.DataFrame({"record_id_l": ["a", "b"], "record_id_r": ["b", "c"],
        ...                       "match_weight": [9.0, 4.5], "rule": ["email", None]})
        >>> g = identity_graph(clusters, links)
        >>> g.nodes["a"]["entity_id"], g.edges["a", "b"]["rule"], g.edges["b", "c"]["rule"]
        ('E1', 'email', None)
    """
    graph = nx.Graph()
    nodes = clusters.astype(object).where(clusters.notna(), None)
    graph.add_nodes_from((row.pop(schema.RECORD_ID), row)
                         for row in nodes.to_dict("records"))
    inside = (links["record_id_l"].isin(clusters[schema.RECORD_ID])
              & links["record_id_r"].isin(clusters[schema.RECORD_ID]))
    edges = links[inside].astype(object).where(links[inside].notna(), None)
    for row in edges.to_dict("records"):
        a, b = row.pop("record_id_l"), row.pop("record_id_r")
        weight = float(row.get("match_weight") or 0.0)
        row["strength"] = weight + (RULE_WEIGHT if row.get("rule") else 0.0)
        graph.add_edge(a, b, **row)
    return graph


def widest_path(graph: nx.Graph, a: Any, b: Any) -> list[tuple[Any, Any]]:
    """The links from ``a`` to ``b`` along the graph's maximum spanning tree (by
    ``strength``): of all chains between them, one whose weakest link is strongest.

    Returns:
        The links in order from ``a``; empty when they are not connected or the same.

    Examples:
        >>> g = nx.Graph()
        >>> g.add_edge("a", "b", strength=1.0); g.add_edge("b", "c", strength=5.0)
        >>> g.add_edge("a", "d", strength=4.0); g.add_edge("d", "c", strength=3.0)
        >>> widest_path(g, "a", "c")
        [('a', 'd'), ('d', 'c')]
    """
    if a == b or a not in graph or b not in graph:
        return []
    tree = nx.maximum_spanning_tree(graph, weight="strength")
    try:
        nodes = nx.shortest_path(tree, a, b)
    except nx.NetworkXNoPath:
        return []
    return list(zip(nodes[:-1], nodes[1:], strict=True))
