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


def command_env(pythonpath: str | None = None) -> dict:
    """Environment for timing a command as a user runs it: byte-code caching on (a user's
    installed package has its .pyc files), and optionally another checkout first on the path
    (``--before DIR``: the same command on an older version of polyrelu)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def time_command(args: list[str], *, pythonpath: str | None = None, repeat: int = 3, timeout: float = 600) -> tuple[float, str]:
    """Best wall time of ``python -m polyrelu ARGS`` over ``repeat`` fresh processes (after one
    warm-up run that also writes the byte-code), and its stdout.  ``last_cpu`` holds the CPU
    seconds (user + system, worker processes included) of the best run: on a loaded machine
    it is the steadier figure."""
    import resource
    import time

    import tempfile

    global last_cpu
    env = command_env(pythonpath)
    cmd = [sys.executable, "-m", "polyrelu", *args]
    # run from an empty folder: "python -m" puts the working directory first on sys.path,
    # which would shadow --before's checkout with this one
    cwd = tempfile.mkdtemp(prefix="polyrelu_cwd_")
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=cwd)
    if out.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(args)}: exit {out.returncode}: {out.stderr.strip()[-500:]}")
    best = float("inf")
    for _ in range(repeat):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=cwd)
        wall = time.perf_counter() - t
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if wall < best:
            best = wall
            last_cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return best, out.stdout


last_cpu = 0.0


def before_cells(args: list[str], before: str, limit: float, now: float) -> str:
    """The "before s | before / now |" cells of a table row: the same command on an older
    checkout (``--before DIR``), once; an older checkout that cannot finish within ``limit``
    seconds (or fails) is reported, not fatal."""
    try:
        t_before, _ = time_command(args, pythonpath=before, repeat=1, timeout=limit)
    except (subprocess.TimeoutExpired, RuntimeError):
        return f" > {limit:.0f} | |"
    return f" {t_before:.2f} | {t_before / now:.1f}x |"
