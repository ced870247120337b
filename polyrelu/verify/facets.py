"""What arrangement and network certificates share: a region given by its facets, a
point in the relative interior of each, and Farkas proofs that the other constraints are
implied by the facets.

A region is the set where its affine functions (keyed by a *ref* such as
``("hyperplane", 3)``, ``("neuron", 0, 2)`` or ``("wall", 1)``) are all > 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from ..exact.rational import Rational
from . import schema as S
from .inequalities import Affine, combination, proportional, value

__all__ = ["Ref", "Facet", "Implied", "Multiplier", "read_facets", "read_implied", "read_multipliers",
           "check_facet_points", "check_complete", "check_listed_facets"]

Ref = tuple[Any, ...]  # ("hyperplane", i), ("neuron", layer, index) or ("wall", w)
RefReader = Callable[[dict[str, Any], str], Ref]  # (object, path) -> ref; fails with the path


@dataclass(frozen=True)
class Multiplier:
    ref: Ref
    value: Rational
    at: str


@dataclass(frozen=True)
class Facet:
    ref: Ref
    point: tuple[Rational, ...]
    at: str


@dataclass(frozen=True)
class Implied:
    ref: Ref
    multipliers: tuple[Multiplier, ...]
    slack: Rational
    at: str


# --------------------------------------------------------------------------- schema
def _keys(v: Any, ref_keys: Sequence[str]) -> tuple[str, ...]:
    return tuple(k for k in ref_keys if isinstance(v, dict) and k in v)


def read_multipliers(v: Any, at: str, ref_keys: Sequence[str], read_ref: RefReader) -> tuple[Multiplier, ...]:
    """``[{<ref>, "value": "p/q"}, ...]``."""
    out = []
    for u, m in enumerate(S.lst(v, at)):
        mw = S.join(at, u)
        S.obj(m, mw, ("value",) + _keys(m, ref_keys))
        out.append(Multiplier(read_ref(m, mw), S.rational(m["value"], S.join(mw, "value")), mw))
    return tuple(out)


def read_facets(v: Any, at: str, dim: int, ref_keys: Sequence[str], read_ref: RefReader) -> tuple[Facet, ...]:
    """``[{<ref>, "point": [...]}, ...]``."""
    out = []
    for t, f in enumerate(S.lst(v, at)):
        fw = S.join(at, t)
        S.obj(f, fw, ("point",) + _keys(f, ref_keys))
        out.append(Facet(read_ref(f, fw), S.vector(f["point"], S.join(fw, "point"), dim), fw))
    return tuple(out)


def read_implied(v: Any, at: str, ref_keys: Sequence[str], read_ref: RefReader) -> tuple[Implied, ...]:
    """``[{<ref>, "multipliers": [...], "slack": "p/q"}, ...]``."""
    out = []
    for t, f in enumerate(S.lst(v, at)):
        iw = S.join(at, t)
        S.obj(f, iw, ("multipliers", "slack") + _keys(f, ref_keys))
        out.append(Implied(read_ref(f, iw), read_multipliers(f["multipliers"], S.join(iw, "multipliers"), ref_keys, read_ref),
                           S.rational(f["slack"], S.join(iw, "slack")), iw))
    return tuple(out)


def one_key(v: dict[str, Any], at: str, ref_keys: Sequence[str]) -> str:
    """The single ref key present in ``v``."""
    present = _keys(v, ref_keys)
    if len(present) != 1:
        S.fail(at, f"expected exactly one of {', '.join(repr(k) for k in ref_keys)}")
    return present[0]


# --------------------------------------------------------------------------- checks
def check_listed_facets(at: str, refs: Sequence[tuple[Ref, str]], functions: Mapping[Ref, Affine], facets: set[Ref]) -> None:
    """Every ref is a listed facet of the region, none twice."""
    used: set[Ref] = set()
    for ref, where in refs:
        if ref not in functions or ref not in facets:
            S.fail(where, f"refers to {ref}, which is not a listed facet of the region")
        if ref in used:
            S.fail(where, f"repeats {ref}")
        used.add(ref)


def check_facet_points(functions: Mapping[Ref, Affine], facets: Sequence[Facet]) -> None:
    """Each facet is a constraint of the region, listed once, and its point makes its
    function (and every function proportional to it) zero and every other one > 0."""
    seen: set[Ref] = set()
    for fac in facets:
        if fac.ref not in functions:
            S.fail(fac.at, f"refers to {fac.ref}, which is not a constraint of this region")
        if fac.ref in seen:
            S.fail(fac.at, f"repeats the facet {fac.ref}")
        seen.add(fac.ref)
        own = functions[fac.ref]
        for ref, f in functions.items():
            v = value(f, fac.point)
            if proportional(own, f):
                if v != 0:
                    S.fail(S.join(fac.at, "point"), f"is not on the facet ({ref} is {v} there)")
            elif v <= 0:
                S.fail(S.join(fac.at, "point"), f"is not strictly inside the other constraints ({ref} is {v} there)")


def check_complete(at: str, functions: Mapping[Ref, Affine], facets: Sequence[Facet], implied: Sequence[Implied], dim: int) -> None:
    """Every function of the region is a facet, a positive multiple of a facet's function,
    or proved implied: f = sum lambda_k facet_k + slack with lambda, slack >= 0."""
    facet_refs = {f.ref for f in facets}
    covered = set(facet_refs)
    for imp in implied:
        if imp.ref not in functions:
            S.fail(imp.at, f"refers to {imp.ref}, which is not a constraint of this region")
        if imp.ref in covered:
            S.fail(imp.at, f"{imp.ref} is already a facet or proved implied")
        check_listed_facets(imp.at, [(m.ref, m.at) for m in imp.multipliers], functions, facet_refs)
        for m in imp.multipliers:
            if m.value < 0:
                S.fail(S.join(m.at, "value"), "a Farkas multiplier must be >= 0")
        if imp.slack < 0:
            S.fail(S.join(imp.at, "slack"), "the slack must be >= 0")
        if combination(((functions[m.ref], m.value) for m in imp.multipliers), dim, imp.slack) != functions[imp.ref]:
            S.fail(imp.at, f"the Farkas combination does not reproduce {imp.ref}")
        covered.add(imp.ref)
    for ref, f in functions.items():
        if ref not in covered and not any(proportional(functions[c], f) == 1 for c in covered):
            S.fail(at, f"{ref} is neither a facet nor proved implied by the facets")
