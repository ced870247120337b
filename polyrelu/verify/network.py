"""The verifier of network certificates (``polyrelu.network-certificate``).

A region is named by its activation pattern.  From the network's weights alone this
module recomputes, for every region, the pre-activation z(x) of each hidden neuron as an
affine function of x (given the upstream pattern), the region's constraints s z(x) > 0
(s = +1 for active, -1 for inactive neurons; neurons constant on the region are not
constraints) plus the domain walls b_w - a_w . x > 0, and the network's affine map there.
After the schema pass (:func:`read`), the checks are, one function each:

1. *Digest*: ``network_digest`` is the digest of the network it certifies.
2. *Constant neurons*: a neuron with zero gradient on a region is active iff its
   constant is > 0 (the pattern convention: identically 0 counts as inactive).
3. *Existence*: each witness makes every constraint of its region > 0.
4. *Distinctness*: no two regions have the same pattern.
5. *Facets*: each facet point makes its own constraint zero and every constraint not
   proportional to it > 0; crossing a facet that is not on a domain wall leads to the
   pattern at y + e d (y the facet point, d the inward normal reversed, e -> 0+), which
   must be listed.
6. *Facet lists are complete*: every other constraint is a positive multiple of a facet's
   or a Farkas combination of the facets plus a nonnegative constant.
7. *Linear regions*: regions adjacent across a checked facet with equal affine maps are
   merged (union-find); their number is recomputed.
8. *Piece joins*: each join names two regions with equal maps and a point in both
   closures, strictly inside the domain walls (pieces are connected inside the domain).
9. *Piece separations*: each separation is a Motzkin proof that the two closures have no
   common point strictly inside the domain (closed rows >= 0, domain walls > 0); every
   pair of regions with equal maps in different pieces needs one.
10. *Counts*: activation regions, linear regions, pieces and affine maps equal the
    recomputed ones.
11. *Empty domain*: with no region listed, multipliers lambda >= 0, not all zero, with
    sum lambda_w (b_w - a_w . x) a constant <= 0 prove that the domain is empty.

*Completeness* of the region list follows from 3, 5 and 6 as for arrangements: a generic
segment between two points of the domain leaves each region's closure through the
relative interior of a listed facet (6) into a listed region (5).

>>> from polyrelu.nets.network import ReluNetwork
>>> net = ReluNetwork(1, [([[1]], [0]), ([[1]], [0])]).to_dict()
>>> verify_network_certificate({"format": FORMAT, "version": 1, "network": net})
Traceback (most recent call last):
...
polyrelu.errors.CertificateError: missing field "network_digest"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gmpy2 import mpq

from ..exact.rational import Rational
from ..nets.network import ReluNetwork
from . import schema as S
from .facets import Facet, Implied, check_complete, check_facet_points, one_key, read_facets, read_implied
from .inequalities import Affine, dot, infeasible, proportional, value

__all__ = ["verify_network_certificate", "read", "check", "CHECKS", "NetworkCertificate", "FORMAT"]

FORMAT = "polyrelu.network-certificate"
REF_KEYS = ("neuron", "wall")
COUNTS = ("activation_regions", "linear_regions", "pieces", "affine_maps")
_ZERO = mpq(0)

Pattern = tuple[tuple[int, ...], ...]
Ref = tuple[Any, ...]  # ("neuron", layer, index) or ("wall", w)
AffineMapValue = tuple[tuple[tuple[Rational, ...], Rational], ...]  # per output: (gradient, constant)


@dataclass(frozen=True)
class Region:
    pattern: Pattern
    witness: tuple[Rational, ...]
    facets: tuple[Facet, ...]
    implied: tuple[Implied, ...]
    at: str


@dataclass(frozen=True)
class Join:
    regions: tuple[int, int]
    point: tuple[Rational, ...]
    at: str


@dataclass(frozen=True)
class Separation:
    regions: tuple[int, int]
    multipliers: tuple[Rational, ...]
    at: str


@dataclass(frozen=True)
class NetworkCertificate:
    network: ReluNetwork
    walls: tuple[tuple[tuple[Rational, ...], Rational], ...]
    regions: tuple[Region, ...]
    counts: dict[str, int]
    joins: tuple[Join, ...]
    separations: tuple[Separation, ...]
    empty_domain: tuple[Rational, ...] | None
    digest: str
    claimed_digest: str


@dataclass(frozen=True)
class Derived:
    """What the verifier recomputes for one region from the network."""

    constraints: dict[Ref, Affine]  # > 0 on the region, in certificate order: neurons, then walls
    constant: dict[Ref, Rational]  # neurons with zero gradient: their constant value
    amap: AffineMapValue

    def rows(self) -> list[tuple[Affine, bool]]:
        """(constraint, strict): the closure's rows >= 0, with the domain walls strict."""
        return [(f, ref[0] == "wall") for ref, f in self.constraints.items()]


# --------------------------------------------------------------------------- schema
def _pattern(v: Any, at: str, widths: tuple[int, ...]) -> Pattern:
    layers = S.lst(v, at, len(widths))
    out = []
    for li, (p, w) in enumerate(zip(layers, widths)):
        pw = S.join(at, li)
        p = S.text(p, pw)
        if len(p) != w or set(p) - {"0", "1"}:
            S.fail(pw, f"expected a string of {w} '0'/'1' characters, got {S.describe(p)}")
        out.append(tuple(int(c) for c in p))
    return tuple(out)


def _pair(v: Any, at: str, n: int) -> tuple[int, int]:
    i, j = (S.integer(x, S.join(at, k), 0, n) for k, x in enumerate(S.lst(v, at, 2)))
    if i == j:
        S.fail(at, "expected two different regions")
    return (i, j)


def _ref_reader(widths: tuple[int, ...], n_walls: int):
    def read_ref(v: dict[str, Any], at: str) -> Ref:
        key = one_key(v, at, REF_KEYS)
        if key == "wall":
            return ("wall", S.integer(v["wall"], S.join(at, "wall"), 0, n_walls))
        nat = S.join(at, "neuron")
        li, j = S.lst(v["neuron"], nat, 2)
        li = S.integer(li, S.join(nat, 0), 0, len(widths))
        return ("neuron", li, S.integer(j, S.join(nat, 1), 0, widths[li]))

    return read_ref


def read(cert: Any) -> NetworkCertificate:
    """The schema pass: every field of the certificate typed, or CertificateError naming it."""
    keys = ("format", "version", "network", "network_digest", "domain", "counts", "regions", "piece_joins", "piece_separations")
    S.obj(cert, "", keys, ("empty_domain",))
    S.text(cert["format"], "format", (FORMAT,))
    S.integer(cert["version"], "version", 1, 2)
    net = S.network(cert["network"], "network")
    n, widths = net.input_dim, net.hidden_widths
    walls: tuple[tuple[tuple[Rational, ...], Rational], ...] = ()
    if cert["domain"] is not None:
        dom = S.obj(cert["domain"], "domain", ("dim", "inequalities"))
        S.integer(dom["dim"], "domain.dim", n, n + 1)
        walls = S.affine_pairs(dom["inequalities"], "domain.inequalities", n)
    read_ref = _ref_reader(widths, len(walls))
    regions = []
    for k, r in enumerate(S.lst(cert["regions"], "regions")):
        at = f"regions[{k}]"
        S.obj(r, at, ("pattern", "witness", "facets", "implied"))
        regions.append(Region(_pattern(r["pattern"], S.join(at, "pattern"), widths), S.vector(r["witness"], S.join(at, "witness"), n),
                              read_facets(r["facets"], S.join(at, "facets"), n, REF_KEYS, read_ref),
                              read_implied(r["implied"], S.join(at, "implied"), REF_KEYS, read_ref), at))
    counts = S.obj(cert["counts"], "counts", COUNTS)
    joins = []
    for t, jn in enumerate(S.lst(cert["piece_joins"], "piece_joins")):
        at = f"piece_joins[{t}]"
        S.obj(jn, at, ("regions", "point"))
        joins.append(Join(_pair(jn["regions"], S.join(at, "regions"), len(regions)), S.vector(jn["point"], S.join(at, "point"), n), at))
    seps = []
    for t, sp in enumerate(S.lst(cert["piece_separations"], "piece_separations")):
        at = f"piece_separations[{t}]"
        S.obj(sp, at, ("regions", "multipliers"))
        mult = tuple(S.rational(x, S.join(S.join(at, "multipliers"), u)) for u, x in enumerate(S.lst(sp["multipliers"], S.join(at, "multipliers"))))
        seps.append(Separation(_pair(sp["regions"], S.join(at, "regions"), len(regions)), mult, at))
    empty = None
    if not regions:
        if "empty_domain" not in cert:
            S.fail("regions", "no regions are listed and there is no \"empty_domain\" proof that the domain is empty")
        empty = S.vector(cert["empty_domain"], "empty_domain", len(walls))
    elif "empty_domain" in cert:
        S.fail("empty_domain", "an emptiness proof is given but regions are listed")
    return NetworkCertificate(
        network=net,
        walls=walls,
        regions=tuple(regions),
        counts={k: S.integer(counts[k], f"counts.{k}", 0) for k in COUNTS},
        joins=tuple(joins),
        separations=tuple(seps),
        empty_domain=empty,
        digest=S.digest(cert["network"], "network"),
        claimed_digest=S.text(cert["network_digest"], "network_digest"),
    )


# --------------------------------------------------------------------------- recomputation
def derive(net: ReluNetwork, walls: tuple[tuple[tuple[Rational, ...], Rational], ...], pattern: Pattern) -> Derived:
    """Each hidden neuron's pre-activation as an affine function of x given the upstream
    pattern, the region's constraints, and the network's affine map on the region."""
    n = net.input_dim
    M = [[mpq(1) if i == j else _ZERO for j in range(n)] for i in range(n)]  # hidden output = M x + m
    m = [_ZERO] * n
    constraints: dict[Ref, Affine] = {}
    constant: dict[Ref, Rational] = {}
    for li, (layer, bits) in enumerate(zip(net.layers[:-1], pattern)):
        newM, newm = [], []
        for j, (row, b) in enumerate(zip(layer.weights, layer.biases)):
            g = tuple(sum((w * M[k][c] for k, w in enumerate(row)), _ZERO) for c in range(n))
            const = sum((w * m[k] for k, w in enumerate(row)), _ZERO) + b
            if any(v != 0 for v in g):
                s = 1 if bits[j] else -1
                constraints[("neuron", li, j)] = (tuple(s * v for v in g), s * const)
            else:
                constant[("neuron", li, j)] = const
            newM.append(list(g) if bits[j] else [_ZERO] * n)
            newm.append(const if bits[j] else _ZERO)
        M, m = newM, newm
    for w, (a, b) in enumerate(walls):
        constraints[("wall", w)] = (tuple(-v for v in a), b)
    last = net.layers[-1]
    amap = tuple((tuple(sum((w * M[k][c] for k, w in enumerate(row)), _ZERO) for c in range(n)),
                  sum((w * m[k] for k, w in enumerate(row)), _ZERO) + b) for row, b in zip(last.weights, last.biases))
    return Derived(constraints, constant, amap)


def one_sided_pattern(net: ReluNetwork, x: tuple[Rational, ...], d: tuple[Rational, ...]) -> Pattern:
    """The activation pattern at x + e d for every small enough e > 0."""
    h, dh, pattern = list(x), list(d), []
    for layer in net.layers[:-1]:
        z = [dot(row, h) + b for row, b in zip(layer.weights, layer.biases)]
        dz = [dot(row, dh) for row in layer.weights]
        bits = tuple(1 if v > 0 or (v == 0 and dv > 0) else 0 for v, dv in zip(z, dz))
        pattern.append(bits)
        h = [v if bt else _ZERO for v, bt in zip(z, bits)]
        dh = [dv if bt else _ZERO for dv, bt in zip(dz, bits)]
    return tuple(pattern)


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)

    def n_classes(self) -> int:
        return len({self.find(i) for i in range(len(self.parent))})


# --------------------------------------------------------------------------- checks
@dataclass
class _State:
    """The certificate and what the checks have established so far."""

    C: NetworkCertificate
    derived: list[Derived]
    adjacent: list[tuple[int, int]]  # facet crossings (region, neighbour), filled by check 5
    pieces: _UnionFind  # linear regions after check 7, pieces after check 8
    n_linear: int = 0


def check_digest(st: _State) -> None:
    """1. The digest names the network."""
    if st.C.digest != st.C.claimed_digest:
        S.fail("network_digest", "does not match the digest of the network it certifies")


def check_constant_neurons(st: _State) -> None:
    """2. Neurons constant on a region are active iff their constant is > 0."""
    for r, dv in zip(st.C.regions, st.derived):
        for (_, li, j), c in dv.constant.items():
            if (c > 0) != bool(r.pattern[li][j]):
                S.fail(S.join(r.at, "pattern"), f"neuron ({li}, {j}) is constant {c} on the region but the pattern says {r.pattern[li][j]}")


def check_witnesses(st: _State) -> None:
    """3. Every witness satisfies its region's constraints strictly."""
    for r, dv in zip(st.C.regions, st.derived):
        for ref, f in dv.constraints.items():
            if value(f, r.witness) <= 0:
                S.fail(S.join(r.at, "witness"), f"does not have the claimed pattern ({ref} fails)")


def check_distinct(st: _State) -> None:
    """4. No two regions share a pattern."""
    seen: dict[Pattern, str] = {}
    for r in st.C.regions:
        if r.pattern in seen:
            S.fail(r.at, f"duplicates {seen[r.pattern]} (same pattern)")
        seen[r.pattern] = r.at


def check_facets(st: _State) -> None:
    """5. Facet points lie in the relative interior of their facets; crossing a facet
    leads to a listed pattern."""
    index = {r.pattern: k for k, r in enumerate(st.C.regions)}
    n_walls = len(st.C.walls)
    for k, (r, dv) in enumerate(zip(st.C.regions, st.derived)):
        check_facet_points(dv.constraints, r.facets)
        for fac in r.facets:
            own = dv.constraints[fac.ref]
            if fac.ref[0] == "neuron" and not any(proportional(own, dv.constraints[("wall", w)]) for w in range(n_walls)):
                nb = one_sided_pattern(st.C.network, fac.point, tuple(-v for v in own[0]))
                if nb not in index:
                    S.fail(fac.at, f"crossing the facet leads to the pattern {nb}, which is not listed (a region is missing)")
                st.adjacent.append((k, index[nb]))


def check_facet_lists_complete(st: _State) -> None:
    """6. Every constraint is a facet, a positive multiple of one, or proved implied."""
    n = st.C.network.input_dim
    for r, dv in zip(st.C.regions, st.derived):
        check_complete(r.at, dv.constraints, r.facets, r.implied, n)


def check_linear_regions(st: _State) -> None:
    """7. Linear regions: facet-adjacent regions with equal maps merged."""
    for i, j in st.adjacent:
        if st.derived[i].amap == st.derived[j].amap:
            st.pieces.union(i, j)
    st.n_linear = st.pieces.n_classes()


def check_piece_joins(st: _State) -> None:
    """8. Each join: equal maps and a point in both closures strictly inside the domain."""
    for jn in st.C.joins:
        i, j = jn.regions
        if st.derived[i].amap != st.derived[j].amap:
            S.fail(S.join(jn.at, "regions"), "the two regions have different affine maps")
        for f, strict in st.derived[i].rows() + st.derived[j].rows():
            v = value(f, jn.point)
            if v < 0:
                S.fail(S.join(jn.at, "point"), "is not in both closures")
            if strict and v == 0:
                S.fail(S.join(jn.at, "point"), "is not strictly inside the domain (pieces are connected inside it)")
        st.pieces.union(i, j)


def check_piece_separations(st: _State) -> None:
    """9. Motzkin proofs for every pair with equal maps left in different pieces."""
    separated = set()
    for sp in st.C.separations:
        i, j = sp.regions
        rows = st.derived[i].rows() + st.derived[j].rows()
        if len(sp.multipliers) != len(rows):
            S.fail(S.join(sp.at, "multipliers"), f"expected one multiplier per constraint of the two regions ({len(rows)}), "
                   f"got {len(sp.multipliers)}")
        if not infeasible([f for f, _ in rows], sp.multipliers, [s for _, s in rows]):
            S.fail(sp.at, "is not a proof that the closures are disjoint inside the domain")
        separated.add((min(i, j), max(i, j)))
    N = len(st.C.regions)
    for i in range(N):
        for j in range(i + 1, N):
            if st.derived[i].amap == st.derived[j].amap and st.pieces.find(i) != st.pieces.find(j) and (i, j) not in separated:
                S.fail("piece_separations", f"regions {i} and {j} have equal maps in different pieces but no separation proof")


def check_counts(st: _State) -> None:
    """10. The four counts."""
    got = {
        "activation_regions": len(st.C.regions),
        "linear_regions": st.n_linear,
        "pieces": st.pieces.n_classes(),
        "affine_maps": len({dv.amap for dv in st.derived}),
    }
    for k in COUNTS:
        if st.C.counts[k] != got[k]:
            S.fail(f"counts.{k}", f"is {st.C.counts[k]} but the verified count is {got[k]}")


def check_empty_domain(st: _State) -> None:
    """11. With no regions, a proof that the domain is empty."""
    if st.C.regions:
        return
    walls = [(tuple(-v for v in a), b) for a, b in st.C.walls]
    if not infeasible(walls, st.C.empty_domain or (), [True] * len(walls)):
        S.fail("empty_domain", "the multipliers do not prove the domain empty")


CHECKS = (check_digest, check_constant_neurons, check_witnesses, check_distinct, check_facets, check_facet_lists_complete,
          check_linear_regions, check_piece_joins, check_piece_separations, check_counts, check_empty_domain)


def check(C: NetworkCertificate) -> dict[str, Any]:
    """Run the numbered checks on a read certificate; return its counts."""
    st = _State(C, [derive(C.network, C.walls, r.pattern) for r in C.regions], [], _UnionFind(len(C.regions)))
    for step in CHECKS:
        step(st)
    return {"kind": "network", **C.counts}


def verify_network_certificate(cert: Any) -> dict[str, Any]:
    """Check a network certificate (see the module docstring); return its counts or raise
    :class:`~polyrelu.errors.CertificateError` naming the failing field."""
    return check(read(cert))
