"""The verifier of arrangement certificates (``polyrelu.arrangement-certificate``).

Each region R comes with its sign vector s, so each hyperplane i gives the affine function
f_i(x) = s_i (a_i . x - b_i), and each domain wall a_w . x < b_w the function
g_w(x) = b_w - a_w . x; R is where all of them are > 0.  After the schema pass
(:func:`read`), the checks are, one function each:

1. *Digest*: ``arrangement_digest`` is the digest of the arrangement it certifies.
2. *Existence*: each witness makes every f_i and g_w strictly positive.
3. *Distinctness*: no two regions have the same sign vector.
4. *Facets*: each facet point makes its own function zero and every function not
   proportional to it strictly positive (a point in the relative interior of a facet of
   R); crossing a facet that is not on a domain wall flips the signs of that hyperplane's
   class of coincident hyperplanes and must give a listed region.
5. *Facet lists are complete*: every other function is a nonnegative combination of the
   facet functions plus a nonnegative constant (Farkas), or a positive multiple of a
   facet's function, so the closure of R is cut out by its facets alone.
6. *Boundedness*: positive multipliers on facet normals that span R^d and sum to zero
   (the recession cone is {0}), or a recession ray v != 0 with every gradient . v >= 0.
7. *Counts* equal the number of listed regions and of bounded ones.
8. *Empty domain*: with no region listed, multipliers lambda >= 0, not all zero, with
   sum lambda_w g_w = a constant <= 0 prove that the walls have no common point.

*Completeness* follows from 2, 4 and 5: from a listed region walk along a generic segment
to any point of the domain; each time the segment leaves a region's closure it does so
through the relative interior of a listed facet (by 5), into a listed region (by 4).

>>> cert = {"format": "polyrelu.arrangement-certificate", "version": 1}
>>> verify_arrangement_certificate(cert)
Traceback (most recent call last):
...
polyrelu.errors.CertificateError: missing field "arrangement"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..exact.rational import Rational
from . import schema as S
from .facets import Facet, Implied, Multiplier, check_complete, check_facet_points, check_listed_facets, one_key, read_facets, read_implied, read_multipliers
from .inequalities import Affine, infeasible, is_recession_ray, positively_spans, proportional, value

__all__ = ["verify_arrangement_certificate", "read", "check", "CHECKS", "ArrangementCertificate", "FORMAT"]

FORMAT = "polyrelu.arrangement-certificate"
REF_KEYS = ("hyperplane", "wall")

Ref = tuple[Any, ...]  # ("hyperplane", i) or ("wall", w)


@dataclass(frozen=True)
class Region:
    signs: str
    witness: tuple[Rational, ...]
    bounded: bool
    facets: tuple[Facet, ...]
    implied: tuple[Implied, ...]
    bounded_by: tuple[Multiplier, ...]  # empty for unbounded regions
    ray: tuple[Rational, ...] | None  # None for bounded regions
    at: str


@dataclass(frozen=True)
class ArrangementCertificate:
    dim: int
    planes: tuple[tuple[tuple[Rational, ...], Rational], ...]
    walls: tuple[tuple[tuple[Rational, ...], Rational], ...]
    regions: tuple[Region, ...]
    n_regions: int
    n_bounded_regions: int
    empty_domain: tuple[Rational, ...] | None
    digest: str  # of the arrangement object as given
    claimed_digest: str
    at: str  # path prefix of the certificate (inside a training certificate)

    def functions(self, signs: str) -> dict[Ref, Affine]:
        """The functions that are > 0 on the region with these signs."""
        out: dict[Ref, Affine] = {}
        for i, (a, b) in enumerate(self.planes):
            s = 1 if signs[i] == "+" else -1
            out[("hyperplane", i)] = (tuple(s * v for v in a), -s * b)
        for w, (a, b) in enumerate(self.walls):
            out[("wall", w)] = (tuple(-v for v in a), b)
        return out


# --------------------------------------------------------------------------- schema
def _ref_reader(n_planes: int, n_walls: int):
    def read_ref(v: dict[str, Any], at: str) -> Ref:
        key = one_key(v, at, REF_KEYS)
        return (key, S.integer(v[key], S.join(at, key), 0, n_planes if key == "hyperplane" else n_walls))

    return read_ref


def _region(r: Any, at: str, dim: int, n_planes: int, read_ref) -> Region:
    base = ("signs", "witness", "bounded", "facets", "implied")
    S.obj(r, at, base, ("bounded_by", "ray"))
    bounded = S.boolean(r["bounded"], S.join(at, "bounded"))
    S.obj(r, at, base + (("bounded_by",) if bounded else ("ray",)))
    signs = S.text(r["signs"], S.join(at, "signs"))
    if len(signs) != n_planes or set(signs) - {"+", "-"}:
        S.fail(S.join(at, "signs"), f"expected a string of {n_planes} '+'/'-' characters, got {S.describe(signs)}")
    return Region(
        signs=signs,
        witness=S.vector(r["witness"], S.join(at, "witness"), dim),
        bounded=bounded,
        facets=read_facets(r["facets"], S.join(at, "facets"), dim, REF_KEYS, read_ref),
        implied=read_implied(r["implied"], S.join(at, "implied"), REF_KEYS, read_ref),
        bounded_by=read_multipliers(r["bounded_by"], S.join(at, "bounded_by"), REF_KEYS, read_ref) if bounded else (),
        ray=None if bounded else S.vector(r["ray"], S.join(at, "ray"), dim),
        at=at,
    )


def read(cert: Any, at: str = "") -> ArrangementCertificate:
    """The schema pass: every field of the certificate typed, or CertificateError naming it."""
    keys = ("format", "version", "arrangement", "arrangement_digest", "domain", "n_regions", "n_bounded_regions", "regions")
    S.obj(cert, at, keys, ("empty_domain",))
    S.text(cert["format"], S.join(at, "format"), (FORMAT,))
    S.integer(cert["version"], S.join(at, "version"), 1, 2)
    arr_at = S.join(at, "arrangement")
    arr = S.obj(cert["arrangement"], arr_at, ("format", "version", "dim", "hyperplanes"))
    S.text(arr["format"], S.join(arr_at, "format"), ("polyrelu.arrangement",))
    S.integer(arr["version"], S.join(arr_at, "version"), 1, 2)
    dim = S.integer(arr["dim"], S.join(arr_at, "dim"), 1)
    planes = S.affine_pairs(arr["hyperplanes"], S.join(arr_at, "hyperplanes"), dim)
    for i, (a, _) in enumerate(planes):
        if all(v == 0 for v in a):
            S.fail(S.join(S.join(S.join(arr_at, "hyperplanes"), i), "a"), "a hyperplane needs a nonzero normal")
    walls: tuple[tuple[tuple[Rational, ...], Rational], ...] = ()
    if cert["domain"] is not None:
        dom_at = S.join(at, "domain")
        dom = S.obj(cert["domain"], dom_at, ("dim", "inequalities"))
        S.integer(dom["dim"], S.join(dom_at, "dim"), dim, dim + 1)
        walls = S.affine_pairs(dom["inequalities"], S.join(dom_at, "inequalities"), dim)
    read_ref = _ref_reader(len(planes), len(walls))
    reg_at = S.join(at, "regions")
    regions = tuple(_region(r, S.join(reg_at, k), dim, len(planes), read_ref) for k, r in enumerate(S.lst(cert["regions"], reg_at)))
    empty = None
    if not regions:
        if "empty_domain" not in cert:
            S.fail(at, "no regions are listed and there is no \"empty_domain\" proof that the domain is empty")
        empty = S.vector(cert["empty_domain"], S.join(at, "empty_domain"), len(walls))
    elif "empty_domain" in cert:
        S.fail(S.join(at, "empty_domain"), "an emptiness proof is given but regions are listed")
    return ArrangementCertificate(
        dim=dim,
        planes=planes,
        walls=walls,
        regions=regions,
        n_regions=S.integer(cert["n_regions"], S.join(at, "n_regions"), 0),
        n_bounded_regions=S.integer(cert["n_bounded_regions"], S.join(at, "n_bounded_regions"), 0),
        empty_domain=empty,
        digest=S.digest(arr, arr_at),
        claimed_digest=S.text(cert["arrangement_digest"], S.join(at, "arrangement_digest")),
        at=at,
    )


# --------------------------------------------------------------------------- checks
def check_digest(C: ArrangementCertificate) -> None:
    """1. The digest names the arrangement."""
    if C.digest != C.claimed_digest:
        S.fail(S.join(C.at, "arrangement_digest"), "does not match the digest of the arrangement it certifies")


def check_witnesses(C: ArrangementCertificate) -> None:
    """2. Every witness is strictly inside its region."""
    for r in C.regions:
        for ref, f in C.functions(r.signs).items():
            v = value(f, r.witness)
            if v <= 0:
                what = "is on" if v == 0 else "is on the wrong side of"
                S.fail(S.join(r.at, "witness"), f"{what} {ref[0]} {ref[1]}")


def check_distinct(C: ArrangementCertificate) -> None:
    """3. No two regions share a sign vector."""
    seen: dict[str, str] = {}
    for r in C.regions:
        if r.signs in seen:
            S.fail(r.at, f"duplicates {seen[r.signs]} (same sign vector)")
        seen[r.signs] = r.at


def _classes(C: ArrangementCertificate) -> list[int]:
    """For each hyperplane, the first hyperplane of its class of coincident hyperplanes."""
    cls = list(range(len(C.planes)))
    for i, (a, b) in enumerate(C.planes):
        for j in range(i):
            if cls[j] == j and proportional((a, -b), (C.planes[j][0], -C.planes[j][1])):
                cls[i] = j
                break
    return cls


def check_facets(C: ArrangementCertificate) -> None:
    """4. Facet points lie in the relative interior of their facets; crossing a facet
    leads to a listed region."""
    listed = {r.signs for r in C.regions}
    cls = _classes(C)
    for r in C.regions:
        fs = C.functions(r.signs)
        check_facet_points(fs, r.facets)
        for fac in r.facets:
            own = fs[fac.ref]
            on_wall = any(proportional(own, fs[("wall", w)]) for w in range(len(C.walls)))
            if fac.ref[0] == "hyperplane" and not on_wall:
                i = fac.ref[1]
                flipped = "".join(("-" if c == "+" else "+") if cls[k] == cls[i] else c for k, c in enumerate(r.signs))
                if flipped not in listed:
                    S.fail(fac.at, f"crossing hyperplane {i} leads to the region {flipped}, which is not listed (a region is missing)")


def check_facet_lists_complete(C: ArrangementCertificate) -> None:
    """5. Every function of a region is a facet, a positive multiple of one, or a Farkas
    combination of the facets plus a nonnegative constant."""
    for r in C.regions:
        check_complete(r.at, C.functions(r.signs), r.facets, r.implied, C.dim)


def check_boundedness(C: ArrangementCertificate) -> None:
    """6. A positive spanning combination of facet normals, or a recession ray."""
    for r in C.regions:
        fs = C.functions(r.signs)
        if r.bounded:
            check_listed_facets(r.at, [(m.ref, m.at) for m in r.bounded_by], fs, {f.ref for f in r.facets})
            grads = [fs[m.ref][0] for m in r.bounded_by]
            if not positively_spans(grads, [m.value for m in r.bounded_by], C.dim):
                S.fail(S.join(r.at, "bounded_by"), "the multipliers do not prove the region bounded")
        elif r.ray is None or not is_recession_ray(r.ray, (f[0] for f in fs.values())):
            S.fail(S.join(r.at, "ray"), "is not a recession ray of the region")


def check_counts(C: ArrangementCertificate) -> None:
    """7. The counts are those of the list."""
    if C.n_regions != len(C.regions):
        S.fail(S.join(C.at, "n_regions"), f"is {C.n_regions} but {len(C.regions)} regions are listed")
    n_bounded = sum(r.bounded for r in C.regions)
    if C.n_bounded_regions != n_bounded:
        S.fail(S.join(C.at, "n_bounded_regions"), f"is {C.n_bounded_regions} but {n_bounded} listed regions are bounded")


def check_empty_domain(C: ArrangementCertificate) -> None:
    """8. With no regions, a proof that the domain walls have no common point."""
    if C.regions:
        return
    lam = C.empty_domain or ()
    walls = [(tuple(-v for v in a), b) for a, b in C.walls]
    if not infeasible(walls, lam, [True] * len(walls)):
        S.fail(S.join(C.at, "empty_domain"), "the multipliers do not prove the domain empty")


CHECKS = (check_digest, check_witnesses, check_distinct, check_facets, check_facet_lists_complete, check_boundedness,
          check_counts, check_empty_domain)


def check(C: ArrangementCertificate) -> dict[str, Any]:
    """Run the numbered checks on a read certificate; return its summary."""
    for step in CHECKS:
        step(C)
    return {"kind": "arrangement", "n_regions": len(C.regions), "n_bounded_regions": sum(r.bounded for r in C.regions),
            "dim": C.dim, "hyperplanes": len(C.planes)}


def verify_arrangement_certificate(cert: Any) -> dict[str, Any]:
    """Check an arrangement certificate (see the module docstring); return its counts or
    raise :class:`~polyrelu.errors.CertificateError` naming the failing field."""
    return check(read(cert))

