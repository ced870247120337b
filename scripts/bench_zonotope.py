#!/usr/bin/env python3
"""Benchmark: exact zonotope vertices, polyrelu versus SageMath and iterated cdd sums.

    python scripts/bench_zonotope.py            # 16, 20, 24 generators in R^4 vs Sage; 40 in R^5
    python scripts/bench_zonotope.py --quick

Generators are random integers in [-1000, 1000] (seeded numpy; general position is
checked and printed).  polyrelu's time is the fast route (vertices from the regions of
the central arrangement, every vertex listed exactly), in a fresh process.  Sage's time is
polytopes.zonotope(...).n_vertices() (PPL backend; install with scripts/setup_peers.sh).
The cdd route (the paper's construction, iterated exact Minkowski sums) is timed where it
is practical.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import numpy as np

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
from _bench import fmt_s, peer_python, run_fresh, run_peer  # noqa: E402


def instance(m: int, n: int, seed: int) -> list[list[int]]:
    from polyrelu.paper.instances import integer_matrix  # the one instance generator

    return integer_matrix((m, n), -1000, 1000, seed).tolist()


def one(m: int, n: int, seed: int, cdd: bool) -> dict:
    from polyrelu.geometry.zonotope import Zonotope

    Zonotope(instance(3, n, seed + 1)).vertices()  # warm up imports and caches, as Sage's timing excludes them
    Z = Zonotope(instance(m, n, seed))
    t0 = time.perf_counter()
    V = Z.vertices()
    t = time.perf_counter() - t0
    out = {"vertices": len(V), "seconds": t, "bound": Z.vertex_bound(), "general_position": Z.is_general_position() if m <= 24 else None}
    if cdd:
        t1 = time.perf_counter()
        Vc = Z.vertices_cdd()
        out["cdd_seconds"] = time.perf_counter() - t1
        out["cdd_agrees"] = sorted(V) == Vc
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--peer-python")
    ap.add_argument("--peer-timeout", type=float, default=180.0)
    ap.add_argument("--one", nargs=3, type=int, metavar=("M", "N", "SEED"), help=argparse.SUPPRESS)
    ap.add_argument("--cdd", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(*args.one, args.cdd)))
        return 0
    peer = peer_python(args.peer_python)
    if peer is None:
        print("# Sage peer not found: run scripts/setup_peers.sh (or pass --peer-python); peer columns skipped", file=sys.stderr)
    cases = [(8, 4, True), (10, 4, True)] if args.quick else [(8, 4, True), (12, 4, True), (16, 4, False), (20, 4, False), (24, 4, False)]
    print("| m | n | vertices | bound | polyrelu s | Sage s | Sage / polyrelu | cdd route s |")
    print("|---|---|---|---|---|---|---|---|")
    for m, n, cdd in cases:
        ours = run_fresh([__file__, "--one", str(m), str(n), "0"] + (["--cdd"] if cdd else []))
        theirs = run_peer(peer, {"task": "zonotope", "generators": instance(m, n, 0)}, args.peer_timeout) if peer else None
        if theirs is not None and theirs["vertices"] != ours["vertices"]:
            print(f"COUNT MISMATCH: polyrelu {ours['vertices']} vs Sage {theirs['vertices']}", file=sys.stderr)
            return 1
        if cdd and not ours["cdd_agrees"]:
            print("the cdd route disagrees", file=sys.stderr)
            return 1
        ratio = f"{theirs['seconds'] / ours['seconds']:.0f}x" if theirs else (f"> {args.peer_timeout / ours['seconds']:.0f}x" if peer else "-")
        print(f"| {m} | {n} | {ours['vertices']:,} | {ours['bound']:,} | {ours['seconds']:.2f} | "
              f"{fmt_s(theirs['seconds']) if theirs else ('timeout' if peer else '-')} | {ratio} | "
              f"{ours['cdd_seconds']:.1f} |" if cdd else
              f"| {m} | {n} | {ours['vertices']:,} | {ours['bound']:,} | {ours['seconds']:.2f} | "
              f"{fmt_s(theirs['seconds']) if theirs else ('timeout' if peer else '-')} | {ratio} | not run |", flush=True)
    if not args.quick:
        r = run_fresh([__file__, "--one", "40", "5", "0"])
        print(f"\n40 generators in R^5: {r['vertices']:,} vertices (bound {r['bound']:,}) in {r['seconds']:.1f} s, peak {r['peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
