"""The checkpoint of a sweep: a JSON Lines journal of finished chunks.

Line 1 is a header naming the search (``polyrelu.conjecture-journal`` version 1, the
conjecture's identity and the space's spec, and their digest); every later line is one
finished chunk ``{"shell": i, "chunk": j, "result": {...}}``.  Each line is appended with
a single ``os.write`` on a file opened with ``O_APPEND`` and then ``fsync``-ed, so a crash
leaves at most one truncated last line; :meth:`Journal.open` drops such a line (and
truncates the file back to the last complete line) before appending again.  Chunk results
depend only on (conjecture, space, shell, chunk), so a resumed sweep merges the journal's
results with the missing chunks and reaches exactly the answer of an uninterrupted one.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "sweep.jsonl")
>>> j = Journal.open(path, {"conjecture": "demo", "space": {"n": 1}})
>>> j.append(0, 3, {"evaluated": 5})
>>> Journal.open(path, {"conjecture": "demo", "space": {"n": 1}}).done
{(0, 3): {'evaluated': 5}}
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import ConjectureSpecError
from ..io import formats

__all__ = ["Journal", "FORMAT"]

FORMAT = "polyrelu.conjecture-journal"


class Journal:
    """An append-only journal of finished chunks for one search."""

    def __init__(self, path: Path, done: dict[tuple[int, int], dict]):
        self.path = path
        self.done = done

    @classmethod
    def open(cls, path: Any, identity: dict[str, Any]) -> "Journal":
        """Open (or create) the journal at ``path`` for the search ``identity``; refuse a
        journal written for another search."""
        p = Path(path)
        header = {"format": FORMAT, "version": 1, "search": identity, "digest": formats.digest(identity)}
        done: dict[tuple[int, int], dict] = {}
        if p.exists() and p.stat().st_size > 0:
            data = p.read_bytes()
            lines = data.split(b"\n")
            complete = lines[:-1]  # the part after the last newline is empty or a truncated line
            good_bytes = sum(len(line) + 1 for line in complete)
            if not complete:
                raise ConjectureSpecError(f"{p}: not a polyrelu conjecture journal (no complete header line); delete it to start afresh")
            try:
                head = json.loads(complete[0])
            except json.JSONDecodeError:
                raise ConjectureSpecError(f"{p}: the first line is not JSON; not a polyrelu conjecture journal") from None
            if not isinstance(head, dict) or head.get("format") != FORMAT or head.get("version") != 1:
                raise ConjectureSpecError(f"{p}: not a {FORMAT} version 1 file")
            if head.get("digest") != header["digest"]:
                raise ConjectureSpecError(
                    f"{p}: this checkpoint belongs to another search ({head.get('search')}); "
                    "use a new --checkpoint file or the same conjecture and space as before"
                )
            for k, line in enumerate(complete[1:], start=2):
                try:
                    entry = json.loads(line)
                    done[(int(entry["shell"]), int(entry["chunk"]))] = entry["result"]
                except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                    raise ConjectureSpecError(f"{p}: line {k} is not a journal entry; the file was edited or corrupted") from None
            if good_bytes != len(data):  # drop a truncated last line before appending
                with open(p, "r+b") as fh:
                    fh.truncate(good_bytes)
        else:
            if not p.parent.is_dir():
                raise ConjectureSpecError(f"{p}: folder {p.parent} does not exist; create it first")
            cls._append_line(p, header)
        return cls(p, done)

    @staticmethod
    def _append_line(p: Path, obj: dict) -> None:
        line = (json.dumps(obj, sort_keys=True, separators=(",", ":")) + "\n").encode()
        fd = os.open(p, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def append(self, shell: int, chunk: int, result: dict) -> None:
        """Record a finished chunk (one atomic append)."""
        self._append_line(self.path, {"shell": shell, "chunk": chunk, "result": result})
        self.done[(shell, chunk)] = result
