"""The checks behind ``polyrelu paper``: every statement of the paper, computed, not assumed.

:data:`STATEMENTS` lists every theorem, lemma, corollary, proposition and figure of the
mathematics polyrelu implements (docs/mathematics.md §1-§7), each with a check that
returns :class:`~polyrelu.paper.verdicts.Row` objects.  Verdicts are decided in exact
arithmetic; each row states its method (a proof on all of R^n, such as region
enumeration of a difference, or a finite check, such as exact evaluation at listed
points).  Rows that come from a proof table (hard functions, zonotope family, ...) are
the table's rows for the same seeds: the same networks as ``polyrelu table NAME``.

>>> rows = run_statements(["Thm 2.3"])
>>> rows[0].verdict, rows[0].cite
('not checkable', 'docs/mathematics.md §3')
"""

from __future__ import annotations

import functools
import itertools
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from gmpy2 import mpq

from . import closed_forms as cf
from . import instances
from .constructions import absolute_value, hard_function, max_of_two, zigzag
from .verdicts import BOUND, FAILS, HOLDS, NOT_CHECKABLE, Row
from ..errors import InternalError, InvalidParameterError
from ..exact.rational import Rational, to_str

__all__ = ["Statement", "Context", "STATEMENTS", "run_statements", "statement_keys", "zigzag_by_definition",
           "FIGURE1_PANELS", "figure1_network", "figure1_counts", "figure4_function", "relu_shift", "sawtooth_witness", "HOLDS", "BOUND", "FAILS", "NOT_CHECKABLE", "Row"]


@dataclass
class Context:
    """What a check may use: ``full`` (the larger grids), ``workers``, ``scheduler`` and
    ``journal_dir`` (resumable journals) for table sweeps, and a certificate sink
    (``certificates=True`` collects certificates of headline counts in :attr:`certs`, by
    file name)."""

    full: bool = False
    workers: int = 1
    scheduler: Any = None
    certificates: bool = False
    certs: dict[str, dict] = field(default_factory=dict)
    table_rows: dict[str, list[dict]] = field(default_factory=dict)
    journal_dir: Any = None  # a folder: the table sweeps journal their rows there and resume from them

    def certify(self, name: str, producer: Callable[[], dict]) -> tuple[str, ...]:
        """Record the certificate ``producer()`` as ``certificates/<name>.json`` (only when
        certificates are wanted); returns the file names for the row."""
        if not self.certificates:
            return ()
        fname = f"certificates/{name}.json"
        if fname not in self.certs:
            self.certs[fname] = producer()
        return (fname,)

    def table(self, name: str) -> list[dict]:
        """The rows of a proof table (default or --full grid), computed once per run."""
        from .tables import TABLES, build

        if name not in self.table_rows:
            journal = None
            if self.journal_dir is not None:
                from pathlib import Path

                journal = Path(self.journal_dir) / f"{name}{'-full' if self.full else ''}.journal"
            self.table_rows[name] = build(TABLES[name], full=self.full, workers=self.workers, scheduler=self.scheduler, journal=journal)
        return self.table_rows[name]


@dataclass(frozen=True)
class Statement:
    """A statement of the paper: ``key`` (e.g. ``"Thm 3.2"``), the section of
    docs/mathematics.md, the claim in one line and the check."""

    key: str
    section: int
    claim: str
    check: Callable[[Context], list[Row]]


def _row(st: str, sec: int, claim: str, instance: str, verdict: str, evidence: str, method: str, *, ref: str | None = None,
         headline: bool = False, certificates: tuple[str, ...] = (), reason: str = "") -> Row:
    return Row(st, ref or st, sec, claim, instance, verdict, evidence, method, headline, certificates, reason)


def _grid(lo: int, hi: int, den: int, dim: int) -> Iterator[tuple[Rational, ...]]:
    axis = [mpq(i, den) for i in range(lo * den, hi * den + 1)]
    return itertools.product(axis, repeat=dim)


def _agree(f: Callable, g: Callable, points) -> tuple[int, tuple | None]:
    n = 0
    for x in points:
        n += 1
        if f(x) != g(x):
            return n, x
    return n, None


def _points_verdict(n: int, bad, what: str) -> tuple[str, str, str]:
    if bad is None:
        return HOLDS, f"{what} at all {n} points", f"exact evaluation at {n} rational points (a finite check)"
    return FAILS, f"differs at x = ({', '.join(to_str(v) for v in bad)})", "exact evaluation"


def _equal(f, g) -> tuple[bool, Any]:
    from ..nets.equality import networks_equal

    return networks_equal(f, g, workers=1)


# ============================================================== §1 networks and measures
def check_gadgets(ctx: Context) -> list[Row]:
    from .constructions.maxnet import max_affine_sequential

    net = absolute_value()
    same, x = _equal(net, max_affine_sequential([([1], 0), ([-1], 0)]))
    rows = [_row("§1 (gadgets)", 1, "|x| = s(x) + s(-x): one hidden layer of 2 neurons", "the gadget",
                 HOLDS if same and net.size == 2 else FAILS, f"size {net.size}; " + ("equal to max{x, -x} on all of R" if same else f"differs at {x}"),
                 "exact network equality (regions of the difference)")]
    n, bad = _agree(lambda p: net.evaluate(p)[0], lambda p: abs(p[0]), _grid(-4, 4, 8, 1))
    v, ev, meth = _points_verdict(n, bad, "network = |x|")
    rows.append(_row("§1 (gadgets)", 1, "|x| = s(x) + s(-x)", "x in [-4, 4], step 1/8", v, ev, meth))
    return rows


def check_composition(ctx: Context) -> list[Row]:
    f, g = absolute_value(), hard_function([[mpq(1, 2)], [mpq(1, 3), mpq(2, 3)]], 1)
    fg = f.compose(g)
    ok = fg.depth == f.depth + g.depth - 1 and fg.size == f.size + g.size
    rows = [_row("Lemma D.1", 1, "composition: depths add minus one, sizes add", "|x| o H(1/2; 1/3, 2/3)", HOLDS if ok else FAILS,
                 f"depth {fg.depth} = {f.depth} + {g.depth} - 1, size {fg.size} = {f.size} + {g.size}", "network shape")]
    from ..nets.pwl1d import PWL1D

    pf, pg = PWL1D.from_network(f), PWL1D.from_network(g)
    pts = sorted(set(PWL1D.from_network(fg).breakpoints) | set(pg.breakpoints) | {mpq(-2), mpq(3)})
    n, bad = _agree(lambda x: fg.evaluate(x)[0], lambda x: pf(pg(x[0])), [(p,) for p in pts])
    v, ev, _ = _points_verdict(n, bad, "f(g(x))")
    rows.append(_row("Lemma D.1", 1, "the composed network computes f o g", "|x| o H(1/2; 1/3, 2/3)", v, ev,
                     "exact evaluation at every breakpoint of both sides and beyond them (determines a PWL function on R)"))
    return rows


def check_sum(ctx: Context) -> list[Row]:
    f, g = absolute_value(), hard_function([[mpq(1, 2)], [mpq(1, 3), mpq(2, 3)]], 1)
    s = f.add(g)
    pad = 2 * f.output_dim * (g.depth - f.depth)
    ok = s.depth == max(f.depth, g.depth) and s.size == f.size + g.size + pad
    rows = [_row("Lemma D.2", 1, "sum: equal depth, identity padding u = s(u) - s(-u)", "|x| + H(1/2; 1/3, 2/3)", HOLDS if ok else FAILS,
                 f"depth {s.depth}, size {s.size} = {f.size} + {g.size} + {pad} padding", "network shape")]
    from ..nets.pwl1d import PWL1D

    ps, pf, pg = PWL1D.from_network(s), PWL1D.from_network(f), PWL1D.from_network(g)
    pts = sorted(set(ps.breakpoints) | set(pf.breakpoints) | set(pg.breakpoints) | {mpq(-2), mpq(3)})
    n, bad = _agree(lambda x: s.evaluate(x)[0], lambda x: pf(x[0]) + pg(x[0]), [(p,) for p in pts])
    v, ev, _ = _points_verdict(n, bad, "f(x) + g(x)")
    rows.append(_row("Lemma D.2", 1, "the summed network computes f + g", "|x| + H(1/2; 1/3, 2/3)", v, ev,
                     "exact evaluation at every breakpoint of both sides and beyond them"))
    return rows


# ============================================================== §2 three counts
def check_counts(ctx: Context) -> list[Row]:
    from ..nets.network import ReluNetwork
    from ..nets.regions import network_regions

    cases = [(f"Figure 1 ({name})", figure1_network(name)) for name in FIGURE1_PANELS]
    for seed in (1, 2):
        cases.append((f"random 2-4-3-1 net, seed {seed}", ReluNetwork(2, instances.random_network_layers([2, 4, 3, 1], seed, -3, 3))))
    rows = []
    for name, net in cases:
        c = network_regions(net, workers=1).counts()
        ok = c["pieces"] <= c["linear_regions"] <= c["activation_regions"] and c["pieces"] >= 1
        rows.append(_row("§2 (three counts)", 2, "pieces <= linear regions <= activation regions, reported separately", name,
                         HOLDS if ok else FAILS, f"{c['activation_regions']} activation regions, {c['linear_regions']} linear regions, "
                         f"{c['pieces']} pieces, {c['affine_maps']} affine maps", "exact region enumeration"))
    return rows


# ============================================================== §3 PWL = ReLU networks
def check_max_gadget(ctx: Context) -> list[Row]:
    from .constructions.maxnet import max_affine_sequential

    net = max_of_two()
    same, x = _equal(net, max_affine_sequential([([1, 0], 0), ([0, 1], 0)]))
    ok = same and net.n_hidden_layers == 1 and net.size == 4
    return [_row("Thm 2.1", 3, "max{u, v} = (s(u+v) - s(-u-v) + s(u-v) + s(v-u)) / 2: one hidden layer of 4 neurons",
                 "the gadget", HOLDS if ok else FAILS,
                 f"hidden layers {net.n_hidden_layers}, size {net.size}; " + ("equal to max on all of R^2" if same else f"differs at {x}"),
                 "exact network equality (regions of the difference)", ref="Thm 2.1 (proof)")]


def check_theorem_21(ctx: Context) -> list[Row]:
    from .constructions.maxnet import compile_max_sum, max_affine, max_affine_sequential

    rows = check_max_gadget(ctx)
    for n, q in [(1, 3), (2, 4), (2, 5), (3, 4)]:
        fs = instances.random_affine_functions(n, q, seed=0)
        net = max_affine(fs)
        same, x = _equal(net, max_affine_sequential(fs))
        ok = same and net.n_hidden_layers == cf.max_tree_hidden_layers(q)
        rows.append(_row("Thm 2.1", 3, "max of q affine functions with ceil(log2 q) hidden layers", f"q = {q} random affine functions on R^{n} (seed 0)",
                         HOLDS if ok else FAILS, f"{net.n_hidden_layers} hidden layers, size {net.size}; "
                         + ("equal to a sequential max chain on all of R^n" if same else f"differs at {x}"),
                         "exact network equality (regions of the difference)", ref="Thm 2.1 (proof)"))
    for n in (1, 2, 3) if ctx.full else (1, 2):  # n = 3: the difference network takes ~30 s
        terms = [(1, instances.random_affine_functions(n, n + 1, seed=1)), (-1, instances.random_affine_functions(n, n + 1, seed=2)),
                 (1, instances.random_affine_functions(n, 2, seed=3))]
        net = compile_max_sum(terms)
        ref = max_affine_sequential(terms[0][1]).add(max_affine_sequential(terms[1][1]).scaled(-1)).add(max_affine_sequential(terms[2][1]))
        same, _ = _equal(net, ref)
        bound = cf.theorem_21_depth_bound(n)
        rows.append(_row("Thm 2.1", 3, "f = sum_j s_j max_{i in S_j} l_i with |S_j| <= n+1 is a net with <= ceil(log2(n+1)) hidden layers",
                         f"3 terms on R^{n} (seeds 1, 2, 3)", HOLDS if same and net.depth <= bound else FAILS,
                         f"depth {net.depth} <= {bound}, size {net.size}; " + ("equal to the sequential chains" if same else "differs"),
                         "exact compilation and network equality"))
    for r in ctx.table("max-depth"):
        rows.append(_row("Thm 2.1", 3, "the max of q numbers in ceil(log2 q) hidden layers (balanced tree)", f"q = {r['q']}", r["verdict"],
                         f"{r['hidden_layers']} hidden layers = ceil(log2 q) = {r['ceil_log2_q']}, size {r['size']}; proof: {r['equality']}, "
                         f"{r['points']} points evaluated", "table max-depth: exact equality proof up to the table's limit, exact evaluation",
                         ref="Thm 2.1 (proof)"))
    return rows


def _one_layer_nets(h: int, weights: tuple[int, ...]) -> Iterator[Any]:
    """Every one-hidden-layer net on R with h neurons s(e_i x - t_i), e_i in {-1, 1}, breakpoints
    t_i in {0, ..., h - 1} (every order type and coincidence pattern of h breakpoints) and
    output weights from ``weights``: all combinatorial types, up to positive rescaling of
    neurons (s(a x + b) = |a| s(sign(a) x + b / |a|))."""
    from ..nets.network import ReluNetwork

    for es in itertools.product((-1, 1), repeat=h):
        for ts in itertools.product(range(h), repeat=h):
            for cs in itertools.product(weights, repeat=h):
                yield ReluNetwork(1, [([[e] for e in es], [-e * t for e, t in zip(es, ts)]), ([list(cs)], [0])])


def check_theorem_22(ctx: Context) -> list[Row]:
    from ..nets.pwl1d import PWL1D

    rows = []
    for p in (2, 3, 4, 6, 9):
        f = instances.random_pwl(p, seed=0)
        net = f.to_network()
        same = PWL1D.from_network(net) == f
        lo, hi = cf.thm22_neurons(p, flat_end=False)
        neurons = net.size
        ok = same and lo <= neurons <= hi and net.n_hidden_layers == 1
        rows.append(_row("Thm 2.2", 3, "a PWL f on R with p pieces is a one-hidden-layer net with at most p neurons",
                         f"random PWL, p = {p} (seed 0)", HOLDS if ok else FAILS, f"{neurons} neurons (bounds {lo}..{hi}); "
                         + ("network = f" if same else "network != f"), "exact compilation, checked by breakpoint propagation", headline=p == 4))
    for h, weights in ((1, (-2, -1, 1, 2)), (2, (-2, -1, 1, 2)), (3, (-1, 1, 2))) + (((4, (-1, 1, 2)),) if ctx.full else ()):
        most = 0
        count = 0
        for net in _one_layer_nets(h, weights):
            count += 1
            most = max(most, PWL1D.from_network(net).pieces())
        ok = most == h + 1
        rows.append(_row("Thm 2.2", 3, "every one-hidden-layer net for a function with p pieces has at least p - 1 neurons",
                         f"all {count} nets with {h} neuron(s) of every combinatorial type", HOLDS if ok else FAILS,
                         f"at most {most} pieces with {h} neurons, so p pieces need >= p - 1 = {most - 1} neurons",
                         "exhaustive search (breakpoint orders and coincidences, input signs, output weights in {" + ", ".join(map(str, sorted(weights))) + "}); "
                         "exact pieces by breakpoint propagation"))
    return rows


def check_cor_a1(ctx: Context) -> list[Row]:
    from ..nets.pwl1d import PWL1D

    rows = []
    for p in (2, 3, 5, 8):
        for side in ("left", "right"):
            f = instances.random_pwl(p, seed=0, flat=side)
            net = f.to_network()
            same = PWL1D.from_network(net) == f
            lo, hi = cf.thm22_neurons(p, flat_end=True)
            ok = same and net.size == hi == lo
            rows.append(_row("Cor. A.1", 3, "with a flat leftmost or rightmost piece, p - 1 neurons suffice (and are needed)",
                             f"random PWL, p = {p}, {side} piece flat (seed 0)", HOLDS if ok else FAILS,
                             f"{net.size} neurons = p - 1 = {hi}; " + ("network = f" if same else "network != f")
                             + "; p - 1 needed by the exhaustive bound of Thm 2.2", "exact compilation, checked by breakpoint propagation"))
    return rows


def check_theorem_23(ctx: Context) -> list[Row]:
    return [_row("Thm 2.3", 3, "ReLU nets are dense in L^q(R^n), 1 <= q < infinity", "-", NOT_CHECKABLE, "-", "-",
                 reason="a statement about limits over infinitely many functions (approximation of every L^q function to "
                        "every precision); no finite exact computation decides it")]


# ============================================================== §4 depth beats size on R
def zigzag_by_definition(a, M, x: Rational) -> Rational:
    """h_a(x) from its piecewise definition (independent of the network)."""
    knots = [mpq(0), *a, M]
    if x <= 0:
        return mpq(0)
    last = len(knots) - 2
    for i in range(len(knots) - 1):
        lo, hi = knots[i], knots[i + 1]
        if x <= hi or i == last:
            t = (x - lo) / (hi - lo)
            return M * t if i % 2 == 0 else M * (1 - t)
    raise InternalError("the zig-zag knots do not cover x")


def check_zigzags(ctx: Context) -> list[Row]:
    rows = []
    for a, M in [((mpq(1, 2),), mpq(1)), ((mpq(1, 3), mpq(2, 3)), mpq(1)), ((mpq(1, 5), mpq(1, 2), mpq(4, 5)), mpq(2))]:
        net = zigzag(a, M)
        pts = sorted({mpq(0), *a, M} | {mpq(i, 16) * M for i in range(-16, 33)})
        n, bad = _agree(lambda x: net.evaluate(x)[0], lambda x: zigzag_by_definition(a, M, x[0]), [(p,) for p in pts])
        inst = f"a = ({', '.join(map(to_str, a))}), M = {to_str(M)}"
        v, ev, meth = _points_verdict(n, bad, "network = definition")
        rows.append(_row("§4 (zig-zag)", 4, "h_a is the zig-zag of its definition", inst, v, ev,
                         meth + "; the points include every breakpoint and points beyond M, which determines a PWL function on R"))
        shape = net.size == len(a) + 1 and not net.has_output_bias
        rows.append(_row("§4 (zig-zag)", 4, "h_a has w hidden neurons and no output bias", inst, HOLDS if shape else FAILS,
                         f"size {net.size}, output bias {'yes' if net.has_output_bias else 'no'}", "network shape"))
    return rows


def check_hard_functions(ctx: Context) -> list[Row]:
    rows = []
    for r in ctx.table("hard-functions"):
        inst = f"w = {r['w']}, k = {r['k']}, " + ("equally spaced a's" if r["breakpoints"] == "equal" else f"random a's (seed {r['seed']})") + ", M = 1"
        rows.append(_row("Thm 3.2", 4, "H has w^k pieces (in [0, M], as the paper counts)", inst, r["verdict_0_M"],
                         f"{r['pieces_0_M']} pieces in [0, 1], claim {r['w^k']}", "exact breakpoint propagation (table hard-functions)",
                         ref="Lemma B.1 / Thm 3.2", headline=(r["w"], r["k"], r["breakpoints"]) == (3, 3, "random")))
        rows.append(_row("Thm 3.2", 4, "H has w^k pieces (on all of R)", inst, r["verdict_R"],
                         f"{r['pieces_R']} pieces on R, claim {r['w^k']}", "exact breakpoint propagation (table hard-functions)",
                         ref="Lemma B.1 / Thm 3.2"))
    head = [r for r in ctx.table("hard-functions") if (r["w"], r["k"], r["breakpoints"]) == (3, 3, "random")]
    if head and ctx.certificates:
        from ..nets.regions import network_regions
        from ..certify import network_certificate

        bps = instances.hard_function_instance([3] * 3, 1, head[0]["seed"])
        certs = ctx.certify("thm3.2_w3_k3", lambda: network_certificate(network_regions(hard_function(bps, 1), workers=1)))
        rows = [Row(**{**r.__dict__, "certificates": certs}) if r.headline else r for r in rows]
    return rows


def check_lemma_d3(ctx: Context) -> list[Row]:
    from ..nets.pwl1d import PWL1D

    rows = []
    for m, ps in ((2, (3, 4)), (3, (2, 3, 5)), (4, (4, 4, 4, 4)), (2, (6, 7))):
        fs = [instances.random_pwl(p, seed=10 * m + i) for i, p in enumerate(ps)]
        nets = [f.to_network() for f in fs]
        total = nets[0]
        for g in nets[1:]:
            total = total.add(g)
        h = PWL1D.from_network(total)
        pts = sorted({x for f in fs for x in f.breakpoints} | {mpq(-50), mpq(50)})
        same = all(h(x) == sum(f(x) for f in fs) for x in pts)
        bound = cf.sum_pieces_bound([f.pieces() for f in fs])
        ok = same and h.pieces() <= bound
        rows.append(_row("Lemma D.3", 4, "f_1 + ... + f_m has at most p_1 + ... + p_m pieces", f"{m} random PWL functions with {', '.join(map(str, ps))} pieces",
                         HOLDS if ok else FAILS, f"{h.pieces()} pieces <= {bound}" + ("" if same else "; the sum network differs"),
                         "exact breakpoint propagation of the summed network, checked at every breakpoint"))
    return rows


def relu_shift(f, b):
    """max{0, f + b} as a PWL1D (through networks: f's network, plus b, then a ReLU)."""
    from ..nets.network import ReluNetwork
    from ..nets.pwl1d import PWL1D

    shift = ReluNetwork(1, [([[1]], [b]), ([[1]], [0])])
    return PWL1D.from_network(shift.compose(f.to_network()))


def check_lemma_d4(ctx: Context) -> list[Row]:
    rows = []
    for p in (2, 3, 5, 7):
        f = instances.random_pwl(p, seed=p)
        vals = sorted({f(t) for t in f.breakpoints})
        bs = sorted({-v for v in vals} | {-(u + v) / 2 for u, v in zip(vals, vals[1:])} | {-vals[0] + 1, -vals[-1] - 1})
        most = max(relu_shift(f, b).pieces() for b in bs)
        ok = most <= cf.relu_pieces_bound(p)
        rows.append(_row("Lemma D.4", 4, "max{0, f + b} has at most twice as many pieces as f, for any b",
                         f"random PWL with p = {p} pieces, {len(bs)} biases (every critical value and between)", HOLDS if ok else FAILS,
                         f"at most {most} pieces <= 2p = {2 * p}", "exact breakpoint propagation; the biases cover every order type"))
    return rows


def check_lemma_d5(ctx: Context) -> list[Row]:
    from ..nets.network import ReluNetwork
    from ..nets.pwl1d import PWL1D

    rows = []
    for r in ctx.table("hard-functions"):
        if r["breakpoints"] != "random":
            continue
        rows.append(_row("Lemma D.5", 4, "an R -> R net with widths w_1..w_k has <= 2^(k-1) (w_1+1) w_2 ... w_k pieces",
                         f"hard function w = {r['w']}, k = {r['k']} (seed {r['seed']})", r["verdict_d5"],
                         f"{r['pieces_R']} <= {r['lemma_d5']}" if r["verdict_d5"] == HOLDS else f"{r['pieces_R']} > {r['lemma_d5']}",
                         "exact count vs exact bound (table hard-functions)"))
    for dims in ([1, 3, 3, 1], [1, 4, 2, 3, 1], [1, 2, 2, 2, 2, 1], [1, 6, 1]):
        worst = 0
        for seed in range(8):
            f = PWL1D.from_network(ReluNetwork(1, instances.random_network_layers(dims, seed, -4, 4)))
            worst = max(worst, f.pieces())
        ub = cf.lemma_d5_upper_bound(dims[1:-1])
        rows.append(_row("Lemma D.5", 4, "an R -> R net with widths w_1..w_k has <= 2^(k-1) (w_1+1) w_2 ... w_k pieces",
                         f"8 random nets {'-'.join(map(str, dims))} (seeds 0..7)", HOLDS if worst <= ub else FAILS,
                         f"at most {worst} pieces <= {ub}", "exact breakpoint propagation"))
    return rows


def check_lemma_d6(ctx: Context) -> list[Row]:
    from ..nets.network import ReluNetwork
    from ..nets.pwl1d import PWL1D

    rows = []
    for dims in ([1, 3, 3, 1], [1, 4, 2, 3, 1], [1, 2, 2, 2, 2, 1], [1, 6, 1], [1, 5, 5, 1]):
        k, s = len(dims) - 2, sum(dims[1:-1])
        worst = max(PWL1D.from_network(ReluNetwork(1, instances.random_network_layers(dims, seed, -4, 4))).pieces() for seed in range(8))
        ub = cf.lemma_d6_max_pieces(s, k)
        rows.append(_row("Lemma D.6", 4, "depth k+1 and size s give at most (2s/k)^k pieces", f"8 random nets {'-'.join(map(str, dims))} (seeds 0..7)",
                         HOLDS if worst <= ub else FAILS, f"at most {worst} pieces <= (2*{s}/{k})^{k} = {to_str(ub)}",
                         "exact breakpoint propagation vs the exact rational bound"))
    for w, k in ((2, 3), (3, 3), (2, 5), (4, 2)):
        p = w**k
        for kp in range(1, k + 1):
            need = cf.lemma_d6_min_size(p, kp)
            # the statement's form: size >= (k'/2) p^(1/k') - 1, i.e. (2 (size + 1) / k')^k' >= p, exactly
            formula_ok = (2 * (need + 1)) ** kp >= p * kp**kp
            d5 = cf.min_size_by_d5(p, kp)[0]
            ok = formula_ok and d5 >= need
            rows.append(_row("Lemma D.6", 4, "p pieces at depth k+1 need size >= (k/2) p^(1/k) - 1",
                             f"p = {p} (w = {w}, k = {k}), k' = {kp} hidden layers", HOLDS if ok else FAILS,
                             f"least size by D.6: {need}; least size by the exact D.5 search: {d5} (>= D.6, as D.6 follows from D.5)",
                             "exact integer bounds"))
    return rows


def _gap_rows(ctx: Context, statement: str, claim: str) -> list[Row]:
    rows = []
    for r in ctx.table("depth-gap"):
        if r["statement"] != statement:
            continue
        rows.append(_row(statement, 4, claim, f"w = {r['w']}, k = {r['k']}, k' = {r['k_prime']}", r["verdict"],
                         f"{r['pieces']} pieces in [0, 1] (w^k = {r['w^k']}), {r['construction']}; depth k'+1 needs size >= "
                         f"{r['min_size_d6']} (D.6), >= {r['min_size_d5']} (D.5); paper: {r['paper_bound']}",
                         "exact pieces (breakpoint propagation) and exact integer bounds (table depth-gap)"))
    return rows


def check_theorem_31(ctx: Context) -> list[Row]:
    return _gap_rows(ctx, "Thm 3.1", "w^k pieces at depth k'+1 <= k+1 need size >= (k'/2) w^(k/k') - 1")


def check_cor_33(ctx: Context) -> list[Row]:
    return _gap_rows(ctx, "Cor. 3.3", "Thm 3.1 with k' = k^eps: depth k^eps + 1 needs size >= (1/2) k^eps w^(k^(1-eps)) - 1")


def check_cor_34(ctx: Context) -> list[Row]:
    return _gap_rows(ctx, "Cor. 3.4", "k^2 hidden layers of width k (size k^3) vs >= k^(k+1)/2 - 1 neurons with k hidden layers")


def sawtooth_witness(N: int, P: int):
    """A PWL1D with at most P pieces in [0, 1] that follows the sawtooth over its first j
    tents (2j + 2 <= P), rises to 1/2 and stays there."""
    from ..nets.pwl1d import PWL1D

    if P < 2:
        return PWL1D.affine(0, mpq(1, 2))
    j = min((P - 2) // 2, N // 2)
    t = [mpq(i, N) for i in range(2 * j + 1)]
    v = [mpq(i % 2) for i in range(2 * j + 1)]
    end = mpq(4 * j + 1, 2 * N)
    if end < 1:
        t.append(end)
        v.append(mpq(1, 2))
    return PWL1D(t, v, left_slope=0, right_slope=0)


def check_theorem_35(ctx: Context) -> list[Row]:
    from ..nets.pwl1d import PWL1D

    rows = []
    # the constant of the counting bound: the best affine L1 approximation of a tent
    tent = PWL1D([0, 1, 2], [0, 1, 0], left_slope=0, right_slope=0)
    half = PWL1D.affine(0, mpq(1, 2))
    dist = tent.l1_distance(half, 0, 2)
    # first-order optimality of the convex problem min over (alpha, beta) of int |tent - alpha x - beta|:
    # int sign(tent - 1/2) dx = 0 and int x sign(tent - 1/2) dx = 0 on [0, 2]
    s0 = (mpq(3, 2) - mpq(1, 2)) - mpq(1, 2) - mpq(1, 2)
    s1 = (mpq(9, 8) - mpq(1, 8)) - mpq(1, 8) - (2 - mpq(9, 8))
    ok = dist == mpq(1, 2) and s0 == 0 and s1 == 0
    rows.append(_row("Thm 3.5", 4, "the best affine L1 approximation of a tent of height 1 on a base of width 2 is the constant 1/2, at distance 1/2",
                     "the tent on [0, 2]", HOLDS if ok else FAILS, f"L1 distance {to_str(dist)}; optimality conditions {to_str(s0)}, {to_str(s1)}",
                     "exact L1 distance (PWL1D) and exact first-order conditions of the convex problem"))
    cases = [(2, 2), (2, 3), (3, 2), (2, 4), (3, 3)] + ([(2, 6), (4, 3), (5, 2)] if ctx.full else [])
    for w, k in cases:
        N = w**k
        f = PWL1D.from_network(hard_function([tuple(mpq(i, w) for i in range(1, w))] * k, 1))
        saw = f.pieces_in(0, 1) == N and all(f(mpq(i, N)) == i % 2 for i in range(N + 1))
        for kp in range(1, k + 1):
            worst: Any = None
            checked = 0
            sane = True
            for delta in (mpq(1, 64), mpq(1, 16), mpq(1, 8), mpq(3, 16)):
                s = cf.thm35_size_threshold(w, k, kp, delta)
                if s < 0:
                    continue
                P = cf.thm35_max_pieces(s, kp)
                lb = cf.thm35_l1_lower_bound(N, P)
                g = sawtooth_witness(N, P)
                sane &= g.pieces_in(0, 1) <= P and f.l1_distance(g, 0, 1) >= lb
                checked += 1
                margin = lb - delta
                worst = margin if worst is None or margin < worst else worst
            if not checked:
                continue
            verdict = HOLDS if saw and sane and worst > 0 else FAILS
            rows.append(_row("Thm 3.5", 4, "every net of depth k'+1 and size <= k' w^(k/k') (1-4 delta)^(1/k') / 2^(1+1/k') is at L1 distance > delta from H on [0, 1]",
                             f"w = {w}, k = {k}, k' = {kp}, delta in {{1/64, 1/16, 1/8, 3/16}}", verdict,
                             f"{checked} deltas: the least margin (lower bound - delta) is {to_str(worst)}; sawtooth {'verified' if saw else 'NOT verified'}; "
                             f"witnesses at distance >= the bound: {'yes' if sane else 'NO'}",
                             "exact: size threshold in integers, pieces by Lemma D.6, L1 bound by the tent count; exact L1 distances of witnesses (PWL1D)"))
    return rows


# ============================================================== §5 zonotopes
def check_zonotope_vertices(ctx: Context) -> list[Row]:
    rows = []
    for r in ctx.table("zonotope-vertices"):
        inst = f"{r['case']}: m = {r['m']} generators in R^{r['n']}" + (f" (seed {r['seed']})" if r["case"] == "random" else "")
        cdd = f", cdd route {r['cdd']}" if r["cdd"] != "-" else ""
        rows.append(_row("Thm 3.6", 5, "|vert Z| <= 2 sum_{i<n} C(m-1, i), equality in general position", inst, r["verdict"],
                         f"{r['vertices']} vertices{cdd}, bound {r['bound']}, general position: {r['general_position']}",
                         "exact vertices from the central arrangement, cross-checked with cdd Minkowski sums (table zonotope-vertices)"))
    return rows


def _zonotope_cases():
    return [
        ("5 generators in R^2", [[1, 0], [0, 1], [1, 1], [1, -1], [1, 2]]),
        ("6 generators in R^3", [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [1, 2, 3], [1, -1, 2]]),
        ("8 generators in R^4", [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, 1, 1, 1], [1, 2, 3, 4], [1, -1, 2, -3], [2, 1, -1, 5]]),
        ("parallel pair in R^2", [[1, 0], [2, 0], [0, 1], [1, 1]]),
    ]


def check_support_network(ctx: Context) -> list[Row]:
    from ..geometry.arrangement import HyperplaneArrangement
    from ..geometry.zonotope import Zonotope

    rows = []
    for name, gens in _zonotope_cases():
        Z = Zonotope(gens)
        net = Z.to_network()
        hidden = net.layers[0]
        A = HyperplaneArrangement([(w, -b) for w, b in zip(hidden.weights, hidden.biases)])
        maps, ok, n = set(), True, 0
        for r in A.iter_regions():
            n += 1
            maps.add(net.local_affine_map(r.witness).matrix[0])
            ok &= net.evaluate(r.witness)[0] == Z.support(r.witness)
        same = maps == set(Z.vertices())
        shape = net.size == 2 * Z.n_generators and net.n_hidden_layers == 1
        rows.append(_row("Lemma 3.7", 5, "g_Z is a one-hidden-layer net of 2m neurons with one affine piece per vertex of Z", name,
                         HOLDS if ok and same and shape else FAILS,
                         f"{len(maps)} affine maps on {n} activation regions = {Z.n_vertices} vertices, size {net.size}",
                         "exact local affine maps at region witnesses vs vertices"))
    return rows


def check_prop_38(ctx: Context) -> list[Row]:
    rows = []
    for r in ctx.table("zonotope-family"):
        inst = f"n = {r['n']}, m = {r['m']}, w = {r['w']}, k = {r['k']} (seed {r['seed']})"
        ev = f"{r['engine']} pieces (region engine), cone count {r['cones']}, printed {r['printed']} (x{r['ratio']})"
        rows.append(_row("Prop. 3.8", 5, "H o g_Z has (sum_{i<n} C(m-1, i)) w^k pieces", inst, r["verdict"],
                         ev + (f"; {r['note']}" if r["note"] else ""),
                         "exact region enumeration, cross-checked by |vert Z| x pieces of H per cone (table zonotope-family)"))
    return rows


def _network_certificate_of(net: Any) -> dict:
    from ..certify import network_certificate
    from ..nets.regions import network_regions

    return network_certificate(network_regions(net, workers=1))


FIGURE1_PANELS: dict[str, tuple[str, list[Any], list[Any]]] = {
    "left": ("ZONOTOPE^2_{2,2,2}[a^1, a^2, b^1, b^2]", [[mpq(1, 2)]] * 2, [[0, 1], [1, 0]]),
    "middle": ("ZONOTOPE^2_{2,2,4}[a^1, a^2, c^1..c^4]", [[mpq(1, 2)]] * 2,
               [[mpq(1, 4), mpq(1, 2)], [mpq(-1, 2), 0], [0, mpq(-1, 4)], [mpq(-1, 4), mpq(-1, 4)]]),
    "right": ("ZONOTOPE^2_{3,2,4}[a^1, a^2, a^3, c^1..c^4]", [[mpq(1, 2)]] * 3,
              [[mpq(1, 4), mpq(1, 2)], [mpq(-1, 2), 0], [0, mpq(-1, 4)], [mpq(-1, 4), mpq(-1, 4)]]),
}


def figure1_network(panel: str):
    """The network of a panel of the paper's Figure 1 (M = 1, every a^i = (1/2))."""
    from .constructions.zonotope_family import zonotope_family

    _, bps, gens = FIGURE1_PANELS[panel]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return zonotope_family(bps, gens, 1)


def figure1_counts(panel: str) -> dict:
    """Certified counts of a Figure 1 panel: activation regions, linear regions, pieces,
    affine maps, pieces where the function is positive, the cone count and the printed
    count."""
    from ..nets.regions import network_regions
    from .constructions.zonotope_family import family_pieces_by_cones

    _, bps, gens = FIGURE1_PANELS[panel]
    res = network_regions(figure1_network(panel), workers=1)
    c = res.counts()
    import networkx as nx

    positive = 0
    for comp in nx.connected_components(res.piece_graph()):
        amap = res.regions[min(comp)].affine_map
        positive += any(v != 0 for v in amap.matrix[0]) or amap.offset[0] != 0
    c["positive_pieces"] = positive
    c["cones"] = family_pieces_by_cones(bps, gens)
    c["printed"] = cf.zonotope_family_count(2, len(gens), [2] * len(bps))
    return c


def check_figure1(ctx: Context) -> list[Row]:
    from ..nets.regions import network_regions
    from ..certify import network_certificate

    rows = []
    for panel, (name, bps, gens) in FIGURE1_PANELS.items():
        net = figure1_network(panel)
        c = figure1_counts(panel)
        depth, size = cf.zonotope_family_size(len(gens), [2] * len(bps))
        shape = net.depth == depth and net.size == size
        if c["pieces"] != c["cones"] or not shape:
            verdict = FAILS
        else:
            verdict = HOLDS if c["pieces"] == c["printed"] else (BOUND if c["pieces"] > c["printed"] else FAILS)
        certs = ctx.certify(f"figure1_{panel}", functools.partial(_network_certificate_of, net))
        rows.append(_row("Figure 1", 5, "the paper's Figure 1 panels are members of ZONOTOPE^2_{k,2,m} with (sum_{i<2} C(m-1, i)) 2^k pieces",
                         f"{panel}: {name}, M = 1, every a^i = (1/2)", verdict,
                         f"{c['activation_regions']} activation regions, {c['linear_regions']} linear regions, {c['pieces']} pieces "
                         f"({c['positive_pieces']} where the function is positive), {c['affine_maps']} affine maps; cone count {c['cones']}, "
                         f"printed {c['printed']}; depth {net.depth}, size {net.size}",
                         "exact region enumeration (certified), cross-checked by the cone count", headline=True, certificates=certs))
    return rows


def check_theorem_39(ctx: Context) -> list[Row]:
    rows = []
    for panel, (name, bps, gens) in FIGURE1_PANELS.items():
        net = figure1_network(panel)
        depth, size = cf.zonotope_family_size(len(gens), [2] * len(bps))
        rows.append(_row("Thm 3.9", 5, "(i) every member of ZONOTOPE^n_{k,w,m} is a net of depth k + 2 and size 2m + wk", f"Figure 1 {panel}",
                         HOLDS if (net.depth, net.size) == (depth, size) else FAILS, f"depth {net.depth}, size {net.size}", "network shape",
                         ref="Thm 3.9 (i)"))
    fam = ctx.table("zonotope-family")
    bad = [r for r in fam if r["verdict"] == FAILS]
    rows.append(_row("Thm 3.9", 5, "(i) ... and has (sum_{i<n} C(m-1, i)) w^k pieces", f"{len(fam)} members of the zonotope-family table",
                     FAILS if bad else BOUND, f"{len(fam) - len(bad)} members have more pieces than printed, {len(bad)} fewer or a mismatch; "
                     "the printed count holds only as a lower bound (see Prop. 3.8 rows)", "exact region enumeration (table zonotope-family)",
                     ref="Thm 3.9 (i)"))
    for r in fam:
        if r["engine"] == "-":
            continue
        truth = int(r["engine"])
        on_line = _pieces_on_a_line(r)
        for kp in range(1, r["k"] + 1):
            need_rn = cf.min_size_rn(truth, kp, r["n"])
            need_line = cf.min_size_by_d5(on_line, kp)[0]
            need = max(need_rn, need_line)
            paper = cf.thm39_size_bound_holds(need, r["n"], r["m"], r["w"], r["k"], kp)
            inst = f"n = {r['n']}, m = {r['m']}, w = {r['w']}, k = {r['k']} (seed {r['seed']}), k' = {kp}"
            ev = (f"depth {kp + 1} needs size >= {need}: >= {need_rn} from the {truth} certified pieces (region bound "
                  f"prod_i sum_{{j<=n}} C(w_i, j)), >= {need_line} from the {on_line} pieces on the line t (1, ..., n) "
                  f"(Lemma D.5, exact); the construction has depth {r['depth']}, size {r['size']}")
            if paper:
                rows.append(_row("Thm 3.9", 5, "(ii) depth k'+1 <= k+1 needs size >= max{(1/2) k' w^(k/(k'n)) (m-1)^((1-1/n)/k') - 1, k' w^(k/k') / n^(1/k')}",
                                 inst, HOLDS, ev + "; the paper's bound follows (exact comparison)",
                                 "exact piece counts (on R^n and on a line) and exact least sizes (region bound; Lemma D.5)", ref="Thm 3.9 (ii)"))
            else:
                rows.append(_row("Thm 3.9", 5, "(ii) depth k'+1 <= k+1 needs size >= max{(1/2) k' w^(k/(k'n)) (m-1)^((1-1/n)/k') - 1, k' w^(k/k') / n^(1/k')}",
                                 inst, NOT_CHECKABLE, ev + "; below the paper's bound",
                                 "exact piece counts (on R^n and on a line) and exact least sizes (region bound; Lemma D.5)",
                                 ref="Thm 3.9 (ii)",
                                 reason="the size lower bounds polyrelu can certify (the piece count with the per-layer region bound, and "
                                        "the pieces on a line with Lemma D.5) are smaller than the paper's; deciding the paper's bound "
                                        "needs a search over all networks of that size"))
    return rows


def _pieces_on_a_line(row: dict) -> int:
    """Pieces of the family member of a table row on the line t -> t (1, 2, ..., n): any
    network for it, composed with that linear map, is an R -> R network of the same depth
    and size (the map merges into the first layer)."""
    from ..exact.affine import AffineMap
    from ..nets.network import ReluNetwork
    from ..nets.pwl1d import PWL1D

    inst = instances.zonotope_family_instance(row["n"], row["m"], row["w"], row["k"], seed=row["seed"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = inst.network()
    line = ReluNetwork.from_affine(AffineMap(tuple((mpq(i + 1),) for i in range(row["n"])), tuple(mpq(0) for _ in range(row["n"])), 1))
    return PWL1D.from_network(net.compose(line)).pieces()


def check_figure2(ctx: Context) -> list[Row]:
    from ..nets.pwl1d import PWL1D

    a1, a2 = (mpq(1, 3), mpq(2, 3)), (mpq(1, 2),)
    h1, h2 = PWL1D.from_network(zigzag(a1, 1)), PWL1D.from_network(zigzag(a2, 1))
    H = PWL1D.from_network(hard_function([a1, a2], 1))
    knots = [mpq(0), *a1, mpq(1)]
    copies = all(H.pieces_in(lo, hi) == h2.pieces_in(0, 1) and all(H(lo + (hi - lo) * x) == h2(h1(lo + (hi - lo) * x))
                                                                for x in (mpq(0), mpq(1, 4), mpq(1, 2), mpq(3, 4), mpq(1)))
                 for lo, hi in zip(knots, knots[1:]))
    ok = h1.pieces_in(0, 1) == 3 and h2.pieces_in(0, 1) == 2 and H.pieces_in(0, 1) == 6 and copies
    return [_row("Figure 2", 4, "h_{a^1} (3 pieces in [0, M]) and h_{a^2} (2 pieces) compose to H with 2 * 3 = 6 pieces; "
                 "every piece of h_{a^1} carries a full copy of h_{a^2}", "a^1 = (1/3, 2/3), a^2 = (1/2), M = 1",
                 HOLDS if ok else FAILS, f"{h1.pieces_in(0, 1)}, {h2.pieces_in(0, 1)} and {H.pieces_in(0, 1)} pieces in [0, 1]; "
                 f"a copy of h_{{a^2}} on each piece: {'yes' if copies else 'no'}", "exact breakpoint propagation", headline=True)]


def check_figure3(ctx: Context) -> list[Row]:
    from ..nets.network import ReluNetwork
    from ..nets.regions import network_regions
    from ..certify import network_certificate

    net = max_of_two()
    # (x1 + x2)/2 + |x1 - x2|/2 written out as its own network: a linear part through u = s(u) - s(-u)
    formula = ReluNetwork(2, [([[1, 1], [-1, -1], [1, -1], [-1, 1]], [0, 0, 0, 0]), ([["1/2", "-1/2", "1/2", "1/2"]], [0])])
    from .constructions.maxnet import max_affine_sequential

    same, _ = _equal(net, max_affine_sequential([([1, 0], 0), ([0, 1], 0)]))
    same2, _ = _equal(net, formula)
    c = network_regions(net, workers=1).counts()
    certs = ctx.certify("figure3_max", lambda: network_certificate(network_regions(net, workers=1)))
    ok = same and same2 and net.n_hidden_layers == 1 and net.size == 4
    return [_row("Figure 3", 3, "max{x1, x2} = (x1 + x2)/2 + |x1 - x2|/2 is a one-hidden-layer net of 4 neurons", "the gadget on R^2",
                 HOLDS if ok else FAILS, f"equal to max on all of R^2: {'yes' if same else 'no'}; {c['activation_regions']} activation regions, "
                 f"{c['pieces']} pieces", "exact network equality (regions of the difference), certified regions",
                 headline=True, certificates=certs)]


FIGURE4 = ((-1, 0, 1, 2, 3), (1, -1, 2, 0, 1))  # f: breakpoints and values


def figure4_function():
    """The function f of Figure 4 and the bias b: max{0, f + b} has 2p - 2 pieces here."""
    from ..nets.pwl1d import PWL1D

    t, v = FIGURE4
    return PWL1D(list(t), list(v), left_slope=-1, right_slope=2), mpq(-1, 2)


def check_figure4(ctx: Context) -> list[Row]:
    f, b = figure4_function()
    g = relu_shift(f, b)
    ok = g.pieces() <= cf.relu_pieces_bound(f.pieces())
    return [_row("Figure 4", 4, "g = max{0, f + b} has at most twice as many pieces as f", f"f with {f.pieces()} pieces, b = {to_str(b)}",
                 HOLDS if ok else FAILS, f"g has {g.pieces()} pieces <= 2 * {f.pieces()}", "exact breakpoint propagation", headline=True)]


# ============================================================== §6 training
def check_algorithm_1(ctx: Context) -> list[Row]:
    rows = []
    for r in ctx.table("algorithm-1"):
        inst = f"{r['loss']} loss, n = {r['n']}, D = {r['D']}, w = {r['w']} (seed {r['seed']})"
        rows.append(_row("Algorithm 1", 6, "splits of one neuron = cells of the central arrangement (<= 2 sum_{i<=n} C(D-1, i)); the minimum over "
                         "cells and signs of exact convex programs is the global optimum", inst, r["verdict"],
                         f"{r['cells']} cells (LP per subset: {r['lp_cells']}, bound {r['cell_bound']}); {r['subproblems']} subproblems "
                         f"(2^w D^(nw) = {r['paper_bound']}); optimum {r['optimum']}, brute force over all splits {r['brute_force']}",
                         "arrangement enumeration vs one exact LP per subset; exact optimum vs brute force (table algorithm-1)",
                         ref="Section 4 (Algorithm 1, Thm 4.1)"))
    return rows


def check_hardness(ctx: Context) -> list[Row]:
    return [_row("Section 4 (hardness)", 6, "exponential dependence on n is unavoidable unless P = NP", "-", NOT_CHECKABLE, "-", "-",
                 reason="a complexity statement over all algorithms, conditional on P != NP; no computation on instances decides it")]


# ============================================================== §7 around the paper
def check_zaslavsky(ctx: Context) -> list[Row]:
    rows = []
    for r in ctx.table("one-layer-regions"):
        inst = f"{r['case']}: n = {r['n']}, w = {r['w']}" + (f" (seed {r['seed']})" if r["case"] == "random" else "")
        rows.append(_row("Zaslavsky (§7)", 7, "one hidden layer of w neurons on R^n has at most sum_{i<=n} C(w, i) regions", inst, r["verdict"],
                         f"{r['regions']} regions, |chi(-1)| = {r['zaslavsky']}, bound {r['bound']}",
                         "exact region enumeration, checked against the characteristic polynomial (table one-layer-regions)"))
        rows.append(_row("Zaslavsky (§7)", 7, "the region-adjacency graph has average degree at most 2n", inst, r["verdict_degree"],
                         f"average degree {r['avg_degree']} <= {r['degree_bound']}", "exact region graph (table one-layer-regions)",
                         ref="Gaines & Bi (§7)"))
    return rows


def check_depth_conjecture(ctx: Context) -> list[Row]:
    from .constructions.maxnet import max_affine, max_affine_sequential

    rows = []
    for n in (1, 2, 3):
        fs = [([0] * n, 0)] + [([1 if i == j else 0 for i in range(n)], 0) for j in range(n)]
        net = max_affine(fs)
        same, _ = _equal(net, max_affine_sequential(fs))
        ok = same and net.n_hidden_layers == cf.theorem_21_hidden_layers(n)
        rows.append(_row("Depth conjecture (§7)", 7, "max{0, x_1, ..., x_n} with ceil(log2(n+1)) hidden layers (the upper bound)", f"n = {n}",
                         HOLDS if ok else FAILS, f"{net.n_hidden_layers} hidden layers; equal to a sequential max on R^{n}: {'yes' if same else 'no'}",
                         "exact network equality"))
    rows.append(_row("Depth conjecture (§7)", 7, "ceil(log2(n+1)) hidden layers are necessary", "all networks", NOT_CHECKABLE, "-", "-",
                     reason="a statement over all networks of a depth (proven for integer weights, refuted in general in 2025); polyrelu "
                            "checks given networks exactly (polyrelu equal), not all of them"))
    return rows


STATEMENTS: list[Statement] = [
    Statement("§1 (gadgets)", 1, "|x| and identity gadgets", check_gadgets),
    Statement("Lemma D.1", 1, "composition: depths add minus one, sizes add", check_composition),
    Statement("Lemma D.2", 1, "sum with identity padding", check_sum),
    Statement("§2 (three counts)", 2, "pieces <= linear regions <= activation regions", check_counts),
    Statement("Thm 2.1", 3, "PWL on R^n = nets with ceil(log2(n+1)) hidden layers", check_theorem_21),
    Statement("Thm 2.2", 3, "p pieces on R: one hidden layer, p - 1 to p neurons", check_theorem_22),
    Statement("Cor. A.1", 3, "a flat end: p - 1 neurons", check_cor_a1),
    Statement("Thm 2.3", 3, "density in L^q", check_theorem_23),
    Statement("Figure 3", 3, "max{x1, x2} as one hidden layer", check_figure3),
    Statement("§4 (zig-zag)", 4, "h_a: w neurons, the zig-zag", check_zigzags),
    Statement("Thm 3.2", 4, "H has w^k pieces (Lemma B.1)", check_hard_functions),
    Statement("Lemma D.3", 4, "pieces of a sum <= sum of pieces", check_lemma_d3),
    Statement("Lemma D.4", 4, "max{0, f + b} at most doubles the pieces", check_lemma_d4),
    Statement("Lemma D.5", 4, "pieces <= 2^(k-1) (w_1+1) w_2...w_k", check_lemma_d5),
    Statement("Lemma D.6", 4, "(2s/k)^k pieces; size >= (k/2) p^(1/k) - 1", check_lemma_d6),
    Statement("Thm 3.1", 4, "depth-size gap (k'/2) w^(k/k') - 1", check_theorem_31),
    Statement("Cor. 3.3", 4, "the gap at k' = k^eps", check_cor_33),
    Statement("Cor. 3.4", 4, "k^2 layers, size k^3 vs k^(k+1)/2 - 1", check_cor_34),
    Statement("Thm 3.5", 4, "the L1 version on [0, 1]", check_theorem_35),
    Statement("Figure 2", 4, "h_{a^2} o h_{a^1}: 6 pieces", check_figure2),
    Statement("Figure 4", 4, "max{0, f + b}: at most 2p pieces", check_figure4),
    Statement("Thm 3.6", 5, "|vert Z| <= 2 sum C(m-1, i)", check_zonotope_vertices),
    Statement("Lemma 3.7", 5, "g_Z: 2m neurons, a piece per vertex", check_support_network),
    Statement("Prop. 3.8", 5, "H o g_Z: (sum C(m-1, i)) w^k pieces", check_prop_38),
    Statement("Thm 3.9", 5, "ZONOTOPE family: (i) shape, count; (ii) size bound", check_theorem_39),
    Statement("Figure 1", 5, "three panels of ZONOTOPE^2", check_figure1),
    Statement("Algorithm 1", 6, "exact global optimum of one hidden layer", check_algorithm_1),
    Statement("Section 4 (hardness)", 6, "exponential in n unless P = NP", check_hardness),
    Statement("Zaslavsky (§7)", 7, "one layer: sum_{i<=n} C(w, i) regions; degree <= 2n", check_zaslavsky),
    Statement("Depth conjecture (§7)", 7, "ceil(log2(n+1)) hidden layers", check_depth_conjecture),
]


def statement_keys() -> list[str]:
    return [s.key for s in STATEMENTS]


def run_statements(keys: list[str] | None = None, ctx: Context | None = None,
                   progress: Callable[[Statement, list[Row], float], None] | None = None) -> list[Row]:
    """Run the checks of the named statements (all by default); ``progress(statement, rows,
    seconds)`` is called after each."""
    import time

    ctx = ctx or Context()
    chosen = keys or statement_keys()
    unknown = [k for k in chosen if k not in statement_keys()]
    if unknown:
        raise InvalidParameterError(f"unknown statement(s) {unknown}; available: {', '.join(statement_keys())}")
    rows: list[Row] = []
    for st in STATEMENTS:
        if st.key not in chosen:
            continue
        t = time.perf_counter()
        out = st.check(ctx)
        rows.extend(out)
        if progress is not None:
            progress(st, out, time.perf_counter() - t)
    return rows
