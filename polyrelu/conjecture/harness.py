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
from typing import Any, Callable

from gmpy2 import mpq

from ..errors import ConjectureSpecError
from ..io import formats
from ..nets.network import ReluNetwork
from .checkpoint import Journal
from .expression import parse_expression
from .model import Conjecture, ConjectureResult
from .represent import expression_arity, representability_conjecture
from .spaces import Candidate, HypothesisSpace, RawView
from .worker import jsonable, run_chunk, value_str

__all__ = ["Conjecture", "ConjectureResult", "check", "run_in_parallel", "find_representation"]


# ------------------------------------------------------------------ workers
def run_in_parallel(fn: Callable[..., Any], tasks: list[tuple], *, workers: int, scheduler: Any = None) -> list[Any]:
    """The ONE place this package calls :mod:`polyrelu.parallel` (kept to a single adapter
    so the executor API can change in one line): ``[fn(*t) for t in tasks]`` in task
    order, on ``workers`` local processes or on the Dask ``scheduler`` (an address or a
    ``distributed.Client``)."""
    from .. import parallel

    if scheduler is None:
        return parallel.run_tasks(fn, tasks, workers=workers)
    with parallel.Executor(workers=workers, scheduler=scheduler) as ex:
        return ex.map(fn, tasks)


# ------------------------------------------------------------------ merging
def _merge(results: list[dict]) -> dict:
    out: dict[str, Any] = {"evaluated": 0, "covered": 0, "counterexamples": 0, "counterexamples_raw": 0, "first": None, "groups": {},
                           "histogram": {}}
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
    return (space.decode if not hasattr(space, "base") else RawView(space.base).decode)(enc)


def _candidate(space, enc) -> Candidate:
    view = space if not hasattr(space, "base") else RawView(space.base)
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
              "bound": value_str(conjecture.bound(cand)) if conjecture.bound else None}
        # minimal in the space iff every shell of its level and below was swept completely
        lvl = tuple(first["key"][:2])
        coverage["minimal"] = all(i in complete_shells for i, sh in enumerate(shells) if tuple(sh.level) <= lvl) \
            if getattr(space, "kind", "") == "exhaustive" else None
        if certify and conjecture.certify is not None:
            certificate = conjecture.certify(net)
    extremes: dict[str, Any] = {}
    for g, e in sorted(merged["groups"].items()):
        extremes[g] = {}
        for which in ("max", "min"):
            if which in e:
                cand = _candidate(space, e[which]["enc"])
                extremes[g][which] = {"value": e[which]["value"], "witness": _decode(space, e[which]["enc"]).to_dict(),
                                      "bound": value_str(conjecture.bound(cand)) if conjecture.bound else None}
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

    view = RawView(space.base)
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
        cx = {"network": net.to_dict(), "value": value_str(conjecture.measure(cand)), "key": jsonable(cand.key),
              "bound": value_str(conjecture.bound(cand)) if conjecture.bound else None}
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


def find_representation(text: str, *, n: int | None = None, space: Any = None, **kwargs) -> ConjectureResult:
    """Search ``space`` for a network computing the expression ``text`` (see
    :mod:`.represent`).

    ``status == "refuted"`` means found (``counterexample_network`` is the smallest),
    ``"holds"`` means no network of the space computes it, ``"partial"`` that the budget ran
    out.  Keyword arguments go to :func:`check`.

    >>> res = find_representation("relu(x1) + relu(-x1)", space="exhaustive:n=1;widths=1,2;weights=-1..1", workers=1)
    >>> res.status, res.counterexample_network.hidden_widths
    ('refuted', (2,))
    """
    n = n if n is not None else expression_arity(text)
    parse_expression(text, n=n)  # parse errors before any work
    return check(representability_conjecture(text, n), space, **kwargs)
