#!/usr/bin/env python3
"""Benchmark: activation regions of random ReLU networks, polyrelu against a plain exact BFS
and relucent, in one run; then scaling (time per region, a million regions with peak
memory), the region graph, and writing every region to shards in memory against
``--stream`` (all four counts must agree).

    python scripts/bench_regions.py              # everything (about 10 minutes on 2 cores)
    python scripts/bench_regions.py --quick
    python scripts/bench_regions.py --only peers|scale|graph|stream
    POLYRELU_SRC=/path/to/other/checkout python scripts/bench_regions.py   # measure another version

Peers: relucent (float64 BFS over activation regions with LPs; install it in the peer venv
with scripts/setup_peers.sh) when available, and a plain exact baseline written here in
~60 lines: breadth-first search over activation patterns; for each region, cddlib (exact)
finds the irredundant neuron constraints (the facets), and each neighbour pattern (one
facet neuron flipped) is kept if an exact LP finds an interior point.  All programs must
report the same count.  Weights are random integers in [-99, 99] (seeded numpy, seed 0).

"whole command" is ``polyrelu regions NET --json`` as a user types it (a fresh process,
imports included; default workers = all cores), "library" the ``network_regions`` call
alone.  Peak memory is the largest total memory of the command's process tree (parent and
worker processes; proportional set size, so pages a forked worker shares with its parent
count once), sampled every 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import deque
from fractions import Fraction
from pathlib import Path

import cdd
import cdd.gmp
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import ROOT, peer_python, run_fresh  # noqa: E402

SRC = os.environ.get("POLYRELU_SRC")  # measure another checkout (its polyrelu package) with this interpreter


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
def _env() -> dict:
    env = dict(os.environ)
    if SRC:
        env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants."""
    kids: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            kids.setdefault(int(fields[1]), []).append(int(d))
            rss[int(d)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            pass
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += _pss(p, rss.get(p, 0))
        stack += kids.get(p, [])
    return total


def _pss(pid: int, fallback: int) -> int:
    """Proportional set size: pages shared by forked workers and their parent count once
    in the sum (plain RSS would count them in every process)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return fallback


def run_command(args: list[str], timeout: float = 3600) -> dict:
    """Run ``polyrelu ARGS`` in a fresh process: wall seconds, CPU seconds (with its worker
    processes), peak tree memory, stdout."""
    import resource

    # -P: no current directory on sys.path, so POLYRELU_SRC (PYTHONPATH) decides which polyrelu runs
    cmd = [sys.executable, "-P", "-c", "import sys; from polyrelu.cli import main; sys.exit(main())", *args]
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    import threading

    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.05)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise RuntimeError(f"timeout: {args}") from None
    finally:
        done.set()
        th.join()
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{args}: exit {proc.returncode}: {err.strip()[-1500:]}")
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)  # the command and its reaped workers
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak[0] / 2**20, "stdout": out}


def one(dims: list[int], seed: int, which: str, workers: int | None) -> dict:
    from polyrelu.nets.network import ReluNetwork
    from polyrelu.nets.regions import network_regions

    layers = random_net(dims, seed)
    network_regions(ReluNetwork(2, random_net([2, 3, 3, 1], 1)), workers=1)  # warm up imports (both sides)
    baseline_bfs(random_net([2, 3, 1], 1), 2)
    t = time.perf_counter()
    if which == "baseline":
        count = baseline_bfs(layers, dims[0])
    elif which == "graph":
        res = network_regions(ReluNetwork(dims[0], layers), workers=workers)
        t1 = time.perf_counter()
        G = res.region_graph()
        return {"regions": res.n_activation_regions, "edges": G.number_of_edges(), "seconds": time.perf_counter() - t1,
                "enumeration_seconds": t1 - t}
    else:
        count = network_regions(ReluNetwork(dims[0], layers), workers=workers).n_activation_regions
    return {"regions": count, "seconds": time.perf_counter() - t}


def _fresh(spec: dict, workers: int | None) -> dict:
    w = ["--workers", str(workers)] if workers else []
    out = subprocess.run([sys.executable, __file__, "--one", json.dumps(spec)] + w, capture_output=True, text=True, env=_env())
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip()[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _relucent(python: str, dims: list[int]) -> dict | None:
    from polyrelu.nets.network import ReluNetwork

    net = ReluNetwork(dims[0], random_net(dims, 0)).to_json()
    try:
        out = subprocess.run([python, str(ROOT / "scripts" / "peers" / "relucent_peer.py")], input=net, capture_output=True, text=True, timeout=1800)
    except subprocess.TimeoutExpired:
        return None
    if out.returncode != 0:
        print(f"relucent failed on {dims}: {out.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    return json.loads(out.stdout)


def degenerate_net(dims: list[int], seed: int = 0):
    """The seeded net made degenerate, so that many affine maps are shared: in every layer
    after the first, the weights out of every 4th neuron of the layer before are zero, and
    every 5th neuron of each hidden layer repeats the one before it (a coincident
    hyperplane)."""
    layers = random_net(dims, seed)
    for k, (W, b) in enumerate(layers):
        if k > 0:
            for row in W:
                for j in range(0, len(row), 4):
                    row[j] = 0
        if k < len(layers) - 1:
            for i in range(4, len(W), 5):
                W[i], b[i] = list(W[i - 1]), b[i - 1]
    return layers


def _net_file(tmp: Path, dims: list[int], degenerate: bool = False) -> Path:
    from polyrelu.nets.network import ReluNetwork

    p = tmp / ("net_" + "-".join(map(str, dims)) + ("_degenerate" if degenerate else "") + ".json")
    ReluNetwork(dims[0], degenerate_net(dims) if degenerate else random_net(dims, 0)).save(p)
    return p


def peers(args, tmp: Path, peer: str | None) -> int:
    cases = [[2, 8, 8, 1], [3, 12, 1]] if args.quick else [[3, 32, 1], [3, 16, 16, 1], [3, 24, 24, 1]]
    cases = args.cases or cases
    print("| network | regions | polyrelu command s | library s | exact BFS s | BFS / command | relucent s | relucent / command |")
    print("|---|---|---|---|---|---|---|---|")
    for dims in cases:
        cmd = run_command(["regions", str(_net_file(tmp, dims)), "--json"] + (["--workers", str(args.workers)] if args.workers else []))
        count = json.loads(cmd["stdout"])["activation_regions"]
        lib = _fresh({"dims": dims, "seed": 0, "which": "polyrelu"}, args.workers)
        base = _fresh({"dims": dims, "seed": 0, "which": "baseline"}, None) if not args.no_bfs and dims != [3, 24, 24, 1] else None
        if base is not None and base["regions"] != count:
            print(f"COUNT MISMATCH on {dims}: polyrelu {count} vs BFS {base['regions']}", file=sys.stderr)
            return 1
        rel = _relucent(peer, dims) if peer else None
        if rel is not None and rel["regions"] != count:
            print(f"COUNT MISMATCH on {dims}: polyrelu {count} vs relucent {rel['regions']}", file=sys.stderr)
        name = "-".join(map(str, dims))
        b = f"{base['seconds']:.2f} | {base['seconds'] / cmd['seconds']:.1f}x" if base else "- | -"
        r = f"{rel['seconds']:.2f} | {rel['seconds'] / cmd['seconds']:.1f}x" if rel else "- | -"
        print(f"| {name} | {count:,} | {cmd['seconds']:.2f} | {lib['seconds']:.2f} | {b} | {r} |", flush=True)
    return 0


def scale(args, tmp: Path) -> int:
    cases = [[3, 24, 24, 1], [3, 16, 16, 16, 1]] if args.quick else [[3, 24, 24, 1], [3, 32, 32, 1], [3, 16, 16, 16, 1], [3, 20, 20, 20, 1], [4, 72, 1]]
    cases = args.cases or cases
    print("\n| network | regions | whole command s | us / region | CPU s (with workers) | CPU us / region | peak memory MB |")
    print("|---|---|---|---|---|---|---|")
    for dims in cases:
        cmd = run_command(["regions", str(_net_file(tmp, dims)), "--json"] + (["--workers", str(args.workers)] if args.workers else []))
        count = json.loads(cmd["stdout"])["activation_regions"]
        print(f"| {'-'.join(map(str, dims))} | {count:,} | {cmd['seconds']:.2f} | {1e6 * cmd['seconds'] / count:.0f} | "
              f"{cmd['cpu_seconds']:.2f} | {1e6 * cmd['cpu_seconds'] / count:.0f} | {cmd['peak_mb']:.0f} |", flush=True)
    return 0


def graph(args, tmp: Path) -> int:
    cases = [[2, 12, 8, 1]] if args.quick else [[2, 16, 12, 1], [3, 16, 16, 1], [4, 40, 1]]
    cases = args.cases or cases
    print("\n| network | regions | edges | region graph s (library, after enumeration) | whole command with --graph s |")
    print("|---|---|---|---|---|")
    for dims in cases:
        g = _fresh({"dims": dims, "seed": 0, "which": "graph"}, args.workers)
        cmd = run_command(["regions", str(_net_file(tmp, dims)), "--graph", str(tmp / "g.json")])
        print(f"| {'-'.join(map(str, dims))} | {g['regions']:,} | {g['edges']:,} | {g['seconds']:.2f} | {cmd['seconds']:.2f} |", flush=True)
    return 0


def stream(args, tmp: Path) -> int:
    """Peak memory and CPU of the whole command writing every region to shards: in memory
    (``--shards DIR``: the result is built, then written) against ``--shards DIR --stream``,
    which computes the same four counts (linear regions and pieces from the join structure
    of the shared maps); the degenerate nets (``degenerate_net``) share many maps."""
    cases = [(c, False) for c in args.cases] if args.cases else \
        ([([3, 24, 24, 1], False), ([3, 16, 16, 1], True)] if args.quick else
         [([4, 72, 1], False), ([3, 24, 24, 1], False), ([3, 16, 16, 1], True), ([4, 40, 1], True)])
    print("\n| network | mode | regions | linear regions | pieces | affine maps | shards | whole command s | CPU s | peak memory MB (all processes, PSS) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    w = ["--workers", str(args.workers)] if args.workers else []
    for dims, degenerate in cases:
        net = _net_file(tmp, dims, degenerate)
        label = "-".join(map(str, dims)) + (" degenerate" if degenerate else "")
        counts = {}
        for mode, extra in (("in memory", []), ("--stream", ["--stream"])):
            d = tmp / ("shards-" + "-".join(map(str, dims)) + ("-stream" if extra else ""))
            cmd = run_command(["regions", str(net), "--json", "--shards", str(d)] + extra + w)
            info = json.loads(cmd["stdout"])
            counts[mode] = tuple(info[k] for k in ("activation_regions", "linear_regions", "pieces", "affine_maps"))
            print(f"| {label} | {mode} | {_num(info['activation_regions'])} | {_num(info['linear_regions'])} | {_num(info['pieces'])} "
                  f"| {_num(info['affine_maps'])} | {len(info['shards'])} "
                  f"| {cmd['seconds']:.1f} | {cmd['cpu_seconds']:.1f} | {cmd['peak_mb']:.0f} |", flush=True)
            for p in d.iterdir():
                p.unlink()
            d.rmdir()
        a, b = counts.values()  # an older checkout (POLYRELU_SRC) streams without linear regions and pieces: None
        if any(x is not None and y is not None and x != y for x, y in zip(a, b)):
            print(f"COUNT MISMATCH on {label}: {counts}", file=sys.stderr)
            return 1
    return 0


def _num(v) -> str:
    return "—" if v is None else f"{v:,}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", choices=["peers", "scale", "graph", "stream"])
    ap.add_argument("--no-bfs", action="store_true", help="skip the exact BFS baseline")
    ap.add_argument("--cases", type=lambda t: [[int(v) for v in c.split("-")] for c in t.split(",")],
                    help="networks to run, e.g. 3-24-24-1,4-72-1 (seed 0)")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--peer-python", help="interpreter with relucent (default: .venv-peers/bin/python)")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        spec = json.loads(args.one)
        print(json.dumps(one(spec["dims"], spec["seed"], spec["which"], args.workers)))
        return 0
    peer = peer_python(args.peer_python)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        rc = 0
        if args.only in (None, "peers"):
            rc |= peers(args, tmp, peer)
        if args.only in (None, "scale"):
            rc |= scale(args, tmp)
        if args.only in (None, "graph"):
            rc |= graph(args, tmp)
        if args.only in (None, "stream"):
            rc |= stream(args, tmp)
    return rc


if __name__ == "__main__":
    sys.exit(main())
