"""Training data from CSV: a header row, then one point per row, the label last."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ..errors import FileFormatError, PolyReluError
from ..exact.rational import Rational, as_rational

__all__ = ["read_csv"]


def read_csv(path: Any) -> tuple[list[tuple[Rational, ...]], list[Rational]]:
    """Data from a CSV file: a header row, then one row per point; the last column is the
    label.  Numbers are integers, decimals (their exact decimal value) or p/q."""
    p = Path(path)
    try:
        with p.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except FileNotFoundError:
        raise FileFormatError(f"{p}: no such file") from None
    except UnicodeDecodeError:
        raise FileFormatError(f"{p}: not UTF-8 text; expected a CSV file") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise FileFormatError(f"{p}: needs a header row and at least one data row")
    header, data = rows[0], rows[1:]
    if len(header) < 2:
        raise FileFormatError(f"{p}: the header has {len(header)} column(s); need at least one feature and the label")
    X, y = [], []
    for i, r in enumerate(data, start=2):
        if len(r) != len(header):
            raise FileFormatError(f"{p}: line {i} has {len(r)} fields but the header has {len(header)}")
        try:
            vals = [as_rational(c.strip(), field=f"line {i}, column {header[k]!r}") for k, c in enumerate(r)]
        except PolyReluError as exc:
            raise FileFormatError(f"{p}: {exc}") from None
        X.append(tuple(vals[:-1]))
        y.append(vals[-1])
    return X, y
