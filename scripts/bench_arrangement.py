#!/usr/bin/env python3
"""Benchmark: exact region enumeration, polyrelu versus SageMath, same instances, one run.

    python scripts/bench_arrangement.py              # the issue's instances + scaling table
    python scripts/bench_arrangement.py --quick      # small instances only
    python scripts/bench_arrangement.py --peer-python .venv-peers/bin/python

Instances are random integer hyperplanes a.x = b with entries in [-20, 20] (seeded numpy).
polyrelu's time is end to end: enumeration, bounded flags, and every region listed with
its sign vector and an exact rational witness (the batch interface), in a fresh process.
Sage's time is HyperplaneArrangements(...).regions() (install the peer with
scripts/setup_peers.sh).  A peer that runs past --peer-timeout is reported as a timeout.
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


def instance(N: int, d: int, seed: int) -> list[list[int]]:
    from polyrelu.paper.instances import integer_matrix  # the one instance generator

    return integer_matrix((N, d + 1), -20, 20, seed).tolist()


def one(N: int, d: int, seed: int, workers: int | None, graph: bool) -> dict:
    from polyrelu.geometry.arrangement import HyperplaneArrangement

    HyperplaneArrangement([([1] * d, 0)]).regions()  # warm up imports, as Sage's timing excludes them
    rows = instance(N, d, seed)
    t0 = time.perf_counter()
    A = HyperplaneArrangement([(r[:d], r[d]) for r in rows], workers=workers)
    n = A.n_regions()
    t_enum = time.perf_counter() - t0
    listed = 0
    for batch in A.iter_region_arrays():
        listed += batch["signs"].shape[0]
    t_all = time.perf_counter() - t0
    out = {"regions": n, "listed": listed, "bounded": A.n_bounded_regions(), "enum_s": t_enum, "total_s": t_all}
    if graph:
        t1 = time.perf_counter()
        G = A.region_graph()
        out["graph_s"] = time.perf_counter() - t1
        out["edges"] = G.number_of_edges()
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["peak_children_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small instances only")
    ap.add_argument("--peer-python", help="interpreter with passagemath-polyhedra (default: .venv-peers/bin/python)")
    ap.add_argument("--peer-timeout", type=float, default=120.0)
    ap.add_argument("--workers", type=int, default=None, help="polyrelu processes (default: all cores for large instances)")
    ap.add_argument("--one", nargs=3, type=int, metavar=("N", "D", "SEED"), help=argparse.SUPPRESS)
    ap.add_argument("--graph", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(*args.one, args.workers, args.graph)))
        return 0

    peer = peer_python(args.peer_python)
    if peer is None:
        print("# Sage peer not found: run scripts/setup_peers.sh (or pass --peer-python); peer columns skipped", file=sys.stderr)
    versus = [(12, 3), (20, 3)] if args.quick else [(40, 3), (20, 4), (40, 4)]
    print("## polyrelu vs SageMath (HyperplaneArrangements.regions), same instances")
    print("| N | d | regions | polyrelu s | Sage s | Sage / polyrelu |")
    print("|---|---|---|---|---|---|")
    for N, d in versus:
        cmd = [__file__, "--one", str(N), str(d), "0"] + (["--workers", str(args.workers)] if args.workers else [])
        ours = run_fresh(cmd)
        theirs = None
        if peer:
            rows = instance(N, d, 0)
            task = {"task": "arrangement", "dim": d, "hyperplanes": [{"a": r[:d], "b": r[d]} for r in rows]}
            theirs = run_peer(peer, task, args.peer_timeout)
            if theirs is not None and theirs["regions"] != ours["regions"]:
                print(f"COUNT MISMATCH: polyrelu {ours['regions']} vs Sage {theirs['regions']}", file=sys.stderr)
                return 1
        ratio = f"{theirs['seconds'] / ours['total_s']:.0f}x" if theirs else ("> " + f"{args.peer_timeout / ours['total_s']:.0f}x" if peer else "-")
        t_peer = fmt_s(theirs["seconds"]) if theirs else ("timeout" if peer else "-")
        print(f"| {N} | {d} | {ours['regions']:,} | {ours['total_s']:.2f} | {t_peer} | {ratio} |", flush=True)

    print("\n## scaling (polyrelu alone): time and memory against region count")
    print("| N | d | regions | enumerate s | + witnesses, bounded s | us / region | peak MB (main / workers) |")
    print("|---|---|---|---|---|---|---|")
    sizes = [(20, 3), (40, 3)] if args.quick else [(30, 4), (40, 4), (50, 4), (60, 4), (70, 4)]
    for N, d in sizes:
        cmd = [__file__, "--one", str(N), str(d), "0"] + (["--workers", str(args.workers)] if args.workers else [])
        r = run_fresh(cmd)
        print(f"| {N} | {d} | {r['regions']:,} | {r['enum_s']:.1f} | {r['total_s']:.1f} | {1e6 * r['total_s'] / r['regions']:.0f} | "
              f"{r['peak_mb']:.0f} / {r['peak_children_mb']:.0f} |", flush=True)

    if not args.quick:
        print("\n## region graph")
        r = run_fresh([__file__, "--one", "40", "4", "0", "--graph"] + (["--workers", str(args.workers)] if args.workers else []))
        print(f"40 hyperplanes in R^4: {r['regions']:,} regions, {r['edges']:,} edges, graph {r['graph_s']:.1f} s "
              f"(after enumeration {r['total_s']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
