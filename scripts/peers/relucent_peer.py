#!/usr/bin/env python3
"""Benchmark peer: relucent's float64 BFS over the activation regions of a ReLU network.

relucent (PyPI, AGPL-3.0) walks the regions of all of R^n by crossing facets found with
Gurobi LPs (gurobipy's bundled size-limited licence is enough here), in float64 with exact
rational fallbacks. Runs in its own virtualenv, never in polyrelu's:

    python3 -m venv /work/bench-venv
    /work/bench-venv/bin/pip install torch==2.13.0   # a CPU build: see below
    /work/bench-venv/bin/pip install relucent        # ~15 s: numpy, scipy, gurobipy, networkx, plotly

Install torch (a CPU wheel, ~10 s) before relucent and not via `relucent[torch]`, which pulls
a multi-GB CUDA build; on Linux plain PyPI's torch is the CUDA one too, so take the CPU wheel
from PyTorch's CPU index or a local wheel directory.

Reads a polyrelu network file on stdin ({"format": "polyrelu.network", "version": 1,
"input_dim": n, "layers": [{"weights": [[...]], "biases": [...]}, ...]}, entries ints or
"p/q" strings, ReLU after every layer but the last) and prints {"regions": N, "seconds": t},
N being relucent's count of full-dimensional regions of R^n. "seconds" times only the BFS
(with relucent's own certification of completeness, its default), not imports or parsing.
Optional argument: the number of worker processes (default: relucent's, the CPU count).

    /work/bench-venv/bin/python scripts/peers/relucent_peer.py < net.json
"""

import json
import sys
import time
from fractions import Fraction

import torch
from torch import nn

import relucent


def build(net: dict) -> nn.Sequential:
    modules: list[nn.Module] = []
    n_in = net["input_dim"]
    for i, layer in enumerate(net["layers"]):
        w = torch.tensor([[float(Fraction(x)) for x in row] for row in layer["weights"]], dtype=torch.float64)
        b = torch.tensor([float(Fraction(x)) for x in layer["biases"]], dtype=torch.float64)
        lin = nn.Linear(n_in, len(b), dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(w.reshape(len(b), n_in))
            lin.bias.copy_(b)
        modules.append(lin)
        if i + 1 < len(net["layers"]):
            modules.append(nn.ReLU())
        n_in = len(b)
    return nn.Sequential(*modules)


def main() -> int:
    net = json.load(sys.stdin)
    if net.get("format") != "polyrelu.network":
        print("relucent_peer: stdin is not a polyrelu.network file", file=sys.stderr)
        return 2
    nworkers = int(sys.argv[1]) if len(sys.argv) > 1 else None
    relucent.update_settings(VERBOSE=0)
    cx = relucent.Complex(build(net))
    # The default start is the origin, which a zero bias puts on a bent hyperplane.
    start = relucent.generic_topology_start(cx).reshape(1, -1)
    t = time.perf_counter()
    result = cx.bfs(start, nworkers=nworkers)
    seconds = time.perf_counter() - t
    if not result.complete:
        print(f"relucent_peer: BFS incomplete: {result}", file=sys.stderr)
        return 1
    json.dump({"regions": len(cx), "seconds": seconds}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
