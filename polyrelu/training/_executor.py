"""The trainer's one seam to :mod:`polyrelu.parallel`: where batches of subproblems run.

* in this process (``workers=1``, or by default until enough subproblems were solved to
  pay for processes);
* on one pool of local processes, created once per fit and reused by every batch; the
  forked workers inherit the problem (it is never sent again).  Where processes fork, each
  worker runs one long task that serves requests over its own pipe (:class:`_Channel`),
  in order: a request costs one message each way, where a task of the process pool costs
  its management threads about 0.5 ms of this process's CPU (a quarter of the main
  process's work in a long fit).  There ``workers = k`` means k processes in all: this
  one and k - 1 forked workers, and every process of the machine takes the subproblems
  of a batch one at a time from a shared counter (:func:`_claim`): each worker as soon
  as the batch's request reaches it, this process when it waits for the batch's
  results (:class:`_ClaimedPending`), so its bookkeeping (building the next batch,
  merging results) and its solving share one core, and a slow subproblem (an exact
  fallback) delays nobody else.  A main process that only did the bookkeeping would be a
  (k + 1)-th process on k cores, taking its CPU from the workers.  Which process solves
  which subproblem never changes a result;
* on a Dask cluster (an :class:`polyrelu.parallel.Executor` with a scheduler, passed to
  ``fit``): the problem is scattered to every worker once and each worker runs one long
  task that serves the same requests over its own authenticated TCP connection to this
  process (:func:`_connect_remote`): Dask places the servers, holds the problem and
  watches the workers, but carries no per-batch traffic.  Through Dask itself a request
  cost milliseconds of client, scheduler and worker event-loop time: a task per part
  tens of milliseconds, an actor call about 3 ms of this process's and the worker's
  CPU, as long as the part's own work.  Where the workers cannot be reached that way (an
  address that is not TCP over IPv4, a firewall), one actor per worker holds the problem
  and takes the parts instead (:class:`_Solver`).

Local pools are :class:`polyrelu.parallel.Executor` objects too, so their workers die with
the parent (Ctrl-C, SIGTERM, a killed parent).

Results come back in task order, so nothing depends on where they ran.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import socket
import time
from collections import deque
from multiprocessing.connection import Connection, answer_challenge, deliver_challenge
from typing import Any, Callable, NamedTuple, Sequence

from .. import parallel
from ..errors import InternalError
from ..exact.rational import Rational
from .pool import PairFeasibility
from .subproblem import Problem, solve

__all__ = ["Runner", "Job", "Result"]

_AUTO_AFTER = 32  # solved subproblems before the default starts processes


class Job(NamedTuple):
    """What a worker needs for the whole fit (sent once)."""

    prob: Problem
    feasibility: PairFeasibility
    sign_bounds: Any = None  # the fit's SignBounds (for the set-up done on the workers)


class Result(NamedTuple):
    """One solved subproblem, as a worker returns it."""

    value: Rational
    u: tuple
    route: str
    bits: bytes  # the pairs the dual u is feasible for (PairFeasibility.packed)


_JOB: Job | None = None  # the job of the current fit, inherited by forked workers


def _resolve(job: Any) -> Job:
    j = job if job is not None else _JOB
    if j is not None and not isinstance(j, Job):  # a Dask future run in this process
        j = j.result()
    if j is None:  # pragma: no cover - a worker started without the job
        raise InternalError("training worker has no problem installed")
    return j


def _call(fn: Callable[..., Any], job: Job | None, args: tuple) -> Any:
    """``fn(job, *args)`` with the fit's job (inherited by a forked worker when ``job`` is None)."""
    return fn(_resolve(job), *args)


def _solve_chunk(job: Job | None, combos: Sequence, proposals: bool) -> list[Result]:
    j = _resolve(job)
    out = []
    for c in combos:
        res = solve(j.prob, c, propose=proposals)
        out.append(Result(res.value, res.u, res.route, j.feasibility.packed(res.u)))
    return out


_RING = 8  # claim counters, one per batch in flight (reused round robin; at most _DEPTH batches are)
_COUNTERS: Any = None  # the shared claim counters of the current fit's local processes (inherited by the fork)


def _claim(slot: int, n: int) -> int | None:
    """Take the next unclaimed subproblem of the batch in ``slot`` (of ``n``), or None."""
    with _COUNTERS.get_lock():
        i = _COUNTERS[slot]
        if i >= n:
            return None
        _COUNTERS[slot] = i + 1
    return i


def _solve_claimed(job: Job | None, slot: int, combos: Sequence, proposals: bool) -> list[tuple[int, Result]]:
    """A local worker's part of a batch: the subproblems it claims, with their positions."""
    out = []
    while (i := _claim(slot, len(combos))) is not None:
        out.append((i, _solve_chunk(job, combos[i : i + 1], proposals)[0]))
    return out


_solve_here = _solve_chunk  # this process's own claims (bound once: tests may replace the workers' task)

_PIPES: list = []  # (this process's end, the worker's end) per local worker, inherited by the forked workers


def _serve(i: int) -> None:
    """A local worker's one long task: answer ``(fn, args)`` requests on pipe ``i`` in
    order with ``(True, fn(job, *args))`` or ``(False, exception)``, until ``None``."""
    conn = _PIPES[i][1]
    for j, (mine, theirs) in enumerate(_PIPES):  # keep only this worker's end: a dead worker is seen as EOF
        mine.close()
        if j != i:
            theirs.close()
    _serve_on(conn, _resolve(None))


def _serve_on(conn: Any, job: Job) -> int:
    """Answer ``(fn, args)`` requests on ``conn`` in order with ``(True, fn(job, *args))`` or
    ``(False, exception)`` until ``None`` or until the other end is gone; returns how many
    requests were answered."""
    answered = 0
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):  # the trainer closed the connection (an error, or the budget ran out)
            return answered
        if msg is None:
            return answered
        fn, args = msg
        try:
            out = (True, fn(job, *args))
        except Exception as exc:  # sent back and raised by the caller
            out = (False, exc)
        try:
            try:
                conn.send(out)
            except (BrokenPipeError, ConnectionError, EOFError):
                return answered
            except Exception as exc:  # an unpicklable result or exception
                conn.send((False, InternalError(f"a training worker could not return its result: {exc!r}")))
        except (OSError, EOFError):
            return answered
        answered += 1


class _Reply:
    """The future of one request on a :class:`_Channel` (``result`` reads the pipe up to it)."""

    __slots__ = ("_channel", "_done", "_ok", "_value")

    def __init__(self, channel: "_Channel"):
        self._channel, self._done, self._ok, self._value = channel, False, False, None

    def result(self, timeout: float | None = None) -> Any:
        end = None if timeout is None else time.monotonic() + timeout
        while not self._done:
            if not self._channel.read(None if end is None else max(0.0, end - time.monotonic())):
                raise TimeoutError("no result within the time given")
        if not self._ok:
            assert isinstance(self._value, BaseException)
            raise self._value
        return self._value

    def cancel(self) -> bool:
        return False  # already sent: the worker's task checks the deadline itself

    def ready(self) -> bool:
        """Is the reply here (read without waiting if it has arrived)?"""
        while not self._done and self._channel.read(0):
            pass
        return self._done


class _Later:
    """A task of this process, run when its result is first asked for (never, once cancelled)."""

    __slots__ = ("_call", "_done", "_ok", "_value")

    def __init__(self, fn: Callable[..., Any], job: Job, args: tuple):
        self._call: tuple | None = (fn, job, args)
        self._done, self._ok = False, False
        self._value: Any = None

    def result(self, timeout: float | None = None) -> Any:
        if not self._done:
            if self._call is None:
                raise InternalError("the result of a cancelled task was asked for")
            fn, job, args = self._call
            self._call = None
            try:
                self._value, self._ok = fn(job, *args), True
            except Exception as exc:
                self._value = exc
            self._done = True
        if not self._ok:
            assert isinstance(self._value, BaseException)
            raise self._value
        return self._value

    def cancel(self) -> bool:
        if self._done:
            return False
        self._call = None
        return True


class _Channel:
    """This process's end of one local worker's pipe: requests go out in order, replies
    come back in the same order."""

    def __init__(self, conn: Any):
        self.conn = conn
        self.waiting: deque = deque()

    def send(self, fn: Callable[..., Any], args: tuple) -> _Reply:
        reply = _Reply(self)
        try:
            self.conn.send((fn, args))
        except (BrokenPipeError, ConnectionError, EOFError):
            raise InternalError("a training worker process died (killed, or out of memory?)") from None
        self.waiting.append(reply)
        return reply

    def read(self, timeout: float | None) -> bool:
        """Read one reply (the oldest request's); False if none came within ``timeout``."""
        if timeout is not None and not self.conn.poll(timeout):
            return False
        try:
            ok, value = self.conn.recv()
        except (EOFError, OSError):
            raise InternalError("a training worker process died (killed, or out of memory?)") from None
        reply = self.waiting.popleft()
        reply._ok, reply._value, reply._done = ok, value, True
        return True

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:  # the worker is gone already
            pass


class Pending:
    """One batch in flight: :meth:`result` waits for its parts and returns the results in
    the batch's order."""

    def __init__(self, futures: list):
        self._futures = futures

    def result(self) -> list[Result]:
        return [r for fut in self._futures for r in fut.result()]


class _ClaimedPending(Pending):
    """A batch the local processes claim subproblem by subproblem (:func:`_claim`):
    :meth:`result` solves, here, whatever of it is still unclaimed, and while a worker's
    part is not back it solves subproblems of the next batch in flight (``later``), so
    that this process does not wait for a worker's last subproblem; then it puts every
    result at its position."""

    def __init__(self, job: Job, slot: int, combos: list, proposals: bool, futures: list, flight: deque):
        super().__init__(futures)
        self._job, self._slot, self._combos, self._proposals = job, slot, combos, proposals
        self._flight = flight  # the runner's batches in flight, oldest first (this one among them)
        self._own: dict[int, Result] = {}

    def help_one(self) -> bool:
        """Solve one unclaimed subproblem of this batch here; False if none is left."""
        i = _claim(self._slot, len(self._combos))
        if i is None:
            return False
        self._own[i] = _solve_here(self._job, self._combos[i : i + 1], self._proposals)[0]
        return True

    def result(self) -> list[Result]:
        while self.help_one():
            pass
        later = [p for p in self._flight if p is not self]
        for fut in self._futures:
            while not fut.ready() and any(p.help_one() for p in later[:1]):
                pass
        n = len(self._combos)
        out: list = [None] * n
        for i, r in self._own.items():
            out[i] = r
        for fut in self._futures:
            for i, r in fut.result():
                out[i] = r
        if self in self._flight:
            self._flight.remove(self)
        if any(r is None for r in out):
            raise InternalError("a subproblem of a batch was claimed and not solved")
        return out


class Runner:
    """Solve batches of subproblems; ``workers`` as in :class:`ExactReluTrainer`;
    ``executor`` a :class:`polyrelu.parallel.Executor` (only a distributed one is used:
    local processes are this runner's own, forked after the job is installed).

    :meth:`submit` returns at once (the batch runs on the workers) so that the trainer can
    prepare the next batch meanwhile; without workers it runs the batch there and then."""

    def __init__(self, workers: int | None, executor: Any = None):
        self.requested = workers
        self._dask = executor if executor is not None and executor.is_distributed else None
        self._local: Any = None
        self._channels: list[_Channel] = []  # the local workers' pipes (where processes fork)
        self._next = 0  # round robin over the channels for single requests
        self._here = parallel.Executor(workers=1)
        self._actors: list | None = None
        self._serving: list = []  # the Dask futures of the remote servers (kept: a released future may be cancelled)
        self._remote = False  # the channels are TCP connections to Dask workers
        self._n = 1 if workers is None else max(1, workers)
        self._main = False  # this process claims subproblems of every batch too (local forked workers)
        self._batches = 0  # batches submitted (their claim counters are used round robin)
        self._flight: deque = deque()  # the claimed batches in flight, oldest first

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc) -> None:
        self.close(*exc)

    def close(self, *exc) -> None:
        """Stop the local pool (at once on Ctrl-C and the like: ``exc`` as in ``__exit__``)."""
        global _JOB
        channels, self._channels = self._channels, []
        if self._remote:  # a stop when every reply was read; otherwise closing the connection ends the server
            if not (bool(exc) and exc[0] is not None) and not any(ch.waiting for ch in channels):
                for ch in channels:
                    ch.stop()
            self._serving, self._remote = [], False
        if self._local is not None:
            local, self._local = self._local, None
            failed = bool(exc) and exc[0] is not None
            if channels and (failed or any(ch.waiting for ch in channels)):
                # replies nobody will read (an error, or the budget ran out): a worker may be
                # blocked sending one, so it would never read a stop; kill the workers
                local.terminate()
            else:
                for ch in channels:  # every reply was read: the serving tasks end at the stop
                    ch.stop()
                local.__exit__(*(exc or (None, None, None)))
        for ch in channels:
            ch.conn.close()
        self._actors = None  # released with their futures
        _JOB = None

    def grow(self, n_solved: int) -> None:
        """The default policy: processes on every core once the search proves long."""
        if self.requested is None and self._dask is None and self._n == 1 and n_solved >= _AUTO_AFTER:
            self._n = parallel.default_workers()

    @property
    def parallel(self) -> int:
        """How many workers take tasks now (0: they run in this process)."""
        if self._dask is not None:
            if self._channels:
                return len(self._channels)
            return len(self._actors) if self._actors is not None else max(1, self._dask.parallelism)
        return self._n if self._n > 1 else 0

    @property
    def takers(self) -> int:
        """How many processes take the tasks of :meth:`call` once started (with workers
        on channels this process takes a share too)."""
        if self._dask is not None and (self._channels or self._actors is None):
            return self.parallel + 1  # started or about to be: TCP servers (this process takes a share)
        return self.parallel

    def start(self, job: Job, combo: Any, proposals: bool, *, warm_here: bool = True) -> None:
        """Install ``job`` on the workers now (fork the local pool, or start the Dask
        actors); ``combo`` is a multiset solved here first (when float proposals are on and
        ``warm_here``) so that the float solvers are imported before the fork.  Without
        ``warm_here`` the caller warms the workers later (:meth:`warm`).  Without workers,
        nothing."""
        global _JOB
        if self._dask is not None:
            if self._actors is None and not self._channels:
                conns, self._serving = _connect_remote(self._dask.client, job)
                if conns:
                    self._channels, self._remote = [_Channel(c) for c in conns], True
                else:  # the workers cannot be reached directly: actors
                    self._actors = _start_actors(self._dask.client, job)
            return
        if self._n <= 1 or self._local is not None:
            return
        if warm_here:
            _warm(job, combo, proposals)
        global _COUNTERS
        _JOB = job  # the pool forks on its first task: the workers inherit it
        fork = "fork" in multiprocessing.get_all_start_methods()
        self._main = fork  # this process is one of the k: k - 1 workers
        if fork:
            _COUNTERS = multiprocessing.get_context("fork").Array("q", _RING)  # shared, with its lock; inherited
        self._local = parallel.Executor(workers=self._n - 1 if fork else self._n)
        if fork:
            _PIPES[:] = [multiprocessing.Pipe() for _ in range(self._n - 1)]
            for i in range(self._n - 1):  # the pool forks every worker at the first submit; each takes one of these
                self._local.submit_process(_serve, i)
            self._channels = [_Channel(mine) for mine, _ in _PIPES]
            for _, theirs in _PIPES:
                theirs.close()
            _PIPES.clear()

    def warm(self, job: Job, combo: Any, proposals: bool, deadline: float | None = None) -> list:
        """Queue one warm-up solve per local worker (after the tasks already queued), so
        that the workers import the float solvers while this process does other work,
        not on their first batch; skipped once ``deadline`` (``time.time()``) has passed.
        Returns the futures (to cancel; nobody waits for them)."""
        if proposals and self._channels:  # the workers only: this process imports them at its first solve
            return [ch.send(_warm, (combo, proposals, deadline)) for ch in self._channels]
        if proposals and self._local is not None and self._n > 1:
            return self.call(_warm, job, [(combo, proposals, deadline)] * self._n)
        return []

    def call(self, fn: Callable[..., Any], job: Job, tasks: Sequence[tuple]) -> list:
        """Start ``fn(job, *t)`` for every task (after :meth:`start`): futures, in task
        order, spread over the workers (or run here when there are none)."""
        if self._channels:
            # round robin over the workers and, with local workers, this process first: its
            # tasks run when their results are read, so a caller reading in task order
            # computes its own while the workers compute theirs (and reads each worker's
            # reply before the worker's next task, which may wait on an unread large reply)
            here = int(self._main or self._remote)  # with Dask this process is idle meanwhile: it takes a share too
            takers = len(self._channels) + here
            out: list = []
            for i, t in enumerate(tasks):
                slot = (self._next + i) % takers - here
                out.append(_Later(fn, job, tuple(t)) if slot < 0 else self._channels[slot].send(fn, tuple(t)))
            self._next += len(tasks)
            return out
        if self._dask is not None and self._actors is not None:
            return [self._actors[i % len(self._actors)].run(fn, t) for i, t in enumerate(tasks)]
        if self._local is not None and self._n > 1:
            inherit = "fork" in multiprocessing.get_all_start_methods()
            return [self._local.submit(_call, fn, None if inherit else job, t) for t in tasks]
        return [self._here.submit(_call, fn, job, t) for t in tasks]

    def submit(self, job: Job, combos: list, proposals: bool) -> Pending:
        """Start solving ``combos``; the same ``job`` for the whole fit."""
        if self._dask is None and self._n <= 1:
            return Pending([self._here.submit(_solve_chunk, job, combos, proposals)])
        self.start(job, combos[0], proposals)
        if self._channels and self._main and not self._remote:
            return self._submit_shared(job, combos, proposals)
        if self._channels:  # part i to worker i: each has at most a part of each batch in flight
            k = len(self._channels)
            return Pending([ch.send(_solve_chunk, (part, proposals)) for ch, part in zip(self._channels, _split(combos, k))])
        if self._actors is not None:
            return Pending([a.solve(part, proposals) for a, part in zip(self._actors, _split(combos, len(self._actors)))])
        inherit = "fork" in multiprocessing.get_all_start_methods()  # otherwise send the job with every task
        return Pending([self._local.submit(_solve_chunk, None if inherit else job, part, proposals) for part in _split(combos, self._n)])

    def _submit_shared(self, job: Job, combos: list, proposals: bool) -> Pending:
        """Send the whole batch to every worker; all processes claim its subproblems."""
        slot = self._batches % _RING
        self._batches += 1
        _COUNTERS[slot] = 0  # free: the batch that used it last was read long ago
        futures = [ch.send(_solve_claimed, (slot, combos, proposals)) for ch in self._channels]
        pending = _ClaimedPending(job, slot, combos, proposals, futures, self._flight)
        self._flight.append(pending)
        return pending

    def solve(self, job: Job, combos: list, proposals: bool) -> list[Result]:
        """:meth:`submit` and wait."""
        return self.submit(job, combos, proposals).result()


class _Solver:
    """A Dask actor: the fit's job, held by one worker, solving the parts sent to it.
    Calls go straight to the worker (not through the scheduler), so a part costs a round
    trip, not a task."""

    def __init__(self, job: Any):
        self.job = job
        self.solved = 0

    def solve(self, combos: Sequence, proposals: bool) -> list[Result]:
        self.solved += len(combos)
        return _solve_chunk(self.job, combos, proposals)

    def run(self, fn: Callable[..., Any], args: tuple) -> Any:
        """``fn(job, *args)`` on this worker's job (the trainer's set-up)."""
        return fn(_resolve(self.job), *args)

    def count(self) -> int:
        """Subproblems solved by this actor so far."""
        return self.solved


_LISTENING: dict[str, tuple] = {}  # on a Dask worker: token -> (listening socket, key, timeout) until its server accepts
_CONNECT_TIMEOUT = 30.0  # seconds for a worker's server to start and answer (it is queued behind the worker's running tasks)


def _listen(token: str, key: bytes, timeout: float) -> tuple[str, int] | None:
    """On a Dask worker: open a listening TCP socket on the worker's own host for the
    trainer's channel; its address, or None where the worker's address is not TCP over
    IPv4 (TLS clusters keep their traffic on Dask's encrypted comms: actors)."""
    from distributed import get_worker
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, loc = parse_address(get_worker().address)
        host, _ = parse_host_port(loc)
        socket.inet_aton(host)
    except (OSError, ValueError, TypeError):
        return None
    if scheme != "tcp":
        return None
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((host, 0))
        sock.listen(1)
    except OSError:
        sock.close()
        return None
    _LISTENING[token] = (sock, key, timeout)
    name = sock.getsockname()
    return str(name[0]), int(name[1])


def _unlisten(token: str) -> None:
    """On a Dask worker: close a listening socket nobody will connect to."""
    got = _LISTENING.pop(token, None)
    if got is not None:
        got[0].close()


class _ComputeMalloc:
    """While a Dask worker serves a fit: glibc's malloc keeps large blocks instead of
    returning them to the system at once.  Dask starts its workers with
    ``MALLOC_TRIM_THRESHOLD_`` = 64 KiB, which also fixes the mmap threshold at 128 KiB,
    so every numpy temporary above that (a dual's limb products: 200 KB at D = 40) is a
    fresh mmap that page-faults: a dual's feasibility took 0.43 ms there against 0.18 ms
    in a plain process.  The previous thresholds are restored afterwards (only where the
    variable is set, on glibc)."""

    _M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3

    def __init__(self) -> None:
        self._libc: Any = None
        trim = os.environ.get("MALLOC_TRIM_THRESHOLD_")
        if trim is None or not trim.isdigit():
            return
        try:
            import ctypes

            self._libc = ctypes.CDLL("libc.so.6")
            self._trim = int(trim)
        except (OSError, AttributeError):  # pragma: no cover - not glibc
            self._libc = None

    def __enter__(self) -> "_ComputeMalloc":
        if self._libc is not None:
            self._libc.mallopt(self._M_MMAP_THRESHOLD, 32 << 20)
            self._libc.mallopt(self._M_TRIM_THRESHOLD, 64 << 20)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._libc is not None:
            self._libc.mallopt(self._M_MMAP_THRESHOLD, 128 << 10)  # glibc's default, which the variable had fixed
            self._libc.mallopt(self._M_TRIM_THRESHOLD, self._trim)
            self._libc.malloc_trim(0)


def _serve_remote(job: Any, token: str) -> int:
    """On a Dask worker (its one long task for the fit): accept the trainer's connection on
    the socket :func:`_listen` opened, authenticate it (HMAC challenges both ways with the
    fit's random key), and serve requests on it as a local worker does on its pipe;
    returns the number of requests answered (0 when nobody connected in time)."""
    got = _LISTENING.pop(token, None)
    if got is None:  # pragma: no cover - the listener is gone (the worker restarted)
        return 0
    sock, key, timeout = got
    try:
        sock.settimeout(timeout)
        try:
            peer, _ = sock.accept()
        except OSError:  # nobody connected in time
            return 0
    finally:
        sock.close()
    peer.settimeout(None)
    peer.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn = Connection(peer.detach())
    try:
        try:
            deliver_challenge(conn, key)
            answer_challenge(conn, key)
        except (multiprocessing.AuthenticationError, OSError, EOFError):
            return 0
        with _ComputeMalloc():
            return _serve_on(conn, _resolve(job))
    finally:
        conn.close()


def _dial(where: tuple[str, int], key: bytes, timeout: float) -> Connection:
    """Connect to a worker's server and authenticate both ways."""
    sock = socket.create_connection((where[0], int(where[1])), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.settimeout(None)
    conn = Connection(sock.detach())
    try:
        if not conn.poll(timeout):  # the server has not started (its worker is busy)
            raise TimeoutError(f"no training server answered at {where[0]}:{where[1]} within {timeout:g} s")
        answer_challenge(conn, key)
        deliver_challenge(conn, key)
    except BaseException:
        conn.close()
        raise
    return conn


def _connect_remote(client: Any, job: Job, timeout: float | None = None) -> tuple[list[Connection], list]:
    """One server per worker of the cluster, each connected to this process by TCP
    (module docstring): (connections, the servers' futures), or ([], []) when some worker
    cannot serve or be reached (the caller then uses actors).  The job is scattered once."""
    timeout = _CONNECT_TIMEOUT if timeout is None else timeout
    addrs = sorted(client.scheduler_info().get("workers", {}))
    if not addrs:  # pragma: no cover - a cluster without workers yet: actors let the scheduler place one
        return [], []
    key, token = secrets.token_bytes(32), secrets.token_hex(16)
    opened = [client.submit(_listen, token, key, timeout, workers=[a], allow_other_workers=False, pure=False) for a in addrs]
    try:
        where = [f.result(timeout=timeout) for f in opened]
    except Exception:  # a worker busy for longer than the timeout, or gone
        where = [None] * len(addrs)
    if any(w is None for w in where):
        for a in addrs:
            client.submit(_unlisten, token, workers=[a], allow_other_workers=False, pure=False)
        return [], []
    remote = client.scatter(job, broadcast=True, hash=False)  # hashing would tokenize the whole problem (seconds)
    serving = [client.submit(_serve_remote, remote, token, workers=[a], allow_other_workers=False, pure=False) for a in addrs]
    conns: list[Connection] = []
    try:
        for w in where:
            assert w is not None
            conns.append(_dial(w, key, timeout))
    except (OSError, EOFError, TimeoutError, multiprocessing.AuthenticationError):
        for c in conns:  # their servers see the closed connection; the others' accept times out
            c.close()
        return [], []
    return conns, serving


def _start_actors(client: Any, job: Job) -> list:
    """One :class:`_Solver` per worker of the cluster; the job is scattered once."""
    remote = client.scatter(job, broadcast=True, hash=False)  # hashing would tokenize the whole problem (seconds)
    addrs = sorted(client.scheduler_info().get("workers", {}))
    if not addrs:  # pragma: no cover - a cluster without workers yet: let the scheduler place one
        return [client.submit(_Solver, remote, actor=True, pure=False).result()]
    futs = [client.submit(_Solver, remote, actor=True, workers=[a], pure=False) for a in addrs]
    return [f.result() for f in futs]


def _warm(job: Job, combo: Any, proposals: bool, deadline: float | None = None) -> None:
    """Solve one subproblem here (result discarded) so that the float solvers are imported
    once (before the fork, or by a worker ahead of its first batch)."""
    if proposals and (deadline is None or time.time() <= deadline):
        solve(job.prob, combo, propose=True)


def _split(items: list, k: int) -> list[list]:
    k = max(1, min(k, len(items)))
    size = -(-len(items) // k)
    return [items[i : i + size] for i in range(0, len(items), size)]
