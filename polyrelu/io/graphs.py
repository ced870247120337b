"""Region-adjacency graphs as JSON files (``polyrelu.region-graph`` and
``polyrelu.network-region-graph``, version 1): a node list and an edge list, with exact
points as "p/q" strings.  These are polyrelu's own formats, not networkx node-link JSON;
:func:`arrangement_graph_to_dict` and :func:`network_graph_to_dict` are the writers.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from ..exact.rational import to_str

__all__ = ["arrangement_graph_to_dict", "network_graph_to_dict"]


def _edge_key(e):
    return (min(e[0], e[1]), max(e[0], e[1]))


def arrangement_graph_to_dict(G: nx.Graph) -> dict[str, Any]:
    """The graph of :meth:`HyperplaneArrangement.region_graph` as a JSON-ready dict."""
    return {
        "format": "polyrelu.region-graph",
        "version": 1,
        "nodes": [
            {
                "id": n,
                "signs": "".join("+" if v > 0 else "-" for v in data["sign_vector"]),
                "witness": [to_str(v) for v in data["witness"]],
                "bounded": data["bounded"],
            }
            for n, data in sorted(G.nodes(data=True))
        ],
        "edges": [
            {"source": min(u, v), "target": max(u, v), "hyperplanes": list(data["hyperplanes"]), "point": [to_str(x) for x in data["point"]]}
            for u, v, data in sorted(G.edges(data=True), key=_edge_key)
        ],
    }


def network_graph_to_dict(G: nx.Graph) -> dict[str, Any]:
    """The graph of :meth:`NetworkRegions.region_graph` as a JSON-ready dict."""
    return {
        "format": "polyrelu.network-region-graph",
        "version": 1,
        "nodes": [
            {"id": i, "pattern": ["".join(map(str, layer)) for layer in d["pattern"]], "witness": [to_str(v) for v in d["witness"]],
             "affine_map": d["affine_map"].to_dict()}
            for i, d in sorted(G.nodes(data=True))
        ],
        "edges": [{"source": min(u, v), "target": max(u, v), "point": [to_str(x) for x in d["point"]]}
                  for u, v, d in sorted(G.edges(data=True), key=_edge_key)],
    }
