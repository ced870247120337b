"""The worker side of a search: rebuild a conjecture and a space from small names and
evaluate one chunk.  Module-level functions only, so local processes and Dask workers can
run them; results are JSON-ready (they also go to the checkpoint journal)."""

from __future__ import annotations

import json
from functools import lru_cache

from gmpy2 import mpq

from ..errors import ConjectureSpecError
from ..exact.rational import to_str
from .model import Conjecture
from .builtins import get_builtin
from .represent import representability_conjecture
from .spaces import space_from_spec
from .userfile import load_conjecture_file

__all__ = ["resolve", "run_chunk", "value_str", "jsonable"]


def resolve(source: tuple) -> Conjecture:
    """Rebuild a conjecture from its ``source`` (in a worker process)."""
    return _resolve_cached(json.dumps(list(source)))


@lru_cache(maxsize=32)
def _resolve_cached(src: str) -> Conjecture:
    source = json.loads(src)
    kind = source[0]
    if kind == "builtin":
        return get_builtin(source[1])
    if kind == "file":
        conj = load_conjecture_file(source[1])
        if list(conj.source) != source:
            raise ConjectureSpecError(f"{source[1]}: the conjecture file changed while the search was running")
        return conj
    if kind == "represent":
        return representability_conjecture(source[1], source[2])
    raise ConjectureSpecError(f"unknown conjecture source {source!r}")


@lru_cache(maxsize=32)
def _space_cached(spec_json: str):
    return space_from_spec(json.loads(spec_json))


def value_str(v) -> str:
    return str(v) if isinstance(v, int) else to_str(mpq(v))


def jsonable(obj):
    if isinstance(obj, (tuple, list)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, (int, str)) or obj is None:
        return obj
    return to_str(mpq(obj))


def run_chunk(source: tuple, spec_json: str, shell: int, chunk: int) -> dict:
    """Evaluate one chunk; a JSON-ready summary (module-level so processes can run it).

    The loop keeps Python objects (keys are tuples) and converts to JSON once at the end,
    so the per-candidate cost is the conjecture's own ``measure``."""
    conj = resolve(source)
    space = _space_cached(spec_json)
    evaluated = counterexamples = 0
    covered = cx_raw = 0
    counted = True
    first = None  # (key, enc, value)
    groups: dict = {}  # group -> {"max": [value, key, enc], "min": [...]}
    hist: dict = {}
    measure, holds, group = conj.measure, conj.holds, conj.group
    for cand in space.chunk_candidates(shell, chunk):
        v = measure(cand)
        evaluated += 1
        mult = cand.multiplicity
        if mult is None:
            counted = False
        else:
            covered += mult
        hist[v] = hist.get(v, 0) + 1
        key = None
        if not holds(cand, v):
            counterexamples += 1
            cx_raw += mult or 0
            key = cand.key
            if first is None or key < first[0]:
                first = (key, cand.enc, v)
        e = groups.get(group(cand) if group is not None else "all")
        if e is None:
            key = key or cand.key
            groups[group(cand) if group is not None else "all"] = {"max": [v, key, cand.enc], "min": [v, key, cand.enc]}
            continue
        mx, mn = e["max"], e["min"]
        if v > mx[0]:
            e["max"] = [v, key or cand.key, cand.enc]
        elif v == mx[0]:
            key = key or cand.key
            if key < mx[1]:
                e["max"] = [v, key, cand.enc]
        if v < mn[0]:
            e["min"] = [v, key or cand.key, cand.enc]
        elif v == mn[0]:
            key = key or cand.key
            if key < mn[1]:
                e["min"] = [v, key, cand.enc]
    out_groups = {g: {w: {"value": value_str(x[0]), "key": jsonable(x[1]), "enc": jsonable(x[2])} for w, x in e.items()}
                  for g, e in groups.items()}
    return {"evaluated": evaluated, "covered": covered if counted else None, "counterexamples": counterexamples,
            "counterexamples_raw": cx_raw if counted else None,
            "first": None if first is None else {"key": jsonable(first[0]), "enc": jsonable(first[1]), "value": value_str(first[2])},
            "groups": out_groups, "histogram": {value_str(k): c for k, c in hist.items()}}
