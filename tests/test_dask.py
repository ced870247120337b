"""The same region counts and training optimum on a local Dask cluster (skipped without dask[distributed])."""

import random

import pytest

distributed = pytest.importorskip("distributed")

from polyrelu.nets.network import ReluNetwork  # noqa: E402
from polyrelu.parallel import set_scheduler  # noqa: E402
from polyrelu.nets.regions import network_regions  # noqa: E402
from polyrelu.training.trainer import ExactReluTrainer  # noqa: E402


def test_dask_cluster_gives_identical_regions_and_training(monkeypatch):
    import polyrelu.parallel as parallel

    calls = []
    real = parallel._run_dask
    monkeypatch.setattr(parallel, "_run_dask", lambda fn, tasks, sch: calls.append(len(tasks)) or real(fn, tasks, sch))
    rng = random.Random(4)
    net = ReluNetwork(2, [([[rng.randint(-9, 9) for _ in range(a)] for _ in range(b)], [rng.randint(-9, 9) for _ in range(b)]) for a, b in [(2, 8), (8, 6), (6, 1)]])
    local = network_regions(net, workers=1)
    X = [[rng.randint(-5, 5), rng.randint(-5, 5)] for _ in range(7)]
    y = [rng.randint(-5, 5) for _ in range(7)]
    trained = ExactReluTrainer(width=2, workers=1).fit(X, y)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        set_scheduler(client)
        try:
            remote = network_regions(net, workers=2)
            n_calls = len(calls)
            remote_trained = ExactReluTrainer(width=2).fit(X, y)
        finally:
            set_scheduler(None)
    assert [r.pattern for r in remote.regions] == [r.pattern for r in local.regions]
    assert [r.witness for r in remote.regions] == [r.witness for r in local.regions]
    assert remote.counts() == local.counts()
    assert calls and sum(calls) > 1  # the work really went through the cluster
    assert len(calls) > n_calls  # ... the training batches too
    assert (remote_trained.loss_, remote_trained.network_, remote_trained.n_subproblems_) == (trained.loss_, trained.network_, trained.n_subproblems_)
