"""Activation regions streamed to disk: the last hidden layer is refined piece by piece,
each piece is written as a region shard (:mod:`polyrelu.io.shards`) by whoever refined it
and dropped, and only counts come back.  The regions of every layer but the last are held
in memory as in :func:`polyrelu.nets.regions.network_regions` (they are the cells the last
layer refines); the final regions never are.

Two ways through the last layer (:func:`polyrelu.nets.regions.last_layer` gives its cells):

* **many cells**: chunks of cells are tasks (in this process, on local workers or on a
  Dask cluster); a task refines its chunk (:func:`~polyrelu.nets.regions.refine_cells`),
  writes its shard into the folder itself and returns the number of regions and the exact
  keys of its distinct affine maps.  On a Dask cluster the workers write into the same
  folder: it must be on a file system they share with the driver (given as an absolute
  path, the same on every machine).  Such shards have ``first_region`` null in their
  header; the manifest gives it.
* **one cell** (a network with one hidden layer, or whose earlier layers leave one cell):
  the arrangement of the layer's hyperplanes in that cell is covered one group of
  hyperplanes at a time (:func:`~polyrelu.nets.regions.stream_cell`); the groups' candidate
  witnesses are computed on the executor, the driver keeps the first occurrence of every
  sign vector (an exact set of packed sign keys: ceil(width / 8) bytes a region) and writes
  one shard per group.

Read in manifest order, the shards hold exactly the regions of ``network_regions`` (same
patterns, witnesses, maps, same order).  Counts: activation regions exactly; affine maps
exactly (the driver merges each shard's distinct maps as exact integer keys: memory
O(#maps)); linear regions and pieces need adjacency across shards and are not computed
(None) -- except when every affine map occurs once, where all three counts are equal.
Networks with one input (the 1-D route), affine networks and empty domains are computed in
memory (they are small) and written the same way.

>>> import tempfile
>>> from polyrelu.paper.constructions import max_of_two
>>> with tempfile.TemporaryDirectory() as d:
...     r = stream_regions(max_of_two(), d, workers=1)
...     r.counts
{'activation_regions': 4, 'linear_regions': None, 'pieces': None, 'affine_maps': 2, 'partial': False}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..cells.batch import KeySet
from ..errors import BudgetExceededError, InvalidParameterError
from ..geometry.polyhedron import OpenPolyhedron
from ..io import shards
from .network import ReluNetwork
from .regions import LastLayer, last_layer, network_regions, refine_cells, stream_cell

__all__ = ["StreamedRegions", "stream_regions"]


@dataclass
class StreamedRegions:
    """What a streamed enumeration wrote and counted."""

    directory: Path
    shards: list[Path]
    counts: dict[str, Any]
    partial: bool
    info: dict = field(default_factory=dict)
    manifest: Path | None = None


class _Maps:
    """Distinct affine maps, exactly: raw int64 rows in a :class:`KeySet`, larger ones as text."""

    def __init__(self) -> None:
        self.fixed = KeySet()
        self.big: set[bytes] = set()

    def add(self, keys: tuple[np.ndarray, list[bytes]]) -> None:
        self.fixed.add_new(keys[0])
        self.big.update(keys[1])

    def __len__(self) -> int:
        return len(self.fixed) + len(self.big)


def _chunk_task(layer: LastLayer, path: str, header: dict, deadline: float | None):
    """Refine a chunk of cells, write its shard, return (regions, distinct map keys)."""
    res = refine_cells(layer, deadline)
    k = shards.write_shard(path, header, res.iter_region_rows())
    return k, res.map_keys()


def stream_regions(network: ReluNetwork, directory: Any, *, domain: OpenPolyhedron | None = None, executor=None,
                   workers: int | None = None, max_regions: int | None = None, max_seconds: float | None = None,
                   progress: Callable[[int, int, int], None] | None = None, cells_per_task: int | None = None,
                   prefix: str = "regions") -> StreamedRegions:
    """Enumerate the activation regions of ``network`` into shards in ``directory`` (created
    if needed; it must not hold a manifest or shards already) and return the counts.

    The options are those of :func:`~polyrelu.nets.regions.network_regions`.  When a
    budget runs out, the shards written so far stay (complete files), the manifest says
    ``partial`` and ``info["activation_regions_at_least"]`` is a lower bound.
    ``cells_per_task``: cells of the last layer's input per task (default: about four
    tasks per worker, at most 512)."""
    from ..parallel import Budget, Executor, NOT_RUN, default_workers

    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise InvalidParameterError(f"{out} exists and is not a folder")
    if out.is_dir() and ((out / shards.MANIFEST).exists() or any(out.glob(f"{prefix}-*.jsonl"))):
        raise InvalidParameterError(f"{out} already holds region shards; give an empty or new folder")
    if cells_per_task is not None and (isinstance(cells_per_task, bool) or not isinstance(cells_per_task, int) or cells_per_task < 1):
        raise InvalidParameterError(f"cells_per_task is {cells_per_task!r}; give an integer >= 1 or None")
    n = network.input_dim if isinstance(network, ReluNetwork) else 0
    small = isinstance(network, ReluNetwork) and (n == 1 or network.n_hidden_layers == 0)
    if small:  # the 1-D route, or an affine network: in memory, then written
        res = network_regions(network, domain=domain, workers=workers, executor=executor, max_regions=max_regions,
                              max_seconds=max_seconds, progress=progress)
        return _from_memory(res, out, prefix)
    budget = Budget(max_seconds, max_regions)
    own = executor is None
    ex = executor if executor is not None else Executor(workers=workers if workers is not None else default_workers())
    try:
        layer = last_layer(network, domain=domain, executor=ex, workers=workers, max_regions=max_regions,
                           max_seconds=max_seconds, progress=progress)
        if layer.parents is None and not layer.partial:  # an empty domain
            return _from_memory(network_regions(network, domain=domain, workers=1), out, prefix)
        out.mkdir(parents=True, exist_ok=True)
        written: list[tuple[Path, int, int]] = []
        maps = _Maps()
        total = 0
        info = dict(layer.info)
        partial = layer.partial
        L = network.n_hidden_layers
        done_cells = 0

        def name(k: int) -> Path:
            return (out / f"{prefix}-{k:05d}.jsonl").resolve()

        if not partial and layer.n_cells == 1:
            try:
                for k, res in enumerate(stream_cell(layer, ex if ex.parallelism > 1 or ex.is_distributed else None, budget.deadline)):
                    p = name(k)
                    m = shards.write_shard(p, shards.shard_header(network, layer.denominator, k, total), res.iter_region_rows())
                    maps.add(res.map_keys())
                    written.append((p, m, total))
                    total += m
                    if progress is not None:
                        progress(L - 1, total, total)
                    if budget.expired() or budget.over(total):
                        raise BudgetExceededError("budget")
            except BudgetExceededError:
                partial = True
        elif not partial:
            N = layer.n_cells
            par = ex.parallelism
            step = cells_per_task or max(1, min(512, -(-N // (4 * par))))
            chunks = [(lo, min(N, lo + step)) for lo in range(0, N, step)]
            window = 2 * par if par > 1 else 1  # one task at a time in this process: a budget stop loses nothing
            try:
                for a in range(0, len(chunks), window):
                    tasks = [(layer.chunk(lo, hi), str(name(a + i)), shards.shard_header(network, layer.denominator, a + i, None),
                              budget.deadline) for i, (lo, hi) in enumerate(chunks[a : a + window])]
                    results = ex.map(_chunk_task, tasks, deadline=budget.deadline)
                    for i, r in enumerate(results):  # every shard written is listed, even after a stop
                        if r is NOT_RUN:
                            continue
                        m, keys = r
                        maps.add(keys)
                        written.append((name(a + i), m, total))
                        total += m
                        done_cells += chunks[a + i][1] - chunks[a + i][0]
                    if progress is not None:
                        progress(L - 1, total, total)
                    if any(r is NOT_RUN for r in results) or budget.expired() or budget.over(total):
                        raise BudgetExceededError("budget")
            except BudgetExceededError:
                partial = True
        if partial:
            if "stopped_in_layer" not in info:  # stopped in the last layer
                one = layer.n_cells == 1
                info.update({"stopped_in_layer": L, "cells_in_layer": layer.n_cells,
                             "cells_refined": (1 if total > 1 else 0) if one else done_cells,
                             "activation_regions_at_least": max(1, total) if one else total + layer.n_cells - done_cells})
            counts: dict[str, Any] = {"activation_regions": None, "linear_regions": None, "pieces": None, "affine_maps": None,
                                      "partial": True}
        else:
            info["layers_completed"] = L
            k_maps = len(maps)
            same = k_maps == total  # every map once: the three counts are equal
            counts = {"activation_regions": total, "linear_regions": total if same else None, "pieces": total if same else None,
                      "affine_maps": k_maps, "partial": False}
        info["shards_written"] = len(written)
        info["regions_written"] = total
        manifest = shards.write_manifest(out, network, layer.denominator, written, counts, partial, info)
        return StreamedRegions(out, [p for p, _, _ in written], counts, partial, info, manifest)
    finally:
        if own:
            ex.close()


def _from_memory(res: Any, out: Path, prefix: str) -> StreamedRegions:
    if res.partial:
        out.mkdir(parents=True, exist_ok=True)
        counts = {"activation_regions": None, "linear_regions": None, "pieces": None, "affine_maps": None, "partial": True}
        manifest = shards.write_manifest(out, res.network, res.map_denominator, [], counts, True, res.info)
        return StreamedRegions(out, [], counts, True, dict(res.info), manifest)
    size = 100_000
    paths = shards.write_shards(res, out, prefix=prefix, shard_size=size)
    counts = res.counts()
    N = res.n_activation_regions
    starts = [size * k for k in range(len(paths))]
    sizes = [min(size, N - a) for a in starts]
    info = dict(res.info, in_memory=True)
    manifest = shards.write_manifest(out, res.network, res.map_denominator, list(zip(paths, sizes, starts)), counts, False, info)
    return StreamedRegions(out, paths, counts, False, info, manifest)
