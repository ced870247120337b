"""One-field mutations of JSON certificates, for the verifier's robustness tests.

A mutation changes exactly one node of the JSON tree (or removes/adds one key or list
entry) and leaves the rest untouched.  Containers on the path to the node are copied,
everything else is shared, so a mutation of a large certificate costs little.

Kinds, by the type of the node:

* every node: ``null``;
* objects: ``dict->list`` (its values), ``missing:<key>`` for each key, ``extra-key``;
* lists: ``list->dict``, ``truncate`` (drop the last entry), ``drop-first``, ``extend``
  (repeat the last entry), ``swap`` (the first two entries, when they differ), ``empty``;
* rational strings: ``to-float``, ``to-int`` (a JSON integer), ``huge`` (a 40-digit
  string), ``huge-int``, ``negate``, ``garbage``, ``zero-denominator``, ``to-list``;
* other strings: ``garbage``, ``empty-string``, ``to-int``;
* integers: ``to-str``, ``to-float``, ``huge-int``, ``negative``, ``plus-one``, ``to-bool``;
* booleans: ``flip``, ``to-int``, ``to-str``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

Path = tuple  # keys (str) and list indices (int) from the root

_RATIONAL = re.compile(r"^-?\d+(/\d+)?$")
HUGE = 10**40


@dataclass(frozen=True)
class Mutation:
    path: Path
    kind: str
    value: Any  # the new value at path; _DELETE removes it

    def apply(self, root: Any) -> Any:
        return _replace(root, self.path, self.value)

    def where(self) -> str:
        out = ""
        for p in self.path:
            out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
        return out or "<root>"


class _Delete:
    def __repr__(self) -> str:
        return "<delete>"


_DELETE = _Delete()


def _replace(node: Any, path: Path, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        out = dict(node)
        if not rest and value is _DELETE:
            del out[head]
        elif not rest:
            out[head] = value
        else:
            out[head] = _replace(node[head], rest, value)
        return out
    out_list = list(node)
    if not rest and value is _DELETE:
        del out_list[head]
    else:
        out_list[head] = _replace(node[head], rest, value)
    return out_list


def _leaf_mutations(v: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(v, bool):
        yield "flip", not v
        yield "to-int", int(v)
        yield "to-str", str(v).lower()
    elif isinstance(v, int):
        yield "to-str", str(v)
        yield "to-float", v + 0.5
        yield "huge-int", HUGE
        yield "negative", -v - 1
        yield "plus-one", v + 1
        yield "to-bool", True
    elif isinstance(v, str) and _RATIONAL.match(v):
        num, _, den = v.partition("/")
        yield "to-float", int(num) / int(den or 1)
        yield "to-int", int(num) // int(den or 1)
        yield "huge", str(HUGE)
        yield "huge-int", HUGE
        yield "negate", v[1:] if v.startswith("-") else ("1" if v == "0" else "-" + v)
        yield "garbage", v + "x"
        yield "zero-denominator", num + "/0"
        yield "to-list", [v]
    elif isinstance(v, str):
        yield "garbage", v + "x" if v else "x"
        yield "empty-string", ""
        yield "to-int", 0
    elif v is None:
        yield "to-dict", {}
        yield "to-list", []
        yield "to-int", 0


def mutations(root: Any) -> Iterator[Mutation]:
    """Every one-field mutation of ``root`` (depth first, deterministic order)."""

    def walk(node: Any, path: Path) -> Iterator[Mutation]:
        if path:
            if node is not None:
                yield Mutation(path, "null", None)
        if isinstance(node, dict):
            if path:
                yield Mutation(path, "dict->list", list(node.values()))
            for k in sorted(node):
                yield Mutation(path + (k,), f"missing:{k}", _DELETE)
            yield Mutation(path + ("unexpected",), "extra-key", "1")
            for k in sorted(node):
                yield from walk(node[k], path + (k,))
        elif isinstance(node, list):
            yield Mutation(path, "list->dict", {str(i): x for i, x in enumerate(node)})
            if node:
                yield Mutation(path, "truncate", node[:-1])
                yield Mutation(path, "extend", node + [node[-1]])
            if len(node) >= 2:
                yield Mutation(path, "drop-first", node[1:])
                yield Mutation(path, "empty", [])
                if node[0] != node[1]:
                    yield Mutation(path, "swap", [node[1], node[0], *node[2:]])
            for i, x in enumerate(node):
                yield from walk(x, path + (i,))
        else:
            for kind, value in _leaf_mutations(node):
                yield Mutation(path, kind, value)

    yield from walk(root, ())


def matches(path: Path, pattern: str) -> bool:
    """Whether ``path`` matches a dotted pattern where ``*`` is any key or index and a
    trailing ``**`` any remainder: ``regions.*.witness.**``."""
    parts = pattern.split(".")
    p = list(path)
    for i, part in enumerate(parts):
        if part == "**":
            return True
        if i >= len(p):
            return False
        if part != "*" and str(p[i]) != part:
            return False
    return len(p) == len(parts)


def run(verify: Callable[[Any], Any], cert: Any, muts: list[Mutation], expected: Callable[[Mutation], type],
        neutral: Callable[[Mutation, Any, Any], str | None]) -> dict[str, Any]:
    """Apply each mutation and classify the verifier's answer.

    ``neutral(mutation, summary, mutated_summary)`` says why an accepted mutation is
    semantically neutral (None: it is not).  Returns the count ``tried`` and lists:
    ``rejected`` (the expected error), ``neutral`` (accepted and declared neutral),
    ``accepted`` (accepted although not neutral: a verifier bug), ``wrong_error`` (a
    polyrelu error of another class) and ``crashes`` (any other exception).
    """
    from polyrelu.errors import PolyReluError

    base = verify(cert)
    out: dict[str, Any] = {"tried": 0, "rejected": 0, "neutral": [], "accepted": [], "wrong_error": [], "crashes": []}
    for m in muts:
        out["tried"] += 1
        want = expected(m)
        try:
            got = verify(m.apply(cert))
        except want:
            out["rejected"] += 1
            continue
        except PolyReluError as exc:
            out["wrong_error"].append((m.where(), m.kind, type(exc).__name__, str(exc)[:200]))
            continue
        except Exception as exc:  # noqa: BLE001 - the point of the test
            out["crashes"].append((m.where(), m.kind, type(exc).__name__, str(exc)[:200]))
            continue
        reason = neutral(m, base, got)
        if reason is not None:
            out["neutral"].append((m.where(), m.kind, reason))
        else:
            out["accepted"].append((m.where(), m.kind, got))
    return out
