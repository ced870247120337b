"""Training data from CSV: a header row, then one point per row, the label last.

A header row is expected by default, and a first row made only of numbers is refused
(it is almost certainly a data point, which would otherwise be lost silently); pass
``header=False`` (``polyrelu train --no-header``) for a file without one.

>>> import pathlib, tempfile
>>> p = pathlib.Path(tempfile.mkdtemp()) / "xor.csv"
>>> _ = p.write_text("0,0,0\\n0,1,1\\n1,0,1\\n1,1,0\\n")
>>> read_csv(p)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
polyrelu.errors.FileFormatError: ...xor.csv: the first row (0,0,0) is all numbers, so it looks like a data point, not a header; add a header row such as x1,y or pass --no-header (header=False)
>>> X, y = read_csv(p, header=False)
>>> len(X), X[1], y[1]
(4, (mpq(0,1), mpq(1,1)), mpq(1,1))
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

from ..errors import FileFormatError, PolyReluError
from ..exact.rational import Rational, as_rational

__all__ = ["read_csv"]


def _is_number(text: str) -> bool:
    try:
        as_rational(text.strip())
    except PolyReluError:
        return False
    return True


def read_csv(path: Any, *, header: bool = True) -> tuple[list[tuple[Rational, ...]], list[Rational]]:
    """Data from a CSV file: one row per point, the last column is the label.  Numbers
    are integers, decimals (their exact decimal value) or p/q, of any length.

    With ``header=True`` (the default) the first row names the columns and must not be
    all numbers; with ``header=False`` every row is data.  Blank lines are skipped; a
    UTF-8 byte-order mark is ignored.
    """
    p = Path(path)
    old_limit = csv.field_size_limit()
    try:
        csv.field_size_limit(sys.maxsize)  # numbers of any length; restored below
        with p.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except FileNotFoundError:
        raise FileFormatError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise FileFormatError(f"{p}: is a directory, expected a CSV file") from None
    except UnicodeDecodeError:
        raise FileFormatError(f"{p}: not UTF-8 text; expected a CSV file") from None
    except csv.Error as exc:
        raise FileFormatError(f"{p}: not a readable CSV file ({exc})") from None
    except OSError as exc:
        raise FileFormatError(f"{p}: cannot read it ({exc.strerror or exc})") from None
    finally:
        csv.field_size_limit(old_limit)
    numbered = [(i, r) for i, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    if header:
        if len(numbered) < 2:
            raise FileFormatError(f"{p}: needs a header row and at least one data row (pass --no-header if there is no header)")
        (_, names), data = numbered[0], numbered[1:]
        if all(_is_number(c) for c in names):
            shown = ",".join(names) if len(",".join(names)) <= 40 else ",".join(names)[:37] + "..."
            raise FileFormatError(
                f"{p}: the first row ({shown}) is all numbers, so it looks like a data point, not a header; "
                "add a header row such as x1,y or pass --no-header (header=False)"
            )
        width = len(names)
        if width < 2:
            raise FileFormatError(f"{p}: the header has {width} column(s); need at least one feature and the label")
    else:
        if not numbered:
            raise FileFormatError(f"{p}: has no data rows")
        names, data = None, numbered
        width = len(data[0][1])
        if width < 2:
            raise FileFormatError(f"{p}: line {data[0][0]} has {width} field(s); need at least one feature and the label")
    X, y = [], []
    for line, r in data:
        if len(r) != width:
            what = "the header has" if names is not None else f"line {data[0][0]} has"
            raise FileFormatError(f"{p}: line {line} has {len(r)} fields but {what} {width}")
        try:
            vals = [as_rational(c.strip(), field=f"line {line}, column {names[k]!r}" if names else f"line {line}, column {k + 1}")
                    for k, c in enumerate(r)]
        except PolyReluError as exc:
            raise FileFormatError(f"{p}: {exc}") from None
        X.append(tuple(vals[:-1]))
        y.append(vals[-1])
    return X, y
