"""Executors, passed explicitly: run independent tasks in this process, on a pool of
local processes (created once, reused across batches), or on a Dask distributed cluster.

Results always come back in task order, so output never depends on the executor or on
scheduling.  Local worker processes die with their parent (``PR_SET_PDEATHSIG`` on
Linux, a parent-watch thread elsewhere), ignore Ctrl-C (the parent handles it) and are
stopped when the executor closes.  A *deadline* (wall-clock seconds, ``time.time()``)
lets :meth:`Executor.map` stop waiting: tasks not started are cancelled, and tasks are
expected to check the same deadline themselves (see :class:`Budget`).

>>> with Executor(workers=1) as ex:
...     ex.map(pow, [(2, 3), (3, 2)])
[8, 9]
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Callable, Sequence

from .errors import BudgetExceededError, MissingDependencyError, PolyReluError

__all__ = ["default_workers", "Budget", "Executor", "run_tasks", "SchedulerUnreachableError", "NOT_RUN"]

#: placeholder in :meth:`Executor.map` results for tasks stopped by the deadline
NOT_RUN: Any = type("NotRun", (), {"__repr__": lambda self: "NOT_RUN", "__reduce__": lambda self: "NOT_RUN"})()


class SchedulerUnreachableError(PolyReluError, ConnectionError):
    """The Dask scheduler given could not be contacted."""


def default_workers() -> int:
    """Number of cores available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


class Budget:
    """A region and time budget shared by a computation and its worker processes.

    ``deadline`` is wall-clock time (``time.time()``), so it means the same in every
    process of this machine.  ``max_regions`` is compared by the caller with its own count.

    >>> b = Budget(max_seconds=3600, max_regions=10)
    >>> b.expired(), b.over(10), b.over(11)
    (False, False, True)
    """

    __slots__ = ("max_seconds", "max_regions", "deadline", "start")

    def __init__(self, max_seconds: float | None = None, max_regions: int | None = None):
        if max_seconds is not None and not (isinstance(max_seconds, (int, float)) and max_seconds >= 0 and math.isfinite(max_seconds)):
            raise ValueError(f"max_seconds is {max_seconds!r}; give a finite number of seconds >= 0")
        if max_regions is not None and (isinstance(max_regions, bool) or not isinstance(max_regions, int) or max_regions < 0):
            raise ValueError(f"max_regions is {max_regions!r}; give an integer >= 0")
        self.max_seconds, self.max_regions = max_seconds, max_regions
        self.start = time.time()
        self.deadline = self.start + max_seconds if max_seconds is not None else None

    def expired(self) -> bool:
        return self.deadline is not None and time.time() > self.deadline

    def over(self, regions: int) -> bool:
        return self.max_regions is not None and regions > self.max_regions

    def __bool__(self) -> bool:
        return self.max_seconds is not None or self.max_regions is not None


def check_deadline(deadline: float | None) -> None:
    """Raise :class:`~polyrelu.errors.BudgetExceededError` once ``deadline`` has passed
    (called inside long loops of the engines, in any process)."""
    if deadline is not None and time.time() > deadline:
        raise BudgetExceededError("the time budget ran out")


# ------------------------------------------------------------------ local processes
def _die_with_parent(parent: int) -> None:
    """Pool initializer: the worker exits when its parent goes away, and leaves Ctrl-C
    and SIGTERM handling to the parent (which stops the pool)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    done = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            done = libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - exotic libc
            done = False
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    if not done:  # pragma: no cover - non-Linux: poll the parent
        def watch() -> None:
            while True:
                time.sleep(0.5)
                if os.getppid() != parent:
                    os._exit(1)

        threading.Thread(target=watch, daemon=True).start()


class Executor:
    """Where independent tasks run: ``workers`` local processes, or a Dask cluster.

    Parameters
    ----------
    workers : int, optional
        Local processes (default 1: everything in this process).  The pool is created on
        first use and reused by every later :meth:`map` until :meth:`close`.
    scheduler : str or distributed.Client, optional
        A Dask scheduler address (``tcp://host:8786``) or a client.  The scheduler is
        contacted here, within ``connect_timeout`` seconds
        (:class:`SchedulerUnreachableError` otherwise).
    """

    def __init__(self, workers: int | None = 1, scheduler: Any = None, *, connect_timeout: float = 10.0):
        if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
            raise ValueError(f"workers is {workers!r}; give a positive integer")
        self.workers = workers if workers is not None else 1
        self._pool: ProcessPoolExecutor | None = None
        self._client = None
        self._own_client = False
        if scheduler is not None:
            self._client, self._own_client = _connect(scheduler, connect_timeout)

    @property
    def is_distributed(self) -> bool:
        return self._client is not None

    @property
    def client(self) -> Any:
        """The Dask client (None for local execution)."""
        return self._client

    @property
    def parallelism(self) -> int:
        """How many tasks can run at once (local processes, or the cluster's threads)."""
        if self._client is not None:
            try:
                return max(1, sum(self._client.nthreads().values()))
            except Exception:  # pragma: no cover - scheduler gone
                return 1
        return self.workers

    def _local_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=_die_with_parent,
                                             initargs=(os.getpid(),))
        return self._pool

    def map(self, fn: Callable[..., Any], tasks: Sequence[tuple], *, costs: Sequence[float] | None = None,
            deadline: float | None = None, on_result: Callable[[int, Any], bool | None] | None = None) -> list[Any]:
        """``[fn(*t) for t in tasks]`` in task order.

        ``costs`` (one per task) start expensive tasks first.  Once ``deadline`` passes, or
        ``on_result(index, result)`` returns True, tasks not yet started are cancelled and
        their entries are :data:`NOT_RUN` (running tasks finish; they should check the
        deadline themselves).
        """
        n = len(tasks)
        results: list[Any] = [NOT_RUN] * n
        order = sorted(range(n), key=lambda i: -(costs[i] if costs is not None else 0))
        if self._client is not None and n > 0:
            return self._map_dask(fn, tasks, order, results, deadline, on_result)
        if self.workers <= 1 or n <= 1:
            for i in range(n):
                if deadline is not None and time.time() > deadline:
                    break
                results[i] = fn(*tasks[i])
                if on_result is not None and on_result(i, results[i]):
                    break
            return results
        pool = self._local_pool()
        futures = {pool.submit(fn, *tasks[i]): i for i in order}
        pending = set(futures)
        try:
            while pending:
                timeout = None if deadline is None else max(0.0, deadline - time.time())
                done, pending = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED)
                stop = False
                for fut in done:
                    i = futures[fut]
                    try:
                        results[i] = fut.result()
                    except BudgetExceededError:  # the task saw the deadline itself
                        stop = True
                        continue
                    if on_result is not None and on_result(i, results[i]):
                        stop = True
                if stop or (deadline is not None and time.time() > deadline):
                    for fut in pending:
                        fut.cancel()
                    for fut in pending:  # running tasks see the deadline and return soon
                        if not fut.cancelled():
                            try:
                                results[futures[fut]] = fut.result()
                            except BudgetExceededError:
                                pass
                    break
        except BaseException:
            self._kill_pool()
            raise
        return results

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Start ``fn(*args)`` and return a future (``.result()`` waits for it): on the
        cluster, on the local pool, or, with one worker, run here and now.  Lets a caller
        keep several tasks in flight while it works (it reads the results in its own order)."""
        if self._client is not None:
            return self._client.submit(fn, *args, pure=False)
        if self.workers > 1:
            return self._local_pool().submit(fn, *args)
        from concurrent.futures import Future

        fut: Future = Future()
        try:
            fut.set_result(fn(*args))
        except Exception as exc:
            fut.set_exception(exc)
        return fut

    def submit_process(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Start ``fn(*args)`` in one of this executor's local processes, even with one
        worker (for a caller that runs a long-lived task beside its own work)."""
        if self._client is not None:
            raise ValueError("submit_process runs local processes; this executor is a Dask cluster's")
        return self._local_pool().submit(fn, *args)

    def _map_dask(self, fn, tasks, order, results, deadline, on_result):
        client = self.client
        with client.as_current():  # as_completed and the futures look for the current client
            return self._map_dask_current(fn, tasks, order, results, deadline, on_result)

    def _map_dask_current(self, fn, tasks, order, results, deadline, on_result):
        from distributed import as_completed

        client = self.client
        futures = [client.submit(fn, *tasks[i], pure=False, priority=len(order) - r) for r, i in enumerate(order)]
        index = {f.key: i for f, i in zip(futures, order)}
        ac = as_completed(futures)
        try:
            for fut in ac:
                try:
                    results[index[fut.key]] = fut.result()
                except BudgetExceededError:
                    break
                stop = on_result is not None and on_result(index[fut.key], results[index[fut.key]])
                if stop or (deadline is not None and time.time() > deadline):
                    break
        finally:
            left = [f for f in futures if not f.done()]
            if left:
                client.cancel(left)
        return results

    def _kill_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        procs = list(getattr(pool, "_processes", {}).values())
        for p in procs:  # do not wait for running tasks: the parent is being interrupted
            try:
                p.kill()
            except Exception:  # pragma: no cover - already gone
                pass
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            p.join(timeout=5)

    def close(self) -> None:
        """Stop the local pool and disconnect from the cluster (idempotent)."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True, cancel_futures=True)
        if self._client is not None and self._own_client:
            try:
                self._client.close()
            except Exception:  # pragma: no cover - scheduler already gone
                pass
        self._client = None

    def terminate(self) -> None:
        """Kill the local workers now (used on interruption)."""
        self._kill_pool()
        self.close()

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None and issubclass(exc_type, BaseException) and not issubclass(exc_type, Exception):
            self.terminate()  # KeyboardInterrupt / SystemExit: do not wait for running tasks
        else:
            self.close()

    def __repr__(self) -> str:
        return f"Executor(dask={self._client!r})" if self._client is not None else f"Executor(workers={self.workers})"


def _connect(scheduler: Any, timeout: float):
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError("a Dask scheduler was given but dask[distributed] is not installed: "
                                     "pip install 'dask[distributed]'") from exc
    if isinstance(scheduler, Client):
        return scheduler, False
    import logging

    quiet = [logging.getLogger(name) for name in ("distributed", "distributed.client", "distributed.comm", "tornado")]
    levels = [lg.level for lg in quiet]
    for lg in quiet:
        lg.setLevel(logging.CRITICAL)
    try:
        return Client(scheduler, timeout=timeout, set_as_default=False), True
    except Exception as exc:  # OSError, TimeoutError, ValueError for a malformed address, ...
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SchedulerUnreachableError(f"cannot reach the Dask scheduler at {scheduler!r} within {timeout:g} s ({reason})") from None
    finally:
        for lg, lv in zip(quiet, levels):
            lg.setLevel(lv)


def run_tasks(fn: Callable[..., Any], tasks: Sequence[tuple], *, workers: int = 1, costs: Sequence[float] | None = None,
              executor: Executor | None = None) -> list[Any]:
    """``[fn(*t) for t in tasks]`` on ``executor`` (or on a temporary pool of ``workers``
    local processes), in task order."""
    if executor is not None:
        return executor.map(fn, tasks, costs=costs)
    if workers <= 1 or len(tasks) <= 1:
        return [fn(*t) for t in tasks]
    with Executor(workers=workers) as ex:
        return ex.map(fn, tasks, costs=costs)
