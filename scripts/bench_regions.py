#!/usr/bin/env python3
"""Benchmark: activation regions of random ReLU networks, polyrelu versus a plain exact BFS.

    python scripts/bench_regions.py            # 3-32-1 and 3-16-16-1 (seeded), plus scaling
    python scripts/bench_regions.py --quick

Peers: relucent (float64 BFS over activation regions with LPs; install it in the peer venv
with scripts/setup_peers.sh) when available, and a plain exact baseline.  The baseline is the textbook exact method, written here in ~60 lines: breadth-first search
over activation patterns; for each region, cddlib (exact) finds the irredundant neuron
constraints (the facets), and each neighbour pattern (one facet neuron flipped) is kept
if an exact LP finds an interior point.  Both programs must report the same count.
Weights are random integers in [-99, 99] (seeded numpy).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import deque
from fractions import Fraction

import cdd
import cdd.gmp
import numpy as np

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
from _bench import ROOT, peer_python, run_fresh  # noqa: E402


def random_net(dims: list[int], seed: int):
    from polyrelu.paper.instances import random_network_layers  # the one instance generator

    return random_network_layers(dims, seed, -99, 99)


# ------------------------------------------------------------------ baseline
def _constraints(layers, pattern, n):
    """Rows [c, g...] meaning s * (g . x + c) >= 0 for every hidden neuron, given the pattern."""
    M = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    m = [Fraction(0)] * n
    rows, k = [], 0
    for W, b in layers[:-1]:
        G = [[sum(Fraction(w) * M[t][j] for t, w in enumerate(row)) for j in range(n)] for row in W]
        C = [sum(Fraction(w) * m[t] for t, w in enumerate(row)) + b for row, b in zip(W, b)]
        newM, newm = [], []
        for g, c in zip(G, C):
            s = 1 if pattern[k] else -1
            rows.append([s * c] + [s * v for v in g])
            newM.append(g if pattern[k] else [Fraction(0)] * n)
            newm.append(c if pattern[k] else Fraction(0))
            k += 1
        M, m = newM, newm
    return rows


def _interior(rows, n) -> bool:
    """Exact LP: max t s.t. row . (1, x) >= t, t <= 1; an interior point iff t > 0."""
    arr = [[r[0]] + r[1:] + [Fraction(-1)] for r in rows] + [[Fraction(1)] + [Fraction(0)] * n + [Fraction(-1)]]
    arr.append([Fraction(0)] * (n + 1) + [Fraction(1)])  # objective: t
    lp = cdd.gmp.linprog_from_array(arr, obj_type=cdd.LPObjType.MAX)
    cdd.gmp.linprog_solve(lp)
    return lp.status == cdd.LPStatusType.OPTIMAL and lp.obj_value > 0


def baseline_bfs(layers, n: int) -> int:
    size = sum(len(b) for _, b in layers[:-1])
    x0 = [Fraction(1, 7 + i) for i in range(n)]  # a point in general position for these nets
    h, pattern = x0, []
    for W, b in layers[:-1]:
        z = [sum(Fraction(w) * v for w, v in zip(row, h)) + c for row, c in zip(W, b)]
        pattern += [1 if v > 0 else 0 for v in z]
        h = [max(v, Fraction(0)) for v in z]
    start = tuple(pattern)
    seen, queue = {start}, deque([start])
    while queue:
        p = queue.popleft()
        rows = _constraints(layers, p, n)
        mat = cdd.gmp.matrix_from_array(rows, rep_type=cdd.RepType.INEQUALITY)
        red = cdd.gmp.redundant_rows(mat)
        for j in range(size):
            if j in red:
                continue
            q = p[:j] + (1 - p[j],) + p[j + 1 :]
            if q not in seen and _interior(_constraints(layers, q, n), n):
                seen.add(q)
                queue.append(q)
    return len(seen)


# ------------------------------------------------------------------ runners
def one(dims: list[int], seed: int, which: str, workers: int | None) -> dict:
    from polyrelu.nets.network import ReluNetwork
    from polyrelu.nets.regions import network_regions

    layers = random_net(dims, seed)
    network_regions(ReluNetwork(2, random_net([2, 3, 3, 1], 1)), workers=1)  # warm up imports (both sides)
    baseline_bfs(random_net([2, 3, 1], 1), 2)
    t = time.perf_counter()
    if which == "baseline":
        count = baseline_bfs(layers, dims[0])
    else:
        count = network_regions(ReluNetwork(dims[0], layers), workers=workers).n_activation_regions
    return {"regions": count, "seconds": time.perf_counter() - t}


def _relucent(python: str, dims: list[int]) -> dict | None:
    import subprocess

    from polyrelu.nets.network import ReluNetwork

    net = ReluNetwork(dims[0], random_net(dims, 0)).to_json()
    try:
        out = subprocess.run([python, str(ROOT / "scripts" / "peers" / "relucent_peer.py")], input=net, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(out.stdout) if out.returncode == 0 else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--peer-python", help="interpreter with relucent (default: .venv-peers/bin/python)")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        spec = json.loads(args.one)
        print(json.dumps(one(spec["dims"], spec["seed"], spec["which"], args.workers)))
        return 0
    cases = [[2, 8, 8, 1], [3, 12, 1]] if args.quick else [[3, 32, 1], [3, 16, 16, 1]]
    peer = peer_python(args.peer_python)
    print("| network | regions | polyrelu s | exact BFS s | BFS / polyrelu | relucent s | relucent / polyrelu |")
    print("|---|---|---|---|---|---|---|")
    for dims in cases:
        w = ["--workers", str(args.workers)] if args.workers else []
        ours = run_fresh([__file__, "--one", json.dumps({"dims": dims, "seed": 0, "which": "polyrelu"})] + w)
        base = run_fresh([__file__, "--one", json.dumps({"dims": dims, "seed": 0, "which": "baseline"})])
        if base["regions"] != ours["regions"]:
            print(f"COUNT MISMATCH on {dims}: polyrelu {ours['regions']} vs BFS {base['regions']}", file=sys.stderr)
            return 1
        rel = _relucent(peer, dims) if peer else None
        if rel is not None and rel["regions"] != ours["regions"]:
            print(f"COUNT MISMATCH on {dims}: polyrelu {ours['regions']} vs relucent {rel['regions']}", file=sys.stderr)
        name = "-".join(map(str, dims))
        rel_s = f"{rel['seconds']:.1f} | {rel['seconds'] / ours['seconds']:.0f}x" if rel else "- | -"
        print(f"| {name} | {ours['regions']:,} | {ours['seconds']:.2f} | {base['seconds']:.2f} | {base['seconds'] / ours['seconds']:.1f}x | {rel_s} |", flush=True)
    if not args.quick:
        print("\n| network | regions | polyrelu s | us / region |")
        print("|---|---|---|---|")
        for dims in ([3, 24, 24, 1], [4, 72, 1]):
            r = run_fresh([__file__, "--one", json.dumps({"dims": dims, "seed": 0, "which": "polyrelu"})])
            print(f"| {'-'.join(map(str, dims))} | {r['regions']:,} | {r['seconds']:.1f} | {1e6 * r['seconds'] / r['regions']:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
