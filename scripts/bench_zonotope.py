#!/usr/bin/env python3
"""Benchmark: exact zonotope vertices, polyrelu versus SageMath and iterated cdd sums.

    python scripts/bench_zonotope.py            # 16, 20, 24 generators in R^4 vs Sage; 40 in R^5
    python scripts/bench_zonotope.py --quick
    python scripts/bench_zonotope.py --before /tmp/base   # also time an older checkout's command

Generators are random integers in [-1000, 1000] (seeded numpy; general position is
checked and printed).  Tables:

1. the whole command as a user types it, ``polyrelu zonotope FILE --json`` (start-up,
   vertices, facets, volume, general position, output; best of 3 fresh processes) against
   Sage's polytopes.zonotope(...).n_vertices() (PPL backend; Sage's time excludes its
   start-up; install with scripts/setup_peers.sh);
2. in process: the vertices (every vertex listed exactly) and, separately, the facets and
   the volume with general position, which must cost no more than the vertices; the cdd
   route (the paper's construction, iterated exact Minkowski sums) where practical.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time


sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
import _bench  # noqa: E402
from _bench import fmt_s, peer_python, run_fresh, run_peer, time_command  # noqa: E402


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
    out = {"vertices": len(V), "seconds": t, "bound": Z.vertex_bound()}
    t1 = time.perf_counter()
    out["facets"] = Z.n_facets
    out["facets_s"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    out["volume"], out["general_position"] = str(Z.volume()), Z.is_general_position()
    out["volume_s"] = time.perf_counter() - t1
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
    ap.add_argument("--before", metavar="DIR", help="a checkout of an older polyrelu (e.g. git archive 6f174e4): also time its command")
    ap.add_argument("--before-limit", type=float, default=300.0, help="give up on the older checkout's command after this many seconds")
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
    import tempfile

    folder = tempfile.mkdtemp(prefix="bench_zonotope_")
    print("## the whole command: `polyrelu zonotope FILE --json` vs Sage polytopes.zonotope(...).n_vertices()")
    print("| m | n | vertices | polyrelu command s (CPU s) | Sage s | Sage / polyrelu |" + (" before s | before / now |" if args.before else ""))
    print("|---|---|---|---|---|---|" + ("---|---|" if args.before else ""))
    sage_times = {}
    for m, n, _ in cases:
        path = f"{folder}/zonotope_{m}_{n}.json"
        with open(path, "w") as fh:
            json.dump({"format": "polyrelu.zonotope", "version": 1, "generators": instance(m, n, 0), "center": [0] * n}, fh)
        t_cmd, text = time_command(["zonotope", path, "--json"])
        info = json.loads(text)
        theirs = run_peer(peer, {"task": "zonotope", "generators": instance(m, n, 0)}, args.peer_timeout) if peer else None
        sage_times[m, n] = theirs
        if theirs is not None and theirs["vertices"] != info["vertices"]:
            print(f"COUNT MISMATCH: polyrelu {info['vertices']} vs Sage {theirs['vertices']}", file=sys.stderr)
            return 1
        ratio = f"{theirs['seconds'] / t_cmd:.0f}x" if theirs else (f"> {args.peer_timeout / t_cmd:.0f}x" if peer else "-")
        row = (f"| {m} | {n} | {info['vertices']:,} | {t_cmd:.2f} ({_bench.last_cpu:.2f}) | "
               f"{fmt_s(theirs['seconds']) if theirs else ('timeout' if peer else '-')} | {ratio} |")
        if args.before:
            row += _bench.before_cells(["zonotope", path, "--json"], args.before, args.before_limit, t_cmd)
        print(row, flush=True)

    print("\n## in process: vertices, and the extras (facets; volume with general position), cdd route")
    print("| m | n | vertices | bound | vertices s | facets | facets s | volume + general position s | Sage s | Sage / polyrelu vertices | cdd route s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for m, n, cdd in cases:
        ours = run_fresh([__file__, "--one", str(m), str(n), "0"] + (["--cdd"] if cdd else []))
        theirs = sage_times.get((m, n))
        if cdd and not ours["cdd_agrees"]:
            print("the cdd route disagrees", file=sys.stderr)
            return 1
        ratio = f"{theirs['seconds'] / ours['seconds']:.0f}x" if theirs else (f"> {args.peer_timeout / ours['seconds']:.0f}x" if peer else "-")
        print(f"| {m} | {n} | {ours['vertices']:,} | {ours['bound']:,} | {ours['seconds']:.2f} | {ours['facets']:,} | {ours['facets_s']:.3f} | "
              f"{ours['volume_s']:.3f} | {fmt_s(theirs['seconds']) if theirs else ('timeout' if peer else '-')} | {ratio} | "
              f"{ours['cdd_seconds']:.1f} |" if cdd else
              f"| {m} | {n} | {ours['vertices']:,} | {ours['bound']:,} | {ours['seconds']:.2f} | {ours['facets']:,} | {ours['facets_s']:.3f} | "
              f"{ours['volume_s']:.3f} | {fmt_s(theirs['seconds']) if theirs else ('timeout' if peer else '-')} | {ratio} | not run |", flush=True)
    if not args.quick:
        r = run_fresh([__file__, "--one", "40", "5", "0"])
        print(f"\n40 generators in R^5: {r['vertices']:,} vertices (bound {r['bound']:,}) in {r['seconds']:.1f} s; facets "
              f"{r['facets_s']:.1f} s, volume {r['volume_s']:.1f} s; peak {r['peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
