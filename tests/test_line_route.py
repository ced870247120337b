"""The exact 1-D path (polyrelu.nets.line) against the cell engine, on the same networks.

Both routes must give the same regions (patterns and affine maps), the same counts, the
same region graph and piece graph, and certificates that differ only in the witness each
route picks inside a region (and in the order of the regions: the 1-D path lists them
left to right).  Networks are random (rational weights) and degenerate (small integer
weights: dead, duplicate and zero neurons, coincident breakpoints).
"""

import pytest
from gmpy2 import mpq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polyrelu.certify import network_certificate
from polyrelu.geometry.polyhedron import OpenPolyhedron
from polyrelu.io.graphs import network_graph_to_dict
from polyrelu.nets.equality import networks_equal
from polyrelu.nets.line import interval_of, line_cells
from polyrelu.nets.network import ReluNetwork
from polyrelu.nets.pwl1d import PWL1D
from polyrelu.nets.regions import LineRegions, NetworkRegions, network_regions
from polyrelu.paper.constructions import hard_function, zigzag
from polyrelu.verify import verify
from strategies import networks, rationals

BOXES = [None, (-1, 2), (0, 1), (mpq(-1, 3), mpq(5, 7))]


def both(net, box):
    dom = OpenPolyhedron.box(1, *box) if box is not None else None
    line = network_regions(net, domain=dom)
    cells = network_regions(net, domain=dom, route="cells")
    assert isinstance(line, LineRegions) and isinstance(line, NetworkRegions) and not isinstance(cells, LineRegions)
    return line, cells


def by_pattern(res):
    out = {}
    for r in res.regions:
        assert r.pattern not in out  # one region per pattern
        out[r.pattern] = r
    return out


def graph_by_pattern(res, G):
    pat = [r.pattern for r in res.regions]
    return {frozenset((pat[u], pat[v])): d.get("point") for u, v, d in G.edges(data=True)}


def assert_same(net, box):
    line, cells = both(net, box)
    assert line.counts() == cells.counts()
    L, C = by_pattern(line), by_pattern(cells)
    assert L.keys() == C.keys()
    for p, r in L.items():
        assert r.affine_map == C[p].affine_map
        x = r.witness
        assert net.activation_pattern(x) == p  # the 1-D witness lies inside its region
        if box is not None:
            assert box[0] < x[0] < box[1]
        for a, b in r.inequalities:  # the H-rows hold at the witness, and at the other route's
            assert a[0] * x[0] < b and a[0] * C[p].witness[0] < b
    # regions listed left to right
    xs = [r.witness[0] for r in line.regions]
    assert xs == sorted(xs)
    assert graph_by_pattern(line, line.region_graph()) == graph_by_pattern(cells, cells.region_graph())
    assert set(graph_by_pattern(line, line.piece_graph())) == set(graph_by_pattern(cells, cells.piece_graph()))
    pl, pc = [r.pattern for r in line.regions], [r.pattern for r in cells.regions]
    assert {frozenset(pl[i] for i in g) for g in line.map_groups()} == {frozenset(pc[i] for i in g) for g in cells.map_groups()}
    # the function: pieces agree with PWL1D (maximal intervals where f is affine)
    f = PWL1D.from_network(net)
    assert line.n_pieces == (f.pieces() if box is None else f.pieces_in(*box))
    return line, cells


@settings(max_examples=60, deadline=None)
@given(networks(input_dim=1, output_dim=1, max_hidden=3, max_width=4), st.sampled_from(BOXES))
def test_routes_agree_on_random_networks(net, box):
    assert_same(net, box)


@settings(max_examples=60, deadline=None)
@given(networks(input_dim=1, output_dim=1, max_hidden=3, max_width=3, integer=True), st.sampled_from(BOXES))
def test_routes_agree_on_degenerate_networks(net, box):
    assert_same(net, box)


@settings(max_examples=25, deadline=None)
@given(networks(input_dim=1, output_dim=2, max_hidden=2, max_width=3), st.sampled_from(BOXES))
def test_routes_agree_with_two_outputs(net, box):
    line, cells = both(net, box)
    assert line.counts() == cells.counts()
    assert {p: r.affine_map for p, r in by_pattern(line).items()} == {p: r.affine_map for p, r in by_pattern(cells).items()}


@pytest.mark.parametrize("net", [
    ReluNetwork(1, [([[0], [0]], [1, -1]), ([[1, 1]], [2])]),                      # constant neurons only
    ReluNetwork(1, [([[1], [1], [2]], [0, 0, 0]), ([[1, -1, 0]], [0])]),           # coincident breakpoints, f = 0
    ReluNetwork(1, [([[1], [-1]], [0, 0]), ([[1, 1], [0, 0]], [0, -1]), ([[1, 1]], [0])]),  # a dead second layer neuron
    ReluNetwork(1, [([[1]], [0]), ([[1]], [0]), ([[-1]], [0])]),                   # a neuron identically 0 on x < 0
    ReluNetwork(1, [([["1/3"]], ["-1/7"])]),                                        # affine: no hidden layer
    zigzag(["1/3", "1/2"], 1),
    hard_function([["1/3", "2/3"], ["1/4", "1/2", "3/4"]], 1),
])
@pytest.mark.parametrize("box", BOXES)
def test_routes_agree_on_the_zoo(net, box):
    assert_same(net, box)


def certificate_by_pattern(res):
    cert = network_certificate(res)
    pats = [tuple(reg["pattern"]) for reg in cert["regions"]]
    regions = {}
    for reg in cert["regions"]:
        reg = dict(reg)
        reg.pop("witness")
        regions[tuple(reg["pattern"])] = reg
    joins = {frozenset((pats[a], pats[b])): j["point"] for j in cert["piece_joins"] for a, b in [j["regions"]]}
    seps = {frozenset((pats[a], pats[b])): s["multipliers"] for s in cert["piece_separations"] for a, b in [s["regions"]]}
    rest = {k: v for k, v in cert.items() if k not in ("regions", "piece_joins", "piece_separations")}
    return cert, (regions, joins, seps, rest)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(input_dim=1, output_dim=1, max_hidden=2, max_width=3, integer=True), st.sampled_from(BOXES))
def test_certificates_agree(net, box):
    line, cells = both(net, box)
    cert_line, key_line = certificate_by_pattern(line)
    cert_cells, key_cells = certificate_by_pattern(cells)
    assert key_line == key_cells
    assert verify(cert_line)["pieces"] == line.n_pieces


def test_graph_files_agree_up_to_region_order():
    net = hard_function([["1/3", "2/3"], ["1/2"]], 1)
    line, cells = both(net, (0, 1))
    gl, gc = network_graph_to_dict(line.region_graph()), network_graph_to_dict(cells.region_graph())
    pl = {n["id"]: tuple(n["pattern"]) for n in gl["nodes"]}
    pc = {n["id"]: tuple(n["pattern"]) for n in gc["nodes"]}
    assert {(frozenset((pl[e["source"]], pl[e["target"]])), tuple(e["point"])) for e in gl["edges"]} == \
        {(frozenset((pc[e["source"]], pc[e["target"]])), tuple(e["point"])) for e in gc["edges"]}
    assert {pl[n["id"]]: n["affine_map"] for n in gl["nodes"]} == {pc[n["id"]]: n["affine_map"] for n in gc["nodes"]}


@pytest.mark.parametrize("budget", [1, 3, 7, 26])
def test_budget_gives_a_prefix_of_the_enumeration(budget):
    # a partial result (either route) is the enumeration of the first completed layers, with
    # the hidden outputs as maps: the full enumeration of the truncated network
    net = hard_function([["1/3", "2/3"], ["1/2"], ["1/4", "1/2", "3/4"]], 1)
    full = network_regions(net, route="cells").n_activation_regions
    for route in ("line", "cells"):
        res = network_regions(net, max_regions=budget, route=route)
        if not res.partial:
            assert res.n_activation_regions == full
            continue
        k = res.info["layers_completed"]
        assert k < net.n_hidden_layers and res.info["activation_regions_at_least"] <= full
        width = net.layers[k - 1].n_out if k else 1
        ident = [[1 if i == j else 0 for j in range(width)] for i in range(width)]
        prefix = ReluNetwork(1, [(l.weights, l.biases) for l in net.layers[:k]] + [(ident, [0] * width)])
        ref = network_regions(prefix, route="cells")
        got = {r.pattern: r.affine_map for r in res.regions}
        assert got == {r.pattern: r.affine_map for r in ref.regions}
    line = network_regions(net, max_regions=budget)
    if budget >= full:
        assert not line.partial


def test_hard_function_counts_closed_form():
    # w^k pieces in (0, M) (Lemma B.1); on R two more linear pieces outside [0, M] minus the flat left one
    net = hard_function([["1/3", "2/3"]] * 5, 1)
    inside = network_regions(net, domain=OpenPolyhedron.box(1, 0, 1))
    assert inside.n_pieces == 3**5 == inside.n_linear_regions
    cells = line_cells(net)
    assert cells.n_regions == network_regions(net, route="cells").n_activation_regions


def test_equality_on_the_line():
    h = zigzag(["1/2"], 1)
    assert networks_equal(h, h.rescale_neuron(0, 1, 5)) == (True, None)
    same, x = networks_equal(h, zigzag(["1/3"], 1))
    assert not same and h.evaluate(x) != zigzag(["1/3"], 1).evaluate(x)
    # the difference vanishes at a region's witness but not on the region
    f = ReluNetwork(1, [([[1]], [0]), ([[2]], [-1])])          # 2 relu(x) - 1
    g = ReluNetwork(1, [([[1]], [0]), ([[1]], [0])])           # relu(x)
    same, x = networks_equal(f, g, domain=OpenPolyhedron.box(1, 0, 2))
    assert not same and f.evaluate(x) != g.evaluate(x) and 0 < x[0] < 2


def test_interval_of_domains():
    assert interval_of(None) == (None, None)
    assert interval_of(OpenPolyhedron.box(1, -1, 2)) == (-1, 2)
    half = OpenPolyhedron.from_inequalities(1, [([-2], 3)])                # -2x < 3: x > -3/2
    assert interval_of(half) == (mpq(-3, 2), None)
    assert interval_of(OpenPolyhedron.from_inequalities(1, [([1], 0), ([-1], 0)])) is None
    assert interval_of(OpenPolyhedron.from_inequalities(1, [([0], 1)])) == (None, None)
    assert interval_of(OpenPolyhedron.from_inequalities(1, [([0], 0)])) is None
    empty = OpenPolyhedron.from_inequalities(1, [([1], 0), ([-1], 0)])
    res = network_regions(zigzag(["1/2"], 1), domain=empty)
    assert res.counts() == network_regions(zigzag(["1/2"], 1), domain=empty, route="cells").counts()


def test_large_coefficients_stay_exact():
    big = 10**30
    net = ReluNetwork(1, [([[big], [-big], [1]], [1, big + 1, -mpq(1, big)]), ([[1, 1, big]], [0])])
    assert_same(net, None)
    assert_same(net, (mpq(-1, big), mpq(1, big)))


def test_route_option_checked():
    with pytest.raises(Exception, match="route"):
        network_regions(zigzag(["1/2"], 1), route="fast")
    with pytest.raises(Exception, match="route"):
        network_regions(ReluNetwork(2, [([[1, 1]], [0])]), route="line")


def test_accessors_of_the_line_result():
    from polyrelu.nets.regions import ActivationRegion

    res = network_regions(zigzag(["1/2"], 1))
    assert len(res) == res.n_activation_regions == len(res.regions) == 3
    assert [r.pattern for r in res.regions] == [((0, 0),), ((1, 0),), ((1, 1),)]  # left to right
    for i, r in enumerate(res.regions):
        assert isinstance(r, ActivationRegion) and res.index_of(r.pattern) == i
        assert (res.pattern(i), res.witness(i), res.affine_map(i)) == (r.pattern, r.witness, r.affine_map)
        assert res.regions[i] is r  # built once
    assert res.index_of(((0, 1),)) is None  # x < 0 and x > 1/2 at once
    assert [r.pattern for r in res.iter_regions()] == [r.pattern for r in res.regions[::1]]
    assert res.info["route"] == "line" and not res.partial


@pytest.mark.parametrize("box", [None, (0, 1)])
def test_shards_agree_with_the_cell_engine(tmp_path, box):
    # the 1-D route writes the same regions (pattern -> exact map) as the cell engine, each
    # witness has its region's pattern, and the streamed counts agree with the result's
    from polyrelu.io.shards import counts_from_shards, iter_shard, write_shards

    net = hard_function([["1/3", "2/3"], ["1/2"]], 1).add(zigzag(["1/4"], 1))
    line, cells = both(net, box)
    rows = {}
    for name, res in (("line", line), ("cells", cells)):
        paths = write_shards(res, tmp_path / name, shard_size=5)
        assert counts_from_shards(paths) == {"activation_regions": res.n_activation_regions, "affine_maps": res.n_affine_maps}
        got = {}
        for p in paths:
            it = iter_shard(p)
            den = mpq(next(it)["denominator"])
            for row in it:
                pattern = tuple(tuple(int(c) for c in layer) for layer in row["pattern"])
                assert net.activation_pattern([mpq(v) for v in row["witness"]]) == pattern
                got[pattern] = tuple(tuple(mpq(v) / den for v in r) for r in row["map"])
        rows[name] = got
    assert rows["line"] == rows["cells"] and len(rows["line"]) == line.n_activation_regions
