"""The harness: check a conjecture on every candidate of a search space.

A :class:`Conjecture` is an exact quantity of a candidate (``measure``) and a predicate on
it (``holds``).  :func:`check` walks the space shell by shell, chunk by chunk (in waves
spread over processes or a Dask cluster), and returns a :class:`ConjectureResult`:

* ``status == "holds"``: no counterexample in the space, with exactly what was covered
  (the space's description: sizes, weight set, symmetry classes and counts);
* ``status == "refuted"``: the smallest counterexample (fewest neurons, then smallest
  weights; see :mod:`.spaces`) with its value and, when the conjecture can certify it, a
  certificate of the violated quantity that ``polyrelu verify`` checks;
* ``status == "partial"``: the budget ran out; what was covered is reported.

The extremes of the quantity (per group, e.g. per width vector) with a minimal witness, and
the histogram of values, are reported too, so "how tight is a bound" is the same run.

Determinism: chunk results depend only on (conjecture, space, shell, chunk); they are
merged in chunk order with ties broken by the minimality key, and a sweep stops only at
the end of a *level* (all shells with the same (neurons, height)), so the answer does not
depend on the number of processes, on Dask, or on resuming from a checkpoint.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from gmpy2 import mpq

from ..errors import ConjectureSpecError
from ..exact.rational import to_str
from ..io import formats
from ..nets.network import ReluNetwork
from .checkpoint import Journal
from .spaces import Candidate, HypothesisSpace, _RawView, space_from_spec

__all__ = ["Conjecture", "ConjectureResult", "check", "run_in_parallel"]


@dataclass(frozen=True)
class Conjecture:
    """A conjecture: ``holds(candidate, measure(candidate))`` for every candidate.

    Parameters
    ----------
    name, statement : str
        Identifier and one-sentence statement.
    quantity : str
        What ``measure`` returns (for reports), e.g. ``"activation regions"``.
    measure : callable(Candidate) -> int or rational
        The exact quantity.  ``candidate.network`` is the network; for one-hidden-layer
        arrangement questions ``candidate.hyperplanes`` is its first layer as primitive
        integer rows (cheaper).
    holds : callable(Candidate, value) -> bool
    default_space : str
        A space string (see :func:`~polyrelu.conjecture.spaces.parse_space`).
    object_kind : "first_layer" or "network"
    depends_on : "function", "function_mod_constant" or "hidden_layers"
        What the quantity depends on (enables sound reductions of the output layer).
    bound : callable(Candidate) -> value, optional
        The conjectured bound at a candidate (reported next to the extremes).
    group : callable(Candidate) -> str, optional
        Extremes are reported per group (e.g. per width vector).
    stop_at_first : bool
        Stop at the first level holding a counterexample (else sweep the whole space).
    certify : callable(ReluNetwork) -> dict, optional
        A certificate (an existing ``polyrelu verify`` format) of the quantity.
    certify_extremes : bool
        When no counterexample exists, certify the witness of the largest value instead
        (e.g. a network attaining a bound).
    known_answer : str, optional
        The known truth, in words; ``expect`` checks a result against it.
    source : tuple
        How workers rebuild the conjecture: ``("builtin", name)``, ``("file", path, sha256)`` or
        ``("represent", expression, n)``.
    """

    name: str
    statement: str
    quantity: str
    measure: Callable[[Candidate], Any]
    holds: Callable[[Candidate, Any], bool]
    default_space: str
    object_kind: str = "network"
    depends_on: str = "function_mod_constant"
    bound: Callable[[Candidate], Any] | None = None
    group: Callable[[Candidate], str] | None = None
    stop_at_first: bool = True
    certify: Callable[[ReluNetwork], dict] | None = None
    certify_extremes: bool = False
    known_answer: str | None = None
    expect: Callable[["ConjectureResult"], bool] | None = None
    reference: str = ""
    source: tuple = ()


@dataclass
class ConjectureResult:
    """What a search found; :meth:`to_dict` is the ``--json`` output."""

    conjecture: Conjecture
    space: dict
    status: str
    coverage: dict
    counterexample: dict | None
    extremes: dict
    histogram: dict
    elapsed: float
    workers: int
    certificate: dict | None = None
    known_answer_reproduced: bool | None = None
    notes: list = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return self.status == "holds"

    @property
    def counterexample_network(self) -> ReluNetwork | None:
        if self.counterexample is None:
            return None
        return ReluNetwork.from_dict(self.counterexample["network"])

    def to_dict(self) -> dict[str, Any]:
        c = self.conjecture
        return {
            "conjecture": {"name": c.name, "statement": c.statement, "quantity": c.quantity, "reference": c.reference,
                           "known_answer": c.known_answer},
            "space": self.space,
            "status": self.status,
            "coverage": self.coverage,
            "counterexample": self.counterexample,
            "extremes": self.extremes,
            "histogram": self.histogram,
            "known_answer_reproduced": self.known_answer_reproduced,
            "workers": self.workers,
            "notes": self.notes,
        }


# ------------------------------------------------------------------ workers
def run_in_parallel(fn: Callable[..., Any], tasks: list[tuple], *, workers: int, scheduler: Any = None) -> list[Any]:
    """The ONE place this package calls :mod:`polyrelu.parallel` (kept to a single adapter
    so the executor API can change in one line): ``[fn(*t) for t in tasks]`` in task
    order, on ``workers`` local processes or on the Dask ``scheduler`` (an address or a
    ``distributed.Client``)."""
    from .. import parallel

    if scheduler is None:
        return parallel.run_tasks(fn, tasks, workers=workers)
    previous = parallel.scheduler()
    parallel.set_scheduler(scheduler)
    try:
        return parallel.run_tasks(fn, tasks, workers=workers)
    finally:
        parallel.set_scheduler(previous)


def resolve(source: tuple) -> Conjecture:
    """Rebuild a conjecture from its ``source`` (in a worker process)."""
    return _resolve_cached(json.dumps(list(source)))


@lru_cache(maxsize=32)
def _resolve_cached(src: str) -> Conjecture:
    source = json.loads(src)
    kind = source[0]
    if kind == "builtin":
        from .builtins import get_builtin

        return get_builtin(source[1])
    if kind == "file":
        from .userfile import load_conjecture_file

        conj = load_conjecture_file(source[1])
        if list(conj.source) != source:
            raise ConjectureSpecError(f"{source[1]}: the conjecture file changed while the search was running")
        return conj
    if kind == "represent":
        from .represent import representability_conjecture

        return representability_conjecture(source[1], source[2])
    raise ConjectureSpecError(f"unknown conjecture source {source!r}")


@lru_cache(maxsize=32)
def _space_cached(spec_json: str):
    return space_from_spec(json.loads(spec_json))


def _value_str(v) -> str:
    return str(v) if isinstance(v, int) else to_str(mpq(v))


def _jsonable(obj):
    if isinstance(obj, (tuple, list)):
        return [_jsonable(v) for v in obj]
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
    out_groups = {g: {w: {"value": _value_str(x[0]), "key": _jsonable(x[1]), "enc": _jsonable(x[2])} for w, x in e.items()}
                  for g, e in groups.items()}
    return {"evaluated": evaluated, "covered": covered if counted else None, "counterexamples": counterexamples,
            "counterexamples_raw": cx_raw if counted else None,
            "first": None if first is None else {"key": _jsonable(first[0]), "enc": _jsonable(first[1]), "value": _value_str(first[2])},
            "groups": out_groups, "histogram": {_value_str(k): c for k, c in hist.items()}}


# ------------------------------------------------------------------ merging
def _merge(results: list[dict]) -> dict:
    out = {"evaluated": 0, "covered": 0, "counterexamples": 0, "counterexamples_raw": 0, "first": None, "groups": {}, "histogram": {}}
    for r in results:
        out["evaluated"] += r["evaluated"]
        for k in ("covered", "counterexamples_raw"):
            out[k] = None if out[k] is None or r[k] is None else out[k] + r[k]
        out["counterexamples"] += r["counterexamples"]
        if r["first"] is not None and (out["first"] is None or r["first"]["key"] < out["first"]["key"]):
            out["first"] = r["first"]
        for g, e in r["groups"].items():
            cur = out["groups"].setdefault(g, {})
            for which, better in (("max", lambda a, b: a > b), ("min", lambda a, b: a < b)):
                if which not in e:
                    continue
                c, n = cur.get(which), e[which]
                if c is None or better(mpq(n["value"]), mpq(c["value"])) or (mpq(n["value"]) == mpq(c["value"]) and n["key"] < c["key"]):
                    cur[which] = n
        for v, c in r["histogram"].items():
            out["histogram"][v] = out["histogram"].get(v, 0) + c
    return out


def _decode(space, enc) -> ReluNetwork:
    return (space.decode if not hasattr(space, "base") else _RawView(space.base).decode)(enc)


def _candidate(space, enc) -> Candidate:
    view = space if not hasattr(space, "base") else _RawView(space.base)
    return Candidate(view, enc, None)


# ------------------------------------------------------------------ the driver
def check(conjecture: Conjecture, space=None, *, workers: int | None = None, scheduler: Any = None,
          max_seconds: float | None = None, max_candidates: int | None = None, checkpoint: Any = None,
          certify: bool = True, progress: Callable[[int, int], None] | None = None) -> ConjectureResult:
    """Check ``conjecture`` on every candidate of ``space`` (default: its default space).

    Parameters
    ----------
    space : a space object or a space string, optional
    workers : int, optional
        Processes (default: every core).  The answer does not depend on it.
    scheduler : str or distributed.Client, optional
        Run the chunks on a Dask cluster instead.
    max_seconds, max_candidates : optional budget
        Checked between waves of chunks; when exceeded the result has status "partial"
        and says what was covered.  With ``checkpoint`` a later call resumes.
    checkpoint : path, optional
        A JSON Lines journal of finished chunks (see :mod:`.checkpoint`).
    certify : bool
        Certify the counterexample (or the maximum's witness) when the conjecture can.
    progress : callable(done_chunks, total_chunks), optional
    """
    from ..parallel import default_workers
    from .spaces import parse_space

    if space is None or isinstance(space, str):
        space = parse_space(space, default=conjecture.default_space, object_kind=conjecture.object_kind, depends_on=conjecture.depends_on)
    if space.object_kind != conjecture.object_kind and conjecture.object_kind == "first_layer":
        raise ConjectureSpecError(f"conjecture {conjecture.name} needs a one-hidden-layer first-layer space")
    start = time.monotonic()
    nw = workers if workers is not None else default_workers()
    if isinstance(space, HypothesisSpace):
        return _check_hypothesis(conjecture, space, start, certify)
    if not conjecture.source:
        raise ConjectureSpecError(f"conjecture {conjecture.name} has no source; workers could not rebuild it")
    spec_json = json.dumps(space.spec(), sort_keys=True)
    identity = {"conjecture": list(conjecture.source), "space": space.spec()}
    journal = Journal.open(checkpoint, identity) if checkpoint is not None else None
    shells = space.shells()
    levels: list[list[int]] = []
    for i, sh in enumerate(shells):
        if levels and shells[levels[-1][0]].level == sh.level:
            levels[-1].append(i)
        else:
            levels.append([i])
    total_chunks = sum(sh.n_chunks for sh in shells)
    results: dict[tuple[int, int], dict] = dict(journal.done) if journal else {}
    partial = False
    stop_level = None
    wave = max(1, 4 * nw)
    done_count = len(results)
    for li, level in enumerate(levels):
        todo = [(s, c) for s in level for c in range(shells[s].n_chunks) if (s, c) not in results]
        random_space = getattr(space, "kind", "") == "random"
        while todo:
            if (max_seconds is not None and time.monotonic() - start > max_seconds) or (
                    max_candidates is not None and sum(r["evaluated"] for r in results.values()) >= max_candidates):
                partial = True
                break
            batch, todo = todo[:wave], todo[wave:]
            outs = run_in_parallel(run_chunk, [(tuple(conjecture.source), spec_json, s, c) for s, c in batch], workers=min(nw, len(batch)),
                                   scheduler=scheduler)
            for (s, c), r in zip(batch, outs):
                if random_space and conjecture.stop_at_first and any(
                        results[k]["counterexamples"] for k in results if k[0] == s and k[1] < c):
                    continue  # a random sweep stops at its first chunk with a counterexample
                results[(s, c)] = r
                if journal:
                    journal.append(s, c, r)
            done_count = len(results)
            if progress is not None:
                progress(done_count, total_chunks)
            if random_space and conjecture.stop_at_first and any(r["counterexamples"] for r in results.values()):
                first_bad = min(k[1] for k, r in results.items() if r["counterexamples"])
                results = {k: r for k, r in results.items() if k[1] <= first_bad}
                break
        if partial:
            break
        if conjecture.stop_at_first and any(results[(s, c)]["counterexamples"] for s in level for c in range(shells[s].n_chunks)
                                            if (s, c) in results):
            stop_level = li
            break
    merged = _merge([results[k] for k in sorted(results)])
    complete_shells = [i for i, sh in enumerate(shells) if all((i, c) in results for c in range(sh.n_chunks))]
    if merged["counterexamples"]:
        status = "refuted"
    elif partial:
        status = "partial"
    else:
        status = "holds"
    desc = space.describe()
    coverage = {
        "evaluated": merged["evaluated"],
        "raw_covered": merged["covered"],
        "chunks_done": len(results),
        "chunks_total": total_chunks,
        "shells_complete": [shells[i].label for i in complete_shells],
        "shells_total": len(shells),
        "complete": len(results) == total_chunks,
        "stopped_at_level": list(shells[levels[stop_level][0]].level) if stop_level is not None else None,
        "counterexamples_seen": merged["counterexamples"],
        "minimal": None,
        "counterexamples_seen_raw": merged["counterexamples_raw"],
    }
    cx = None
    certificate = None
    if merged["first"] is not None:
        first = merged["first"]
        net = _decode(space, first["enc"])
        cand = _candidate(space, first["enc"])
        cx = {"network": net.to_dict(), "value": first["value"], "key": first["key"],
              "bound": _value_str(conjecture.bound(cand)) if conjecture.bound else None}
        # minimal in the space iff every shell of its level and below was swept completely
        lvl = tuple(first["key"][:2])
        coverage["minimal"] = all(i in complete_shells for i, sh in enumerate(shells) if tuple(sh.level) <= lvl) \
            if getattr(space, "kind", "") == "exhaustive" else None
        if certify and conjecture.certify is not None:
            certificate = conjecture.certify(net)
    extremes = {}
    for g, e in sorted(merged["groups"].items()):
        extremes[g] = {}
        for which in ("max", "min"):
            if which in e:
                cand = _candidate(space, e[which]["enc"])
                extremes[g][which] = {"value": e[which]["value"], "witness": _decode(space, e[which]["enc"]).to_dict(),
                                      "bound": _value_str(conjecture.bound(cand)) if conjecture.bound else None}
    if certificate is None and certify and conjecture.certify_extremes and conjecture.certify is not None and status == "holds" and extremes:
        best = max(extremes.values(), key=lambda e: mpq(e["max"]["value"]))
        certificate = conjecture.certify(ReluNetwork.from_dict(best["max"]["witness"]))
    res = ConjectureResult(conjecture, desc, status, coverage, cx, extremes,
                           dict(sorted(merged["histogram"].items(), key=lambda kv: mpq(kv[0]))),
                           time.monotonic() - start, nw, certificate)
    if conjecture.expect is not None and status != "partial":
        res.known_answer_reproduced = bool(conjecture.expect(res))
    return res


def _check_hypothesis(conjecture: Conjecture, space: HypothesisSpace, start: float, certify: bool) -> ConjectureResult:
    import random

    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis.errors import NoSuchExample

    view = _RawView(space.base)
    tried = [0]

    def bad(enc) -> bool:
        tried[0] += 1
        cand = Candidate(view, enc, 1)
        return not conjecture.holds(cand, conjecture.measure(cand))

    cfg = settings(max_examples=space.examples, database=None, deadline=None,
                   suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink])
    try:
        enc = find(space.strategy(), bad, settings=cfg, random=random.Random(space.seed))
    except NoSuchExample:
        enc = None
    cx, certificate = None, None
    status = "holds" if enc is None else "refuted"
    if enc is not None:
        cand = Candidate(view, enc, 1)
        net = cand.network
        cx = {"network": net.to_dict(), "value": _value_str(conjecture.measure(cand)), "key": _jsonable(cand.key),
              "bound": _value_str(conjecture.bound(cand)) if conjecture.bound else None}
        if certify and conjecture.certify is not None:
            certificate = conjecture.certify(net)
    coverage = {"evaluated": tried[0], "raw_covered": None, "complete": False,
                "note": "property-based search: examples tried and shrunk, not an exhaustive proof"}
    res = ConjectureResult(conjecture, space.describe(), status, coverage, cx, {}, {}, time.monotonic() - start, 1, certificate)
    return res


def result_digest(res: ConjectureResult) -> str:
    """A digest of everything a result claims (for comparing runs)."""
    d = res.to_dict()
    d.pop("workers")
    return formats.digest(d)
