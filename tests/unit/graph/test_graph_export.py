"""The identity graph as networkx: a run's and a store entity's records and links."""

from __future__ import annotations

import networkx as nx
import pandas as pd

import unifyprofile as up
from unifyprofile.compare import EmailComparison, NameComparison, PhoneComparison
from unifyprofile.graph import RULE_WEIGHT, widest_path
from unifyprofile.score import DeterministicRule

PEOPLE = pd.DataFrame({
    "id": ["1", "2", "3", "4", "5"],
    "first_name": ["Ann", "Ann", "Ann", "Boris", "Chen"],
    "last_name": ["Lee", "Lee", "Lee", "Ivanov", "Wei"],
    "email": ["ann@x.org", "ann@x.org", None, "boris@y.org", "chen@z.cn"],
    "phone": [None, "415-555-0101", "415-555-0101", None, None],
})


def _config() -> up.Config:
    return up.Config(
        sources=(up.Source("crm", data=PEOPLE, id_column="id",
                           columns={c: c for c in PEOPLE.columns if c != "id"}),),
        rules=(DeterministicRule.from_config({"name": "email",
                                              "keys": ["email", "first_name:nick"]}),
               DeterministicRule.from_config({"name": "phone",
                                              "keys": ["phone", "first_name:nick"]})),
        blocking=(up.BlockingRule.parse(["email"]), up.BlockingRule.parse(["phone"])),
        comparisons=(NameComparison("first_name"), NameComparison("last_name"),
                     EmailComparison(), PhoneComparison()))


def test_result_graph_holds_records_and_links():
    result = up.Resolver(_config()).run()
    graph = result.graph()
    assert set(graph.nodes) == set(result.clusters["record_id"])
    assert graph.number_of_edges() == int(result.pairs["linked"].sum()) == 2
    link = graph.edges["crm:1", "crm:2"]
    assert link["rule"] == "email" and link["strength"] > RULE_WEIGHT
    assert "email" in link and "match_probability" in link  # the comparison level too
    assert graph.nodes["crm:4"]["source"] == "crm"
    # Connected components of the graph are the entities.
    entity = dict(zip(result.clusters["record_id"], result.clusters["entity_id"], strict=True))
    for component in nx.connected_components(graph):
        assert len({entity[r] for r in component}) == 1
    ann = entity["crm:1"]
    part = result.graph(ann)
    assert sorted(part.nodes) == ["crm:1", "crm:2", "crm:3"]
    assert widest_path(part, "crm:1", "crm:3") == [("crm:1", "crm:2"), ("crm:2", "crm:3")]


def test_store_graph_of_an_entity(tmp_path):
    with up.IdentityStore(tmp_path / "s.db", _config()) as store:
        store.ingest()
        clusters = store.clusters()
        ann = clusters.loc[clusters["record_id"] == "crm:1", "entity_id"].iloc[0]
        graph = store.graph(ann)
        assert sorted(graph.nodes) == ["crm:1", "crm:2", "crm:3"]
        assert {graph.edges[e]["rule"] for e in graph.edges} == {"email", "phone"}
        assert graph.nodes["crm:2"]["entity_id"] == ann
        store.erase(entity_id=ann)
        assert store.graph(ann).number_of_nodes() == 0
