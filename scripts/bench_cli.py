#!/usr/bin/env python3
"""Benchmark: the command line as a user types it, on the instances of issue 14, with the
targets, against SageMath and (optionally) an older checkout of polyrelu.

    python scripts/bench_cli.py                       # now, and Sage where it has a peer
    python scripts/bench_cli.py --before /tmp/base    # also the same commands on an older checkout
    python scripts/bench_cli.py --no-peer

Every polyrelu time is the best of --repeat fresh processes ``python -m polyrelu ...``
(byte-code cached as in an installed package; start-up, parsing, work and output all
included), with the CPU seconds of that run (user + system, worker processes included:
the steadier figure on a shared machine).  Sage's time is its computation alone
(scripts/peers/sage_peer.py; start-up excluded), so the ratios favour Sage.
Instances: random integer arrangements (entries in [-20, 20]) and zonotope generators
(in [-1000, 1000]) seeded as in bench_arrangement.py / bench_zonotope.py; hard functions
with equally spaced breakpoints in (0, 1).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bench  # noqa: E402
from _bench import ROOT, fmt_s, peer_python, run_peer, time_command  # noqa: E402
from bench_arrangement import instance as arrangement_instance  # noqa: E402
from bench_zonotope import instance as zonotope_instance  # noqa: E402

EXAMPLES = ROOT / "data" / "examples"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", metavar="DIR", help="a checkout of an older polyrelu (e.g. git archive 6f174e4 | tar -x -C DIR)")
    ap.add_argument("--before-limit", type=float, default=120.0, help="skip the older checkout on rows it cannot finish in this many seconds")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--peer-python")
    ap.add_argument("--peer-timeout", type=float, default=300.0)
    ap.add_argument("--no-peer", action="store_true")
    args = ap.parse_args()
    peer = None if args.no_peer else peer_python(args.peer_python)
    folder = Path(tempfile.mkdtemp(prefix="bench_cli_"))

    def arrangement_file(N, d):
        rows = arrangement_instance(N, d, 0)
        p = folder / f"arr_{N}_{d}.json"
        p.write_text(json.dumps({"format": "polyrelu.arrangement", "version": 1, "dim": d,
                                 "hyperplanes": [{"a": r[:d], "b": r[d]} for r in rows]}))
        return str(p), {"task": "arrangement", "dim": d, "hyperplanes": [{"a": r[:d], "b": r[d]} for r in rows]}

    def zonotope_file(m, n):
        gens = zonotope_instance(m, n, 0)
        p = folder / f"zon_{m}_{n}.json"
        p.write_text(json.dumps({"format": "polyrelu.zonotope", "version": 1, "generators": gens, "center": [0] * n}))
        return str(p), {"task": "zonotope", "generators": gens}

    def hard_file(w, k):
        from polyrelu.paper.constructions import hard_function

        p = folder / f"hard_{w}_{k}.json"
        hard_function([[f"{i}/{w}" for i in range(1, w)]] * k, 1).save(p)
        return str(p)

    small_arr = folder / "small_arr.json"
    small_arr.write_text(json.dumps({"format": "polyrelu.arrangement", "version": 1, "dim": 2,
                                     "hyperplanes": [{"a": [1, 0], "b": 0}, {"a": [0, 1], "b": 0}, {"a": [1, 1], "b": 1}]}))
    small_zon = folder / "small_zon.json"
    small_zon.write_text(json.dumps({"format": "polyrelu.zonotope", "version": 1, "generators": [[1, 0], [0, 1], [1, 1]],
                                     "center": [0, 0]}))

    # (label, argv, peer task, target text, target check(now, peer), run the older checkout?)
    rows = [
        ("--help", ["--help"], None, "< 0.2 s", lambda t, p: t < 0.2, True),
        ("inspect (small)", ["inspect", str(EXAMPLES / "figure1_hard.json")], None, "< 0.2 s", lambda t, p: t < 0.2, True),
        ("arrangement, 3 lines", ["arrangement", str(small_arr), "--json"], None, "< 0.2 s", lambda t, p: t < 0.2, True),
        ("zonotope, 3 generators", ["zonotope", str(small_zon), "--json"], None, "< 0.2 s", lambda t, p: t < 0.2, True),
        ("regions, figure 1 net", ["regions", str(EXAMPLES / "figure1_hard.json"), "--json"], None, "< 0.2 s", lambda t, p: t < 0.2, True),
    ]
    for N, d in ((40, 3), (20, 4), (40, 4)):
        path, task = arrangement_file(N, d)
        target = (">= 30x Sage", lambda t, p: p is not None and p / t >= 30) if (N, d) == (40, 3) else ("", None)
        rows.append((f"arrangement {N} in R^{d} (with check)", ["arrangement", path, "--json"], task, *target, True))
    for m in (16, 20, 24):
        path, task = zonotope_file(m, 4)
        target = {20: (">= 50x Sage", lambda t, p: p is not None and p / t >= 50), 24: ("< 1 s", lambda t, p: t < 1)}.get(m, ("", None))
        rows.append((f"zonotope {m} in R^4", ["zonotope", path, "--json"], task, *target, True))
    for w, k, box in ((3, 9, True), (3, 9, False), (4, 10, True)):
        path = hard_file(w, k)
        argv = ["regions", path, "--json"] + (["--domain", "box:0,1"] if box else [])
        target = ("< 1 s", lambda t, p: t < 1) if (w, k) == (3, 9) else ("< 10 s", lambda t, p: t < 10)
        rows.append((f"regions, hard function {w}^{k}" + (" in (0,1)" if box else " on R"), argv, None, *target, (w, k) != (4, 10)))

    head = "| command | now s (CPU s) |" + (" before s | before / now |" if args.before else "") + " Sage s | Sage / now | target | met |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    all_met = True
    for label, argv, task, target, check, run_before in rows:
        t, _ = time_command(argv, repeat=args.repeat)
        cpu = _bench.last_cpu
        line = f"| `{label}` | {t:.2f} ({cpu:.2f}) |"
        if args.before:
            if run_before:
                line += _bench.before_cells(argv, args.before, args.before_limit, t)
            else:
                line += " not run | |"
        theirs = run_peer(peer, task, args.peer_timeout) if (peer and task) else None
        tp = theirs["seconds"] if theirs else None
        line += f" {fmt_s(tp) if task and peer else '-'} | {f'{tp / t:.0f}x' if tp else '-'} |"
        met = check(t, tp) if check else None
        all_met &= met is not False
        line += f" {target} | {'yes' if met else ('no' if met is False else '')} |"
        print(line, flush=True)
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
