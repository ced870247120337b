#!/usr/bin/env python3
"""Benchmark peer: SageMath's exact region enumeration and zonotope construction.

Runs in its own virtualenv, never in polyrelu's (passagemath pins its own Cython, gmpy2, ...):

    python3 -m venv /work/bench-venv
    /work/bench-venv/bin/pip install passagemath-polyhedra   # ~15 s, prebuilt wheels, nothing else needed

Reads one JSON task on stdin and prints one JSON answer on stdout:

    {"task": "arrangement", "dim": d, "hyperplanes": [{"a": [ints], "b": int}, ...]}
        -> {"regions": N, "seconds": t}       # hyperplane a.x = b (polyrelu's convention)
    {"task": "zonotope", "generators": [[ints], ...]}
        -> {"vertices": V, "seconds": t}

Optional keys: "backend" (a Sage polyhedral backend, e.g. "ppl" or "cdd"; default Sage's own,
which is ppl over ZZ/QQ) and, for arrangements, "method": "regions" (default; enumerates every
region as a polyhedron) or "n_regions" (counts via the characteristic polynomial).
"seconds" times only the Sage computation, not imports or parsing.

    echo '{"task": "zonotope", "generators": [[1,0],[0,1],[1,1]]}' | /work/bench-venv/bin/python scripts/peers/sage_peer.py
"""

import json
import sys
import time

from sage.all__sagemath_polyhedra import QQ, HyperplaneArrangements, polytopes


def arrangement(task: dict) -> dict:
    d = task["dim"]
    H = HyperplaneArrangements(QQ, tuple(f"x{i}" for i in range(d)))
    # Sage's [[a1..ad], c] is the hyperplane a.x + c = 0, so a.x = b becomes [[a], -b].
    # signed=False: repeated hyperplanes (any nonzero multiple, either sign) count once.
    hyperplanes = [[h["a"], -h["b"]] for h in task["hyperplanes"]]
    A = H(*hyperplanes, signed=False, backend=task.get("backend"))
    method = task.get("method", "regions")
    t = time.perf_counter()
    n = len(A.regions()) if method == "regions" else int(A.n_regions())
    return {"regions": n, "seconds": time.perf_counter() - t}


def zonotope(task: dict) -> dict:
    t = time.perf_counter()
    Z = polytopes.zonotope(task["generators"], backend=task.get("backend"))
    v = Z.n_vertices()
    return {"vertices": int(v), "seconds": time.perf_counter() - t}


def main() -> int:
    task = json.load(sys.stdin)
    run = {"arrangement": arrangement, "zonotope": zonotope}.get(task.get("task"))
    if run is None:
        print(f"sage_peer: unknown task {task.get('task')!r}", file=sys.stderr)
        return 2
    json.dump(run(task), sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
