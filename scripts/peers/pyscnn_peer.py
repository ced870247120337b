#!/usr/bin/env python3
"""Benchmark peer: pyscnn's convex reformulation of two-layer ReLU training (squared loss).

pyscnn (PyPI, Mishkin, Sahiner & Pilanci 2022) solves a group-L1-regularised convex program
over sampled activation patterns in floating point and maps the solution back to a ReLU
network.  Runs in its own virtualenv (scripts/setup_peers.sh installs it without its
torchvision/CUDA pins), never in polyrelu's.

Settings: max_neurons = max(2, w) sampled patterns, group-L1 strength 1e-4 (pyscnn fails
with max_neurons = 1, and converges in minutes instead of seconds with 1e-8).

Reads {"X": [[...]], "y": [...], "width": w} (entries ints or "p/q") on stdin and prints
{"W1": [[...]], "W2": [[...]], "seconds": t, "max_model_gap": g} (or {"error": "..."}): the network
f(x) = sum_i W2[0][i] relu(W1[i] . (x, 1)) as float64 values (repr, so the caller can read
their exact binary values), the time of `optimize` alone, and the largest difference
between that formula and pyscnn's own model(X) (a check of the interpretation).
"""

import json
import sys
import time
from fractions import Fraction

import numpy as np
from scnn.optimize import optimize
from scnn.regularizers import NeuronGL1


def main() -> None:
    task = json.load(sys.stdin)
    X = np.array([[float(Fraction(v)) for v in row] for row in task["X"]], dtype=float)
    y = np.array([float(Fraction(v)) for v in task["y"]], dtype=float)
    Xa = np.hstack([X, np.ones((X.shape[0], 1))])  # the constant column gives the neurons their biases
    t0 = time.perf_counter()
    try:
        # max_neurons = 1 makes pyscnn fail on every instance tried; lambda = 1e-8 takes minutes to converge
        model, _ = optimize("relu", max(2, task["width"]), Xa, y, regularizer=NeuronGL1(1e-4), unitize_data=False, dtype="float64",
                            device="cpu", verbose=False, seed=task.get("seed", 778))
    except Exception as exc:  # pyscnn fails on some degenerate pattern samples
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        return
    secs = time.perf_counter() - t0
    W1, W2 = (np.asarray(p, dtype=float) for p in model.parameters)
    mine = np.maximum(Xa @ W1.T, 0) @ W2.T
    gap = float(np.max(np.abs(mine.ravel() - np.asarray(model(Xa)).ravel())))
    print(json.dumps({"W1": W1.tolist(), "W2": W2.tolist(), "seconds": secs, "max_model_gap": gap}))


if __name__ == "__main__":
    main()
