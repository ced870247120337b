#!/usr/bin/env bash
# Install the benchmark peers in their own virtualenv (.venv-peers): SageMath's exact
# polyhedra through passagemath-polyhedra.  They pin their own Cython/gmpy2, so they never
# go into polyrelu's .venv.  Used only by scripts/bench_*.py.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv-peers/bin/python ] || "$PY" -m venv .venv-peers
.venv-peers/bin/python -m pip install --quiet --disable-pip-version-check passagemath-polyhedra
.venv-peers/bin/python -c 'import sage.all__sagemath_polyhedra' && echo "peers ready: .venv-peers/bin/python"
