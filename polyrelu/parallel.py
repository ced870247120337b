"""Executors: run independent tasks on local processes (both cores by default).

Results always come back in task order, so output never depends on the executor or on
scheduling.  The library never starts processes unless ``workers > 1`` is asked for.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Sequence

__all__ = ["default_workers", "run_tasks"]


def default_workers() -> int:
    """Number of cores available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def run_tasks(fn: Callable[..., Any], tasks: Sequence[tuple], *, workers: int = 1, costs: Sequence[float] | None = None) -> list[Any]:
    """``[fn(*t) for t in tasks]``, computed on ``workers`` processes.

    ``costs`` (optional, one per task) lets expensive tasks start first for balance; the
    returned list is always in task order.
    """
    if workers <= 1 or len(tasks) <= 1:
        return [fn(*t) for t in tasks]
    order = sorted(range(len(tasks)), key=lambda i: -(costs[i] if costs is not None else 0))
    ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    results: list[Any] = [None] * len(tasks)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = {i: pool.submit(fn, *tasks[i]) for i in order}
        for i, fut in futures.items():
            results[i] = fut.result()
    return results
