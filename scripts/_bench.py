"""Shared helpers of the benchmark scripts: the peer interpreter and fresh-process timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEER_SCRIPT = ROOT / "scripts" / "peers" / "sage_peer.py"


def peer_python(explicit: str | None) -> str | None:
    """The interpreter that has passagemath-polyhedra (see scripts/setup_peers.sh)."""
    for cand in (explicit, os.environ.get("POLYRELU_PEER_PYTHON"), str(ROOT / ".venv-peers" / "bin" / "python")):
        if cand and Path(cand).exists():
            return cand
    return None


def run_peer(python: str, task: dict, timeout: float) -> dict | None:
    """Run the Sage peer on one task; None if it did not finish within ``timeout`` seconds."""
    try:
        out = subprocess.run([python, str(PEER_SCRIPT)], input=json.dumps(task), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if out.returncode != 0:
        raise RuntimeError(f"peer failed: {out.stderr.strip()[-500:]}")
    return json.loads(out.stdout)


def run_fresh(module_args: list[str], timeout: float = 3600) -> dict:
    """Run ``python <this script> --one ...`` in a fresh process (clean memory figures)."""
    out = subprocess.run([sys.executable, *module_args], capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip()[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def fmt_s(t: float | None) -> str:
    return "timeout" if t is None else f"{t:.2f}"
