"""Candidates per second of an exhaustive conjecture search, before and after the symmetry
reduction, against the general arrangement engine as the peer route.

Space (the issue's measurement point): one hidden layer of width 4 on R^2, every weight and
bias in {-2..2}: 5^12 = 244,140,625 raw first layers; 270,725 multisets of hyperplane
classes after neuron permutations, positive scaling and sign flips.

    .venv/bin/python scripts/bench_conjecture.py [--seconds 20] [--peer-sample 400]

Rows: (1) representatives/s with Whitney's formula (and raw candidates covered/s), on 1
and 2 processes, for the whole reduced space; (2) raw candidates/s with the reduction
switched off (reduce=no), for --seconds; (3) the peer: the same candidates counted by
HyperplaneArrangement(...).n_regions() (deletion-restriction enumeration), on a sample;
(4) the whole command as a user types it.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time

from polyrelu.conjecture import OneLayerSpace, check, get_builtin
from polyrelu.geometry.arrangement import HyperplaneArrangement

SPACE = "exhaustive:n=2;widths=4;weights=-2..2"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=20.0, help="budget of the unreduced run")
    ap.add_argument("--peer-sample", type=int, default=400)
    args = ap.parse_args()
    conj = get_builtin("zaslavsky")
    space = OneLayerSpace(n=2, widths=[4], weights=(-2, 2))
    d = space.describe()
    print(f"space: {SPACE}: {d['raw_candidates']} raw, {d['representatives']} representatives "
          f"({d['hyperplane_classes']} hyperplane classes)")
    rates = {}
    for w in (1, 2):
        t = time.perf_counter()
        res = check(conj, SPACE, workers=w, certify=False)
        dt = time.perf_counter() - t
        rates[w] = res.coverage["evaluated"] / dt
        print(f"reduced, {w} process{'es' if w > 1 else ''}: {res.coverage['evaluated']} representatives in {dt:.1f} s = "
              f"{rates[w]:,.0f} representatives/s = {res.coverage['raw_covered'] / dt:,.0f} raw candidates covered/s; "
              f"status {res.status}, max {res.extremes['width 4']['max']['value']}")
    for w in (1, 2):
        t = time.perf_counter()
        raw = check(conj, SPACE + ";reduce=no", workers=w, certify=False, max_seconds=args.seconds)
        dt = time.perf_counter() - t
        print(f"unreduced, {w} process{'es' if w > 1 else ''}: {raw.coverage['evaluated']} raw candidates in {dt:.1f} s = "
              f"{raw.coverage['evaluated'] / dt:,.0f} raw candidates/s (status {raw.status}); the full raw space would take "
              f"{d['raw_candidates'] / (raw.coverage['evaluated'] / dt) / 3600:,.1f} h")
    cands = [c for i, sh in enumerate(space.shells()) for k in range(min(sh.n_chunks, 3)) for c in space.chunk_candidates(i, k)]
    sample = random.Random(0).sample(cands, min(args.peer_sample, len(cands)))
    t = time.perf_counter()
    for c in sample:
        rows = c.hyperplanes
        HyperplaneArrangement([(r[:-1], -r[-1]) for r in rows], dim=2).n_regions() if rows else 1
    dt = time.perf_counter() - t
    peer = len(sample) / dt
    print(f"peer (HyperplaneArrangement enumeration per candidate), 1 process: {peer:,.0f} candidates/s; "
          f"Whitney route is {rates[1] / peer:.1f}x faster")
    env = dict(os.environ)
    t = time.perf_counter()
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "polyrelu"), "conjecture", "zaslavsky", "--space", SPACE],
                   check=True, stdout=subprocess.DEVNULL, env=env)
    print(f"command: polyrelu conjecture zaslavsky --space \"{SPACE}\": {time.perf_counter() - t:.1f} s wall")


if __name__ == "__main__":
    main()
