"""Versioned JSON files: strict loading, canonical writing, digests, atomic writes.

Every polyrelu file is a JSON object with ``"format"`` (for example
``"polyrelu.network"``) and ``"version"``.  Rationals are strings ``"p/q"`` or JSON
integers.  JSON floats are refused on load (``0.1`` in a file has no exact meaning the
writer can have intended), and so are ``NaN``/``Infinity``.  Output is canonical —
sorted keys, fixed indentation, trailing newline — so regenerated files do not churn.

Numbers of any size are read exactly: JSON integers are parsed by GMP, so Python's
4,300-digit limit on converting decimal strings to ``int`` does not apply (see
:func:`polyrelu.exact.rational.as_rational` for strings).

Readers are strict: :func:`fields` refuses an unknown key and a missing one, naming the
JSON path of the field (``layers[1].activation``), so a misspelt or unsupported field
is never silently ignored.

>>> loads('{"n": ' + "9" * 5000 + '}')["n"] == 10**5000 - 1
True
>>> fields({"a": 1, "bias": 2}, "layers[0]", required=("a",), source="net.json")
Traceback (most recent call last):
...
polyrelu.errors.FileFormatError: net.json: layers[0]: unknown field "bias" (allowed: a)
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable

from gmpy2 import mpz

from ..errors import FileFormatError
from .outputs import write_files

__all__ = ["loads", "load", "dumps", "dump_atomic", "write_text_atomic", "digest", "check_header", "canonical_bytes",
           "fields", "describe", "positive_int"]

# Python refuses int(text) above 4,300 digits (quadratic-time protection); GMP converts in
# subquadratic time and mpz -> int is a binary copy, so any size is read exactly.
_SHORT_INT = 4000


def _parse_int(text: str) -> int:
    return int(text) if len(text) <= _SHORT_INT else int(mpz(text))


def _int_text(value: int) -> str:
    return str(value) if value.bit_length() < 13000 else str(mpz(value))


def describe(value: Any) -> str:
    """A short, safe rendering of a JSON value for an error message (long numbers and
    strings are abbreviated; never raises on huge integers).

    >>> describe(10**5000), describe("x" * 100)[:12], describe([1, 2])
    ('an integer of 5001 digits', "'xxxxxxxxxxx", '[1, 2]')
    """
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        text = _int_text(value)
        digits = len(text.lstrip("-"))
        return text if digits <= 30 else f"an integer of {digits} digits"
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:30]) + f"... ({len(value)} characters)"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(describe(v) for v in list(value)[:4])
        return "[" + inner + (", ...]" if len(value) > 4 else "]")
    if isinstance(value, dict):
        return "an object with keys " + ", ".join(sorted(map(str, value))[:6])
    return type(value).__name__


def fields(obj: Any, where: str, *, required: Iterable[str] = (), optional: Iterable[str] = (), source: str = "input") -> dict:
    """Check that ``obj`` is a JSON object with every ``required`` key and no key outside
    ``required`` and ``optional``; ``where`` is its JSON path (``""`` for the top level).
    Returns ``obj``."""
    req, opt = tuple(required), tuple(optional)
    at = f"{source}: {where}: " if where else f"{source}: "
    if not isinstance(obj, dict):
        raise FileFormatError(f"{at}expected a JSON object with {', '.join(req) or 'fields'}, got {describe(obj)}")
    allowed = req + opt
    unknown = [k for k in obj if k not in allowed]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        raise FileFormatError(f"{at}unknown field{plural} {', '.join(json.dumps(k) for k in sorted(unknown))} "
                              f"(allowed: {', '.join(allowed)})")
    for k in req:
        if k not in obj:
            raise FileFormatError(f"{at}missing field \"{k}\"")
    return obj


def positive_int(value: Any, where: str, *, source: str = "input") -> int:
    """A JSON integer >= 1 (a dimension), or FileFormatError naming ``where``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FileFormatError(f"{source}: {where} is {describe(value)}; it must be a positive integer")
    return value


def _refuse_float(text: str) -> Any:
    raise FileFormatError(
        f"the JSON number {text} is a float; write exact numbers as strings such as \"1/10\" "
        "or \"0.1\" (decimal strings mean their exact value) or as JSON integers"
    )


def _refuse_constant(text: str) -> Any:
    raise FileFormatError(f"{text} is not a number polyrelu accepts; NaN and infinities have no rational value")


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise FileFormatError(f"the field {json.dumps(dup)} appears twice in one object; keep one")
    return obj


def loads(text: str, *, source: str = "input") -> Any:
    """Parse JSON text, refusing floats, NaN, infinities and repeated keys."""
    try:
        return json.loads(text, parse_float=_refuse_float, parse_int=_parse_int, parse_constant=_refuse_constant,
                          object_pairs_hook=_refuse_duplicates)
    except FileFormatError as exc:
        raise FileFormatError(f"{source}: {exc}") from None
    except RecursionError:
        raise FileFormatError(f"{source}: JSON nested too deeply to be a polyrelu file") from None
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "is the file truncated or hand-edited?"
        ) from None


def load(path: str | os.PathLike[str]) -> Any:
    """Read and strictly parse a JSON file (see :func:`loads`)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileFormatError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise FileFormatError(f"{p}: is a directory, expected a JSON file") from None
    except UnicodeDecodeError:
        raise FileFormatError(f"{p}: not UTF-8 text; expected a JSON file") from None
    except OSError as exc:
        raise FileFormatError(f"{p}: cannot read it ({exc.strerror or exc})") from None
    return loads(text, source=str(p))


def check_header(obj: Any, fmt: str, versions: tuple[int, ...] = (1,), *, source: str = "input") -> None:
    """Check that ``obj`` is a JSON object of format ``fmt`` in a supported version."""
    if not isinstance(obj, dict):
        raise FileFormatError(f"{source}: expected a JSON object with \"format\": \"{fmt}\", got {type(obj).__name__}")
    got = obj.get("format")
    if got != fmt:
        raise FileFormatError(f"{source}: field \"format\" is {describe(got)} but {fmt!r} was expected")
    version = obj.get("version")
    if isinstance(version, bool) or version not in versions:
        raise FileFormatError(
            f"{source}: field \"version\" is {describe(version)}; this polyrelu reads {fmt} version(s) "
            f"{', '.join(map(str, versions))}"
        )


def dumps(obj: Any) -> str:
    """Canonical JSON text: sorted keys, two-space indent, lists of scalars on one line,
    trailing newline.  The same object always gives the same bytes."""
    return _dump(obj, 0) + "\n"


def _is_scalar(v: Any) -> bool:
    return v is None or isinstance(v, (str, int, bool))


def _dump(obj: Any, level: int) -> str:
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{inner}{json.dumps(str(k))}: {_dump(obj[k], level + 1)}" for k in sorted(obj)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, (list, tuple)):
        if all(_is_scalar(v) for v in obj):
            return "[" + ", ".join(_dump(v, level) for v in obj) + "]"
        return "[\n" + ",\n".join(inner + _dump(v, level + 1) for v in obj) + "\n" + pad + "]"
    if isinstance(obj, float):
        raise FileFormatError(f"refusing to write the float {obj!r}; polyrelu files hold exact numbers only")
    if isinstance(obj, int) and not isinstance(obj, bool):
        return _int_text(obj)
    return json.dumps(obj, ensure_ascii=True, allow_nan=False)


def canonical_bytes(obj: Any) -> bytes:
    """Compact canonical encoding used for digests."""
    try:
        return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode()
    except ValueError:  # an integer beyond Python's int-to-text limit: the same bytes, via GMP
        return _compact(obj).encode()


def _compact(obj: Any) -> str:
    if isinstance(obj, dict):
        return "{" + ",".join(json.dumps(str(k)) + ":" + _compact(obj[k]) for k in sorted(obj)) + "}"
    if isinstance(obj, (list, tuple)):
        return "[" + ",".join(_compact(v) for v in obj) + "]"
    if isinstance(obj, int) and not isinstance(obj, bool):
        return _int_text(obj)
    return json.dumps(obj, ensure_ascii=True, allow_nan=False)


def digest(obj: Any) -> str:
    """``"sha256:<hex>"`` of the canonical compact encoding of ``obj``."""
    return "sha256:" + hashlib.sha256(canonical_bytes(obj)).hexdigest()


def dump_atomic(obj: Any, path: str | os.PathLike[str]) -> None:
    """Write ``obj`` as canonical JSON to ``path`` atomically (temp file + rename).

    A reader never sees a half-written file, and a failure leaves any previous file intact.
    """
    write_text_atomic(dumps(obj), path)


def write_text_atomic(text: str, path: str | os.PathLike[str]) -> None:
    """Write text to ``path`` atomically (temporary file in the same folder, then rename;
    see :func:`polyrelu.io.outputs.write_files`, which writes several files at once)."""
    write_files([(path, text)])
