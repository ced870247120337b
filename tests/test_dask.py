"""The same region counts on a local Dask cluster (skipped without dask[distributed])."""

import random

import pytest

distributed = pytest.importorskip("distributed")

from polyrelu.network import ReluNetwork  # noqa: E402
from polyrelu.parallel import set_scheduler  # noqa: E402
from polyrelu.regions import network_regions  # noqa: E402


def test_dask_cluster_gives_identical_regions(monkeypatch):
    import polyrelu.parallel as parallel

    calls = []
    real = parallel._run_dask
    monkeypatch.setattr(parallel, "_run_dask", lambda fn, tasks, sch: calls.append(len(tasks)) or real(fn, tasks, sch))
    rng = random.Random(4)
    net = ReluNetwork(2, [([[rng.randint(-9, 9) for _ in range(a)] for _ in range(b)], [rng.randint(-9, 9) for _ in range(b)]) for a, b in [(2, 8), (8, 6), (6, 1)]])
    local = network_regions(net, workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        set_scheduler(client)
        try:
            remote = network_regions(net, workers=2)
        finally:
            set_scheduler(None)
    assert [r.pattern for r in remote.regions] == [r.pattern for r in local.regions]
    assert [r.witness for r in remote.regions] == [r.witness for r in local.regions]
    assert remote.counts() == local.counts()
    assert calls and sum(calls) > 1  # the work really went through the cluster
