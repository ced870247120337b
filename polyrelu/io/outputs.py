"""Output files: checked before the work starts, written all-or-nothing.

A command that writes files calls :func:`check_outputs` before it computes anything, with
every output path and every input path.  It refuses

* an output that names an input or another output: the same file after resolving
  symbolic links (``os.path.realpath``) or, for files that exist, hard links (the same
  device and inode) -- :class:`~polyrelu.errors.PathCollisionError`;
* an output location that cannot be written: a missing folder, a folder where polyrelu
  may not create files (permissions, a read-only file system, ``/proc``), a directory
  or a read-only file in the output's place -- :class:`~polyrelu.errors.OutputPathError`.
  The folder is probed by creating and removing a temporary file, so the answer is the
  operating system's, not a guess from permission bits.

When the work is done, :func:`write_files` writes the whole set all-or-nothing: each file
goes to a temporary file in its target folder, and only when every one of them is written
and synced are they renamed into place.  A failure (a full disk, an interrupt) removes the
temporaries and puts back any target already replaced, so either every output is written
or no target is touched.  An output that already exists as a device or a pipe (such as
``/dev/null`` or ``/dev/stdout``) is written in place, after the files, never replaced.
A symbolic link is followed: the file it points to is replaced and the link kept.

>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> check_outputs([("--out", d / "net.json")], inputs=[("DATA", d / "data.csv")])
>>> check_outputs([("--out", d / "net.json"), ("--certificate", d / "." / "net.json")])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
polyrelu.errors.PathCollisionError: --certificate .../net.json and --out .../net.json are the same file; give each output its own path
>>> write_files([(d / "net.json", "{}\\n"), (d / "report.md", "# report\\n")])
>>> sorted(p.name for p in d.iterdir())
['net.json', 'report.md']
>>> check_outputs([("--out", d)])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
polyrelu.errors.OutputPathError: --out ...: is a directory; give a file name
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, Union, cast

from ..errors import OutputPathError, PathCollisionError

__all__ = ["check_outputs", "check_output", "check_distinct", "write_files", "same_file"]

PathLike = Union[str, "os.PathLike[str]"]


def _identity(path: PathLike) -> tuple[str, tuple[int, int] | None]:
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except OSError:
        return real, None
    return real, (st.st_dev, st.st_ino)


def same_file(a: PathLike, b: PathLike) -> bool:
    """Whether two paths name the same file: equal after resolving symbolic links, or
    (when both exist) the same device and inode, which also catches hard links.

    >>> same_file("a/../b.json", "b.json")
    True
    """
    ra, ia = _identity(a)
    rb, ib = _identity(b)
    return ra == rb or (ia is not None and ia == ib)


def check_distinct(outputs: Sequence[tuple[str, PathLike | None]], inputs: Sequence[tuple[str, PathLike | None]] = ()) -> None:
    """Refuse an output that is an input or another output (:class:`PathCollisionError`).

    ``outputs`` and ``inputs`` are ``(label, path)`` pairs; the label (an option name
    such as ``"--out"`` or an argument name such as ``"DATA"``) goes into the message.
    Pairs whose path is ``None`` are skipped.
    """
    seen: list[tuple[str, PathLike, str, tuple[int, int] | None, bool]] = []
    for label, p in inputs:
        if p is not None:
            seen.append((label, p, *_identity(p), True))
    for label, p in outputs:
        if p is None:
            continue
        real, ident = _identity(p)
        for label2, p2, real2, ident2, is_input in seen:
            if real == real2 or (ident is not None and ident == ident2):
                if is_input:
                    raise PathCollisionError(
                        f"{label} {p} would overwrite the input {label2} ({p2}); choose another output path"
                    )
                raise PathCollisionError(f"{label} {p} and {label2} {p2} are the same file; give each output its own path")
        seen.append((label, p, real, ident, False))


def _reason(exc: OSError, folder: PathLike) -> str:
    if isinstance(exc, FileNotFoundError):
        if os.path.isdir(folder):  # /proc and other virtual file systems
            return f"folder {folder} does not accept new files ({exc.strerror})"
        return f"folder {folder} does not exist; create it first"
    if isinstance(exc, NotADirectoryError):
        return f"{folder} is not a folder"
    if exc.errno == errno.EROFS:
        return f"folder {folder} is on a read-only file system"
    if isinstance(exc, PermissionError):
        return f"no permission to create files in folder {folder}"
    if exc.errno == errno.ENOSPC:
        return f"no space left on the device of folder {folder}"
    return f"cannot create files in folder {folder} ({exc.strerror or exc})"


def _probe(folder: Path, shown: PathLike) -> str | None:
    """Create and remove a temporary file in ``folder``; the reason it failed, or None."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".polyrelu-probe.", suffix=".tmp", dir=folder)
    except OSError as exc:
        return _reason(exc, shown)
    os.close(fd)
    os.unlink(tmp)
    return None


def _shown_parent(p: Path) -> str:
    return str(p.parent) if str(p.parent) not in ("", ".") or p.is_absolute() else "."


def check_output(label: str, path: PathLike, *, make_folders: bool = False) -> None:
    """Refuse an output location that cannot be written (:class:`OutputPathError`).

    With ``make_folders=True`` a missing folder is fine when it can be created (the
    nearest existing ancestor is a folder where files can be created), as
    :func:`write_files` with ``make_folders=True`` will do.
    """
    p = Path(path)
    if not str(path):
        raise OutputPathError(f"{label}: the path is empty")
    real = Path(os.path.realpath(p))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as exc:  # a path through a file (ENOTDIR), a loop of links, ...
        raise OutputPathError(f"{label} {p}: {_reason(exc, _shown_parent(p))}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise OutputPathError(f"{label} {p}: is a directory; give a file name")
        if not stat.S_ISREG(st.st_mode):  # a device or a pipe: written in place
            if not os.access(real, os.W_OK):
                raise OutputPathError(f"{label} {p}: no permission to write it")
            return
        if not st.st_mode & 0o222:
            raise OutputPathError(f"{label} {p}: is read-only (mode {stat.S_IMODE(st.st_mode):04o}); "
                                  "make it writable or choose another path")
    folder, shown = real.parent, Path(_shown_parent(p))
    if make_folders:
        while not folder.exists() and folder != folder.parent:
            folder, shown = folder.parent, shown.parent
    why = _probe(folder, shown)
    if why:
        raise OutputPathError(f"{label} {p}: {why}")


def check_outputs(outputs: Sequence[tuple[str, PathLike | None]], inputs: Sequence[tuple[str, PathLike | None]] = (),
                  *, make_folders: bool = False) -> None:
    """Everything a command checks before it computes: :func:`check_distinct` over the
    outputs and inputs, then :func:`check_output` for each output.  ``None`` paths are
    skipped."""
    check_distinct(outputs, inputs)
    for label, p in outputs:
        if p is not None:
            check_output(label, p, make_folders=make_folders)


@dataclass
class _Item:
    shown: PathLike
    real: Path
    data: bytes
    stream: bool
    mode: int | None
    tmp: str | None = None
    backup: str | None = None
    replaced: bool = False


def write_files(files: Sequence[tuple[PathLike, str | bytes]], *, make_folders: bool = False) -> None:
    """Write every ``(path, text)`` pair, or none of them (see the module docstring).

    Raises :class:`OutputPathError` (naming the path and the reason) when a file cannot
    be written; every target is then as it was before the call.  With
    ``make_folders=True`` missing folders are created (and removed again on failure).
    """
    items: list[_Item] = []
    for path, text in files:
        real = Path(os.path.realpath(path))
        try:
            st = os.stat(real)
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise OutputPathError(f"{path}: {_reason(exc, _shown_parent(Path(path)))}; no output was written") from None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise OutputPathError(f"{path}: is a directory; no output was written")
        if any(it.real == real for it in items):
            raise PathCollisionError(f"{path} is given twice; give each output its own path")
        stream = st is not None and not stat.S_ISREG(st.st_mode)
        mode = stat.S_IMODE(st.st_mode) if st is not None and not stream else None
        items.append(_Item(path, real, text.encode("utf-8") if isinstance(text, str) else bytes(text), stream, mode))
    made: list[Path] = []
    current: _Item | None = None
    try:
        if make_folders:
            for it in items:
                missing = []
                f = it.real.parent
                while not f.exists():
                    missing.append(f)
                    f = f.parent
                for f in reversed(missing):
                    current = it
                    f.mkdir()
                    made.append(f)
        umask = os.umask(0)
        os.umask(umask)
        for it in items:
            if it.stream:
                continue
            current = it
            fd, it.tmp = tempfile.mkstemp(prefix=f".{it.real.name}.", suffix=".tmp", dir=it.real.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(it.data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(it.tmp, it.mode if it.mode is not None else 0o666 & ~umask)  # mkstemp makes 0600
        for it in items:
            if it.stream or it.mode is None:
                continue
            backup = os.path.join(it.real.parent, f".{it.real.name}.{secrets.token_hex(6)}.bak")
            try:
                os.link(it.real, backup)  # keeps the old content reachable until everything is in place
                it.backup = backup
            except OSError:
                pass
        for it in items:
            if not it.stream:
                current = it
                os.replace(cast(str, it.tmp), it.real)  # written above
                it.tmp, it.replaced = None, True
        for it in items:
            if it.stream:
                current = it
                with open(it.real, "wb") as fh:
                    fh.write(it.data)
    except BaseException as exc:
        for it in items:
            if it.replaced:
                try:
                    if it.backup is not None:
                        os.replace(it.backup, it.real)
                        it.backup = None
                    elif it.mode is None:
                        os.unlink(it.real)  # it did not exist before
                except OSError:
                    pass
        _cleanup(items)
        for f in reversed(made):
            try:
                f.rmdir()
            except OSError:
                pass
        if isinstance(exc, OSError) and not isinstance(exc, (OutputPathError, PathCollisionError)):
            where = current.shown if current is not None else "output"
            folder = _shown_parent(Path(where))
            why = _reason(exc, folder) if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC) \
                else (exc.strerror or str(exc))
            raise OutputPathError(f"{where}: could not write it: {why}; no output was written") from None
        raise
    _cleanup(items)


def _cleanup(items: list[_Item]) -> None:
    for it in items:
        for name in (it.tmp, it.backup):
            if name is not None:
                try:
                    os.unlink(name)
                except OSError:
                    pass
        it.tmp = it.backup = None
