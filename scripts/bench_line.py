#!/usr/bin/env python3
"""Benchmark: networks on the line (R -> R), the exact 1-D path against the cell engine,
breakpoint propagation (PWL1D) and relucent, on the same networks in one run.

    python scripts/bench_line.py                    # hard functions 3^5 .. 3^9, 4^10, 2^20; random nets
    python scripts/bench_line.py --quick
    python scripts/bench_line.py --before /tmp/base # also time an older checkout's command

Tables:

1. hard functions H = h_{a^k} o ... o h_{a^1} (equally spaced breakpoints, M = 1; w^k
   pieces in (0, 1)): the whole command ``polyrelu regions H.json --domain box:0,1 --json``
   (start-up, the four counts, output; best of 3 fresh processes), and in process
   ``network_regions(H, domain=box)`` with its counts (the 1-D path), the same with
   ``route="cells"`` (the R^n cell engine, one cddlib call per cell; skipped past
   --cells-limit pieces) and ``PWL1D.from_network`` (pieces only);
2. random R -> R networks (integer weights in [-99, 99], seeded): polyrelu on all of R
   against relucent's float64 BFS (peer venv, scripts/setup_peers.sh; relucent cannot
   cross the coincident facets of the hard functions, so it is not run on them).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bench  # noqa: E402
from _bench import ROOT, fmt_s, peer_python, run_fresh, time_command  # noqa: E402

RELUCENT = ROOT / "scripts" / "peers" / "relucent_peer.py"


def hard_network(w: int, k: int):
    from polyrelu.paper.constructions import hard_function

    return hard_function([[f"{i}/{w}" for i in range(1, w)]] * k, 1)


def random_network(dims: list[int], seed: int):
    from polyrelu.nets.network import ReluNetwork

    rng = np.random.default_rng(seed)
    return ReluNetwork(dims[0], [(rng.integers(-99, 100, size=(b, a)).tolist(), rng.integers(-99, 100, size=b).tolist())
                                 for a, b in zip(dims, dims[1:])])


def in_process(kind: str, spec: list[int], route: str, box: bool) -> dict:
    """One measurement in this (fresh) process: counts and seconds."""
    from polyrelu.geometry.polyhedron import OpenPolyhedron
    from polyrelu.nets.pwl1d import PWL1D
    from polyrelu.nets.regions import network_regions

    net = hard_network(*spec) if kind == "hard" else random_network(spec, 0)
    network_regions(hard_network(2, 1), route="cells" if route == "cells" else "auto").counts()  # warm up imports
    dom = OpenPolyhedron.box(1, 0, 1) if box else None
    t = time.perf_counter()
    if route == "pwl1d":
        f = PWL1D.from_network(net)
        counts = {"pieces": f.pieces_in(0, 1) if box else f.pieces()}
    else:
        counts = network_regions(net, domain=dom, route=route).counts()
    return {"seconds": time.perf_counter() - t, **counts}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--peer-python", help="interpreter with relucent (default: .venv-peers/bin/python)")
    ap.add_argument("--peer-timeout", type=float, default=300.0)
    ap.add_argument("--cells-limit", type=int, default=20_000, help="run the cell engine up to this many pieces (default 20,000)")
    ap.add_argument("--before", metavar="DIR", help="a checkout of an older polyrelu (e.g. git archive 6f174e4): also time its command")
    ap.add_argument("--before-limit", type=float, default=300.0, help="give up on the older checkout's command after this many seconds")
    ap.add_argument("--one", nargs=4, metavar=("KIND", "SPEC", "ROUTE", "BOX"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        kind, spec, route, box = args.one
        print(json.dumps(in_process(kind, [int(v) for v in spec.split(",")], route, box == "box")))
        return 0

    folder = tempfile.mkdtemp(prefix="bench_line_")
    hard = [(3, 5), (3, 7)] if args.quick else [(3, 5), (3, 7), (3, 9), (4, 10), (2, 20)]
    print("## hard functions in (0, 1): the whole command and in process")
    print("| w^k | pieces in (0,1) | `polyrelu regions --domain box:0,1 --json` s (CPU s) | 1-D path s | cell engine s | "
          "cells / 1-D | PWL1D s |" + (" before (command) s | before / now |" if args.before else ""))
    print("|---|---|---|---|---|---|---|" + ("---|---|" if args.before else ""))
    for w, k in hard:
        path = f"{folder}/hard_{w}_{k}.json"
        hard_network(w, k).save(path)
        t_cmd, text = time_command(["regions", path, "--domain", "box:0,1", "--json"])
        cpu = _bench.last_cpu
        info = json.loads(text)
        if not info["activation_regions"] == info["linear_regions"] == info["pieces"] == w**k:
            print(f"COUNT MISMATCH on {w}^{k}: {info}", file=sys.stderr)
            return 1
        spec = f"{w},{k}"
        line = run_fresh([__file__, "--one", "hard", spec, "auto", "box"])
        pw = run_fresh([__file__, "--one", "hard", spec, "pwl1d", "box"])
        cells = run_fresh([__file__, "--one", "hard", spec, "cells", "box"]) if w**k <= args.cells_limit else None
        for other in (pw, cells):
            if other is not None and other["pieces"] != line["pieces"]:
                print(f"COUNT MISMATCH on {w}^{k}: {line} vs {other}", file=sys.stderr)
                return 1
        row = (f"| {w}^{k} | {w**k:,} | {t_cmd:.2f} ({cpu:.2f}) | {line['seconds']:.3f} | "
               f"{cells['seconds']:.2f} | {cells['seconds'] / line['seconds']:.0f}x | " if cells else
               f"| {w}^{k} | {w**k:,} | {t_cmd:.2f} ({cpu:.2f}) | {line['seconds']:.3f} | not run | | ")
        row += f"{pw['seconds']:.2f} |"
        if args.before:
            if w**k <= args.cells_limit:
                try:
                    t_before, _ = time_command(["regions", path, "--domain", "box:0,1", "--json"], pythonpath=args.before, repeat=1,
                                               timeout=args.before_limit)
                    row += f" {t_before:.2f} | {t_before / t_cmd:.0f}x |"
                except subprocess.TimeoutExpired:
                    row += f" > {args.before_limit:.0f} | |"
            else:
                row += " not run | |"
        print(row, flush=True)

    peer = peer_python(args.peer_python)
    print("\n## random R -> R networks on all of R: polyrelu (1-D path) vs relucent (float64 BFS)")
    print("| widths | activation regions | polyrelu command s | polyrelu in process s | cell engine s | relucent s | relucent / polyrelu in process |")
    print("|---|---|---|---|---|---|---|")
    nets = [[1, 8, 8, 1], [1, 16, 16, 1]] if args.quick else [[1, 16, 16, 1], [1, 32, 32, 1], [1, 16, 16, 16, 1], [1, 64, 64, 64, 1]]
    for dims in nets:
        spec = ",".join(map(str, dims))
        path = f"{folder}/random_{spec.replace(',', '_')}.json"
        random_network(dims, 0).save(path)
        t_cmd, text = time_command(["regions", path, "--json"])
        n = json.loads(text)["activation_regions"]
        line = run_fresh([__file__, "--one", "random", spec, "auto", "all"])
        cells = run_fresh([__file__, "--one", "random", spec, "cells", "all"]) if n <= args.cells_limit else None
        if cells is not None and cells["activation_regions"] != n:
            print(f"COUNT MISMATCH: 1-D path {n} vs cell engine {cells['activation_regions']}", file=sys.stderr)
            return 1
        theirs = None
        if peer:
            try:
                out = subprocess.run([peer, str(RELUCENT), "1"], input=Path(path).read_text(), capture_output=True, text=True,
                                     timeout=args.peer_timeout)
                theirs = json.loads(out.stdout) if out.returncode == 0 else {"error": out.stderr.strip().splitlines()[-1][:80]}
            except subprocess.TimeoutExpired:
                theirs = None
        if theirs and "error" not in theirs and theirs["regions"] != n:
            print(f"# relucent counts {theirs['regions']} regions, polyrelu {n} (float64 versus exact)", file=sys.stderr)
        t_peer = (fmt_s(theirs["seconds"]) if theirs and "error" not in theirs else
                  (f"failed: {theirs['error']}" if theirs else ("timeout" if peer else "-")))
        ratio = f"{theirs['seconds'] / line['seconds']:.0f}x" if theirs and "error" not in theirs else "-"
        print(f"| {spec} | {n:,} | {t_cmd:.2f} | {line['seconds']:.3f} | {fmt_s(cells['seconds']) if cells else 'not run'} | "
              f"{t_peer} | {ratio} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
