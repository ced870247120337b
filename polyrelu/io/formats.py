"""Versioned JSON files: strict loading, canonical writing, digests, atomic writes.

Every polyrelu file is a JSON object with ``"format"`` (for example
``"polyrelu.network"``) and ``"version"``.  Rationals are strings ``"p/q"`` or JSON
integers.  JSON floats are refused on load (``0.1`` in a file has no exact meaning the
writer can have intended), and so are ``NaN``/``Infinity``.  Output is canonical —
sorted keys, fixed indentation, trailing newline — so regenerated files do not churn.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import FileFormatError

__all__ = ["loads", "load", "dumps", "dump_atomic", "write_text_atomic", "digest", "check_header", "canonical_bytes"]


def _refuse_float(text: str) -> Any:
    raise FileFormatError(
        f"the JSON number {text} is a float; write exact numbers as strings such as \"1/10\" "
        "or \"0.1\" (decimal strings mean their exact value) or as JSON integers"
    )


def _refuse_constant(text: str) -> Any:
    raise FileFormatError(f"{text} is not a number polyrelu accepts; NaN and infinities have no rational value")


def loads(text: str, *, source: str = "input") -> Any:
    """Parse JSON text, refusing floats, NaN and infinities."""
    try:
        return json.loads(text, parse_float=_refuse_float, parse_constant=_refuse_constant)
    except FileFormatError as exc:
        raise FileFormatError(f"{source}: {exc}") from None
    except RecursionError:
        raise FileFormatError(f"{source}: nested too deeply to be a polyrelu file") from None
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
    return loads(text, source=str(p))


def check_header(obj: Any, fmt: str, versions: tuple[int, ...] = (1,), *, source: str = "input") -> None:
    """Check that ``obj`` is a JSON object of format ``fmt`` in a supported version."""
    if not isinstance(obj, dict):
        raise FileFormatError(f"{source}: expected a JSON object with \"format\": \"{fmt}\", got {type(obj).__name__}")
    got = obj.get("format")
    if got != fmt:
        raise FileFormatError(f"{source}: field \"format\" is {got!r} but {fmt!r} was expected")
    version = obj.get("version")
    if isinstance(version, bool) or version not in versions:
        raise FileFormatError(
            f"{source}: field \"version\" is {version!r}; this polyrelu reads {fmt} version(s) "
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
    return json.dumps(obj, ensure_ascii=True, allow_nan=False)


def canonical_bytes(obj: Any) -> bytes:
    """Compact canonical encoding used for digests."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode()


def digest(obj: Any) -> str:
    """``"sha256:<hex>"`` of the canonical compact encoding of ``obj``."""
    return "sha256:" + hashlib.sha256(canonical_bytes(obj)).hexdigest()


def dump_atomic(obj: Any, path: str | os.PathLike[str]) -> None:
    """Write ``obj`` as canonical JSON to ``path`` atomically (temp file + rename).

    A reader never sees a half-written file, and a failure leaves any previous file intact.
    """
    write_text_atomic(dumps(obj), path)


def write_text_atomic(text: str, path: str | os.PathLike[str]) -> None:
    """Write text to ``path`` atomically (temp file in the same folder, then rename)."""
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise FileFormatError(f"{p}: folder {folder} does not exist; create it first")
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file ordinary permissions
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
