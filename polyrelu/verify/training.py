"""The verifier of training certificates (``polyrelu.training-certificate``).

It rebuilds every subproblem from the data and the definitions, sharing nothing with the
trainer but :func:`polyrelu.training.sign_bound` (a short pure function, tested against
the exact subproblem optima).  What it checks:

1. *The cells are complete*: the embedded arrangement certificate passes the arrangement
   verifier and its hyperplanes are exactly {(a, b) : a . x_j + b = 0}, j = 1..D, in order.
   Closed full-dimensional cells cover parameter space, so every neuron lies in the
   closure of a listed cell; on the closure the neuron's output on x_j is a . x_j + b if
   the cell has x_j on its + side and 0 otherwise.
2. *The claimed optimum is attained*: the network has one hidden layer of at most w
   neurons (output bias 0 unless allowed), and its exact empirical risk equals it.
3. *Nothing is lower*: every multiset of w (cell, sign) pairs without the all-inactive cell
   has a lower bound >= D * optimum on its sum of losses: either a listed dual solution
   (u, mu), checked as follows, or the sign bound.  For neuron i with cell sides
   sigma_ij and sign s_i, and xt_j = (x_j, 1): for every coordinate k,
   s_i sum_{j: sigma_ij = +} u_j xt_jk + sum_j mu_ij sigma_ij xt_jk = 0, mu >= 0, and
   sum_j u_j = 0 with output bias.  Then u . P theta = -sum mu_ij sigma_ij xt_j . theta_i
   <= 0 on the closed cells, and for every parameter the loss sum is at least
   u . y (absolute, |u_j| <= 1), sum_j u_j y_j (hinge, 0 <= u_j y_j <= 1) or
   2 u . y - u . u (squared; from (y_j - p_j)^2 >= 2 u_j (y_j - p_j) - u_j^2).
   Multisets with the all-inactive cell are covered by the others: that neuron adds 0,
   and parameter 0 lies in every closed cell, so it can be replaced by any other pair.
4. *Shared duals* (optional key ``duals``, :func:`_shared_duals`): one dual u with
   multipliers mu for each of several pairs, checked exactly as in 3.  Since the dual
   equation of a neuron involves only u and that neuron's pair, the argument of 3 bounds
   every multiset all of whose pairs the entry lists (repeats included), not just one.
"""

from __future__ import annotations

import itertools
from typing import Any

from gmpy2 import mpq

from ..errors import CertificateError, PolyReluError
from ..exact.rational import as_rational, to_str

__all__ = ["verify_training_certificate"]

_LOSSES = ("squared", "absolute", "hinge")


def _q(v: Any, where: str):
    if not isinstance(v, (str, int)) or isinstance(v, bool):
        raise CertificateError(f"{where}: expected a rational as a string \"p/q\", got {v!r}")
    try:
        return as_rational(v, field=where)
    except PolyReluError as exc:
        raise CertificateError(str(exc)) from None


def _vec(v: Any, n: int, where: str) -> tuple:
    if not isinstance(v, list) or len(v) != n:
        raise CertificateError(f"{where}: expected a list of {n} rationals")
    return tuple(_q(x, f"{where}[{i}]") for i, x in enumerate(v))


def _loss(loss: str, p, y):
    if loss == "squared":
        return (p - y) ** 2
    if loss == "absolute":
        return abs(p - y)
    return max(mpq(0), 1 - y * p)


def _shared_duals(entries: Any, loss: str, X: list, y: tuple, bias: bool, cells: list, dead: str, target) -> dict:
    """Check the ``duals`` entries; return {(cell, sign): bitmask of the entries listing it}.

    Entry e is {"u": [D rationals], "pairs": [{"cell", "sign", "mu": [D rationals]}]}.
    Checked exactly: u's box (|u_j| <= 1 absolute, 0 <= u_j y_j <= 1 hinge), sum u = 0
    with output bias, b(u) >= target, and per pair mu >= 0 with
    s sum_{j: cell_j = +} u_j xt_jk + sum_j mu_j sigma_j xt_jk = 0 for every coordinate k.
    Self-contained: it shares no code with the trainer.
    """
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise CertificateError("duals must be a list")
    D, k_dim = len(X), len(X[0]) + 1
    xt = [tuple(x) + (mpq(1),) for x in X]
    cover: dict = {}
    for e, entry in enumerate(entries):
        where = f"duals[{e}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("pairs"), list):
            raise CertificateError(f"{where}: expected {{\"u\": [...], \"pairs\": [...]}}")
        u = _vec(entry.get("u"), D, f"{where}.u")
        if loss == "absolute" and any(abs(v) > 1 for v in u):
            raise CertificateError(f"{where}: absolute loss needs |u_j| <= 1")
        if loss == "hinge" and any(not 0 <= a * b <= 1 for a, b in zip(u, y)):
            raise CertificateError(f"{where}: hinge loss needs 0 <= u_j y_j <= 1")
        if bias and sum(u, mpq(0)) != 0:
            raise CertificateError(f"{where}: with output bias the entries of u must sum to 0")
        yu = sum((a * b for a, b in zip(u, y)), mpq(0))
        bound = 2 * yu - sum((a * a for a in u), mpq(0)) if loss == "squared" else yu
        if bound < target:
            raise CertificateError(f"{where}: its dual bound {bound / D} is below the claimed optimum {target / D}")
        for i, nd in enumerate(entry["pairs"]):
            cell, s = (nd.get("cell"), nd.get("sign")) if isinstance(nd, dict) else (None, None)
            if cell not in cells or cell == dead or s not in (1, -1) or isinstance(s, bool):
                raise CertificateError(f"{where}.pairs[{i}]: not a (cell, sign) pair of the arrangement")
            mu = _vec(nd.get("mu"), D, f"{where}.pairs[{i}].mu")
            if any(v < 0 for v in mu):
                raise CertificateError(f"{where}.pairs[{i}].mu has a negative entry")
            for k in range(k_dim):
                tot = sum((s * u[j] * xt[j][k] for j in range(D) if cell[j] == "+"), mpq(0))
                tot += sum((mu[j] * (1 if cell[j] == "+" else -1) * xt[j][k] for j in range(D)), mpq(0))
                if tot != 0:
                    raise CertificateError(f"{where}.pairs[{i}]: the dual equation for coordinate {k} fails")
            cover[(cell, s)] = cover.get((cell, s), 0) | (1 << e)
    return cover


def verify_training_certificate(cert: dict[str, Any]) -> dict[str, Any]:
    """Check a training certificate (see the module docstring); return a summary."""
    from .certificates import verify_arrangement_certificate
    from ..nets.network import ReluNetwork
    from ..training.trainer import sign_bound

    if cert.get("version") != 1:
        raise CertificateError(f"certificate version {cert.get('version')!r} is not supported (expected 1)")
    loss, w, bias = cert.get("loss"), cert.get("width"), cert.get("output_bias")
    if loss not in _LOSSES:
        raise CertificateError(f"loss {loss!r} is not one of {', '.join(_LOSSES)}")
    if isinstance(w, bool) or not isinstance(w, int) or w < 1:
        raise CertificateError(f"width {w!r} is not a positive integer")
    if not isinstance(bias, bool):
        raise CertificateError("output_bias must be true or false")
    data = cert.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("X"), list) or not data["X"] or not isinstance(data["X"][0], list):
        raise CertificateError("data must be {\"X\": [[...], ...], \"y\": [...]} with at least one point")
    n = len(data["X"][0])
    X = [_vec(x, n, f"data.X[{j}]") for j, x in enumerate(data["X"])]
    D = len(X)
    y = _vec(data.get("y"), D, "data.y")
    if loss == "hinge" and any(v not in (1, -1) for v in y):
        raise CertificateError("hinge loss needs labels in {-1, +1}")
    xt = [x + (mpq(1),) for x in X]
    opt = _q(cert.get("optimum"), "optimum")
    target = opt * D

    # 1. the cells
    arr_cert = cert.get("arrangement_certificate")
    if not isinstance(arr_cert, dict):
        raise CertificateError("arrangement_certificate must be an arrangement certificate object")
    arr = arr_cert.get("arrangement")
    planes = arr.get("hyperplanes") if isinstance(arr, dict) else None
    if not isinstance(planes, list) or len(planes) != D or arr.get("dim") != n + 1 or arr_cert.get("domain") is not None:
        raise CertificateError("the arrangement certificate is not of the data's arrangement in R^(n+1)")
    for j, h in enumerate(planes):
        if not isinstance(h, dict) or _vec(h.get("a"), n + 1, f"hyperplanes[{j}].a") != xt[j] or _q(h.get("b"), f"hyperplanes[{j}].b") != 0:
            raise CertificateError(f"hyperplane {j} of the arrangement is not {{(a, b) : a . x_{j} + b = 0}}")
    verify_arrangement_certificate(arr_cert)
    cells = []
    for r in arr_cert["regions"]:
        s = r.get("signs")
        if not isinstance(s, str) or len(s) != D or set(s) - {"+", "-"}:
            raise CertificateError(f"region sign vector {s!r} is malformed")
        cells.append(s)
    dead = "-" * D
    if dead not in cells:
        raise CertificateError("the all-inactive cell is missing from the arrangement")

    # 2. the network
    try:
        net = ReluNetwork.from_dict(cert.get("network"), source="certificate.network")
    except PolyReluError as exc:
        raise CertificateError(str(exc)) from None
    if net.input_dim != n or net.output_dim != 1 or net.n_hidden_layers != 1 or net.layers[0].n_out > w:
        raise CertificateError(f"the network must have shape {n} -> (at most {w}) -> 1")
    if not bias and net.layers[-1].biases[0] != 0:
        raise CertificateError("the network has an output bias but output_bias is false")
    risk = sum((_loss(loss, net.evaluate(x)[0], yy) for x, yy in zip(X, y)), mpq(0)) / D
    if risk != opt:
        raise CertificateError(f"the network's empirical risk is {risk}, not the claimed optimum {opt}")

    # 3. every multiset is bounded below by D * optimum
    solved: dict[tuple, int] = {}
    for e, entry in enumerate(cert.get("solved", [])):
        where = f"solved[{e}]"
        neurons = entry.get("neurons") if isinstance(entry, dict) else None
        if not isinstance(neurons, list) or len(neurons) != w:
            raise CertificateError(f"{where}: expected {w} neurons")
        u = _vec(entry.get("u"), D, f"{where}.u")
        key = []
        for i, nd in enumerate(neurons):
            cell, s = nd.get("cell"), nd.get("sign")
            if cell not in cells or cell == dead or s not in (1, -1):
                raise CertificateError(f"{where}.neurons[{i}]: not a (cell, sign) pair of the arrangement")
            mu = _vec(nd.get("mu"), D, f"{where}.neurons[{i}].mu")
            if any(v < 0 for v in mu):
                raise CertificateError(f"{where}.neurons[{i}].mu has a negative entry")
            for k in range(n + 1):
                tot = sum((s * u[j] * xt[j][k] for j in range(D) if cell[j] == "+"), mpq(0))
                tot += sum((mu[j] * (1 if cell[j] == "+" else -1) * xt[j][k] for j in range(D)), mpq(0))
                if tot != 0:
                    raise CertificateError(f"{where}.neurons[{i}]: the dual equation for coordinate {k} fails")
            key.append((cell, s))
        if bias and sum(u, mpq(0)) != 0:
            raise CertificateError(f"{where}: with output bias the entries of u must sum to 0")
        if loss == "absolute":
            if any(abs(v) > 1 for v in u):
                raise CertificateError(f"{where}: absolute loss needs |u_j| <= 1")
            bound = sum((a * b for a, b in zip(u, y)), mpq(0))
        elif loss == "hinge":
            if any(not 0 <= a * b <= 1 for a, b in zip(u, y)):
                raise CertificateError(f"{where}: hinge loss needs 0 <= u_j y_j <= 1")
            bound = sum((a * b for a, b in zip(u, y)), mpq(0))
        else:
            bound = 2 * sum((a * b for a, b in zip(u, y)), mpq(0)) - sum((a * a for a in u), mpq(0))
        if bound < target:
            raise CertificateError(f"{where}: its dual bound {bound / D} is below the claimed optimum {opt}")
        solved[tuple(sorted(key))] = e
    shared = _shared_duals(cert.get("duals"), loss, X, y, bias, cells, dead, target)
    choices = sorted((c, s) for c in set(cells) if c != dead for s in (1, -1))
    n_multisets = n_sign = 0
    for combo in itertools.combinations_with_replacement(choices, w):
        n_multisets += 1
        if combo in solved:
            continue
        if shared:
            common = -1
            for pair in combo:
                common &= shared.get(pair, 0)
            if common:
                continue
        pos = {j for c, s in combo if s > 0 for j in range(D) if c[j] == "+"}
        neg = {j for c, s in combo if s < 0 for j in range(D) if c[j] == "+"}
        zero = [j for j in range(D) if j not in pos and j not in neg]
        b = sign_bound(loss, y, zero, sorted(pos - neg), sorted(neg - pos), bias)
        if b < target:
            raise CertificateError(f"multiset {combo} has no dual solution and its sign bound {b / D} is below the optimum {opt}")
        n_sign += 1
    return {"kind": "training", "optimum": to_str(opt), "loss": loss, "width": w, "multisets": n_multisets,
            "by_dual": n_multisets - n_sign, "by_sign_bound": n_sign}
