"""The intersection lattice of an arrangement and its characteristic polynomial.

This is the *second, independent* route to region counts (Zaslavsky's theorem):
regions = |chi(-1)| and, for an essential arrangement, bounded regions = |chi(1)|.
It shares no code with the enumeration engine: flats are built rank by rank with exact
RREF over Q, identified canonically by the RREF of their equations, and the Möbius
function is summed over each flat's ancestors, chi(t) = sum_X mu(X) t^dim(X).

Cost grows with the number of flats (about C(N, d) for N generic hyperplanes in R^d), so
this route is for checking, not for large arrangements.
"""

from __future__ import annotations

from typing import Any, Sequence

from gmpy2 import mpq

from ..exact.linalg import in_row_space, rref
from ..exact.rational import Rational, as_rational

__all__ = ["flats", "characteristic_polynomial", "evaluate_polynomial"]


def flats(rows: Sequence[Sequence[Rational]], dim: int) -> list[dict]:
    """Every nonempty flat (intersection of hyperplanes), rank by rank.

    ``rows`` are ``[a_1..a_d, b]`` for hyperplanes a . x = b, one per *geometric*
    hyperplane (coincident ones merged by the caller).  Each flat is a dict with
    ``rank``, ``members`` (frozenset of row indices containing it), ``parents`` (flats one
    rank up, i.e. containing it) and ``mu``.
    """
    rows = [tuple(as_rational(v) for v in r) for r in rows]
    top: dict[str, Any] = {"rank": 0, "members": frozenset(), "parents": (), "mu": 1, "key": ()}
    levels: list[list[dict[str, Any]]] = [[top]]
    for k in range(1, dim + 1):
        new_level: dict = {}
        for X in levels[-1]:
            eqs = [rows[i] for i in sorted(X["members"])]
            if X["rank"]:
                basis = rref(eqs)[0]
                normal_basis, normal_piv = rref([r[:dim] for r in eqs])
            else:
                basis, normal_basis, normal_piv = (), (), ()
            for j, r in enumerate(rows):
                if j in X["members"] or in_row_space(r[:dim], normal_basis, normal_piv):
                    continue  # contains X, or parallel to it
                key_basis, key_piv = rref(list(basis) + [r])
                key = (key_basis, key_piv)
                Y = new_level.get(key)
                if Y is None:
                    members = frozenset(i for i, s in enumerate(rows) if in_row_space(s, key_basis, key_piv))
                    Y = {"rank": k, "members": members, "parents": [], "mu": None, "key": key}
                    new_level[key] = Y
                if X not in Y["parents"]:
                    Y["parents"].append(X)
        if not new_level:
            break
        levels.append(list(new_level.values()))
    for level in levels[1:]:
        for Y in level:
            ancestors: dict[int, dict] = {}
            stack = list(Y["parents"])
            while stack:
                Z = stack.pop()
                if id(Z) in ancestors:
                    continue
                ancestors[id(Z)] = Z
                stack.extend(Z["parents"])
            Y["mu"] = -sum(Z["mu"] for Z in ancestors.values())
    out = []
    for level in levels:
        for X in level:
            out.append({"rank": X["rank"], "members": X["members"], "parents": X["parents"], "mu": X["mu"]})
    return out


def characteristic_polynomial(rows: Sequence[Sequence[Rational]], dim: int) -> list[int]:
    """Coefficients ``c`` with chi(t) = sum_i c[i] t^i (length dim + 1)."""
    coeffs = [0] * (dim + 1)
    for X in flats(rows, dim):
        coeffs[dim - X["rank"]] += X["mu"]
    return coeffs


def evaluate_polynomial(coeffs: Sequence[int], t: int) -> int:
    return sum(c * t**i for i, c in enumerate(coeffs))
