"""Every one-field mutation of real certificates is rejected cleanly by the verifier.

For each certificate below, every mutation of :mod:`certificate_mutations` (numbers to
strings, floats, huge and negative values; lists to objects and back; missing, extra and
swapped entries; truncation; null) is fed to :func:`polyrelu.verify.verify`, which must
raise :class:`CertificateError` (or :class:`FileFormatError` when the mutation makes the
object not a certificate polyrelu reads: the root, its ``"format"`` or ``"version"``) and
nothing else.

Some mutations leave a valid certificate: reordering a list whose order means nothing,
choosing another point where any point of a set serves, dropping a proof that is not
needed.  They are listed in :data:`NEUTRAL` with the reason, and such a mutation may be
accepted only if the verifier's summary is unchanged (or changes exactly as the rule
says).  Anything else accepted is a verifier bug.

The default run takes a deterministic stratified sample (every kind of mutation at every
kind of field, then a fixed number more; the two large data certificates, whose fields are
those of data-figure1_left, a plain sample); ``-m slow`` runs all of them.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest
from certificate_mutations import Mutation, matches, mutations, run

from polyrelu.errors import CertificateError, FileFormatError
from polyrelu.verify import verify

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- certificates
def _certificates() -> dict[str, dict[str, Any]]:
    from polyrelu.certify import arrangement_certificate, network_certificate
    from polyrelu.geometry.arrangement import HyperplaneArrangement
    from polyrelu.geometry.polyhedron import OpenPolyhedron
    from polyrelu.io import formats
    from polyrelu.nets.network import ReluNetwork
    from polyrelu.nets.regions import network_regions
    from polyrelu.paper.constructions import max_of_two
    from polyrelu.training.trainer import ExactReluTrainer

    out: dict[str, dict[str, Any]] = {}
    # parallel and coincident hyperplanes (rows 2 and 3 are one hyperplane)
    A = HyperplaneArrangement([([1, 0], 0), ([0, 1], 0), ([1, 1], 1), ([2, 2], 2), ([1, -1], "1/2")])
    out["arrangement"] = arrangement_certificate(A)
    out["arrangement-box"] = arrangement_certificate(A, inside=OpenPolyhedron.box(2, -1, "3/2"))
    empty = OpenPolyhedron.from_inequalities(2, [([1, 0], 0), ([-1, 1], 0), ([0, -1], 0)])  # x < 0, y < x, y > 0
    out["arrangement-empty"] = arrangement_certificate(A, inside=empty)
    net = ReluNetwork(2, [([[1, 1], [1, -1], [0, 1]], [0, "1/2", -1]), ([[1, -1, 2], [0, 1, 1]], [0, 0]), ([[1, -2]], [1])])
    out["network"] = network_certificate(network_regions(net))
    out["network-box"] = network_certificate(network_regions(net, domain=OpenPolyhedron.box(2, 0, 1)))
    out["network-empty"] = network_certificate(network_regions(max_of_two(), domain=empty))
    X1, X2 = [[0], [1], [2], [3], [4]], [[0, 0], [1, 0], [0, 1], [1, 1]]
    out["training-absolute"] = ExactReluTrainer(width=2, loss="absolute").fit(X1, [0, 2, 1, 3, 0]).certificate_
    out["training-absolute-2d"] = ExactReluTrainer(width=1, loss="absolute").fit(X2, [0, 1, 1, 0]).certificate_
    out["training-squared"] = ExactReluTrainer(width=2, loss="squared", output_bias=True).fit(X1[:4], [0, 2, 1, 3]).certificate_
    out["training-hinge"] = ExactReluTrainer(width=1, loss="hinge").fit(X1, [1, -1, 1, -1, 1]).certificate_
    for path in sorted((ROOT / "data" / "certificates").glob("*.json")):
        out[f"data-{path.stem}"] = formats.load(path)
    return {k: json.loads(json.dumps(v)) for k, v in out.items()}  # plain JSON, as read from a file


@pytest.fixture(scope="module")
def certificates() -> dict[str, dict[str, Any]]:
    return _certificates()


def _kind(cert: dict[str, Any]) -> str:
    return {"polyrelu.arrangement-certificate": "arrangement", "polyrelu.network-certificate": "network",
            "polyrelu.training-certificate": "training"}[cert["format"]]


def test_the_certificates_are_valid_and_nontrivial(certificates):
    for name, cert in certificates.items():
        summary = verify(cert)
        assert summary["kind"] == _kind(cert)
    assert verify(certificates["network-empty"])["activation_regions"] == 0
    assert verify(certificates["arrangement-empty"])["n_regions"] == 0
    training = [verify(certificates[name]) for name in ("training-absolute", "training-absolute-2d", "training-squared", "training-hinge")]
    assert all(s["optimum"] != "0" and s["by_dual"] > 0 for s in training)
    assert training[0]["by_sign_bound"] > 0 and training[2]["by_sign_bound"] > 0  # both routes of check 5 are exercised


# --------------------------------------------------------------------------- neutral mutations
@dataclass(frozen=True)
class Rule:
    """Mutations that may leave a valid certificate, and why."""

    certs: tuple[str, ...]  # certificate kinds
    patterns: tuple[str, ...]
    kinds: tuple[str, ...] | None  # None: every kind
    reason: str
    summary_may_change: tuple[str, ...] = ()  # summary keys the mutation may change
    condition: Callable[[dict[str, Any], Mutation], bool] | None = None


def _prefixed(*patterns: str) -> tuple[str, ...]:
    """Arrangement-certificate patterns, also inside a training certificate."""
    return patterns + tuple("arrangement_certificate." + p for p in patterns)


def _coincident(cert: dict[str, Any], m: Mutation) -> bool:
    """The new facet reference names a hyperplane coincident with the old one."""
    from fractions import Fraction

    arr = cert["arrangement"] if "arrangement" in cert else cert["arrangement_certificate"]["arrangement"]
    planes = arr["hyperplanes"]
    old = cert
    for p in m.path:
        old = old[p]
    new = m.value
    if not isinstance(new, int) or isinstance(new, bool) or not 0 <= new < len(planes):
        return False
    u = [Fraction(v) for v in planes[old]["a"]] + [Fraction(planes[old]["b"])]
    v = [Fraction(x) for x in planes[new]["a"]] + [Fraction(planes[new]["b"])]
    k = next(i for i, x in enumerate(u) if x != 0)
    return all(v[i] * u[k] == u[i] * v[k] for i in range(len(u)))


REORDERS = ("swap",)
POINT_CHANGES = ("swap", "negate", "huge")
REMOVALS = ("truncate", "drop-first", "empty")

NEUTRAL = (
    Rule(("arrangement", "network", "training"),
         _prefixed("regions", "regions.*.facets", "regions.*.implied", "regions.*.implied.*.multipliers", "regions.*.bounded_by",
                   "domain.inequalities", "piece_joins", "piece_separations", "piece_joins.*.regions",
                   "piece_separations.*.regions", "solved", "solved.*.neurons"),
         REORDERS, "the order of these lists means nothing (regions of an arrangement are named by sign vector; a join or "
         "separation names an unordered pair; a multiset of neurons is unordered); reordering network regions renumbers "
         "them, which the joins and separations may or may not survive"),
    Rule(("arrangement", "network"), ("domain.inequalities",), ("extend",), "a repeated wall is the same domain"),
    Rule(("network",), ("piece_joins",), ("extend",), "a repeated join proves nothing new and nothing false"),
    Rule(("arrangement", "network", "training"),
         _prefixed("regions.*.witness", "regions.*.witness.*", "regions.*.facets.*.point", "regions.*.facets.*.point.*",
                   "regions.*.ray", "regions.*.ray.*", "piece_joins.*.point", "piece_joins.*.point.*"),
         POINT_CHANGES, "any point strictly inside the region (facet, both closures) or any recession direction serves; "
         "the verifier re-checks the new one"),
    Rule(("arrangement", "network", "training"), _prefixed("regions.*.implied"), REMOVALS,
         "a constraint that is a positive multiple of another covered one needs no Farkas proof"),
    Rule(("network",), ("piece_joins",), REMOVALS, "a join of two regions that are connected otherwise (facet-adjacent with "
         "equal maps) is redundant; a needed one changes the piece count and is rejected"),
    Rule(("arrangement", "training"), _prefixed("regions.*.facets.*.hyperplane"), None,
         "naming a coincident hyperplane instead names the same facet", condition=_coincident),
    Rule(("training",), ("network.**",), None, "the network only witnesses that the optimum is attained: any network of the "
         "right shape whose exact risk is the optimum serves (the verifier recomputes the risk)"),
    Rule(("training",), ("solved.*.u.*", "solved.*.neurons.*.mu.*"), None,
         "a dual solution is a witness: any feasible one whose bound reaches D * optimum serves"),
    Rule(("training",), ("solved",), REMOVALS, "a subproblem whose sign bound already reaches the optimum needs no dual "
         "solution", summary_may_change=("by_dual", "by_shared_dual", "by_sign_bound")),
    Rule(("training",), ("duals", "duals.*.pairs"), REORDERS + ("extend",), "shared duals and the pairs each lists form "
         "sets: order and repeats mean nothing"),
    Rule(("training",), ("duals", "duals.*.pairs"), REMOVALS, "a multiset whose sign bound (or another dual) already "
         "reaches the optimum needs no shared dual; one that does not is left uncovered and rejected",
         summary_may_change=("by_dual", "by_shared_dual", "by_sign_bound")),
    Rule(("training",), ("duals.*.u.*", "duals.*.pairs.*.mu.*"), None,
         "a shared dual is a witness: any feasible one whose bound reaches D * optimum serves",
         summary_may_change=("by_dual", "by_shared_dual", "by_sign_bound")),
    Rule(("training",), ("output_bias",), ("flip",), "true -> false is a valid certificate of the (true) optimum without output "
         "bias when the optimal network has none", summary_may_change=("output_bias",),
         condition=lambda cert, m: cert["output_bias"] is True),
)


def _rule_of(cert: dict[str, Any], m: Mutation) -> Rule | None:
    kind = _kind(cert)
    for rule in NEUTRAL:
        if kind in rule.certs and (rule.kinds is None or m.kind in rule.kinds) and any(matches(m.path, p) for p in rule.patterns) \
                and (rule.condition is None or rule.condition(cert, m)):
            return rule
    return None


def _neutral(cert: dict[str, Any]) -> Callable[[Mutation, dict[str, Any], dict[str, Any]], str | None]:
    """Why an accepted mutation is neutral: a rule covers it and the verifier's summary
    changed at most where the rule allows."""

    def reason(m: Mutation, base: dict[str, Any], got: dict[str, Any]) -> str | None:
        rule = _rule_of(cert, m)
        changed = {k for k in set(base) | set(got) if base.get(k) != got.get(k)}
        return rule.reason if rule is not None and changed <= set(rule.summary_may_change) else None

    return reason


def _expected(m: Mutation) -> type:
    """The root, its "format" and its "version" decide whether this is a certificate this
    polyrelu reads at all (bad input); everything else is a certificate's content."""
    return FileFormatError if m.path in ((), ("format",), ("version",)) else CertificateError


# --------------------------------------------------------------------------- the run
def _stratified(muts: list[Mutation], extra: int, seed: int) -> list[Mutation]:
    """One mutation of every (kind, field shape), plus ``extra`` more, deterministically."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, m in enumerate(muts):
        groups[(m.kind, re.sub(r"\[\d+\]", "[]", m.where()))].append(i)
    rng = random.Random(seed)
    chosen = {rng.choice(idx) for idx in groups.values()}
    rest = [i for i in range(len(muts)) if i not in chosen]
    chosen |= set(rng.sample(rest, min(extra, len(rest))))
    return [muts[i] for i in sorted(chosen)]


def _campaign(cert: dict[str, Any], muts: list[Mutation]) -> dict[str, Any]:
    return run(verify, cert, muts, _expected, _neutral(cert))


def _check(name: str, out: dict[str, Any]) -> None:
    assert out["crashes"] == [], f"{name}: the verifier crashed instead of rejecting: {out['crashes'][:5]}"
    assert out["wrong_error"] == [], f"{name}: rejected with the wrong error class: {out['wrong_error'][:5]}"
    assert out["accepted"] == [], f"{name}: accepted a mutation not declared neutral: {out['accepted'][:5]}"
    assert out["tried"] == out["rejected"] + len(out["neutral"])


SAMPLE = 200  # extra mutations per certificate in the default run, beyond one of every kind of field


NAMES = ["arrangement", "arrangement-box", "arrangement-empty", "network", "network-box", "network-empty", "training-absolute",
         "training-absolute-2d", "training-squared", "training-hinge"] + sorted(
    f"data-{p.stem}" for p in (ROOT / "data" / "certificates").glob("*.json"))


LARGE = 20_000  # mutations; larger certificates repeat the fields of smaller ones of their kind


@pytest.mark.parametrize("name", NAMES)
def test_mutations_are_rejected_cleanly(certificates, name):
    cert = certificates[name]
    muts = list(mutations(cert))
    if len(muts) > LARGE:  # the same schema as data-figure1_left, which gets the stratified sample
        muts = sorted(random.Random(len(name)).sample(muts, SAMPLE // 2), key=muts.index)
    else:
        muts = _stratified(muts, SAMPLE, seed=len(name))
    _check(name, _campaign(cert, muts))


@pytest.mark.slow
def test_every_mutation_is_rejected_cleanly(certificates):
    totals = {"tried": 0, "rejected": 0, "neutral": 0}
    reasons: dict[str, int] = defaultdict(int)
    for name, cert in certificates.items():
        out = _campaign(cert, list(mutations(cert)))
        _check(name, out)
        print(f"\n{name}: tried {out['tried']}, rejected {out['rejected']}, neutral {len(out['neutral'])}", end="")
        totals["tried"] += out["tried"]
        totals["rejected"] += out["rejected"]
        totals["neutral"] += len(out["neutral"])
        for _, _, reason in out["neutral"]:
            reasons[reason[:60]] += 1
    print(f"\nmutations tried {totals['tried']}, rejected {totals['rejected']}, accepted as neutral {totals['neutral']}, crashes 0")
    for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
        print(f"  {count:6d}  {reason}...")


# --------------------------------------------------------------------------- not a certificate
@pytest.mark.parametrize("obj", [[], "x", 7, None, {}, {"format": "polyrelu.network"}, {"format": ["x"]}, {"format": None},
                                 {"format": "polyrelu.network-certificate", "version": 2},
                                 {"format": "polyrelu.network-certificate", "version": True}])
def test_non_certificates_are_bad_input(obj):
    with pytest.raises(FileFormatError):
        verify(obj)


def test_deeply_nested_values_are_rejected_not_crashed(certificates):
    deep: Any = "1"
    for _ in range(100_000):
        deep = [deep]
    cert = dict(certificates["network"])  # the digest encodes the metadata too
    cert["network"] = {**cert["network"], "metadata": deep}
    with pytest.raises(CertificateError, match="network: cannot be encoded"):
        verify(cert)
    cert = json.loads(json.dumps(certificates["training-hinge"]))
    key = "solved" if cert["solved"] else "duals"  # the trainer writes shared duals; older certificates, solved entries
    cert[key][0]["u"][0] = deep
    with pytest.raises(CertificateError, match=key + r"\[0\]\.u\[0\]: expected a rational string"):
        verify(cert)


# --------------------------------------------------------------------------- the verifier is independent
def test_importing_the_verifier_loads_no_enumeration_code():
    code = ("import sys, polyrelu.verify; "
            "print('\\n'.join(sorted(m for m in sys.modules if m.split('.')[0] in ('polyrelu', 'cdd', 'scipy', 'networkx', 'highspy'))))")
    mods = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    assert "polyrelu.verify" in mods and "polyrelu.nets.network" in mods
    forbidden = ("polyrelu.cells", "polyrelu.geometry", "polyrelu.certify", "polyrelu.training", "polyrelu.exact.cddlib",
                 "polyrelu.exact.nnls", "polyrelu.nets.regions", "polyrelu.parallel", "polyrelu.paper", "polyrelu.cli", "cdd", "scipy",
                 "networkx", "highspy")
    loaded = [m for m in mods if any(m == f or m.startswith(f + ".") for f in forbidden)]
    assert loaded == [], f"importing polyrelu.verify loads enumeration code: {loaded}"


# --------------------------------------------------------------------------- the command
def test_cli_verify_exit_codes(certificates, tmp_path, capsys):
    from polyrelu.cli import main
    from polyrelu.io import formats

    good = tmp_path / "good.json"
    formats.dump_atomic(certificates["network-empty"], good)
    assert main(["verify", str(good)]) == 0
    assert "certificate valid: 0 activation regions" in capsys.readouterr().out
    bad = json.loads(json.dumps(certificates["training-hinge"]))
    key = "solved" if bad["solved"] else "duals"
    k = len(bad[key]) - 1
    bad[key][k]["u"][1] = 7.5
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))  # a JSON float: the file itself is refused (exit 3)
    assert main(["verify", str(path)]) == 3
    bad[key][k]["u"][1] = "x"
    path.write_text(json.dumps(bad))
    assert main(["verify", str(path)]) == 1
    assert f"certificate rejected: {key}[{k}].u[1]: expected a rational string" in capsys.readouterr().err
    net = tmp_path / "net.json"
    formats.dump_atomic(certificates["network"]["network"], net)  # a network, not a certificate
    assert main(["verify", str(net)]) == 3
    assert "not a certificate" in capsys.readouterr().err
