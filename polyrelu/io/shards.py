"""Region shards: the activation regions of a network streamed to disk in JSON Lines files,
so that large enumerations need not be held (or sent back) as Python objects.

Format ``polyrelu.region-shard``, version 1.  Each shard is a text file; its first line is
a header object, every further line one region::

    {"format": "polyrelu.region-shard", "version": 1, "network_digest": "<sha256>",
     "input_dim": n, "outputs": m, "denominator": "Q", "shard": k, "first_region": i}
    {"pattern": ["0110", "10"], "witness": ["1/3", "-2"], "map": [[a_11, ..., a_1n, c_1], ...]}

``pattern`` has one 0/1 string per hidden layer, ``witness`` is an exact point strictly
inside the region (``p/q`` strings), and ``map`` holds integers: on the region the network
is ``x -> (A x + c) / Q`` with ``[A | c] = map`` and ``Q`` the header's denominator (the
same for every region of a network).  Regions keep the enumeration's order across shards
(``first_region``; it is null in a shard that a worker wrote before the regions ahead of it
were counted, see :mod:`polyrelu.nets.stream`, and the manifest gives it); files are
written atomically (temporary name, then rename).

A streamed folder also holds ``manifest.json`` (``polyrelu.region-manifest`` version 1),
written last: the shards in enumeration order (``file``, ``regions``, ``first_region``),
the counts, and ``partial`` (true when a budget stopped the run: the shards listed are
complete, the regions not all there).  A folder without a manifest is an unfinished run.

>>> from polyrelu.nets.regions import network_regions
>>> from polyrelu.paper.constructions import max_of_two
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     paths = write_shards(network_regions(max_of_two()), d, shard_size=3)
...     len(paths), counts_from_shards(paths)
(2, {'activation_regions': 4, 'affine_maps': 2})
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from ..errors import FileFormatError

__all__ = ["FORMAT", "VERSION", "MANIFEST", "MANIFEST_FORMAT", "StreamedShards", "shard_header", "write_shard", "write_shards", "write_manifest",
           "read_manifest", "load_manifest", "check_header", "iter_shard", "counts_from_shards", "map_text", "iter_map_patterns"]

FORMAT = "polyrelu.region-shard"
VERSION = 1
MANIFEST_FORMAT = "polyrelu.region-manifest"
MANIFEST = "manifest.json"


@dataclass
class StreamedShards:
    """What a streamed enumeration (of a network's or an arrangement's regions) wrote and
    counted: the folder, the shards in order, the counts, whether a budget stopped it,
    details, and the manifest written last."""

    directory: Path
    shards: list[Path]
    counts: dict[str, Any]
    partial: bool
    info: dict = field(default_factory=dict)
    manifest: Path | None = None


def shard_header(network: Any, denominator: int, shard: int, first_region: int | None) -> dict:
    """The header line of a shard of ``network``'s regions (``first_region`` None: not known
    when the shard was written; the manifest gives it)."""
    from . import formats

    return {"format": FORMAT, "version": VERSION, "network_digest": formats.digest(network.to_dict()),
            "input_dim": network.input_dim, "outputs": network.output_dim, "denominator": str(denominator),
            "shard": shard, "first_region": first_region}


def write_shard(path: Any, header: dict, rows: Iterable[dict]) -> int:
    """Write one shard atomically (a temporary name in the same folder, then rename; the
    temporary file is removed if writing fails); returns the number of regions."""
    path = Path(path)
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}"
    k = 0
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(json.dumps(header, sort_keys=True) + "\n")
            for row in rows:
                f.write(json.dumps(row, sort_keys=True, separators=(",", ":")) + "\n")
                k += 1
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return k


def write_shards(res: Any, directory: Any, *, shard_size: int = 100_000, prefix: str = "regions") -> list[Path]:
    """Write the regions of ``res`` (a complete :class:`polyrelu.nets.regions.NetworkRegions`)
    as shards of at most ``shard_size`` regions; returns their paths in order."""
    if res.partial:
        raise ValueError("a partial result (budget ran out) has no final regions to write")
    if shard_size < 1:
        raise ValueError(f"shard_size is {shard_size}; it must be at least 1")
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    N = res.n_activation_regions
    paths = []
    for k, lo in enumerate(range(0, max(N, 1), shard_size)):
        if N == 0 and k > 0:
            break
        hi = min(N, lo + shard_size)
        path = out_dir / f"{prefix}-{k:05d}.jsonl"
        write_shard(path, shard_header(res.network, res.map_denominator, k, lo), res.iter_region_rows(lo, hi))
        paths.append(path)
    return paths


def write_manifest(directory: Any, network: Any, denominator: int, shards: Sequence[tuple[Any, int, int]], counts: dict,
                   partial: bool, info: dict | None = None) -> Path:
    """Write ``manifest.json`` (format ``polyrelu.region-manifest`` v1) atomically: the
    shards (file name, regions, first region) in enumeration order and the counts.  It is
    written last, so a folder without it is an unfinished run."""
    from . import formats

    path = Path(directory) / MANIFEST
    formats.dump_atomic({"format": MANIFEST_FORMAT, "version": VERSION, "network_digest": formats.digest(network.to_dict()),
                         "denominator": str(denominator), "partial": bool(partial),
                         "shards": [{"file": Path(p).name, "regions": int(r), "first_region": int(f)} for p, r, f in shards],
                         "counts": counts, "info": info or {}}, path)
    return path


def read_manifest(directory: Any) -> dict:
    """The manifest of a shard folder (strict: format and version); the shard paths are
    under ``"paths"``."""
    return load_manifest(directory, MANIFEST_FORMAT, VERSION)


def load_manifest(directory: Any, fmt: str, version: int) -> dict:
    """The ``manifest.json`` of a shard folder of format ``fmt`` (strict), with the shard
    paths under ``"paths"``; shared by every kind of shard folder."""
    path = Path(directory) / MANIFEST
    if not path.exists():
        raise FileFormatError(f"{directory}: no {MANIFEST} (the run that wrote these shards did not finish)")
    with open(path, encoding="utf-8") as f:
        try:
            m = json.load(f)
        except json.JSONDecodeError:
            raise FileFormatError(f"{path}: not JSON") from None
    if not isinstance(m, dict) or m.get("format") != fmt or m.get("version") != version:
        raise FileFormatError(f"{path}: not a {fmt} version {version} file")
    m["paths"] = [Path(directory) / s["file"] for s in m["shards"]]
    return m


def check_header(line: str, path: Any, fmt: str, version: int) -> dict:
    """The header (first line) of a shard file of format ``fmt``, checked strictly."""
    try:
        header = json.loads(line)
    except json.JSONDecodeError:
        raise FileFormatError(f"{path}: the first line is not a JSON header") from None
    if not isinstance(header, dict) or header.get("format") != fmt:
        raise FileFormatError(f"{path}: not a {fmt} file (format is {header.get('format') if isinstance(header, dict) else None!r})")
    if header.get("version") != version:
        raise FileFormatError(f"{path}: {fmt} version {header.get('version')!r} is not supported (expected {version})")
    return header


def iter_shard(path: Any) -> Iterator[dict]:
    """The header, then every region of one shard (strict: format, version, fields)."""
    with open(path, encoding="utf-8") as f:
        yield check_header(f.readline(), path, FORMAT, VERSION)
        for no, line in enumerate(f, start=2):
            yield _row(line, path, no)


def _row(line: str, path: Any, no: int) -> dict:
    """One region line of a shard, checked strictly (JSON, no floats, exactly its fields)."""
    try:
        row = json.loads(line, parse_float=_no_float)
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"{path}: line {no} is not JSON ({exc.msg})") from None
    if not isinstance(row, dict) or set(row) != {"pattern", "witness", "map"}:
        raise FileFormatError(f"{path}: line {no} must have exactly the fields pattern, witness, map")
    return row


def _no_float(text: str):
    raise FileFormatError(f"a JSON float ({text}) in a region shard; numbers are integers or 'p/q' strings")


def counts_from_shards(paths: Sequence[Any]) -> dict[str, int]:
    """Activation regions and distinct affine maps, read from the shards as a stream (the
    memory kept is one 16-byte digest per distinct map)."""
    n_regions = 0
    maps: set[bytes] = set()
    den = None
    for p in paths:
        it = iter_shard(p)
        header = next(it)
        if den is None:
            den = header["denominator"]
        elif header["denominator"] != den:
            raise FileFormatError(f"{p}: shards of different networks (denominator {header['denominator']} vs {den})")
        for row in it:
            n_regions += 1
            maps.add(hashlib.blake2b(json.dumps(row["map"], separators=(",", ":")).encode(), digest_size=16).digest())
    return {"activation_regions": n_regions, "affine_maps": len(maps)}


def map_text(rows: Sequence[Sequence[int]]) -> str:
    """A region's ``map`` (integer rows) as written in a shard line."""
    return json.dumps([[int(v) for v in r] for r in rows], separators=(",", ":"))


def iter_map_patterns(paths: Sequence[Any], maps: set[str]) -> Iterator[tuple[str, list[str]]]:
    """(map text, pattern) of every region in the shards whose map, as :func:`map_text`
    writes it, is in ``maps``.  Lines as :func:`write_shard` writes them (sorted keys,
    ``map`` first) are only parsed when their map is wanted; other lines are read in full."""
    for p in paths:
        it = iter(_lines(p))
        for no, line in it:
            text = None
            if line.startswith('{"map":'):
                end = line.find(',"pattern":')
                if end > 0:
                    text = line[7:end]
            if text is not None and text not in maps:
                continue
            if text is not None:  # the pattern strings hold only 0 and 1: read them without a JSON parse
                a = end + 12
                b = line.find('],"witness":', a)
                if line[end : a] == ',"pattern":[' and b > a:
                    pattern = line[a + 1 : b - 1].split('","')
                    if all(_BITS.issuperset(p) for p in pattern):
                        yield text, pattern
                        continue
            row = _row(line, p, no)
            t = map_text(row["map"])
            if t in maps:
                yield t, row["pattern"]


_BITS = frozenset("01")


def _lines(path: Any) -> Iterator[tuple[int, str]]:
    """(line number, text) of the region lines of a shard, after checking its header."""
    with open(path, encoding="utf-8") as f:
        check_header(f.readline(), path, FORMAT, VERSION)
        for no, line in enumerate(f, start=2):
            yield no, line
