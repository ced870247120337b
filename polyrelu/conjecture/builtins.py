"""The built-in conjectures: runnable examples, each with its known answer.

=====================  ==========================================================  ================
name                   statement                                                   known answer
=====================  ==========================================================  ================
zaslavsky              one hidden layer of w neurons on R^n has at most            holds; attained
                       sum_{i<=n} C(w, i) activation regions, and some weights
                       in the space attain it
lemma-d5               an R -> R net with widths w_1..w_k has at most              holds (a lemma);
                       2^(k-1) (w_1 + 1) w_2...w_k pieces (Lemma D.5)              maxima reported
serra-montufar         pieces of R -> R nets <= Serra et al. 2018 Thm 1; maxima     holds; table
                       per width vector next to Montufar 2014 / Serra bounds
gaines-bi              the region-adjacency graph of a one-hidden-layer net on      holds
                       R^n has average degree <= 2n (Gaines & Bi, ICLR 2026)
gaines-bi-deep         the same for deeper nets (random sample, general engine)    holds
zonotope-lower         the family's printed count (sum_{i<n} C(m-1,i)) w^k is a     holds
                       lower bound on the pieces of H o g_Z
zonotope-exact         ... and is the exact piece count                             false
planted                every width-2 one-hidden-layer net on R^2 has at most 3      false; minimal
                       activation regions (planted false)                          counterexample
=====================  ==========================================================  ================

>>> sorted(BUILTINS)[:3]
['gaines-bi', 'gaines-bi-deep', 'lemma-d5']
"""

from __future__ import annotations

from typing import Callable

from gmpy2 import mpq

from ..errors import ConjectureSpecError
from ..paper.closed_forms import lemma_d5_upper_bound
from .bounds import montufar_lower_bound, serra_exact_1d, serra_lower_bound, serra_upper_bound, zaslavsky_bound
from .counting import pieces_1d, whitney_counts
from .model import Conjecture, ConjectureResult

__all__ = ["BUILTINS", "get_builtin", "certify_regions"]


def certify_regions(net):
    """A ``polyrelu.network-certificate`` of the network's regions, linear regions, pieces
    and affine maps (``polyrelu verify`` checks it independently)."""
    from ..certify import network_certificate
    from ..nets.regions import network_regions

    return network_certificate(network_regions(net, workers=1))


def _arch(c) -> str:
    return "x".join(map(str, c.widths))


# ------------------------------------------------------------------ zaslavsky
def _zaslavsky() -> Conjecture:
    def expect(res: ConjectureResult) -> bool:
        n = res.space["n"]
        return res.status == "holds" and all(
            int(e["max"]["value"]) == zaslavsky_bound(int(g.split()[-1]), n) for g, e in res.extremes.items())

    return Conjecture(
        name="zaslavsky",
        statement="a one-hidden-layer network of w neurons on R^n has at most sum_{i<=n} C(w, i) activation regions, "
                  "and the maximum is attained in the space",
        quantity="activation regions",
        measure=lambda c: whitney_counts(c.hyperplanes, c.n)[0],
        holds=lambda c, v: v <= zaslavsky_bound(len(c.enc), c.n),
        bound=lambda c: zaslavsky_bound(len(c.enc), c.n),
        group=lambda c: f"width {len(c.enc)}",
        default_space="exhaustive:n=2;widths=1..3;weights=-1..1",
        object_kind="first_layer",
        depends_on="hidden_layers",
        stop_at_first=False,
        certify=certify_regions,
        certify_extremes=True,
        known_answer="holds, and every width attains the bound (hyperplanes in general position exist in the box)",
        expect=expect,
        reference="Zaslavsky 1975; docs/mathematics.md §7",
        source=("builtin", "zaslavsky"),
    )


def _planted() -> Conjecture:
    def expect(res: ConjectureResult) -> bool:
        cx = res.counterexample
        return res.status == "refuted" and cx is not None and cx["value"] == "4" and cx["key"][:3] == [2, 1, 2]

    return Conjecture(
        name="planted",
        statement="every one-hidden-layer network of width 2 on R^2 has at most 3 activation regions (planted, false)",
        quantity="activation regions",
        measure=lambda c: whitney_counts(c.hyperplanes, c.n)[0],
        holds=lambda c, v: v <= 3,
        bound=lambda c: 3,
        default_space="exhaustive:n=2;widths=2;weights=-1..1",
        object_kind="first_layer",
        depends_on="hidden_layers",
        stop_at_first=True,
        certify=certify_regions,
        known_answer="false: two crossing lines give 4 regions; the minimal counterexample has weights of height 1 "
                     "and 2 nonzero weights (x1 = 0 and x2 = 0)",
        expect=expect,
        reference="planted to test the harness",
        source=("builtin", "planted"),
    )


# ------------------------------------------------------------------ networks on R
def _lemma_d5() -> Conjecture:
    def expect(res: ConjectureResult) -> bool:
        # a one-hidden-layer net with w neurons has at most w + 1 pieces, attained when w
        # distinct breakpoints -b/a exist in the box (3 of them for weights -1..1)
        ok = res.status == "holds"
        for g, e in res.extremes.items():
            ws = [int(x) for x in g.split("x")]
            if len(ws) == 1 and ws[0] <= 3:
                ok &= int(e["max"]["value"]) == ws[0] + 1
        return ok

    return Conjecture(
        name="lemma-d5",
        statement="an R -> R network with hidden widths w_1..w_k has at most 2^(k-1) (w_1 + 1) w_2 ... w_k pieces (Lemma D.5)",
        quantity="pieces",
        measure=lambda c: pieces_1d(c.network),
        holds=lambda c, v: v <= lemma_d5_upper_bound(c.widths),
        bound=lambda c: lemma_d5_upper_bound(c.widths),
        group=_arch,
        default_space="exhaustive:n=1;widths=1,2,3,1x1,2x1,1x2;weights=-1..1",
        depends_on="function_mod_constant",
        stop_at_first=False,
        certify=certify_regions,
        certify_extremes=True,
        known_answer="holds (a lemma); for one hidden layer the maximum w + 1 is attained for w <= 3 over weights -1..1",
        expect=expect,
        reference="Arora et al. 2018, Lemma D.5; docs/mathematics.md §4",
        source=("builtin", "lemma-d5"),
    )


def serra_montufar_table(res: ConjectureResult) -> list[dict]:
    """Per width vector: the exact maximum of pieces found in the space next to the
    published bounds (see :mod:`.bounds`)."""
    rows = []
    for g, e in sorted(res.extremes.items(), key=lambda kv: ([int(x) for x in kv[0].split("x")])):
        ws = [int(x) for x in g.split("x")]
        rows.append({
            "widths": g,
            "max_pieces_in_space": int(e["max"]["value"]),
            "serra_upper_thm1": serra_upper_bound(ws, 1),
            "serra_exact_thm5": serra_exact_1d(ws),
            "serra_lower_thm6": serra_lower_bound(ws, 1),
            "montufar_lower": montufar_lower_bound(ws, 1),
            "lemma_d5": lemma_d5_upper_bound(ws),
        })
    return rows


def _serra_montufar() -> Conjecture:
    def expect(res: ConjectureResult) -> bool:
        return res.status == "holds" and all(r["max_pieces_in_space"] <= r["serra_upper_thm1"] <= r["lemma_d5"]
                                            for r in serra_montufar_table(res))

    return Conjecture(
        name="serra-montufar",
        statement="an R -> R network with hidden widths n_1..n_L has at most Serra et al.'s Theorem 1 bound of pieces; "
                  "the exact maxima over the space are tabulated against Montufar et al. 2014 and Serra et al. 2018",
        quantity="pieces",
        measure=lambda c: pieces_1d(c.network),
        holds=lambda c, v: v <= serra_upper_bound(c.widths, 1),
        bound=lambda c: serra_upper_bound(c.widths, 1),
        group=_arch,
        default_space="exhaustive:n=1;widths=1,2,3,1x1,2x1,1x2;weights=-1..1",
        depends_on="function_mod_constant",
        stop_at_first=False,
        certify=certify_regions,
        certify_extremes=True,
        known_answer="holds (Serra Thm 1 bounds activation regions, hence pieces); the table shows how far small "
                     "integer weights get",
        expect=expect,
        reference="Montufar, Pascanu, Cho, Bengio 2014; Serra, Tjandraatmadja, Ramalingam 2018 (Thm 1, 5, 6)",
        source=("builtin", "serra-montufar"),
    )


# ------------------------------------------------------------------ adjacency degree
def _degree(c) -> mpq:
    r, f = whitney_counts(c.hyperplanes, c.n)
    return mpq(2 * f, r)


def _gaines_bi() -> Conjecture:
    return Conjecture(
        name="gaines-bi",
        statement="the region-adjacency graph of a one-hidden-layer network on R^n has average degree at most 2n",
        quantity="average degree of the region graph",
        measure=_degree,
        holds=lambda c, v: v <= 2 * c.n,
        bound=lambda c: 2 * c.n,
        group=lambda c: f"width {len(c.enc)}",
        default_space="exhaustive:n=2;widths=1..4;weights=-1..1",
        object_kind="first_layer",
        depends_on="hidden_layers",
        stop_at_first=True,
        known_answer="holds (Gaines & Bi, ICLR 2026)",
        expect=lambda res: res.status == "holds",
        reference="Gaines & Bi, Characterizing the Discrete Geometry of ReLU Networks, ICLR 2026; docs/mathematics.md §7",
        source=("builtin", "gaines-bi"),
    )


def _deep_degree(c) -> mpq:
    from ..nets.regions import network_regions

    res = network_regions(c.network, workers=1)
    G = res.region_graph()
    return mpq(2 * G.number_of_edges(), G.number_of_nodes())


def _gaines_bi_deep() -> Conjecture:
    return Conjecture(
        name="gaines-bi-deep",
        statement="the region-adjacency graph (activation regions sharing a facet) of a ReLU network on R^n has "
                  "average degree at most 2n",
        quantity="average degree of the region graph",
        measure=_deep_degree,
        holds=lambda c, v: v <= 2 * c.n,
        bound=lambda c: 2 * c.n,
        group=_arch,
        default_space="random:n=2;widths=2x2,3x2;weights=-2..2;samples=40;seed=0",
        depends_on="hidden_layers",
        stop_at_first=True,
        known_answer="holds (Gaines & Bi, ICLR 2026)",
        expect=lambda res: res.status == "holds",
        reference="Gaines & Bi, ICLR 2026",
        source=("builtin", "gaines-bi-deep"),
    )


# ------------------------------------------------------------------ zonotope family
def _family_pieces(c) -> int:
    from ..paper.constructions.zonotope_family import family_pieces_by_cones

    sp = c.space
    return family_pieces_by_cones(sp.breakpoints, sp.generators(c.enc), 1)


def _printed(c) -> int:
    from ..paper.constructions.zonotope_family import paper_family_count

    sp = c.space
    return paper_family_count(sp.n, len(c.enc), [sp.w] * sp.k)


def _zonotope(exact: bool) -> Conjecture:
    name = "zonotope-exact" if exact else "zonotope-lower"
    return Conjecture(
        name=name,
        statement=("the pieces of every member H o g_Z of ZONOTOPE^n_{k,w,m} number exactly "
                   if exact else "every member H o g_Z of ZONOTOPE^n_{k,w,m} has at least ")
                  + "(sum_{i<n} C(m-1, i)) w^k pieces (Prop. 3.8 / Thm 3.9 as printed)",
        quantity="pieces",
        measure=_family_pieces,
        holds=(lambda c, v: v == _printed(c)) if exact else (lambda c, v: v >= _printed(c)),
        bound=_printed,
        group=lambda c: f"m = {len(c.enc)}",
        default_space="exhaustive:n=2;m=2..3;w=2;k=1;weights=-1..1",
        object_kind="zonotope_family",
        depends_on="function",
        stop_at_first=exact,
        certify=certify_regions,
        certify_extremes=not exact,
        known_answer=("false: the true count is larger (about twice: each pair of opposite vertices of Z gives two cones)"
                      if exact else "holds: the printed count is a lower bound"),
        expect=(lambda res: res.status == "refuted") if exact else (lambda res: res.status == "holds"),
        reference="Arora et al. 2018, Prop. 3.8 / Thm 3.9; docs/mathematics.md §5",
        source=("builtin", name),
    )


_FACTORIES: dict[str, Callable[[], Conjecture]] = {
    "zaslavsky": _zaslavsky,
    "lemma-d5": _lemma_d5,
    "serra-montufar": _serra_montufar,
    "gaines-bi": _gaines_bi,
    "gaines-bi-deep": _gaines_bi_deep,
    "zonotope-lower": lambda: _zonotope(False),
    "zonotope-exact": lambda: _zonotope(True),
    "planted": _planted,
}

BUILTINS = tuple(sorted(_FACTORIES))


def get_builtin(name: str) -> Conjecture:
    """The built-in conjecture called ``name`` (see the module docstring)."""
    try:
        return _FACTORIES[name]()
    except KeyError:
        raise ConjectureSpecError(f"no built-in conjecture {name!r}; built-ins: {', '.join(BUILTINS)}") from None
