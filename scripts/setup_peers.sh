#!/usr/bin/env bash
# Install the benchmark peers in their own virtualenv (.venv-peers): SageMath's exact
# polyhedra through passagemath-polyhedra, and relucent (float BFS over network regions).  They pin their own Cython/gmpy2, so they never
# go into polyrelu's .venv.  Used only by scripts/bench_*.py.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv-peers/bin/python ] || "$PY" -m venv .venv-peers
.venv-peers/bin/python -m pip install --quiet --disable-pip-version-check passagemath-polyhedra
# relucent needs torch; take the CPU build first (never the relucent[torch] extra, which pulls CUDA)
.venv-peers/bin/python -m pip install --quiet --disable-pip-version-check torch==2.13.0  # elsewhere: a CPU build of torch
.venv-peers/bin/python -m pip install --quiet --disable-pip-version-check relucent
.venv-peers/bin/python -c 'import sage.all__sagemath_polyhedra' && echo "peers ready: .venv-peers/bin/python"
