"""Certificates of network regions and their three counts, re-checked by
:func:`polyrelu.verify.verify` from the network alone.

Per region: the activation pattern, an exact witness, the facets (each with an exact
point in its relative interior) and Farkas proofs that every other constraint is implied.
On an empty domain: multipliers proving the domain walls
inconsistent (``empty_domain``).  For pieces: a point in both closures (strictly inside the domain) for every join of
regions with equal maps, and an infeasibility proof (Motzkin, domain walls strict) for
every pair with equal maps left apart.  Facets come from cddlib's exact redundancy test
and the proofs from exact LPs: meant for checking results, not for the largest networks.

>>> from polyrelu.nets.regions import network_regions
>>> from polyrelu.paper.constructions import max_of_two
>>> from polyrelu.verify import verify
>>> verify(network_certificate(network_regions(max_of_two())))["pieces"]
2
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from .. import cells
from ..errors import BudgetExceededError, InternalError, InvalidParameterError
from ..exact import cddlib
from ..exact.linalg import integer_row
from ..exact.rational import to_str
from ..io import formats
from ..nets.regions import NetworkRegions, facet_point, one_sided_pattern, pattern_constraints
from . import proofs

__all__ = ["network_certificate", "FORMAT"]

FORMAT = "polyrelu.network-certificate"


def network_certificate(res: NetworkRegions) -> dict[str, Any]:
    """A JSON-ready certificate of the regions and counts in ``res``."""
    if not isinstance(res, NetworkRegions):
        raise InvalidParameterError(f"res must be the NetworkRegions of network_regions(...), got {type(res).__name__}")
    if res.partial:
        raise BudgetExceededError("a partial result (its budget ran out) cannot be certified; rerun without max_regions/max_seconds")
    net, n = res.network, res.network.input_dim
    walls = res.domain.inequalities if res.domain is not None else ()
    index = {r.pattern: i for i, r in enumerate(res.regions)}
    out = []
    cons_of = []
    for i, r in enumerate(res.regions):
        cons = pattern_constraints(net, r.pattern) + [({"wall": w}, (tuple(-v for v in a), b)) for w, (a, b) in enumerate(walls)]
        cons_of.append(cons)
        rows = [integer_row(g + (-c,)) for _, (g, c) in cons]
        keep = cddlib.irredundant(rows) if len(rows) > 1 else list(range(len(rows)))
        facets, facet_refs, facet_aff = [], [], []
        arr = np.array(rows, dtype=object).reshape(len(rows), n + 1)
        for k in keep:
            ref, aff = cons[k]
            pt = facet_point(arr, k, n)
            if pt is None:
                continue
            entry = {**ref, "point": [to_str(v) for v in pt]}
            on_wall = any(cells.canonical_class_key(rows[k])[0] == cells.canonical_class_key(rows[w])[0]
                          for w, (rw, _) in enumerate(cons) if "wall" in rw)
            if "neuron" in ref and not on_wall:  # crossing a domain wall leaves the domain
                j = index.get(one_sided_pattern(net, pt, tuple(-v for v in aff[0])))
                if j is None:
                    raise InternalError("a facet leads to a region missing from the enumeration")
            facets.append(entry)
            facet_refs.append(ref)
            facet_aff.append(aff)
        implied = []
        for ref, aff in cons:
            if ref in facet_refs:
                continue
            found = proofs.farkas(aff, facet_aff)
            if found is None:
                raise InternalError("a constraint of a region is neither a facet nor implied by the facets")
            lam, slack = found
            implied.append({**ref, "slack": to_str(slack),
                            "multipliers": [{**fr, "value": to_str(l)} for fr, l in zip(facet_refs, lam) if l != 0]})
        out.append({
            "pattern": ["".join(map(str, layer)) for layer in r.pattern],
            "witness": [to_str(v) for v in r.witness],
            "facets": facets,
            "implied": implied,
        })
    # pieces: joins and separations inside groups of equal maps
    G = res.piece_graph()
    joins, separations = [], []
    comp = {}
    for c, members in enumerate(nx.connected_components(G)):
        for i in members:
            comp[i] = c
    def strict_of(i):  # domain walls are strict: joins and separations live in the open domain
        return ["wall" in ref for ref, _ in cons_of[i]]

    for u, v in G.edges():
        aff = [a for _, a in cons_of[u]] + [a for _, a in cons_of[v]]
        pt = cddlib.closed_point(aff, n, strict_of(u) + strict_of(v))
        if pt is None:
            raise InternalError(f"regions {u} and {v} are joined but no point of both closures lies in the domain")
        joins.append({"regions": [min(u, v), max(u, v)], "point": [to_str(x) for x in pt]})
    for members in res.map_groups():
        for a_i, i in enumerate(members):
            for j in members[a_i + 1 :]:
                if comp[i] != comp[j]:
                    aff = [a for _, a in cons_of[i]] + [a for _, a in cons_of[j]]
                    sep = proofs.closed_infeasibility(aff, strict_of(i) + strict_of(j))
                    if sep is None:
                        raise InternalError(f"regions {i} and {j} are in different pieces but no separation proof exists")
                    separations.append({"regions": [i, j], "multipliers": [to_str(l) for l in sep]})
    cert: dict[str, Any] = {
        "format": FORMAT,
        "version": 1,
        "network": net.to_dict(),
        "network_digest": formats.digest(net.to_dict()),
        "domain": res.domain.to_dict() if res.domain is not None else None,
        "counts": {k: v for k, v in res.counts().items() if k != "partial"},
        "regions": out,
        "piece_joins": sorted(joins, key=lambda e: e["regions"]),
        "piece_separations": separations,
    }
    if not res.regions:  # an empty domain: prove it
        empty = proofs.emptiness_multipliers([(tuple(-v for v in a), b) for a, b in walls])
        if empty is None:
            raise InternalError("no region was found but the domain has no emptiness proof")
        cert["empty_domain"] = [to_str(v) for v in empty]
    return cert

