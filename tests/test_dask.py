"""The same regions and training optimum from 1 process, 2 processes and a local Dask
cluster, with the executor passed explicitly (skipped without dask[distributed])."""

import json
import random

import pytest

distributed = pytest.importorskip("distributed")

from polyrelu.nets.network import ReluNetwork  # noqa: E402
from polyrelu.nets.regions import network_regions  # noqa: E402
from polyrelu.parallel import Executor  # noqa: E402
from polyrelu.training import _executor  # noqa: E402
from polyrelu.training import trainer as _trainer  # noqa: E402
from polyrelu.training.trainer import ExactReluTrainer  # noqa: E402


def _net(seed, dims):
    rng = random.Random(seed)
    return ReluNetwork(dims[0], [([[rng.randint(-9, 9) for _ in range(a)] for _ in range(b)], [rng.randint(-9, 9) for _ in range(b)])
                                 for a, b in zip(dims, dims[1:])])


def _same(a, b):
    assert [a.pattern(i) for i in range(len(a))] == [b.pattern(i) for i in range(len(b))]
    assert [a.witness(i) for i in range(len(a))] == [b.witness(i) for i in range(len(b))]
    assert a.counts() == b.counts()


def test_one_process_two_processes_and_a_dask_cluster_agree():
    net = _net(4, [2, 8, 6, 1])
    rng = random.Random(4)
    X = [[rng.randint(-5, 5), rng.randint(-5, 5)] for _ in range(7)]
    y = [rng.randint(-5, 5) for _ in range(7)]
    local = network_regions(net, workers=1)
    trained = ExactReluTrainer(width=2, workers=1).fit(X, y)
    with Executor(workers=2) as ex:
        two = network_regions(net, executor=ex)
        again = network_regions(net, executor=ex)  # the pool is reused
        assert [f.result() for f in [ex.submit(pow, 2, 5), ex.submit(pow, 3, 2)]] == [32, 9]  # tasks in flight, read in order
    assert Executor(workers=1).submit(pow, 2, 3).result() == 8  # here and now
    _same(local, two)
    _same(local, again)
    calls = []
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        ex = Executor(scheduler=client)
        assert ex.submit(pow, 2, 10).result() == 1024
        real = ex.map
        ex.map = lambda fn, tasks, **kw: calls.append(len(tasks)) or real(fn, tasks, **kw)
        remote = network_regions(net, executor=ex)
        servers, actors = [], []
        real_connect, real_start = _executor._connect_remote, _executor._start_actors
        _executor._connect_remote = lambda client, job: servers.append(real_connect(client, job)) or servers[-1]
        _executor._start_actors = lambda client, job: actors.append(real_start(client, job)) or actors[-1]
        real_setup, _trainer._POOL_SETUP = _trainer._POOL_SETUP, 1  # the set-up (sign bounds, sort) on the workers too
        try:
            remote_trained = ExactReluTrainer(width=2).fit(X, y, executor=ex)
            answered = [f.result(timeout=30) for f in servers[0][1]]  # the servers end at the fit's stop
            # workers that cannot be reached directly: one actor per worker instead
            _executor._connect_remote = lambda client, job: ([], [])
            by_actors = ExactReluTrainer(width=2).fit(X, y, executor=ex)
            per_actor = [a.count().result() for a in actors[0]]
        finally:
            _executor._connect_remote, _executor._start_actors = real_connect, real_start
            _trainer._POOL_SETUP = real_setup
    _same(local, remote)
    assert calls and sum(calls) > 1  # the work really went through the cluster
    assert len(servers) == 1 and len(servers[0][0]) == 2  # one server per worker, connected once per fit
    n_setup = 1 + 2  # the set-up's one chunk of sign bounds and one warm-up per worker
    assert sum(answered) > n_setup and min(answered) > 1  # ... and the training batches, on both workers
    assert len(actors) == 1 and len(actors[0]) == 2 and sum(per_actor) == by_actors.n_subproblems_ and min(per_actor) > 0
    key = (lambda t: (t.loss_, t.network_, t.n_subproblems_, t.n_pruned_sign_, t.n_pruned_dual_, t.n_duals_confirmed_))
    assert key(remote_trained) == key(trained) == key(by_actors)
    assert json.dumps(remote_trained.certificate_, sort_keys=True) == json.dumps(trained.certificate_, sort_keys=True)
    assert json.dumps(by_actors.certificate_, sort_keys=True) == json.dumps(trained.certificate_, sort_keys=True)


def _echo(job, *args):
    return isinstance(job, _executor.Job), args


def _fail(job):
    raise ValueError("refused in the server")


def test_a_training_server_answers_only_the_holder_of_the_fits_key():
    """The TCP server a Dask worker runs for a fit (here in a thread of this process):
    a connection with another key is refused by both sides' HMAC challenge; the right key
    gets its requests answered in order, and the server ends at the stop."""
    import socket
    import threading
    from multiprocessing import AuthenticationError

    def server(key):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        token = f"t{id(sock)}"
        _executor._LISTENING[token] = (sock, key, 10.0)
        out = []
        th = threading.Thread(target=lambda: out.append(_executor._serve_remote(_executor.Job(None, None), token)))
        th.start()
        return sock.getsockname(), th, out

    where, th, out = server(b"k" * 32)
    with pytest.raises(AuthenticationError):
        _executor._dial(where, b"x" * 32, 5.0)
    th.join(10)
    assert out == [0]  # refused: nothing served
    where, th, out = server(b"k" * 32)
    conn = _executor._dial(where, b"k" * 32, 5.0)
    ch = _executor._Channel(conn)
    replies = [ch.send(_echo, (2, 10)), ch.send(_fail, ()), ch.send(_echo, ("x",))]  # fn(job, *args)
    assert replies[0].result(5) == (True, (2, 10))
    with pytest.raises(ValueError, match="refused in the server"):
        replies[1].result(5)
    assert replies[2].result(5) == (True, ("x",))
    ch.stop()
    th.join(10)
    conn.close()
    assert out == [3]


def test_unreachable_scheduler_is_one_clear_error():
    from polyrelu.parallel import SchedulerUnreachableError

    with pytest.raises(SchedulerUnreachableError, match="cannot reach the Dask scheduler"):
        Executor(scheduler="tcp://127.0.0.1:9", connect_timeout=2)


def test_a_training_server_lets_malloc_keep_large_blocks_while_it_serves(monkeypatch):
    """Dask starts workers with MALLOC_TRIM_THRESHOLD_ set, which fixes glibc's mmap
    threshold at 128 KiB (every larger numpy temporary is a fresh, page-faulting mmap):
    while serving, the thresholds are raised, and afterwards put back; without the
    variable nothing is touched."""
    calls = []

    class FakeLibc:
        def mallopt(self, param, value):
            calls.append((param, value))
            return 1

        def malloc_trim(self, pad):
            calls.append(("trim", pad))
            return 1

    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    with _executor._ComputeMalloc() as m:
        assert m._libc is None
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    m = _executor._ComputeMalloc()
    assert m._libc is not None  # glibc here
    m._libc = FakeLibc()
    with m:
        assert calls == [(-3, 32 << 20), (-1, 64 << 20)]
    assert calls[2:] == [(-3, 128 << 10), (-1, 65536), ("trim", 0)]
