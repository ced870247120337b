#!/usr/bin/env bash
# Install the benchmark peers in their own virtualenv (.venv-peers): SageMath's exact
# polyhedra through passagemath-polyhedra, relucent (float BFS over network regions) and pyscnn.  They pin their own Cython/gmpy2, so they never
# go into polyrelu's .venv.  Used only by scripts/bench_*.py.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv-peers/bin/python ] || "$PY" -m venv .venv-peers
.venv-peers/bin/python -m pip install --quiet --disable-pip-version-check passagemath-polyhedra
# relucent needs torch; take the CPU build first (never the relucent[torch] extra, which pulls CUDA)
.venv-peers/bin/python -m pip install --quiet --disable-pip-version-check torch==2.13.0  # elsewhere: a CPU build of torch
.venv-peers/bin/python -m pip install --quiet --disable-pip-version-check relucent
# pyscnn (convex reformulation of two-layer training) pins torchvision, which would replace the
# CPU torch with a CUDA build; it never imports torchvision, so install it without dependencies
.venv-peers/bin/python -m pip install --quiet --disable-pip-version-check --no-deps pyscnn linalg_backends
.venv-peers/bin/python -m pip install --quiet --disable-pip-version-check cvxpy opt_einsum scikit-learn tqdm typing_extensions
.venv-peers/bin/python -c 'import sage.all__sagemath_polyhedra' && echo "peers ready: .venv-peers/bin/python"
