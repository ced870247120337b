#!/usr/bin/env python3
"""Benchmark: exact one-hidden-layer training (Algorithm 1) against gradient descent,
pyscnn and brute force, on the same data in one run; then how far D goes within a minute.

    python scripts/bench_training.py                 # comparison table, absolute and squared loss
    python scripts/bench_training.py --quick
    python scripts/bench_training.py --growth        # largest D certified within 60 s: all losses, n, w = 1..3
    python scripts/bench_training.py --growth --losses absolute --cases 2:2 --budget 60
    python scripts/bench_training.py --speedup       # 1 vs 2 worker processes, Dask 1 vs 2 workers, same instances
    python scripts/bench_training.py --speedup --repeat 3 --speedup-cases squared:2:2:40
    python scripts/bench_training.py --speedup --dask-actors   # also 2 Dask workers on the actor route (the fallback)

Data: seeded random integer points and labels in [-5, 5] (growth: points in [-1000, 1000],
so that they stay distinct and the data's arrangement keeps growing with D; hinge labels
are the signs of the labels, 0 counted as +1).

* Gradient descent: numpy Adam on the same loss, 10 random restarts, 3000 steps each.
* pyscnn (squared loss only; PyPI's convex reformulation, float64) in the peer virtualenv
  (scripts/setup_peers.sh), when one is found: max_neurons = max(2, w), group-L1 1e-4,
  60 s timeout.  When it returns more than w neurons, the w largest
  (|output weight| x ||input weights||) are kept, so it competes at width w.
* Brute force: the same convex subproblems over all 2^(D w) splits (D w <= 8).

Every other method's network is evaluated in exact rationals (the float weights' exact
binary values), so the comparison is exact: the exact trainer's loss must be <= all of
them, on every instance (also at the largest D of every growth row), or the script exits 1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import ROOT, peer_python  # noqa: E402

from polyrelu.errors import ResourceLimitError  # noqa: E402
from polyrelu.nets.network import ReluNetwork  # noqa: E402
from polyrelu.exact.rational import as_rational, from_float  # noqa: E402
from polyrelu.training.subproblem import loss_value  # noqa: E402
from polyrelu.training.trainer import ExactReluTrainer, all_splits_optimum  # noqa: E402
from polyrelu.training import _executor  # noqa: E402


def instance(n: int, D: int, seed: int, spread: int = 5, loss: str = "absolute"):
    """D points with integer coordinates in [-spread, spread] and integer labels in [-5, 5]
    (hinge loss: their signs, 0 counted as +1), from the one instance generator."""
    from polyrelu.paper.instances import random_dataset

    X, y = random_dataset(n, D, seed, spread=spread, labels="bench")
    return X, ([1 if v >= 0 else -1 for v in y] if loss == "hinge" else y)


def exact_risk(net: ReluNetwork, X, y, loss: str):
    preds = [net.evaluate(x)[0] for x in X]
    return sum((loss_value(loss, p, as_rational(yy)) for p, yy in zip(preds, y)), as_rational(0)) / len(X)


def float_net(W1, b1, w2, n: int) -> ReluNetwork:
    if len(W1) == 0:  # an empty hidden layer: the zero function
        W1, b1, w2 = [[0.0] * n], [0.0], [0.0]
    return ReluNetwork(n, [([[from_float(float(v)) for v in row] for row in W1], [from_float(float(v)) for v in b1]),
                           ([[from_float(float(v)) for v in w2]], [0])])


def adam(X, y, w: int, loss: str, restarts: int = 10, steps: int = 3000, seed: int = 0):
    """Best exact empirical risk over random restarts of Adam on sum_i s_i relu(a_i.x + b_i)."""
    Xf, yf = np.array(X, dtype=float), np.array(y, dtype=float)
    D, n = Xf.shape
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(restarts):
        params = [rng.normal(size=(w, n)), rng.normal(size=w)]
        s = rng.choice([-1.0, 1.0], size=w)
        m = [np.zeros_like(p) for p in params]
        v = [np.zeros_like(p) for p in params]
        for t in range(1, steps + 1):
            Z = Xf @ params[0].T + params[1]
            r = np.maximum(Z, 0) @ s - yf
            if loss == "hinge":  # d/dp max(0, 1 - y p)
                g_out = np.where(1 - yf * (r + yf) > 0, -yf, 0.0) / D
            else:
                g_out = (2 * r if loss == "squared" else np.sign(r)) / D
            gZ = (g_out[:, None] * s[None, :]) * (Z > 0)
            grads = [gZ.T @ Xf, gZ.sum(axis=0)]
            for k in range(2):
                m[k] = 0.9 * m[k] + 0.1 * grads[k]
                v[k] = 0.999 * v[k] + 0.001 * grads[k] ** 2
                params[k] -= 0.01 * (m[k] / (1 - 0.9**t)) / (np.sqrt(v[k] / (1 - 0.999**t)) + 1e-8)
        risk = exact_risk(float_net(params[0], params[1], s, n), X, y, loss)
        best = risk if best is None or risk < best else best
    return best


def pyscnn(python: str, X, y, w: int, timeout: float = 60):
    """(exact squared risk of pyscnn's network cut to w neurons, seconds, number of neurons
    it returned, exact risk of that uncut network), or a string saying why there is none."""
    try:
        out = subprocess.run([python, str(ROOT / "scripts" / "peers" / "pyscnn_peer.py")], input=json.dumps({"X": X, "y": y, "width": w}),
                             capture_output=True, text=True, timeout=timeout)
        res = json.loads(out.stdout)
    except subprocess.TimeoutExpired:
        return f"over {timeout:g} s"
    except json.JSONDecodeError:
        return "crashed"
    if "error" in res:
        return "fails: " + res["error"].split(":")[0]
    n = len(X[0])
    W1, W2 = np.array(res["W1"], dtype=float).reshape(-1, n + 1), np.array(res["W2"], dtype=float).reshape(-1)
    raw = exact_risk(float_net(W1[:, :-1], W1[:, -1], W2, n), X, y, "squared")
    k = len(W2)
    if k > w:
        keep = np.argsort(-np.abs(W2) * np.linalg.norm(W1, axis=1), kind="stable")[:w]
        W1, W2 = W1[keep], W2[keep]
    return exact_risk(float_net(W1[:, :-1], W1[:, -1], W2, n), X, y, "squared"), res["seconds"], k, raw


def compare(args) -> int:
    cases = [(1, 4, 1), (1, 6, 2), (2, 5, 2)] if args.quick else [
        (1, 4, 1), (1, 8, 1), (1, 16, 1), (1, 4, 2), (1, 8, 2), (1, 16, 2), (1, 6, 3), (1, 10, 3),
        (2, 5, 1), (2, 12, 1), (2, 24, 1), (2, 5, 2), (2, 8, 2), (2, 12, 2), (3, 10, 1), (3, 7, 2)]
    peer = peer_python(args.peer_python)
    print(f"pyscnn peer: {peer or 'not found (scripts/setup_peers.sh)'}")
    print("| loss | n | D | w | exact loss | solved / pruned of subproblems | 2^w D^(nw) | exact s | Adam x10 | pyscnn | brute force |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for loss in args.losses.split(","):
        for n, D, w in cases:
            X, y = instance(n, D, seed=100 * n + D, loss=loss)
            t0 = time.perf_counter()
            tr = ExactReluTrainer(width=w, loss=loss, certify=False).fit(X, y)
            secs = time.perf_counter() - t0
            others = {"Adam": adam(X, y, w, loss)}
            cell_scnn = "-"
            if loss == "squared" and peer:
                got = pyscnn(peer, X, y, w)
                if isinstance(got, str):
                    cell_scnn = got
                else:
                    others["pyscnn"] = got[0]
                    cell_scnn = f"{float(got[0]):.4f}{gap(got[0], tr.loss_)} ({got[1]:.2f} s)"
                    if got[2] > w:  # what it had before the cut to w neurons (a wider model: not comparable)
                        cell_scnn += f"; its {got[2]} neurons: {float(got[3]):.4f}"
            brute = all_splits_optimum(tr, X, y) if D * w <= 8 else None
            if any(v < tr.loss_ for v in others.values()) or (brute is not None and brute != tr.loss_):
                print(f"VIOLATION on {loss} n={n} D={D} w={w}: exact {tr.loss_}, others {others}, brute {brute}", file=sys.stderr)
                return 1
            print(f"| {loss} | {n} | {D} | {w} | {tr.loss_} | {tr.n_subproblems_:,} / {tr.n_pruned_:,} of {tr.n_candidates_:,} | "
                  f"{tr.paper_bound_:,} | {secs:.2f} | {float(others['Adam']):.4f}{gap(others['Adam'], tr.loss_)} | {cell_scnn} | "
                  f"{brute if brute is not None else '-'} |", flush=True)
    return 0


def gap(other, exact) -> str:
    return " (=)" if other == exact else f" (+{float(other - exact):.3g})"


SIZES = [4, 6, 8, 12, 16, 20, 24, 32, 40, 48, 64, 96, 128, 192, 256, 384, 512]


def growth(args) -> int:
    """Largest D certified within the budget, per loss and (n, w); the optimum at that D is
    compared exactly with Adam (10 restarts) and pyscnn (squared loss)."""
    peer = peer_python(args.peer_python)
    print(f"Growth of D: budget {args.budget:g} s per run, workers {args.workers or 'default (all cores)'}; pyscnn peer: "
          f"{peer or 'not found (scripts/setup_peers.sh)'}", flush=True)
    print("| loss | n | w | D | cells | solved | pruned by sign bound | pruned by shared duals | float fallbacks | multisets | 2^w D^(nw) | seconds | certified |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|", flush=True)
    summary: dict = {}
    bad = 0
    for loss in args.losses.split(","):
        for n, w in [tuple(int(v) for v in c.split(":")) for c in args.cases.split(",")]:
            largest = None
            for D in SIZES:
                X, y = instance(n, D, seed=1000 + 100 * n + D, spread=1000, loss=loss)
                t0 = time.perf_counter()
                try:
                    tr = ExactReluTrainer(width=w, loss=loss, max_seconds=args.budget, certify=False, workers=args.workers).fit(X, y)
                except ResourceLimitError as exc:  # more multisets than the trainer holds
                    print(f"| {loss} | {n} | {w} | {D} | - | - | - | - | - | - | {2**w * D**(n*w):,} | - | no: {exc} |", flush=True)
                    break
                secs = time.perf_counter() - t0
                ok = tr.certified_ and secs <= args.budget  # a batch may overrun the budget a little
                print(f"| {loss} | {n} | {w} | {D} | {tr.n_cells_} | {tr.n_subproblems_:,} | {tr.n_pruned_sign_:,} | {tr.n_pruned_dual_:,} | "
                      f"{tr.n_fallbacks_:,} | {tr.n_candidates_:,} | {tr.paper_bound_:,} | {secs:.1f} | {'yes' if ok else 'no'} |", flush=True)
                if not ok:
                    break
                largest = (D, tr.n_subproblems_, tr.paper_bound_, tr.loss_, X, y, secs)
            summary[(loss, n, w)] = largest
            if largest is not None and not args.no_peers:
                D, _, _, opt, X, y, _ = largest
                others = {"Adam": adam(X, y, w, loss)}
                why = ""
                if loss == "squared" and peer:
                    got = pyscnn(peer, X, y, w)
                    if isinstance(got, str):
                        why = f", pyscnn: {got}"
                    else:
                        others["pyscnn"] = got[0]
                msg = ", ".join(f"{k} {float(v):.6g}{gap(v, opt)}" for k, v in others.items()) + why
                print(f"  {loss} n={n} w={w} D={D}: exact optimum {float(opt):.6g}; {msg}", flush=True)
                if any(v < opt for v in others.values()):
                    print(f"VIOLATION: {loss} n={n} w={w} D={D}: exact {opt}, others {others}", file=sys.stderr)
                    bad = 1
    print()
    cases = [tuple(int(v) for v in c.split(":")) for c in args.cases.split(",")]
    print(f"Largest D certified within {args.budget:g} s (subproblems solved / the paper's 2^w D^(nw)):")
    print("| loss | " + " | ".join(f"n={n}, w={w}" for n, w in cases) + " |")
    print("|---|" + "---|" * len(cases))
    for loss in args.losses.split(","):
        cells = []
        for n, w in cases:
            got = summary.get((loss, n, w))
            cells.append("-" if got is None else f"{got[0]} ({got[1]:,} / {got[2]:.2g})")
        print(f"| {loss} | " + " | ".join(cells) + " |")
    return bad


SPEEDUP_CASES = [("absolute", 2, 2, 20), ("squared", 2, 2, 24), ("absolute", 2, 2, 40), ("squared", 2, 2, 40), ("absolute", 1, 3, 64)]


def _timed_fit(make, fit) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process, trainer) of one fit."""
    t0, c0 = time.perf_counter(), time.process_time()
    tr = fit(make())
    return time.perf_counter() - t0, time.process_time() - c0, tr


def speedup(args) -> int:
    """The same fits on 1 and 2 local worker processes, and on a local Dask cluster with 1
    and 2 worker processes (results and counts must agree).  Best of ``--repeat`` runs
    each; the cluster is started before the clock (the fit's own set-up on it, scattering
    the problem and starting one actor per worker, is timed).  ``main CPU`` is the CPU time
    of the main process during the 2-process fit: the search's serial work (set-up, batch
    assembly, merging) plus the pool's bookkeeping, the bound on the speedup by Amdahl's law."""
    try:
        import distributed
    except ImportError:
        distributed = None
    from polyrelu.parallel import Executor

    cases = SPEEDUP_CASES if args.cases_speedup is None else [
        (c.split(":")[0], *(int(v) for v in c.split(":")[1:])) for c in args.cases_speedup.split(",")]
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores; best of {args.repeat}")
    more = " Dask 2 workers by actors s (vs 1 process) |" if args.dask_actors else ""
    print("| loss | n | w | D | solved | 1 process s | 2 processes s (main CPU s) | speedup | Dask 1 worker s | Dask 2 workers s | speedup | Dask 2 vs 1 process |" + more)
    print("|---|---|---|---|---|---|---|---|---|---|---|---|" + ("---|" if more else ""))
    for loss, n, w, D in cases:
        X, y = instance(n, D, seed=1000 + 100 * n + D, spread=1000, loss=loss)

        def make(**kw):
            return lambda: ExactReluTrainer(width=w, loss=loss, certify=False, **kw)

        runs: dict[str, list] = {}
        for _ in range(args.repeat):
            for workers in (1, 2):
                runs.setdefault(str(workers), []).append(_timed_fit(make(workers=workers), lambda t: t.fit(X, y)))
            if distributed is not None and not args.no_dask:
                for k in (1, 2):
                    with distributed.LocalCluster(n_workers=k, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                            distributed.Client(cluster) as client, Executor(scheduler=client) as ex:
                        client.wait_for_workers(k)
                        runs.setdefault(f"dask{k}", []).append(_timed_fit(make(), lambda t: t.fit(X, y, executor=ex)))
                        if args.dask_actors and k == 2:  # the fallback route: one Dask actor per worker
                            real = _executor._connect_remote
                            _executor._connect_remote = lambda client, job: ([], [])
                            try:
                                runs.setdefault("actors2", []).append(_timed_fit(make(), lambda t: t.fit(X, y, executor=ex)))
                            finally:
                                _executor._connect_remote = real
        best = {k: min(v, key=lambda r: r[0]) for k, v in runs.items()}
        fits = [r[2] for r in best.values()]
        a = fits[0]
        key = (lambda f: (f.loss_, f.network_, f.n_subproblems_, f.n_pruned_sign_, f.n_pruned_dual_))
        if any(key(f) != key(a) for f in fits):
            print(f"MISMATCH between executors on {loss} n={n} w={w} D={D}", file=sys.stderr)
            return 1
        t1, t2, main2 = best["1"][0], best["2"][0], best["2"][1]
        dask = "- | - | - | -"
        if "dask1" in best:
            d1, d2 = best["dask1"][0], best["dask2"][0]
            dask = f"{d1:.1f} | {d2:.1f} | {d1 / d2:.2f} | {t1 / d2:.2f}"
        actors = f" {best['actors2'][0]:.1f} ({t1 / best['actors2'][0]:.2f}) |" if "actors2" in best else ""
        print(f"| {loss} | {n} | {w} | {D} | {a.n_subproblems_:,} | {t1:.1f} | {t2:.1f} ({main2:.1f}) | {t1 / t2:.2f} | {dask} |{actors}", flush=True)
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--losses", default=None, help="losses (comparison default: absolute,squared; growth: squared,absolute,hinge)")
    ap.add_argument("--growth", action="store_true", help="largest D certified within the budget")
    ap.add_argument("--speedup", action="store_true", help="1 vs 2 worker processes")
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per growth run")
    ap.add_argument("--cases", default="1:1,1:2,1:3,2:1,2:2,2:3,3:1,3:2,3:3", help="growth rows as n:w pairs")
    ap.add_argument("--workers", type=int, default=None, help="worker processes of the growth runs (default: the trainer's)")
    ap.add_argument("--no-peers", action="store_true", help="growth: skip the Adam/pyscnn comparison")
    ap.add_argument("--no-dask", action="store_true", help="speedup: skip the local Dask cluster")
    ap.add_argument("--dask-actors", action="store_true",
                    help="speedup: also time 2 Dask workers on the actor route (the fallback where workers cannot be reached by TCP)")
    ap.add_argument("--repeat", type=int, default=1, help="speedup: best of this many runs per executor")
    ap.add_argument("--speedup-cases", dest="cases_speedup", default=None,
                    help="speedup instances as loss:n:w:D (default: " + ",".join(":".join(map(str, c)) for c in SPEEDUP_CASES) + ")")
    ap.add_argument("--peer-python", help="interpreter with pyscnn (default: .venv-peers/bin/python)")
    args = ap.parse_args()
    if args.losses is None:
        args.losses = "squared,absolute,hinge" if args.growth else "absolute,squared"
    if args.speedup:
        return speedup(args)
    return growth(args) if args.growth else compare(args)


if __name__ == "__main__":
    sys.exit(main())
