#!/usr/bin/env python3
"""Benchmark: python-flint (C, exact fmpz/fmpq matrices) against what polyrelu uses.

    pip install python-flint          # not a polyrelu dependency; only this script uses it
    python scripts/bench_exact_backends.py

The kernels polyrelu's exact code spends its time in, each timed both ways on the same
random integers (seeded):

1. the old lattice route: RREF of small rational matrices (exact.linalg.rref, gmpy2 mpq)
   against fmpq_mat / fmpz_mat .rref();
2. the new lattice route: the functionals of every hyperplane on every flat, a batch of
   2 x 5 bases times a 5 x 100 matrix, numpy int64 in one call against one fmpz_mat
   product per flat;
3. the region engine (polyrelu.cells): values of rows at many points, an n x 5 times 5 x 60
   integer product, with small entries (numpy int64) and with 70-bit entries (numpy
   object arrays of Python integers) against fmpz_mat, conversions in and out included
   (the engine's next steps — signs, gcds, sorting — work on numpy arrays).
"""

from __future__ import annotations

import random
import sys
import time

import numpy as np


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> int:
    try:
        import flint
    except ImportError:
        print("python-flint is not installed: pip install python-flint", file=sys.stderr)
        return 2
    from polyrelu.exact.linalg import rref

    rng = random.Random(0)
    print(f"python-flint {flint.__version__}, numpy {np.__version__}\n")
    print("| kernel | polyrelu's way | python-flint | flint / polyrelu |")
    print("|---|---|---|---|")

    mats = [[[rng.randint(-20, 20) for _ in range(5)] for _ in range(3)] for _ in range(3000)]
    t_py = timed(lambda: [rref(m) for m in mats]) / len(mats)
    t_q = timed(lambda: [flint.fmpq_mat(m).rref() for m in mats]) / len(mats)
    t_z = timed(lambda: [flint.fmpz_mat(m).rref() for m in mats]) / len(mats)
    print(f"| RREF of a 3 x 5 rational matrix (old lattice route) | mpq Python {1e6 * t_py:.1f} us | fmpq_mat {1e6 * t_q:.1f} us, "
          f"fmpz_mat {1e6 * t_z:.1f} us | {t_q / t_py:.2f} |")

    H = np.random.default_rng(0).integers(-20, 21, size=(100, 5))
    B = np.random.default_rng(1).integers(-10**4, 10**4, size=(20000, 2, 5))
    t_np = timed(lambda: np.matmul(B, H.T)) / B.shape[0]
    Hf = flint.fmpz_mat(H.T.tolist())

    def per_flat():
        for b in B[:5000]:
            np.array((flint.fmpz_mat(b.tolist()) * Hf).tolist(), dtype=np.int64)

    t_fl = timed(per_flat, 1) / 5000
    print(f"| functionals on a flat, 2 x 5 @ 5 x 100 (new lattice route) | numpy int64 batched {1e6 * t_np:.2f} us/flat | "
          f"fmpz_mat per flat {1e6 * t_fl:.1f} us/flat | {t_fl / t_np:.0f} |")

    for bits, label in ((20, "20-bit: numpy int64"), (70, "70-bit: numpy object (Python int)")):
        P = np.array([[rng.randint(-2**bits, 2**bits) for _ in range(5)] for _ in range(20000)], dtype=object)
        Q = np.array([[rng.randint(-2**bits, 2**bits) for _ in range(60)] for _ in range(5)], dtype=object)
        if bits < 62 - 10:
            P, Q = P.astype(np.int64), Q.astype(np.int64)
        t_np = timed(lambda: P.dot(Q), 1)

        def with_flint():
            R = flint.fmpz_mat(P.tolist()) * flint.fmpz_mat(Q.tolist())
            return np.array(R.tolist(), dtype=object if bits > 52 else np.int64)

        t_fl = timed(with_flint, 1)
        t_core = timed(lambda: flint.fmpz_mat(P.tolist()) * flint.fmpz_mat(Q.tolist()), 1)
        print(f"| engine values, 20000 x 5 @ 5 x 60, {label} | {t_np:.3f} s | {t_fl:.3f} s with conversions "
              f"({t_core:.3f} s without the way back) | {t_fl / t_np:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
