"""Certificates of hyperplane arrangements: what :func:`polyrelu.verify.verify` re-checks
without the enumerator.

For every region: its sign vector and witness; its facets, each with an exact point in
the facet's relative interior (crossing a facet that is not a domain wall must lead to a
listed region); for every other hyperplane class and domain wall a Farkas combination
proving it implied by the facets (so the facet list is complete); and a boundedness proof
(positive multipliers of spanning facet normals summing to zero) or a recession ray.
Together: the listed regions exist, are distinct, and are all the regions.  The proofs
use exact LPs (pycddlib), a few per region: meant for checking, not for the largest
arrangements.

>>> from polyrelu.geometry.arrangement import HyperplaneArrangement
>>> from polyrelu.verify import verify
>>> cert = arrangement_certificate(HyperplaneArrangement([([1, 0], 0), ([0, 1], 0), ([1, 1], 1)]))
>>> verify(cert)["n_regions"], cert["n_bounded_regions"]
(7, 1)
"""

from __future__ import annotations

from typing import Any

from ..errors import InternalError, InvalidParameterError
from ..exact.rational import to_str
from ..geometry.arrangement import HyperplaneArrangement
from ..geometry.polyhedron import OpenPolyhedron
from . import proofs

__all__ = ["arrangement_certificate", "FORMAT"]

FORMAT = "polyrelu.arrangement-certificate"


def arrangement_certificate(arr: HyperplaneArrangement, *, inside: OpenPolyhedron | None = None) -> dict[str, Any]:
    """A JSON-ready certificate of the regions of ``arr`` (inside ``inside`` if given)."""
    if not isinstance(arr, HyperplaneArrangement):
        raise InvalidParameterError(f"arr must be a HyperplaneArrangement, got {type(arr).__name__}")

    regions = arr.regions(inside=inside)
    G = arr.region_graph(inside=inside)
    walls = inside.inequalities if inside is not None else ()
    wall_facets = arr.wall_facets(inside=inside)
    classes = arr.classes
    facets_of: dict[int, list] = {i: [] for i in range(len(regions))}
    for u, v, data in G.edges(data=True):
        rep = data["hyperplanes"][0]
        facets_of[u].append(({"hyperplane": rep}, data["point"]))
        facets_of[v].append(({"hyperplane": rep}, data["point"]))
    for i, lst in wall_facets.items():
        facets_of[i] += [({"wall": w}, pt) for w, pt in lst]

    def affine(ref: dict, signs: tuple[int, ...]):
        if "hyperplane" in ref:
            a, b = arr.hyperplanes[ref["hyperplane"]]
            s = signs[ref["hyperplane"]]
            return tuple(s * v for v in a), -s * b
        a, b = walls[ref["wall"]]
        return tuple(-v for v in a), b

    all_refs = [{"hyperplane": cls[0]} for cls in classes] + [{"wall": w} for w in range(len(walls))]
    out_regions = []
    for i, r in enumerate(regions):
        facets = sorted(facets_of[i], key=lambda fp: (tuple(fp[0].items())))
        facet_refs = [f for f, _ in facets]
        facet_aff = [affine(f, r.sign_vector) for f in facet_refs]
        implied = []
        for ref in all_refs:
            if ref in facet_refs:
                continue
            found = proofs.farkas(affine(ref, r.sign_vector), facet_aff)
            if found is None:
                raise InternalError(f"no Farkas proof for {ref} in region {i}: facet list incomplete")
            lam, slack = found
            implied.append(
                {
                    **ref,
                    "multipliers": [{**f, "value": to_str(l)} for f, l in zip(facet_refs, lam) if l != 0],
                    "slack": to_str(slack),
                }
            )
        entry: dict[str, Any] = {
            "signs": "".join("+" if s > 0 else "-" for s in r.sign_vector),
            "witness": [to_str(v) for v in r.witness],
            "bounded": r.is_bounded,
            "facets": [{**f, "point": [to_str(v) for v in pt]} for f, pt in facets],
            "implied": implied,
        }
        if r.is_bounded:
            mu = proofs.bounded_multipliers(facet_aff)
            if mu is None:
                raise InternalError(f"region {i} is flagged bounded but has no boundedness proof")
            entry["bounded_by"] = [{**f, "value": to_str(m)} for f, m in zip(facet_refs, mu)]
        else:
            ray = proofs.recession_ray([affine(ref, r.sign_vector) for ref in all_refs], arr.dim)
            if ray is None:
                raise InternalError(f"region {i} is flagged unbounded but has no recession ray")
            entry["ray"] = [to_str(v) for v in ray]
        out_regions.append(entry)
    cert: dict[str, Any] = {
        "format": FORMAT,
        "version": 1,
        "arrangement": arr.to_dict(),
        "arrangement_digest": arr.digest(),
        "domain": inside.to_dict() if inside is not None else None,
        "n_regions": len(regions),
        "n_bounded_regions": sum(r.is_bounded for r in regions),
        "regions": out_regions,
    }
    if not regions:
        empty = proofs.emptiness_multipliers([affine({"wall": w}, ()) for w in range(len(walls))])
        if empty is None:
            raise InternalError("no region was found but the domain has no emptiness proof")
        cert["empty_domain"] = [to_str(v) for v in empty]
    return cert

