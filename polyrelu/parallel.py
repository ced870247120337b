"""Executors: run independent tasks on local processes (both cores by default) or on a
Dask distributed cluster.

Results always come back in task order, so output never depends on the executor or on
scheduling.  The library never starts processes unless ``workers > 1`` is asked for.
``scheduler`` (an address such as ``tcp://host:8786``, or a ``distributed.Client``)
sends the tasks to a Dask cluster instead; ``dask[distributed]`` is then required.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Sequence

from .errors import MissingDependencyError

__all__ = ["default_workers", "run_tasks", "set_scheduler", "scheduler"]


def default_workers() -> int:
    """Number of cores available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


_SCHEDULER: Any = None


def set_scheduler(scheduler: Any) -> None:
    """Send every later :func:`run_tasks` call to this Dask scheduler (None: local)."""
    global _SCHEDULER
    _SCHEDULER = scheduler


def scheduler() -> Any:
    """The Dask scheduler set with :func:`set_scheduler`, or None."""
    return _SCHEDULER


def run_tasks(fn: Callable[..., Any], tasks: Sequence[tuple], *, workers: int = 1, costs: Sequence[float] | None = None) -> list[Any]:
    """``[fn(*t) for t in tasks]``, computed on ``workers`` processes (or on the Dask
    cluster set with :func:`set_scheduler`).

    ``costs`` (optional, one per task) lets expensive tasks start first for balance; the
    returned list is always in task order.
    """
    if _SCHEDULER is not None and len(tasks) > 1:
        return _run_dask(fn, tasks, _SCHEDULER)
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


def _run_dask(fn: Callable[..., Any], tasks: Sequence[tuple], scheduler: Any) -> list[Any]:
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError("a Dask scheduler was given but dask[distributed] is not installed: pip install 'dask[distributed]'") from exc
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    futures = [client.submit(fn, *t, pure=False) for t in tasks]
    return client.gather(futures)  # in task order
