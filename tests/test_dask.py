"""The same regions and training optimum from 1 process, 2 processes and a local Dask
cluster, with the executor passed explicitly (skipped without dask[distributed])."""

import random

import pytest

distributed = pytest.importorskip("distributed")

from polyrelu.nets.network import ReluNetwork  # noqa: E402
from polyrelu.nets.regions import network_regions  # noqa: E402
from polyrelu.parallel import Executor  # noqa: E402
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
    _same(local, two)
    _same(local, again)
    calls = []
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        ex = Executor(scheduler=client)
        real, real_submit = ex.map, ex.submit
        ex.map = lambda fn, tasks, **kw: calls.append(len(tasks)) or real(fn, tasks, **kw)
        submitted = []
        ex.submit = lambda fn, *args: submitted.append(fn) or real_submit(fn, *args)
        remote = network_regions(net, executor=ex)
        remote_trained = ExactReluTrainer(width=2).fit(X, y, executor=ex)
    _same(local, remote)
    assert calls and sum(calls) > 1  # the work really went through the cluster
    assert submitted  # ... the training batches too
    assert (remote_trained.loss_, remote_trained.network_, remote_trained.n_subproblems_) == (trained.loss_, trained.network_, trained.n_subproblems_)


def test_unreachable_scheduler_is_one_clear_error():
    from polyrelu.parallel import SchedulerUnreachableError

    with pytest.raises(SchedulerUnreachableError, match="cannot reach the Dask scheduler"):
        Executor(scheduler="tcp://127.0.0.1:9", connect_timeout=2)
