#!/usr/bin/env bash
# Set up polyrelu on a Debian-like machine: system headers for pycddlib, a virtual
# environment in .venv, and the package with its test and plot (matplotlib) dependencies.  Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "setup: $PY not found; install Python 3.11 or newer (Debian: apt-get install python3 python3-venv)" >&2
  exit 1
fi
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: $("$PY" --version 2>&1) is too old; polyrelu needs Python 3.11+ (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi

# pycddlib 3 ships only as source and compiles against cddlib and GMP.
have_headers() { [ -f /usr/include/cddlib/cdd.h ] || [ -f /usr/local/include/cddlib/cdd.h ] || [ -f /usr/include/cdd.h ] \
  || { [ -n "${CONDA_PREFIX:-}" ] && [ -f "$CONDA_PREFIX/include/cddlib/cdd.h" ]; }; }
have_gmp() { [ -f /usr/include/gmp.h ] || [ -f /usr/include/x86_64-linux-gnu/gmp.h ] || [ -f /usr/include/aarch64-linux-gnu/gmp.h ] \
  || [ -f /usr/local/include/gmp.h ] || { [ -n "${CONDA_PREFIX:-}" ] && [ -f "$CONDA_PREFIX/include/gmp.h" ]; }; }
if ! have_headers || ! have_gmp; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing libcdd-dev and libgmp-dev with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcdd-dev libgmp-dev >/dev/null
  else
    cat >&2 <<'MSG'
setup: pycddlib needs the cddlib and GMP headers, which are not installed.
Install them, then run this command again:
  Debian/Ubuntu:  sudo apt-get install libcdd-dev libgmp-dev
  Homebrew:       brew install cddlib gmp   (then: export CFLAGS="-I$(brew --prefix)/include" LDFLAGS="-L$(brew --prefix)/lib")
  conda:          conda install -c conda-forge cddlib gmp
MSG
    exit 1
  fi
fi
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  else
    echo "setup: the venv module is missing; run: sudo apt-get install python3-venv" >&2
    exit 1
  fi
fi

[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
log=$(mktemp)
if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test,plot]" >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"
  echo "setup: pip could not install polyrelu (output above)" >&2; exit 1
fi
rm -f "$log"
.venv/bin/python -c 'import cdd.gmp, gmpy2, networkx, numpy, polyrelu' || {
  echo "setup: polyrelu did not install; see the pip output above" >&2; exit 1; }
