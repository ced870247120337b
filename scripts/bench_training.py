#!/usr/bin/env python3
"""Benchmark: exact one-hidden-layer training (Algorithm 1) vs gradient descent and brute force.

    python scripts/bench_training.py            # n = 1 and 2, w = 1, 2; D growing
    python scripts/bench_training.py --quick

Data: seeded random integer points and labels.  Gradient descent: numpy Adam on the same
loss (absolute), 10 random restarts, 3000 steps each; its final network is evaluated in
exact rationals (the float weights' exact binary values), so the comparison is exact.
Brute force: the same LPs over all 2^(D w) splits (tiny D only).  The exact trainer's
loss must be <= every other method's loss on every instance.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from polyrelu.network import ReluNetwork
from polyrelu.rational import from_float
from polyrelu.training import ExactReluTrainer, _all_splits_optimum


def instance(n: int, D: int, seed: int):
    rng = np.random.default_rng(seed)
    X = rng.integers(-5, 6, size=(D, n)).tolist()
    y = rng.integers(-5, 6, size=D).tolist()
    return X, y


def adam_l1(X, y, w: int, restarts: int = 10, steps: int = 3000, seed: int = 0):
    """Best exact empirical L1 risk over random restarts of Adam on sum_i s_i relu(a_i.x + b_i)."""
    Xf, yf = np.array(X, dtype=float), np.array(y, dtype=float)
    D, n = Xf.shape
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(restarts):
        A, b = rng.normal(size=(w, n)), rng.normal(size=w)
        s = rng.choice([-1.0, 1.0], size=w)
        params = [A, b]
        m = [np.zeros_like(p) for p in params]
        v = [np.zeros_like(p) for p in params]
        for t in range(1, steps + 1):
            Z = Xf @ params[0].T + params[1]
            H = np.maximum(Z, 0)
            r = H @ s - yf
            g_out = np.sign(r) / D
            gZ = (g_out[:, None] * s[None, :]) * (Z > 0)
            grads = [gZ.T @ Xf, gZ.sum(axis=0)]
            for k in range(2):
                m[k] = 0.9 * m[k] + 0.1 * grads[k]
                v[k] = 0.999 * v[k] + 0.001 * grads[k] ** 2
                params[k] -= 0.01 * (m[k] / (1 - 0.9**t)) / (np.sqrt(v[k] / (1 - 0.999**t)) + 1e-8)
        net = ReluNetwork(n, [([[from_float(float(v)) for v in row] for row in params[0]], [from_float(float(v)) for v in params[1]]),
                              ([[from_float(float(v)) for v in s]], [0])])
        risk = sum(abs(net.evaluate(x)[0] - yy) for x, yy in zip(X, y)) / D
        best = risk if best is None or risk < best else best
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    cases = [(1, 4, 1), (1, 4, 2), (1, 6, 2)] if args.quick else [
        (1, 4, 1), (1, 8, 1), (1, 16, 1), (1, 4, 2), (1, 8, 2), (1, 12, 2), (1, 16, 2), (1, 6, 3), (2, 5, 1), (2, 8, 1), (2, 12, 1), (2, 5, 2), (2, 7, 2)]
    print("| n | D | w | exact loss | cells | subproblems | paper bound 2^w D^(nw) | exact s | Adam x10 loss | brute force |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n, D, w in cases:
        X, y = instance(n, D, seed=100 * n + D)
        t0 = time.perf_counter()
        tr = ExactReluTrainer(width=w).fit(X, y)
        secs = time.perf_counter() - t0
        gd = adam_l1(X, y, w)
        brute = _all_splits_optimum(tr, X, y) if D * w <= 8 else None
        if gd < tr.loss_ or (brute is not None and brute != tr.loss_):
            print(f"VIOLATION on n={n} D={D} w={w}", file=sys.stderr)
            return 1
        gap = "" if gd == tr.loss_ else f" (+{float(gd - tr.loss_):.3g})"
        print(f"| {n} | {D} | {w} | {tr.loss_} | {tr.n_cells_} | {tr.n_subproblems_:,} | {2**w * D**(n * w):,} | {secs:.2f} | "
              f"{float(gd):.4f}{gap} | {brute if brute is not None else '-'} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
