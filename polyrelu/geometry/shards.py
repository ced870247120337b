"""The regions of a hyperplane arrangement streamed to disk, so that arrangements with
tens of millions of regions are enumerated in bounded memory.

:func:`stream_arrangement` walks :meth:`HyperplaneArrangement.stream_region_arrays
<polyrelu.geometry.arrangement.HyperplaneArrangement.stream_region_arrays>` (one group of
hyperplanes at a time; what stays in memory is one packed sign key per region, ceil(N / 8)
bytes for N distinct hyperplanes, and the keys of the unbounded regions) and writes the
regions into JSON Lines shards as they come.

Format ``polyrelu.arrangement-shard``, version 1.  Each shard is a text file; its first
line is a header object, every further line one region::

    {"arrangement_digest": "sha256:...", "dim": d, "first_region": i, "format": "polyrelu.arrangement-shard",
     "hyperplanes": N, "shard": k, "version": 1}
    {"bounded":true,"signs":"+-+","witness":["1/3","1/9"]}

``signs`` has one character per hyperplane of the arrangement, in its order (``+`` where
a . x > b, ``-`` where a . x < b; coincident hyperplanes get their own signs, equal up
to orientation), ``witness`` is an exact point strictly inside the region (``p/q``
strings in lowest terms) and ``bounded`` says whether the region is bounded.  Every region
occurs in exactly one shard; ``first_region`` numbers them across shards.  Shards are
written atomically (temporary name, then rename).

The folder also holds ``manifest.json`` (``polyrelu.arrangement-manifest`` version 1),
written last: the arrangement's digest, the domain (``inside``, or null), the shards in
order (``file``, ``regions``, ``first_region``), the counts and ``partial`` (true when a
budget stopped the run: the shards listed are complete, the regions not all there).  A
folder without a manifest is an unfinished run.

>>> import tempfile
>>> from polyrelu.geometry.arrangement import HyperplaneArrangement
>>> A = HyperplaneArrangement([([1, 0], 0), ([0, 1], 0), ([1, 1], 1)])
>>> with tempfile.TemporaryDirectory() as d:
...     r = stream_arrangement(A, d)
...     rows = [row for p in r.shards for row in list(iter_shard(p))[1:]]
>>> r.counts
{'regions': 7, 'bounded_regions': 1, 'partial': False}
>>> sorted(row["signs"] for row in rows if row["bounded"])
['++-']
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import numpy as np
from gmpy2 import mpq

from ..errors import BudgetExceededError, FileFormatError, InvalidParameterError
from ..io import formats, shards

if TYPE_CHECKING:
    from .arrangement import HyperplaneArrangement
    from .polyhedron import OpenPolyhedron

__all__ = ["FORMAT", "VERSION", "MANIFEST", "MANIFEST_FORMAT", "StreamedArrangement", "stream_arrangement", "iter_shard",
           "read_manifest"]

FORMAT = "polyrelu.arrangement-shard"
VERSION = 1
MANIFEST_FORMAT = "polyrelu.arrangement-manifest"
MANIFEST = shards.MANIFEST
_FIELDS = {"signs", "witness", "bounded"}


StreamedArrangement = shards.StreamedShards  # what a streamed enumeration wrote and counted


def _witness_texts(X: np.ndarray, D: np.ndarray) -> list[str]:
    """JSON arrays of ``"p/q"`` strings in lowest terms, one per row of numerators ``X``
    over the row's denominator ``D`` (formatted a coordinate at a time)."""
    if X.shape[1] == 0:
        return ["[]"] * X.shape[0]
    if X.dtype != object and D.dtype != object:
        g = np.gcd(X, D[:, None])
        num, den = (X // g).T.tolist(), (D[:, None] // g).T.tolist()
    else:
        qs = [[mpq(int(v), int(dd)) for v in xr] for xr, dd in zip(X.tolist(), D.tolist())]
        num = [[q[j].numerator for q in qs] for j in range(X.shape[1])]
        den = [[q[j].denominator for q in qs] for j in range(X.shape[1])]
    cols = [[f'"{a}"' if b == 1 else f'"{a}/{b}"' for a, b in zip(nj, dj)] for nj, dj in zip(num, den)]
    return ["[" + ",".join(t) + "]" for t in zip(*cols)]


def _lines(batch: dict[str, np.ndarray]) -> list[str]:
    """The shard lines of one batch of :meth:`stream_region_arrays` (canonical compact JSON,
    keys sorted)."""
    S = batch["signs"]
    B, N = S.shape
    raw = np.where(S > 0, ord("+"), ord("-")).astype(np.uint8).tobytes().decode("ascii")
    wit = _witness_texts(batch["witness_numerators"], batch["witness_denominators"])
    bd = batch["bounded"].tolist()
    return [f'{{"bounded":{"true" if bd[i] else "false"},"signs":"{raw[i * N:(i + 1) * N]}","witness":{wit[i]}}}\n'
            for i in range(B)]


class _Shard:
    """One shard being written: a temporary file in the same folder, renamed into place
    when closed (so a reader never sees half a shard)."""

    def __init__(self, path: Path, header: str, first: int):
        self.path, self.first = path, first
        self.tmp = path.parent / f".{path.name}.tmp-{os.getpid()}"
        self.file = open(self.tmp, "w", encoding="utf-8")
        self.file.write(header)
        self.regions = 0

    def write(self, lines: list[str]) -> None:
        self.file.writelines(lines)
        self.regions += len(lines)

    def close(self) -> tuple[Path, int, int]:
        self.file.close()
        os.replace(self.tmp, self.path)
        return self.path, self.regions, self.first

    def discard(self) -> None:
        self.file.close()
        self.tmp.unlink(missing_ok=True)


def _header(arr: "HyperplaneArrangement", shard: int, first: int) -> str:
    return json.dumps({"format": FORMAT, "version": VERSION, "arrangement_digest": arr.digest(), "dim": arr.dim,
                       "hyperplanes": arr.n_hyperplanes, "shard": shard, "first_region": first}, sort_keys=True) + "\n"


def stream_arrangement(arrangement: "HyperplaneArrangement", directory: Any, *, inside: "OpenPolyhedron | None" = None,
                       executor: Any = None, max_seconds: float | None = None, max_regions: int | None = None,
                       shard_size: int = 100_000, progress: Callable[[int], None] | None = None,
                       prefix: str = "regions") -> StreamedArrangement:
    """Enumerate the regions of ``arrangement`` (inside the open polyhedron ``inside`` if
    given) into shards of at most ``shard_size`` regions in ``directory`` (created if
    needed; it must not hold a manifest or shards already) and return the counts.

    ``executor`` (:class:`polyrelu.parallel.Executor`) runs the groups of hyperplanes on
    local processes or a Dask cluster; the shards are written by this process.  When a
    budget runs out (``max_seconds``, or ``max_regions`` regions written), the shards
    written so far stay, the manifest says ``partial`` and ``info["regions_at_least"]``
    is a lower bound.  ``progress(regions)`` is called after every batch."""
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise InvalidParameterError(f"{out} exists and is not a folder")
    if out.is_dir() and ((out / MANIFEST).exists() or any(out.glob(f"{prefix}-*.jsonl"))):
        raise InvalidParameterError(f"{out} already holds region shards; give an empty or new folder")
    if isinstance(shard_size, bool) or not isinstance(shard_size, int) or shard_size < 1:
        raise InvalidParameterError(f"shard_size is {shard_size!r}; give an integer >= 1")
    if max_regions is not None and (isinstance(max_regions, bool) or not isinstance(max_regions, int) or max_regions < 1):
        raise InvalidParameterError(f"max_regions is {max_regions!r}; give an integer >= 1 or None")
    out.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, int, int]] = []
    total = bounded = 0
    partial = False
    shard: _Shard | None = None
    try:
        for batch in arrangement.stream_region_arrays(inside=inside, executor=executor, max_seconds=max_seconds):
            lines = _lines(batch)
            if max_regions is not None:
                lines = lines[: max(0, max_regions - total)]
            bounded += int(batch["bounded"][: len(lines)].sum())
            total += len(lines)
            i = 0
            while i < len(lines):
                if shard is None:
                    first = written[-1][2] + written[-1][1] if written else 0
                    shard = _Shard(out / f"{prefix}-{len(written):05d}.jsonl", _header(arrangement, len(written), first), first)
                take = shard_size - shard.regions
                shard.write(lines[i : i + take])
                i += take
                if shard.regions >= shard_size:
                    written.append(shard.close())
                    shard = None
            if progress is not None:
                progress(total)
            if max_regions is not None and total >= max_regions:
                raise BudgetExceededError("the region budget ran out", total)
    except BudgetExceededError:
        partial = True
    except BaseException:
        if shard is not None:
            shard.discard()
        raise
    if shard is not None:
        written.append(shard.close())
    elif not written:  # no region at all: one shard holding the header only
        written.append(_Shard(out / f"{prefix}-00000.jsonl", _header(arrangement, 0, 0), 0).close())
    info: dict[str, Any] = {"shards_written": len(written), "regions_written": total}
    if partial:
        info["regions_at_least"] = total
        counts: dict[str, Any] = {"regions": None, "bounded_regions": None, "partial": True}
    else:
        counts = {"regions": total, "bounded_regions": bounded, "partial": False}
    manifest = out / MANIFEST
    formats.dump_atomic({"format": MANIFEST_FORMAT, "version": VERSION, "arrangement_digest": arrangement.digest(),
                         "dim": arrangement.dim, "hyperplanes": arrangement.n_hyperplanes,
                         "inside": inside.to_dict() if inside is not None else None, "partial": partial,
                         "shards": [{"file": p.name, "regions": r, "first_region": f} for p, r, f in written],
                         "counts": counts, "info": info}, manifest)
    return StreamedArrangement(out, [p for p, _, _ in written], counts, partial, info, manifest)


def read_manifest(directory: Any) -> dict:
    """The manifest of an arrangement shard folder (strict: format and version); the shard
    paths are under ``"paths"``."""
    return shards.load_manifest(directory, MANIFEST_FORMAT, VERSION)


def iter_shard(path: Any) -> Iterator[dict]:
    """The header, then every region of one arrangement shard (strict: format, version,
    fields, no floats)."""
    with open(path, encoding="utf-8") as f:
        yield shards.check_header(f.readline(), path, FORMAT, VERSION)
        for no, line in enumerate(f, start=2):
            row = formats.loads(line, source=f"{path}: line {no}")
            if not isinstance(row, dict) or set(row) != _FIELDS:
                raise FileFormatError(f"{path}: line {no} must have exactly the fields bounded, signs, witness")
            yield row
