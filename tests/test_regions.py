import itertools
import random
from math import comb

import pytest
from gmpy2 import mpq
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu.cli import main
from polyrelu.paper.constructions import absolute_value, hard_function, identity, max_of_two, zigzag
from polyrelu.nets.network import ReluNetwork
from polyrelu.geometry.polyhedron import OpenPolyhedron
from polyrelu.nets.equality import networks_equal
from polyrelu.nets.regions import network_regions
from strategies import networks


def rand_net(dims, seed, lo=-9, hi=9):
    rng = random.Random(seed)
    return ReluNetwork(dims[0], [([[rng.randint(lo, hi) for _ in range(a)] for _ in range(b)], [rng.randint(lo, hi) for _ in range(b)]) for a, b in zip(dims, dims[1:])])


def inside(reg, x):
    return all(sum((u * v for u, v in zip(a, x)), mpq(0)) < b for a, b in reg.inequalities)


def test_small_closed_forms():
    assert network_regions(absolute_value()).counts() == {"activation_regions": 2, "linear_regions": 2, "pieces": 2, "affine_maps": 2, "partial": False}
    c = network_regions(max_of_two()).counts()
    assert (c["pieces"], c["affine_maps"]) == (2, 2)
    ident = identity(2).compose(identity(2))
    c = network_regions(ident).counts()
    assert (c["linear_regions"], c["pieces"], c["affine_maps"]) == (1, 1, 1)


@pytest.mark.parametrize("n, w", [(1, 4), (2, 5), (3, 6)])
def test_one_hidden_layer_generic(n, w):
    rng = random.Random(n * 31 + w)
    for _ in range(20):  # redraw until in general position
        net = rand_net([n, w, 1], rng.randint(0, 10**6), -40, 40)
        from polyrelu.geometry.arrangement import HyperplaneArrangement

        A = HyperplaneArrangement([(row, -b) for row, b in zip(net.layers[0].weights, net.layers[0].biases)])
        if A.n_regions_zaslavsky() == sum(comb(w, i) for i in range(n + 1)):
            break
    assert network_regions(net).n_activation_regions == sum(comb(w, i) for i in range(n + 1))


def test_hard_function_pieces_on_R_and_in_the_interval():
    H = hard_function([["1/2"], ["1/2"]], 1)
    assert network_regions(H).n_pieces == 6  # 4 in [0, 1] plus the two zero rays
    assert network_regions(H, domain=OpenPolyhedron.box(1, 0, 1)).n_pieces == 4
    H3 = hard_function([["1/3", "2/3"]] * 2, 1)
    assert network_regions(H3, domain=OpenPolyhedron.box(1, 0, 1)).n_pieces == 9


def test_duplicate_dead_and_zero_neurons():
    # neuron 0 duplicated (twice, one rescaled), neuron 3 dead everywhere, neuron 4 all zeros
    net = ReluNetwork(2, [([[1, 1], [1, 1], [2, 2], [0, 0], [0, 0]], [0, 0, 0, -1, 0]), ([[1, 1, 1, 5, 7]], [0])])
    r = network_regions(net)
    assert r.n_activation_regions == 2 and r.n_pieces == 2
    assert {reg.pattern for reg in r.regions} == {((1, 1, 1, 0, 0),), ((0, 0, 0, 0, 0),)}


@settings(max_examples=25)
@given(networks(input_dim=2, max_hidden=2, max_width=3, integer=True))
def test_brute_force_grid_and_maps(net):
    res = network_regions(net)
    patterns = {r.pattern: r for r in res.regions}
    assert len(patterns) == len(res.regions)
    for r in res.regions:
        assert inside(r, r.witness)
        assert r.affine_map(r.witness) == net.evaluate(r.witness)
    axis = [mpq(k, 2) for k in range(-12, 13)]
    for x in itertools.product(axis, repeat=2):
        pre = net.preactivations(x)
        if any(v == 0 for z in pre for v in z):
            continue
        pat = net.activation_pattern(x)
        # the grid point lies in the region with its pattern, whose map is exact there
        reg = patterns.get(pat)
        if reg is None:
            # neurons identically zero on a region are reported 0: find that region
            reg = next(r for r in res.regions if inside(r, x))
        assert inside(reg, x)
        assert reg.affine_map(x) == net.evaluate(x)
    c = res.counts()
    assert c["pieces"] <= c["linear_regions"] <= c["activation_regions"]
    assert c["affine_maps"] <= c["pieces"]


@settings(max_examples=15)
@given(networks(input_dim=2, max_hidden=2, max_width=3, integer=True), st.integers(1, 5))
def test_invariant_under_rescaling_and_permutation(net, c):
    base = network_regions(net).counts()
    if net.n_hidden_layers:
        scaled = net.rescale_neuron(0, 0, c)
        assert network_regions(scaled).counts() == base
        L0, L1 = net.layers[0], net.layers[1]
        perm = list(reversed(range(L0.n_out)))
        layers = [( [L0.weights[i] for i in perm], [L0.biases[i] for i in perm]), ([[row[i] for i in perm] for row in L1.weights], L1.biases)]
        layers += [(l.weights, l.biases) for l in net.layers[2:]]
        assert network_regions(ReluNetwork(net.input_dim, layers)).counts() == base


def test_same_answer_with_processes():
    net = rand_net([2, 6, 6, 1], 5)
    a, b = network_regions(net, workers=1), network_regions(net, workers=2)
    assert [r.pattern for r in a.regions] == [r.pattern for r in b.regions]
    assert [r.witness for r in a.regions] == [r.witness for r in b.regions]


def test_region_graph_edges_are_boundaries_and_planar():
    net = rand_net([2, 5, 4, 1], 9)
    res = network_regions(net)
    G = res.region_graph()
    # the regions of a network on R^2 are convex and tile the plane: their adjacency graph
    # is planar, so E <= 3V - 6
    assert G.number_of_nodes() >= 3 and G.number_of_edges() <= 3 * G.number_of_nodes() - 6
    for u, v, d in G.edges(data=True):
        pu, pv = res.regions[u].pattern, res.regions[v].pattern
        z = net.preactivations(d["point"])
        assert pu != pv and any(val == 0 for layer in z for val in layer)  # on a boundary
        for li, layer in enumerate(z):  # preactivations are continuous: a nonzero one fixes the bit on both sides
            for j, val in enumerate(layer):
                if val != 0:
                    assert pu[li][j] == pv[li][j] == (1 if val > 0 else 0)


def test_region_graph_of_lines_in_general_position():
    # one hidden layer of N neurons whose lines are in general position: the regions are
    # those of the arrangement, 1 + N + C(N, 2) of them, and each line is cut into N
    # segments by the others, each a facet between two regions: N^2 edges
    lines = [(1, 0, 0), (0, 1, 0), (1, 1, -1), (1, -1, 2), (2, 1, 3)]
    N = len(lines)
    net = ReluNetwork(2, [([[a, b] for a, b, _ in lines], [c for _, _, c in lines]), ([[1] * N], [0])])
    G = network_regions(net).region_graph()
    assert G.number_of_nodes() == 1 + N + N * (N - 1) // 2 and G.number_of_edges() == N * N


def test_equality():
    assert networks_equal(max_of_two(), max_of_two().rescale_neuron(0, 2, 3)) == (True, None)
    same, x = networks_equal(zigzag(["1/2"], 1), zigzag(["1/3"], 1))
    assert not same and zigzag(["1/2"], 1).evaluate(x) != zigzag(["1/3"], 1).evaluate(x)
    # max{x1, x2} = x2 + relu(x1 - x2): a different network of the same function
    other = ReluNetwork(2, [([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], [0])])
    assert networks_equal(max_of_two(), other)[0]


def test_cli_regions_and_equal(tmp_path, capsys):
    p = tmp_path / "h.json"
    hard_function([["1/2"], ["1/2"]], 1).save(p)
    assert main(["regions", str(p), "--json", "--domain", "box:0,1"]) == 0
    import json

    assert json.loads(capsys.readouterr().out)["pieces"] == 4
    q = tmp_path / "z.json"
    zigzag(["1/3"], 1).save(q)
    assert main(["equal", str(p), str(q)]) == 1
    assert "different at x" in capsys.readouterr().out
    assert main(["regions", str(p), "--domain", "box:1,0"]) == 2
    big = tmp_path / "big.json"
    rand_net([2, 8, 8, 1], 3).save(big)
    assert main(["regions", str(big), "--max-regions", "3"]) == 4


# ------------------------------------------------------------- certificates
import copy  # noqa: E402

from polyrelu.verify import verify  # noqa: E402
from polyrelu.errors import CertificateError  # noqa: E402
from polyrelu.certify import network_certificate


@pytest.fixture(scope="module")
def net_cert():
    return network_certificate(network_regions(rand_net([2, 4, 3, 1], 3, -5, 5)))


def test_network_certificate_verifies(net_cert):
    summary = verify(net_cert)
    assert summary["activation_regions"] == len(net_cert["regions"])
    for net in (max_of_two(), hard_function([["1/2"], ["1/2"]], 1), identity(2)):
        assert verify(network_certificate(network_regions(net)))["pieces"] == network_regions(net).n_pieces
    box = OpenPolyhedron.box(1, 0, 1)
    c = network_certificate(network_regions(hard_function([["1/2"], ["1/2"]], 1), domain=box))
    assert verify(c)["pieces"] == 4


def _drop_region(c):
    c["regions"].pop(2)
    c["counts"]["activation_regions"] -= 1


def _bad_join(c):
    c["piece_joins"].append({"regions": [0, 1], "point": c["regions"][0]["witness"]})


@pytest.mark.parametrize(
    "change, reason",
    [
        (_drop_region, "not listed|regions"),
        (lambda c: c["counts"].__setitem__("pieces", c["counts"]["pieces"] + 1), r"counts\.pieces: is \d+ but the verified count is"),
        (lambda c: c["regions"][0].__setitem__("witness", c["regions"][1]["witness"]), r"regions\[0\]\.witness: does not have the claimed pattern"),
        (_bad_join, "different affine maps|both closures"),
        (lambda c: c["network"]["layers"][-1]["biases"].__setitem__(0, "7"), "digest"),
        (lambda c: c["regions"][0]["facets"].pop(), "not a listed facet|neither a facet"),
    ],
)
def test_network_certificate_tampering_rejected(net_cert, change, reason):
    c = copy.deepcopy(net_cert)
    change(c)
    with pytest.raises(CertificateError, match=reason):
        verify(c)
