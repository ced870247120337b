"""The independent verifier of polyrelu certificates.

This module shares no code with the enumeration engine: it reads the certificate,
recomputes what it needs with plain exact arithmetic, and either returns a summary or
raises :class:`~polyrelu.errors.CertificateError` saying what is wrong.

Arrangement certificates (``polyrelu.arrangement-certificate``) are checked as follows.
Each region R comes with its sign vector s, so each hyperplane i gives the affine function
f_i(x) = s_i (a_i . x - b_i) and each domain wall a_w . x < b_w gives g_w(x) = b_w - a_w . x.

1. *Existence*: the witness makes every f_i and g_w strictly positive.
2. *Distinctness*: no two regions have the same sign vector.
3. *Facets*: each listed facet point makes its own function zero, every function not
   proportional to it strictly positive (so it is a point in the relative interior of a
   facet of R); crossing a facet that is not a domain wall flips the signs of that
   hyperplane's class and must give a listed region.
4. *Facet lists are complete*: every other function is a nonnegative combination of the
   facet functions plus a nonnegative constant (Farkas), so the closure of R is cut out
   by its facets alone.
5. *Completeness* follows: from any listed region, walk along a generic segment to any
   point of the domain; each time the segment leaves a region's closure it does so through
   the relative interior of a listed facet (by 4), into a listed region (by 3).
6. *Boundedness*: positive multipliers on facet normals that span R^d and sum to zero
   (the recession cone is {0}), or a recession ray v != 0 with every gradient . v >= 0.
7. *Counts* equal the list's length and its number of bounded regions.
"""

from __future__ import annotations

from typing import Any

from gmpy2 import mpq

from ..io import formats
from ..errors import CertificateError, PolyReluError
from ..exact.linalg import rank
from ..exact.rational import as_rational

__all__ = ["verify", "verify_arrangement_certificate", "verify_network_certificate"]


def _q(v: Any, where: str):
    try:
        return as_rational(v, field=where)
    except PolyReluError as exc:
        raise CertificateError(f"{where}: {exc}") from None


def _vec(vals: Any, n: int, where: str) -> tuple:
    if not isinstance(vals, list) or len(vals) != n:
        raise CertificateError(f"{where} must be a list of {n} numbers")
    return tuple(_q(v, f"{where}[{i}]") for i, v in enumerate(vals))


def _dot(a, x):
    return sum((u * v for u, v in zip(a, x)), mpq(0))


def _proportional(f, g) -> int:
    """+1 / -1 if affine functions f, g (gradient, constant) are positive / negative
    multiples of each other, 0 otherwise."""
    fv, gv = list(f[0]) + [f[1]], list(g[0]) + [g[1]]
    i = next((k for k, v in enumerate(fv) if v != 0), None)
    if i is None or gv[i] == 0:
        return 0
    r = gv[i] / fv[i]
    if all(gv[k] == r * fv[k] for k in range(len(fv))):
        return 1 if r > 0 else -1
    return 0


def _check_facet_point(where: str, y, own, functions) -> None:
    """y is in the relative interior of the facet of ``own``: every function proportional
    to ``own`` vanishes at y, every other one is strictly positive there."""
    for name, f in functions:
        v = _dot(f[0], y) + f[1]
        if _proportional(own, f):
            if v != 0:
                raise CertificateError(f"{where}: the facet point is not on the facet ({name})")
        elif v <= 0:
            raise CertificateError(f"{where}: the facet point is not strictly inside the other constraints ({name})")


def _check_implied(imp: dict, where: str, key, functions: dict, facet_keys, ref_of, dim: int) -> None:
    """One Farkas proof: functions[key] = sum_k lambda_k functions[facet_k] + slack, with
    lambda >= 0 on listed facets and slack >= 0 (as affine functions)."""
    tg, tc = [mpq(0)] * dim, mpq(0)
    for u, mlt in enumerate(imp.get("multipliers", [])):
        mkey = ref_of(mlt, f"{where}.multipliers[{u}]")
        if mkey not in facet_keys:
            raise CertificateError(f"{where}.multipliers[{u}] refers to {mkey}, which is not a listed facet")
        lam = _q(mlt.get("value"), f"{where}.multipliers[{u}].value")
        if lam < 0:
            raise CertificateError(f"{where}.multipliers[{u}] is negative")
        g, c = functions[mkey]
        tg = [a + lam * b for a, b in zip(tg, g)]
        tc += lam * c
    slack = _q(imp.get("slack"), f"{where}.slack")
    if slack < 0 or tuple(tg) != functions[key][0] or tc + slack != functions[key][1]:
        raise CertificateError(f"{where}: the Farkas combination does not reproduce {key}")


def verify(cert: Any) -> dict[str, Any]:
    """Check any polyrelu certificate; return a summary or raise CertificateError."""
    if not isinstance(cert, dict):
        raise CertificateError("a certificate must be a JSON object")
    fmt = cert.get("format")
    if fmt == "polyrelu.arrangement-certificate":
        return verify_arrangement_certificate(cert)
    if fmt == "polyrelu.network-certificate":
        return verify_network_certificate(cert)
    if fmt == "polyrelu.training-certificate":
        from .training import verify_training_certificate

        return verify_training_certificate(cert)
    raise CertificateError(
        f"unknown certificate format {fmt!r}; this polyrelu verifies polyrelu.arrangement-certificate, "
        "polyrelu.network-certificate and polyrelu.training-certificate"
    )


def verify_arrangement_certificate(cert: dict[str, Any]) -> dict[str, Any]:
    """Check an arrangement certificate (see the module docstring); return counts."""
    if cert.get("version") != 1:
        raise CertificateError(f"certificate version {cert.get('version')!r} is not supported (expected 1)")
    arr = cert.get("arrangement")
    if not isinstance(arr, dict) or arr.get("format") != "polyrelu.arrangement":
        raise CertificateError("field \"arrangement\" must hold a polyrelu.geometry.arrangement object")
    if formats.digest(arr) != cert.get("arrangement_digest"):
        raise CertificateError("arrangement_digest does not match the arrangement it certifies")
    d = arr.get("dim")
    if isinstance(d, bool) or not isinstance(d, int) or d < 1:
        raise CertificateError(f"arrangement dim {d!r} is not a positive integer")
    planes = []
    for i, h in enumerate(arr.get("hyperplanes", [])):
        a = _vec(h.get("a"), d, f"hyperplanes[{i}].a")
        if all(v == 0 for v in a):
            raise CertificateError(f"hyperplanes[{i}] has a zero normal")
        planes.append((a, _q(h.get("b"), f"hyperplanes[{i}].b")))
    N = len(planes)
    dom = cert.get("domain")
    walls = []
    if dom is not None:
        if not isinstance(dom, dict) or dom.get("dim") != d:
            raise CertificateError("domain must be null or {\"dim\": d, \"inequalities\": [...]}")
        for w, ineq in enumerate(dom.get("inequalities", [])):
            walls.append((_vec(ineq.get("a"), d, f"domain.inequalities[{w}].a"), _q(ineq.get("b"), f"domain.inequalities[{w}].b")))
    # classes of coincident hyperplanes, recomputed here
    cls = list(range(N))
    for i in range(N):
        for j in range(i):
            if cls[j] == j and _proportional((planes[i][0], -planes[i][1]), (planes[j][0], -planes[j][1])):
                cls[i] = j
                break
    regions = cert.get("regions")
    if not isinstance(regions, list):
        raise CertificateError("field \"regions\" must be a list")
    if cert.get("n_regions") != len(regions):
        raise CertificateError(f"n_regions is {cert.get('n_regions')!r} but {len(regions)} regions are listed")
    n_bounded = sum(1 for r in regions if isinstance(r, dict) and r.get("bounded") is True)
    if cert.get("n_bounded_regions") != n_bounded:
        raise CertificateError(f"n_bounded_regions is {cert.get('n_bounded_regions')!r} but {n_bounded} listed regions are bounded")

    listed: dict[str, int] = {}
    for k, r in enumerate(regions):
        s = r.get("signs") if isinstance(r, dict) else None
        if not isinstance(s, str) or len(s) != N or set(s) - {"+", "-"}:
            raise CertificateError(f"regions[{k}].signs must be a string of {N} '+'/'-' characters")
        if s in listed:
            raise CertificateError(f"regions[{k}] duplicates regions[{listed[s]}] (same sign vector)")
        listed[s] = k

    def functions(signs: str):
        out = []
        for i, (a, b) in enumerate(planes):
            sg = 1 if signs[i] == "+" else -1
            out.append(((tuple(sg * v for v in a), -sg * b), ("hyperplane", i)))
        for w, (a, b) in enumerate(walls):
            out.append(((tuple(-v for v in a), b), ("wall", w)))
        return out

    def ref_of(obj: dict, where: str):
        if "hyperplane" in obj and isinstance(obj["hyperplane"], int) and 0 <= obj["hyperplane"] < N:
            return ("hyperplane", obj["hyperplane"])
        if "wall" in obj and isinstance(obj["wall"], int) and 0 <= obj["wall"] < len(walls):
            return ("wall", obj["wall"])
        raise CertificateError(f"{where} must name an existing \"hyperplane\" or domain \"wall\"")

    for k, r in enumerate(regions):
        where = f"regions[{k}]"
        s = r["signs"]
        fs = functions(s)
        by_ref = {ref: f for f, ref in fs}
        w = _vec(r.get("witness"), d, f"{where}.witness")
        for f, ref in fs:
            v = _dot(f[0], w) + f[1]
            if v <= 0:
                what = "is on" if v == 0 else "is on the wrong side of"
                raise CertificateError(f"{where}: the witness {what} {ref[0]} {ref[1]} (claimed sign {s[ref[1]] if ref[0] == 'hyperplane' else 'inside'})")
        facet_refs = []
        for t, fac in enumerate(r.get("facets", [])):
            fw = f"{where}.facets[{t}]"
            ref = ref_of(fac, fw)
            y = _vec(fac.get("point"), d, f"{fw}.point")
            own = by_ref[ref]
            _check_facet_point(fw, y, own, ((other, f) for f, other in fs))
            if ref[0] == "hyperplane" and not any(_proportional(own, by_ref[("wall", x)]) for x in range(len(walls))):
                flipped = "".join(
                    ("-" if c == "+" else "+") if cls[i] == cls[ref[1]] else c for i, c in enumerate(s)
                )
                if flipped not in listed:
                    raise CertificateError(
                        f"{fw}: crossing hyperplane {ref[1]} leads to the region {flipped}, which is not listed "
                        "(a region is missing)"
                    )
            facet_refs.append(ref)
        covered = set(facet_refs)
        for t, imp in enumerate(r.get("implied", [])):
            iw = f"{where}.implied[{t}]"
            ref = ref_of(imp, iw)
            _check_implied(imp, iw, ref, by_ref, facet_refs, ref_of, d)
            covered.add(ref)
        for f, ref in fs:
            if ref not in covered and not any(_proportional(by_ref[c], f) == 1 for c in covered):
                raise CertificateError(f"{where}: {ref[0]} {ref[1]} is neither a facet nor proved implied by the facets")
        if r.get("bounded") is True:
            mus = r.get("bounded_by")
            if not isinstance(mus, list) or not mus:
                raise CertificateError(f"{where}: bounded but no \"bounded_by\" multipliers")
            total = [mpq(0)] * d
            grads = []
            for u, m in enumerate(mus):
                mref = ref_of(m, f"{where}.bounded_by[{u}]")
                if mref not in facet_refs:
                    raise CertificateError(f"{where}.bounded_by[{u}] is not a listed facet")
                mu = _q(m.get("value"), f"{where}.bounded_by[{u}].value")
                if mu <= 0:
                    raise CertificateError(f"{where}.bounded_by[{u}] must be positive")
                g = by_ref[mref][0]
                grads.append(g)
                total = [x + mu * y for x, y in zip(total, g)]
            if any(v != 0 for v in total) or rank(grads) < d:
                raise CertificateError(f"{where}: the boundedness multipliers do not prove the region bounded")
        elif r.get("bounded") is False:
            ray = _vec(r.get("ray"), d, f"{where}.ray")
            if all(v == 0 for v in ray) or any(_dot(f[0], ray) < 0 for f, _ in fs):
                raise CertificateError(f"{where}: the recession ray does not prove the region unbounded")
        else:
            raise CertificateError(f"{where}.bounded must be true or false")
    if not regions:
        lam = cert.get("empty_domain")
        if not isinstance(lam, list) or len(lam) != len(walls) or not walls:
            raise CertificateError("no regions are listed but there is no proof that the domain is empty")
        lam = [_q(v, "empty_domain") for v in lam]
        if any(v < 0 for v in lam) or all(v == 0 for v in lam):
            raise CertificateError("empty_domain multipliers must be nonnegative and not all zero")
        gsum = [sum((l * -a[j] for l, (a, _) in zip(lam, walls)), mpq(0)) for j in range(d)]
        csum = sum((l * b for l, (_, b) in zip(lam, walls)), mpq(0))
        if any(v != 0 for v in gsum) or csum > 0:
            raise CertificateError("empty_domain multipliers do not prove the domain empty")
    return {"kind": "arrangement", "n_regions": len(regions), "n_bounded_regions": n_bounded, "dim": d, "hyperplanes": N}


# --------------------------------------------------------------------------- networks
def _layer_functions(net, pattern):
    """Per hidden neuron (layer, index): the affine function z(x) = (gradient, constant)
    given the upstream pattern, and the final affine map.  Recomputed here from the
    network's weights (no enumeration code)."""
    n = net.input_dim
    M = [[mpq(1) if i == j else mpq(0) for j in range(n)] for i in range(n)]
    m = [mpq(0)] * n
    funcs = {}
    for li, (layer, bits) in enumerate(zip(net.layers[:-1], pattern)):
        newM, newm = [], []
        for j, (row, b) in enumerate(zip(layer.weights, layer.biases)):
            g = tuple(sum((w * M[k][c] for k, w in enumerate(row)), mpq(0)) for c in range(n))
            const = sum((w * m[k] for k, w in enumerate(row)), mpq(0)) + b
            funcs[(li, j)] = (g, const)
            newM.append(list(g) if bits[j] else [mpq(0)] * n)
            newm.append(const if bits[j] else mpq(0))
        M, m = newM, newm
    last = net.layers[-1]
    out = tuple(
        (tuple(sum((w * M[k][c] for k, w in enumerate(row)), mpq(0)) for c in range(n)), sum((w * m[k] for k, w in enumerate(row)), mpq(0)) + b)
        for row, b in zip(last.weights, last.biases)
    )
    return funcs, out


def _one_sided(net, x, d):
    h, dh, pattern = list(x), list(d), []
    for layer in net.layers[:-1]:
        z = [_dot(row, h) + b for row, b in zip(layer.weights, layer.biases)]
        dz = [_dot(row, dh) for row in layer.weights]
        bits = tuple(1 if v > 0 or (v == 0 and dv > 0) else 0 for v, dv in zip(z, dz))
        pattern.append(bits)
        h = [v if bt else mpq(0) for v, bt in zip(z, bits)]
        dh = [dv if bt else mpq(0) for dv, bt in zip(dz, bits)]
    return tuple(pattern)


def _union_find(n):
    parent = list(range(n))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a, b):
        parent[find(a)] = find(b)

    return find, union


def verify_network_certificate(cert: dict[str, Any]) -> dict[str, Any]:
    """Check a network-regions certificate; return its counts.

    Each region is identified by its activation pattern; its constraints (s * z > 0 for
    every neuron not identically zero there), its affine map and the patterns across its
    facets are recomputed from the network.  Completeness follows as for arrangements
    (facet lists proved complete by Farkas, every facet crossing leads to a listed region).
    Linear regions are recomputed from the facet adjacencies; pieces from the listed joins
    (a point in both closures, equal maps) and separations (Farkas infeasibility)."""
    from ..nets.network import ReluNetwork

    if cert.get("version") != 1:
        raise CertificateError(f"certificate version {cert.get('version')!r} is not supported (expected 1)")
    net_obj = cert.get("network")
    if formats.digest(net_obj) != cert.get("network_digest"):
        raise CertificateError("network_digest does not match the network it certifies")
    try:
        net = ReluNetwork.from_dict(net_obj, source="certificate.network")
    except PolyReluError as exc:
        raise CertificateError(str(exc)) from None
    n = net.input_dim
    walls = []
    dom = cert.get("domain")
    if dom is not None:
        for w, ineq in enumerate(dom.get("inequalities", [])):
            walls.append((_vec(ineq.get("a"), n, f"domain.inequalities[{w}].a"), _q(ineq.get("b"), f"domain.inequalities[{w}].b")))
    regions = cert.get("regions")
    if not isinstance(regions, list) or not regions:
        raise CertificateError("field \"regions\" must be a nonempty list")
    widths = net.hidden_widths
    patterns = []
    for k, r in enumerate(regions):
        pat = r.get("pattern") if isinstance(r, dict) else None
        if not isinstance(pat, list) or [len(p) if isinstance(p, str) else -1 for p in pat] != list(widths) or any(set(p) - {"0", "1"} for p in pat):
            raise CertificateError(f"regions[{k}].pattern must be one 0/1 string per hidden layer with widths {list(widths)}")
        patterns.append(tuple(tuple(int(c) for c in p) for p in pat))
    index = {}
    for k, p in enumerate(patterns):
        if p in index:
            raise CertificateError(f"regions[{k}] duplicates regions[{index[p]}] (same pattern)")
        index[p] = k
    maps, cons_of, adjacent = [], [], []
    for k, (r, pat) in enumerate(zip(regions, patterns)):
        where = f"regions[{k}]"
        funcs, amap = _layer_functions(net, pat)
        maps.append(amap)
        cons = {}
        for (li, j), (g, c) in funcs.items():
            if all(v == 0 for v in g):
                if (c > 0) != bool(pat[li][j]):
                    raise CertificateError(f"{where}: neuron ({li}, {j}) is constant {c} but the pattern says {pat[li][j]}")
                continue
            s = 1 if pat[li][j] else -1
            cons[("neuron", li, j)] = (tuple(s * v for v in g), s * c)
        for w, (a, b) in enumerate(walls):
            cons[("wall", w)] = (tuple(-v for v in a), b)
        cons_of.append([(f, key[0] == "wall") for key, f in cons.items()])  # (function, strict)
        x = _vec(r.get("witness"), n, f"{where}.witness")
        for key, (g, c) in cons.items():
            if _dot(g, x) + c <= 0:
                raise CertificateError(f"{where}: the witness does not have the claimed pattern ({key[0]} {key[1:]} fails)")

        def ref(obj, at):
            if isinstance(obj, dict) and isinstance(obj.get("neuron"), list) and len(obj["neuron"]) == 2:
                key = ("neuron", *obj["neuron"])
            elif isinstance(obj, dict) and isinstance(obj.get("wall"), int):
                key = ("wall", obj["wall"])
            else:
                raise CertificateError(f"{at} must name a \"neuron\" [layer, index] or a domain \"wall\"")
            if key not in cons:
                raise CertificateError(f"{at} refers to {key}, which is not a constraint of this region")
            return key

        facet_keys = []
        for t, fac in enumerate(r.get("facets", [])):
            fw = f"{where}.facets[{t}]"
            key = ref(fac, fw)
            y = _vec(fac.get("point"), n, f"{fw}.point")
            own = cons[key]
            _check_facet_point(fw, y, own, cons.items())
            if key[0] == "neuron" and not any(_proportional(own, cons[("wall", w)]) for w in range(len(walls))):
                nb = _one_sided(net, y, tuple(-v for v in own[0]))
                if nb not in index:
                    raise CertificateError(f"{fw}: crossing the facet leads to the pattern {nb}, which is not listed (a region is missing)")
                adjacent.append((k, index[nb]))
            facet_keys.append(key)
        covered = set(facet_keys)
        for t, imp in enumerate(r.get("implied", [])):
            iw = f"{where}.implied[{t}]"
            key = ref(imp, iw)
            _check_implied(imp, iw, key, cons, facet_keys, ref, n)
            covered.add(key)
        missing = [key for key in cons if key not in covered]
        if missing:
            raise CertificateError(f"{where}: {missing[0]} is neither a facet nor proved implied by the facets")
    # counts
    N = len(regions)
    find, union = _union_find(N)
    for i, j in adjacent:
        if maps[i] == maps[j]:
            union(i, j)
    n_linear = len({find(i) for i in range(N)})
    for t, jn in enumerate(cert.get("piece_joins", [])):
        i, j = jn.get("regions", [None, None])
        if not (isinstance(i, int) and isinstance(j, int) and 0 <= i < N and 0 <= j < N) or maps[i] != maps[j]:
            raise CertificateError(f"piece_joins[{t}] must join two listed regions with equal affine maps")
        y = _vec(jn.get("point"), n, f"piece_joins[{t}].point")
        if any(_dot(g, y) + c < 0 for (g, c), _ in cons_of[i] + cons_of[j]):
            raise CertificateError(f"piece_joins[{t}]: the point is not in both closures")
        if any(_dot(g, y) + c <= 0 for (g, c), strict in cons_of[i] + cons_of[j] if strict):
            raise CertificateError(f"piece_joins[{t}]: the point is not strictly inside the domain (pieces are connected inside it)")
        union(i, j)
    separated = set()
    for t, sp in enumerate(cert.get("piece_separations", [])):
        i, j = sp.get("regions", [None, None])
        if not (isinstance(i, int) and isinstance(j, int) and 0 <= i < N and 0 <= j < N):
            raise CertificateError(f"piece_separations[{t}] must name two listed regions")
        both = cons_of[i] + cons_of[j]
        lam = sp.get("multipliers")
        if not isinstance(lam, list) or len(lam) != len(both):
            raise CertificateError(f"piece_separations[{t}] needs one multiplier per constraint of the two regions")
        lam = [_q(v, f"piece_separations[{t}]") for v in lam]
        g = [sum((l * f[0][c] for l, (f, _) in zip(lam, both)), mpq(0)) for c in range(n)]
        const = sum((l * f[1] for l, (f, _) in zip(lam, both)), mpq(0))
        # Motzkin: closed rows >= 0 and strict domain walls > 0 have no common point iff
        # such lambda exist with const < 0, or const <= 0 and a positive multiplier on a wall
        on_wall = any(l > 0 for l, (_, strict) in zip(lam, both) if strict)
        if any(v < 0 for v in lam) or any(v != 0 for v in g) or const > 0 or (const == 0 and not on_wall):
            raise CertificateError(f"piece_separations[{t}]: not a proof that the closures are disjoint inside the domain")
        separated.add((min(i, j), max(i, j)))
    for i in range(N):
        for j in range(i + 1, N):
            if maps[i] == maps[j] and find(i) != find(j) and (i, j) not in separated:
                raise CertificateError(f"regions {i} and {j} have equal maps in different pieces but no separation proof")
    counts = {
        "activation_regions": N,
        "linear_regions": n_linear,
        "pieces": len({find(i) for i in range(N)}),
        "affine_maps": len(set(maps)),
    }
    if cert.get("counts") != counts:
        raise CertificateError(f"the counts {cert.get('counts')} differ from the verified counts {counts}")
    return {"kind": "network", **counts}
