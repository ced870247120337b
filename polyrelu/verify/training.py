"""The verifier of training certificates (``polyrelu.training-certificate``).

It rebuilds every subproblem of the trainer from the data and the definitions, and
shares no code with the trainer (its sign bound is :func:`sign_bound` below, proved here).

**The claim.**  Among networks f(x) = sum_{i=1}^w s_i ReLU(a_i . x + b_i) (+ c with
output bias), s_i in {+1, -1}, none has a lower empirical risk
(1/D) sum_j loss(f(x_j), y_j) than ``optimum``, and ``network`` attains it.

**Subproblems.**  Write xt_j = (x_j, 1) and theta_i = (a_i, b_i).  Neuron i sees x_j
(a_i . x_j + b_i > 0) according to the cell of theta_i in the central arrangement of the D
hyperplanes {theta : xt_j . theta = 0}.  Closed full-dimensional cells cover R^(n+1), so
every theta_i lies in the closure of some cell C with sides sigma_j in {+, -}, where
ReLU(xt_j . theta_i) = xt_j . theta_i if sigma_j = + and 0 otherwise.  So every network is
in the subproblem of some multiset of w (cell, sign) pairs, where predictions
p_j = c + sum_i s_i [sigma_ij = +] xt_j . theta_i are linear in the parameters.

After the schema pass (:func:`read`) the checks are, one function each:

1. *The cells are complete*: the embedded arrangement certificate is of the data's
   arrangement (hyperplane j is xt_j . theta = 0, in order, in R^(n+1), no domain) and
   passes the arrangement verifier; the all-inactive cell is among its regions.
2. *The network* has shape n -> (at most w) -> 1 and no output bias unless allowed.
3. *The optimum is attained*: the network's exact empirical risk equals ``optimum``.
4. *Dual solutions*: each ``solved`` entry names w (cell, sign) pairs of listed cells and
   an exact dual (u, mu) with, for every neuron i and coordinate k,
   s_i sum_{j: sigma_ij = +} u_j xt_jk + sum_j mu_ij sigma_ij xt_jk = 0 and mu >= 0, and
   sum_j u_j = 0 with output bias.  Then sum_j u_j p_j = -sum_ij mu_ij sigma_ij
   xt_j . theta_i <= 0 on the closed cells, and every parameter has loss sum at least
   u . y (absolute, |u_j| <= 1: |p - y| >= u (y - p)), sum_j u_j y_j (hinge,
   0 <= u_j y_j <= 1: max(0, 1 - y p) >= u y (1 - y p) = u y - u p since y^2 = 1) or
   2 u . y - u . u (squared: (y - p)^2 >= 2 u (y - p) - u^2).  That bound must be at
   least D * optimum.
5. *Shared dual solutions* (optional ``duals``): each entry is one dual u (feasible and
   bounding by D * optimum as in 4) with multipliers mu for each of several (cell, sign)
   pairs, each satisfying its dual equation exactly as in 4.  The dual equation of a
   neuron involves only u and that neuron's pair, so the argument of 4 bounds every
   multiset all of whose pairs the entry lists (repeats included), not just one.
6. *Every subproblem is covered*: every multiset of w (cell, sign) pairs without the
   all-inactive cell has a dual solution (4), a shared dual listing all its pairs (5) or
   a sign bound (:func:`sign_bound`) of at least D * optimum.  Multisets with the all-inactive cell need nothing: such a neuron
   outputs 0, and parameter 0 lies in every closed cell, so the same networks belong to
   a multiset where that pair is replaced by any other.

>>> sign_bound("absolute", [3, -2, 5], zero=[0], pos=[1], neg=[2], output_bias=False)   # 3 + 2 + 5
mpq(10,1)
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from gmpy2 import mpq

from ..errors import InvalidParameterError
from ..exact.rational import Rational, as_rational, to_str
from ..nets.network import ReluNetwork
from . import arrangement as arrangement_verifier
from . import schema as S

__all__ = ["verify_training_certificate", "sign_bound", "read", "check", "CHECKS", "TrainingCertificate", "FORMAT", "LOSSES"]

FORMAT = "polyrelu.training-certificate"
LOSSES = ("squared", "absolute", "hinge")
MAX_MULTISETS = 20_000_000  # the trainer refuses more; a certificate with more is not one polyrelu writes
_ZERO = mpq(0)


# --------------------------------------------------------------------------- the sign bound
def loss_value(loss: str, p: Rational, y: Rational) -> Rational:
    """loss(p, y): (p - y)^2, |p - y| or max(0, 1 - y p)."""
    if loss == "squared":
        return (p - y) ** 2
    if loss == "absolute":
        return abs(p - y)
    return max(_ZERO, 1 - y * p)


def _lower(loss: str, c: Rational, ys: Sequence[Rational], zero: Iterable[int], pos: Iterable[int], neg: Iterable[int]) -> Rational:
    return (sum((loss_value(loss, c, ys[j]) for j in zero), _ZERO)
            + sum((loss_value(loss, max(c, ys[j]), ys[j]) for j in pos), _ZERO)
            + sum((loss_value(loss, min(c, ys[j]), ys[j]) for j in neg), _ZERO))


def sign_bound(loss: str, ys: Sequence[Any], zero: Sequence[int], pos: Sequence[int], neg: Sequence[int],
               output_bias: bool) -> Rational:
    """The least sum_j loss(p_j, y_j) over predictions with p_j = c on ``zero``,
    p_j >= c on ``pos`` and p_j <= c on ``neg`` (c = 0, or any real with ``output_bias``);
    other points are unconstrained.  A lower bound of every subproblem whose neurons see
    point j not at all (zero), only with positive signs (pos) or only with negative ones
    (neg): seen terms s_i xt_j . theta_i are >= 0 for s_i = +1 and <= 0 for s_i = -1.

    *Proof.*  Each loss l(., y) is convex and minimal at p = y (for hinge, y = +-1 and
    l(y, y) = 0).  Hence min_{p >= c} l(p, y) = l(max(c, y), y) and
    min_{p <= c} l(p, y) = l(min(c, y), y), and the least sum for a given c is
    L(c) = sum_zero l(c, y_j) + sum_pos l(max(c, y_j), y_j) + sum_neg l(min(c, y_j), y_j).
    Without output bias the bound is L(0).  With it, the bound is inf_c L(c).  Every term
    is convex in c with kinks only at labels (l(c, y) is smooth away from c = y for all
    three losses; the clamps bend at c = y), so L is convex, and on each interval between
    consecutive labels it is linear (absolute, hinge) or the quadratic
    sum_{j in A} (c - y_j)^2 + const (squared), A the points whose term is not constant
    there.  A convex function bounded below (L >= 0) attains its infimum at a kink, or
    inside an interval where its derivative vanishes: for a linear piece the value then
    equals the value at the interval's end (a kink); for a quadratic piece the minimiser
    is the mean of y over A.  So inf L is the least value of L over the labels and the
    means of A of the intervals; every candidate is a real c, so the minimum over the
    candidates is exactly inf L.  (No constrained point: L = 0.)

    >>> sign_bound("squared", [0, 2], zero=[0, 1], pos=[], neg=[], output_bias=True)   # c = 1
    mpq(2,1)
    >>> sign_bound("hinge", [1, -1], zero=[], pos=[0], neg=[1], output_bias=False)
    mpq(0,1)
    """
    if loss not in LOSSES:
        raise InvalidParameterError(f"loss is {loss!r}; expected one of {', '.join(LOSSES)}")
    y = [as_rational(v, field=f"ys[{j}]") for j, v in enumerate(ys)]
    if not output_bias:
        return _lower(loss, _ZERO, y, zero, pos, neg)
    labels = sorted({y[j] for j in itertools.chain(zero, pos, neg)})
    if not labels:
        return _ZERO
    candidates = set(labels)
    if loss == "squared":
        probes = [labels[0] - 1] + [(a + b) / 2 for a, b in zip(labels, labels[1:])] + [labels[-1] + 1]
        for m in probes:  # one point inside each open interval between labels
            active = [y[j] for j in zero] + [y[j] for j in pos if m > y[j]] + [y[j] for j in neg if m < y[j]]
            if active:
                candidates.add(sum(active, _ZERO) / len(active))
    return min(_lower(loss, c, y, zero, pos, neg) for c in candidates)


# --------------------------------------------------------------------------- schema
@dataclass(frozen=True)
class Neuron:
    cell: str
    sign: int
    mu: tuple[Rational, ...]
    at: str


@dataclass(frozen=True)
class Solved:
    neurons: tuple[Neuron, ...]
    u: tuple[Rational, ...]
    at: str


@dataclass(frozen=True)
class Shared:
    u: tuple[Rational, ...]
    pairs: tuple[Neuron, ...]
    at: str


@dataclass(frozen=True)
class TrainingCertificate:
    loss: str
    width: int
    output_bias: bool
    X: tuple[tuple[Rational, ...], ...]
    y: tuple[Rational, ...]
    optimum: Rational
    network: ReluNetwork
    cells: arrangement_verifier.ArrangementCertificate
    solved: tuple[Solved, ...]
    shared: tuple[Shared, ...] = ()

    @property
    def xt(self) -> list[tuple[Rational, ...]]:
        return [x + (mpq(1),) for x in self.X]


def read(cert: Any) -> TrainingCertificate:
    """The schema pass: every field of the certificate typed, or CertificateError naming it."""
    keys = ("format", "version", "loss", "width", "output_bias", "data", "optimum", "network", "arrangement_certificate", "solved")
    S.obj(cert, "", keys, ("duals",))
    S.text(cert["format"], "format", (FORMAT,))
    S.integer(cert["version"], "version", 1, 2)
    loss = S.text(cert["loss"], "loss", LOSSES)
    w = S.integer(cert["width"], "width", 1)
    data = S.obj(cert["data"], "data", ("X", "y"))
    rows = S.lst(data["X"], "data.X")
    if not rows:
        S.fail("data.X", "expected at least one data point")
    n = len(S.lst(rows[0], "data.X[0]"))
    if n < 1:
        S.fail("data.X[0]", "a data point needs at least one coordinate")
    X = tuple(S.vector(x, f"data.X[{j}]", n) for j, x in enumerate(rows))
    D = len(X)
    y = S.vector(data["y"], "data.y", D)
    if loss == "hinge":
        for j, v in enumerate(y):
            if v not in (1, -1):
                S.fail(f"data.y[{j}]", f"hinge loss needs labels -1 or 1, got {to_str(v)}")
    def neuron(nd: Any, nat: str) -> Neuron:
        S.obj(nd, nat, ("cell", "sign", "mu"))
        cell = S.text(nd["cell"], f"{nat}.cell")
        if len(cell) != D or set(cell) - {"+", "-"}:
            S.fail(f"{nat}.cell", f"expected a string of {D} '+'/'-' characters, got {S.describe(cell)}")
        sign = S.integer(nd["sign"], f"{nat}.sign")
        if sign not in (1, -1):
            S.fail(f"{nat}.sign", f"expected 1 or -1, got {S.describe(sign)}")
        return Neuron(cell, sign, S.vector(nd["mu"], f"{nat}.mu", D), nat)

    solved = []
    for e, entry in enumerate(S.lst(cert["solved"], "solved")):
        at = f"solved[{e}]"
        S.obj(entry, at, ("neurons", "u"))
        neurons = [neuron(nd, f"{at}.neurons[{i}]") for i, nd in enumerate(S.lst(entry["neurons"], f"{at}.neurons", w))]
        solved.append(Solved(tuple(neurons), S.vector(entry["u"], f"{at}.u", D), at))
    shared = []
    for e, entry in enumerate(S.lst(cert.get("duals", []), "duals")):
        at = f"duals[{e}]"
        S.obj(entry, at, ("u", "pairs"))
        pairs = [neuron(nd, f"{at}.pairs[{i}]") for i, nd in enumerate(S.lst(entry["pairs"], f"{at}.pairs"))]
        if not pairs:
            S.fail(f"{at}.pairs", "expected at least one (cell, sign) pair")
        shared.append(Shared(S.vector(entry["u"], f"{at}.u", D), tuple(pairs), at))
    return TrainingCertificate(
        loss=loss,
        width=w,
        output_bias=S.boolean(cert["output_bias"], "output_bias"),
        X=X,
        y=y,
        optimum=S.rational(cert["optimum"], "optimum"),
        network=S.network(cert["network"], "network"),
        cells=arrangement_verifier.read(cert["arrangement_certificate"], "arrangement_certificate"),
        solved=tuple(solved),
        shared=tuple(shared),
    )


# --------------------------------------------------------------------------- checks
@dataclass
class _State:
    C: TrainingCertificate
    cells: list[str]  # sign strings of the listed cells (set by check 1)
    solved: dict[tuple[tuple[str, int], ...], str]  # multiset -> path of its dual solution (check 4)
    counts: dict[str, int]  # multisets and how they are covered (check 6)
    shared: dict[tuple[str, int], int] = field(default_factory=dict)  # pair -> bitmask of the shared duals listing it (check 5)


def check_cells(st: _State) -> None:
    """1. The arrangement certificate is of the data's arrangement and valid."""
    A, xt = st.C.cells, st.C.xt
    at = "arrangement_certificate"
    if A.dim != len(xt[0]):
        S.fail(f"{at}.arrangement.dim", f"is {A.dim}; the data's parameter space is R^{len(xt[0])}")
    if A.walls:
        S.fail(f"{at}.domain", "the cells of the data's arrangement cover all of parameter space: expected no domain walls")
    if len(A.planes) != len(xt):
        S.fail(f"{at}.arrangement.hyperplanes", f"has {len(A.planes)} hyperplanes but there are {len(xt)} data points")
    for j, ((a, b), x) in enumerate(zip(A.planes, xt)):
        if a != x or b != 0:
            S.fail(f"{at}.arrangement.hyperplanes[{j}]", f"is not {{(a, b) : a . x_{j} + b = 0}}")
    arrangement_verifier.check(A)
    st.cells = [r.signs for r in A.regions]
    if "-" * len(xt) not in st.cells:
        S.fail(f"{at}.regions", "the all-inactive cell is missing")


def check_network(st: _State) -> None:
    """2. Shape n -> (at most w) -> 1; output bias only if allowed."""
    net, n, w = st.C.network, len(st.C.X[0]), st.C.width
    if net.input_dim != n or net.output_dim != 1 or net.n_hidden_layers != 1 or net.layers[0].n_out > w:
        S.fail("network", f"expected the shape {n} -> (at most {w}) -> 1, got {net!r}")
    if not st.C.output_bias and net.layers[-1].biases[0] != 0:
        S.fail("network", "has an output bias but output_bias is false")


def check_optimum_attained(st: _State) -> None:
    """3. The network's exact empirical risk is the claimed optimum."""
    C = st.C
    risk = sum((loss_value(C.loss, C.network.evaluate(x)[0], y) for x, y in zip(C.X, C.y)), _ZERO) / len(C.X)
    if risk != C.optimum:
        S.fail("optimum", f"is {to_str(C.optimum)} but the network's empirical risk is {to_str(risk)}")


def _dual_bound(loss: str, u: Sequence[Rational], y: Sequence[Rational], at: str) -> Rational:
    if loss == "absolute":
        if any(abs(v) > 1 for v in u):
            S.fail(f"{at}.u", "absolute loss needs |u_j| <= 1")
        return sum((a * b for a, b in zip(u, y)), _ZERO)
    if loss == "hinge":
        if any(not 0 <= a * b <= 1 for a, b in zip(u, y)):
            S.fail(f"{at}.u", "hinge loss needs 0 <= u_j y_j <= 1")
        return sum((a * b for a, b in zip(u, y)), _ZERO)
    return 2 * sum((a * b for a, b in zip(u, y)), _ZERO) - sum((a * a for a in u), _ZERO)


def _check_dual(st: _State, u: Sequence[Rational], neurons: Sequence[Neuron], at: str) -> None:
    """The dual equations of ``neurons`` under u, u's box and sum, and its bound (4 and 5)."""
    C, xt = st.C, st.C.xt
    D, listed, dead = len(xt), set(st.cells), "-" * len(xt)
    for nd in neurons:
        if nd.cell not in listed or nd.cell == dead:
            S.fail(f"{nd.at}.cell", "is not a cell of the arrangement other than the all-inactive one")
        if any(v < 0 for v in nd.mu):
            S.fail(f"{nd.at}.mu", "has a negative entry")
        for k in range(len(xt[0])):
            tot = sum((nd.sign * u[j] * xt[j][k] for j in range(D) if nd.cell[j] == "+"), _ZERO)
            tot += sum((nd.mu[j] * (1 if nd.cell[j] == "+" else -1) * xt[j][k] for j in range(D)), _ZERO)
            if tot != 0:
                S.fail(nd.at, f"the dual equation for coordinate {k} fails")
    if C.output_bias and sum(u, _ZERO) != 0:
        S.fail(f"{at}.u", "with output bias the entries of u must sum to 0")
    bound = _dual_bound(C.loss, u, C.y, at)
    if bound < C.optimum * D:
        S.fail(at, f"its dual bound {to_str(bound / D)} is below the claimed optimum {to_str(C.optimum)}")


def check_duals(st: _State) -> None:
    """4. Every dual solution is feasible and bounds its subproblem by D * optimum."""
    for entry in st.C.solved:
        _check_dual(st, entry.u, entry.neurons, entry.at)
        key = tuple(sorted((nd.cell, nd.sign) for nd in entry.neurons))
        if key in st.solved:
            S.fail(entry.at, f"repeats the multiset of {st.solved[key]}")
        st.solved[key] = entry.at


def check_shared_duals(st: _State) -> None:
    """5. Every shared dual is feasible for each pair it lists and bounds by D * optimum."""
    for e, entry in enumerate(st.C.shared):
        _check_dual(st, entry.u, entry.pairs, entry.at)
        for nd in entry.pairs:
            st.shared[(nd.cell, nd.sign)] = st.shared.get((nd.cell, nd.sign), 0) | (1 << e)


def check_covered(st: _State) -> None:
    """6. Every multiset without the all-inactive cell: a dual solution, a shared dual or its sign bound."""
    C = st.C
    D = len(C.X)
    dead = "-" * D
    choices = sorted((c, s) for c in set(st.cells) if c != dead for s in (1, -1))
    total = math.comb(len(choices) + C.width - 1, C.width)
    if total > MAX_MULTISETS:
        S.fail("width", f"{C.width} neurons over {len(choices)} (cell, sign) pairs give {total:,} subproblems; "
               f"this verifier checks at most {MAX_MULTISETS:,} (the trainer's limit)")
    target = C.optimum * D
    n_sign = n_shared = 0
    for combo in itertools.combinations_with_replacement(choices, C.width):
        if combo in st.solved:
            continue
        if st.shared:
            common = -1
            for pair in combo:
                common &= st.shared.get(pair, 0)
            if common:
                n_shared += 1
                continue
        pos = {j for c, s in combo if s > 0 for j in range(D) if c[j] == "+"}
        neg = {j for c, s in combo if s < 0 for j in range(D) if c[j] == "+"}
        zero = [j for j in range(D) if j not in pos and j not in neg]
        b = sign_bound(C.loss, C.y, zero, sorted(pos - neg), sorted(neg - pos), C.output_bias)
        if b < target:
            S.fail("solved", f"the multiset {combo} has no dual solution and its sign bound {to_str(b / D)} is below the "
                   f"optimum {to_str(C.optimum)}")
        n_sign += 1
    st.counts = {"multisets": total, "by_dual": total - n_sign, "by_shared_dual": n_shared, "by_sign_bound": n_sign}


CHECKS = (check_cells, check_network, check_optimum_attained, check_duals, check_shared_duals, check_covered)


def check(C: TrainingCertificate) -> dict[str, Any]:
    """Run the numbered checks on a read certificate; return a summary."""
    st = _State(C, [], {}, {})
    for step in CHECKS:
        step(st)
    return {"kind": "training", "optimum": to_str(C.optimum), "loss": C.loss, "width": C.width, "output_bias": C.output_bias,
            **st.counts}


def verify_training_certificate(cert: Any) -> dict[str, Any]:
    """Check a training certificate (see the module docstring); return a summary or raise
    :class:`~polyrelu.errors.CertificateError` naming the failing field."""
    return check(read(cert))
