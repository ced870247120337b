#!/usr/bin/env python3
"""Benchmark: exact region enumeration, polyrelu versus SageMath, same instances, one run.

    python scripts/bench_arrangement.py              # the issue's instances + scaling table
    python scripts/bench_arrangement.py --quick      # small instances only
    python scripts/bench_arrangement.py --peer-python .venv-peers/bin/python
    python scripts/bench_arrangement.py --before /tmp/base   # also time an older checkout's command

Instances are random integer hyperplanes a.x = b with entries in [-20, 20] (seeded numpy).
Tables:

1. the whole command as a user types it, ``polyrelu arrangement FILE --json`` (start-up,
   enumeration, bounded regions, the characteristic-polynomial check, output), best of 3
   fresh processes, against Sage's HyperplaneArrangements(...).regions() on the same
   instance (Sage's time excludes its start-up and parsing);
2. in process: enumeration with every region listed (sign vector and exact witness);
3. the second count route (intersection lattice, Zaslavsky) against the enumeration it
   checks, on random and named arrangements (polyrelu.geometry.library), up to 100
   hyperplanes in R^4;
4. scaling of the enumeration alone;
5. ``--stream``: the whole command writing every region to shards (``--shards DIR``)
   against the in-memory count (``polyrelu arrangement FILE --json``, which keeps every
   region's sign vector and witness), peak memory of the process tree (PSS, sampled every
   50 ms) and time; ``--stream-large`` adds 400 hyperplanes in R^3 (about 10^7 regions).

Install the peer with scripts/setup_peers.sh; a peer past --peer-timeout is a timeout.
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


def instance(N: int, d: int, seed: int) -> list[list[int]]:
    from polyrelu.paper.instances import integer_matrix  # the one instance generator

    return integer_matrix((N, d + 1), -20, 20, seed).tolist()


def write_instance(N: int, d: int, seed: int, folder: str) -> str:
    rows = instance(N, d, seed)
    path = f"{folder}/arrangement_{N}_{d}_{seed}.json"
    doc = {"format": "polyrelu.arrangement", "version": 1, "dim": d, "hyperplanes": [{"a": r[:d], "b": r[d]} for r in rows]}
    with open(path, "w") as fh:
        json.dump(doc, fh)
    return path


def check_vs_enumeration(N: int, d: int, seed: int, family: str | None) -> dict:
    """In process: the lattice route and the enumeration (regions and bounded regions)."""
    from polyrelu.geometry import library
    from polyrelu.geometry.arrangement import HyperplaneArrangement

    warm = HyperplaneArrangement([([1, 0, 0], 0), ([1, 2, 0], 1), ([0, 1, 1], 2)])
    warm.n_bounded_regions(), warm.characteristic_polynomial  # warm up imports (both routes)
    if family:
        A = library.FAMILIES[family][0](N).arrangement
    else:
        A = HyperplaneArrangement([(r[:d], r[d]) for r in instance(N, d, seed)])
    t0 = time.perf_counter()
    A.characteristic_polynomial  # the check, timed alone
    t_check = time.perf_counter() - t0
    out = {"zaslavsky": A.n_regions_zaslavsky(), "check_s": t_check, "hyperplanes": A.n_hyperplanes, "dim": A.dim}
    if not family and N * d > 400:
        out["regions"] = None  # enumeration alone is in the scaling table
        return out
    t1 = time.perf_counter()
    out["regions"], out["bounded"] = A.n_regions(), A.n_bounded_regions()
    out["enum_s"] = time.perf_counter() - t1
    if out["regions"] != out["zaslavsky"] or out["bounded"] != A.n_bounded_regions_zaslavsky():
        raise SystemExit(f"the two count routes disagree on {N} hyperplanes in R^{d}: please report this as a bug")
    return out


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
    ap.add_argument("--before", metavar="DIR", help="a checkout of an older polyrelu (e.g. git archive 6f174e4): also time its command")
    ap.add_argument("--before-limit", type=float, default=300.0, help="give up on the older checkout's command after this many seconds")
    ap.add_argument("--stream", action="store_true", help="only table 5: streamed shards against the in-memory count")
    ap.add_argument("--stream-large", action="store_true", help="table 5 with 400 hyperplanes in R^3 too (about 10^7 regions)")
    ap.add_argument("--one", nargs=3, type=int, metavar=("N", "D", "SEED"), help=argparse.SUPPRESS)
    ap.add_argument("--check", nargs=3, metavar=("N", "D", "SEED"), help=argparse.SUPPRESS)
    ap.add_argument("--family", help=argparse.SUPPRESS)
    ap.add_argument("--graph", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(*args.one, args.workers, args.graph)))
        return 0
    if args.check:
        print(json.dumps(check_vs_enumeration(*(int(v) for v in args.check), args.family)))
        return 0

    if args.stream or args.stream_large:
        return stream(args)
    peer = peer_python(args.peer_python)
    if peer is None:
        print("# Sage peer not found: run scripts/setup_peers.sh (or pass --peer-python); peer columns skipped", file=sys.stderr)
    versus = [(12, 3), (20, 3)] if args.quick else [(40, 3), (20, 4), (40, 4)]
    import tempfile

    folder = tempfile.mkdtemp(prefix="bench_arrangement_")
    print("## the whole command: `polyrelu arrangement FILE --json` (with its check) vs Sage regions()")
    print("| N | d | regions | polyrelu command s (CPU s) | Sage s | Sage / polyrelu |" + (" before s | before / now |" if args.before else ""))
    print("|---|---|---|---|---|---|" + ("---|---|" if args.before else ""))
    for N, d in versus:
        path = write_instance(N, d, 0, folder)
        t_cmd, text = time_command(["arrangement", path, "--json"])
        info = json.loads(text)
        if info["regions"] != info["regions_zaslavsky"]:
            print("the two count routes disagree: please report this as a bug", file=sys.stderr)
            return 1
        theirs = None
        if peer:
            rows = instance(N, d, 0)
            theirs = run_peer(peer, {"task": "arrangement", "dim": d, "hyperplanes": [{"a": r[:d], "b": r[d]} for r in rows]}, args.peer_timeout)
            if theirs is not None and theirs["regions"] != info["regions"]:
                print(f"COUNT MISMATCH: polyrelu {info['regions']} vs Sage {theirs['regions']}", file=sys.stderr)
                return 1
        ratio = f"{theirs['seconds'] / t_cmd:.0f}x" if theirs else (f"> {args.peer_timeout / t_cmd:.0f}x" if peer else "-")
        t_peer = fmt_s(theirs["seconds"]) if theirs else ("timeout" if peer else "-")
        row = f"| {N} | {d} | {info['regions']:,} | {t_cmd:.2f} ({_bench.last_cpu:.2f}) | {t_peer} | {ratio} |"
        if args.before:
            row += _bench.before_cells(["arrangement", path, "--json"], args.before, args.before_limit, t_cmd)
        print(row, flush=True)

    print("\n## the second count route (intersection lattice) against the enumeration it checks, in process")
    print("| instance | hyperplanes | d | regions | enumeration s | check s | check / enumeration |")
    print("|---|---|---|---|---|---|---|")
    checks = [(12, 3, None), (20, 3, None)] if args.quick else [(40, 3, None), (20, 4, None), (40, 4, None), (60, 4, None),
                                                                 (100, 4, None), (5, 0, "braid"), (4, 0, "shi"), (4, 0, "catalan"),
                                                                 (5, 0, "linial"), (4, 0, "semiorder")]
    enum_times = {}
    for N, d, family in checks:
        r = run_fresh([__file__, "--check", str(N), str(d), "0"] + (["--family", family] if family else []))
        name = f"{family}({N})" if family else f"random {N} in R^{d}"
        if r["regions"] is None:  # the enumeration is timed in the scaling table below
            enum_times[(N, d)] = r
            print(f"| {name} | {r['hyperplanes']} | {r['dim']} | {r['zaslavsky']:,} (Zaslavsky) | see scaling | {r['check_s']:.3f} | |", flush=True)
            continue
        print(f"| {name} | {r['hyperplanes']} | {r['dim']} | {r['regions']:,} | {r['enum_s']:.3f} | {r['check_s']:.3f} | "
              f"{r['check_s'] / r['enum_s']:.2f} |", flush=True)

    print("\n## polyrelu vs SageMath (HyperplaneArrangements.regions), same instances, in process")
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
    sizes = [(20, 3), (40, 3)] if args.quick else [(30, 4), (40, 4), (50, 4), (60, 4), (70, 4), (100, 4)]
    for N, d in sizes:
        cmd = [__file__, "--one", str(N), str(d), "0"] + (["--workers", str(args.workers)] if args.workers else [])
        r = run_fresh(cmd)
        check = enum_times.get((N, d))
        note = f" (check {check['check_s']:.1f} s)" if check else ""
        print(f"| {N} | {d} | {r['regions']:,} | {r['enum_s']:.1f}{note} | {r['total_s']:.1f} | {1e6 * r['total_s'] / r['regions']:.0f} | "
              f"{r['peak_mb']:.0f} / {r['peak_children_mb']:.0f} |", flush=True)

    if not args.quick:
        print("\n## region graph")
        r = run_fresh([__file__, "--one", "40", "4", "0", "--graph"] + (["--workers", str(args.workers)] if args.workers else []))
        print(f"40 hyperplanes in R^4: {r['regions']:,} regions, {r['edges']:,} edges, graph {r['graph_s']:.1f} s "
              f"(after enumeration {r['total_s']:.1f} s)")
    return 0


def stream(args) -> int:
    """Table 5: the regions streamed to shards against the in-memory count, whole commands."""
    import shutil
    import tempfile
    from pathlib import Path

    from bench_regions import run_command  # peak memory of the process tree

    sizes = [(40, 4), (200, 3)] + ([(400, 3)] if args.stream_large else [])
    folder = Path(tempfile.mkdtemp(prefix="bench_arrangement_stream_"))
    w = ["--workers", str(args.workers)] if args.workers else []
    print("## streamed: `polyrelu arrangement FILE --shards DIR --json` vs in memory: `polyrelu arrangement FILE --json`")
    print("| N | d | regions | in memory s (CPU s) | in memory peak MB | --shards s (CPU s) | --shards peak MB | shards on disk MB | "
          "memory in memory / --shards |")
    print("|---|---|---|---|---|---|---|---|---|")
    for N, d in sizes:
        path = write_instance(N, d, 0, str(folder))
        mem = run_command(["arrangement", path, "--json"] + w, timeout=7200)
        out = folder / f"shards_{N}_{d}"
        st = run_command(["arrangement", path, "--json", "--shards", str(out)] + w, timeout=7200)
        a, b = json.loads(mem["stdout"]), json.loads(st["stdout"])
        if (a["regions"], a["bounded_regions"]) != (b["regions"], b["bounded_regions"]) or b["regions"] != b["regions_zaslavsky"]:
            print(f"COUNT MISMATCH: in memory {a['regions']}, streamed {b['regions']}, Zaslavsky {b['regions_zaslavsky']}", file=sys.stderr)
            return 1
        disk = sum(p.stat().st_size for p in out.iterdir()) / 2**20
        shutil.rmtree(out)
        print(f"| {N} | {d} | {b['regions']:,} | {mem['seconds']:.1f} ({mem['cpu_seconds']:.1f}) | {mem['peak_mb']:.0f} | "
              f"{st['seconds']:.1f} ({st['cpu_seconds']:.1f}) | {st['peak_mb']:.0f} | {disk:.0f} | {mem['peak_mb'] / st['peak_mb']:.1f}x |",
              flush=True)
    shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
