"""Activation regions streamed to disk: the last hidden layer is refined piece by piece,
each piece is written as a region shard (:mod:`polyrelu.io.shards`) by whoever refined it
and dropped, and only counts come back.  The regions of every layer but the last are held
in memory as in :func:`polyrelu.nets.regions.network_regions` (they are the cells the last
layer refines); the final regions never are.

Two ways through the last layer (:func:`polyrelu.nets.regions.last_layer` gives its cells):

* **many cells**: chunks of cells are tasks (in this process, on local workers or on a
  Dask cluster); a task refines its chunk (:func:`~polyrelu.nets.regions.refine_cells`),
  writes its shard into the folder itself and returns the number of regions, the exact
  keys of its distinct affine maps and what the counts below need.  On a Dask cluster the workers write into the same
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
patterns, witnesses, maps, same order).

**Counts.**  All four are exact and equal those of ``network_regions(...).counts()``.
Activation regions are summed.  Affine maps: each piece sends its distinct maps as exact
integer keys with how often each occurs and the cell (of the earlier layers' regions) of
its first region; the driver merges them into one exact table (memory O(#maps), no
Python object per map).  A map that occurs once makes one linear region and one piece,
so linear regions and pieces only concern the *shared* maps (docs/mathematics.md §8.1),
and the driver keeps only the join structure of those: for every shared map, the cells
holding it, the packed pattern keys of its regions, and the facets between them as pairs
of pattern keys (patterns are global names, so a facet may join regions of different
shards).  When no map is shared, nothing more is computed and all three counts equal the
activation regions.  Otherwise:

* a facet between two regions of one map lies on a hyperplane of the last hidden layer
  (the regions are *siblings*: same cell, patterns that differ in one class of
  coincident neurons) or on a wall inherited from an earlier layer (the regions lie in
  different cells).  Siblings share their cell, hence their chunk: a chunk task sends the
  pattern keys of its regions whose map occurs more than once in the chunk, and the
  sibling facets with equal maps among them
  (:meth:`~polyrelu.nets.regions.NetworkRegions.same_map_sibling_pairs`).  A wall facet
  joins two cells, so only maps met in two cells or more need one; a worker cannot know
  that in one pass, so after the pass the driver sends just the cells holding such maps to
  be refined again (a second, usually small pass), and for their regions with those maps
  the workers find every facet on an inherited wall, the region across it by the
  one-sided pattern at an exact facet point
  (:meth:`~polyrelu.nets.regions.NetworkRegions.wall_neighbours`), and keep it when the
  map of that pattern (:func:`~polyrelu.nets.regions.pattern_maps`) is the same.
* in the one-cell route there are no inherited walls, and all siblings of a batch need
  not be in the batch: the driver reads the pattern keys of the shared maps' regions back
  from the shards (only lines whose map text is shared are parsed), and two regions of one
  map are siblings iff their patterns differ exactly in one class of coincident neurons
  (:meth:`~polyrelu.nets.regions.LastLayer.neuron_classes`; in a convex cell such regions
  are adjacent).
* every facet is checked against the pattern keys collected (both ends must be regions of
  that map; the number of patterns of each map must equal its count) -- a failure is an
  :class:`~polyrelu.errors.InternalError`.  Union-find (connected components) over the
  facets gives linear regions = activation regions - successful unions.  Pieces: for each
  map whose regions still fall in two parts or more, pairs of regions in different parts
  are joined when their closures meet inside the domain (exact LP,
  :func:`~polyrelu.nets.regions.closures_meet`, on rows rebuilt from the patterns,
  :func:`~polyrelu.nets.regions.pattern_rows`); groups of maps are tasks on the executor.

The budget bounds the enumeration; when it stops the run, every count is None (partial).
The counting after a complete enumeration is not budgeted (as ``counts()`` in memory).
Networks with one input (the 1-D route), affine networks and empty domains are computed in
memory (they are small) and written the same way.

>>> import tempfile
>>> from polyrelu.paper.constructions import max_of_two
>>> with tempfile.TemporaryDirectory() as d:
...     r = stream_regions(max_of_two(), d, workers=1)
...     r.counts
{'activation_regions': 4, 'linear_regions': 2, 'pieces': 2, 'affine_maps': 2, 'partial': False}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..errors import BudgetExceededError, InternalError, InvalidParameterError
from ..geometry.polyhedron import OpenPolyhedron
from ..io import shards
from .network import ReluNetwork
from .regions import LastLayer, closures_meet, last_layer, network_regions, pattern_rows, refine_cells, stream_cell

__all__ = ["StreamedRegions", "stream_regions"]


StreamedRegions = shards.StreamedShards  # what a streamed enumeration wrote and counted


def _tag(key: Any) -> bytes:
    """A map key as bytes: ``F`` + raw int64 row, or ``T`` + its JSON text."""
    return b"F" + key.tobytes() if isinstance(key, np.void) else b"T" + bytes(key)


class _MapTable:
    """The distinct affine maps, exactly, each with the cell of its first occurrence: raw
    int64 rows in sorted levels that merge like a binary counter (as
    :class:`~polyrelu.cells.batch.KeySet`, with a payload), larger maps as text."""

    def __init__(self) -> None:
        self.levels: list[tuple[np.ndarray, np.ndarray]] = []
        self.big: dict[bytes, int] = {}

    def __len__(self) -> int:
        return sum(a.size for a, _ in self.levels) + len(self.big)

    def merge(self, fixed: np.ndarray, big: list[bytes], cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Add distinct keys (``fixed`` then ``big``, first cells ``cells``); return (seen
        before?, the first cell of those seen) per key."""
        K = fixed.size
        hit = np.zeros(K + len(big), dtype=bool)
        prev = np.full(K + len(big), -1, dtype=np.int64)
        for a, pay in self.levels:
            if not a.size or a.dtype != fixed.dtype or not K:
                continue
            pos = np.minimum(np.searchsorted(a, fixed), a.size - 1)
            h = a[pos] == fixed
            hit[:K] |= h
            prev[:K][h] = pay[pos[h]]
        for t, b in enumerate(big):
            if b in self.big:
                hit[K + t], prev[K + t] = True, self.big[b]
            else:
                self.big[b] = int(cells[K + t])
        new = ~hit[:K]
        if new.any():
            o = np.argsort(fixed[new])
            keys, pay = fixed[new][o], cells[:K][new][o]
            while self.levels and self.levels[-1][0].dtype == keys.dtype and self.levels[-1][0].size <= keys.size:
                a, p = self.levels.pop()
                at = np.searchsorted(keys, a)  # merge two sorted arrays of distinct keys: one copy each
                keys, pay = np.insert(keys, at, a), np.insert(pay, at, p)
            self.levels.append((keys, pay))
        return hit, prev


@dataclass
class _Group:
    """A shared affine map: the cells holding its regions, their pattern keys, and the
    facets between them (pairs of pattern keys)."""

    count: int = 0
    cells: set = field(default_factory=set)
    patterns: set = field(default_factory=set)
    edges: list = field(default_factory=list)


def _summary(res: Any, offset: int, local: bool) -> tuple:
    """What a piece of the enumeration sends back besides its shard: its distinct maps
    (keys in first-occurrence order, how often each occurs, the cell of its first region)
    and, with ``local``, the regions whose map occurs more than once in the piece (pattern
    key, map, cell) with the sibling facets between them that have equal maps."""
    fixed, big, ids = res.map_key_ids()
    K = fixed.size + len(big)
    counts = np.bincount(ids, minlength=K) if ids.size else np.zeros(0, dtype=np.int64)
    cells = res.parent_cells() + offset
    first = np.unique(ids, return_index=True)[1] if ids.size else np.zeros(0, dtype=np.int64)
    shared = None
    if local and ids.size and (counts > 1).any():
        sel = np.nonzero(counts[ids] > 1)[0]
        pk = res.pattern_keys()
        pairs = res.same_map_sibling_pairs()
        shared = (pk[sel], ids[sel], cells[sel], pk[pairs[:, 0]], pk[pairs[:, 1]], ids[pairs[:, 0]])
    return fixed, big, counts, cells[first], shared


def _chunk_task(layer: LastLayer, path: str, header: dict, deadline: float | None, offset: int = 0):
    """Refine a chunk of cells, write its shard, return (regions, :func:`_summary`)."""
    res = refine_cells(layer, deadline, keep_step=True)
    k = shards.write_shard(path, header, res.iter_region_rows())
    return k, _summary(res, offset, True)


def _wall_task(layer: LastLayer, fixed: np.ndarray, big: set):
    """Refine some cells again and return, for their regions whose map is among the keys
    (``fixed`` sorted, ``big``): pattern keys, map keys, and every facet on an inherited wall
    whose region across has the same map (pairs of pattern keys)."""
    res = refine_cells(layer, None, keep_step=True)
    f, b, ids = res.map_key_ids()
    want = np.zeros(f.size + len(b), dtype=bool)
    if f.size and fixed.size and f.dtype == fixed.dtype:
        pos = np.minimum(np.searchsorted(fixed, f), fixed.size - 1)
        want[: f.size] = fixed[pos] == f
    for t, key in enumerate(b):
        want[f.size + t] = key in big
    sel = np.nonzero(want[ids])[0] if ids.size else np.zeros(0, dtype=np.int64)
    tags = {t: _tag(f[t]) if t < f.size else _tag(b[t - f.size]) for t in np.unique(ids[sel]).tolist()}
    pk = res.pattern_keys()
    child, nb, same = res.wall_neighbours(sel)
    return ([pk[i].tobytes() for i in sel.tolist()], [tags[t] for t in ids[sel].tolist()],
            [(pk[i].tobytes(), nb[k].tobytes(), tags[ids[i]]) for k, i in enumerate(child.tolist()) if same[k]])


def _join_task(network: ReluNetwork, dom: np.ndarray, keys: list[bytes], labels: list[int]) -> int:
    """Regions of one affine map (packed pattern keys) in parts ``labels`` (joined by
    facets): how many more unions joining parts whose closures meet inside the domain
    makes (exact LP, rows rebuilt from the patterns, as in
    :meth:`~polyrelu.nets.regions.NetworkRegions.n_pieces`)."""
    n = network.input_dim
    widths = list(network.hidden_widths)
    total = sum(widths)
    rows = []
    for k in keys:
        flat = np.unpackbits(np.frombuffer(k, dtype=np.uint8))[:total]
        rows.append(pattern_rows(network, np.split(flat, np.cumsum(widths)[:-1])))
    parent = {x: x for x in labels}

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    merges = 0
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            a, b = find(labels[i]), find(labels[j])
            if a != b and closures_meet(rows[i], rows[j], dom, n):
                parent[a] = b
                merges += 1
    return merges


def stream_regions(network: ReluNetwork, directory: Any, *, domain: OpenPolyhedron | None = None, executor=None,
                   workers: int | None = None, max_regions: int | None = None, max_seconds: float | None = None,
                   progress: Callable[[int, int, int], None] | None = None, cells_per_task: int | None = None,
                   prefix: str = "regions") -> StreamedRegions:
    """Enumerate the activation regions of ``network`` into shards in ``directory`` (created
    if needed; it must not hold a manifest or shards already) and return the counts:
    activation regions, linear regions, pieces and affine maps, exactly those of
    ``network_regions(...).counts()`` (the module docstring says how).  ``info`` also tells
    how many maps are shared (``shared_maps``, over ``regions_with_shared_maps``), how many
    cells were refined a second time for facets on inherited walls
    (``cells_refined_again``) and in how many map groups LP joins were tried
    (``map_groups_needing_lp``).

    The options are those of :func:`~polyrelu.nets.regions.network_regions`.  When a
    budget runs out, the shards written so far stay (complete files), the manifest says
    ``partial``, every count is None and ``info["activation_regions_at_least"]`` is a
    lower bound.
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
        table = _MapTable()
        groups: dict[bytes, _Group] = {}

        def absorb(summary: tuple) -> None:
            fixed, big, counts_, first, shared = summary
            hit, prev = table.merge(fixed, big, first)
            sh = hit | (counts_ > 1)
            if not sh.any():
                return
            K = fixed.size
            tags = {t: _tag(fixed[t]) if t < K else _tag(big[t - K]) for t in np.nonzero(sh)[0].tolist()}
            for t, key in tags.items():
                g = groups.get(key)
                if g is None:
                    g = groups[key] = _Group(1 if hit[t] else 0)  # seen before: once (else it had a group)
                if hit[t]:
                    g.cells.add(int(prev[t]))
                g.cells.add(int(first[t]))
                g.count += int(counts_[t])
            if shared is not None:
                pk, mid, cl, ea, eb, em = shared
                for p, t, c in zip(pk, mid.tolist(), cl.tolist()):
                    g = groups[tags[t]]
                    g.cells.add(c)
                    g.patterns.add(p.tobytes())
                for a, b, t in zip(ea, eb, em.tolist()):
                    groups[tags[t]].edges.append((a.tobytes(), b.tobytes()))
        total = 0
        info = dict(layer.info)
        partial = layer.partial
        L = network.n_hidden_layers
        done_cells = 0
        step = 0

        def name(k: int) -> Path:
            return (out / f"{prefix}-{k:05d}.jsonl").resolve()

        if not partial and layer.n_cells == 1:
            try:
                for k, res in enumerate(stream_cell(layer, ex if ex.parallelism > 1 or ex.is_distributed else None, budget.deadline)):
                    p = name(k)
                    m = shards.write_shard(p, shards.shard_header(network, layer.denominator, k, total), res.iter_region_rows())
                    absorb(_summary(res, 0, False))
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
                              budget.deadline, lo) for i, (lo, hi) in enumerate(chunks[a : a + window])]
                    results = ex.map(_chunk_task, tasks, deadline=budget.deadline)
                    for i, r in enumerate(results):  # every shard written is listed, even after a stop
                        if r is NOT_RUN:
                            continue
                        m, summary = r
                        absorb(summary)
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
            linear = pieces = total  # every map once (no group): the three counts are equal
            if groups:
                merged, joined = _join_structure(layer, groups, [p for p, _, _ in written], ex, step if layer.n_cells > 1 else 0, info)
                linear, pieces = total - merged, total - merged - joined
            counts = {"activation_regions": total, "linear_regions": linear, "pieces": pieces, "affine_maps": len(table),
                      "partial": False}
        info["shards_written"] = len(written)
        info["regions_written"] = total
        manifest = shards.write_manifest(out, network, layer.denominator, written, counts, partial, info)
        return StreamedRegions(out, [p for p, _, _ in written], counts, partial, info, manifest)
    finally:
        if own:
            ex.close()


def _fixed_keys(tags: list[bytes]) -> np.ndarray:
    raws = [t[1:] for t in tags if t[:1] == b"F"]
    if not raws:
        return np.zeros(0, dtype="V8")
    return np.sort(np.frombuffer(b"".join(raws), dtype=f"V{len(raws[0])}"))


def _one_cell_patterns(layer: LastLayer, groups: dict[bytes, _Group], paths: list[Path]) -> None:
    """The pattern keys of the regions with shared maps, read back from the shards (only
    lines whose map is shared are parsed)."""
    n, m = layer.network.input_dim, layer.network.output_dim
    text_of = {}
    for key in groups:
        vals = np.frombuffer(key[1:], dtype=np.int64).tolist() if key[:1] == b"F" else [int(v) for v in key[2:-1].decode().split(",")]
        text_of[shards.map_text([vals[i * (n + 1) : (i + 1) * (n + 1)] for i in range(m)])] = key
    for text, pattern in shards.iter_map_patterns(paths, set(text_of)):
        bits = np.frombuffer("".join(pattern).encode(), dtype=np.uint8) - 48
        groups[text_of[text]].patterns.add(np.packbits(bits).tobytes())


def _join_many(network: ReluNetwork, dom: np.ndarray, jobs: list[tuple[list[bytes], list[int]]]) -> int:
    return sum(_join_task(network, dom, keys, labels) for keys, labels in jobs)


def _components(N: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of the graph on 0..N-1 with edges (a[k], b[k]): each node's
    smallest member (union-find in rounds: hook every larger root under the smaller one,
    then compress paths fully; no scipy import, no Python loop per edge).

    >>> _components(5, np.array([3, 1, 4]), np.array([1, 0, 3])).tolist()
    [0, 0, 2, 0, 0]
    """
    parent = np.arange(N)
    while a.size:
        ra, rb = parent[a], parent[b]
        d = ra != rb
        if not d.any():
            break
        a, b, ra, rb = a[d], b[d], ra[d], rb[d]
        np.minimum.at(parent, np.maximum(ra, rb), np.minimum(ra, rb))
        while True:
            nxt = parent[parent]
            if np.array_equal(nxt, parent):
                break
            parent = nxt
    return parent


def _join_structure(layer: LastLayer, groups: dict[bytes, _Group], paths: list[Path], ex: Any, step: int, info: dict) -> tuple[int, int]:
    """(facet unions, closure unions) among the regions whose affine map occurs more than
    once: linear regions = activation regions - facet unions, pieces = linear regions -
    closure unions.  See the module docstring for the route."""
    network = layer.network
    n = network.input_dim
    if layer.n_cells == 1:  # one cell, streamed in batches: patterns from the shards, siblings by class flips
        _one_cell_patterns(layer, groups, paths)
    else:  # facets on inherited walls: the cells holding a map met in two cells or more, refined again
        by_cell: dict[int, list[bytes]] = {}
        for key, g in groups.items():
            if len(g.cells) >= 2:
                for c in g.cells:
                    by_cell.setdefault(c, []).append(key)
        todo = sorted(by_cell)
        info["cells_refined_again"] = len(todo)
        if todo:
            tasks = []
            for lo in range(0, len(todo), max(1, step)):
                cs = todo[lo : lo + max(1, step)]
                tags = sorted({k for c in cs for k in by_cell[c]})
                tasks.append((layer.cells(cs), _fixed_keys(tags), {t[1:] for t in tags if t[:1] == b"T"}))
            for pats, tags, edges in ex.map(_wall_task, tasks):
                for p, t in zip(pats, tags):
                    groups[t].patterns.add(p)
                for a, b, t in edges:
                    groups[t].edges.append((a, b))
    keys = list(groups)
    node_list: list[bytes] = []
    node_group: list[int] = []
    for gi, key in enumerate(keys):
        g = groups[key]
        if len(g.patterns) != g.count:
            raise InternalError(f"a shared affine map has {g.count} regions but {len(g.patterns)} patterns were found")
        node_list += sorted(g.patterns)
        node_group += [gi] * len(g.patterns)
    Nn = len(node_list)
    width = len(node_list[0])
    P = np.frombuffer(b"".join(node_list), dtype=np.uint8).reshape(Nn, width)

    def as_keys(M: np.ndarray) -> np.ndarray:  # packed patterns of up to 64 neurons as integers (fast to sort)
        if width <= 8:
            pad = np.zeros((M.shape[0], 8), dtype=np.uint8)
            pad[:, :width] = M
            return pad.view(np.uint64)[:, 0]
        return np.ascontiguousarray(M).view(np.dtype((np.void, width)))[:, 0]

    nodes = as_keys(P)
    order = np.argsort(nodes)
    sk = nodes[order]
    if Nn > 1 and np.any(sk[1:] == sk[:-1]):
        raise InternalError("two regions with the same activation pattern")
    grp = np.array(node_group, dtype=np.int64)

    def lookup(M: np.ndarray) -> np.ndarray:
        q = as_keys(M)
        pos = np.minimum(np.searchsorted(sk, q), Nn - 1)
        return np.where(sk[pos] == q, order[pos], -1)

    ea: list[np.ndarray] = []
    eb: list[np.ndarray] = []
    if layer.n_cells == 1:
        widths = list(network.hidden_widths)
        off = sum(widths[:-1])
        for cls in layer.neuron_classes(0):
            mask = np.zeros(sum(widths), dtype=np.uint8)
            mask[off + cls] = 1
            j = lookup(P ^ np.packbits(mask)[None, :])
            ok = (j >= 0) & (grp[np.maximum(j, 0)] == grp)
            ea.append(np.nonzero(ok)[0])
            eb.append(j[ok])
    for gi, key in enumerate(keys):
        E = groups[key].edges
        if not E:
            continue
        a = lookup(np.frombuffer(b"".join(x for x, _ in E), dtype=np.uint8).reshape(len(E), width))
        b = lookup(np.frombuffer(b"".join(y for _, y in E), dtype=np.uint8).reshape(len(E), width))
        if np.any(a < 0) or np.any(b < 0) or np.any(grp[a] != gi) or np.any(grp[b] != gi):
            raise InternalError("a facet between regions of one affine map leads to a region missing from the enumeration")
        ea.append(a)
        eb.append(b)
    A = np.concatenate(ea) if ea else np.zeros(0, dtype=np.int64)
    B = np.concatenate(eb) if eb else np.zeros(0, dtype=np.int64)
    labels = _components(Nn, A, B)
    merged = Nn - int(np.count_nonzero(labels == np.arange(Nn)))
    dom = layer.domain.engine_rows() if layer.domain is not None else np.zeros((0, n + 1), dtype=np.int64)
    jobs = []
    starts = np.searchsorted(grp, np.arange(len(keys) + 1))
    for gi in range(len(keys)):
        lab = labels[starts[gi] : starts[gi + 1]]
        if np.unique(lab).size >= 2:
            jobs.append((node_list[starts[gi] : starts[gi + 1]], lab.tolist()))
    info.update({"shared_maps": len(keys), "regions_with_shared_maps": Nn, "map_groups_needing_lp": len(jobs)})
    joined = 0
    if jobs:
        par = max(1, ex.parallelism)
        size = max(1, -(-len(jobs) // (4 * par)))
        joined = sum(ex.map(_join_many, [(network, dom, jobs[i : i + size]) for i in range(0, len(jobs), size)]))
    return merged, joined


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
