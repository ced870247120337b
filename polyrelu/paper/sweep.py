"""Sweeps that resume and scale out: a table is a grid of independent jobs.

:func:`run_grid` runs ``fn(job)`` for every job (a JSON object of parameters) on local
processes (both cores by default) or on a Dask cluster, in batches; after each batch the
finished rows are appended to a *journal* (JSON lines, flushed and synced), so a run that
is interrupted resumes where it stopped, without redoing or losing rows.  Rows come back
in grid order, so the result does not depend on the executor, the number of workers or
on interruptions.

Journal format: the first line is a header ``{"journal": "polyrelu.sweep", "version": 1,
"header": {...}}`` naming the table and its parameters; every further line is
``{"key": <digest of the job>, "row": {...}}``.  A torn last line (the process was killed
while writing it) is dropped on resume.

>>> def square(job): return {"x": job["x"], "x2": job["x"] ** 2}
>>> [r["x2"] for r in run_grid(square, [{"x": i} for i in range(4)], workers=1)]
[0, 1, 4, 9]
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, Sequence

from ..errors import JournalError
from ..io import formats

__all__ = ["run_grid", "execute", "job_key", "read_journal"]

_JOURNAL = "polyrelu.sweep"


def execute(fn: Callable[..., Any], tasks: Sequence[tuple], *, workers: int, scheduler: Any = None) -> list[Any]:
    """``[fn(*t) for t in tasks]`` on ``workers`` local processes, or on the Dask cluster at
    ``scheduler``.  This adapter is the only place the paper package calls
    :mod:`polyrelu.parallel`; results are in task order."""
    from .. import parallel

    if scheduler is None:
        return parallel.run_tasks(fn, tasks, workers=workers)
    with parallel.Executor(workers=workers, scheduler=scheduler) as ex:
        return ex.map(fn, tasks)


def job_key(job: dict) -> str:
    """The digest that names a job in a journal."""
    return formats.digest(job)


def read_journal(path: Path, header: dict) -> dict[str, dict]:
    """The rows already in a journal (by job key); checks that it belongs to ``header``."""
    done: dict[str, dict] = {}
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if not text.endswith("\n"):
        lines = lines[:-1]  # a torn last line: the run was killed while writing it
    lines = [ln for ln in lines if ln]
    if not lines:
        return done
    try:
        head = json.loads(lines[0])
    except json.JSONDecodeError:
        raise JournalError(f"{path}: the first line is not a sweep journal header; delete the file or give another --journal") from None
    if not isinstance(head, dict) or head.get("journal") != _JOURNAL:
        raise JournalError(f"{path} is not a polyrelu sweep journal; delete it or give another --journal path")
    if head.get("header") != json.loads(json.dumps(header)):
        raise JournalError(f"{path} is the journal of a different run ({head.get('header')!r}); "
                           "delete it to start over, or give another --journal path")
    for i, ln in enumerate(lines[1:], start=2):
        try:
            rec = json.loads(ln)
            done[rec["key"]] = rec["row"]
        except (json.JSONDecodeError, KeyError, TypeError):
            raise JournalError(f"{path}: line {i} is not a journal record; delete the file to start over") from None
    return done


def _append(fh, records: list[dict]) -> None:
    for rec in records:
        fh.write(json.dumps(rec, sort_keys=True, separators=(",", ":")) + "\n")
    fh.flush()
    os.fsync(fh.fileno())


def run_grid(fn: Callable[[dict], dict], jobs: Sequence[dict], *, workers: int = 1, scheduler: Any = None,
             journal: str | os.PathLike[str] | None = None, header: dict | None = None,
             progress: Callable[[int, int], None] | None = None, batch: int | None = None) -> list[dict]:
    """Run ``fn`` on every job; return the rows in job order.

    Parameters
    ----------
    workers : local processes (1: in this process).
    scheduler : a Dask scheduler address (or client): run the jobs there instead.
    journal : path of the journal; existing rows in it are reused, new rows appended.
    header : what the journal belongs to (table name, parameters, polyrelu version).
    progress : callable(done, total), called after each batch.
    batch : jobs per batch (default: 2 per worker; 16 on Dask).
    """
    keys = [job_key(j) for j in jobs]
    header = dict(header or {})
    done: dict[str, dict] = {}
    path = Path(journal) if journal is not None else None
    if path is not None and path.exists():
        done = read_journal(path, header)
        # rewrite the journal cleanly (drops a torn line) before appending
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as clean:
            _append(clean, [{"journal": _JOURNAL, "version": 1, "header": header}]
                    + [{"key": k, "row": r} for k, r in done.items()])
        os.replace(tmp, path)
    elif path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as new:
            _append(new, [{"journal": _JOURNAL, "version": 1, "header": header}])
    todo = [i for i, k in enumerate(keys) if k not in done]
    seen: set[str] = set()
    todo = [i for i in todo if not (keys[i] in seen or seen.add(keys[i]))]  # type: ignore[func-returns-value]  # duplicate jobs run once
    if batch is None:  # without a journal nothing is lost by one big batch; with one, rows land every few jobs
        batch = len(todo) if path is None else (16 if scheduler is not None else max(2 * workers, len(todo) // 25))
    size = max(1, batch)
    total = len(jobs)
    if progress is not None:
        progress(total - len(todo), total)
    fh = open(path, "a", encoding="utf-8") if path is not None else None
    client = None
    if isinstance(scheduler, str) and todo:  # one client for the whole sweep, closed at the end
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the environment
            raise RuntimeError("a Dask scheduler was given but dask[distributed] is not installed: pip install 'dask[distributed]'") from None
        client = scheduler = Client(scheduler)
    try:
        for start in range(0, len(todo), size):
            idx = todo[start : start + size]
            rows = execute(fn, [(jobs[i],) for i in idx], workers=min(workers, len(idx)), scheduler=scheduler)
            rows = [json.loads(json.dumps(r)) for r in rows]  # exactly what a resumed run reads back
            for i, r in zip(idx, rows):
                done[keys[i]] = r
            if fh is not None:
                _append(fh, [{"key": keys[i], "row": r} for i, r in zip(idx, rows)])
            if progress is not None:
                progress(total - len(todo) + min(start + size, len(todo)), total)
    finally:
        if fh is not None:
            fh.close()
        if client is not None:
            client.close()
    return [done[k] for k in keys]
